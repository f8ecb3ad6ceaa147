package store

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// seedExpected puts n expected tablets TAB000000... in the store in one
// transaction, the way a roster import does.
func seedExpected(tb testing.TB, s *Store, n int) {
	tb.Helper()
	ctx := context.Background()
	err := s.inTx(ctx, func(tx wtx) error {
		for i := range n {
			serial := fmt.Sprintf("TAB%06d", i)
			e := s.newEvent(desk, KindRegistered, serial, 1, "", registeredPayload{V: 1, Model: "iPad 9"})
			if err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
			if err := saveDevice(ctx, tx, projectDevice(serial, []Event{e})); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// TestCrashChild is the child of TestKilledMidCheckIn: it checks tablets
// in one after another and prints each serial once CheckIn has returned,
// which is when the desk would show "saved".
func TestCrashChild(t *testing.T) {
	path := os.Getenv("DROPIN_CRASH_DB")
	if path == "" {
		t.Skip("run by TestKilledMidCheckIn")
	}
	from, _ := strconv.Atoi(os.Getenv("DROPIN_CRASH_FROM"))
	s, err := Open(context.Background(), path)
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(1)
	}
	for i := from; ; i++ {
		serial := fmt.Sprintf("TAB%06d", i)
		if _, err := s.CheckIn(context.Background(), serial, Actor{Station: "crash", Staff: "KN"}); err != nil {
			fmt.Println("ERR", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stdout, "ACK %s\n", serial)
	}
}

// TestKilledMidCheckIn kills a desk with SIGKILL at random moments while it
// checks tablets in. Every check-in it acknowledged must be there after
// reopening, and the file must pass SQLite's integrity check.
func TestKilledMidCheckIn(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes; skipped with -short")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	const tablets = 20000
	seedExpected(t, s, tablets)
	s.Close()

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	kills := 25
	if n, err := strconv.Atoi(os.Getenv("DROPIN_CRASH_KILLS")); err == nil {
		kills = n
	}
	acked := map[string]bool{}
	next := 0
	for round := range kills {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "DROPIN_CRASH_DB="+path, "DROPIN_CRASH_FROM="+strconv.Itoa(next))
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill after a random number of acknowledgements, or a random
		// time, whichever comes first, so kills land mid-transaction too.
		killAfter := 1 + rng.IntN(40)
		deadline := time.After(time.Duration(5+rng.IntN(150)) * time.Millisecond)
		got := 0
	read:
		for {
			select {
			case line, ok := <-lines:
				if !ok {
					break read
				}
				if serial, found := strings.CutPrefix(line, "ACK "); found {
					acked[serial] = true
					n, _ := strconv.Atoi(strings.TrimPrefix(serial, "TAB"))
					next = max(next, n+1)
					if got++; got >= killAfter {
						break read
					}
				} else if strings.HasPrefix(line, "ERR") {
					t.Fatalf("round %d: child: %s", round, line)
				}
			case <-deadline:
				break read
			}
		}
		cmd.Process.Signal(syscall.SIGKILL)
		for line := range lines { // the pipe may still hold acknowledgements
			if serial, found := strings.CutPrefix(line, "ACK "); found {
				acked[serial] = true
				n, _ := strconv.Atoi(strings.TrimPrefix(serial, "TAB"))
				next = max(next, n+1)
			}
		}
		cmd.Wait()
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen after %d kills: %v", kills, err)
	}
	defer s.Close()
	if res, err := s.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	for serial := range acked {
		card, err := s.Card(ctx, serial)
		if err != nil || card.Device.Status != Received {
			t.Fatalf("%s was acknowledged but is %q after the crash (%v)", serial, card.Device.Status, err)
		}
	}
	if len(acked) < kills {
		t.Fatalf("only %d check-ins acknowledged in %d rounds: the test proved little", len(acked), kills)
	}
	t.Logf("%d kills, %d acknowledged check-ins, all present", kills, len(acked))
}
