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
