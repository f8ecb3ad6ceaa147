package central_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"dropin/store"
	"dropin/store/central"
	"dropin/store/internal/benchcpu"
)

// benchEvents are the events of the roster push and pull are measured
// on: dropin bench's, 100,000 rows (50,000 officials with two seats each
// and a tablet, a tenth of them employees), so a benchmark and the bench
// command measure the same thing.
const benchEvents = 105_000

// BenchmarkPush100k pushes the roster's events from one station to the
// central store over HTTP.
func BenchmarkPush100k(b *testing.B) {
	ctx := context.Background()
	ros, err := store.ParseRoster(bytes.NewReader(store.BenchRoster(100_000)))
	if err != nil {
		b.Fatal(err)
	}
	var took time.Duration
	cpu := benchcpu.Start(b)
	for b.Loop() {
		cpu.Pause()
		c := newCentral(b)
		url := serve(b, c)
		s := newStation(b, c, "sekretariat", "innherred")
		if _, err := s.st.Import(ctx, ros, s.by, false); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		cpu.Resume()
		n, err := s.st.Push(ctx, url, s.token, nil)
		if err != nil || n != benchEvents {
			b.Fatalf("pushed %d: %v", n, err)
		}
		b.StopTimer()
		took += time.Since(start)
		b.StartTimer()
	}
	cpu.Report()
	b.ReportMetric(float64(benchEvents*b.N)/took.Seconds(), "events/s")
}

// BenchmarkPull100k pulls those events into a new station and projects
// them: tablets, officials, seats, the search words, the chase list.
func BenchmarkPull100k(b *testing.B) {
	ctx := context.Background()
	ros, err := store.ParseRoster(bytes.NewReader(store.BenchRoster(100_000)))
	if err != nil {
		b.Fatal(err)
	}
	c := newCentral(b)
	url := serve(b, c)
	src := newStation(b, c, "sekretariat", "innherred")
	if _, err := src.st.Import(ctx, ros, src.by, false); err != nil {
		b.Fatal(err)
	}
	if _, err := src.st.Push(ctx, url, src.token, nil); err != nil {
		b.Fatal(err)
	}
	i := 0
	cpu := benchcpu.Start(b)
	for b.Loop() {
		cpu.Pause()
		i++
		dst := newStation(b, c, "desk"+strings.Repeat("x", i), "innherred")
		cpu.Resume()
		n, inSync, err := dst.st.Pull(ctx, url, dst.token, nil)
		if err != nil || n != benchEvents || !inSync {
			b.Fatalf("pulled %d (in sync %v): %v", n, inSync, err)
		}
	}
	cpu.Report()
}

// BenchmarkCopy100k is the floor for BenchmarkPush100k: the same
// events written with one raw COPY into a table like the events table,
// no HTTP, no checks, no numbering. Push is measured against it.
func BenchmarkCopy100k(b *testing.B) {
	ctx := context.Background()
	ros, err := store.ParseRoster(bytes.NewReader(store.BenchRoster(100_000)))
	if err != nil {
		b.Fatal(err)
	}
	dsn := newDatabase(b)
	c, err := central.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	s := newStation(b, c, "sekretariat", "innherred")
	if _, err := s.st.Import(ctx, ros, s.by, false); err != nil {
		b.Fatal(err)
	}
	evs, err := s.st.Outbox(ctx, 200_000)
	if err != nil || len(evs) != benchEvents {
		b.Fatalf("%d events: %v", len(evs), err)
	}
	db, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close(ctx)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		table := fmt.Sprintf("copy_floor_%d_%d", time.Now().UnixNano(), i)
		if _, err := db.Exec(ctx, `CREATE TABLE `+table+` (LIKE events INCLUDING ALL)`); err != nil {
			b.Fatal(err)
		}
		rows := make([][]any, len(evs))
		for k, e := range evs {
			rows[k] = []any{"innherred", int64(k + 1), e.ID, []byte{1}, e.Station, e.Actor, int64(e.HLC), string(e.Kind), e.Subject, e.Cycle, e.Ref, string(e.Payload)}
		}
		b.StartTimer()
		if _, err := db.CopyFrom(ctx, pgx.Identifier{table},
			[]string{"tenant", "seq", "id", "hash", "station", "actor", "hlc", "kind", "subject", "cycle", "ref", "payload"},
			pgx.CopyFromRows(rows)); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		db.Exec(ctx, `DROP TABLE `+table)
		b.StartTimer()
	}
}

// BenchmarkPushTenStations: ten stations of one tenant push 10,000 events
// each at the same moment, as ten desks coming back online would. The
// events/s it reports is set against BenchmarkPush100k's, one station
// pushing the same 100,000 alone: how far the tenant's pushes serialise.
func BenchmarkPushTenStations(b *testing.B) {
	ctx := context.Background()
	ros, err := store.ParseRoster(strings.NewReader(rosterOf(5_000)))
	if err != nil {
		b.Fatal(err)
	}
	var took time.Duration
	for b.Loop() {
		b.StopTimer()
		c := newCentral(b)
		url := serve(b, c)
		stations := make([]*station, 10)
		for i := range stations {
			stations[i] = newStation(b, c, fmt.Sprintf("skranke-%d", i+1), "innherred")
			if _, err := stations[i].st.Import(ctx, ros, stations[i].by, false); err != nil {
				b.Fatal(err)
			}
		}
		start := time.Now()
		b.StartTimer()
		errs := make(chan error, len(stations))
		for _, s := range stations {
			go func() {
				n, err := s.st.Push(ctx, url, s.token, nil)
				if err == nil && n != 10_000 {
					err = fmt.Errorf("%s pushed %d", s.name, n)
				}
				errs <- err
			}()
		}
		for range stations {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		took += time.Since(start)
		b.StartTimer()
	}
	b.ReportMetric(float64(100_000*b.N)/took.Seconds(), "events/s")
}
