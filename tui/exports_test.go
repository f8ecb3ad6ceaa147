package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"dropin/tui/i18n"
)

// sheetRows reads a workbook's one sheet as the secretariat sees it.
func sheetRows(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 1 {
		t.Fatalf("%s: sheets %v, want one", path, sheets)
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The overview's export key writes the chase list as it is shown:
// filtered by municipality, into a new workbook in the export folder,
// and the flash line says where.
func TestOverviewExportsTheListAsShown(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	dir := filepath.Join(t.TempDir(), "eksport æøå")
	h.m.c.exports = dir
	smallRoster(t, h.store)
	h.special('\t')
	h.press("mm") // Verdal
	h.press("e")
	want := filepath.Join(dir, "utestaende-2026-04-14.xlsx")
	if h.m.flash.kind != flashOK || h.m.flash.text != "Skrev "+want {
		t.Fatalf("flash %q, want it to say where the workbook went", h.m.flash.text)
	}
	rows := sheetRows(t, want)
	if len(rows) != 3 || rows[0][0] != "navn" || rows[1][0] != "Arne Nordmann" || rows[2][0] != "Bjørg Brenne" {
		t.Fatalf("workbook rows %q, want the header and Verdal's two", rows)
	}
	// Again: a new file beside it, the first one kept.
	h.press("e")
	if _, err := os.Stat(strings.TrimSuffix(want, ".xlsx") + "-2.xlsx"); err != nil {
		t.Fatalf("second export: %v (flash %q)", err, h.m.flash.text)
	}
	if len(sheetRows(t, want)) != 3 {
		t.Fatal("the first workbook was overwritten")
	}
}

// On the equipment screen the key writes the view that is shown; a
// folder that cannot be made is said, not hidden.
func TestEquipmentExportsTheViewShown(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	importOckero(t, h.store)
	dir := t.TempDir()
	h.m.c.exports = dir
	h.m.screen = screenEquipment
	h.run(h.m.equipment.open())
	h.press("4")
	h.press("e")
	rows := sheetRows(t, filepath.Join(dir, "onskemal-2026-04-14.xlsx"))
	if len(rows) != 1 || rows[0][1] != "namn" {
		t.Fatalf("open requests: %q, want the header alone (none asked for)", rows)
	}
	h.press("1")
	h.press("e")
	rows = sheetRows(t, filepath.Join(dir, "utrustning-2026-04-14.xlsx"))
	if len(rows) != 70 {
		t.Fatalf("%d rows, want the header and 69 officials", len(rows))
	}

	blocker := filepath.Join(dir, "fil")
	os.WriteFile(blocker, nil, 0o600)
	h.m.c.exports = filepath.Join(blocker, "under")
	h.press("e")
	if h.m.flash.kind != flashError || !strings.HasPrefix(h.m.flash.text, "Kunde inte skriva") {
		t.Fatalf("flash %q, want the failure said", h.m.flash.text)
	}
}
