package central

import (
	"context"
	"dropin/store/central/pgtest"
	"fmt"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"dropin/store/wire"
)

// A push that started first and commits last takes the lower positions:
// while it runs, a pull must not hand out the later push's events, or a
// cursor would pass the early push's events for good. Here the early
// push is the real push, run in a transaction the test holds open.
func TestAPullWaitsForAnEarlierPushStillRunning(t *testing.T) {
	ctx := context.Background()
	c, err := Open(ctx, pgtest.NewStoreDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	events := func(station string, n int) []wire.Event {
		evs := make([]wire.Event, n)
		for i := range evs {
			id, _ := uuid.NewV7()
			evs[i] = wire.Event{ID: id.String(), Station: station, Actor: "T", HLC: int64(i + 1), Kind: "received",
				Subject: fmt.Sprintf("%s-%d", station, i), Cycle: 1, Payload: `{}`}
		}
		return evs
	}
	// One event already there: the readers' cursor starts past it.
	if _, err := c.Push(ctx, "a", "innherred", events("a", 1)); err != nil {
		t.Fatal(err)
	}
	before, head, err := c.Pull(ctx, "innherred", 0, 100)
	if err != nil || len(before) != 1 || head != before[0].Seq {
		t.Fatalf("first pull: %d events, head %d, %v", len(before), head, err)
	}
	cursor := head

	// At READ COMMITTED whatever the suite runs at: under SERIALIZABLE the
	// held transaction's commit may lose to the later push, and Push would
	// then run it again with new positions; here it must commit as it is.
	early, err := c.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	if err != nil {
		t.Fatal(err)
	}
	defer early.Rollback(ctx)
	earlySeqs := map[string]int64{}
	earlyEvs := events("b", 3)
	ids := []string{earlyEvs[0].ID, earlyEvs[1].ID, earlyEvs[2].ID}
	if _, err := c.push(ctx, early, "innherred", earlyEvs, ids, earlySeqs); err != nil {
		t.Fatal(err)
	}

	late, err := c.Push(ctx, "c", "innherred", events("c", 2)) // commits while the early push runs
	if err != nil {
		t.Fatal(err)
	}
	for id, seq := range late {
		for _, e := range earlySeqs {
			if seq <= e {
				t.Fatalf("the later push's %s is at %d, not after the early push's %d", id, seq, e)
			}
		}
	}
	page, head, err := c.Pull(ctx, "innherred", cursor, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 0 || head != cursor {
		t.Fatalf("while an earlier push runs, a pull after %d gave %d events (head %d): the cursor would pass that push", cursor, len(page), head)
	}

	if err := early.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	page, head, err = c.Pull(ctx, "innherred", cursor, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 5 || head != page[4].Seq {
		t.Fatalf("after the early push committed: %d events (head %d), want 5", len(page), head)
	}
	for i, e := range page {
		want := "c"
		if i < 3 {
			want = "b"
		}
		if e.Station != want || (i > 0 && e.Seq <= page[i-1].Seq) {
			t.Fatalf("event %d: %s at %d; want the early push's three first, in order", i, e.Station, e.Seq)
		}
	}

	// A transaction that ended without committing holds nothing back.
	aborted, err := c.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.push(ctx, aborted, "innherred", events("b", 1), nil, map[string]int64{}); err != nil {
		t.Fatal(err)
	}
	if err := aborted.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Push(ctx, "c", "innherred", events("c", 1)); err != nil {
		t.Fatal(err)
	}
	if page, _, err := c.Pull(ctx, "innherred", head, 100); err != nil || len(page) != 1 {
		t.Fatalf("after a rolled-back push: %d events, %v; want the one committed since", len(page), err)
	}
}
