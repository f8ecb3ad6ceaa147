package export_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Oslo on a machine without a zone database

	"github.com/xuri/excelize/v2"

	"dropin/store"
	"dropin/store/export"
)

// trickyRoster has what a spreadsheet program damages when it guesses:
// a serial with a leading zero, one that reads as a number in exponent
// form, phone numbers with 00 and +, a name that looks like a formula.
const trickyRoster = "Navn;Kommune;Organ;Rolle;Primær e-post;Sekundær e-post;Mobil;Ansatt i kommunen;Nettbrett serienr;Nettbrett modell\r\n" +
	"Åse Nullsen;Levanger;Kommunestyret;Medlem;ase.nullsen@levanger.kommune.no;ase.nullsen@innherred-samkommune.no;004791234567;Nei;0123456789;iPad (10. gen)\r\n" +
	"Eksponent Ærlig;Levanger;Formannskapet;Leder;e.aerlig@levanger.kommune.no;;+4791234568;Nei;12E45678;Galaxy Tab S6 Lite\r\n" +
	"\"=HYPERLINK(\"\"http://x\"\";\"\"klikk\"\")\";Verdal;Kommunestyret;Medlem;formel@verdal.kommune.no;;+47 912 34 569;Nei;DMPXK2ABC123;iPad\r\n" +
	"@Krøll Øyen;Verdal;Kommunestyret;Varamedlem;krell@verdal.kommune.no;;;Nei;00E00001;iPad\r\n"

var oslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return l
}()

// tricky is a store with the tricky roster: one tablet checked in (a
// time to write), one in a batch, the rest still to chase.
func tricky(t *testing.T) (*store.Store, store.Batch) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "dropin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ros, err := store.ParseRoster(strings.NewReader(trickyRoster))
	if err != nil {
		t.Fatal(err)
	}
	if len(ros.Errors) > 0 {
		t.Fatalf("roster errors: %+v", ros.Errors)
	}
	if _, err := st.Import(ctx, ros, desk, false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CheckIn(ctx, "DMPXK2ABC123", desk); err != nil {
		t.Fatal(err)
	}
	b, err := st.OpenBatch(ctx, store.BatchSpec{Name: "Kommunestyret, samlet inn 2. april"}, desk)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ReadBatch(ctx, b.ID, []string{"12E45678", "12e45678", "ZZZ9999999"}, desk); err != nil {
		t.Fatal(err)
	}
	b, err = st.Batch(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	return st, b
}

// words are the bokmål words an export uses, enough to see they are used.
func words(key string) string {
	switch key {
	case "sheet.outstanding":
		return "Utestående"
	case "csv.serial":
		return "serienummer"
	}
	return key
}

// workbooks is every export of the tricky store, by file name: a
// workbook's tables, as they were written.
func workbooks(t *testing.T) map[string][]export.Table {
	t.Helper()
	ctx := context.Background()
	st, b := tricky(t)
	out := map[string][]export.Table{}
	for name, build := range map[string]func(context.Context, *store.Store, export.Words) (export.Table, error){
		"devices": export.Devices, "officials": export.Officials, "outstanding": export.Outstanding,
		"equipment": export.Equipment, "holders": export.Holders,
		"requests": func(ctx context.Context, st *store.Store, w export.Words) (export.Table, error) {
			return export.Requests(ctx, st, w, true)
		},
	} {
		table, err := build(ctx, st, words)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = []export.Table{table}
	}
	parts, err := export.BatchParts(ctx, st, words, b)
	if err != nil {
		t.Fatal(err)
	}
	out["batch"] = parts
	return out
}

func writeXLSX(t *testing.T, path string, tables []export.Table) {
	t.Helper()
	err := export.WriteFile(path, func(w io.Writer) error {
		return export.WriteXLSX(w, export.Format{Location: oslo, DateTime: "dd.mm.yyyy hh:mm"}, tables...)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// shown is a cell as a person reads it in the sheet: text as it is, a
// time in Oslo's wall clock in the bokmål format.
func shown(c export.Cell) string {
	if !c.Time.IsZero() {
		return c.Time.In(oslo).Format("02.01.2006 15:04")
	}
	return c.Text
}

// Every export, read back with excelize: text cells hold the text
// exactly (no number, no formula), times are dates in the desk's zone,
// counts are numbers; a bold frozen header with a filter on it.
func TestWorkbookCells(t *testing.T) {
	dir := t.TempDir()
	seen := map[string]bool{}
	for name, tables := range workbooks(t) {
		path := filepath.Join(dir, name+".xlsx")
		writeXLSX(t, path, tables)
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer f.Close()
		if got := f.GetSheetList(); len(got) != len(tables) {
			t.Fatalf("%s: sheets %q, want one per part", name, got)
		}
		for i, table := range tables {
			sheet := f.GetSheetList()[i]
			if sheet != table.Title {
				t.Errorf("%s: sheet %q, want the title %q", name, sheet, table.Title)
			}
			checkSheet(t, f, sheet, table, seen)
		}
		checkFilters(t, path, tables)
	}
	for _, v := range []string{"0123456789", "12E45678", "00E00001", "004791234567", "+4791234568", "+47 912 34 569", `=HYPERLINK("http://x";"klikk")`, "@Krøll Øyen", "date"} {
		if !seen[v] {
			t.Errorf("no export wrote %q: the test does not test what it says", v)
		}
	}
}

func checkSheet(t *testing.T, f *excelize.File, sheet string, table export.Table, seen map[string]bool) {
	t.Helper()
	for c, h := range table.Head {
		at, _ := excelize.CoordinatesToCellName(c+1, 1)
		v, _ := f.GetCellValue(sheet, at)
		style, _ := f.GetCellStyle(sheet, at)
		s, _ := f.GetStyle(style)
		if v != h || s == nil || s.Font == nil || !s.Font.Bold {
			t.Errorf("%s!%s: header %q, want %q in bold", sheet, at, v, h)
		}
	}
	panes, err := f.GetPanes(sheet)
	if err != nil || !panes.Freeze || panes.YSplit != 1 {
		t.Errorf("%s: the header row is not frozen: %+v %v", sheet, panes, err)
	}
	tables, err := f.GetTables(sheet)
	if err != nil || len(tables) != 1 || tables[0].Range != "A1:"+lastCell(table) {
		t.Errorf("%s: want a table over A1:%s, got %+v %v", sheet, lastCell(table), tables, err)
	}
	for r, row := range table.Rows {
		for c, cell := range row {
			at, _ := excelize.CoordinatesToCellName(c+1, r+2)
			typ, _ := f.GetCellType(sheet, at)
			raw, _ := f.GetCellValue(sheet, at, excelize.Options{RawCellValue: true})
			formula, _ := f.GetCellFormula(sheet, at)
			if formula != "" {
				t.Errorf("%s!%s: a formula %q from data", sheet, at, formula)
			}
			switch {
			case !cell.Time.IsZero():
				when, err := excelize.ExcelDateToTime(parseFloat(t, raw), false)
				w := cell.Time.In(oslo)
				if err != nil || !when.Equal(time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)) {
					t.Errorf("%s!%s: date %q (%v), want %s in Oslo", sheet, at, raw, when, w)
				}
				if got, _ := f.GetCellValue(sheet, at); got != shown(cell) {
					t.Errorf("%s!%s: shows %q, want %q", sheet, at, got, shown(cell))
				}
				seen["date"] = true
			case cell.Num:
				if typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset || raw != cell.Text {
					t.Errorf("%s!%s: count %q (type %v), want the number %s", sheet, at, raw, typ, cell.Text)
				}
			case cell.Text == "":
			default:
				if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString || raw != cell.Text {
					t.Errorf("%s!%s: %q (type %v), want the text %q", sheet, at, raw, typ, cell.Text)
				}
				seen[cell.Text] = true
			}
		}
	}
}

func lastCell(table export.Table) string {
	at, _ := excelize.CoordinatesToCellName(len(table.Head), max(len(table.Rows)+1, 2))
	return at
}

// checkFilters looks in the workbook's parts for a filter over every
// sheet's rows: what gives each header its filter button.
func checkFilters(t *testing.T, path string, tables []export.Table) {
	t.Helper()
	z, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	var parts string
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "xl/tables/") {
			r, _ := f.Open()
			b, _ := io.ReadAll(r)
			r.Close()
			parts += string(b)
		}
	}
	for _, table := range tables {
		if want := `<autoFilter ref="A1:` + lastCell(table) + `"`; !strings.Contains(parts, want) {
			t.Errorf("%s: no filter %s in %s", path, want, parts)
		}
	}
}

func parseFloat(t *testing.T, s string) float64 {
	var v float64
	if _, err := fmt.Sscan(s, &v); err != nil {
		t.Errorf("not a number: %q", s)
	}
	return v
}

// Every workbook opened in LibreOffice Calc, the spreadsheet program the
// secretariat may well use, and saved back as CSV the way it shows the
// cells: every serial and phone digit and every date survives a real
// spreadsheet program, and no cell became a formula.
func TestLibreOfficeReadsTheWorkbooks(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("soffice is missing: .ci/run installs libreoffice-calc-nogui")
		}
		t.Skip("soffice is not installed; apt-get install libreoffice-calc-nogui to run this test")
	}
	dir := t.TempDir()
	books := workbooks(t)
	var files []string
	for name, tables := range books {
		path := filepath.Join(dir, name+".xlsx")
		writeXLSX(t, path, tables)
		files = append(files, path)
	}
	out := filepath.Join(dir, "csv")
	// 44,34,76: comma, quote, UTF-8; true (9th) is "as shown", so a date
	// is read as a person sees it; -1 (12th) writes every sheet.
	args := append([]string{"--headless", "-env:UserInstallation=file://" + filepath.Join(dir, "profile"),
		"--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1", "--outdir", out}, files...)
	cmd := exec.Command(soffice, args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	for name, tables := range books {
		for _, table := range tables {
			path := filepath.Join(out, name+"-"+table.Title+".csv")
			data, err := os.ReadFile(path)
			if err != nil {
				entries, _ := os.ReadDir(out)
				t.Fatalf("LibreOffice wrote no %s (%v): %v", path, entries, err)
			}
			rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if len(rows) != len(table.Rows)+1 && !(len(table.Rows) == 0 && len(rows) == 1) {
				t.Fatalf("%s: %d rows, want %d", path, len(rows), len(table.Rows)+1)
			}
			if strings.Join(rows[0], "|") != strings.Join(table.Head, "|") {
				t.Errorf("%s: header %q, want %q", path, rows[0], table.Head)
			}
			for r, row := range table.Rows {
				for c, cell := range row {
					if got := rows[r+1][c]; got != shown(cell) {
						t.Errorf("%s row %d col %d: LibreOffice shows %q, want %q", path, r+2, c+1, got, shown(cell))
					}
				}
			}
		}
	}
}
