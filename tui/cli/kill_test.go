package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"dropin/store"
)

// TestServeChild is dropin serve in a child process for the test below;
// it does nothing in a normal run.
func TestServeChild(t *testing.T) {
	addr := os.Getenv("DROPIN_SERVE_CHILD")
	if addr == "" {
		t.Skip("a child of TestCentralKilledMidPush")
	}
	var out, errb bytes.Buffer
	code := Run(context.Background(), "dev", []string{"serve", "--listen", addr, "--mirror", t.TempDir()}, &out, &errb,
		func(k string) string { return os.Getenv(k) })
	t.Fatalf("serve ended: %d %s", code, errb.String())
}

// The central service killed with SIGKILL in the middle of a desk's push,
// and started again: the desk says in words it cannot reach it, keeps
// its events, and afterwards the central log holds each one once,
// numbered 1..N.
func TestCentralKilledMidPush(t *testing.T) {
	ctx := context.Background()
	dsn := freshPG(t)
	var out, errb bytes.Buffer
	if code := Run(ctx, "dev", []string{"serve", "station", "add", "levanger-1", "--tenant", "innherred", "--pg", dsn}, &out, &errb, env(nil)); code != 0 {
		t.Fatalf("station add: %s", errb.String())
	}
	token := strings.TrimSpace(out.String()[strings.LastIndex(strings.TrimSpace(out.String()), "\n")+1:])
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	url := "http://" + addr
	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "DROPIN_SERVE_CHILD="+addr, "DROPIN_PG="+dsn)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		for range 100 {
			if resp, err := http.Get(url + "/login"); err == nil {
				resp.Body.Close()
				return cmd
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("the service did not start")
		return nil
	}
	child := start()

	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "dropin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var roster strings.Builder
	roster.WriteString("Navn;Kommune;Organ;Primær e-post;Nettbrett serienr\n")
	for i := range 6000 {
		fmt.Fprintf(&roster, "Person %d;Levanger;Kommunestyret;p%d@levanger.kommune.no;TAB%06d\n", i, i, i)
	}
	ros, err := store.ParseRoster(strings.NewReader(roster.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, ros, store.Actor{Station: "levanger-1", Staff: "KN"}, false); err != nil {
		t.Fatal(err)
	}
	waiting, _ := st.Waiting(ctx)

	db, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	syncErr := make(chan error, 1)
	go func() { _, err := st.Sync(ctx, url, token, nil); syncErr <- err }()
	// Kill it once the first pieces of the push are in, the rest not.
	for range 2000 {
		var n int
		db.QueryRow(ctx, "SELECT count(*) FROM events").Scan(&n)
		if n > 0 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	err = <-syncErr
	if err == nil {
		t.Fatal("the push finished before the kill: the test proved nothing")
	}
	if !errors.Is(err, store.ErrUnreachable) && !errors.Is(err, store.ErrCentral) {
		t.Fatalf("a desk whose service died is told %v", err)
	}
	child = start()
	defer func() { child.Process.Signal(syscall.SIGKILL); child.Wait() }()
	if _, err := st.Sync(ctx, url, token, nil); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	if left, _ := st.Waiting(ctx); left != 0 {
		t.Fatalf("%d events still waiting", left)
	}
	var n, distinct, positions int64
	db.QueryRow(ctx, "SELECT count(*), count(DISTINCT id), count(DISTINCT seq) FROM events WHERE tenant = 'innherred'").Scan(&n, &distinct, &positions)
	if n != int64(waiting) || distinct != n || positions != n {
		t.Fatalf("central: %d events, %d distinct, at %d positions; %d were waiting", n, distinct, positions, waiting)
	}
}
