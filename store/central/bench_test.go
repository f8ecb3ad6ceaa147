package central_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"dropin/store"
	"dropin/store/central"
	"dropin/store/internal/benchcpu"
	"dropin/store/wire"
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
	c, url, _ := pushedRoster(b)
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
// no HTTP, no checks, no numbering (Central.CopyFloor).
func BenchmarkCopy100k(b *testing.B) {
	ctx := context.Background()
	c, evs := copyBench(b)
	var took time.Duration
	for b.Loop() {
		d, err := c.CopyFloor(ctx, "innherred", evs)
		if err != nil {
			b.Fatal(err)
		}
		took += d
	}
	b.ReportMetric(float64(took.Milliseconds())/float64(b.N), "copy-ms/op")
}

// copyBench is a central store and the roster's events as a push
// carries them.
func copyBench(b *testing.B) (*central.Central, []wire.Event) {
	ros, err := store.ParseRoster(bytes.NewReader(store.BenchRoster(100_000)))
	if err != nil {
		b.Fatal(err)
	}
	c := newCentral(b)
	s := newStation(b, c, "sekretariat", "innherred")
	return c, rosterEvents(b, s, ros)
}

// rosterEvents imports ros at s and returns the events it waits to push.
func rosterEvents(b *testing.B, s *station, ros *store.Roster) []wire.Event {
	ctx := context.Background()
	if _, err := s.st.Import(ctx, ros, s.by, false); err != nil {
		b.Fatal(err)
	}
	out, err := s.st.Outbox(ctx, 2*benchEvents)
	if err != nil || len(out) != benchEvents {
		b.Fatalf("%d events: %v", len(out), err)
	}
	evs := make([]wire.Event, len(out))
	for i, e := range out {
		evs[i] = e.Wire()
	}
	return evs
}

// BenchmarkPushAgainstCopy is the ratio measured in one loop:
// the roster's events written with the raw COPY of CopyFloor, then pushed
// by a station, so both see the machine at the same speed. It reports
// each and push ÷ COPY (goal: 2 at most).
func BenchmarkPushAgainstCopy(b *testing.B) {
	ctx := context.Background()
	ros, err := store.ParseRoster(bytes.NewReader(store.BenchRoster(100_000)))
	if err != nil {
		b.Fatal(err)
	}
	var floor, push time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		c := newCentral(b)
		url := serve(b, c)
		s := newStation(b, c, fmt.Sprintf("sekretariat-%d", i), "innherred")
		evs := rosterEvents(b, s, ros)
		b.StartTimer()
		d, err := c.CopyFloor(ctx, "innherred", evs)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if n, err := s.st.Push(ctx, url, s.token, nil); err != nil || n != benchEvents {
			b.Fatalf("pushed %d: %v", n, err)
		}
		floor, push = floor+d, push+time.Since(start)
	}
	reportAgainstCopy(b, "push", push, floor)
}

// BenchmarkPullAgainstCopy is the same for a pull: the COPY, then a new
// station pulls the roster's events and projects them.
func BenchmarkPullAgainstCopy(b *testing.B) {
	ctx := context.Background()
	c, url, evs := pushedRoster(b)
	var floor, pull time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		dst := newStation(b, c, fmt.Sprintf("skranke-%d", i), "innherred")
		b.StartTimer()
		d, err := c.CopyFloor(ctx, "innherred", evs)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if n, inSync, err := dst.st.Pull(ctx, url, dst.token, nil); err != nil || n != benchEvents || !inSync {
			b.Fatalf("pulled %d (in sync %v): %v", n, inSync, err)
		}
		floor, pull = floor+d, pull+time.Since(start)
	}
	reportAgainstCopy(b, "pull", pull, floor)
}

// pushedRoster is a central store, served, that holds the roster's
// events, pushed by a station; and those events.
func pushedRoster(b *testing.B) (*central.Central, string, []wire.Event) {
	ros, err := store.ParseRoster(bytes.NewReader(store.BenchRoster(100_000)))
	if err != nil {
		b.Fatal(err)
	}
	c := newCentral(b)
	url := serve(b, c)
	src := newStation(b, c, "sekretariat", "innherred")
	evs := rosterEvents(b, src, ros)
	if _, err := src.st.Push(context.Background(), url, src.token, nil); err != nil {
		b.Fatal(err)
	}
	return c, url, evs
}

func reportAgainstCopy(b *testing.B, what string, took, floor time.Duration) {
	b.ReportMetric(float64(floor.Milliseconds())/float64(b.N), "copy-ms/op")
	b.ReportMetric(float64(took.Milliseconds())/float64(b.N), what+"-ms/op")
	b.ReportMetric(took.Seconds()/floor.Seconds(), "ratio")
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
