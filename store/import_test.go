package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"

	"dropin/scan"
)

func parseFile(t *testing.T, name string) *Roster {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ros, err := ParseRoster(f)
	if err != nil {
		t.Fatal(err)
	}
	return ros
}

func parseString(t *testing.T, s string) *Roster {
	t.Helper()
	ros, err := ParseRoster(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return ros
}

func importRoster(t *testing.T, s *Store, ros *Roster, dry bool) *ImportReport {
	t.Helper()
	rep, err := s.Import(context.Background(), ros, desk, dry)
	if err != nil {
		t.Fatalf("import: %v (errors %v)", err, ros.Errors)
	}
	return rep
}

func countEvents(t *testing.T, s *Store) int {
	var n int
	s.write.QueryRow(`SELECT count(*) FROM events`).Scan(&n)
	return n
}

func TestImportLevanger(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ros := parseFile(t, "roster-levanger.csv")
	if ros.Encoding != UTF8BOM || ros.Comma != ';' || ros.Rows != 121 || len(ros.Errors) != 0 {
		t.Fatalf("parsed: enc %s comma %q rows %d errors %v", ros.Encoding, ros.Comma, ros.Rows, ros.Errors)
	}
	rep := importRoster(t, s, ros, false)
	// 121 seats, 112 people (9 sit in two bodies), 96 registered tablets,
	// 13 of them held by municipal employees.
	if len(rep.New) != 112 || rep.NewTablets != 96 || rep.ToEmployee != 13 {
		t.Fatalf("report: new %d tablets %d employee %d", len(rep.New), rep.NewTablets, rep.ToEmployee)
	}
	o, _ := s.Official(ctx, "leif.holmli@levanger.kommune.no")
	if o == nil || len(o.Seats) != 2 {
		t.Fatalf("a person with two seats is one official with two bodies: %+v", o)
	}
	card, _ := s.Card(ctx, "R52NXYGSKYS")
	if card.Device.Status != Expected || card.Official == nil || card.Official.Name != "Øystein Aasen" || card.Device.Model != "Galaxy Tab S6 Lite" {
		t.Fatalf("Øystein's tablet: %+v %+v", card.Device, card.Official)
	}
	card, _ = s.Card(ctx, "YT3GQQTZJ8GY") // Siri Lund, Ansatt i kommunen = Ja
	if card.Device.Status != EmployeeTrack {
		t.Fatalf("an employee's tablet follows the employees' track, got %s", card.Device.Status)
	}
	if res, _ := s.SearchOfficials(ctx, "oystein aasen", 5); len(res) != 1 || res[0].Name != "Øystein Aasen" {
		t.Fatalf("search \"oystein aasen\": %+v", res)
	}

	// The same file again: nothing to do, not one event.
	before := countEvents(t, s)
	rep = importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	if len(rep.New) != 0 || len(rep.Updated) != 0 || rep.Unchanged != 112 || rep.NewTablets != 0 || countEvents(t, s) != before {
		t.Fatalf("re-import: %+v, events %d -> %d", rep, before, countEvents(t, s))
	}
}

func TestImportWindows1252KeepsNordicLetters(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ros := parseFile(t, "roster-verdal-cp1252.csv")
	if ros.Encoding != Windows1252 || len(ros.Errors) != 0 {
		t.Fatalf("enc %s errors %v", ros.Encoding, ros.Errors)
	}
	importRoster(t, s, ros, false)
	o, _ := s.Official(ctx, "hege.skjaervo@verdal.kommune.no")
	if o == nil || o.Name != "Hege Skjærvø" || o.Seats[0].Body != "Kommunestyret" {
		t.Fatalf("æøå lost: %+v", o)
	}
	// Verdal beside Levanger: neither roster removes the other's officials.
	rep := importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	if len(rep.Disappeared) != 0 {
		t.Fatalf("Levanger's roster removed %d Verdal officials", len(rep.Disappeared))
	}
}

const header = "Navn;Kommune;Organ;Rolle;Primær e-post;Sekundær e-post;Mobil;Ansatt i kommunen;Nettbrett serienr;Nettbrett modell\r\n"

func TestReimportUpdatesAndReportsTheGone(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseString(t, header+
		"Kari Nordmann;Levanger;Kommunestyret;Medlem;kari@levanger.kommune.no;kari@innherred-samkommune.no;11111111;Nei;KARI00001;iPad\r\n"+
		"Ola Nordmann;Levanger;Kommunestyret;Medlem;ola@levanger.kommune.no;;22222222;Nei;OLA000001;iPad\r\n"), false)
	s.CheckIn(ctx, "KARI00001", desk)
	s.Step(ctx, "KARI00001", KindUpgrading, Input{}, desk)

	rep := importRoster(t, s, parseString(t, header+
		"Kari Nordmann;Levanger;Kommunestyret;Medlem;kari@levanger.kommune.no;kari@innherred-samkommune.no;99999999;Nei;KARI00001;iPad\r\n"+
		"Per Hansen;Levanger;Formannskapet;Leder;per@levanger.kommune.no;;33333333;Nei;;\r\n"), false)
	if len(rep.Updated) != 1 || rep.Updated[0].Name != "Kari Nordmann" || len(rep.New) != 1 {
		t.Fatalf("updated %v new %v", rep.Updated, rep.New)
	}
	if len(rep.Disappeared) != 1 || rep.Disappeared[0].Name != "Ola Nordmann" {
		t.Fatalf("disappeared %v", rep.Disappeared)
	}
	if o, _ := s.Official(ctx, "kari@levanger.kommune.no"); o.Phone != "99999999" {
		t.Fatalf("phone not updated: %+v", o)
	}
	if card, _ := s.Card(ctx, "KARI00001"); card.Device.Status != Upgrading {
		t.Fatalf("a re-import must not move a tablet back, got %s", card.Device.Status)
	}
	if res, _ := s.SearchOfficials(ctx, "ola", 5); len(res) != 0 {
		t.Fatalf("a removed official is no longer offered for linking: %v", res)
	}
	var n int
	s.write.QueryRow(`SELECT count(*) FROM officials`).Scan(&n)
	if n != 3 {
		t.Fatalf("%d officials, want 3 (never duplicated)", n)
	}
}

func TestBadRowsAreReportedAndNothingChanges(t *testing.T) {
	s := openTest(t)
	ros := parseString(t, header+
		"Kari Nordmann;Levanger;Kommunestyret;Medlem;kari@levanger.kommune.no;;1;Nei;KARI00001;iPad\r\n"+ // line 2: fine
		";Levanger;Kommunestyret;Medlem;anon@levanger.kommune.no;;1;Nei;;\r\n"+ // line 3: no name
		"Ola;Levanger;Kommunestyret;Medlem;ola(at)levanger;;1;Nei;;\r\n"+ // line 4: bad e-mail
		"Per;Levanger;Kommunestyret;Medlem;per@levanger.kommune.no;;1;Nei;KARI00001;iPad\r\n"+ // line 5: Kari's tablet
		"Eva;Levanger;Kommunestyret;Medlem;eva@levanger.kommune.no;;1;Nei;AB/12;iPad\r\n"+ // line 6: bad serial
		"Bo;Levanger;Kommunestyret;Medlem;bo@levanger.kommune.no;;1;Kanskje;;\r\n") // line 7: employee?
	want := map[int]string{3: "no name", 4: "malformed primary e-mail", 5: "on two people", 6: "invalid tablet serial", 7: "neither Ja nor Nei"}
	if len(ros.Errors) != len(want) {
		t.Fatalf("errors: %v", ros.Errors)
	}
	for _, e := range ros.Errors {
		if !strings.Contains(e.Reason(), want[e.Line]) {
			t.Errorf("line %d: %q, want %q", e.Line, e.Reason(), want[e.Line])
		}
	}
	if _, err := s.Import(context.Background(), ros, desk, false); !errors.Is(err, ErrRosterInvalid) {
		t.Fatalf("want ErrRosterInvalid, got %v", err)
	}
	if n := countEvents(t, s); n != 0 {
		t.Fatalf("a roster with errors changed %d things", n)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	s := openTest(t)
	rep := importRoster(t, s, parseFile(t, "roster-levanger.csv"), true)
	if !rep.DryRun || len(rep.New) != 112 || rep.NewTablets != 96 {
		t.Fatalf("dry run report: %+v", rep)
	}
	if n := countEvents(t, s); n != 0 {
		t.Fatalf("a dry run wrote %d events", n)
	}
}

func TestRosterShapes(t *testing.T) {
	// Comma-separated, LF, quoted fields, English headers in another order,
	// an unknown column, a blank line.
	ros := parseString(t, "Email,Name,Body,Role,Notes,Serial\n"+
		"\"kari@levanger.kommune.no\",\"Nordmann, Kari\",Kommunestyret,Medlem,\"says \"\"hi\"\"\",kari-0001\n\n")
	if ros.Comma != ',' || len(ros.Errors) != 0 || len(ros.Officials) != 1 {
		t.Fatalf("%+v", ros)
	}
	if o := ros.Officials[0]; o.Name != "Nordmann, Kari" || ros.Tablets[0].Serial != "KARI0001" {
		t.Fatalf("%+v %+v", o, ros.Tablets)
	}
	if len(ros.Notices) != 1 || ros.Notices[0].Column != "Notes" {
		t.Fatalf("an unknown column is ignored with a notice: %v", ros.Notices)
	}
	if _, err := ParseRoster(strings.NewReader("Navn;Kommune;Organ\nKari;Levanger;Kommunestyret\n")); err == nil || !strings.Contains(err.Error(), "Primær e-post") {
		t.Fatalf("a missing required column must be named: %v", err)
	}
	if _, err := ParseRoster(strings.NewReader("")); !errors.Is(err, ErrNoHeader) {
		t.Fatalf("empty file: %v", err)
	}
}

func TestMoreBadRows(t *testing.T) {
	ros := parseString(t, "Navn;Organ;Primær e-post;Sekundær e-post\n"+
		"Kari;KS;kari@levanger.kommune.no;kari@@x\n"+ // line 2: bad secondary
		"Ola;KS;ola@levanger.kommune.no;;extra;fields\n"+ // line 3: too many fields
		"Per;KS;\"per@levanger.kommune.no;\n") // line 4: a stray quote runs to the end
	want := map[int]RowProblem{2: RowBadSecondary, 3: RowTooManyFields, 4: RowUnreadable}
	if len(ros.Errors) != len(want) {
		t.Fatalf("errors: %v", ros.Errors)
	}
	for _, e := range ros.Errors {
		if want[e.Line] != e.Problem {
			t.Errorf("line %d: problem %s (%s), want %s", e.Line, e.Problem, e.Reason(), want[e.Line])
		}
	}
}

// FuzzParseRoster feeds the roster parser anything. It must never panic;
// what it accepts must be what the import relies on: every official named,
// with a valid primary e-mail as key, every tablet a valid serial on a
// known official, and every refused row reported with a line number.
func FuzzParseRoster(f *testing.F) {
	for _, name := range []string{"roster-levanger.csv", "roster-verdal-cp1252.csv"} {
		data, _ := os.ReadFile("testdata/" + name)
		f.Add(data[:min(len(data), 2000)])
	}
	f.Add([]byte(header + "Kari;Levanger;KS;Medlem;kari@levanger.kommune.no;;1;Nei;KARI00001;iPad\r\n"))
	f.Add([]byte("Email,Name,Body\n\"a@b.no\",\"x\"\"y\",KS\n"))
	f.Add([]byte("Navn;Organ;Primær e-post\n\"unterminated;KS;a@b.no\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ros, err := ParseRoster(bytes.NewReader(data))
		if err != nil {
			return
		}
		ids := map[string]bool{}
		for _, o := range ros.Officials {
			if o.Name == "" || !validEmail(o.ID) || o.ID != o.EmailPrimary || ids[o.ID] {
				t.Fatalf("accepted official %+v", o)
			}
			ids[o.ID] = true
		}
		for _, tb := range ros.Tablets {
			if _, err := scan.Parse(tb.Serial); err != nil || !ids[tb.Official] || tb.Line < 2 {
				t.Fatalf("accepted tablet %+v", tb)
			}
		}
		for _, e := range ros.Errors {
			if e.Line < 1 || e.Problem == "" {
				t.Fatalf("error without a line or a problem: %+v", e)
			}
		}
	})
}

// A Swedish municipality's list (Namn, Uppdrag, Organ, E-post, Mobil) goes
// through the same importer: officials with their roles, no tablets yet.
func TestImportSwedishList(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ros := parseFile(t, "forteckning-ockero.csv")
	if len(ros.Errors) != 0 || len(ros.Notices) != 0 || ros.Rows != 69 {
		t.Fatalf("rows %d errors %v notices %v", ros.Rows, ros.Errors, ros.Notices)
	}
	rep := importRoster(t, s, ros, false)
	if len(rep.New) == 0 || rep.NewTablets != 0 {
		t.Fatalf("report %+v", rep)
	}
	o, _ := s.Official(ctx, "nils.oberg@ockero.se")
	if o == nil || o.Name != "Nils Öberg" || o.Phone != "0772050361" || len(o.Seats) == 0 ||
		o.Seats[0] != (Seat{Body: "Kommunstyrelsen", Role: "Kommunstyrelsens presidium"}) {
		t.Fatalf("Nils Öberg: %+v", o)
	}
}

// A Windows-1252 row in a UTF-8 file (with or without the byte-order
// mark) is refused with its line, never stored with U+FFFD, and the UTF-8
// rows are not garbled by reading the whole file as Windows-1252.
func TestARowInAnotherEncodingIsRefused(t *testing.T) {
	const header = "Navn;Organ;Primær e-post\r\n"
	utf8Row := "Åse Ås;Kommunestyret;ase@levanger.kommune.no\r\n"
	cp1252Row := "Bj\xf8rn Str\xf8m;Kommunestyret;bjorn@levanger.kommune.no\r\n"
	for _, tc := range []struct {
		name, file string
	}{
		{"with BOM", "\xef\xbb\xbf" + header + utf8Row + cp1252Row},
		{"without BOM", header + utf8Row + cp1252Row},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ros := parseString(t, tc.file)
			if len(ros.Errors) != 1 || ros.Errors[0].Line != 3 || ros.Errors[0].Problem != RowBadEncoding || ros.Errors[0].Value != "Bj?rn Str?m" {
				t.Fatalf("errors %+v", ros.Errors)
			}
			if len(ros.Officials) != 1 || ros.Officials[0].Name != "Åse Ås" {
				t.Fatalf("the UTF-8 row was garbled: %+v", ros.Officials)
			}
			s := openTest(t)
			if _, err := s.Import(context.Background(), ros, desk, false); !errors.Is(err, ErrRosterInvalid) {
				t.Fatalf("want ErrRosterInvalid, got %v", err)
			}
			if n := countEvents(t, s); n != 0 {
				t.Fatalf("the refused import changed %d things", n)
			}
		})
	}
	// A file that is Windows-1252 throughout is still read as such.
	ros := parseString(t, "Navn;Organ;Prim\xe6r e-post\r\n"+cp1252Row)
	if ros.Encoding != Windows1252 || len(ros.Errors) != 0 || ros.Officials[0].Name != "Bjørn Strøm" {
		t.Fatalf("windows-1252: %s %+v %+v", ros.Encoding, ros.Errors, ros.Officials)
	}
}

// TestALargeImportCountsCoverageOnce: a roster large beside the desk's
// tablets is imported with the coverage and chase triggers set aside and
// both counted once at the end. The desk then shows what the triggers
// would have made, the triggers are back for the next step, and the
// projections equal a rebuild of the log.
func TestALargeImportCountsCoverageOnce(t *testing.T) {
	for _, first := range []bool{false, true} {
		t.Run(map[bool]string{false: "onto a desk with tablets", true: "a first roster, tallied"}[first], func(t *testing.T) {
			largeImportCountsCoverageOnce(t, first)
		})
	}
}

func largeImportCountsCoverageOnce(t *testing.T, first bool) {
	ctx := context.Background()
	big, err := ParseRoster(bytes.NewReader(BenchRoster(6000))) // 3,000 officials and tablets, 40 municipalities
	if err != nil {
		t.Fatal(err)
	}
	run := func(bulk bool) *Store {
		s := openTest(t)
		if !first {
			importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
			if _, err := s.CheckIn(ctx, "R52NXYGSKYS", desk); err != nil {
				t.Fatal(err)
			}
		}
		defer func(n int) { bulkRows = n }(bulkRows)
		if !bulk {
			bulkRows = math.MaxInt
		}
		importRoster(t, s, big, false)
		bulkRows = 2000
		// After the import, steps move coverage and the chase list as always.
		for _, serial := range []string{"TAB00000007", "TAB00000011"} {
			if _, err := s.CheckIn(ctx, serial, desk); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	triggered, counted := run(false), run(true)
	lt, tt, err := triggered.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lc, tc, err := counted.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(lt, lc) || !reflect.DeepEqual(tt, tc) {
		t.Fatalf("coverage counted once differs from the triggers':\n%+v\n%+v", tc, tt)
	}
	want := 3
	if first {
		want = 2
	}
	if tc.Collected() != want || tc.Total() < 2700 { // employees follow their own track
		t.Fatalf("coverage after the import: %d of %d collected", tc.Collected(), tc.Total())
	}
	ct, err := triggered.Outstanding(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cc, err := counted.Outstanding(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(cc) != len(ct) || !reflect.DeepEqual(cc, ct) {
		t.Fatalf("the chase list counted once (%d) differs from the triggers' (%d)", len(cc), len(ct))
	}
	assertRebuildKeeps(t, counted)
}

// An import gathers its events and new officials and tablets and writes
// them many to a statement. What it writes must be what one row at a
// time would: an official listed twice ends as the second row says, a
// serial listed twice (a Roster not parsed from a file can) is registered
// once and then moved, a tablet registered and put on the employees'
// track in one import has both steps, and every projection equals a
// rebuild of the log.
func TestAnImportWritesWhatItGathers(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ros := &Roster{}
	for i := range 150 { // more than a statement's rows, of every kind
		id := fmt.Sprintf("p%03d@levanger.kommune.no", i)
		ros.Officials = append(ros.Officials, Official{ID: id, Name: fmt.Sprintf("Åse Ødegård %d", i), Municipality: "Levanger",
			EmailPrimary: id, Phone: "11111111", Employee: i%10 == 0, Seats: []Seat{{Body: "Kommunestyret", Role: "Medlem"}}})
		ros.Tablets = append(ros.Tablets, RosterTablet{Serial: fmt.Sprintf("GATHER%04d", i), Model: "iPad", Official: id, Line: i + 2})
	}
	twice := ros.Officials[70]
	twice.Phone, twice.Seats = "99999999", []Seat{{Body: "Formannskapet", Role: "Leder"}, {Body: "Kommunestyret"}}
	ros.Officials = append(ros.Officials, twice)
	ros.Tablets = append(ros.Tablets, RosterTablet{Serial: "GATHER0003", Model: "iPad", Official: ros.Officials[4].ID, Line: 200})

	rep := importRoster(t, s, ros, false)
	if len(rep.New) != 151 || rep.NewTablets != 150 || rep.Relinked != 1 || rep.ToEmployee != 15 {
		t.Fatalf("report: %d new, %d tablets, %d relinked, %d to employees", len(rep.New), rep.NewTablets, rep.Relinked, rep.ToEmployee)
	}
	if o, err := s.Official(ctx, twice.ID); err != nil || o.Phone != "99999999" || len(o.Seats) != 2 || o.Seats[0].Body != "Formannskapet" {
		t.Fatalf("the official listed twice: %+v %v", o, err)
	}
	if c, err := s.Card(ctx, "GATHER0003"); err != nil || c.Device.OfficialID != ros.Officials[4].ID {
		t.Fatalf("the serial listed twice: %+v %v", c.Device, err)
	}
	if c, err := s.Card(ctx, "GATHER0010"); err != nil || !c.Device.Employee || c.Device.Status != EmployeeTrack {
		t.Fatalf("an employee's tablet: %+v %v", c.Device, err)
	}
	if found, err := s.SearchOfficials(ctx, "ase odegard 149", 5); err != nil || len(found) != 1 {
		t.Fatalf("search after the import: %v %v", found, err)
	}
	if n := countEvents(t, s); n != 150+1+150+1+15 {
		t.Fatalf("%d events", n)
	}
	assertRebuildKeeps(t, s)
}
