package store

import (
	"context"
	"testing"
)

// A small seeded county: every stage ran through the workflow, the log
// reached its size, and rebuilding from it gives what the steps made.
func TestSeedSmallCounty(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	rep, err := s.Seed(ctx, SeedOptions{Tablets: 3000, Events: 30000, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Officials != 3000 || rep.Tablets != 3000 || rep.Batches < 4 || rep.Events < 30000 || rep.Municipalities != 1 {
		t.Fatalf("report %+v", rep)
	}
	_, total, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total.Total()+total.Counts[EmployeeTrack] != 3000 || total.Collected() < 2000 || total.Counts[HandedBack] < 1500 ||
		total.Counts[Failed] == 0 || total.Counts[Expected] == 0 || total.Counts[Upgrading]+total.Counts[Upgraded]+total.Counts[FirstLogin] == 0 {
		t.Fatalf("coverage %+v", total)
	}
	assertRebuildKeeps(t, s)
	// After a rebuild the coverage triggers are back: a step still counts.
	serials, _ := s.Sample(ctx, HandedBack, 3)
	for _, serial := range serials {
		if _, err := s.Step(ctx, serial, KindReceived, Input{}, desk); err != nil {
			t.Fatal(err)
		}
	}
	assertRebuildKeeps(t, s)
	if _, err := s.Seed(ctx, SeedOptions{Tablets: 10}); err == nil {
		t.Fatal("seeding a database that has data must be refused")
	}
}
