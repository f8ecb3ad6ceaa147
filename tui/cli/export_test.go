package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dropin/store"
	"dropin/store/export"
	"dropin/tui/i18n"
)

// --excel writes a workbook to a file named for the list and the day in
// the working folder, never over one that is there, and says where.
func TestExcelExportGoesToAFile(t *testing.T) {
	dir, here := t.TempDir(), wd(t)
	t.Chdir(dir)
	c := &cli{t: t, db: filepath.Join(dir, "dropin.db")}
	c.do(0, "import", filepath.Join(here, "../../store/testdata/roster-levanger.csv"))
	day := time.Now().Format("2006-01-02")
	for _, name := range []string{"utestaende-" + day + ".xlsx", "utestaende-" + day + "-2.xlsx"} {
		if got := c.do(0, "export", "outstanding", "--excel"); strings.TrimSpace(got) != "Skrev "+name {
			t.Fatalf("said %q, want it to name %s", got, name)
		}
		f, err := excelize.OpenFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("Utestående")
		f.Close()
		if len(rows) != 84 || rows[0][0] != "navn" {
			t.Fatalf("%s: %d rows, header %q", name, len(rows), rows[0])
		}
	}
	// In Swedish the name is Swedish; with --codes it is the code.
	if got := c.do(0, "export", "outstanding", "--excel", "--lang", "sv"); !strings.Contains(got, "saknas-"+day+".xlsx") {
		t.Fatalf("Swedish: %q", got)
	}
	// --exports (or DROPIN_EXPORTS) is the folder, made when missing.
	folder := filepath.Join(dir, "eksport", "uke 49")
	if got := c.do(0, "export", "holders", "--excel", "--exports", folder); strings.TrimSpace(got) != "Skrev "+filepath.Join(folder, "hvem-har-hva-"+day+".xlsx") {
		t.Fatalf("--exports: said %q", got)
	}
	// A workbook to stdout goes to a pipe, never to a terminal.
	c.do(0, "export", "devices", "--excel", "-o", "-")
	if !bytes.HasPrefix(c.out.Bytes(), []byte("PK")) {
		t.Fatalf("a workbook on stdout: %.20q", c.out.String())
	}
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	defer tty.Close()
	var errb bytes.Buffer
	code := Run(context.Background(), "dev", []string{"export", "devices", "--excel", "-o", "-", "--db", c.db}, tty, &errb, env(nil))
	if code != 1 || !strings.Contains(errb.String(), "skrives ikke til terminalen") {
		t.Fatalf("a workbook to a terminal: exit %d, %q", code, errb.String())
	}
}

// The batch report as a workbook: a sheet for the counts, the tablets and
// the officials still missing.
func TestBatchReportWorkbook(t *testing.T) {
	dir, here := t.TempDir(), wd(t)
	t.Chdir(dir)
	c := &cli{t: t, db: filepath.Join(dir, "dropin.db")}
	c.do(0, "import", filepath.Join(here, "../../store/testdata/roster-levanger.csv"))
	c.do(0, "batch", "import", "--name", "Kommunestyret, 2. april", filepath.Join(here, "../../store/testdata/scans-batch1.txt"))
	out := filepath.Join(dir, "rapport.xlsx")
	if got := c.do(0, "batch", "report", "--excel", "-o", out, "Kommunestyret, 2. april"); !strings.Contains(got, "rapport.xlsx") {
		t.Fatalf("said %q", got)
	}
	f, err := excelize.OpenFile(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := strings.Join(f.GetSheetList(), "|"); got != "Tall|Nettbrett|Mangler" {
		t.Fatalf("sheets %s", got)
	}
	counts, _ := f.GetRows("Tall")
	// 94 expected = 67 collected + 0 in another way + 27 missing.
	if counts[1][0] != "ventet" || counts[1][1] != "94" || counts[2][0] != "ventede samlet inn" || counts[2][1] != "67" ||
		counts[3][0] != "ventede som kom inn utenom bunken" || counts[3][1] != "0" {
		t.Fatalf("counts %q", counts)
	}
	if typ, _ := f.GetCellType("Tall", "B2"); typ == excelize.CellTypeInlineString {
		t.Fatal("a count is a number, not text")
	}
	tablets, _ := f.GetRows("Nettbrett")
	missing, _ := f.GetRows("Mangler")
	if len(tablets) != 69 || len(missing) != 28 {
		t.Fatalf("%d tablets, %d missing", len(tablets)-1, len(missing)-1)
	}
	// Whose council each one missing sits in: a joint council's batch
	// may span municipalities.
	if missing[0][1] != "kommune" || missing[1][1] != "Levanger" {
		t.Fatalf("the missing sheet: %q, %q", missing[0], missing[1])
	}
	// Without -o, a name from the batch's.
	if got := c.do(0, "batch", "report", "--excel", "Kommunestyret, 2. april"); !strings.Contains(got, "bunke-kommunestyret-2-april-"+time.Now().Format("2006-01-02")+".xlsx") {
		t.Fatalf("said %q", got)
	}
	c.do(2, "batch", "report", "--excel", "--csv", "Kommunestyret, 2. april")
}

// The report of a batch across municipalities says each missing one's.
func TestBatchReportAcrossMunicipalities(t *testing.T) {
	dir, here := t.TempDir(), wd(t)
	c := &cli{t: t, db: filepath.Join(dir, "dropin.db")}
	c.do(0, "import", filepath.Join(here, "../../store/testdata/roster-levanger.csv"))
	c.do(0, "import", filepath.Join(here, "../../store/testdata/roster-verdal-cp1252.csv"))
	c.do(0, "batch", "import", "--name", "KS", "--body", "Kommunestyret", filepath.Join(here, "../../store/testdata/scans-batch1.txt"))
	got := c.do(0, "batch", "report", "KS")
	if !strings.HasPrefix(got, "KS · Kommunestyret (Levanger, Verdal)\n") || !strings.Contains(got, "Kommunestyret (Medlem) · Verdal\n") {
		t.Fatalf("the report:\n%s", got)
	}
}

// Every word an export writes has its words in every language: headers,
// sheet names, statuses, kinds.
func TestExportsHaveWordsInEveryLanguage(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	c := &cli{t: t, db: filepath.Join(dir, "dropin.db")}
	c.do(0, "import", "../../store/testdata/roster-levanger.csv")
	c.do(0, "batch", "import", "--name", "B", "../../store/testdata/scans-batch1.txt")
	st, err := store.Open(ctx, c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b, err := st.FindBatch(ctx, "B")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range i18n.Langs {
		cat := i18n.New(lang)
		words := export.Words(csvWords(cat))
		var tables []export.Table
		for _, build := range []func(context.Context, *store.Store, export.Words) (export.Table, error){
			export.Devices, export.Officials, export.Outstanding, export.Equipment, export.Holders,
			func(ctx context.Context, st *store.Store, w export.Words) (export.Table, error) {
				return export.Batch(ctx, st, w, b)
			},
		} {
			table, err := build(ctx, st, words)
			if err != nil {
				t.Fatal(err)
			}
			tables = append(tables, table)
		}
		parts, err := export.BatchParts(ctx, st, words, b)
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range tables {
			if table.Name != "batch" {
				if s := cat.T("file." + table.Name); strings.Contains(s, "⟨") {
					t.Errorf("%s: %q has no file name", lang, table.Name)
				}
			}
		}
		for _, table := range append(tables, parts...) {
			texts := append([]string{table.Title}, table.Head...)
			for _, row := range table.Rows {
				for _, cell := range row {
					texts = append(texts, cell.Text)
				}
			}
			for _, s := range texts {
				if strings.Contains(s, "⟨") {
					t.Errorf("%s %s: %q has no words", lang, table.Name, s)
				}
			}
		}
	}
}

// Every path a user gives works: ~ for the home folder in --db (also as
// --db=~/x and from the environment), in files read and files written;
// spaces, æøå, ? and # in names; a missing folder for the database is
// made, a missing one for an export is said in words.
func TestPathsAsUsersTypeThem(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	roster, err := os.ReadFile("../../store/testdata/roster-levanger.csv")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir(t.TempDir())
	os.WriteFile(filepath.Join(home, "liste æøå ?#.csv"), roster, 0o600)
	run := func(want int, args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := Run(context.Background(), "dev", args, &out, &errb, env(map[string]string{"DROPIN_DB": "~/fra miljø/x.db"})); code != want {
			t.Fatalf("%q: exit %d, want %d\n%s%s", args, code, want, out.String(), errb.String())
		}
		return out.String() + errb.String()
	}
	run(0, "import", "~/liste æøå ?#.csv")
	if _, err := os.Stat(filepath.Join(home, "fra miljø", "x.db")); err != nil {
		t.Fatalf("DROPIN_DB=~/…: %v", err)
	}
	run(0, "--db=~/mappe/dropin æøå?#.db", "import", "~/liste æøå ?#.csv")
	run(0, "--db", "rel/ny mappe/x.db", "import", "~/liste æøå ?#.csv")
	for _, p := range []string{filepath.Join(home, "mappe", "dropin æøå?#.db"), "rel/ny mappe/x.db"} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("database at %s: %v", p, err)
		}
	}
	run(0, "export", "outstanding", "--excel", "-o", "~/ut #1?.xlsx")
	if _, err := excelize.OpenFile(filepath.Join(home, "ut #1?.xlsx")); err != nil {
		t.Fatalf("workbook at ~/ut #1?.xlsx: %v", err)
	}
	if got := run(1, "export", "outstanding", "--excel", "-o", "~/finnes ikke/ut.xlsx"); !strings.Contains(got, "Kunne ikke skrive") {
		t.Fatalf("an export to a missing folder: %q", got)
	}
	if got := run(1, "--db", "~/liste æøå ?#.csv/x.db", "export", "devices"); !strings.Contains(got, "folder") || strings.Contains(got, "SQL") {
		t.Fatalf("a database under a file: %q", got)
	}
}

// wd is the test's package folder, for test files after a Chdir.
func wd(t *testing.T) string {
	t.Helper()
	d, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The term-end list says a roster's tablet in for its upgrade is in, at
// its step, in words; the codes keep its custody.
func TestHoldersExportSaysWhatIsIn(t *testing.T) {
	dir, here := t.TempDir(), wd(t)
	c := &cli{t: t, db: filepath.Join(dir, "dropin.db")}
	c.do(0, "import", filepath.Join(here, "../../store/testdata/roster-levanger.csv"))
	c.do(0, "batch", "import", "--name", "KS", filepath.Join(here, "../../store/testdata/scans-batch1.txt"))
	got := c.do(0, "export", "holders")
	if !strings.Contains(got, ",R52NXYGSKYS,Galaxy Tab S6 Lite,hos den folkevalgte,") ||
		!strings.Contains(got, ",GGZWY3YKTF,iPad (9. gen),inne til oppgradering: mottatt,") {
		t.Fatalf("holders:\n%s", got)
	}
	if got := c.do(0, "export", "holders", "--codes"); !strings.Contains(got, ",GGZWY3YKTF,iPad (9. gen),held,") {
		t.Fatalf("holders, codes:\n%s", got)
	}
}
