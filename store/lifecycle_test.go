package store

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
)

// ockero imports the Swedish list of officials.
func ockero(t *testing.T) *Store {
	t.Helper()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "forteckning-ockero.csv"), false)
	return s
}

func refusal(t *testing.T, err error, want RefusalCode) *Refusal {
	t.Helper()
	r, ok := IsRefusal(err)
	if !ok || r.Code != want {
		t.Fatalf("want refusal %s, got %v", want, err)
	}
	return r
}

// Every role and body in the sample list gets what the guideline says.
func TestEntitlementForEveryRoleInTheSwedishList(t *testing.T) {
	s := ockero(t)
	rows, err := s.Equipment(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	laptopPhone, tablet := []DeviceKind{Laptop, Phone}, []DeviceKind{Tablet}
	want := map[string][]DeviceKind{ // role|body: what the rules give
		"Kommunstyrelsens presidium|Kommunstyrelsen":       laptopPhone,
		"Ordförande i kommunfullmäktige|Kommunfullmäktige": laptopPhone,
		"Ordförande i nämnd|Socialnämnden":                 laptopPhone,
		"Ordförande i nämnd|Bygg- och miljönämnden":        laptopPhone,
		"Ordförande i nämnd|Barn- och utbildningsnämnden":  laptopPhone,
		"Ledamot i kommunfullmäktige|Kommunfullmäktige":    tablet,
		"Ersättare i kommunfullmäktige|Kommunfullmäktige":  tablet,
		"Ledamot i nämnd/styrelse|Socialnämnden":           tablet,
		"Ersättare i nämnd/styrelse|Socialnämnden":         tablet,
		"Ledamot i nämnd/styrelse|Valnämnden":              nil, // only with the chair's approval
		"Ledamot i nämnd/styrelse|Arvodesberedningen":      nil,
	}
	seen := map[string]int{}
	for _, r := range rows {
		if len(r.Official.Seats) != 1 {
			t.Fatalf("%s: %d seats; the sample has one each", r.Official.Name, len(r.Official.Seats))
		}
		key := r.Official.Seats[0].Role + "|" + r.Official.Seats[0].Body
		kinds, ok := want[key]
		if !ok {
			t.Errorf("%s: role %q has no expectation: add it", r.Official.Name, key)
			continue
		}
		seen[key]++
		if !slices.Equal(r.Entitlement.Kinds, kinds) {
			t.Errorf("%s (%s): entitled to %v, want %v", r.Official.Name, key, r.Entitlement.Kinds, kinds)
		}
		if !slices.Equal(r.Missing, kinds) || len(r.Has) != 0 {
			t.Errorf("%s: has %v, missing %v; want nothing and %v", r.Official.Name, r.Has, r.Missing, kinds)
		}
		if kinds == nil {
			body, ok := r.Entitlement.Awaits(Tablet)
			if !ok || body != r.Official.Seats[0].Body {
				t.Errorf("%s: a tablet should await the chair of %s, got %v", r.Official.Name, r.Official.Seats[0].Body, r.Entitlement.Pending)
			}
		}
	}
	if len(seen) != len(want) || len(rows) != 69 {
		t.Errorf("saw %d officials in %d roles, want 69 in %d: %v", len(rows), len(seen), len(want), seen)
	}
}

func TestFirstMatchingRuleDecides(t *testing.T) {
	rs := MustDefaultRules()
	// A committee chair who is also a council member gets the chair's laptop and phone.
	e := rs.Entitle([]Seat{{Body: "Kommunfullmäktige", Role: "Ledamot i kommunfullmäktige"}, {Body: "Socialnämnden", Role: "Ordförande i nämnd"}}, nil)
	if !slices.Equal(e.Kinds, []DeviceKind{Laptop, Phone}) || e.Seat.Body != "Socialnämnden" {
		t.Errorf("chair and member: %+v", e)
	}
	// An election board member who sits in the council needs no approval.
	e = rs.Entitle([]Seat{{Body: "Valnämnden", Role: "Ledamot i nämnd/styrelse"}, {Body: "Kommunfullmäktige", Role: "Ersättare i kommunfullmäktige"}}, nil)
	if !slices.Equal(e.Kinds, []DeviceKind{Tablet}) || len(e.Pending) != 0 {
		t.Errorf("election board and council: %+v", e)
	}
	// Case and accents aside.
	e = rs.Entitle([]Seat{{Body: "VALNAMNDEN", Role: "ledamot i nämnd/styrelse"}}, func(b string) bool { return b == "VALNAMNDEN" })
	if !slices.Equal(e.Kinds, []DeviceKind{Tablet}) {
		t.Errorf("approved, other spelling: %+v", e)
	}
}

func TestRulesFileErrorsNameTheirLines(t *testing.T) {
	_, err := ParseRules(strings.NewReader("# ok\nOrdförande* ; * ; dator, mobil\nLedamot ; * ; skrivare\n;*;tablet\nx ; y ; tablet ; maybe\nonly ; two\n"), "rules.txt")
	var es RulesErrors
	if !errors.As(err, &es) || len(es) != 4 {
		t.Fatalf("want 4 bad lines, got %v", err)
	}
	for i, want := range []string{"rules.txt:3: \"skrivare\" is not a device", "rules.txt:4: role and body", "rules.txt:5: \"maybe\"", "rules.txt:6: want role"} {
		if !strings.HasPrefix(es[i].Error(), want) {
			t.Errorf("error %d = %q, want it to start %q", i, es[i], want)
		}
	}
	rs, err := ParseRules(strings.NewReader("Ordförande* ; * ; dator, mobil, laptop\n*;*;surfplatta;godkännande"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if e := rs.Entitle([]Seat{{Role: "Ordförande i nämnd", Body: "X"}}, nil); !slices.Equal(e.Kinds, []DeviceKind{Laptop, Phone}) || e.Line != 1 {
		t.Errorf("Swedish device words: %+v", e)
	}
	if e := rs.Entitle([]Seat{{Role: "Ledamot", Body: "X"}}, nil); len(e.Kinds) != 0 || len(e.Pending) != 1 {
		t.Errorf("approval word in Swedish: %+v", e)
	}
}

// The approval rule: an election board member gets a tablet only once the
// board's chair approved, and the approval says who gave it.
func TestApprovalRule(t *testing.T) {
	ctx := context.Background()
	s := ockero(t)
	member := officialIn(t, s, "Valnämnden")
	if _, err := s.RegisterKind(ctx, "TAB0000001", "iPad 10 med tangentbord", Tablet, "", desk); err != nil {
		t.Fatal(err)
	}
	_, err := s.Issue(ctx, "TAB0000001", member, Request{}, desk)
	if r := refusal(t, err, RefuseNeedsApproval); r.Body != "Valnämnden" || r.Device != Tablet {
		t.Errorf("refusal names %q %q", r.Body, r.Device)
	}
	_, err = s.Approve(ctx, member, "Socialnämnden", "Lena Larsson", true, desk)
	refusal(t, err, RefuseNoSeat)
	_, err = s.Approve(ctx, member, "valnamnden", " ", true, desk)
	refusal(t, err, RefuseNoApprover)

	a, err := s.Approve(ctx, member, "valnämnden", "Ordförande Valnämnden", true, desk)
	if err != nil || a.Body != "Valnämnden" || a.Approver != "Ordförande Valnämnden" || a.Staff != desk.Staff {
		t.Fatalf("approve: %+v %v", a, err)
	}
	ent, apps, err := s.EntitlementOf(ctx, member)
	if err != nil || !ent.Allows(Tablet) || len(apps) != 1 || apps[0].Approver != "Ordförande Valnämnden" {
		t.Fatalf("after approval: %+v %+v %v", ent, apps, err)
	}
	card, err := s.Issue(ctx, "TAB0000001", member, Request{}, desk)
	if err != nil || card.Device.Custody != Issued || card.Device.OfficialID != member {
		t.Fatalf("issue after approval: %+v %v", card.Device, err)
	}
	// Withdrawn: no new device, but the one issued stays issued.
	if _, err := s.Approve(ctx, member, "Valnämnden", "Ordförande Valnämnden", false, desk); err != nil {
		t.Fatal(err)
	}
	if ent, _, _ := s.EntitlementOf(ctx, member); ent.Allows(Tablet) {
		t.Error("withdrawn approval still entitles")
	}
	assertRebuildKeeps(t, s)
}

// officialIn finds an official of the Swedish list who sits in body.
func officialIn(t *testing.T, s *Store, body string) string {
	t.Helper()
	var id string
	if err := s.read.QueryRow(`SELECT official_id FROM seats WHERE body = ? ORDER BY official_id LIMIT 1`, body).Scan(&id); err != nil {
		t.Fatalf("nobody in %s: %v", body, err)
	}
	return id
}

func assertRebuildKeeps(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	before, err := s.Fingerprint(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if after, _ := s.Fingerprint(ctx); after != before {
		t.Error("rebuilding from the log changed what the station shows")
	}
}

// A device's whole life: delivered to a chair with a request for help,
// returned at the term's end, refused to the successor until reset,
// reset, delivered to the successor; the timeline holds both officials.
func TestFullLife(t *testing.T) {
	ctx := context.Background()
	s := ockero(t)
	lena, nils := "lena.larsson@ockero.se", "nils.nilsson@ockero.se"
	card, err := s.RegisterKind(ctx, "C02LAPTOP01", "MacBook Air", Laptop, "", desk)
	if err != nil || card.Device.Kind != Laptop || card.Device.Custody != InStock {
		t.Fatalf("register: %+v %v", card.Device, err)
	}
	card, err = s.Issue(ctx, "C02LAPTOP01", lena, Request{Help: true, Training: true, Note: "Teams på mobilen"}, desk)
	if err != nil || card.Device.Custody != Issued || card.Official == nil || card.Official.Name != "Lena Larsson" {
		t.Fatalf("issue: %+v %v", card.Device, err)
	}
	reqs, _ := s.Requests(ctx, false)
	if len(reqs) != 1 || !reqs[0].Help || !reqs[0].Training || reqs[0].Official != "Lena Larsson" || reqs[0].Kind != Laptop {
		t.Fatalf("requests: %+v", reqs)
	}
	// A second laptop for the same chair is refused.
	s.RegisterKind(ctx, "C02LAPTOP02", "MacBook Air", Laptop, "", desk)
	_, err = s.Issue(ctx, "C02LAPTOP02", lena, Request{}, desk)
	refusal(t, err, RefuseHasKind)
	// So is a laptop for a council member (a tablet is theirs).
	_, err = s.Issue(ctx, "C02LAPTOP02", officialIn(t, s, "Kommunfullmäktige"), Request{}, desk)
	refusal(t, err, RefuseNotEntitled)
	// And issuing the first laptop again, while Lena has it.
	_, err = s.Issue(ctx, "C02LAPTOP01", nils, Request{}, desk)
	refusal(t, err, RefuseHeld)

	hs, _ := s.Holders(ctx)
	if len(hs) != 1 || hs[0].Serial != "C02LAPTOP01" || hs[0].Official != "Lena Larsson" || len(hs[0].Seats) != 1 {
		t.Fatalf("holders: %+v", hs)
	}
	_, err = s.Return(ctx, "C02LAPTOP01", "", desk)
	refusal(t, err, RefuseNoReturnReason)
	card, err = s.Return(ctx, "C02LAPTOP01", ReturnLeaving, desk)
	if err != nil || card.Device.Custody != Returned || card.Official == nil || card.Official.ID != lena {
		t.Fatalf("return: %+v %v", card.Device, err)
	}
	_, err = s.Return(ctx, "C02LAPTOP01", ReturnTermEnd, desk)
	refusal(t, err, RefuseNotHeld)
	// Not reset: refused to the successor.
	_, err = s.Issue(ctx, "C02LAPTOP01", nils, Request{}, desk)
	refusal(t, err, RefuseNotReset)
	if hs, _ := s.Holders(ctx); len(hs) != 0 {
		t.Errorf("returned laptop still listed as held: %+v", hs)
	}
	card, err = s.Reset(ctx, "C02LAPTOP01", desk)
	if err != nil || card.Device.Custody != InStock || card.Official != nil {
		t.Fatalf("reset: %+v %v", card.Device, err)
	}
	_, err = s.Reset(ctx, "C02LAPTOP01", desk)
	refusal(t, err, RefuseNotReturned)
	card, err = s.Issue(ctx, "C02LAPTOP01", nils, Request{}, desk)
	if err != nil || card.Official == nil || card.Official.ID != nils {
		t.Fatalf("reassign: %+v %v", card.Device, err)
	}
	var life []string
	for _, e := range card.Timeline {
		if e.Kind == KindIssued || e.Kind == KindReturned || e.Kind == KindReset {
			life = append(life, string(e.Kind)+" "+e.Who+" "+e.Reason)
		}
	}
	want := []string{"issued Lena Larsson ", "returned Lena Larsson leaving", "reset  ", "issued Nils Nilsson "}
	if !slices.Equal(life, want) {
		t.Errorf("timeline across officials:\n got %q\nwant %q", life, want)
	}
	// The request stays on the list until it is done.
	if err := s.RequestDone(ctx, reqs[0].ID, desk); err != nil {
		t.Fatal(err)
	}
	refusal(t, s.RequestDone(ctx, reqs[0].ID, desk), RefuseDone)
	if open, _ := s.Requests(ctx, false); len(open) != 0 {
		t.Errorf("done request still open: %+v", open)
	}
	if all, _ := s.Requests(ctx, true); len(all) != 1 || !all[0].Done || all[0].DoneBy != desk.Staff {
		t.Errorf("all requests: %+v", all)
	}
	rows, _ := s.Equipment(ctx)
	for _, r := range rows {
		if r.Official.ID == nils && (len(r.Has) != 1 || !slices.Equal(r.Missing, []DeviceKind{Phone})) {
			t.Errorf("Nils has %+v, missing %v; want the laptop and a phone missing", r.Has, r.Missing)
		}
	}
	assertRebuildKeeps(t, s)
}

// Undo takes a delivery back, and its request with it.
func TestUndoIssue(t *testing.T) {
	ctx := context.Background()
	s := ockero(t)
	s.RegisterKind(ctx, "PHONE00001", "iPhone 15", Phone, "", desk)
	if _, err := s.Issue(ctx, "PHONE00001", "lena.larsson@ockero.se", Request{Training: true}, desk); err != nil {
		t.Fatal(err)
	}
	card, err := s.Undo(ctx, "PHONE00001", desk)
	if err != nil || card.Device.Custody != InStock || card.Device.OfficialID != "" {
		t.Fatalf("undo issue: %+v %v", card.Device, err)
	}
	if reqs, _ := s.Requests(ctx, true); len(reqs) != 0 {
		t.Errorf("undone delivery's request is listed: %+v", reqs)
	}
	assertRebuildKeeps(t, s)
}

// A tablet the roster registers to an official is theirs: it can be
// returned and reset, not issued to someone else.
func TestRosterTabletIsHeld(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	var serial, owner string
	s.read.QueryRow(`SELECT serial, official_id FROM devices WHERE official_id <> '' ORDER BY serial LIMIT 1`).Scan(&serial, &owner)
	card, err := s.Card(ctx, serial)
	if err != nil || card.Device.Custody != Held {
		t.Fatalf("roster tablet: %+v %v", card.Device, err)
	}
	_, err = s.Issue(ctx, serial, owner, Request{}, desk)
	refusal(t, err, RefuseHeld)
	if _, err := s.Return(ctx, serial, ReturnTermEnd, desk); err != nil {
		t.Fatal(err)
	}
}

// Typing a name's beginning finds that person first, before others whose
// names merely contain the words.
func TestSearchPutsNamePrefixFirst(t *testing.T) {
	s := ockero(t)
	res, err := s.SearchOfficials(context.Background(), "nils nil", 8)
	if err != nil || len(res) < 2 || res[0].Name != "Nils Nilsson" {
		t.Fatalf("search: %+v %v", res, err)
	}
}

// The lifecycle's events travel like any other: a station that pulls them,
// in any order, shows the same devices, approvals and requests.
func TestLifecycleConverges(t *testing.T) {
	ctx := context.Background()
	a := ockero(t)
	member := officialIn(t, a, "Valnämnden")
	a.RegisterKind(ctx, "TAB0000001", "iPad 10", Tablet, "", desk)
	a.RegisterKind(ctx, "C02LAPTOP01", "MacBook Air", Laptop, "", desk)
	if _, err := a.Approve(ctx, member, "Valnämnden", "Gun Ordförande", true, desk); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Issue(ctx, "TAB0000001", member, Request{Help: true}, desk); err != nil {
		t.Fatal(err)
	}
	a.Issue(ctx, "C02LAPTOP01", "lena.larsson@ockero.se", Request{Training: true}, desk)
	a.Return(ctx, "C02LAPTOP01", ReturnTermEnd, desk)
	a.Reset(ctx, "C02LAPTOP01", desk)
	a.Issue(ctx, "C02LAPTOP01", "nils.nilsson@ockero.se", Request{}, desk)
	reqs, _ := a.Requests(ctx, false)
	a.RequestDone(ctx, reqs[0].ID, desk)

	evs, err := a.Outbox(ctx, 100000)
	if err != nil {
		t.Fatal(err)
	}
	pulled := make([]SyncedEvent, len(evs))
	for i, e := range evs {
		pulled[i] = SyncedEvent{Event: e, Seq: int64(i + 1)}
	}
	// Newest first: the projection must not care.
	slices.Reverse(pulled)
	b := openTest(t)
	if _, err := b.ApplyPulled(ctx, pulled, int64(len(pulled))); err != nil {
		t.Fatal(err)
	}
	fa, _ := a.Fingerprint(ctx)
	fb, _ := b.Fingerprint(ctx)
	if fa != fb {
		t.Fatal("the pulling station does not show what the issuing one does")
	}
	if ent, apps, _ := b.EntitlementOf(ctx, member); !ent.Allows(Tablet) || len(apps) != 1 {
		t.Errorf("approval did not travel: %+v %+v", ent, apps)
	}
	if hs, _ := b.Holders(ctx); len(hs) != 2 {
		t.Errorf("holders after pull: %+v", hs)
	}
}

// FuzzParseRules: a rules file is refused with its lines named or read
// into rules that decide without panicking.
func FuzzParseRules(f *testing.F) {
	f.Add(DefaultRules)
	f.Add("* ; * ; tablet ; approval\n")
	f.Add("a;b;c;d;e\n;;\n*;*;surfplatta, dator,\n")
	f.Fuzz(func(t *testing.T, text string) {
		rs, err := ParseRules(strings.NewReader(text), "f")
		if err != nil {
			var es RulesErrors
			if !errors.As(err, &es) && !strings.HasPrefix(err.Error(), "f: ") {
				t.Fatalf("error without lines: %v", err)
			}
			return
		}
		e := rs.Entitle([]Seat{{Role: text, Body: text}, {Role: "Ledamot", Body: "Valnämnden"}}, func(string) bool { return len(text)%2 == 0 })
		for _, k := range e.Kinds {
			if _, ok := ParseDeviceKind(string(k)); !ok {
				t.Fatalf("entitled to %q", k)
			}
		}
	})
}

// A roster's tablet handed in for its upgrade is still its official's on
// the term-end list, and the list can say it is in: from the check-in
// until it is handed back, failed included.
func TestAHoldingInForItsUpgradeIsSaidToBe(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	by := Actor{Station: "skranke-1", Staff: "KN"}
	in := func() map[Status]bool {
		t.Helper()
		hs, err := s.Holders(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range hs {
			if h.Serial == "R52NXYGSKYS" {
				return map[Status]bool{h.Status: h.HandedIn()}
			}
		}
		t.Fatal("the official's tablet is not on the term-end list")
		return nil
	}
	if got := in(); len(got) != 1 || got[Expected] {
		t.Fatalf("before the check-in: %v", got)
	}
	if _, err := s.CheckIn(ctx, "R52NXYGSKYS", by); err != nil {
		t.Fatal(err)
	}
	if got := in(); !got[Received] {
		t.Fatalf("checked in: %v", got)
	}
	for _, k := range []Kind{KindUpgrading, KindUpgraded, KindFirstLogin} {
		if _, err := s.Step(ctx, "R52NXYGSKYS", k, Input{Checklist: Checklist}, by); err != nil {
			t.Fatal(err)
		}
		if got := in(); !got[Status(k)] {
			t.Fatalf("after %s: %v", k, got)
		}
	}
	if _, err := s.Step(ctx, "R52NXYGSKYS", KindFailed, Input{Reason: "skjermen"}, by); err != nil {
		t.Fatal(err)
	}
	if got := in(); !got[Failed] {
		t.Fatalf("failed: %v", got)
	}
	if _, err := s.Step(ctx, "R52NXYGSKYS", KindResolved, Input{}, by); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Step(ctx, "R52NXYGSKYS", KindHandedBack, Input{}, by); err != nil {
		t.Fatal(err)
	}
	if got := in(); got[HandedBack] || len(got) != 1 {
		t.Fatalf("handed back: %v", got)
	}
}
