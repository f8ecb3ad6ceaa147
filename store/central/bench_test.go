package central_test

import (
	"context"
	"strings"
	"testing"

	"dropin/store"
)

// BenchmarkPush100k pushes 100,000 events from one station to the
// central store over HTTP.
func BenchmarkPush100k(b *testing.B) {
	ctx := context.Background()
	ros, err := store.ParseRoster(strings.NewReader(rosterOf(50_000)))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		b.StopTimer()
		c := newCentral(b)
		url := serve(b, c)
		s := newStation(b, c, "sekretariat", "innherred")
		if _, err := s.st.Import(ctx, ros, s.by, false); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		n, err := s.st.Push(ctx, url, s.token, nil)
		if err != nil || n != 100_000 {
			b.Fatalf("pushed %d: %v", n, err)
		}
	}
}

// BenchmarkPull100k pulls those 100,000 events into a new station and
// projects them: tablets, officials, seats.
func BenchmarkPull100k(b *testing.B) {
	ctx := context.Background()
	ros, err := store.ParseRoster(strings.NewReader(rosterOf(50_000)))
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
	for b.Loop() {
		b.StopTimer()
		i++
		dst := newStation(b, c, "desk"+strings.Repeat("x", i), "innherred")
		b.StartTimer()
		n, inSync, err := dst.st.Pull(ctx, url, dst.token, nil)
		if err != nil || n != 100_000 || !inSync {
			b.Fatalf("pulled %d (in sync %v): %v", n, inSync, err)
		}
	}
}
