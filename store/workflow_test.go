package store

import (
	"context"
	"testing"
)

var allDone = Input{Checklist: Checklist}

func TestCheckTable(t *testing.T) {
	at := func(step Status) Device { return Device{Known: true, Step: step, Status: step, LastStep: "x"} }
	failed := Device{Known: true, Step: Upgrading, Status: Failed, FailureID: "f"}
	employee := Device{Known: true, Step: Expected, Status: EmployeeTrack, Employee: true}
	tests := []struct {
		name string
		d    Device
		k    Kind
		in   Input
		want RefusalCode // "": allowed
	}{
		{"check in expected", at(Expected), KindReceived, Input{}, ""},
		{"received to upgrading", at(Received), KindUpgrading, Input{}, ""},
		{"upgrading to upgraded", at(Upgrading), KindUpgraded, Input{}, ""},
		{"first login with checklist", at(Upgraded), KindFirstLogin, allDone, ""},
		{"first login half done", at(Upgraded), KindFirstLogin, Input{Checklist: Checklist[:3]}, RefuseChecklist},
		{"hand back", at(FirstLogin), KindHandedBack, Input{}, ""},
		{"back again: new visit", at(HandedBack), KindReceived, Input{}, ""},
		{"skip upgrading", at(Received), KindUpgraded, Input{}, RefuseSkip},
		{"backwards", at(Upgraded), KindReceived, Input{}, RefuseDone},
		{"same step twice", at(Upgrading), KindUpgrading, Input{}, RefuseDone},
		{"unknown tablet", Device{}, KindReceived, Input{}, RefuseUnknown},
		{"register unknown", Device{}, KindRegistered, Input{}, ""},
		{"register twice", at(Received), KindRegistered, Input{}, RefuseExists},
		{"fail with reason", at(Upgrading), KindFailed, Input{Reason: "cracked screen"}, ""},
		{"fail without reason", at(Upgrading), KindFailed, Input{}, RefuseNoReason},
		{"fail before seen", at(Expected), KindFailed, Input{Reason: "x"}, RefuseNotAtDesk},
		{"step while failed", failed, KindUpgraded, Input{}, RefuseFailed},
		{"fail twice", failed, KindFailed, Input{Reason: "x"}, RefuseFailed},
		{"resolve failure", failed, KindResolved, Input{}, ""},
		{"resolve nothing", at(Received), KindResolved, Input{}, RefuseNotFailed},
		{"employee track", at(Expected), KindEmployee, Input{On: true}, ""},
		{"employee track at desk", at(Received), KindEmployee, Input{On: true}, RefuseAtDesk},
		{"step on employee track", employee, KindReceived, Input{}, RefuseEmployee},
		{"back to desk track", employee, KindEmployee, Input{On: false}, ""},
		{"undo", at(Received), KindUndo, Input{}, ""},
		{"nothing to undo", Device{Known: true, Step: Expected, Status: Expected}, KindUndo, Input{}, RefuseNothingToUndo},
	}
	for _, tt := range tests {
		err := Check(tt.d, tt.k, tt.in)
		r, _ := IsRefusal(err)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: refused: %v", tt.name, err)
		case tt.want != "" && (r == nil || r.Code != tt.want):
			t.Errorf("%s: got %v, want refusal %s", tt.name, err, tt.want)
		}
	}
	if err := Check(at(Received), KindUpgraded, Input{}); err.(*Refusal).Need != Upgrading {
		t.Errorf("a skip must name the step that comes first, got %+v", err)
	}
}

func TestNextStep(t *testing.T) {
	for _, tt := range []struct {
		d    Device
		want Kind
	}{
		{Device{Known: true, Step: Expected, Status: Expected}, KindReceived},
		{Device{Known: true, Step: Upgraded, Status: Upgraded}, KindFirstLogin},
		{Device{Known: true, Step: HandedBack, Status: HandedBack}, KindReceived},
		{Device{Known: true, Step: Upgrading, Status: Failed}, KindResolved},
		{Device{Known: true, Step: Expected, Status: EmployeeTrack, Employee: true}, KindEmployee},
	} {
		if got, _ := NextStep(tt.d); got != tt.want {
			t.Errorf("NextStep(%s) = %s, want %s", tt.d.Status, got, tt.want)
		}
	}
}

// TestTheLadder walks a tablet from unknown to handed back and into a new
// visit through the store, checking what the desk shows at each step.
func TestTheLadder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	kari := Official{ID: "kari.nordmann@levanger.kommune.no", Name: "Kari Nordmann", EmailPrimary: "kari.nordmann@levanger.kommune.no", EmailSecondary: "kari.nordmann@innherred-samkommune.no"}
	if err := s.PutOfficial(ctx, kari, desk); err != nil {
		t.Fatal(err)
	}
	res, err := s.CheckIn(ctx, "DMPXK2ABC123", desk)
	if err != nil || !res.Unknown {
		t.Fatalf("unknown serial: %+v, %v", res, err)
	}
	card, err := s.Register(ctx, "DMPXK2ABC123", "iPad 9", "", desk)
	if err != nil || card.Device.Status != Received || card.Device.Model != "iPad 9" {
		t.Fatalf("register: %+v, %v", card.Device, err)
	}
	if card.Account() != "" {
		t.Fatal("no official, no account")
	}
	if card, err = s.Link(ctx, "DMPXK2ABC123", kari.ID, desk); err != nil || card.Official == nil || card.Official.Name != "Kari Nordmann" {
		t.Fatalf("link: %+v, %v", card.Official, err)
	}
	if card.Account() != kari.EmailSecondary {
		t.Fatalf("before the upgrade the account is the secondary, got %q", card.Account())
	}
	if _, err := s.Link(ctx, "DMPXK2ABC123", "nobody@example.no", desk); err == nil {
		t.Fatal("linking to an unknown official must be refused")
	}
	for _, k := range []Kind{KindUpgrading, KindUpgraded} {
		if card, err = s.Step(ctx, "DMPXK2ABC123", k, Input{}, desk); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	if card.Account() != kari.EmailPrimary || !card.UsesPrimary() {
		t.Fatalf("after the upgrade the account is the primary, got %q", card.Account())
	}
	if _, err := s.Step(ctx, "DMPXK2ABC123", KindFirstLogin, Input{}, desk); err == nil {
		t.Fatal("first login without the checklist must be refused")
	}
	card, _ = s.Step(ctx, "DMPXK2ABC123", KindFirstLogin, allDone, desk)
	card, _ = s.Step(ctx, "DMPXK2ABC123", KindHandedBack, Input{}, desk)
	if card.Device.Status != HandedBack || card.Device.Cycle != 1 {
		t.Fatalf("handed back: %+v", card.Device)
	}
	// Scanning a handed-back tablet opens it without a change.
	if res, _ = s.CheckIn(ctx, "DMPXK2ABC123", desk); res.Changed || res.Card.Device.Status != HandedBack {
		t.Fatalf("check-in of a handed-back tablet: %+v", res)
	}
	card, err = s.Step(ctx, "DMPXK2ABC123", KindReceived, Input{}, desk)
	if err != nil || card.Device.Status != Received || card.Device.Cycle != 2 {
		t.Fatalf("new visit: %+v, %v", card.Device, err)
	}
	if card.Account() != kari.EmailSecondary {
		t.Fatal("a new visit starts before the upgrade again")
	}
	wantKinds := []Kind{KindRegistered, KindReceived, KindLinked, KindUpgrading, KindUpgraded, KindFirstLogin, KindHandedBack, KindReceived}
	if len(card.Timeline) != len(wantKinds) {
		t.Fatalf("timeline has %d entries, want %d", len(card.Timeline), len(wantKinds))
	}
	for i, k := range wantKinds {
		if e := card.Timeline[i]; e.Kind != k || e.Staff != "KN" || e.Station != "skranke-1" {
			t.Errorf("timeline[%d] = %+v, want %s by KN at skranke-1", i, e, k)
		}
	}
}

func TestFailResolveAndUndo(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.Register(ctx, "R52N40XYZ", "Galaxy Tab", "", desk)
	s.Step(ctx, "R52N40XYZ", KindUpgrading, Input{}, desk)
	card, err := s.Step(ctx, "R52N40XYZ", KindFailed, Input{Reason: "will not boot"}, desk)
	if err != nil || card.Device.Status != Failed || card.Device.FailureReason != "will not boot" {
		t.Fatalf("failed: %+v, %v", card.Device, err)
	}
	card, _ = s.Step(ctx, "R52N40XYZ", KindResolved, Input{}, desk)
	if card.Device.Status != Upgrading {
		t.Fatalf("resolving returns the tablet to its step, got %s", card.Device.Status)
	}
	// Undo the resolve: the failure is open again. Undo the failure: gone.
	card, _ = s.Undo(ctx, "R52N40XYZ", desk)
	if card.Device.Status != Failed {
		t.Fatalf("undoing the resolve reopens the failure, got %s", card.Device.Status)
	}
	card, _ = s.Undo(ctx, "R52N40XYZ", desk)
	card, _ = s.Undo(ctx, "R52N40XYZ", desk) // and the upgrading step
	if card.Device.Status != Received {
		t.Fatalf("after three undos the tablet is received, got %s", card.Device.Status)
	}
	card, _ = s.Undo(ctx, "R52N40XYZ", desk)
	if card.Device.Status != Expected {
		t.Fatalf("undoing the check-in leaves it expected, got %s", card.Device.Status)
	}
	if _, err := s.Undo(ctx, "R52N40XYZ", desk); err == nil {
		t.Fatal("nothing left to undo must be refused")
	}
	undone := 0
	for _, e := range card.Timeline {
		if e.Undone {
			undone++
		}
	}
	if undone != 4 {
		t.Fatalf("timeline marks %d entries undone, want 4", undone)
	}
}

func TestEmployeeTrack(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.Register(ctx, "EMPL00001", "iPad", "", desk)
	s.Undo(ctx, "EMPL00001", desk) // back to expected
	card, err := s.Step(ctx, "EMPL00001", KindEmployee, Input{On: true}, desk)
	if err != nil || card.Device.Status != EmployeeTrack {
		t.Fatalf("employee track: %+v %v", card.Device, err)
	}
	if res, _ := s.CheckIn(ctx, "EMPL00001", desk); res.Changed {
		t.Fatal("a scan must not take an employee's tablet into the desk's track")
	}
	if _, err := s.Step(ctx, "EMPL00001", KindReceived, Input{}, desk); err == nil {
		t.Fatal("a step on the employees' track must be refused")
	}
	card, _ = s.Step(ctx, "EMPL00001", KindEmployee, Input{On: false}, desk)
	if card.Device.Status != Expected {
		t.Fatalf("back on the desk track: %s", card.Device.Status)
	}
}
