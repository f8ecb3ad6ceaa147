package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dropin/store"
	"dropin/store/synctest"
)

// The walk-in desk from the command line: meeting mode, a topics file
// beside the database (a bad one refused by line), the report's figures
// as text and as a workbook, and the follow-ups.
func TestVisitsCommands(t *testing.T) {
	dir := t.TempDir()
	c := &cli{t: t, db: filepath.Join(dir, "dropin.db")}
	do := func(want int, args ...string) string { t.Helper(); return c.do(want, args...) }
	do(0, "import", "../../store/testdata/forteckning-ockero.csv")
	// No visit yet: every part of the report says so, by the hour too.
	if got := do(0, "visits", "report"); !strings.Contains(got, "0 besøk") || !strings.Contains(got, "Per time:\n  –\nPer dag:\n  –\n") {
		t.Fatalf("the report of no visit:\n%s", got)
	}
	if got := do(0, "visits", "meeting", "kommunfullmäktige", "--day", "2026-04-14"); !strings.Contains(got, "Møtemodus: Kommunfullmäktige 14.04.2026") { // as the roster spells it
		t.Fatalf("meeting: %s", got)
	}
	// The day as the desk's form reads it; a day that is none, refused in words.
	if got := do(0, "visits", "meeting", "Kommunfullmäktige", "--day", "14.4.2026"); !strings.Contains(got, "Møtemodus: Kommunfullmäktige 14.04.2026") {
		t.Fatalf("meeting on 14.4.2026: %s", got)
	}
	do(2, "visits", "meeting", "KF", "--day", "31.4.")
	if !strings.Contains(c.errb.String(), "«31.4.» er ikke en dato") {
		t.Fatalf("a day that is none: %s", c.errb.String())
	}

	// The municipality's own topics, beside the database.
	os.WriteFile(filepath.Join(dir, "topics.txt"), []byte("teams\nvpn ; VPN og fjerntilgang\n"), 0o600)
	if got := do(0, "visits", "topics"); !strings.Contains(got, "vpn            VPN og fjerntilgang") || !strings.Contains(got, "teams          Teams") {
		t.Fatalf("topics: %s", got)
	}
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("teams\nVPN\n"), 0o600)
	do(1, "visits", "topics", "check", bad)
	if !strings.Contains(c.errb.String(), "bad.txt:2: ") {
		t.Fatalf("bad topics: %s", c.errb.String())
	}

	// A morning in the log: one visit at the meeting, escalated; one
	// that left the queue.
	ctx := context.Background()
	st, err := store.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	topics, err := store.ParseTopics(strings.NewReader("teams\nvpn ; VPN og fjerntilgang\n"), "topics.txt")
	if err != nil {
		t.Fatal(err)
	}
	st.SetTopics(topics)
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	v, err := st.OpenVisit(ctx, store.VisitInput{Official: "nils.nilsson@ockero.se", Topic: "vpn"}, by)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.CloseVisit(ctx, v.ID, store.VisitInput{Outcome: store.Escalated, Ticket: "INC0042"}, by); err != nil {
		t.Fatal(err)
	}
	st.SetMeeting(ctx, nil)
	w, _ := st.Arrive(ctx, store.VisitInput{Name: "Åse Ødegård", Topic: "teams"}, by)
	st.CloseVisit(ctx, w.ID, store.VisitInput{Outcome: store.Left}, by)
	st.Close()

	got := do(0, "visits", "report")
	for _, want := range []string{"2 besøk · 1 tatt imot · 1 gikk · 1 på møter", "VPN og fjerntilgang", "Kommunfullmäktige 14.04.2026",
		"eskalert til IT", "Nils Nilsson  IT-sak INC0042", "median 0 min"} {
		if !strings.Contains(got, want) {
			t.Errorf("report lacks %q:\n%s", want, got)
		}
	}
	do(2, "visits", "report", "--from", "april")
	// Days as the desk writes them: a span of one day that had none of
	// the visits, which were made today.
	yesterday := time.Now().AddDate(0, 0, -1)
	if got := do(0, "visits", "report", "--from", yesterday.Format("2.1.2006"), "--to", yesterday.Format("02.01.2006")); !strings.Contains(got, "0 besøk") {
		t.Fatalf("the report of yesterday: %s", got)
	}
	if got := do(0, "visits", "followups", "--lang", "en"); !strings.Contains(got, "Nils Nilsson  IT ticket INC0042  (KN, skranke-1)") {
		t.Fatalf("follow-ups: %s", got)
	}
	book := filepath.Join(dir, "besok.xlsx")
	do(0, "visits", "report", "--excel", "-o", book)
	f, err := excelize.OpenFile(book)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("Besøk")
	if err != nil || len(rows) != 3 || rows[1][1] != "Nils Nilsson" || rows[1][3] != "VPN og fjerntilgang" || rows[2][11] != "gikk uten hjelp" {
		t.Fatalf("the visits sheet: %q %v", rows, err)
	}
	figures, _ := f.GetRows("Tall")
	if len(figures) < 3 || figures[1][0] != "besøk" || figures[1][1] != "2" {
		t.Fatalf("the figures sheet: %q", figures)
	}
	if got := do(0, "visits", "list", "--codes"); !strings.HasPrefix(got, "arrived_at,name,official,topic,") || !strings.Contains(got, ",vpn,") {
		t.Fatalf("visits list --codes:\n%s", got)
	}
}

// dropin conflicts lists what two desks disagreed about, in words.
func TestConflictsCommand(t *testing.T) {
	dir := t.TempDir()
	c := &cli{t: t, db: filepath.Join(dir, "dropin.db")}
	do := func(want int, args ...string) string { t.Helper(); return c.do(want, args...) }
	do(0, "import", "../../store/testdata/forteckning-ockero.csv")
	if got := do(0, "conflicts"); !strings.Contains(got, "Ingen uenighet mellom skranker.") {
		t.Fatalf("no conflicts yet: %s", got)
	}
	ctx := context.Background()
	here, err := store.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	there, err := store.Open(ctx, filepath.Join(dir, "other.db"))
	if err != nil {
		t.Fatal(err)
	}
	relay := synctest.New()
	a, b := store.Actor{Station: "skranke-1", Staff: "KN"}, store.Actor{Station: "skranke-2", Staff: "AB"}
	if _, err := here.RegisterKind(ctx, "C02LAPTOP01", "MacBook Air", store.Laptop, "", a); err != nil {
		t.Fatal(err)
	}
	relay.Sync(t, here)
	relay.Sync(t, there)
	// Both desks hand the same laptop out, to two officials.
	if _, err := here.Issue(ctx, "C02LAPTOP01", "lena.larsson@ockero.se", store.Request{}, a); err != nil {
		t.Fatal(err)
	}
	if _, err := there.Issue(ctx, "C02LAPTOP01", "nils.oberg@ockero.se", store.Request{}, b); err != nil {
		t.Fatal(err)
	}
	relay.Sync(t, here)
	relay.Sync(t, there)
	relay.Sync(t, here)
	here.Close()
	there.Close()
	got := do(0, "conflicts", "--lang", "en")
	if !strings.HasPrefix(got, "C02LAPTOP01: Desks disagreed: issued at skranke-1 (KN)") || !strings.Contains(got, "issued at skranke-2 (AB)") {
		t.Fatalf("conflicts:\n%s", got)
	}
}

// dropin bench prints every figure the desk is held to against its goal,
// the seeding time recorded beside the county included; push and pull
// need a PostgreSQL server and say so without one.
func TestBenchPrintsEveryRow(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 60,000 rows; skipped with -short")
	}
	// The real program: bench starts itself again to time the first frame.
	dir := t.TempDir()
	exe := filepath.Join(dir, "dropin")
	if out, err := exec.Command("go", "build", "-o", exe, "dropin").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	db := filepath.Join(dir, "county.db")
	cmd := exec.Command(exe, "bench", "--tablets", "300", "--bench-db", db, "--runs", "1", "--pg", "", "--db", filepath.Join(dir, "unused.db"))
	cmd.Env = append(os.Environ(), "XDG_CACHE_HOME="+dir, "XDG_STATE_HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("dropin bench: %v\n%s", err, out)
	}
	got := string(out)
	for _, row := range []string{"start-up to the first frame", "scan to the saved card, p50", "≤ 16 ms", "scan to the saved card, p99", "≤ 33 ms",
		"check-in (a tablet back at the desk)", "≤ 1.5 × bare insert",
		"projection rebuild from the log", "seeding this county", "< 2 min", "roster import, 20,000 rows", "batch import, 10,000 reads",
		"receipt in the step: content + signed token", "receipt files", "after the step is shown", "push / pull 100,000 events", "≤ 2 × COPY", "give --pg DSN"} {
		if !strings.Contains(got, row) {
			t.Errorf("bench lacks %q:\n%s", row, got)
		}
	}
	if took, err := os.ReadFile(db + ".seeded"); err != nil || len(took) == 0 {
		t.Fatalf("the seeding time is not kept beside the county: %q %v", took, err)
	}
}
