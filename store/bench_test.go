package store

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"dropin/store/internal/benchcpu"
	"dropin/store/wire"
)

const benchTablets = 100_000

var (
	benchOnce sync.Once
	benchSeed string // a database with benchTablets expected tablets, made once per run
)

// benchStore copies the seeded database so every benchmark run starts from
// the same 100,000 expected tablets.
func benchStore(b *testing.B) *Store {
	b.Helper()
	benchOnce.Do(func() {
		dir, err := os.MkdirTemp("", "dropin-bench")
		if err != nil {
			b.Fatal(err)
		}
		benchSeed = filepath.Join(dir, "seed.db")
		s, err := Open(context.Background(), benchSeed)
		if err != nil {
			b.Fatal(err)
		}
		seedExpected(b, s, benchTablets)
		s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
		s.Close()
	})
	data, err := os.ReadFile(benchSeed)
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "bench.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkCheckIn is a durable check-in as the desk makes it, on a store
// holding 100,000 tablets: find the tablet, check the workflow, append the
// event, update the projection, commit with synchronous=FULL, read back the
// card. Compare with BenchmarkBareInsert.
func BenchmarkCheckIn(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	by := Actor{Station: "bench", Staff: "KN"}
	b.ResetTimer()
	defer benchcpu.Report(b)()
	for i := 0; b.Loop(); i++ {
		res, err := s.CheckIn(ctx, fmt.Sprintf("TAB%06d", i%benchTablets), by)
		if err != nil {
			b.Fatal(err)
		}
		if i < benchTablets && !res.Changed {
			b.Fatalf("TAB%06d was not checked in", i)
		}
	}
}

// BenchmarkBareInsert is the floor: one single-row insert per transaction
// with the same connection settings, into a table shaped like the log.
func BenchmarkBareInsert(b *testing.B) {
	ctx := context.Background()
	db, err := openBare(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	defer benchcpu.Report(b)()
	for i := 0; b.Loop(); i++ {
		if err := insertBare(ctx, db, i); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRebuild rebuilds every projection from the log of 100,000
// tablets.
func BenchmarkRebuild(b *testing.B) {
	s := benchStore(b)
	for b.Loop() {
		if err := s.Rebuild(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImport20k parses and imports a roster of 20,000 rows into an
// empty store: one transaction, every official and tablet through the
// event log.
func BenchmarkImport20k(b *testing.B) {
	data := BenchRoster(20_000)
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "import.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		ros, err := ParseRoster(bytes.NewReader(data))
		if err != nil || len(ros.Errors) > 0 {
			b.Fatalf("%v %v", err, ros.Errors)
		}
		rep, err := s.Import(ctx, ros, desk, false)
		if err != nil || len(rep.New) != 10_000 {
			b.Fatalf("%v %+v", err, rep)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkBatchImport10k is `dropin batch import` of 10,000 reads
// (9,500 tablets on a roster of 10,000, 300 read twice, 150 unknown, 50
// misreads) into an open batch: one transaction, every read classified
// and recorded, every tablet received.
func BenchmarkBatchImport10k(b *testing.B) {
	ctx := context.Background()
	var raws []string
	for i := range 9500 {
		raws = append(raws, fmt.Sprintf("tab%06d", i)) // lower case, as scanners are set
	}
	for i := range 300 {
		raws = append(raws, fmt.Sprintf("TAB%06d", i*7))
	}
	for i := range 150 {
		raws = append(raws, fmt.Sprintf("NEW%06d", i))
	}
	for i := range 50 {
		raws = append(raws, fmt.Sprintf("TAB%d", i)) // truncated
	}
	for b.Loop() {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), "batch.db"))
		if err != nil {
			b.Fatal(err)
		}
		seedExpected(b, s, 10_000)
		batch, err := s.OpenBatch(ctx, BatchSpec{Name: "bench"}, desk)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		reads, err := s.ReadBatch(ctx, batch.ID, raws, desk)
		if err != nil || len(reads) != 10_000 {
			b.Fatalf("%d reads, %v", len(reads), err)
		}
		b.StopTimer()
		if got, _ := s.Batch(ctx, batch.ID); got.New != 9500 || got.Duplicates != 300 || got.Unknown != 150 || got.Invalid != 50 {
			b.Fatalf("counts %+v", got)
		}
		s.Close()
		b.StartTimer()
	}
}

// BenchmarkBatchScan is one scan at the batch screen (a ReadBatch of one
// read) into a batch that already holds 10,000 tablets: what it reads of
// the batch must not grow with it.
func BenchmarkBatchScan(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "scan.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	seedExpected(b, s, 30_000)
	batch, err := s.OpenBatch(ctx, BatchSpec{Name: "bench"}, desk)
	if err != nil {
		b.Fatal(err)
	}
	var held []string
	for i := range 10_000 {
		held = append(held, fmt.Sprintf("TAB%06d", i))
	}
	if _, err := s.ReadBatch(ctx, batch.ID, held, desk); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		reads, err := s.ReadBatch(ctx, batch.ID, []string{fmt.Sprintf("TAB%06d", 10_000+i%20_000)}, desk)
		if err != nil || len(reads) != 1 {
			b.Fatalf("%v %v", reads, err)
		}
	}
}

// BenchmarkPullPages100k is the desk's share of BenchmarkPull100k (in
// store/central): a new desk pulls the county roster's 105,000 events
// and projects them, its pages read from the bytes the central store
// writes for them, with the desk's own reader. No HTTP and no
// PostgreSQL share the machine's two cores with the desk, which the
// central benchmark's pull has to.
func BenchmarkPullPages100k(b *testing.B) {
	ctx := context.Background()
	src, err := Open(ctx, filepath.Join(b.TempDir(), "src.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer src.Close()
	if err := src.ImportBenchRoster(ctx, 100_000, desk); err != nil {
		b.Fatal(err)
	}
	evs, err := src.Outbox(ctx, 1_000_000)
	if err != nil {
		b.Fatal(err)
	}
	// The pages as the central store numbers and writes them.
	head := int64(len(evs))
	var pages [][]byte
	for i := 0; i < len(evs); i += pullChunk {
		var resp wire.PullResponse
		for j, e := range evs[i:min(i+pullChunk, len(evs))] {
			w := e.Wire()
			w.Seq = int64(i + j + 1)
			resp.Events = append(resp.Events, w)
		}
		resp.Next, resp.Head = int64(i+len(resp.Events)), head
		pages = append(pages, wire.AppendPull(nil, resp))
	}
	page := func(_ context.Context, after int64, limit int) (wire.PullResponse, error) {
		if limit != pullChunk || after%pullChunk != 0 {
			return wire.PullResponse{}, fmt.Errorf("asked for %d after %d", limit, after)
		}
		if i := int(after / pullChunk); i < len(pages) {
			return wire.DecodePull(pages[i])
		}
		return wire.PullResponse{Next: head, Head: head}, nil
	}
	i := 0
	cpu := benchcpu.Start(b)
	for b.Loop() {
		cpu.Pause()
		i++
		dst, err := Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("dst%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		cpu.Resume()
		n, inSync, err := dst.PullFrom(ctx, page)
		if err != nil || n != len(evs) || !inSync {
			b.Fatalf("pulled %d of %d (in sync %v): %v", n, len(evs), inSync, err)
		}
		cpu.Pause()
		dst.Close()
		cpu.Resume()
	}
	cpu.Report()
}

// BenchmarkCheckInAgainstBare is the goal's ratio measured in one loop:
// each check-in (as BenchmarkCheckIn) is followed by a bare insert (as
// BenchmarkBareInsert), so that both see the machine at the same speed,
// which drifts by a third within minutes on the development machine.
func BenchmarkCheckInAgainstBare(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	bare, err := OpenBare(ctx, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	by := Actor{Station: "bench", Staff: "KN"}
	var checkIns, inserts time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		checkIn, insert, err := bare.After(ctx, func() error {
			_, err := s.CheckIn(ctx, fmt.Sprintf("TAB%06d", i%benchTablets), by)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		checkIns, inserts = checkIns+checkIn, inserts+insert
	}
	b.ReportMetric(float64(checkIns.Microseconds())/float64(b.N), "check-in-µs/op")
	b.ReportMetric(float64(inserts.Microseconds())/float64(b.N), "bare-µs/op")
	b.ReportMetric(float64(checkIns)/float64(inserts), "ratio")
}

// BenchmarkOutstandingFirstMorning reads the list to chase on the first
// morning of a roster of 100,000 officials and tablets (BenchRoster),
// none handed in yet and a tenth on the employees' track: 90,000 to
// chase, what the Oversikt and the dashboard read whenever the list
// changes.
//
//	go test ./store -run '^$' -bench OutstandingFirstMorning -benchtime 10x
func BenchmarkOutstandingFirstMorning(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "morning.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.ImportBenchRoster(ctx, 200_000, desk); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		list, err := s.Outstanding(ctx)
		if err != nil || len(list) != 90_000 {
			b.Fatalf("%d to chase: %v", len(list), err)
		}
	}
}
