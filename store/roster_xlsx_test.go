package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// calcWorkbook has LibreOffice Calc, headless, open a CSV roster as a
// person would (the separator and encoding given, every column's type
// guessed by Calc: a phone or an IMEI of digits becomes a number) and
// save it as an Excel workbook.
func calcWorkbook(t *testing.T, csvPath, charset string) string {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("soffice is missing: .ci/run installs libreoffice-calc-nogui")
		}
		t.Skip("soffice is not installed; apt-get install libreoffice-calc-nogui to run this test")
	}
	dir := t.TempDir()
	// 59,34: semicolon, quote; then the character set; 1: from the first line.
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--infilter=CSV:59,34,"+charset+",1", "--convert-to", "xlsx", "--outdir", dir, csvPath)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	out := filepath.Join(dir, strings.TrimSuffix(filepath.Base(csvPath), filepath.Ext(csvPath))+".xlsx")
	if _, err := os.Stat(out); err != nil {
		t.Fatalf("LibreOffice wrote no workbook: %v", err)
	}
	return out
}

// A roster saved as a workbook reads as the CSV it was made from: the
// same officials, seats and tablets, the same bad rows on the same lines
// (a workbook's row is a CSV file's line), a serial of digits that Calc
// stored as a number with every digit. The workbooks are LibreOffice
// Calc's own, made from the secretariat's two real-shaped exports and
// from a file with an IMEI and bad rows.
func TestAWorkbookReadsAsTheCSVItWasMadeFrom(t *testing.T) {
	odd := filepath.Join(t.TempDir(), "odd.csv")
	os.WriteFile(odd, []byte("Navn;Kommune;Organ;Rolle;Primær e-post;Mobil;Ansatt i kommunen;Nettbrett serienr;Nettbrett modell\n"+
		"Kari Nordmann;Levanger;Kommunestyret;Medlem;kari@levanger.kommune.no;91234567;Nei;353918057264026;Galaxy Tab A\n"+
		";Levanger;Kommunestyret;Medlem;x@levanger.kommune.no;;Nei;;\n"+
		"Per Ås;Levanger;Formannskapet;Leder;ikke-en-adresse;;Kanskje;;\n"+
		"Kari Nordmann;Levanger;Formannskapet;Medlem;kari@levanger.kommune.no;91234567;Nei;353918057264026;Galaxy Tab A\n"), 0o600)
	for _, c := range []struct{ file, charset string }{
		{"testdata/roster-levanger.csv", "76"},
		{"testdata/roster-verdal-cp1252.csv", "1"},
		{odd, "76"},
	} {
		t.Run(filepath.Base(c.file), func(t *testing.T) {
			data, err := os.ReadFile(c.file)
			if err != nil {
				t.Fatal(err)
			}
			want, err := ParseRoster(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			book, err := os.ReadFile(calcWorkbook(t, c.file, c.charset))
			if err != nil {
				t.Fatal(err)
			}
			if !IsWorkbook(book) || IsWorkbook(data) {
				t.Fatal("a workbook is told from a CSV file by its first bytes")
			}
			got, err := ParseWorkbook(bytes.NewReader(book))
			if err != nil {
				t.Fatal(err)
			}
			if got.Encoding != Workbook || got.Sheet == "" {
				t.Fatalf("read as %q, sheet %q", got.Encoding, got.Sheet)
			}
			if got.Rows != want.Rows || len(want.Officials) == 0 {
				t.Fatalf("%d rows, want %d", got.Rows, want.Rows)
			}
			if !reflect.DeepEqual(got.Officials, want.Officials) {
				t.Fatalf("officials differ:\n got %+v\nwant %+v", got.Officials, want.Officials)
			}
			if !reflect.DeepEqual(got.Tablets, want.Tablets) {
				t.Fatalf("tablets differ:\n got %+v\nwant %+v", got.Tablets, want.Tablets)
			}
			if !reflect.DeepEqual(got.Errors, want.Errors) {
				t.Fatalf("bad rows differ:\n got %+v\nwant %+v", got.Errors, want.Errors)
			}
		})
	}
	// The odd file's IMEI kept all 15 digits, and its bad rows are named
	// by their rows.
	book, _ := os.ReadFile(calcWorkbook(t, odd, "76"))
	ros, _ := ParseWorkbook(bytes.NewReader(book))
	if len(ros.Tablets) != 1 || ros.Tablets[0].Serial != "353918057264026" {
		t.Fatalf("the IMEI: %+v", ros.Tablets)
	}
	if len(ros.Errors) != 2 || ros.Errors[0].Line != 3 || ros.Errors[1].Line != 4 {
		t.Fatalf("bad rows: %+v", ros.Errors)
	}
}

// The desk imports a workbook as it imports a CSV file, by its path.
func TestImportFileTakesAWorkbook(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ros, rep, err := s.ImportFile(ctx, calcWorkbook(t, "testdata/roster-levanger.csv", "76"), desk, false)
	if err != nil {
		t.Fatal(err)
	}
	if ros.Encoding != Workbook || len(rep.New) != len(ros.Officials) || len(ros.Officials) == 0 {
		t.Fatalf("imported %d of %d officials from a %s", len(rep.New), len(ros.Officials), ros.Encoding)
	}
	if card, err := s.Card(ctx, "TJYHCY68QHGJ"); err != nil || card.Official == nil || card.Official.Phone != "49358968" {
		t.Fatalf("Tone Ekle's tablet: %+v %v", card.Official, err)
	}
}

// A workbook saved with another sheet in front (notes, a summary) is
// read from the sheet that is a roster; one with no roster on any sheet
// says which columns its active sheet lacks.
func TestAWorkbookIsReadFromItsRosterSheet(t *testing.T) {
	book := func(withRoster bool) []byte {
		f := excelize.NewFile()
		defer f.Close()
		f.SetSheetName("Sheet1", "Notater")
		f.SetCellValue("Notater", "A1", "Lista er hentet fra sak- og arkivsystemet 2. april.")
		if withRoster {
			f.NewSheet("Folkevalgte")
			for i, row := range [][]any{
				{"Navn", "Kommune", "Organ", "Primær e-post", "Nettbrett serienr"},
				{"Kari Nordmann", "Levanger", "Kommunestyret", "kari@levanger.kommune.no", "DMPXK2ABC123"},
			} {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				f.SetSheetRow("Folkevalgte", cell, &row)
			}
		}
		f.SetActiveSheet(0) // the notes, as the secretariat left it
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	ros, err := ParseWorkbook(bytes.NewReader(book(true)))
	if err != nil || ros.Sheet != "Folkevalgte" || len(ros.Officials) != 1 || len(ros.Tablets) != 1 {
		t.Fatalf("read %+v (%v), want the sheet Folkevalgte", ros, err)
	}
	var cols *MissingColumnsError
	if _, err := ParseWorkbook(bytes.NewReader(book(false))); !errors.As(err, &cols) || strings.Join(cols.Columns, ",") != "Navn,Organ,Primær e-post" {
		t.Fatalf("no roster sheet: %v", err)
	}
}
