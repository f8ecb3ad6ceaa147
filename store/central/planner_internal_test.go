package central

import (
	"context"
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
	c, err := Open(ctx, pgtest.NewStoreDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "sekretariat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.ImportBenchRoster(ctx, 100_000, store.Actor{Station: "sekretariat", Staff: "T"}); err != nil {
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
	if plan := explain(t, c, pullSQL, "innherred", 0, 1000); !strings.Contains(plan, "Index Scan using events_pkey") || strings.Contains(plan, "Sort") {
		t.Errorf("a pull's first page is planned as\n%s", plan)
	}
	// And a push's look-up of which of its events are already here reads
	// the id index, not the whole table.
	var ids []string
	for _, e := range out[:wire.MaxPushEvents] {
		ids = append(ids, e.ID)
	}
	if plan := explain(t, c, knownSQL, uuids(ids)); !strings.Contains(plan, "events_id_key") || strings.Contains(plan, "Seq Scan") {
		t.Errorf("a push's look-up of known events is planned as\n%s", plan)
	}
}

// explain is the plan PostgreSQL makes for sql with args, one line a step
// (long lines cut).
func explain(t *testing.T, c *Central, sql string, args ...any) string {
	t.Helper()
	rows, err := c.pool.Query(context.Background(), "EXPLAIN "+sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		if len(line) > 120 { // a condition that lists 5,000 ids
			line = line[:120] + "…"
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "\n")
}
