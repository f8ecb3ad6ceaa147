package store

import (
	"cmp"
	"context"
	"reflect"
	"strings"
	"testing"
)

func TestCoverageAndOutstanding(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	for _, serial := range []string{"R52NXYGSKYS", "TJYHCY68QHGJ", "R5BN6CT9W05"} {
		if res, err := s.CheckIn(ctx, serial, desk); err != nil || !res.Changed {
			t.Fatalf("check in %s: %+v %v", serial, res, err)
		}
	}
	s.Step(ctx, "R52NXYGSKYS", KindUpgrading, Input{}, desk)
	s.Step(ctx, "R52NXYGSKYS", KindUpgraded, Input{}, desk)

	lines, total, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 96 registered tablets, 13 on the employees' track: 83 for the desk.
	if total.Total() != 83 || total.Collected() != 3 || total.Counts[Upgraded] != 1 || total.Counts[EmployeeTrack] != 13 {
		t.Fatalf("total: %d collected %d counts %v", total.Total(), total.Collected(), total.Counts)
	}
	if lines[0].Municipality != "Levanger" || lines[0].Body != "" || lines[0].Total() != 83 {
		t.Fatalf("first line is the municipality: %+v", lines[0])
	}
	var ks *Coverage
	for i := range lines {
		if lines[i].Body == "Kommunestyret" {
			ks = &lines[i]
		}
	}
	if ks == nil || ks.Collected() != 3 { // all three sit in the council
		t.Fatalf("Kommunestyret: %+v", ks)
	}

	chase, err := s.Outstanding(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(chase) != 80 {
		t.Fatalf("%d to chase, want 83-3 = 80", len(chase))
	}
	for i, c := range chase {
		if c.Serial == "R52NXYGSKYS" || c.Phone == "" || c.Email == "" || len(c.Seats) == 0 || c.Folded != Fold(c.Name) || c.Reminded != 0 {
			t.Fatalf("bad chase line %+v", c)
		}
		if i > 0 {
			p := chase[i-1]
			if cmp.Or(strings.Compare(p.Folded, c.Folded), strings.Compare(p.OfficialID, c.OfficialID), strings.Compare(p.Serial, c.Serial)) >= 0 {
				t.Fatalf("not in folded name order: %q (%s) before %q (%s)", p.Name, p.Serial, c.Name, c.Serial)
			}
		}
	}
	// A reminder sent shows on its official's line, with when.
	who := chase[len(chase)/2]
	if err := s.Reminded(ctx, who.OfficialID, "email", who.Email, "first", desk); err != nil {
		t.Fatal(err)
	}
	chase, err = s.Outstanding(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chase {
		want := 0
		if c.OfficialID == who.OfficialID {
			want = 1
			if c.RemindedAt.IsZero() {
				t.Fatal("reminded, but not when")
			}
		}
		if c.Reminded != want {
			t.Fatalf("%s reminded %d times, want %d", c.Name, c.Reminded, want)
		}
	}
}

// OfficialsAndReminders reads, a few hundred a query, what Official and
// RemindersOf read one at a time: the same officials with their seats and
// the same reminders, over the chunks' seams, and nobody for an unknown id.
func TestOfficialsAndRemindersReadAsOneByOne(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	if err := s.ImportBenchRoster(ctx, 1300, desk); err != nil { // 650 officials, two seats each
		t.Fatal(err)
	}
	list, err := s.Outstanding(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, c := range list {
		ids = append(ids, c.OfficialID)
	}
	ids = append(ids, "nobody@nowhere.no")
	for _, i := range []int{3, 499, 500, len(ids) - 2} {
		if err := s.Reminded(ctx, ids[i], "email", "x@y.no", "first", desk); err != nil {
			t.Fatal(err)
		}
	}
	offs, sent, err := s.OfficialsAndReminders(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(offs) != len(ids)-1 || len(sent) != 4 {
		t.Fatalf("%d officials of %d ids, %d reminded", len(offs), len(ids), len(sent))
	}
	for _, id := range ids {
		one, err := s.Official(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := offs[id]
		if (one == nil) == ok || one != nil && !reflect.DeepEqual(*one, got) {
			t.Fatalf("%s: one by one %+v, together %+v", id, one, got)
		}
		r, err := s.RemindersOf(ctx, id)
		if err != nil || !reflect.DeepEqual(r, sent[id]) {
			t.Fatalf("%s: reminders one by one %+v, together %+v (%v)", id, r, sent[id], err)
		}
	}
}

// Namesakes on the chase list come by their municipality, whichever way
// it is sorted: a county has many an Anne Bakken.
func TestChaseNamesakesByMunicipality(t *testing.T) {
	seats := []Seat{{Body: "Kommunestyret", Role: "Medlem"}}
	list := []Chase{ // in the store's order (by id), Verdal's first
		{OfficialID: "a.bakken@verdal.kommune.no", Name: "Anne Bakken", Municipality: "Verdal", Seats: seats},
		{OfficialID: "b.bakken@levanger.kommune.no", Name: "Anne Bakken", Municipality: "Levanger", Seats: seats},
		{OfficialID: "arne@frosta.kommune.no", Name: "Arne Berg", Municipality: "Frosta", Seats: seats},
	}
	same := func(s string) string { return s }
	for _, by := range ChaseSorts {
		var got []string
		for _, at := range OrderChase(list, by, same) {
			got = append(got, list[at].Name+" "+list[at].Municipality)
		}
		want := "Anne Bakken Levanger, Anne Bakken Verdal, Arne Berg Frosta"
		if by == "municipality" {
			want = "Arne Berg Frosta, Anne Bakken Levanger, Anne Bakken Verdal"
		}
		if strings.Join(got, ", ") != want {
			t.Errorf("by %s: %s", by, strings.Join(got, ", "))
		}
	}
}
