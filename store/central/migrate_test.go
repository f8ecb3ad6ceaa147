package central_test

import (
	"context"
	"errors"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"dropin/store/central"
)

func connect(t *testing.T, dsn string) *central.Central {
	t.Helper()
	c, err := central.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// The schema is versioned: an empty database is older than this dropin
// until it is migrated, a migration runs once, and a second run applies
// nothing.
func TestCentralSchemaIsMigratedOnceByVersion(t *testing.T) {
	ctx := context.Background()
	c := connect(t, newDatabase(t))
	if err := c.CheckSchema(ctx); !errors.Is(err, central.ErrSchemaOld) {
		t.Fatalf("empty database: %v, want ErrSchemaOld", err)
	}
	applied, err := c.Migrate(ctx)
	if err != nil || !slices.Equal(applied, []string{"001_init.sql", "002_viewers.sql", "003_positions.sql", "004_instance.sql", "005_refused.sql"}) {
		t.Fatalf("migrate: %v %v", applied, err)
	}
	if applied, err := c.Migrate(ctx); err != nil || len(applied) != 0 {
		t.Fatalf("second migrate: %v %v", applied, err)
	}
	if v, err := c.Version(ctx); err != nil || v != central.SchemaVersion() {
		t.Fatalf("version %d (%v), want %d", v, err, central.SchemaVersion())
	}
	if err := c.CheckSchema(ctx); err != nil {
		t.Fatal(err)
	}
}

// A central store made before migrations were versioned adopts version 1
// and keeps its stations.
func TestAnUnversionedCentralStoreIsAdopted(t *testing.T) {
	ctx := context.Background()
	dsn := newDatabase(t)
	init, err := os.ReadFile("migrations/001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, string(init)); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO stations (name, tenant, token_hash) VALUES ('levanger-1', 'innherred', '\x00')`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	c := connect(t, dsn)
	if applied, err := c.Migrate(ctx); err != nil || len(applied) != central.SchemaVersion() || applied[0] != "001_init.sql" {
		t.Fatalf("migrate: %v %v", applied, err)
	}
	list, err := c.Stations(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "levanger-1" {
		t.Fatalf("stations after adoption: %+v %v", list, err)
	}
}

// Services started at once migrate without applying a migration twice.
func TestConcurrentMigrationsApplyEachOnce(t *testing.T) {
	ctx := context.Background()
	dsn := newDatabase(t)
	// The table of versions exists and is empty: the race is on the versions.
	if _, err := connect(t, dsn).Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `DROP TABLE viewer_sessions, viewers, events, stations, event_positions; DELETE FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	var wg sync.WaitGroup
	results := make([][]string, 6)
	errs := make([]error, 6)
	for i := range results {
		c := connect(t, dsn)
		wg.Go(func() { results[i], errs[i] = c.Migrate(ctx) })
	}
	wg.Wait()
	ran := 0
	for i := range results {
		if errs[i] != nil {
			t.Fatalf("migrator %d: %v", i, errs[i])
		}
		ran += len(results[i])
	}
	if ran != central.SchemaVersion() {
		t.Fatalf("%d migrations ran, want each of %d once", ran, central.SchemaVersion())
	}
}

// A schema newer than this dropin's is refused, not written over.
func TestANewerCentralSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	dsn := newDatabase(t)
	c := connect(t, dsn)
	if _, err := c.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES (99, '099_future.sql')`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if _, err := c.Migrate(ctx); !errors.Is(err, central.ErrSchemaNew) {
		t.Fatalf("migrate: %v, want ErrSchemaNew", err)
	}
	if err := c.CheckSchema(ctx); !errors.Is(err, central.ErrSchemaNew) {
		t.Fatalf("check: %v, want ErrSchemaNew", err)
	}
}
