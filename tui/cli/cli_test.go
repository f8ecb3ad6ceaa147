package cli

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/store"
	"dropin/store/central"
	"dropin/store/central/pgtest"
	"dropin/tui/i18n"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// caller runs dropin as a shell would, with getenv for its environment;
// each call's output is in out and errb, and it returns the exit code.
func caller(getenv func(string) string, out, errb *bytes.Buffer) func(args ...string) int {
	return func(args ...string) int {
		out.Reset()
		errb.Reset()
		return Run(context.Background(), "dev", args, out, errb, getenv)
	}
}

// cli runs dropin commands against one database and station, as a user
// at a shell would, and checks their exit codes.
type cli struct {
	t         *testing.T
	db        string
	out, errb bytes.Buffer
}

func (c *cli) do(want int, args ...string) string {
	c.t.Helper()
	c.out.Reset()
	c.errb.Reset()
	if code := Run(context.Background(), "dev", append(args, "--db", c.db, "--station", "skranke-1"), &c.out, &c.errb, env(nil)); code != want {
		c.t.Fatalf("%v: exit %d, want %d\n%s%s", args, code, want, c.out.String(), c.errb.String())
	}
	return c.out.String()
}

func TestExportDevices(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "dropin.db")
	st, err := store.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	st.PutOfficial(ctx, store.Official{ID: "a@levanger.kommune.no", Name: "=Åse Ærlig", EmailPrimary: "a@levanger.kommune.no"}, by)
	st.Register(ctx, "DMPXK2ABC123", "iPad", "a@levanger.kommune.no", by)
	st.Step(ctx, "DMPXK2ABC123", store.KindUpgrading, store.Input{}, by)
	st.Close()

	var out, errb bytes.Buffer
	if code := Run(ctx, "dev", []string{"export", "devices", "--codes", "--db", db}, &out, &errb, env(nil)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0], ","); got != "serial,model,official,official_email,status,updated_at,station" {
		t.Fatalf("header %q", got)
	}
	r := rows[1]
	if r[0] != "DMPXK2ABC123" || r[2] != "'=Åse Ærlig" || r[4] != "upgrading" || r[6] != "skranke-1" || !strings.HasPrefix(r[5], "20") {
		t.Fatalf("row %q (a leading = must be defused)", r)
	}

	// The same through the environment, to a file.
	out.Reset()
	csvFile := filepath.Join(t.TempDir(), "nettbrett.csv")
	if code := Run(ctx, "dev", []string{"export", "devices", "-o", csvFile}, &out, &errb, env(map[string]string{"DROPIN_DB": db})); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if b, _ := os.ReadFile(csvFile); !strings.HasPrefix(string(b), "serienummer,modell,") || !strings.Contains(string(b), ",oppgraderes,") {
		t.Fatalf("CSV to a file, in bokmål: %q", b)
	}
	// In Swedish, headers and statuses too.
	out.Reset()
	if code := Run(ctx, "dev", []string{"export", "devices", "--lang", "sv"}, &out, &errb, env(map[string]string{"DROPIN_DB": db})); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.HasPrefix(out.String(), "serienummer,modell,förtroendevald,") || !strings.Contains(out.String(), ",uppgraderas,") {
		t.Fatalf("Swedish export: %q", out.String())
	}
}

func TestCommandLine(t *testing.T) {
	var out, errb bytes.Buffer
	call := caller(env(nil), &out, &errb)
	if code := call("version"); code != 0 || !strings.HasPrefix(out.String(), "dropin dev ") {
		t.Fatalf("version: %d %q", code, out.String())
	}
	if code := call("--version"); code != 0 || !strings.HasPrefix(out.String(), "dropin dev ") {
		t.Fatalf("--version: %d %q", code, out.String())
	}
	// Help lists the commands, and each command has its own, with its flags.
	if code := call("--help"); code != 0 || !strings.Contains(out.String(), "export") || !strings.Contains(out.String(), "--scan-gap") {
		t.Fatalf("--help: %d %q", code, out.String())
	}
	if code := call("batch", "upgraded", "--help"); code != 0 || !strings.Contains(out.String(), "--failed SERIAL=REASON") ||
		!strings.Contains(out.String(), "--db file") {
		t.Fatalf("batch upgraded --help: %d %q", code, out.String())
	}
	if code := call("help", "export"); code != 0 || !strings.Contains(out.String(), "outstanding") || !strings.Contains(out.String(), "--excel") {
		t.Fatalf("help export: %d %q", code, out.String())
	}
	// Shell completion, for the commands and for the database's batches.
	if code := call("completion", "bash"); code != 0 || !strings.Contains(out.String(), "__start_dropin") {
		t.Fatalf("completion bash: %d %.200q", code, out.String())
	}
	// Called wrongly: exit 2, with what was wrong and where help is.
	if code := call("frobnicate"); code != 2 || !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Fatalf("unknown command: %d %q", code, errb.String())
	}
	if code := call("--nope"); code != 2 || !strings.Contains(errb.String(), "unknown flag: --nope") {
		t.Fatalf("unknown flag: %d %q", code, errb.String())
	}
	if code := call("export", "tablets", "--db", filepath.Join(t.TempDir(), "x.db")); code != 2 || !strings.Contains(errb.String(), `Ukjent liste «tablets». Listene er: devices,`) {
		t.Fatalf("unknown list: %d %q", code, errb.String())
	}
	if code := call("batch"); code != 2 || !strings.Contains(errb.String(), "sent-to-it") {
		t.Fatalf("bare batch: %d %q", code, errb.String())
	}
	if code := call("import"); code != 2 || !strings.Contains(errb.String(), "dropin import --help") {
		t.Fatalf("import without a file: %d %q", code, errb.String())
	}
	if code := call("purge", "signatures", "--before", "4. april"); code != 2 || !strings.Contains(errb.String(), "YYYY-MM-DD") {
		t.Fatalf("purge with a bad date: %d %q", code, errb.String())
	}
}

func TestCompletionOffersOpenBatches(t *testing.T) {
	c := &cli{t: t, db: filepath.Join(t.TempDir(), "dropin.db")}
	c.do(0, "import", "../../store/testdata/roster-levanger.csv")
	c.do(0, "batch", "import", "--name", "Kommunestyret 2. april", "../../store/testdata/scans-batch1.txt")
	c.do(0, "batch", "import", "--name", "Formannskapet", "../../store/testdata/scans-batch1.txt")
	c.do(0, "batch", "close", "Formannskapet")
	var out, errb bytes.Buffer
	Run(context.Background(), "dev", []string{cobra.ShellCompRequestCmd, "--db", c.db, "batch", "sent-to-it", ""}, &out, &errb, env(nil))
	got := out.String()
	if !strings.Contains(got, "Kommunestyret 2. april\n") || strings.Contains(got, "Formannskapet") {
		t.Fatalf("completion of a batch name:\n%s", got)
	}
}

func TestDefaultsFollowXDG(t *testing.T) {
	o := defaults(env(map[string]string{"XDG_DATA_HOME": "/data", "DROPIN_STATION": "verdal-1"}))
	if o.db != "/data/dropin/dropin.db" || o.station != "verdal-1" {
		t.Fatalf("%+v", o)
	}
	o = defaults(env(map[string]string{"DROPIN_DB": "/x.db"}))
	if o.db != "/x.db" || o.station == "" {
		t.Fatalf("%+v", o)
	}
}

func TestNotADatabaseSaysWhatToDo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	var out, errb bytes.Buffer
	writeJunk(t, path)
	if code := Run(context.Background(), "dev", []string{"export", "devices", "--db", path}, &out, &errb, env(nil)); code != 1 {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(errb.String(), "junk.db er ikke en dropin-database, eller den er skadet: hent den fra en sikkerhetskopi") {
		t.Fatalf("message: %q", errb.String())
	}
	errb.Reset()
	Run(context.Background(), "dev", []string{"export", "devices", "--db", path, "--lang", "en"}, &out, &errb, env(nil))
	if !strings.Contains(errb.String(), "junk.db is not a dropin database, or it is damaged: restore it from a backup") {
		t.Fatalf("message in English: %q", errb.String())
	}
}

func writeJunk(t *testing.T, path string) {
	t.Helper()
	if err := os.WriteFile(path, bytes.Repeat([]byte("not sqlite "), 500), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestImportCommand(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "dropin.db")
	var out, errb bytes.Buffer
	code := Run(ctx, "dev", []string{"import", "--dry-run", "../../store/testdata/roster-levanger.csv", "--db", db}, &out, &errb, env(nil))
	if code != 0 || !strings.Contains(out.String(), "112 nye folkevalgte") || !strings.Contains(out.String(), "ingenting er lagret ennå") {
		t.Fatalf("dry run: %d\n%s%s", code, out.String(), errb.String())
	}
	out.Reset()
	Run(ctx, "dev", []string{"export", "officials", "--db", db}, &out, &errb, env(nil))
	if strings.Count(out.String(), "\n") != 1 {
		t.Fatalf("a dry run must not import:\n%s", out.String())
	}
	out.Reset()
	if code := Run(ctx, "dev", []string{"--lang", "en", "import", "../../store/testdata/roster-verdal-cp1252.csv", "--db", db}, &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), "Imported:") {
		t.Fatalf("import: %d\n%s", code, out.String())
	}
	out.Reset()
	Run(ctx, "dev", []string{"export", "outstanding", "--db", db}, &out, &errb, env(nil))
	if !strings.Contains(out.String(), "Hege Skjærvø,Verdal,Kommunestyret (Leder)") {
		t.Fatalf("outstanding after import:\n%.300s", out.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("Navn;Organ;Primær e-post\n;KS;x@levanger.kommune.no\n"), 0o600)
	out.Reset()
	if code := Run(ctx, "dev", []string{"import", bad, "--db", db}, &out, &errb, env(nil)); code != 1 || !strings.Contains(out.String(), "linje 2: mangler navn") {
		t.Fatalf("bad roster: exit %d\n%s", code, out.String())
	}
}

func TestBatchCommands(t *testing.T) {
	c := &cli{t: t, db: filepath.Join(t.TempDir(), "dropin.db")}
	do := func(args ...string) string { t.Helper(); return c.do(0, args...) }
	do("import", "../../store/testdata/roster-levanger.csv")
	// A date agreed with IT may be words, or a day of the calendar: not a
	// day that is none. Nothing is opened for it.
	c.do(1, "batch", "import", "--name", "Kommunestyret 2. april", "--it-date", "31.4.", "../../store/testdata/scans-batch1.txt")
	if got := c.errb.String(); got != "dropin: «31.4.» er ikke en dato: skriv den som 14.4.2026, 14.4. eller 2026-04-14.\n" {
		t.Fatalf("a day that is none: %q", got)
	}
	if got := do("batch", "list"); got != "" {
		t.Fatalf("a batch was opened for it: %q", got)
	}
	got := do("batch", "import", "--name", "Kommunestyret 2. april", "--it-date", "4. april", "../../store/testdata/scans-batch1.txt")
	for _, want := range []string{"67 av 94 ventede inn (71 %) · 0 andre · 1 ukjente · 3 lest to ganger · 1 ugyldige",
		"«356NF» avvist: for kort", "2HHQPVS88F: ikke på listen"} {
		if !strings.Contains(got, want) {
			t.Fatalf("batch import output lacks %q:\n%s", want, got)
		}
	}
	if got := do("batch", "sent-to-it", "Kommunestyret 2. april"); !strings.HasPrefix(got, "68 tatt videre") {
		t.Fatalf("sent to IT: %s", got)
	}
	// A serial the batch does not hold, a batch that is none, one serial
	// given two reasons: refused in words, nothing moved.
	c.do(1, "batch", "upgraded", "Kommunestyret 2. april", "--failed", "NOTINBATCH1=x", "--failed", "938zpvf2hb=skjerm knust")
	if got := c.errb.String(); got != "dropin: Ikke i bunken: NOTINBATCH1\n" {
		t.Fatalf("a serial not in the batch: %q", got)
	}
	c.do(1, "batch", "report", "Kommunestyret 3. april")
	if got := c.errb.String(); got != "dropin: Ingen bunke heter «Kommunestyret 3. april». dropin batch list viser bunkene.\n" {
		t.Fatalf("a batch that is none: %q", got)
	}
	c.do(2, "batch", "upgraded", "Kommunestyret 2. april", "--failed", "938ZPVF2HB=x", "--failed", "938zpvf2hb=y")
	if got := c.errb.String(); !strings.Contains(got, "938ZPVF2HB is named twice") {
		t.Fatalf("a serial twice: %s", got)
	}
	if got := do("batch", "upgraded", "Kommunestyret 2. april", "--failed", "938zpvf2hb=skjerm knust"); !strings.HasPrefix(got, "67 tatt videre, 1 feilet") {
		t.Fatalf("upgraded: %s", got)
	}
	got = do("batch", "report", "--csv", "Kommunestyret 2. april")
	rows, err := csv.NewReader(strings.NewReader(got)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, r := range rows[1:] {
		kinds[r[0]]++
	}
	if kinds["lest"] != 67 || kinds["ukjent"] != 1 || kinds["mangler"] != 27 {
		t.Fatalf("report rows: %v", kinds)
	}
	do("batch", "close", "Kommunestyret 2. april")
	if got := do("batch", "list"); !strings.Contains(got, "lukket") {
		t.Fatalf("list: %s", got)
	}
	c.do(1, "batch", "close", "Kommunestyret 2. april")
	if got := c.errb.String(); got != "dropin: Bunken er lukket.\n" {
		t.Fatalf("closed twice: %q", got)
	}
	// The same name again starts a new batch, the old one being closed. The
	// pile's tablets join it (the unknown one is known by now), and none
	// moves back on its ladder.
	got = do("batch", "import", "--name", "Kommunestyret 2. april", "../../store/testdata/scans-batch1.txt")
	if !strings.Contains(got, "67 av 94 ventede inn (71 %) · 1 andre · 0 ukjente · 3 lest to ganger · 1 ugyldige") {
		t.Fatalf("second batch: %s", got)
	}
	if got := do("export", "devices", "--codes"); !strings.Contains(got, "938ZPVF2HB,iPad") || !strings.Contains(got, ",failed,") || strings.Contains(got, ",received,") {
		t.Fatalf("statuses after a second batch:\n%.400s", got)
	}
	// A later pile counts in only its own: the report says where the rest
	// of the expected went, so its numbers add up.
	late := filepath.Join(t.TempDir(), "late.txt")
	os.WriteFile(late, []byte("TJYHCY68QHGJ\n"), 0o600)
	do("batch", "import", "--name", "Sene", late)
	if got := do("batch", "report", "Sene"); !strings.Contains(got, "1 av 94 ventede inn") || !strings.Contains(got, "Mangler fortsatt (26):\n  (67 kom inn utenom bunken)\n") {
		t.Fatalf("the later batch's report:\n%s", got)
	}
	do("batch", "close", "Sene")
	// One municipality's batch; one the roster does not have is refused in
	// words, and nothing is opened.
	c.do(1, "batch", "import", "--name", "Verdal", "--municipality", "Verdal", late)
	if !strings.Contains(c.errb.String(), "Listen har ingen kommune «Verdal». Den har: Levanger.") {
		t.Fatalf("an unknown municipality: %s", c.errb.String())
	}
	if got := do("batch", "import", "--name", "Levanger KS", "--municipality", "levanger", "--body", "kommunestyret", late); !strings.Contains(got, "Levanger KS · Levanger · Kommunestyret") {
		t.Fatalf("one municipality's batch: %s", got)
	}
	if got := do("batch", "list"); strings.Contains(got, "Verdal") {
		t.Fatalf("a refused batch was opened: %s", got)
	}
}

// A visit's receipt shown from the shell says what its printed form
// says: each device and what happened to it, who signed. It once showed
// a tablet receipt's lines, empty and with a status of no words.
func TestReceiptShowOfAVisit(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "dropin.db")
	c := &cli{t: t, db: db}
	c.do(0, "import", "../../store/testdata/roster-levanger.csv")
	st, _ := store.Open(ctx, db)
	defer st.Close()
	rs, err := station.OpenReceipts(filepath.Join(dir, "keys"), filepath.Join(dir, "receipts"), receipt.Printer{})
	if err != nil {
		t.Fatal(err)
	}
	st.SetReceipter(rs) // as the desk does
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	v, err := st.OpenVisit(ctx, store.VisitInput{Official: "tone.ekle@levanger.kommune.no", Topic: "teams"}, by)
	if err != nil {
		t.Fatal(err)
	}
	by.Visit = v.ID
	if _, err := st.CheckIn(ctx, "TJYHCY68QHGJ", by); err != nil {
		t.Fatal(err)
	}
	by.Visit = ""
	_, rec, err := st.CloseVisit(ctx, v.ID, store.VisitInput{Outcome: store.Solved}, by)
	if err != nil || rec == nil {
		t.Fatalf("closing the visit: %v, receipt %v", err, rec)
	}
	if _, _, err := rs.Sign(ctx, st, i18n.New(i18n.Bokmal), *rec, nil, "Tone Ekle", by); err != nil {
		t.Fatal(err)
	}

	got := c.do(0, "receipt", "show", "TJYHCY68QHGJ")
	for _, want := range []string{"Kvittering for utstyr levert og mottatt", "Folkevalgt       Tone Ekle, Levanger",
		"Enhet            nettbrett, iPad (10. gen): levert inn", "Serienummer      TJYHCY68QHGJ", "Signert av Tone Ekle (skrev navnet)"} {
		if !strings.Contains(got, want) {
			t.Fatalf("show lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "⟨") {
		t.Fatalf("show has words missing:\n%s", got)
	}
}

func TestReceiptCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "dropin.db")
	c := &cli{t: t, db: db}
	do, out, errb := c.do, &c.out, &c.errb
	do(0, "import", "../../store/testdata/roster-levanger.csv")
	// Check a tablet in the way the desk does, with its receipt.
	st, _ := store.Open(ctx, db)
	rs, err := station.OpenReceipts(filepath.Join(dir, "keys"), filepath.Join(dir, "receipts"), receipt.Printer{})
	if err != nil {
		t.Fatal(err)
	}
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	st.CheckIn(ctx, "R52NXYGSKYS", by)
	rec, _, err := rs.Issue(ctx, st, i18n.New(i18n.Bokmal), "R52NXYGSKYS", receipt.HandIn, by)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	got := do(0, "receipt", "show", "1")
	for _, want := range []string{"Kvittering for innlevering av nettbrett", "Øystein Aasen", rec.Token, "skranke-1-000001-R52NXYGSKYS-a4.pdf"} {
		if !strings.Contains(got, want) {
			t.Fatalf("show lacks %q:\n%s", want, got)
		}
	}
	// Another station's receipt is named by its station and number: in
	// skranke-2's database, once a sync brought it skranke-1's receipts.
	db2 := filepath.Join(t.TempDir(), "dropin.db")
	if err := copyFile(db, db2); err != nil {
		t.Fatal(err)
	}
	if st, err := store.Open(ctx, db2); err != nil {
		t.Fatal(err)
	} else {
		err := st.SetSettings(ctx, map[string]string{store.SettingStation: "skranke-2"})
		st.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	out.Reset()
	if code := Run(ctx, "dev", []string{"receipt", "show", "skranke-1/1", "--db", db2, "--station", "skranke-2"}, out, errb, env(nil)); code != 0 ||
		!strings.Contains(out.String(), rec.Token) {
		t.Fatalf("show skranke-1/1 from skranke-2: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if code := Run(ctx, "dev", []string{"receipt", "show", "1", "--db", db2, "--station", "skranke-2"}, out, errb, env(nil)); code != 1 ||
		!strings.Contains(errb.String(), "Ingen kvittering 1 på denne skranken (skranke-2). Kvittering 1 finnes på: skranke-1. Skriv STASJON/1, f.eks. skranke-1/1.") {
		t.Fatalf("show 1 from skranke-2 (it has none): exit %d %q", code, errb.String())
	}
	got = do(0, "receipt", "verify", rec.Token)
	if !strings.Contains(got, "Gyldig") || !strings.Contains(got, "Stemmer med kvitteringen i databasen: Øystein Aasen") {
		t.Fatalf("verify: %s", got)
	}
	do(1, "receipt", "verify", strings.Replace(rec.Token, ".R52NXYGSKYS.", ".R52NXYGSKYT.", 1))
	if !strings.Contains(out.String(), "endret") {
		t.Fatalf("altered: %s", out.String())
	}
	// Another desk cannot verify it without this station's public key...
	other := filepath.Join(t.TempDir(), "other.db")
	out.Reset()
	Run(ctx, "dev", []string{"receipt", "verify", rec.Token, "--db", other}, out, errb, env(nil))
	if !strings.Contains(out.String(), "skranke vi ikke kjenner") {
		t.Fatalf("unknown key: %s", out.String())
	}
	// ...and can with it.
	keyLine := do(0, "receipt", "key")
	keys := filepath.Join(t.TempDir(), "trusted.keys")
	os.WriteFile(keys, []byte(keyLine), 0o644)
	out.Reset()
	if code := Run(ctx, "dev", []string{"receipt", "verify", "--keys", keys, rec.Token, "--db", other}, out, errb, env(nil)); code != 0 || !strings.Contains(out.String(), "Gyldig") {
		t.Fatalf("with the key: %d %s %s", code, out.String(), errb.String())
	}
	// Printing with no printer set saves the file and says so.
	do(1, "receipt", "print", "R52NXYGSKYS")
	if !strings.Contains(out.String(), "ingen skriver er satt opp") {
		t.Fatalf("print without a printer: %s", out.String())
	}
}

func TestSignaturesVerifyAndPurge(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "dropin.db")
	c := &cli{t: t, db: db}
	do, out := c.do, &c.out
	do(0, "import", "../../store/testdata/roster-levanger.csv")
	st, _ := store.Open(ctx, db)
	rs, _ := station.OpenReceipts(filepath.Join(dir, "keys"), filepath.Join(dir, "receipts"), receipt.Printer{})
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	st.CheckIn(ctx, "R52NXYGSKYS", by)
	t9 := i18n.New(i18n.Bokmal)
	rec, _, err := rs.Issue(ctx, st, t9, "R52NXYGSKYS", receipt.HandIn, by)
	if err != nil {
		t.Fatal(err)
	}
	signed, files, err := rs.Sign(ctx, st, t9, rec, []receipt.Stroke{{{X: 2, Y: 2}, {X: 40, Y: 8}}}, "", by)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	got := do(0, "receipt", "verify", signed.Token)
	if !strings.Contains(got, "Signert av Øystein Aasen (signatur på skjerm)") {
		t.Fatalf("verify a signed receipt:\n%s", got)
	}

	// Purge: the drawing goes, from the log, the tables and the files.
	beforePNG, err := os.ReadFile(files.PNG)
	if err != nil {
		t.Fatal(err)
	}
	got = do(0, "purge", "signatures", "--before", time.Now().AddDate(0, 0, 1).Format("2.1.2006")) // as the desk writes a day
	if !strings.HasPrefix(got, "Fjernet signaturtegningen fra 1 kvittering signert før ") || !strings.Contains(got, "At den ble signert") {
		t.Fatalf("purge: %s", got)
	}
	st, _ = store.Open(ctx, db)
	sig, _ := st.SignatureOf(ctx, "skranke-1", rec.Number)
	if sig == nil || sig.Strokes != nil || sig.Signer != "Øystein Aasen" {
		t.Fatalf("after purge: %+v", sig)
	}
	card, _ := st.Card(ctx, "R52NXYGSKYS")
	st.Close()
	if card.Timeline[len(card.Timeline)-1].Kind != store.KindSigned {
		t.Fatal("the fact of signing stays in the timeline")
	}
	raw, _ := sql.Open("sqlite", db)
	var payloads string
	raw.QueryRow(`SELECT group_concat(payload) FROM events WHERE kind = 'signed'`).Scan(&payloads)
	if strings.Contains(payloads, `"X":40`) || strings.Contains(payloads, "strokes") {
		t.Fatalf("strokes left in the log: %s", payloads)
	}
	if afterPNG, err := os.ReadFile(files.PNG); err != nil || bytes.Equal(afterPNG, beforePNG) {
		t.Fatalf("the receipt's PNG was not drawn again without the signature (%v)", err)
	}
	got = do(0, "receipt", "verify", signed.Token)
	if !strings.Contains(got, "Signert av") {
		t.Fatalf("a purged signature still verifies:\n%s", got)
	}

	// A receipt changed after signing no longer matches its signature.
	if _, err := raw.Exec(`UPDATE receipts SET content = json_set(content, '$.Account', 'someone@else.no')`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	do(1, "receipt", "verify", signed.Token)
	if !strings.Contains(out.String(), "endret etter at den ble signert") {
		t.Fatalf("tampered: %s", out.String())
	}
}

func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	var out, errb bytes.Buffer
	dsn := os.Getenv("DROPIN_TEST_PG")
	if dsn == "" {
		dsn = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	code := Run(context.Background(), "dev", []string{"serve", "--pg", dsn, "--listen", "0.0.0.0:0"}, &out, &errb, env(nil))
	if strings.Contains(errb.String(), "central store") && os.Getenv("CI") == "" {
		t.Skip("no PostgreSQL here: set DROPIN_TEST_PG or start one on 127.0.0.1:5432")
	}
	if code != 1 || !strings.Contains(errb.String(), "is not loopback: give --tls-cert") {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for host, want := range map[string]bool{"127.0.0.1": true, "::1": true, "localhost": true, "0.0.0.0": false, "192.168.1.5": false} {
		if isLoopback(host) != want {
			t.Errorf("isLoopback(%s) = %v", host, !want)
		}
	}
}

func TestSwedishFromTheLocale(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "sv_SE.UTF-8"}, "sv"},
		{map[string]string{"LC_ALL": "sv_FI.UTF-8", "LANG": "en_US.UTF-8"}, "sv"},
		{map[string]string{"LANG": "en_US.UTF-8"}, ""}, // bokmål, the desk's default
		{map[string]string{"LANG": "sv_SE.UTF-8", "DROPIN_LANG": "nb"}, "nb"},
	} {
		if got := defaults(env(tc.env)).lang; got != tc.want {
			t.Errorf("%v: lang %q, want %q", tc.env, got, tc.want)
		}
	}
}

// The Swedish list, the rules, an approval and the lists the secretariat
// exports, from the command line.
func TestLifecycleCommands(t *testing.T) {
	c := &cli{t: t, db: filepath.Join(t.TempDir(), "dropin.db")}
	do := func(want int, args ...string) string { t.Helper(); return c.do(want, args...) }
	do(0, "import", "../../store/testdata/forteckning-ockero.csv", "--lang", "sv")
	if got := do(0, "rules"); !strings.Contains(got, "Kommunstyrelsens presidium") {
		t.Fatalf("default rules: %s", got)
	}
	got := do(0, "export", "equipment", "--lang", "sv")
	if !strings.HasPrefix(got, "namn,organ,e-post,mobil,har rätt till,väntar på godkännande,har,serienummer,saknas") ||
		!strings.Contains(got, "Lena Larsson,Socialnämnden (Ordförande i nämnd),lena.larsson@ockero.se,0734576085,\"dator, mobiltelefon\",,,,\"dator, mobiltelefon\"") ||
		!strings.Contains(got, "Anna Hägg,Valnämnden (Ledamot i nämnd/styrelse),anna.hagg@ockero.se,") {
		t.Fatalf("equipment export:\n%s", got)
	}
	// An approval for a body the official does not sit in is refused, in words.
	do(1, "approve", "anna.hagg@ockero.se", "--body", "Socialnämnden", "--by", "Ordf", "--lang", "sv")
	if !strings.Contains(c.errb.String(), "sitter inte i Socialnämnden") {
		t.Fatalf("refusal: %s", c.errb.String())
	}
	// Said in the desk's language, with what the rules give her now.
	if got := do(0, "approve", "anna.hagg@ockero.se", "--body", "valnämnden", "--by", "Gun Ordförande", "--lang", "sv"); got != "✓ Sparat: Anna Hägg i Valnämnden är godkänd av Gun Ordförande. Har rätt till: surfplatta.\n" {
		t.Fatalf("approve: %q", got)
	}
	if got := do(0, "export", "equipment", "--codes"); !strings.Contains(got, "Anna Hägg,Valnämnden (Ledamot i nämnd/styrelse),anna.hagg@ockero.se,0768399015,tablet,,,,tablet") {
		t.Fatalf("after approval:\n%s", got)
	}
	if got := do(0, "export", "holders", "--lang", "sv"); got != "namn,organ,mobil,e-post,enhet,serienummer,modell,var,sedan\n" {
		t.Fatalf("nobody holds anything yet: %q", got)
	}

	// A rules file beside the database replaces the default; a bad one
	// stops every command with the line that is wrong.
	rules := filepath.Join(filepath.Dir(c.db), "rules.txt")
	os.WriteFile(rules, []byte("* ; * ; surfplatta\n"), 0o600)
	if got := do(0, "export", "equipment", "--codes"); !strings.Contains(got, "Lena Larsson,Socialnämnden (Ordförande i nämnd),lena.larsson@ockero.se,0734576085,tablet,") {
		t.Fatalf("rules.txt not used:\n%s", got)
	}
	os.WriteFile(rules, []byte("# ok\n* ; * ; skrivare\n"), 0o600)
	do(1, "export", "equipment")
	if !strings.Contains(c.errb.String(), "rules.txt:2: \"skrivare\" is not a device") {
		t.Fatalf("bad rules file: %s", c.errb.String())
	}
	do(1, "rules", "check", rules)
	if !strings.Contains(c.errb.String(), "rules.txt:2:") {
		t.Fatalf("rules check: %s", c.errb.String())
	}
}

// dropin sync with no central store set says so, and how to set one; it
// is no usage error.
func TestSyncWithNoCentralStoreSaysSo(t *testing.T) {
	var out, errb strings.Builder
	db := filepath.Join(t.TempDir(), "d.db")
	code := Run(context.Background(), "dev", []string{"sync", "--db", db}, &out, &errb, env(nil))
	if code != 1 || !strings.Contains(errb.String(), "Ingen sentral lagring er satt opp") || strings.Contains(errb.String(), "Usage") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
}

// dropin sync to an address that is not one (no https://) says so and
// how to mend it, never that the central store is down.
func TestSyncToAWrongAddressSaysSo(t *testing.T) {
	var out, errb strings.Builder
	db := filepath.Join(t.TempDir(), "d.db")
	code := Run(context.Background(), "dev", []string{"sync", "--db", db, "--central", "dropin.innherred.no", "--token", "x"}, &out, &errb, env(nil))
	if code != 1 || !strings.Contains(out.String(), "«dropin.innherred.no» er ikke en adresse til sentrallageret") ||
		strings.Contains(out.String(), "Får ikke kontakt") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
}

// freshPG makes an empty PostgreSQL database for one test.
func freshPG(t *testing.T) string { return pgtest.NewDatabase(t) }

// serve migrate applies what the central schema lacks and says so; a
// service told not to migrate refuses a schema that is not its own.
func TestServeMigrate(t *testing.T) {
	dsn := freshPG(t)
	var out, errb bytes.Buffer
	call := caller(env(map[string]string{"DROPIN_PG": dsn}), &out, &errb)
	if code := call("serve", "--no-migrate", "--listen", "127.0.0.1:0"); code != 1 || !strings.Contains(errb.String(), "run dropin serve migrate") {
		t.Fatalf("serve --no-migrate on an empty database: exit %d %s", code, errb.String())
	}
	if code := call("serve", "migrate"); code != 0 || !strings.Contains(out.String(), "applied 001_init.sql") {
		t.Fatalf("migrate: exit %d %s%s", code, out.String(), errb.String())
	}
	if code := call("serve", "migrate"); code != 0 || strings.Contains(out.String(), "applied") ||
		!strings.Contains(out.String(), fmt.Sprintf("at version %d", central.SchemaVersion())) {
		t.Fatalf("migrate again: exit %d %s%s", code, out.String(), errb.String())
	}
}

// Two desks set up alike (one station's name and token, two databases):
// the second's dropin sync is refused in words that say both ways out;
// serve station release lets the next database be the station's.
func TestASecondDatabaseAsTheStationIsToldAndReleased(t *testing.T) {
	ctx := context.Background()
	dsn := freshPG(t)
	var out, errb bytes.Buffer
	call := caller(env(map[string]string{"DROPIN_PG": dsn}), &out, &errb)
	if code := call("serve", "migrate"); code != 0 {
		t.Fatalf("migrate: %d %s", code, errb.String())
	}
	c, err := central.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	token, err := c.AddStation(ctx, "skranke-1", "innherred")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(central.Handler(c, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	sync := func(db string) int {
		return call("sync", "--db", db, "--station", "skranke-1", "--central", srv.URL, "--token", token)
	}
	first, second := filepath.Join(t.TempDir(), "a.db"), filepath.Join(t.TempDir(), "b.db")
	if code := sync(first); code != 0 {
		t.Fatalf("the first desk's sync: %d %s%s", code, out.String(), errb.String())
	}
	// Synced as a station named on purpose, the new database is that
	// station's: the desk opened on it later works as it.
	if st, err := store.Open(ctx, first); err != nil {
		t.Fatal(err)
	} else if name, _ := st.Setting(ctx, store.SettingStation); name != "skranke-1" {
		st.Close()
		t.Fatalf("the database synced as skranke-1 is station %q", name)
	} else {
		st.Close()
	}
	if code := sync(second); code != 1 || !strings.Contains(out.String()+errb.String(), "Sentrallageret kjenner stasjonen skranke-1 fra en annen database") ||
		!strings.Contains(out.String()+errb.String(), "dropin serve station release skranke-1") {
		t.Fatalf("the second desk's sync: exit %d\n%s%s", code, out.String(), errb.String())
	}
	if code := call("serve", "station", "list"); code != 0 || !strings.Contains(out.String(), "its database has synced (release to move it)") {
		t.Fatalf("list, bound: exit %d %s%s", code, out.String(), errb.String())
	}
	if code := call("serve", "station", "release", "skranke-1"); code != 0 || !strings.Contains(out.String(), "station skranke-1 released") {
		t.Fatalf("release: exit %d %s%s", code, out.String(), errb.String())
	}
	if code := call("serve", "station", "list"); code != 0 || !strings.Contains(out.String(), "no database yet") {
		t.Fatalf("list, released: exit %d %s%s", code, out.String(), errb.String())
	}
	if code := sync(second); code != 0 {
		t.Fatalf("the second desk after the release: %d %s%s", code, out.String(), errb.String())
	}
	if code := sync(first); code != 1 {
		t.Fatalf("the first desk after the release: exit %d", code)
	}
	if code := call("serve", "station", "release", "skranke-9"); code != 1 || !strings.Contains(errb.String(), "no such station") {
		t.Fatalf("release of no station: exit %d %q", code, errb.String())
	}
}

// --help says the station's default in words once, not also as the host
// name it happens to be.
func TestHelpSaysTheStationDefaultOnce(t *testing.T) {
	var out, errb bytes.Buffer
	Run(context.Background(), "dev", []string{"--help"}, &out, &errb, env(nil))
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "--station") && strings.Contains(line, `(default "`) {
			t.Fatalf("the station's default twice: %s", line)
		}
	}
}

// serve viewer add prints a password once; list shows the viewer and its
// tenant, never the password; revoke ends it, and a second revoke or a
// second add of the name says why.
func TestServeViewerCommands(t *testing.T) {
	dsn := freshPG(t)
	var out, errb bytes.Buffer
	call := caller(env(map[string]string{"DROPIN_PG": dsn}), &out, &errb)
	if code := call("serve", "viewer", "add", "leder"); code != 2 || !strings.Contains(errb.String(), "--tenant") {
		t.Fatalf("add without a tenant: %d %q", code, errb.String())
	}
	if code := call("serve", "viewer", "add", "leder", "--tenant", "innherred"); code != 0 {
		t.Fatalf("add: %d %s", code, errb.String())
	}
	var password string
	for _, line := range strings.Split(out.String(), "\n") {
		if p, ok := strings.CutPrefix(strings.TrimSpace(line), "password:"); ok {
			password = strings.TrimSpace(p)
		}
	}
	if len(password) < 20 {
		t.Fatalf("no password printed:\n%s", out.String())
	}
	if code := call("serve", "viewer", "list"); code != 0 || !strings.Contains(out.String(), "leder") ||
		!strings.Contains(out.String(), "innherred") || strings.Contains(out.String(), password) {
		t.Fatalf("list: %d\n%s", code, out.String())
	}
	if code := call("serve", "viewer", "add", "leder", "--tenant", "innherred"); code != 1 || !strings.Contains(errb.String(), "exists") {
		t.Fatalf("add twice: %d %q", code, errb.String())
	}
	if code := call("serve", "viewer", "revoke", "leder"); code != 0 {
		t.Fatalf("revoke: %d %s", code, errb.String())
	}
	if code := call("serve", "viewer", "list"); code != 0 || !strings.Contains(out.String(), "revoked") {
		t.Fatalf("list after revoke:\n%s", out.String())
	}
	if code := call("serve", "viewer", "revoke", "nobody"); code != 1 || !strings.Contains(errb.String(), "no such viewer") {
		t.Fatalf("revoke nobody: %d %q", code, errb.String())
	}
}

// A database is one station's: once a command has written to it as
// skranke-1, a command that names no station works as skranke-1 whatever
// the host is called, and one that names another is refused before it
// writes anything. Written under two names, the database could never push
// again: the central store takes from a station only its own events.
func TestADatabaseIsOneStations(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "dropin.db")
	var out, errb bytes.Buffer
	run := caller(env(nil), &out, &errb)
	// Commands that only read do not decide whose it is.
	for _, args := range [][]string{{"export", "devices"}, {"receipt", "key"}, {"conflicts"}} {
		if code := run(append(args, "--db", db)...); code != 0 {
			t.Fatalf("%v: exit %d\n%s", args, code, errb.String())
		}
	}
	if st, err := store.Open(ctx, db); err != nil {
		t.Fatal(err)
	} else {
		have, err := st.Setting(ctx, store.SettingStation)
		st.Close()
		if err != nil || have != "" {
			t.Fatalf("reading claimed the database for %q (%v)", have, err)
		}
	}
	// The first that writes does.
	c := &cli{t: t, db: db}
	c.do(0, "import", "../../store/testdata/roster-levanger.csv")
	if code := run("batch", "import", "--name", "Kommunestyret 2. april", "../../store/testdata/scans-batch1.txt", "--db", db); code != 0 {
		t.Fatalf("batch import with the host's name: exit %d\n%s", code, errb.String())
	}
	if code := run("receipt", "key", "--db", db); code != 0 || !strings.HasSuffix(out.String(), " skranke-1\n") {
		t.Fatalf("receipt key: exit %d %q", code, out.String())
	}
	outbox := func() []store.Event {
		st, err := store.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		evs, err := st.Outbox(ctx, 1_000_000)
		if err != nil {
			t.Fatal(err)
		}
		return evs
	}
	before := outbox()
	for _, e := range before {
		if e.Station != "skranke-1" {
			t.Fatalf("an event of %q in skranke-1's database: %+v", e.Station, e)
		}
	}
	refused := `er databasen til stasjonen «skranke-1», ikke «skranke-2»`
	if code := run("import", "../../store/testdata/roster-levanger.csv", "--db", db, "--station", "skranke-2"); code != 1 || !strings.Contains(errb.String(), refused) {
		t.Fatalf("import as skranke-2: exit %d %q", code, errb.String())
	}
	run = caller(env(map[string]string{"DROPIN_STATION": "skranke-2"}), &out, &errb)
	if code := run("batch", "import", "--name", "Formannskapet", "../../store/testdata/scans-batch1.txt", "--db", db); code != 1 || !strings.Contains(errb.String(), refused) {
		t.Fatalf("batch import as skranke-2: exit %d %q", code, errb.String())
	}
	if after := outbox(); len(after) != len(before) {
		t.Fatalf("the refused commands wrote %d events", len(after)-len(before))
	}
}

// The desk looks before its first frame and claims after: on a database
// that is no station's it keeps its own name and writes nothing yet; on
// one that is, it works as that station, or refuses a name given for
// another.
func TestTheDeskWorksAsItsDatabasesStation(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "dropin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o := options{db: "dropin.db", station: "vm", hostStation: "vm"}
	if err := o.settleStation(ctx, st, false); err != nil || o.station != "vm" {
		t.Fatalf("an unclaimed database: %q %v", o.station, err)
	}
	if have, _ := st.Setting(ctx, store.SettingStation); have != "" {
		t.Fatalf("the look claimed it for %q", have)
	}
	if have, err := st.ClaimStation(ctx, "skranke-1"); err != nil || have != "skranke-1" {
		t.Fatalf("claim: %q %v", have, err)
	}
	if have, err := st.ClaimStation(ctx, "skranke-2"); err != nil || have != "skranke-1" {
		t.Fatalf("a second claim: %q %v", have, err)
	}
	if err := o.settleStation(ctx, st, false); err != nil || o.station != "skranke-1" {
		t.Fatalf("the host's name on skranke-1's database: %q %v", o.station, err)
	}
	o = options{db: "dropin.db", station: "skranke-2", stationGiven: true}
	if err := o.settleStation(ctx, st, false); err == nil {
		t.Fatalf("skranke-2 given on skranke-1's database was not refused")
	}
}
