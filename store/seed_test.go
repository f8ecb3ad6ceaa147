package store

import (
	"context"
	"path/filepath"
	"slices"
	"strings"
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
	// Each batch collects its municipality's tablets, as a secretariat
	// opens one, and took in no other's.
	batches, err := s.Batches(ctx)
	if err != nil || len(batches) != rep.Batches {
		t.Fatalf("%d batches listed of %d: %v", len(batches), rep.Batches, err)
	}
	lines, _, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		i := slices.IndexFunc(lines, func(l Coverage) bool { return l.Municipality == b.Municipality && l.Body == "" })
		if b.Municipality == "" || !strings.HasPrefix(b.Name, b.Municipality+", runde ") || i < 0 || b.Expected != lines[i].Total() || b.Others() != 0 {
			t.Fatalf("batch %q: municipality %q, expects %d, %d others", b.Name, b.Municipality, b.Expected, b.Others())
		}
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

// The overview keeps its list to chase while nothing in it moved, and
// reads it again when a tablet leaves "expected" or an official changes.
func TestOverviewKeepsTheChaseListUntilItChanges(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	ov, err := s.LoadOverview(ctx, -1)
	if err != nil || ov.ChaseSame || len(ov.Chase) == 0 {
		t.Fatalf("first load: %+v %v", ov, err)
	}
	before := len(ov.Chase)
	serial := ov.Chase[0].Serial
	if _, err := s.CheckIn(ctx, serial, desk); err != nil {
		t.Fatal(err)
	}
	next, _ := s.LoadOverview(ctx, ov.ChaseVersion)
	if next.ChaseSame || len(next.Chase) != before-1 {
		t.Fatalf("a tablet handed in must leave the list: same %v, %d → %d", next.ChaseSame, before, len(next.Chase))
	}
	if _, err := s.Step(ctx, serial, KindUpgrading, Input{}, desk); err != nil {
		t.Fatal(err)
	}
	same, _ := s.LoadOverview(ctx, next.ChaseVersion)
	if !same.ChaseSame || same.Chase != nil || same.Total.Counts[Upgrading] != 1 {
		t.Fatalf("a step past received changes counts, not the list: %+v", same)
	}
	o := ov.Chase[1]
	off, _ := s.Official(ctx, o.OfficialID)
	off.Phone = "999 99 999"
	if err := s.PutOfficial(ctx, *off, desk); err != nil {
		t.Fatal(err)
	}
	if again, _ := s.LoadOverview(ctx, same.ChaseVersion); again.ChaseSame {
		t.Fatal("a changed phone number must reload the list")
	}
}

// TestWorkStoppedWithCoverageAsideIsCountedAtOpen: work that set the
// coverage triggers aside across transactions (a seed) and was stopped
// before its end leaves a desk whose coverage missed its steps. The next
// open counts coverage and the chase list again and puts the triggers
// back, so the steps after it count as always.
func TestWorkStoppedWithCoverageAsideIsCountedAtOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "stopped.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	triggers := func(s *Store) int {
		var n int
		s.read.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'coverage%'`).Scan(&n)
		return n
	}
	want := triggers(s)
	if err := s.setCoverageAsideUntilBack(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckIn(ctx, "R52NXYGSKYS", desk); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.Coverage(ctx); total.Collected() != 0 || triggers(s) != 0 {
		t.Fatalf("set aside: %d collected, %d triggers", total.Collected(), triggers(s))
	}
	s.Close() // stopped before its end

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, total, _ := s.Coverage(ctx); total.Collected() != 1 || triggers(s) != want {
		t.Fatalf("after open: %d collected, %d triggers (want 1, %d)", total.Collected(), triggers(s), want)
	}
	if _, err := s.CheckIn(ctx, "TJYHCY68QHGJ", desk); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := s.Coverage(ctx); total.Collected() != 2 {
		t.Fatalf("a step after open: %d collected", total.Collected())
	}
	assertRebuildKeeps(t, s)
}
