package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"dropin/store"
	"dropin/store/export"
)

var desk = store.Actor{Station: "skranke-1", Staff: "KN"}

// levanger is a store with the Levanger roster and three tablets in.
func levanger(t *testing.T) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "dropin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f, err := os.Open("../testdata/roster-levanger.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ros, err := store.ParseRoster(f)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(ctx, ros, desk, false); err != nil {
		t.Fatal(err)
	}
	for _, serial := range []string{"R52NXYGSKYS", "TJYHCY68QHGJ", "R5BN6CT9W05"} {
		if _, err := st.CheckIn(ctx, serial, desk); err != nil {
			t.Fatal(err)
		}
	}
	st.Step(ctx, "R52NXYGSKYS", store.KindUpgrading, store.Input{}, desk)
	st.Step(ctx, "R52NXYGSKYS", store.KindUpgraded, store.Input{}, desk)
	return st
}

func writeCSV(t *testing.T, table export.Table, err error) [][]string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.WriteCSV(&buf, table); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestOutstandingAndOfficials(t *testing.T) {
	ctx := context.Background()
	st := levanger(t)
	table, err := export.Outstanding(ctx, st, nil)
	rows := writeCSV(t, table, err)
	if len(rows) != 81 || strings.Join(rows[0], ",") != "name,municipality,bodies,phone,email,serial,model" {
		t.Fatalf("outstanding CSV: %d rows, header %v", len(rows), rows[0])
	}
	table, err = export.Officials(ctx, st, nil)
	rows = writeCSV(t, table, err)
	if len(rows) != 113 {
		t.Fatalf("officials CSV: %d rows", len(rows))
	}
	found := false
	for _, row := range rows {
		if row[0] == "Øystein Aasen" {
			found = true
			if row[2] != "Kommunestyret (Leder)" || row[8] != "R52NXYGSKYS" || row[9] != "upgraded" || row[7] != "yes" {
				t.Fatalf("Øystein: %v", row)
			}
		}
	}
	if !found {
		t.Fatal("Øystein Aasen is not in the officials export")
	}
}

// In the desk's words, headers and coded values are words; times are RFC
// 3339; a cell that starts like a formula is kept text.
func TestWordsTimesAndFormulaLookingCells(t *testing.T) {
	ctx := context.Background()
	st := levanger(t)
	st.PutOfficial(ctx, store.Official{ID: "x@levanger.kommune.no", Name: "=HYPERLINK(\"x\")", EmailPrimary: "x@levanger.kommune.no"}, desk)
	st.Register(ctx, "ZZZ000001", "iPad", "x@levanger.kommune.no", desk)
	words := func(key string) string {
		return map[string]string{"csv.serial": "serienummer", "status.received": "mottatt"}[key]
	}
	table, err := export.Devices(ctx, st, words)
	rows := writeCSV(t, table, err)
	if rows[0][0] != "serienummer" {
		t.Fatalf("header %v", rows[0])
	}
	for _, r := range rows[1:] {
		if r[0] != "ZZZ000001" {
			continue
		}
		if r[2] != `'=HYPERLINK("x")` || r[4] != "mottatt" || !strings.Contains(r[5], "T") {
			t.Fatalf("row %v", r)
		}
		return
	}
	t.Fatal("ZZZ000001 not exported")
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{"=1+1": "'=1+1", "+47 4": "'+47 4", "-x": "'-x", "@a": "'@a", "\tx": "'\tx", "Åse": "Åse", "": ""} {
		if got := export.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}
