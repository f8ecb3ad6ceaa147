package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dropin/scan"
)

func scanLines(t *testing.T) []string {
	data, err := os.ReadFile("testdata/scans-batch1.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestBatchFromTheSampleScans(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "Kommunestyret, samlet inn 2. april", ITDate: "4. april"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	reads, err := s.ReadBatch(ctx, b.ID, scanLines(t), desk)
	if err != nil {
		t.Fatal(err)
	}
	if len(reads) != 72 {
		t.Fatalf("%d reads recorded, want 72", len(reads))
	}
	b, _ = s.Batch(ctx, b.ID)
	if b.New != 67 || b.Duplicates != 3 || b.Unknown != 1 || b.Invalid != 1 || b.Scanned() != 68 {
		t.Fatalf("counts: new %d duplicates %d unknown %d invalid %d", b.New, b.Duplicates, b.Unknown, b.Invalid)
	}
	for _, r := range reads {
		switch r.Class {
		case ReadInvalid:
			if r.Raw != "356NF" || r.Reason == 0 {
				t.Errorf("the truncated read: %+v", r)
			}
		case ReadUnknown:
			if r.Serial != "2HHQPVS88F" {
				t.Errorf("the unknown tablet: %+v", r)
			}
		}
	}
	// A misread is refused, not matched to a similar serial.
	if card, _ := s.Card(ctx, "356NF6XZZF"); card.Device.Status != Received {
		t.Fatalf("356NF6XZZF was read in full earlier and is received: %s", card.Device.Status)
	}
	// Lower-case reads are the same tablets.
	if card, _ := s.Card(ctx, "VF7QNXKXVZZJ"); card.Device.Status != Received {
		t.Fatalf("a lower-case read: %s", card.Device.Status)
	}
	if card, _ := s.Card(ctx, "2HHQPVS88F"); !card.Device.Known || card.Device.Status != Received || card.Device.OfficialID != "" {
		t.Fatalf("an unknown tablet is registered, received, with no official: %+v", card.Device)
	}
	members, _ := s.Members(ctx, b.ID)
	if len(members) != 68 {
		t.Fatalf("%d members", len(members))
	}
	missing, _ := s.Missing(ctx, b)
	if len(missing) != 96-67-13+11 { // registered, read, on the employees' track and not read
		t.Fatalf("%d still missing", len(missing))
	}
}

func TestUndoLastRead(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	b, _ := s.OpenBatch(ctx, BatchSpec{Name: "Formannskapet", Body: "Formannskapet"}, desk)
	s.ReadBatch(ctx, b.ID, []string{"R52NXYGSKYS", "YT3GQQTZJ8GY"}, desk) // the second is an employee's
	r, err := s.UndoRead(ctx, b.ID, desk)
	if err != nil || r.Serial != "YT3GQQTZJ8GY" {
		t.Fatalf("undo: %+v %v", r, err)
	}
	if card, _ := s.Card(ctx, "YT3GQQTZJ8GY"); card.Device.Status != EmployeeTrack {
		t.Fatalf("undoing the read puts the tablet back where it was: %s", card.Device.Status)
	}
	s.UndoRead(ctx, b.ID, desk)
	if card, _ := s.Card(ctx, "R52NXYGSKYS"); card.Device.Status != Expected {
		t.Fatalf("R52NXYGSKYS: %s", card.Device.Status)
	}
	if _, err := s.UndoRead(ctx, b.ID, desk); !errors.Is(err, ErrNothingRead) {
		t.Fatalf("undo with nothing left: %v", err)
	}
	b, _ = s.Batch(ctx, b.ID)
	if b.Scanned() != 0 {
		t.Fatalf("scanned %d after undoing everything", b.Scanned())
	}
	// Read again after an undo: new, not a duplicate.
	reads, _ := s.ReadBatch(ctx, b.ID, []string{"R52NXYGSKYS"}, desk)
	if reads[0].Class != ReadNew {
		t.Fatalf("re-read after undo: %s", reads[0].Class)
	}
}

func TestBulkSteps(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	b, _ := s.OpenBatch(ctx, BatchSpec{Name: "KS"}, desk)
	s.ReadBatch(ctx, b.ID, scanLines(t), desk)
	s.Step(ctx, "VK2Q7GKCTT", KindUpgrading, Input{}, desk) // one went ahead at the desk
	res, err := s.SentToIT(ctx, b.ID, desk)
	if err != nil || res.Moved != 67 || len(res.Skipped) != 1 {
		t.Fatalf("sent to IT: %+v %v", res, err)
	}
	if _, err := s.Upgraded(ctx, b.ID, map[string]string{"NOTINBATCH1": "x"}, desk); !errors.Is(err, ErrNotInBatch) {
		t.Fatalf("an exception outside the batch must be refused: %v", err)
	}
	except := map[string]string{"938ZPVF2HB": "skjerm knust", "VF7QNXKXVZZJ": "starter ikke", "2HHQPVS88F": "ukjent modell"}
	res, err = s.Upgraded(ctx, b.ID, except, desk)
	if err != nil || res.Moved != 65 || res.Failed != 3 {
		t.Fatalf("upgraded except three: %+v %v", res, err)
	}
	card, _ := s.Card(ctx, "938ZPVF2HB")
	if card.Device.Status != Failed || card.Device.FailureReason != "skjerm knust" {
		t.Fatalf("%+v", card.Device)
	}
	// The bulk steps are the same events a desk makes.
	kinds := []Kind{}
	for _, e := range card.Timeline {
		kinds = append(kinds, e.Kind)
	}
	if got := strings.Join(toStrings(kinds), " "); got != "registered received upgrading failed" {
		t.Fatalf("timeline: %s", got)
	}
	if err := s.CloseBatch(ctx, b.ID, desk); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadBatch(ctx, b.ID, []string{"R52NXYGSKYS"}, desk); !errors.Is(err, ErrBatchClosed) {
		t.Fatalf("a closed batch takes no reads: %v", err)
	}
	before := dumpDevices(t, s.write)
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if after := dumpDevices(t, s.write); len(after) != len(before) {
		t.Fatal("rebuild lost tablets")
	}
	b2, _ := s.Batch(ctx, b.ID)
	if !b2.Closed || b2.New != 67 || b2.Duplicates != 3 {
		t.Fatalf("batch after rebuild: %+v", b2)
	}
}

func toStrings(ks []Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = string(k)
	}
	return out
}

// A cut-off read of a known serial is refused as a misread, with the
// serial it most likely is, at the desk and in a batch: it never becomes a
// phantom tablet that is then sent to IT and marked upgraded.
func TestACutOffReadIsNoNewTablet(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "cut"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	reads, err := s.ReadBatch(ctx, b.ID, []string{
		"R52NJV5C",   // the beginning of R52NJV5CC01
		"R52XQ7T2",   // shorter than every Samsung serial on the roster (11)
		"ZQX4471182", // a maker the roster has never seen: a new tablet
	}, desk)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		class  ReadClass
		serial string
	}{{ReadInvalid, "R52NJV5CC01"}, {ReadInvalid, "R52N1DDJSEL"}, {ReadUnknown, "ZQX4471182"}}
	for i, w := range want {
		r := reads[i]
		if r.Class != w.class || r.Serial != w.serial || (w.class == ReadInvalid && r.Reason != scan.ReasonCutOff) {
			t.Errorf("read %q: %+v, want %s %s", r.Raw, r, w.class, w.serial)
		}
	}
	for _, phantom := range []string{"R52NJV5C", "R52XQ7T2"} {
		if c, _ := s.Card(ctx, phantom); c.Device.Known {
			t.Errorf("the misread %s was registered", phantom)
		}
	}
	if b, _ = s.Batch(ctx, b.ID); b.Invalid != 2 || b.Unknown != 1 {
		t.Fatalf("counts: %+v", b)
	}
	stored, _ := s.Reads(ctx, b.ID, 10)
	if stored[len(stored)-1].Serial != "R52NJV5CC01" || stored[len(stored)-1].Reason != scan.ReasonCutOff {
		t.Fatalf("the stored read: %+v", stored[len(stored)-1])
	}

	_, err = s.CheckIn(ctx, "R52NJV5C", desk)
	var cut *Misread
	if !errors.As(err, &cut) || cut.Likely != "R52NJV5CC01" {
		t.Fatalf("the desk's check-in of a cut-off read: %v", err)
	}
}

// A batch for one body counts, of the reads, the tablets it expected; the
// percentage is of the expected only: other bodies' tablets and unknown
// ones are counted beside it, never as expected ones.
func TestBatchCountsOnlyTheExpected(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "Kontrollutvalget", Body: "Kontrollutvalget"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ReadBatch(ctx, b.ID, scanLines(t), desk); err != nil {
		t.Fatal(err)
	}
	b, _ = s.Batch(ctx, b.ID)
	members, _ := s.Members(ctx, b.ID)
	inBody := 0
	for _, m := range members {
		if m.Unknown {
			continue
		}
		c, _ := s.Card(ctx, m.Serial)
		for _, seat := range c.Official.Seats {
			if seat.Body == "Kontrollutvalget" {
				inBody++
				break
			}
		}
	}
	if b.Expected > 7 || b.Collected != inBody || b.Collected > b.Expected || b.Others() != b.New-inBody || b.Unknown != 1 {
		t.Fatalf("expected %d collected %d (want %d) others %d new %d unknown %d", b.Expected, b.Collected, inBody, b.Others(), b.New, b.Unknown)
	}
	if b.Others() == 0 {
		t.Fatal("the sample scans hold other bodies' tablets; the test tests nothing")
	}
	// The list counts each batch as the batch itself does, expected
	// tablets counted once per body: two batches of the body, one of all.
	b2, _ := s.OpenBatch(ctx, BatchSpec{Name: "Kontrollutvalget 2", Body: "Kontrollutvalget"}, desk)
	all, _ := s.OpenBatch(ctx, BatchSpec{Name: "Alle"}, desk)
	s.ReadBatch(ctx, all.ID, scanLines(t)[:5], desk)
	list, err := s.Batches(ctx)
	if err != nil || len(list) != 3 {
		t.Fatalf("batches: %d %v", len(list), err)
	}
	for _, got := range list {
		want, _ := s.Batch(ctx, got.ID)
		if got != want {
			t.Errorf("in the list %+v, alone %+v", got, want)
		}
	}
	if one, _ := s.Batch(ctx, b2.ID); one.Expected != b.Expected {
		t.Fatalf("two batches of one body expect %d and %d", one.Expected, b.Expected)
	}
	a, _ := s.Batch(ctx, all.ID)
	if a.Expected <= b.Expected || a.Collected == 0 {
		t.Fatalf("a batch of every body expects %d (collected %d), one body's %d", a.Expected, a.Collected, b.Expected)
	}
	// Counted its own way (every tablet on the roster read through), a
	// batch of all expects what the join of the scoped counts gives.
	var joined int
	q, args := countExpected(a)
	if err := s.read.QueryRowContext(ctx, q, args...).Scan(&joined); err != nil || a.Expected != joined {
		t.Fatalf("a batch of all expects %d, the join counts %d (%v)", a.Expected, joined, err)
	}
}

// TestALargeBatchCountsCoverageOnce: a file of reads large beside the
// desk sets the coverage triggers aside and counts once, as a large
// roster does; the desk shows what the triggers would have made.
func TestALargeBatchCountsCoverageOnce(t *testing.T) {
	ctx := context.Background()
	ros, err := ParseRoster(bytes.NewReader(BenchRoster(6000)))
	if err != nil {
		t.Fatal(err)
	}
	var raws []string
	for i := range 2500 {
		raws = append(raws, fmt.Sprintf("TAB%08d", i))
	}
	raws = append(raws, "NEW00000001", "TAB00000003")
	run := func(bulk bool) *Store {
		s := openTest(t)
		importRoster(t, s, ros, false)
		defer func(n int) { bulkRows = n }(bulkRows)
		if !bulk {
			bulkRows = math.MaxInt
		}
		b, err := s.OpenBatch(ctx, BatchSpec{Name: "KS", Body: "Kommunestyret"}, desk)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReadBatch(ctx, b.ID, raws, desk); err != nil {
			t.Fatal(err)
		}
		bulkRows = 2000
		if _, err := s.CheckIn(ctx, "TAB00002900", desk); err != nil { // the triggers are back
			t.Fatal(err)
		}
		return s
	}
	triggered, counted := run(false), run(true)
	lt, tt, _ := triggered.Coverage(ctx)
	lc, tc, _ := counted.Coverage(ctx)
	if !reflect.DeepEqual(lt, lc) || !reflect.DeepEqual(tt, tc) || tc.Collected() < 2000 {
		t.Fatalf("coverage counted once differs from the triggers':\n%+v\n%+v", tc, tt)
	}
	ct, _ := triggered.Outstanding(ctx)
	cc, _ := counted.Outstanding(ctx)
	if !reflect.DeepEqual(cc, ct) {
		t.Fatalf("the chase list counted once (%d) differs from the triggers' (%d)", len(cc), len(ct))
	}
	assertRebuildKeeps(t, counted)
}

// A file of reads is written many rows to a statement; every read still
// sees the ones before it: a new tablet read in full and then cut off in
// the same file is a misread of it, not a second new tablet, and a serial
// read twice is a duplicate. What the reads project equals a rebuild. A
// later file knows what the batch took in, less what was undone.
func TestAReadSeesTheReadsBeforeItInTheSameFile(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "samme fil"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	// A tablet on the roster; one of a maker the roster has never seen (a
	// new tablet), then its cut-off read, its second read, and more new
	// tablets than a statement's rows.
	raws := []string{"R52NJV5CC01", "ZQX4471182", "ZQX44711", "zqx4471182"}
	for i := range 100 {
		raws = append(raws, fmt.Sprintf("ZZY%07d", i))
	}
	reads, err := s.ReadBatch(ctx, b.ID, raws, desk)
	if err != nil {
		t.Fatal(err)
	}
	if r := reads[2]; r.Class != ReadInvalid || r.Serial != "ZQX4471182" || r.Reason != scan.ReasonCutOff {
		t.Errorf("the cut-off read of a tablet new in this file: %+v", r)
	}
	if r := reads[3]; r.Class != ReadDuplicate {
		t.Errorf("the second full read: %+v", r)
	}
	if c, _ := s.Card(ctx, "ZQX44711"); c.Device.Known {
		t.Error("the misread was registered")
	}
	if b, _ = s.Batch(ctx, b.ID); b.Unknown != 101 || b.Invalid != 1 || b.Duplicates != 1 {
		t.Fatalf("counts: %+v", b)
	}
	// The next file knows what the batch took in before it; an undone
	// read took nothing in.
	if _, err := s.UndoRead(ctx, b.ID, desk); err != nil { // the last ZZY read
		t.Fatal(err)
	}
	again, err := s.ReadBatch(ctx, b.ID, []string{"ZQX4471182", "ZZY0000099", "ZZY0000099"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	if again[0].Class != ReadDuplicate || again[1].Class == ReadDuplicate || again[2].Class != ReadDuplicate {
		t.Fatalf("reads after an earlier file and an undo: %+v", again)
	}
	assertRebuildKeeps(t, s)
}

// A joint council's roster holds a Kommunestyret for each municipality: a
// batch of one municipality's council expects and chases only its
// officials. The municipality and body are found as a search finds names
// and kept as the roster spells them; one the roster does not have is
// refused with what it has, and nothing is opened. A rebuild gives the
// same batch.
func TestABatchOfOneMunicipality(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	importRoster(t, s, parseFile(t, "roster-verdal-cp1252.csv"), false)
	both, err := s.OpenBatch(ctx, BatchSpec{Name: "Begge", Body: "Kommunestyret"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	one, err := s.OpenBatch(ctx, BatchSpec{Name: "Levanger", Municipality: " levanger ", Body: "KOMMUNESTYRET"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	if one.Municipality != "Levanger" || one.Body != "Kommunestyret" || one.Scope() != "Levanger · Kommunestyret" {
		t.Fatalf("kept as %q %q", one.Municipality, one.Body)
	}
	var levanger, verdal int
	for _, q := range []struct {
		mun string
		n   *int
	}{{"Levanger", &levanger}, {"Verdal", &verdal}} {
		err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM devices d JOIN officials o ON o.id = d.official_id
WHERE o.municipality = ? AND d.status != 'employee-track' AND EXISTS (SELECT 1 FROM seats s WHERE s.official_id = o.id AND s.body = 'Kommunestyret')`, q.mun).Scan(q.n)
		if err != nil {
			t.Fatal(err)
		}
	}
	if levanger == 0 || verdal == 0 || one.Expected != levanger || both.Expected != levanger+verdal {
		t.Fatalf("expected %d of Levanger's (%d) and %d of both (%d)", one.Expected, levanger, both.Expected, levanger+verdal)
	}
	missing, err := s.Missing(ctx, one)
	if err != nil || len(missing) != levanger {
		t.Fatalf("missing %d, want %d (%v)", len(missing), levanger, err)
	}
	for _, c := range missing {
		if c.Municipality != "Levanger" {
			t.Fatalf("%s of %s is chased by Levanger's batch", c.Name, c.Municipality)
		}
	}

	var scope *ScopeError
	_, err = s.OpenBatch(ctx, BatchSpec{Name: "Typo", Municipality: "Levanegr"}, desk)
	if !errors.As(err, &scope) || !scope.Municipality || strings.Join(scope.Known, ",") != "Levanger,Verdal" {
		t.Fatalf("an unknown municipality: %v", err)
	}
	_, err = s.OpenBatch(ctx, BatchSpec{Name: "Typo", Municipality: "Verdal", Body: "Kontrollkomiteen"}, desk)
	if !errors.As(err, &scope) || scope.Municipality || scope.Typed != "Kontrollkomiteen" || !slices.Contains(scope.Known, "Kommunestyret") {
		t.Fatalf("a body the roster does not have there: %v", err)
	}
	if bs, _ := s.Batches(ctx); len(bs) != 2 {
		t.Fatalf("a refused batch was opened: %d batches", len(bs))
	}

	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	again, err := s.Batch(ctx, one.ID)
	if err != nil || again.Municipality != "Levanger" || again.Body != "Kommunestyret" || again.Expected != levanger {
		t.Fatalf("after a rebuild: %+v %v", again, err)
	}

	// The list counts every municipality's batches in one read: the same
	// numbers as each batch counted alone.
	for _, mun := range []string{"Verdal", "Levanger", "Verdal"} {
		b, err := s.OpenBatch(ctx, BatchSpec{Name: mun + " alle", Municipality: mun}, desk)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReadBatch(ctx, b.ID, []string{"R52NXYGSKYS"}, desk); err != nil { // Levanger's
			t.Fatal(err)
		}
	}
	list, err := s.Batches(ctx)
	if err != nil || len(list) != 5 {
		t.Fatalf("%d batches: %v", len(list), err)
	}
	for _, b := range list {
		alone, err := s.Batch(ctx, b.ID)
		if err != nil || alone.Expected != b.Expected || alone.Collected != b.Collected || alone.New != b.New {
			t.Fatalf("%s in the list: expects %d, took in %d of them; alone: %d, %d (%v)", b.Name, b.Expected, b.Collected, alone.Expected, alone.Collected, err)
		}
		if b.Municipality == "Verdal" && (b.Expected == 0 || b.Collected != 0 || b.Others() != b.New) {
			t.Fatalf("Verdal's batch counts Levanger's tablet as its own: %+v", b)
		}
	}
}

// A batch of a body in every municipality says which municipalities it
// spans once it spans more than one: a roster imported after it opened
// widens what it expects, and its title says so.
func TestABatchOfABodyNamesTheMunicipalitiesItSpans(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "KS", Body: "Kommunestyret"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	if b.Scope() != "Kommunestyret" || b.Spans != "" {
		t.Fatalf("one municipality: %q %v", b.Scope(), b.Spans)
	}
	before := b.Expected
	importRoster(t, s, parseFile(t, "roster-verdal-cp1252.csv"), false)
	b, err = s.Batch(ctx, b.ID)
	if err != nil || b.Scope() != "Kommunestyret (Levanger, Verdal)" || b.Expected <= before {
		t.Fatalf("after Verdal's roster: %q expects %d (%d before), %v", b.Scope(), b.Expected, before, err)
	}
	list, err := s.Batches(ctx)
	if err != nil || len(list) != 1 || list[0].Scope() != b.Scope() {
		t.Fatalf("the list: %+v %v", list, err)
	}
	one, err := s.OpenBatch(ctx, BatchSpec{Name: "KS Levanger", Municipality: "Levanger", Body: "Kommunestyret"}, desk)
	if err != nil || one.Scope() != "Levanger · Kommunestyret" || one.Spans != "" {
		t.Fatalf("a municipality's: %q %v", one.Scope(), err)
	}
}

// A laptop issued to an official follows the lifecycle, not the
// migration: no batch expects it, so none counts it as missing or as
// come in another way.
func TestABatchDoesNotExpectALaptop(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "forteckning-ockero.csv"), false) // no tablets on it
	if _, err := s.RegisterKind(ctx, "LAP0000001", "MacBook Air 13", Laptop, "", desk); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Issue(ctx, "LAP0000001", "lars.hagg@ockero.se", Request{}, desk); err != nil {
		t.Fatal(err)
	}
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "Alla"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	b, err = s.Batch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	missing, err := s.Missing(ctx, b)
	if err != nil || b.Expected != 0 || b.Collected != 0 || len(missing) != 0 || b.Elsewhere(len(missing)) != 0 {
		t.Fatalf("expected %d, collected %d, missing %d, elsewhere %d (%v)", b.Expected, b.Collected, len(missing), b.Elsewhere(len(missing)), err)
	}
	list, err := s.Batches(ctx)
	if err != nil || len(list) != 1 || list[0].Expected != 0 {
		t.Fatalf("in the list: %+v %v", list, err)
	}
}

// The secretariat sees whose tablet each read took in, at once and when
// the batch is opened again; a tablet of no one's, and a read refused,
// name no one.
func TestAReadNamesWhoseTabletItIs(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "Kommunestyret"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	raws := []string{"R52NXYGSKYS", "356nf6xzzf", "R52NXYGSKYS", "2HHQPVS88F", "356NF"}
	reads, err := s.ReadBatch(ctx, b.ID, raws, desk)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		class    ReadClass
		official string
	}{{ReadNew, "Øystein Aasen"}, {ReadNew, "Jan Erik Hagen"}, {ReadDuplicate, "Øystein Aasen"}, {ReadUnknown, ""}, {ReadInvalid, ""}}
	for i, w := range want {
		if reads[i].Class != w.class || reads[i].Official != w.official {
			t.Errorf("read %q: %s naming %q, want %s naming %q", raws[i], reads[i].Class, reads[i].Official, w.class, w.official)
		}
	}
	again, err := s.Reads(ctx, b.ID, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(want) {
		t.Fatalf("%d reads listed, want %d", len(again), len(want))
	}
	for i, r := range again { // newest first
		w := want[len(want)-1-i]
		if r.Class != w.class || r.Official != w.official {
			t.Errorf("listed read %q: %s naming %q, want %s naming %q", r.Raw, r.Class, r.Official, w.class, w.official)
		}
	}
	if again, _ := s.Reads(ctx, b.ID, 2); len(again) != 2 || again[0].Raw != "356NF" {
		t.Fatalf("the latest two reads: %+v", again)
	}
}
