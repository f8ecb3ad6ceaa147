package dashboard

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"dropin/store"
)

// The dashboard's figures on a county: 100,000 tablets and 1,000,000
// events, the database `dropin bench` seeds once and caches. Run
//
//	go run . bench        # seeds ~/.cache/dropin/bench-100000-1000000-1-v2.db once
//	go test ./store/central/dashboard -run '^$' -bench . -benchtime 20x
//
// (PostgreSQL on 127.0.0.1:5432 as for the tests; DROPIN_BENCH_DB names
// another county).

func county(b *testing.B) string {
	b.Helper()
	if p := os.Getenv("DROPIN_BENCH_DB"); p != "" {
		return p
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		b.Skip(err)
	}
	p := filepath.Join(cache, "dropin", store.BenchCounty.CacheName())
	if _, err := os.Stat(p); err != nil {
		b.Skipf("no county at %s: run `go run . bench` once to seed it, or set DROPIN_BENCH_DB", p)
	}
	return p
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// countyWorld is a central store whose tenant's mirror is the county, and
// a logged-in viewer's request for a page, served without a network.
func countyWorld(b *testing.B) (*world, http.Handler, *http.Cookie) {
	w, dash, ck := countyServer(b)
	return w, dash.Handler(), ck
}

func countyServer(b *testing.B) (*world, *Server, *http.Cookie) {
	b.Helper()
	w := newWorld(b)
	os.MkdirAll(w.mirrors.dir, 0o700)
	copyFile(b, county(b), w.mirrors.path("fylket"))
	pw := w.viewer("leder", "fylket")
	id, _, err := w.c.Login(context.Background(), "leder", pw)
	if err != nil {
		b.Fatal(err)
	}
	dash, err := New(Options{Auth: w.c, Mirrors: w.mirrors, Location: oslo})
	if err != nil {
		b.Fatal(err)
	}
	// The mirror opens (and checks every page) on the first request.
	ck := &http.Cookie{Name: sessionCookie, Value: id}
	serve(b, dash.Handler(), ck, "/overview")
	// Measure the pages, not the check of every page that runs once
	// after a database opens.
	st, err := w.mirrors.Store(context.Background(), "fylket")
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Health(context.Background()); err != nil {
		b.Fatal(err)
	}
	return w, dash, ck
}

func serve(b *testing.B, h http.Handler, ck *http.Cookie, path string) int {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(ck)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("%s: %d %.200s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.Len()
}

// servedWarm serves path on the county again and again, as the page's own
// refresh asks for it, after one request that makes what it keeps.
func servedWarm(b *testing.B, path string) {
	_, h, ck := countyWorld(b)
	serve(b, h, ck, path)
	for b.Loop() {
		serve(b, h, ck, path)
	}
}

// servedCold serves path on the county, each time after cache was
// emptied, as the first request after the list moved.
func servedCold[T any](b *testing.B, path string, cache func(*Server) *listCache[T]) {
	_, dash, ck := countyServer(b)
	h := dash.Handler()
	c := cache(dash)
	for b.Loop() {
		c.mu.Lock()
		c.tenants = nil
		c.mu.Unlock()
		serve(b, h, ck, path)
	}
}

// BenchmarkOverviewPage: the overview of a county, from the request to
// the last byte, the mirror's catch-up (a query to PostgreSQL) included.
func BenchmarkOverviewPage(b *testing.B) {
	_, h, ck := countyWorld(b)
	for b.Loop() {
		serve(b, h, ck, "/overview")
	}
}

// BenchmarkChaseFirstPage: the first 100 of the county's officials to
// chase, in name order (the list sorted once per change, then matched).
func BenchmarkChaseFirstPage(b *testing.B) {
	_, h, ck := countyWorld(b)
	for b.Loop() {
		serve(b, h, ck, "/chase")
	}
}

// BenchmarkChaseFirstPageCold: the same, the first time after the list
// changed: the county's list read and sorted under the collator again.
func BenchmarkChaseFirstPageCold(b *testing.B) {
	servedCold(b, "/chase", func(s *Server) *listCache[[]store.Chase] { return &s.chases })
}

// BenchmarkEquipmentPage: the first 100 of the county's 100,000 devices
// out with officials, in name order (the list read and sorted once per
// change of the log, then matched), as the page's own refresh asks for
// it every few seconds.
func BenchmarkEquipmentPage(b *testing.B) { servedWarm(b, "/equipment") }

// BenchmarkEquipmentPageCold: the same, the first time after the log
// moved: every holder read and sorted again.
func BenchmarkEquipmentPageCold(b *testing.B) {
	servedCold(b, "/equipment", func(s *Server) *listCache[*holderList] { return &s.holderLists })
}

// BenchmarkBatchesPage: the county's 160 batches with their counts, kept
// until the mirror's log moves, as the page's own refresh asks for it.
func BenchmarkBatchesPage(b *testing.B) { servedWarm(b, "/batches") }

// BenchmarkProgressPage: the county's chart of collection by day, its
// days kept until the mirror's log moves.
func BenchmarkProgressPage(b *testing.B) { servedWarm(b, "/progress") }

// BenchmarkCatchUp10k: a desk pushes 10,000 new events (a batch of
// reads of tablets not on the roster) and the county's mirror takes them
// in: pulled from PostgreSQL and projected.
func BenchmarkCatchUp10k(b *testing.B) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		w, _, _ := countyWorld(b)
		d := w.desk(fmt.Sprintf("skranke-%d", b.N), "fylket")
		bt, err := d.st.OpenBatch(ctx, store.BatchSpec{Name: "benk"}, d.by)
		if err != nil {
			b.Fatal(err)
		}
		reads := make([]string, 0, 3333)
		for i := range 3333 { // three events a read: registered, received, read
			reads = append(reads, fmt.Sprintf("BNK%07d", i))
		}
		if _, err := d.st.ReadBatch(ctx, bt.ID, reads, d.by); err != nil {
			b.Fatal(err)
		}
		n, err := d.st.Push(ctx, w.url, d.token, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		got, err := w.mirrors.CatchUp(ctx, "fylket")
		if err != nil || got != n {
			b.Fatalf("caught up %d of %d: %v", got, n, err)
		}
		b.ReportMetric(float64(n), "events")
	}
}
