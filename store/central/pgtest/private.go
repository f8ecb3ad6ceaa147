package pgtest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Server is a PostgreSQL server of a test's own, in a temporary folder on
// a free port, for tests that stop and start the database under the
// service (the shared server must stay up for every other test).
type Server struct {
	t    testing.TB
	bin  string // the folder of initdb and pg_ctl
	dir  string
	port int
	as   *syscall.Credential // who runs the server's commands: postgres when we are root
}

// NewServer makes, starts and (at the end of the test) removes a server.
// Where PostgreSQL's programs are missing it fails in CI and skips
// elsewhere, saying what to install.
func NewServer(t testing.TB) *Server {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if os.Getenv("CI") != "" {
			t.Fatal("initdb is missing in CI: install postgresql")
		}
		t.Skip("no initdb under /usr/lib/postgresql: apt-get install postgresql, or run .ci/run")
	}
	s := &Server{t: t, bin: filepath.Dir(bins[len(bins)-1]), dir: t.TempDir()}
	if u, err := user.Current(); err == nil && u.Uid == "0" {
		var err error
		// initdb refuses to run as root: the server runs as postgres, in
		// a folder it owns.
		pg, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root and there is no postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(pg.Uid)
		gid, _ := strconv.Atoi(pg.Gid)
		// The test's own temporary folder is root's alone: the server's
		// is a folder of its own, given to postgres, removed after.
		if s.dir, err = os.MkdirTemp("", "dropin-pg-"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(s.dir) })
		if err := os.Chown(s.dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		s.as = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	s.run("initdb", "-D", s.dir, "-A", "trust", "-U", "postgres", "--no-sync")
	s.Start()
	t.Cleanup(func() { s.pgctl("stop", "-m", "immediate") })
	return s
}

func (s *Server) run(name string, args ...string) {
	s.t.Helper()
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	if s.as != nil {
		// Directly, not through runuser: su-like tools ignore SIGQUIT while
		// they wait, and a postmaster started under one never hears the
		// stop.
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.as}
		cmd.Env = append(os.Environ(), "HOME="+s.dir)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
		s.t.Fatalf("%s: %v\n%s\nserver log:\n%s", name, err, out, log)
	}
}

func (s *Server) pgctl(args ...string) {
	s.t.Helper()
	s.run("pg_ctl", append([]string{"-D", s.dir, "-w", "-l", filepath.Join(s.dir, "server.log")}, args...)...)
}

// Start starts the server and waits until it takes connections.
func (s *Server) Start() {
	s.t.Helper()
	s.pgctl("start", "-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off", s.port, s.dir))
}

// Crash stops the server at once, as a power cut or kill -9 would: open
// transactions are lost, committed ones kept.
func (s *Server) Crash() { s.t.Helper(); s.pgctl("stop", "-m", "immediate") }

// DSN is the server's postgres database.
func (s *Server) DSN() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

// Ready reports whether the server answers.
func (s *Server) Ready(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, s.DSN())
	if err != nil {
		return false
	}
	c.Close(ctx)
	return true
}
