package central

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dropin/store"
	"dropin/store/central/pgtest"
	"dropin/store/wire"
)

// A central store that takes in a roster's 105,000 events in its first
// seconds, before autovacuum has looked at it, pages a pull through the
// index, not by reading and sorting every event of the tenant for each
// page: the service analyzed the table as it grew. Planned from the new
// table's empty count, each of a connection's first five pages did that
// (75 ms a page here).
func TestAPullPageWalksTheIndexOfATableThatJustGrew(t *testing.T) {
	ctx := context.Background()
	dsn := pgtest.NewDatabase(t)
	if os.Getenv("DROPIN_TEST_SERIALIZABLE") != "" {
		dsn += "&default_transaction_isolation=serializable"
	}
	c, err := Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "sekretariat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ros, err := store.ParseRoster(bytes.NewReader(store.BenchRoster(100_000)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, ros, store.Actor{Station: "sekretariat", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
	out, err := st.Outbox(ctx, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(out); i += wire.MaxPushEvents {
		var evs []wire.Event
		for _, e := range out[i:min(i+wire.MaxPushEvents, len(out))] {
			evs = append(evs, e.Wire())
		}
		if _, err := c.Push(ctx, "sekretariat", "innherred", evs); err != nil {
			t.Fatal(err)
		}
	}
	// The first page of the first pull after them: the table is analyzed
	// before it is read.
	if evs, _, err := c.Pull(ctx, "innherred", 0, 1000); err != nil || len(evs) != 1000 {
		t.Fatalf("pulled %d: %v", len(evs), err)
	}
	var counted float64
	if err := c.pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'events'::regclass`).Scan(&counted); err != nil {
		t.Fatal(err)
	}
	if counted < float64(len(out)/2) {
		t.Errorf("the planner counts %.0f events of %d", counted, len(out))
	}
	rows, err := c.pool.Query(ctx, "EXPLAIN "+pullSQL, "innherred", 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if text := strings.Join(plan, "\n"); !strings.Contains(text, "Index Scan using events_pkey") || strings.Contains(text, "Sort") {
		t.Errorf("a pull's first page is planned as\n%s", text)
	}
}
