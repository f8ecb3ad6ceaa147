// Package pgtest gives a test a PostgreSQL database of its own: the
// server CI and the development machines run on 127.0.0.1:5432, or
// DROPIN_TEST_PG. In CI a missing server fails the test; elsewhere the
// test skips and says how to run it.
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DSN is the server the tests use.
func DSN() string {
	if dsn := os.Getenv("DROPIN_TEST_PG"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// server is this process's turn on the shared server: the connection
// that holds the lock, kept until the process exits.
var server struct {
	once sync.Once
	conn *pgx.Conn
	err  error
}

// takeServer waits until no other test process uses the shared server,
// and keeps it until this one exits. A pull hands out only the events
// below the oldest transaction still running anywhere on the server, so
// another package's tests (pushing all the while, or holding a push open
// on purpose) would hold this package's pulls back and fail them. go test
// runs packages as processes at once; those that use the server take
// turns on a session advisory lock, which PostgreSQL lets go when the
// process, and with it the connection, ends.
func takeServer(ctx context.Context) error {
	server.once.Do(func() {
		c, err := pgx.Connect(ctx, DSN())
		if err == nil {
			_, err = c.Exec(ctx, "SELECT pg_advisory_lock(7262731)")
		}
		server.conn, server.err = c, err
		if err != nil {
			server.err = fmt.Errorf("waiting for the shared PostgreSQL server: %w", err)
		}
	})
	return server.err
}

// NewDatabase makes a fresh, empty database for one test, drops it after,
// and returns its DSN.
func NewDatabase(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, DSN())
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("PostgreSQL is required in CI: %v", err)
		}
		t.Skipf("no PostgreSQL at %s (%v): start one, or set DROPIN_TEST_PG to a DSN", DSN(), err)
	}
	if err := takeServer(ctx); err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("dropin_test_%d_%d", time.Now().UnixNano(), rand.IntN(1000))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatal(err)
	}
	cfg := admin.Config()
	t.Cleanup(func() {
		admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close(context.Background())
	})
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name)
}

// NewStoreDatabase is NewDatabase for a central store under test: with
// DROPIN_TEST_SERIALIZABLE set, every transaction on it runs SERIALIZABLE,
// as on a distributed engine (.ci/run runs the suite this way too).
func NewStoreDatabase(t testing.TB) string {
	t.Helper()
	dsn := NewDatabase(t)
	if os.Getenv("DROPIN_TEST_SERIALIZABLE") != "" {
		dsn += "&default_transaction_isolation=serializable"
	}
	return dsn
}
