package central

import (
	"context"
	"sync"
	"sync/atomic"
)

// The planner's picture of the events table. PostgreSQL plans a query
// from the row count its last analysis of the table left, and autovacuum
// analyzes a table only once a tenth of it has changed, looking at most
// once a minute. A central store that has just taken in a county's roster
// is therefore planned as nearly empty: a pull's page ("after this
// position, in order, the first 1,000") was planned as a scan of every
// event of the tenant and a sort of them all, 75 ms a page for 105,000
// events where the index gives it in 2 ms. PostgreSQL plans a statement
// anew for each of its first five runs on a connection, so every
// connection of the service paid it five times, and more the more events.
//
// So a pull first makes sure that the planner's count is at least half
// the table: once the events written here since the last analysis are as
// many as the table held then (and at least analyzeAfter), the table is
// analyzed before the pull reads, 40-60 ms for 105,000 events. A table
// that grows slowly is left to autovacuum, and a large one is analyzed
// here at most once each time it doubles.
//
// The analysis counts the ids too, for the pushes after it: without the
// ids' order on disk (time-ordered, so the index reads the table in its
// own order), a push's look-up of which of its events the store already
// holds ("id = ANY(...)") reads the whole table, 15-18 ms a push of 5,000
// at 105,000 events, where the id index answers in 2 ms. The push does
// not analyze for itself: in line, the analyses as a county's first push
// doubled the table cost more than the reads they saved (push 1.50-1.56
// s against 1.44-1.51 s for 105,000 events); beside it, they slowed it by
// a tenth. The push after a station's pull, or after autovacuum's look a
// minute later, is planned well.

// analyzeAfter is how many new events a look at the planner's count waits
// for.
const analyzeAfter = 10_000

type plannerStats struct {
	written atomic.Int64 // events written since the last analysis made here

	mu      sync.Mutex // held by the read that looks, and analyzes
	counted int64      // the planner's count at the last look
}

// wrote counts n new events.
func (c *Central) wrote(n int) { c.planner.written.Add(int64(n)) }

// plan analyzes the events table before a read when the events written
// since the last analysis are as many as the planner counted then. A read
// that comes while another analyzes waits for it: it would be planned
// from the old count otherwise. A failed analysis (a context ended) is
// not tried again until as many events again are written: the planner is
// then as autovacuum keeps it, which is only slower.
func (c *Central) plan(ctx context.Context) {
	p := c.planner
	if p.written.Load() < analyzeAfter {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	written := p.written.Load()
	if written < max(analyzeAfter, p.counted) {
		return // another read analyzed it, or it has not doubled
	}
	var counted float64 // -1 for a table never analyzed
	if err := c.pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'events'::regclass`).Scan(&counted); err != nil {
		p.written.Add(-written)
		return
	}
	if p.counted = int64(counted); written < p.counted {
		return // autovacuum counted it since
	}
	// The columns the reads' and the pushes' conditions name: the
	// table's row count comes with any analysis, and these take a third of
	// the time of all of them (payloads are long text).
	p.written.Add(-written)
	if _, err := c.pool.Exec(ctx, `ANALYZE events (tenant, seq, id)`); err == nil {
		p.counted = max(p.counted, 0) + written
	}
}
