// Package synctest relays events between desks' stores in memory, as the
// central store numbers and hands them out, for tests of what desks do
// with each other's events (disagreements, the shared queue) without a
// PostgreSQL server. The central store's own tests use the real one.
package synctest

import (
	"context"
	"testing"

	"dropin/store"
)

// Relay is a central log in memory: events numbered in the order they
// arrive, pulled by each desk from its cursor.
type Relay struct {
	log []store.SyncedEvent
	ids map[string]int64
}

// New makes an empty relay.
func New() *Relay { return &Relay{ids: map[string]int64{}} }

// Sync does what a desk's sync does: push its waiting events (numbered
// here, acknowledged there), then pull everything after its cursor.
func (r *Relay) Sync(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	out, err := st.Outbox(ctx, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	seqs := map[string]int64{}
	for _, e := range out {
		if _, ok := r.ids[e.ID]; !ok {
			r.ids[e.ID] = int64(len(r.log) + 1)
			r.log = append(r.log, store.SyncedEvent{Event: e, Seq: int64(len(r.log) + 1)})
		}
		seqs[e.ID] = r.ids[e.ID]
	}
	if err := st.Acknowledge(ctx, seqs); err != nil {
		t.Fatal(err)
	}
	cursor, err := st.Cursor(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if cursor >= int64(len(r.log)) {
		return
	}
	if _, err := st.ApplyPulled(ctx, r.log[cursor:], int64(len(r.log))); err != nil {
		t.Fatal(err)
	}
}
