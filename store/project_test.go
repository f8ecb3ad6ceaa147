package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
)

// randomDesk makes a few hundred random steps on a handful of tablets,
// including refused ones, failures, resolves and undos.
func randomDesk(t *testing.T, s *Store, rng *rand.Rand, steps int) {
	ctx := context.Background()
	s.PutOfficial(ctx, Official{ID: "a@levanger.kommune.no", Name: "Åse Ås", EmailPrimary: "a@levanger.kommune.no"}, desk)
	kinds := []Kind{KindReceived, KindUpgrading, KindUpgraded, KindFirstLogin, KindHandedBack, KindFailed, KindResolved, KindEmployee, KindUndo, KindUndo, KindLinked}
	for i := range steps {
		serial := fmt.Sprintf("TAB%06d", rng.IntN(12))
		by := Actor{Station: []string{"levanger-1", "verdal-1"}[rng.IntN(2)], Staff: "KN"}
		if res, _ := s.CheckIn(ctx, serial, by); res.Unknown {
			s.Register(ctx, serial, "iPad", "", by)
			continue
		}
		k := kinds[rng.IntN(len(kinds))]
		var err error
		switch k {
		case KindLinked:
			_, err = s.Link(ctx, serial, "a@levanger.kommune.no", by)
		default:
			_, err = s.Step(ctx, serial, k, Input{Reason: fmt.Sprintf("reason %d", i), Checklist: Checklist, On: rng.IntN(2) == 0}, by)
		}
		if _, refused := IsRefusal(err); err != nil && !refused {
			t.Fatal(err)
		}
	}
}

func TestRebuildEqualsIncremental(t *testing.T) {
	s := openTest(t)
	randomDesk(t, s, rand.New(rand.NewPCG(1, 2)), 600)
	before := dumpDevices(t, s.write)
	if len(before) < 10 {
		t.Fatalf("the random desk made only %d tablets", len(before))
	}
	statuses := map[Status]bool{}
	for _, d := range before {
		statuses[d.Status] = true
	}
	if len(statuses) < 4 {
		t.Fatalf("the random desk reached too few statuses to prove much: %v", statuses)
	}
	if err := s.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	after := dumpDevices(t, s.write)
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("rebuild differs from the incremental projection\nbefore %+v\nafter  %+v", before, after)
	}
	o, _ := s.Official(context.Background(), "a@levanger.kommune.no")
	if o == nil || o.Name != "Åse Ås" {
		t.Fatalf("officials not rebuilt: %+v", o)
	}
}

// TestProjectionIgnoresOrderAndDuplicates is the property sync relies on:
// the same set of events gives the same tablet, however it arrived.
func TestProjectionIgnoresOrderAndDuplicates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	randomDesk(t, s, rand.New(rand.NewPCG(3, 4)), 400)
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 12 {
		serial := fmt.Sprintf("TAB%06d", i)
		evs, err := subjectEvents(ctx, s.read, serial)
		if err != nil || len(evs) == 0 {
			continue
		}
		want := mustProject(t, serial, evs)
		for range 20 {
			shuffled := append([]Event{}, evs...)
			shuffled = append(shuffled, evs[rng.IntN(len(evs))]) // a duplicate delivery
			rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
			if got := mustProject(t, serial, shuffled); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: order changed the state\n got %+v\nwant %+v", serial, got, want)
			}
		}
	}
}

// A desk with a stale view records "upgrading" after another desk's
// "upgraded": the highest step wins, whatever the clocks say.
func TestHighestStepWins(t *testing.T) {
	mk := func(id string, hlc HLC, station string, k Kind) Event {
		return Event{ID: id, HLC: hlc, Station: station, Kind: k, Subject: "SN42XYZ", Cycle: 1, Payload: []byte(`{"v":1}`)}
	}
	evs := []Event{
		mk("1", 1<<16, "a", KindRegistered),
		mk("2", 2<<16, "a", KindReceived),
		mk("3", 3<<16, "a", KindUpgrading),
		mk("4", 4<<16, "a", KindUpgraded),
		mk("5", 9<<16, "b", KindUpgrading), // b's clock is fast and its view stale
	}
	if d := mustProject(t, "SN42XYZ", evs); d.Status != Upgraded {
		t.Fatalf("status %s, want upgraded", d.Status)
	}
}

func TestTodayAndRecent(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	for i := range 3 {
		s.Register(ctx, fmt.Sprintf("TODAY%04d", i), "iPad", "", desk)
	}
	s.Step(ctx, "TODAY0000", KindUpgrading, Input{}, desk)
	s.Step(ctx, "TODAY0001", KindUpgrading, Input{}, desk)
	s.Undo(ctx, "TODAY0001", desk)
	s.Register(ctx, "OTHER0001", "iPad", "", Actor{Station: "verdal-1", Staff: "OB"})
	day := s.now()
	c, err := s.Today(ctx, "skranke-1", day)
	if err != nil {
		t.Fatal(err)
	}
	if c[KindReceived] != 3 || c[KindUpgrading] != 1 {
		t.Fatalf("today = %v, want 3 received and 1 upgrading (the undone one not counted)", c)
	}
	if c, _ := s.Today(ctx, "skranke-1", day.AddDate(0, 0, 1)); len(c) != 0 {
		t.Fatalf("tomorrow nothing happened yet, got %v", c)
	}
	acts, err := s.Recent(ctx, "skranke-1", 4)
	if err != nil || len(acts) != 4 {
		t.Fatalf("recent: %v %v", acts, err)
	}
	if acts[0].Kind != KindUndo || acts[1].Kind != KindUpgrading || !acts[1].Undone || acts[1].Serial != "TODAY0001" {
		t.Fatalf("recent, newest first: %+v", acts[:2])
	}
	for _, a := range acts {
		if a.Serial == "OTHER0001" {
			t.Fatal("another station's activity must not show")
		}
	}
}

func TestDevicesExportRows(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.PutOfficial(ctx, Official{ID: "b@verdal.kommune.no", Name: "Bjørn Bø", EmailPrimary: "b@verdal.kommune.no"}, desk)
	s.Register(ctx, "ZZZ000001", "Galaxy", "b@verdal.kommune.no", desk)
	s.Register(ctx, "AAA000001", "iPad", "", desk)
	var rows []DeviceRow
	s.Devices(ctx, func(r DeviceRow) error { rows = append(rows, r); return nil })
	if len(rows) != 2 || rows[0].Serial != "AAA000001" || rows[1].Official != "Bjørn Bø" || rows[1].Status != Received {
		t.Fatalf("rows = %+v", rows)
	}
}

func mustProject(t *testing.T, serial string, evs []Event) Device {
	t.Helper()
	d, err := projectDevice(serial, evs)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// Every kind of event has its payload type, so an event from outside is
// checked against it before it enters the log.
func TestEveryKindHasItsPayloadType(t *testing.T) {
	for _, k := range Kinds {
		if _, ok := payloadTypes[k]; !ok {
			t.Errorf("kind %s has no payload type", k)
		}
	}
}

// A payload that does not read as its kind's is an error that names the
// event, never a tablet projected from zero values.
func TestAPayloadThatDoesNotReadIsAnError(t *testing.T) {
	evs := []Event{{ID: "e1", HLC: 1 << 16, Station: "skranke-9", Kind: KindRegistered, Subject: "SN42XYZ", Cycle: 1,
		Payload: []byte(`{"v":1,"model":42}`)}}
	_, err := projectDevice("SN42XYZ", evs)
	if !errors.Is(err, ErrBadPayload) || !strings.Contains(err.Error(), "e1 (registered, from skranke-9)") {
		t.Fatalf("got %v, want ErrBadPayload naming the event", err)
	}
	if _, err := detail(evs[0]); !errors.Is(err, ErrBadPayload) {
		t.Fatalf("timeline detail: got %v", err)
	}
}

// TestStepsMoveCoverageAsARecountCountsIt: the coverage the triggers keep
// step by step (statuses, and tablets moved between officials of other
// municipalities and bodies) is what a rebuild counts again from the
// tablets.
func TestStepsMoveCoverageAsARecountCountsIt(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ros, err := ParseRoster(bytes.NewReader(BenchRoster(200))) // 100 officials in 40 municipalities, a tablet each, two seats
	if err != nil {
		t.Fatal(err)
	}
	importRoster(t, s, ros, false)
	rng := rand.New(rand.NewPCG(7, 8))
	kinds := []Kind{KindUpgrading, KindUpgraded, KindFirstLogin, KindHandedBack, KindFailed, KindResolved, KindEmployee, KindUndo, KindLinked, KindLinked}
	for range 800 {
		serial := fmt.Sprintf("TAB%08d", rng.IntN(30))
		if _, err := s.CheckIn(ctx, serial, desk); err != nil {
			t.Fatal(err)
		}
		var err error
		switch k := kinds[rng.IntN(len(kinds))]; k {
		case KindUndo:
			_, err = s.Undo(ctx, serial, desk)
		case KindLinked:
			p := rng.IntN(100)
			_, err = s.Link(ctx, serial, fmt.Sprintf("person%d@kommune%d.no", p, p%40), desk)
		default:
			_, err = s.Step(ctx, serial, k, Input{Reason: "skjermen", Checklist: Checklist, On: rng.IntN(2) == 0}, desk)
		}
		if _, refused := IsRefusal(err); err != nil && !refused {
			t.Fatal(err)
		}
	}
	lines := func() []string {
		out, err := queryStrings(ctx, s.read, `SELECT municipality || '/' || body || '/' || status || ' ' || n FROM coverage WHERE n <> 0 ORDER BY municipality, body, status`)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	kept := lines()
	bodies := 0
	for _, l := range kept {
		if !strings.Contains(l, "// ") && !strings.HasPrefix(l, "/") {
			bodies++
		}
	}
	if len(kept) < 100 || bodies < 40 {
		t.Fatalf("the steps reached too few lines to prove much: %d (%d of bodies)", len(kept), bodies)
	}
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if counted := lines(); !reflect.DeepEqual(kept, counted) {
		t.Fatalf("coverage kept by the triggers differs from a recount:\nkept    %v\ncounted %v", kept, counted)
	}
}

// A rebuild lets the heap grow while it runs and puts the collector's
// setting back when it ends, also when two overlap; a GOGC set off stays
// off.
func TestARebuildPutsTheCollectorBack(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	s := openTest(t)
	randomDesk(t, s, rand.New(rand.NewPCG(1, 2)), 50)
	if err := s.Rebuild(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("after a rebuild the collector is at %d %%, want 100", got)
	}
	first, second := relaxGC(), relaxGC()
	if got := debug.SetGCPercent(bulkGCPercent); got != bulkGCPercent {
		t.Fatalf("during a rebuild the collector is at %d %%", got)
	}
	first()
	first() // once only
	if got := debug.SetGCPercent(bulkGCPercent); got != bulkGCPercent {
		t.Fatalf("with one rebuild still running the collector is at %d %%", got)
	}
	second()
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Fatalf("after both the collector is at %d %%, want 100", got)
	}
	relaxGC()()
	if got := debug.SetGCPercent(100); got != -1 {
		t.Fatalf("a collector set off was turned to %d %%", got)
	}
}

// The rebuild's readers split the log by subject: every subject comes
// once, with all its events, wherever the split falls.
func TestTheLogsReadersSendEverySubjectOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	randomDesk(t, s, rand.New(rand.NewPCG(9, 10)), 300)
	bounds, err := s.subjectBounds(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(bounds) != logReaders+1 {
		t.Fatalf("the log split into %v", bounds)
	}
	want := map[string]int{}
	if err := eachRow(ctx, s.read, func(row scanFunc) error {
		var subject string
		var n int
		err := row(&subject, &n)
		want[subject] = n
		return err
	}, `SELECT subject, count(*) FROM events GROUP BY subject`); err != nil {
		t.Fatal(err)
	}
	works, done := s.subjectWorks(ctx)
	got := map[string]int{}
	for w := range works {
		if _, twice := got[w.subject]; twice {
			t.Errorf("%s came twice", w.subject)
		}
		got[w.subject] = len(w.evs)
	}
	if err := done(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("subjects and their events read:\n%v\nwant\n%v", got, want)
	}
}

// A desk's recent activity names what each step was about in words: a
// visit by who came, a batch by its name (and a read by its serial and
// official), an approval by the official; never the id a visit's or a
// batch's events are kept under, and the record that ties a device's step
// to a visit is not listed beside the step.
func TestRecentNamesVisitsBatchesAndApprovals(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	kari := Official{ID: "kari@x.no", Name: "Kari Nordmann", EmailPrimary: "kari@x.no", Seats: []Seat{{Body: "Kommunestyret"}}}
	if err := s.PutOfficial(ctx, kari, desk); err != nil {
		t.Fatal(err)
	}
	s.Register(ctx, "KARI00001", "iPad", kari.ID, desk)
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "Kommunestyret april"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadBatch(ctx, b.ID, []string{"KARI00001", "KARI00001", "K1\x1b[2J"}, desk); err != nil {
		t.Fatal(err)
	}
	v, err := s.OpenVisit(ctx, VisitInput{Name: "Per Ås", Topic: "teams"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Step(ctx, "KARI00001", KindUpgrading, Input{}, Actor{Station: desk.Station, Staff: desk.Staff, Visit: v.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Approve(ctx, kari.ID, "Kommunestyret", "Ordfører", true, desk); err != nil {
		t.Fatal(err)
	}
	acts, err := s.Recent(ctx, desk.Station, 20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range acts {
		got = append(got, fmt.Sprintf("%s|%s|%s|%s|%s|%q", a.Kind, a.Serial, a.Official, a.Batch, a.Read, a.Raw))
		if strings.Contains(a.Serial, ":") {
			t.Errorf("%s names its subject's id %q", a.Kind, a.Serial)
		}
	}
	// The second read and the garbled one say what they were: a read
	// twice, and a refusal with what the scanner typed (the screen cleans
	// it), never a device.
	want := []string{
		`approved||Kari Nordmann|||""`,
		`upgrading|KARI00001|Kari Nordmann|||""`,
		`visit-called||Per Ås|||""`,
		`visit-arrived||Per Ås|||""`,
		`batch-read|||Kommunestyret april|invalid|"K1\x1b[2J"`,
		`batch-read|KARI00001|Kari Nordmann|Kommunestyret april|duplicate|""`,
		`batch-read|KARI00001|Kari Nordmann|Kommunestyret april|new|""`,
		`batch-opened|||Kommunestyret april||""`,
		`received|KARI00001|Kari Nordmann|||""`,
		`registered|KARI00001|Kari Nordmann|||""`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("recent:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
