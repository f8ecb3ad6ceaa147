package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// Progress counts each tablet on the day its current visit first passed
// each mark; an undone step counts nowhere, and a rebuild (what the
// migration that added the marks runs) finds the same days.
func TestProgressByDay(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	oslo, _ := time.LoadLocation("Europe/Oslo")
	day := func(d, h int) { // 2026-04-d at h o'clock in Oslo
		at := time.Date(2026, 4, d, h, 0, 0, 0, oslo)
		s.SetClock(func() time.Time { at = at.Add(time.Second); return at })
	}
	by := Actor{Station: "skranke-1", Staff: "KN"}
	day(1, 9)
	for _, serial := range []string{"TAB000001", "TAB000002", "TAB000003"} {
		if _, err := s.Register(ctx, serial, "iPad", "", by); err != nil {
			t.Fatal(err)
		}
	}
	s.CheckIn(ctx, "TAB000001", by)
	// 23:30 on the 1st in Oslo is the 1st, though it is the 1st in UTC too;
	// 00:30 on the 3rd in Oslo is the 2nd in UTC: it counts on the 3rd.
	day(1, 23)
	s.CheckIn(ctx, "TAB000002", by)
	day(3, 0)
	s.Step(ctx, "TAB000001", KindUpgrading, Input{}, by)
	s.Step(ctx, "TAB000001", KindUpgraded, Input{}, by)
	s.Step(ctx, "TAB000001", KindFirstLogin, Input{Checklist: Checklist}, by)
	s.CheckIn(ctx, "TAB000003", by)
	if _, err := s.Undo(ctx, "TAB000003", by); err != nil {
		t.Fatal(err)
	}
	want := []DayProgress{
		{Day: time.Date(2026, 4, 1, 0, 0, 0, 0, oslo), Collected: 2},
		{Day: time.Date(2026, 4, 3, 0, 0, 0, 0, oslo), Upgraded: 1, LoggedIn: 1},
	}
	check := func(when string) {
		t.Helper()
		got, err := s.Progress(ctx, oslo)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: %+v, want %+v", when, got, want)
		}
		for i := range got {
			if !got[i].Day.Equal(want[i].Day) || got[i].Collected != want[i].Collected || got[i].Upgraded != want[i].Upgraded || got[i].LoggedIn != want[i].LoggedIn {
				t.Fatalf("%s: day %d is %+v, want %+v", when, i, got[i], want[i])
			}
		}
	}
	check("incremental")
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	check("rebuilt")
}

// A database from before the marks is rebuilt once on open, and a kill
// before that rebuild commits leaves it to the next open.
func TestMarksAreFilledOnUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dropin.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	by := Actor{Station: "skranke-1", Staff: "KN"}
	s.Register(ctx, "TAB000001", "iPad", "", by)
	s.CheckIn(ctx, "TAB000001", by)
	// As the database was before migration 0013: no marks, a rebuild owed.
	s.write.ExecContext(ctx, `UPDATE devices SET received_hlc = 0`)
	s.write.ExecContext(ctx, `INSERT INTO pending (what) VALUES ('rebuild')`)
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var rec int64
	var owed int
	s.read.QueryRowContext(ctx, `SELECT received_hlc FROM devices`).Scan(&rec)
	s.read.QueryRowContext(ctx, `SELECT count(*) FROM pending`).Scan(&owed)
	if rec == 0 || owed != 0 {
		t.Fatalf("after open: received_hlc %d, rebuilds owed %d", rec, owed)
	}
}

// Equipment follows the lifecycle, not the migration's ladder: a laptop
// taken into stock is no hand-in, scanning it changes nothing, it has no
// next step, a ladder step is refused, and it counts in no coverage and
// on no chase list (issue 21, item 9).
func TestEquipmentIsNotOnTheLadder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	by := Actor{Station: "skranke-1", Staff: "KN"}
	card, err := s.RegisterKind(ctx, "LAP0000001", "ThinkPad", Laptop, "", by)
	if err != nil {
		t.Fatal(err)
	}
	if card.Device.Status != Lifecycle || card.Device.Custody != InStock || card.Device.ReceivedAt != 0 {
		t.Fatalf("registered: %+v", card.Device)
	}
	res, err := s.CheckIn(ctx, "LAP0000001", by)
	if err != nil || res.Changed {
		t.Fatalf("scanning a laptop: changed %v, %v", res.Changed, err)
	}
	if _, ok := NextStep(res.Card.Device); ok {
		t.Fatal("a laptop is offered a next step on the ladder")
	}
	if _, err := s.Step(ctx, "LAP0000001", KindUpgrading, Input{}, by); err == nil {
		t.Fatal("a laptop was put on the upgrade ladder")
	} else if r, ok := IsRefusal(err); !ok || r.Code != RefuseNotTablet {
		t.Fatalf("refused with %v", err)
	}
	lines, total, err := s.Coverage(ctx)
	if err != nil || len(lines) != 0 || total.Total() != 0 {
		t.Fatalf("coverage counts the laptop: %+v, total %d", lines, total.Total())
	}
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if lines, _, _ := s.Coverage(ctx); len(lines) != 0 {
		t.Fatalf("after a rebuild the laptop counts: %+v", lines)
	}
}
