package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func queueNames(t *testing.T, s *Store) []string {
	t.Helper()
	q, err := s.Queue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range q {
		out = append(out, v.Name)
	}
	return out
}

// Every transition of a visit, and every refusal the workflow gives.
func TestVisitTransitionsAndRefusals(t *testing.T) {
	ctx := context.Background()
	s := ockero(t)
	other := Actor{Station: "skranke-2", Staff: "AB"}

	_, err := s.Arrive(ctx, VisitInput{Topic: "teams"}, desk)
	refusal(t, err, RefuseNoVisitor)
	_, err = s.Arrive(ctx, VisitInput{Name: "Kari", Topic: "fishing"}, desk)
	refusal(t, err, RefuseNoTopic)
	_, err = s.Arrive(ctx, VisitInput{Name: "Kari", Topic: "teams", Note: strings.Repeat("ø", maxVisitNote+1)}, desk)
	refusal(t, err, RefuseTooLong)
	_, err = s.Arrive(ctx, VisitInput{Official: "nobody@nowhere", Topic: "teams"}, desk)
	refusal(t, err, RefuseNoOfficial)

	nils, err := s.Arrive(ctx, VisitInput{Official: "nils.nilsson@ockero.se", Topic: "teams", Note: "kommer ikke inn"}, desk)
	if err != nil || nils.State != VisitQueued || nils.Name != "Nils Nilsson" {
		t.Fatalf("arrive: %+v %v", nils, err)
	}
	guest, _ := s.Arrive(ctx, VisitInput{Name: "Åse Ødegård", Topic: "password"}, other)
	lena, _ := s.Arrive(ctx, VisitInput{Official: "lena.larsson@ockero.se", Topic: "agenda"}, desk)
	if got := queueNames(t, s); !slices.Equal(got, []string{"Nils Nilsson", "Åse Ødegård", "Lena Larsson"}) {
		t.Fatalf("queue: %q", got)
	}

	_, _, err = s.CloseVisit(ctx, nils.ID, VisitInput{Outcome: Solved}, desk)
	refusal(t, err, RefuseNotCalled)
	called, err := s.CallNext(ctx, desk)
	if err != nil || called.ID != nils.ID || called.State != VisitOpen || called.Station != desk.Station || called.Staff != desk.Staff {
		t.Fatalf("call next: %+v %v", called, err)
	}
	r := refusal(t, second(s.CallVisit(ctx, nils.ID, other)), RefuseTaken)
	if r.Who != "KN" || r.Where != "skranke-1" {
		t.Fatalf("taken by %q at %q", r.Who, r.Where)
	}
	_, _, err = s.CloseVisit(ctx, nils.ID, VisitInput{Outcome: Escalated}, desk)
	refusal(t, err, RefuseNoTicket)
	_, _, err = s.CloseVisit(ctx, nils.ID, VisitInput{Outcome: Training, What: "Teams-møter"}, desk)
	refusal(t, err, RefuseNoTraining)
	_, _, err = s.CloseVisit(ctx, nils.ID, VisitInput{Outcome: "shrug"}, desk)
	refusal(t, err, RefuseNoOutcome)
	v, _, err := s.CloseVisit(ctx, nils.ID, VisitInput{Outcome: Escalated, Ticket: "INC0042"}, desk)
	if err != nil || v.State != VisitClosed || v.Ticket != "INC0042" || !v.Pending() {
		t.Fatalf("close: %+v %v", v, err)
	}
	_, _, err = s.CloseVisit(ctx, nils.ID, VisitInput{Outcome: Solved}, desk)
	refusal(t, err, RefuseVisitClosed)
	refusal(t, second(s.CallVisit(ctx, nils.ID, other)), RefuseVisitClosed)

	// Undo goes back one step at a time: the close, then the call.
	if v, err = s.UndoVisit(ctx, nils.ID, desk); err != nil || v.State != VisitOpen || v.Ticket != "" {
		t.Fatalf("undo close: %+v %v", v, err)
	}
	if v, err = s.UndoVisit(ctx, nils.ID, desk); err != nil || v.State != VisitQueued {
		t.Fatalf("undo call: %+v %v", v, err)
	}
	if got := queueNames(t, s); got[0] != "Nils Nilsson" {
		t.Fatalf("an undone call goes back to its place in the queue: %q", got)
	}
	s.CallVisit(ctx, nils.ID, desk)
	s.CloseVisit(ctx, nils.ID, VisitInput{Outcome: Training, What: "Teams-møter", For: "Nils og gruppen"}, desk)
	refusal(t, second(s.FollowUp(ctx, guest.ID, desk)), RefuseNoFollowUp)
	if v, err = s.FollowUp(ctx, nils.ID, desk); err != nil || v.Pending() || v.FollowedUp.IsZero() {
		t.Fatalf("follow up: %+v %v", v, err)
	}
	refusal(t, second(s.FollowUp(ctx, nils.ID, desk)), RefuseDone)

	// Someone who gives up waiting leaves the queue as "left".
	if v, _, err = s.CloseVisit(ctx, guest.ID, VisitInput{Outcome: Left}, other); err != nil || v.Outcome != Left {
		t.Fatalf("left: %+v %v", v, err)
	}
	// A wrongly added arrival is undone whole.
	if _, err = s.UndoVisit(ctx, lena.ID, desk); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Visit(ctx, lena.ID); !errors.Is(err, ErrNoVisit) {
		t.Fatalf("an undone arrival is still a visit: %v", err)
	}
	refusal(t, second(s.CallVisit(ctx, lena.ID, desk)), RefuseNoVisit)
	if _, err := s.CallNext(ctx, desk); !errors.Is(err, ErrQueueEmpty) {
		t.Fatalf("call with nobody waiting: %v", err)
	}
	assertRebuildKeeps(t, s)
}

func second[T any](_ T, err error) error { return err }

// Two desks at one meeting share the queue through sync. Both call the
// same visitor before they hear of each other: after sync both agree
// that the first call (in the log's agreed order) has it, whatever order
// the events arrive in, and the other desk is told who.
func TestTheQueueConvergesAndTheFirstCallWins(t *testing.T) {
	ctx := context.Background()
	a, b := ockero(t), ockero(t)
	deskB := Actor{Station: "skranke-2", Staff: "AB"}
	exchange := func() {
		t.Helper()
		for _, pair := range [][2]*Store{{a, b}, {b, a}} {
			evs, err := pair[0].Outbox(ctx, 100000)
			if err != nil {
				t.Fatal(err)
			}
			pulled := make([]SyncedEvent, len(evs))
			for i, e := range evs {
				pulled[len(evs)-1-i] = SyncedEvent{Event: e, Seq: int64(i + 1)} // newest first
			}
			if _, err := pair[1].ApplyPulled(ctx, pulled, 0); err != nil {
				t.Fatal(err)
			}
		}
	}
	first, _ := a.Arrive(ctx, VisitInput{Official: "nils.nilsson@ockero.se", Topic: "teams"}, desk)
	b.Arrive(ctx, VisitInput{Name: "Per Ås", Topic: "email"}, deskB)
	exchange()
	if qa, qb := queueNames(t, a), queueNames(t, b); !slices.Equal(qa, qb) || len(qa) != 2 || qa[0] != "Nils Nilsson" {
		t.Fatalf("queues differ: %q vs %q", qa, qb)
	}
	// Both call Nils, offline from each other; a's call is first.
	if _, err := a.CallVisit(ctx, first.ID, desk); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CallVisit(ctx, first.ID, deskB); err != nil {
		t.Fatal(err)
	}
	exchange()
	va, _ := a.Visit(ctx, first.ID)
	vb, _ := b.Visit(ctx, first.ID)
	if va.Station != "skranke-1" || vb.Station != "skranke-1" || va.Staff != "KN" || vb.Staff != "KN" {
		t.Fatalf("the first call does not win everywhere: a says %s/%s, b says %s/%s", va.Station, va.Staff, vb.Station, vb.Staff)
	}
	r := refusal(t, second(b.CallVisit(ctx, first.ID, deskB)), RefuseTaken)
	if r.Where != "skranke-1" {
		t.Fatalf("b is told %q has it", r.Where)
	}
	// The winner closes; the queue is the same everywhere, and equals a
	// rebuild from the log.
	a.CloseVisit(ctx, first.ID, VisitInput{Outcome: Solved}, desk)
	exchange()
	fa, _ := a.Fingerprint(ctx)
	fb, _ := b.Fingerprint(ctx)
	if fa != fb {
		t.Fatal("the two desks disagree after sync")
	}
	assertRebuildKeeps(t, a)
	assertRebuildKeeps(t, b)
}

// visitReceipter makes visit receipts that list their lines, as the real
// receipt maker does, for the store's tests.
type visitReceipter struct{ testReceipter }

func (visitReceipter) Promised(k Kind) (string, bool) {
	switch k {
	case KindReceived:
		return "I", true
	case KindIssued:
		return "D", true
	}
	return "", false
}

func (visitReceipter) MakeVisit(number int, issued time.Time, vc VisitCard, by Actor) (json.RawMessage, string, error) {
	var lines []string
	for _, l := range vc.Lines {
		lines = append(lines, l.Kind+":"+l.Card.Device.Serial)
	}
	return json.RawMessage(`{"lines":"` + strings.Join(lines, " ") + `"}`), "R1.V", nil
}

// Devices handed over in one visit get one receipt between them, made at
// the visit's close; the steps make none of their own, and an undone step
// is not on it.
func TestOneReceiptForAVisitsDevices(t *testing.T) {
	ctx := context.Background()
	s := ockero(t)
	s.SetReceipter(visitReceipter{})
	chair := "lena.larsson@ockero.se" // the council's chair: a laptop and a phone
	for _, d := range []struct {
		serial string
		kind   DeviceKind
	}{{"C02LAPTOP01", Laptop}, {"IMEI35000001", Phone}, {"C02LAPTOP02", Laptop}} {
		if _, err := s.RegisterKind(ctx, d.serial, "model", d.kind, "", desk); err != nil {
			t.Fatal(err)
		}
	}
	v, err := s.OpenVisit(ctx, VisitInput{Official: chair, Topic: "new-device"}, desk)
	if err != nil || v.State != VisitOpen {
		t.Fatalf("open: %+v %v", v, err)
	}
	if w, ok := v.Waiting(); !ok || w > time.Second {
		t.Fatalf("a visit opened at once waited %v", w)
	}
	in := desk
	in.Visit = v.ID
	for _, serial := range []string{"C02LAPTOP01", "IMEI35000001"} {
		card, err := s.Issue(ctx, serial, chair, Request{}, in)
		if err != nil || card.Receipt != nil {
			t.Fatalf("issue %s in a visit: receipt %+v, %v", serial, card.Receipt, err)
		}
	}
	// A third, issued by mistake and undone: not on the receipt.
	if _, err := s.Return(ctx, "C02LAPTOP01", ReturnLeaving, in); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Undo(ctx, "C02LAPTOP01", in); err != nil {
		t.Fatal(err)
	}
	v, rec, err := s.CloseVisit(ctx, v.ID, VisitInput{Outcome: Solved}, desk)
	if err != nil || rec == nil {
		t.Fatalf("close: %v %v", rec, err)
	}
	if string(rec.Content) != `{"lines":"D:C02LAPTOP01 D:IMEI35000001"}` || rec.Kind != "V" || rec.Serial != v.ID {
		t.Fatalf("the visit's receipt: %s %+v", rec.Content, rec)
	}
	if len(v.Devices) != 3 {
		t.Fatalf("the visit links %d steps, want the two issues and the return", len(v.Devices))
	}
	for _, serial := range []string{"C02LAPTOP01", "IMEI35000001"} {
		recs, _ := s.ReceiptsOf(ctx, serial)
		if len(recs) != 1 || recs[0].Number != rec.Number {
			t.Fatalf("%s's receipts: %+v", serial, recs)
		}
	}
	// Out of a visit, steps make their own receipts as before.
	card, err := s.Issue(ctx, "C02LAPTOP02", "nils.nilsson@ockero.se", Request{}, desk)
	if err != nil || card.Receipt == nil {
		t.Fatalf("issue outside a visit: %+v %v", card.Receipt, err)
	}
	// A visit with no such step closes without a receipt.
	w, _ := s.OpenVisit(ctx, VisitInput{Name: "Per", Topic: "teams"}, desk)
	if _, rec, err := s.CloseVisit(ctx, w.ID, VisitInput{Outcome: Solved}, desk); err != nil || rec != nil {
		t.Fatalf("close without devices: %+v %v", rec, err)
	}
	assertRebuildKeeps(t, s)
}

// A station at a council meeting stamps its visits with it.
func TestMeetingMode(t *testing.T) {
	ctx := context.Background()
	s := ockero(t)
	refusal(t, s.SetMeeting(ctx, &Meeting{Body: " ", Day: "2026-04-20"}), RefuseNoMeetingBody)
	if err := s.SetMeeting(ctx, &Meeting{Body: "31.12", Day: "14.4.2026"}); err == nil {
		t.Fatal("a day that is not yyyy-mm-dd was taken")
	}
	// Typed in another case, the body is the roster's: one line in the
	// report with the visitors' own seats.
	if err := s.SetMeeting(ctx, &Meeting{Body: " kommunfullmaktige ", Day: "2026-04-20"}); err != nil {
		t.Fatal(err)
	}
	at, _ := s.Arrive(ctx, VisitInput{Name: "A", Topic: "teams"}, desk)
	s.SetMeeting(ctx, nil)
	office, _ := s.Arrive(ctx, VisitInput{Name: "B", Topic: "teams"}, desk)
	if at.Meeting != (Meeting{"Kommunfullmäktige", "2026-04-20"}) || office.Meeting != (Meeting{}) {
		t.Fatalf("meeting: %+v / %+v", at.Meeting, office.Meeting)
	}
	if m, _ := s.Meeting(ctx); m != nil {
		t.Fatalf("meeting mode is still on: %+v", m)
	}
	// A body the roster does not have is kept as typed.
	if err := s.SetMeeting(ctx, &Meeting{Body: "Bygdeutvalget Hönö", Day: "2026-04-21"}); err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Meeting(ctx); m == nil || m.Body != "Bygdeutvalget Hönö" {
		t.Fatalf("a body not on the roster: %+v", m)
	}
}

// The report's figures against a log made by hand: who came when, who
// waited how long, and how it ended.
func TestVisitReportFromAHandMadeLog(t *testing.T) {
	ctx := context.Background()
	s := ockero(t)
	// A day after the roster's import: the log's clock never goes back.
	clock := time.Date(2026, 4, 20, 8, 0, 0, 0, time.Local)
	s.SetClock(func() time.Time { return clock })
	at := func(hhmm string) {
		h, _ := strconv.Atoi(hhmm[:2])
		m, _ := strconv.Atoi(hhmm[3:])
		clock = time.Date(2026, 4, 20, h, m, 0, 0, time.Local)
	}
	arrive := func(hhmm string, in VisitInput) Visit {
		at(hhmm)
		v, err := s.Arrive(ctx, in, desk)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	call := func(hhmm string, v Visit) {
		at(hhmm)
		if _, err := s.CallVisit(ctx, v.ID, desk); err != nil {
			t.Fatal(err)
		}
	}
	closeAs := func(hhmm string, v Visit, in VisitInput) {
		at(hhmm)
		if _, _, err := s.CloseVisit(ctx, v.ID, in, desk); err != nil {
			t.Fatal(err)
		}
	}
	// 08:00 Nils (Teams): waits 10, helped 5, solved.
	// 08:05 Lena (agenda): waits 15, helped 20, escalated.
	// 09:10 Per, not on the roster (password): waits 2, helped 3, training.
	// 09:20 Åse (teams): leaves after 30 without being served.
	// At the council meeting, 18:00 Nils again (teams): waits 0, helped 10.
	nils := arrive("08:00", VisitInput{Official: "nils.nilsson@ockero.se", Topic: "teams"})
	lena := arrive("08:05", VisitInput{Official: "lena.larsson@ockero.se", Topic: "agenda"})
	call("08:10", nils)
	closeAs("08:15", nils, VisitInput{Outcome: Solved})
	call("08:20", lena)
	closeAs("08:40", lena, VisitInput{Outcome: Escalated, Ticket: "INC1"})
	per := arrive("09:10", VisitInput{Name: "Per Ås", Topic: "password"})
	call("09:12", per)
	closeAs("09:15", per, VisitInput{Outcome: Training, What: "passord", For: "Per"})
	ase := arrive("09:20", VisitInput{Name: "Åse", Topic: "teams"})
	closeAs("09:50", ase, VisitInput{Outcome: Left})
	s.SetMeeting(ctx, &Meeting{Body: "Kommunfullmäktige", Day: "2026-04-20"})
	at("18:00")
	again, _ := s.OpenVisit(ctx, VisitInput{Official: "nils.nilsson@ockero.se", Topic: "teams"}, desk)
	closeAs("18:10", again, VisitInput{Outcome: Solved})
	// Another day, outside the span asked for.
	clock = time.Date(2026, 4, 21, 10, 0, 0, 0, time.Local)
	s.Arrive(ctx, VisitInput{Name: "Later", Topic: "teams"}, desk)

	day := time.Date(2026, 4, 20, 0, 0, 0, 0, time.Local)
	r, err := s.VisitReport(ctx, day, day.AddDate(0, 0, 1), time.Local)
	if err != nil {
		t.Fatal(err)
	}
	if r.Visits != 5 || r.Served != 4 || r.Left != 1 || r.OfficeHours != 4 {
		t.Fatalf("visits %d served %d left %d office hours %d", r.Visits, r.Served, r.Left, r.OfficeHours)
	}
	if !slices.Equal(r.ByDay, []Tally{{"2026-04-20", 5}}) {
		t.Errorf("by day: %+v", r.ByDay)
	}
	if r.ByHour[8] != 2 || r.ByHour[9] != 2 || r.ByHour[18] != 1 {
		t.Errorf("by hour: %v", r.ByHour)
	}
	if !slices.Equal(r.ByTopic, []Tally{{"teams", 3}, {"agenda", 1}, {"password", 1}}) {
		t.Errorf("by topic: %+v", r.ByTopic)
	}
	if !slices.Equal(r.ByOutcome, []Tally{{"solved", 2}, {"escalated", 1}, {"training", 1}, {"left", 1}}) {
		t.Errorf("by outcome: %+v", r.ByOutcome)
	}
	if !slices.Equal(r.AtMeetings, []Tally{{"Kommunfullmäktige 2026-04-20", 1}}) {
		t.Errorf("at meetings: %+v", r.AtMeetings)
	}
	// Waits 0, 2, 10, 15 minutes: median (nearest rank, 2nd of 4) 2, p90 (4th) 15.
	if want := (Spread{N: 4, Median: 2 * time.Minute, P90: 15 * time.Minute}); r.Waiting != want {
		t.Errorf("waiting: %+v, want %+v", r.Waiting, want)
	}
	// Handling 3, 5, 10, 20: median 5, p90 20.
	if want := (Spread{N: 4, Median: 5 * time.Minute, P90: 20 * time.Minute}); r.Handling != want {
		t.Errorf("handling: %+v, want %+v", r.Handling, want)
	}
	if len(r.FollowUps) != 2 || r.FollowUps[0].Ticket != "INC1" || r.FollowUps[1].TrainingWhat != "passord" {
		t.Errorf("follow-ups: %+v", r.FollowUps)
	}
	// The list of Öckerö has no municipality column; bodies are the
	// officials' first seats, or the meeting's.
	if !slices.Equal(r.ByMunicipality, []Tally{{"", 5}}) {
		t.Errorf("by municipality: %+v", r.ByMunicipality)
	}
	if !slices.Equal(r.ByBody, []Tally{{"", 2}, {"Bygg- och miljönämnden", 1}, {"Kommunfullmäktige", 1}, {"Socialnämnden", 1}}) {
		t.Errorf("by body: %+v", r.ByBody)
	}
	// Where the roster names a municipality, the report counts by it.
	where := &Visitor{Municipality: map[string]string{"nils.nilsson@ockero.se": "Öckerö"}, Body: map[string]string{}}
	vs, _ := s.Visits(ctx, day, day.AddDate(0, 0, 1))
	if got := CountVisits(vs, where, time.Local).ByMunicipality; !slices.Equal(got, []Tally{{"", 3}, {"Öckerö", 2}}) {
		t.Errorf("by municipality with one: %+v", got)
	}
}

// The topics file: a good one is read in order, a bad one is refused whole
// with every bad line named.
func TestTopicsFile(t *testing.T) {
	ts, err := ParseTopics(strings.NewReader("\ufeff# ours\nteams\nvpn ; VPN og fjerntilgang\nother\n"), "topics.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(ts.List) != 3 || ts.List[1] != (Topic{"vpn", "VPN og fjerntilgang"}) || !ts.Has("other") || ts.Has("login") {
		t.Fatalf("topics: %+v", ts.List)
	}
	_, err = ParseTopics(strings.NewReader("teams\nVPN ; vpn\nteams\nprinter\nok ; a\x1b[31mred\n"), "topics.txt")
	var es RulesErrors
	if !errors.As(err, &es) || len(es) != 4 {
		t.Fatalf("want four bad lines, got %v", err)
	}
	for i, line := range []int{2, 3, 4, 5} {
		if !strings.HasPrefix(es[i].Error(), fmt.Sprintf("topics.txt:%d: ", line)) {
			t.Errorf("error %d: %v", i, es[i])
		}
	}
	if _, err := ParseTopics(strings.NewReader("# nothing\n"), "empty.txt"); err == nil {
		t.Fatal("a file with no topic was taken")
	}
	if def := defaultTopics(); !slices.EqualFunc(def.List, BuiltinTopics, func(tp Topic, code string) bool { return tp.Code == code }) {
		t.Fatalf("the default topics are not the built-in ones: %+v", def.List)
	}
}

func FuzzParseTopics(f *testing.F) {
	f.Add(DefaultTopics)
	f.Add("a ; b\nb;\n;;\n\x00")
	f.Fuzz(func(t *testing.T, text string) {
		ts, err := ParseTopics(strings.NewReader(text), "f")
		if err != nil {
			return
		}
		for _, tp := range ts.List {
			if !topicCode.MatchString(tp.Code) || strings.ContainsFunc(tp.Words, isControl) {
				t.Fatalf("took %+v", tp)
			}
		}
	})
}

// TestKilledMidQueue: every acknowledged arrival and call is there after
// kills, and the queue keeps arrival order.
func TestKilledMidQueue(t *testing.T) {
	crashTest(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "crash.db")
	arrived, called := map[string]bool{}, map[string]bool{}
	kills := killLoop(t, path, "queue", 300*time.Millisecond, func() []string { return nil }, func(what string) {
		kind, n, _ := strings.Cut(what, " ")
		if kind == "arrived" {
			arrived[n] = true
		} else {
			called[n] = true
		}
	})
	s := reopen(t, path, kills)
	vs, err := s.Visits(ctx, time.Time{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]VisitState{}
	for _, v := range vs {
		state[strings.TrimPrefix(v.Name, "Visitor ")] = v.State
	}
	for n := range arrived {
		if state[n] == "" {
			t.Fatalf("visitor %s was acknowledged in the queue but is gone", n)
		}
	}
	for n := range called {
		if state[n] != VisitOpen {
			t.Fatalf("visitor %s was acknowledged called but is %q", n, state[n])
		}
	}
	q := queueNames(t, s)
	if !slices.IsSorted(q) {
		t.Fatalf("the queue lost its order: %q", q)
	}
	if len(arrived) < kills {
		t.Fatalf("only %d arrivals acknowledged in %d rounds", len(arrived), kills)
	}
	t.Logf("%d kills, %d arrivals and %d calls acknowledged, all present", kills, len(arrived), len(called))
}

// New equipment into stock, a tablet for the next term as well as a
// laptop: no hand-in, no receipt, in stock from the start, and never on
// the upgrade ladder or the chase list.
func TestIntoStock(t *testing.T) {
	ctx := context.Background()
	s := ockero(t)
	s.SetReceipter(visitReceipter{})
	for _, d := range []struct {
		serial string
		kind   DeviceKind
	}{{"TABNEXT0001", Tablet}, {"C02NEXT0001", Laptop}} {
		card, err := s.RegisterStock(ctx, d.serial, "new", d.kind, desk)
		if err != nil || card.Receipt != nil {
			t.Fatalf("%s into stock: receipt %+v, %v", d.serial, card.Receipt, err)
		}
		if dv := card.Device; dv.Status != Lifecycle || dv.Custody != InStock || dv.ReceivedAt != 0 {
			t.Fatalf("%s: %+v", d.serial, dv)
		}
		if _, ok := NextStep(card.Device); ok {
			t.Fatalf("%s in stock is offered a step on the ladder", d.serial)
		}
		_, err = s.Step(ctx, d.serial, KindReceived, Input{}, desk)
		refusal(t, err, RefuseNotTablet)
	}
	// It is issued like any equipment.
	if card, err := s.Issue(ctx, "TABNEXT0001", "marta.jonsson@ockero.se", Request{}, desk); err != nil || card.Device.Custody != Issued {
		t.Fatalf("issue the stock tablet: %+v %v", card.Device, err)
	}
	assertRebuildKeeps(t, s)
}
