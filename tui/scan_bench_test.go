package tui

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"dropin/store"
	"dropin/tui/i18n"
)

// BenchmarkScanToCard: in the real Bubble Tea program, a serial typed at
// a scanner's pace (3 ms a key) and its Enter; measured from the Enter to
// the first frame that shows the tablet received: the check-in committed
// (fsync) and the card drawn. p50 and p99 over the run; the goal is a
// frame (16 ms) at p50 and two at p99.
//
//	go test ./tui -run '^$' -bench ScanToCard -benchtime 200x
func BenchmarkScanToCard(b *testing.B) {
	ctx := context.Background()
	st, serials := scanBenchStore(b)
	defer st.Close()
	if err := st.Health(ctx); err != nil {
		b.Fatal(err)
	}
	if len(serials) < b.N {
		b.Fatalf("%d tablets to scan, %d wanted: raise n", len(serials), b.N)
	}
	b.ResetTimer()
	lat, err := ScanToCard(ctx, st, serials[:b.N])
	if err != nil {
		b.Fatal(err)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(Percentile(lat, 0.5)), "p50-ms")
	b.ReportMetric(ms(Percentile(lat, 0.99)), "p99-ms")
	b.ReportMetric(0, "ns/op") // the loop's time is the typing, not the figure
}

// scanBenchStore is the county `dropin bench` seeds (100,000 tablets,
// 1,000,000 events; DROPIN_BENCH_DB names another), copied so the run
// changes nothing, with tablets still expected to scan; without it, a
// roster of 5,000.
func scanBenchStore(b *testing.B) (*store.Store, []string) {
	b.Helper()
	ctx := context.Background()
	path := os.Getenv("DROPIN_BENCH_DB")
	if path == "" {
		if cache, err := os.UserCacheDir(); err == nil {
			path = filepath.Join(cache, "dropin", store.BenchCounty.CacheName())
		}
	}
	db := filepath.Join(b.TempDir(), "dropin.db")
	if from, err := os.Open(path); err == nil {
		to, err := os.Create(db)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(to, from); err != nil {
			b.Fatal(err)
		}
		from.Close()
		to.Close()
		st, err := store.Open(ctx, db)
		if err != nil {
			b.Fatal(err)
		}
		serials, err := st.Sample(ctx, store.Expected, 2000)
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("on the county %s", path)
		return st, serials
	}
	st, err := store.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("Navn;Kommune;Organ;Primær e-post;Nettbrett serienr\n")
	var serials []string
	for i := range 5000 {
		serials = append(serials, fmt.Sprintf("SCAN%06d", i))
		fmt.Fprintf(&csv, "Person %d;Levanger;Kommunestyret;p%d@levanger.kommune.no;%s\n", i, i, serials[i])
	}
	ros, err := store.ParseRoster(strings.NewReader(csv.String()))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := st.Import(ctx, ros, store.Actor{Station: "import", Staff: "IM"}, false); err != nil {
		b.Fatal(err)
	}
	return st, serials
}

// BenchmarkDeskFrame: one frame of the desk drawn whole, with a tablet's
// card and the recent activity beside it (120×36). Bubble Tea asks for a
// frame after every message that reaches a screen, so this is paid at
// every step: at a scan's Enter, again when the check-in is saved, and
// for each answer that follows.
//
//	go test ./tui -run '^$' -bench DeskFrame
func BenchmarkDeskFrame(b *testing.B) {
	h := newHarness(b, 120, 36, i18n.Bokmal)
	h.store.SetClock(h.clk.now) // today's activity is the desk's today
	smallRoster(b, h.store)
	h.scan("SDWBWB126WZR")
	h.send(refreshTickMsg{})
	if h.m.desk.card == nil || len(h.m.desk.recent) == 0 {
		b.Fatalf("no card or no recent activity:\n%s", h.screen())
	}
	b.ReportAllocs()
	for b.Loop() {
		h.m.frameValid = false
		h.m.View()
	}
}
