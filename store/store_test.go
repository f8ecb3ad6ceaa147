package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var desk = Actor{Station: "skranke-1", Staff: "KN"}

// testClock is a wall clock the test moves by hand.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { c.t = c.t.Add(time.Second); return c.t }

func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "dropin.db"))
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: time.Date(2026, 4, 14, 9, 0, 0, 0, time.Local)}
	s.SetClock(clk.now)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestOpenMigratesAnEmptyFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "nested", "dir", "dropin.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	var version int
	s.write.QueryRow("PRAGMA user_version").Scan(&version)
	ms, _ := migrations()
	if version != len(ms) || version == 0 {
		t.Fatalf("user_version = %d, want %d", version, len(ms))
	}
	pragmas := func(when string) {
		for pragma, want := range map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "temp_store": "2"} {
			var got string
			s.write.QueryRow("PRAGMA " + pragma).Scan(&got)
			if got != want {
				t.Errorf("%s: PRAGMA %s = %q, want %q", when, pragma, got, want)
			}
		}
	}
	pragmas("open")
	// A rebuild sets foreign keys aside for its transaction only.
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	pragmas("after a rebuild")
	s.Close()
	// Opening again applies nothing twice and keeps the data.
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	s.Close()
}

func TestOpenRefusesAFileThatIsNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "notes.db")
	os.WriteFile(path, []byte("this is a shopping list, not a database\n"+string(make([]byte, 4096))), 0o600)
	_, err := Open(context.Background(), path)
	if !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("want ErrNotDatabase, got %v", err)
	}
}

func TestOpenRefusesANewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dropin.db")
	s, _ := Open(context.Background(), path)
	s.write.Exec("PRAGMA user_version = 99")
	s.Close()
	if _, err := Open(context.Background(), path); err == nil {
		t.Fatal("a database from a newer dropin must be refused")
	}
}

func TestHLCNeverGoesBackwards(t *testing.T) {
	t0 := time.UnixMilli(1_700_000_000_000)
	h := HLC(0).Next(t0)
	if h.Millis() != t0.UnixMilli() {
		t.Fatalf("physical part %d", h.Millis())
	}
	same := h.Next(t0)
	back := same.Next(t0.Add(-time.Hour))
	if !(same > h && back > same) {
		t.Fatalf("clock went backwards: %d %d %d", h, same, back)
	}
	if fwd := back.Next(t0.Add(time.Second)); fwd.Millis() != t0.Add(time.Second).UnixMilli() {
		t.Fatal("clock must follow the wall clock forward")
	}
}

func TestClockResumesAfterReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dropin.db")
	s, _ := Open(ctx, path)
	future := time.Now().Add(24 * time.Hour)
	s.SetClock(func() time.Time { return future })
	s.Register(ctx, "DMPXK2ABC123", "iPad", "", desk)
	last := s.clock
	// The newest event of the log came from another desk, later still.
	pulled := Event{ID: "0192f0c2-7a4e-7cc1-9a57-000000000001", Station: "verdal-1", Actor: "AB", HLC: last + 5<<16,
		Kind: KindRegistered, Subject: "SN42XYZ", Cycle: 1, Payload: []byte(`{"v":1,"model":"iPad"}`)}
	if _, err := s.ApplyPulled(ctx, []SyncedEvent{{Seq: 1, Event: pulled}}, 1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, _ = Open(ctx, path) // the wall clock is now "behind" the log
	defer s.Close()
	if next := s.tick(); next <= pulled.HLC {
		t.Fatalf("clock after reopen %d <= the log's newest %d", next, pulled.HLC)
	}
}

// TestStationsSince: each station's events since a time, and who made
// them, for the dashboard's Desks page; events before the time are not
// counted.
func TestStationsSince(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	day := time.Date(2026, 4, 14, 0, 0, 0, 0, time.Local)
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	steps := []struct {
		h       int
		station string
		staff   string
	}{{-3, "levanger-1", "KN"}, {-1, "stjordal-1", "CD"}, {8, "levanger-1", "KN"}, {9, "levanger-1", "OP"}, {10, "verdal-1", "AB"}}
	for i, st := range steps {
		s.SetClock(func() time.Time { return at(st.h) })
		if _, err := s.Register(ctx, fmt.Sprintf("SN%06d", i), "iPad", "", Actor{Station: st.station, Staff: st.staff}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.StationsSince(ctx, day)
	if err != nil {
		t.Fatal(err)
	}
	// A tablet registered at the desk is two events: registered, received.
	want := map[string]StationDay{"levanger-1": {Events: 4, Staff: []string{"KN", "OP"}}, "verdal-1": {Events: 2, Staff: []string{"AB"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func dumpDevices(t *testing.T, db *sql.DB) []Device {
	t.Helper()
	rows, err := db.Query(`SELECT serial, model, official_id, status, step, cycle, failure_id, failure_reason, employee, updated_hlc, updated_station, updated_actor, received_hlc, upgraded_hlc, login_hlc FROM devices ORDER BY serial`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []Device
	for rows.Next() {
		var d Device
		var st, step string
		var hlc int64
		rows.Scan(&d.Serial, &d.Model, &d.OfficialID, &st, &step, &d.Cycle, &d.FailureID, &d.FailureReason, &d.Employee, &hlc, &d.Station, &d.Actor,
			&d.ReceivedAt, &d.UpgradedAt, &d.LoginAt)
		d.Status, d.Step, d.Updated = Status(st), Status(step), HLC(hlc)
		out = append(out, d)
	}
	return out
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Øystein Ærø": "oystein aero", "Åse": "ase", "Aase": "ase", "Aasen": "asen", "Bjørg": "bjorg",
		"Hägg": "hagg", "Öberg": "oberg", "José": "jose", "STRAẞE": "strasse",
		// Plain ASCII takes a short way; it must end where the long one does.
		"AASEN": "asen", "Kari  Nordmann-Li": "kari  nordmann-li", "Nettbrett": "nettbrett", "": "",
		"Aase Ø": "ase o",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRebuildKeepsReceipts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.Register(ctx, "DMPXK2ABC123", "iPad", "", desk)
	make := func(number int, issued time.Time, c Card) (json.RawMessage, string, error) {
		return json.RawMessage(`{"n":1}`), "R1.TOKEN", nil
	}
	rec, err := s.IssueReceipt(ctx, "DMPXK2ABC123", "I", desk, make)
	if err != nil || rec.Number != 1 {
		t.Fatalf("%+v %v", rec, err)
	}
	if rec, _ = s.IssueReceipt(ctx, "DMPXK2ABC123", "I", desk, make); rec.Number != 2 {
		t.Fatalf("numbers count up per station: %d", rec.Number)
	}
	if err := s.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	recs, _ := s.ReceiptsOf(ctx, "DMPXK2ABC123")
	if len(recs) != 2 || recs[0].Number != 2 || string(recs[0].Content) != `{"n":1}` {
		t.Fatalf("after rebuild: %+v", recs)
	}
	if _, err := s.IssueReceipt(ctx, "NOSUCHTAB1", "I", desk, make); err == nil {
		t.Fatal("no receipt for an unknown tablet")
	}
}

// A truncated or damaged database is refused on open with ErrNotDatabase,
// never used as if it were whole.
func TestOpenRefusesATruncatedDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dropin.db")
	s, _ := Open(ctx, path)
	seedExpected(t, s, 3000)
	s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	s.Close()
	st, _ := os.Stat(path)
	if err := os.Truncate(path, st.Size()/2); err != nil {
		t.Fatal(err)
	}
	_, err := Open(ctx, path)
	if !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("a truncated database: %v, want ErrNotDatabase", err)
	}
}

// A database damaged inside (not truncated) opens at once, but the check
// of every page that follows finds it, and nothing is written to it.
func TestDamageInsideIsFoundBeforeAnyWrite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "dropin.db")
	s, _ := Open(ctx, path)
	seedExpected(t, s, 3000)
	s.write.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	s.Close()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := f.Stat()
	garbage := bytes.Repeat([]byte{0xAB}, 8192)
	f.WriteAt(garbage, st.Size()/2/4096*4096)
	f.Close()
	s, err = Open(ctx, path)
	if err != nil {
		if !errors.Is(err, ErrNotDatabase) {
			t.Fatalf("open: %v, want ErrNotDatabase", err)
		}
		t.Log("found on open")
		return // found on open: as good
	}
	defer s.Close()
	if err := s.Health(ctx); !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("health: %v, want ErrNotDatabase", err)
	}
	if _, err := s.CheckIn(ctx, "TAB000001", desk); !errors.Is(err, ErrNotDatabase) {
		t.Fatalf("a write to a damaged database: %v, want ErrNotDatabase", err)
	}
}

// testReceipter promises a hand-in receipt for every check-in; fail makes
// the receipt fail. Its content names the official, as a real one does.
type testReceipter struct{ fail error }

func (r testReceipter) Promised(k Kind) (string, bool) { return "I", k == KindReceived }
func (r testReceipter) MakeVisit(number int, issued time.Time, vc VisitCard, by Actor) (json.RawMessage, string, error) {
	return nil, "", errors.New("the test receipter makes no visit receipts")
}
func (r testReceipter) Make(kind string, number int, issued time.Time, c Card, by Actor) (json.RawMessage, string, error) {
	official := ""
	if c.Official != nil {
		official = c.Official.ID
	}
	return json.RawMessage(`{"serial":"` + c.Device.Serial + `","official":"` + official + `"}`), "R1.TOKEN", r.fail
}

// The receipt a step promises is made in the step's transaction: there is
// no moment at which the step is on disk and its receipt is not, and a
// receipt that cannot be made stops the step.
func TestAStepAndItsReceiptCommitTogether(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	official := officialIn(t, s, "Kommunestyret")
	s.SetReceipter(testReceipter{})
	card, err := s.Register(ctx, "DMPXK2ABC123", "iPad", official, desk)
	if err != nil || card.Receipt == nil || card.Receipt.Number != 1 || card.Receipt.Kind != "I" {
		t.Fatalf("register: %+v %v", card.Receipt, err)
	}
	if last := card.Timeline[len(card.Timeline)-1]; last.Kind != KindReceipt {
		t.Fatalf("the card's timeline ends with %s, want the receipt", last.Kind)
	}
	card, err = s.Step(ctx, "DMPXK2ABC123", KindUpgrading, Input{}, desk)
	if err != nil || card.Receipt != nil {
		t.Fatalf("a step that promises no receipt made one: %+v %v", card.Receipt, err)
	}

	s.SetReceipter(testReceipter{fail: errors.New("no key")})
	if _, err := s.Register(ctx, "GALAXY00001", "Galaxy", official, desk); err == nil {
		t.Fatal("a check-in whose receipt failed was saved")
	}
	if c, _ := s.Card(ctx, "GALAXY00001"); c.Device.Known {
		t.Fatal("the refused check-in left the tablet registered")
	}
	recs, _ := s.ReceiptsOfStation(ctx, desk.Station)
	if len(recs) != 1 {
		t.Fatalf("receipts: %+v", recs)
	}
}

// A hand-in receipt names the official who signs it. A serial the desk
// registers as it comes in has no official yet: its receipt is owed, and
// issued when one is linked while the tablet is received (it was issued
// at once, naming nobody). A link that corrects the official while the
// tablet is received gives a new one; a link later in the tablet's
// upgrade does not.
func TestAHandInReceiptNamesItsOfficial(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	first, second := officialIn(t, s, "Kommunestyret"), officialIn(t, s, "Formannskapet")
	s.SetReceipter(testReceipter{})

	card, err := s.Register(ctx, "DMPXK2ABC123", "iPad", "", desk)
	if err != nil || card.Receipt != nil {
		t.Fatalf("registered with nobody linked: receipt %+v, %v", card.Receipt, err)
	}
	if card, err = s.Link(ctx, "DMPXK2ABC123", first, desk); err != nil || card.Receipt == nil || card.Receipt.Number != 1 ||
		!strings.Contains(string(card.Receipt.Content), first) {
		t.Fatalf("linked: receipt %+v, %v", card.Receipt, err)
	}
	if card, err = s.Link(ctx, "DMPXK2ABC123", second, desk); err != nil || card.Receipt == nil || card.Receipt.Number != 2 ||
		!strings.Contains(string(card.Receipt.Content), second) {
		t.Fatalf("linked to another while received: receipt %+v, %v", card.Receipt, err)
	}
	// Nothing is owed once an official is linked.
	if _, err := s.IssueOwedReceipt(ctx, "DMPXK2ABC123", desk); !errors.Is(err, ErrNoReceipt) {
		t.Fatalf("owed receipt of a linked tablet: %v", err)
	}
	s.Step(ctx, "DMPXK2ABC123", KindUpgrading, Input{}, desk)
	if card, err = s.Link(ctx, "DMPXK2ABC123", first, desk); err != nil || card.Receipt != nil {
		t.Fatalf("linked while upgrading: receipt %+v, %v", card.Receipt, err)
	}
	// A tablet of the roster, its official known, has its receipt at once.
	var serial string
	if err := s.read.QueryRow(`SELECT serial FROM devices WHERE official_id = ? AND status = 'expected'`, first).Scan(&serial); err != nil {
		t.Fatal(err)
	}
	if res, err := s.CheckIn(ctx, serial, desk); err != nil || res.Card.Receipt == nil || res.Card.Receipt.Number != 3 {
		t.Fatalf("check-in of %s: receipt %+v, %v", serial, res.Card.Receipt, err)
	}
	// Where nobody can be linked, the desk asks for the receipt as the
	// tablet stands: once.
	if _, err := s.Register(ctx, "GALAXY00002", "Galaxy", "", desk); err != nil {
		t.Fatal(err)
	}
	rec, err := s.IssueOwedReceipt(ctx, "GALAXY00002", desk)
	if err != nil || rec.Number != 4 || !strings.Contains(string(rec.Content), `"official":""`) {
		t.Fatalf("owed receipt: %+v %v", rec, err)
	}
	if _, err := s.IssueOwedReceipt(ctx, "GALAXY00002", desk); !errors.Is(err, ErrNoReceipt) {
		t.Fatalf("a second owed receipt: %v", err)
	}
	if card, err := s.Link(ctx, "GALAXY00002", second, desk); err != nil || card.Receipt == nil || card.Receipt.Number != 5 {
		t.Fatalf("linked after a receipt without a name: %+v %v", card.Receipt, err)
	}
	assertRebuildKeeps(t, s)
}

// The desk's store speaks to the central store through the wire types
// only: it never links the PostgreSQL driver.
func TestTheDeskStoreDoesNotLinkPostgreSQL(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "dropin/store").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "github.com/jackc/") || dep == "dropin/store/central" {
			t.Fatalf("dropin/store links %s", dep)
		}
	}
}
