package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/xuri/excelize/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

// csvFile writes a file into dir, saved at mod.
func csvFile(t *testing.T, dir, name string, body []byte, mod time.Time) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, mod, mod); err != nil {
		t.Fatal(err)
	}
	return path
}

// The import screen offers the newest workbooks and CSV files of the
// folders a roster is saved to, newest first, whatever the case of their
// ending, and nothing else: no other file, folder, hidden file or the lock
// file Excel keeps beside an open workbook.
func TestFindRosterFilesListsTheNewestCSVFilesFirst(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	down, desk := filepath.Join(home, "Nedlastinger"), filepath.Join(home, "Skrivebord")
	for _, d := range []string{down, desk, filepath.Join(desk, "mappe.csv")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2026, 4, 14, 9, 0, 0, 0, time.Local)
	csvFile(t, down, "liste.csv", nil, day.Add(-48*time.Hour))
	csvFile(t, down, "Folkevalgte ÆØÅ.CSV", nil, day)
	csvFile(t, desk, "eldre.csv", nil, day.Add(-72*time.Hour))
	csvFile(t, desk, "notat.txt", nil, day.Add(time.Hour))
	csvFile(t, desk, "Folkevalgte.xlsx", nil, day.Add(-24*time.Hour))
	csvFile(t, desk, "~$Folkevalgte.xlsx", nil, day.Add(time.Hour)) // Excel's lock file
	csvFile(t, desk, ".skjult.csv", nil, day.Add(time.Hour))
	outside := t.TempDir()
	csvFile(t, outside, "utenfor.csv", nil, day.Add(-time.Hour))

	got := findRosterFiles([]string{down, desk, outside}, 10)
	var names []string
	for _, f := range got {
		names = append(names, f.Dir+"/"+f.Name)
	}
	want := []string{"~/Nedlastinger/Folkevalgte ÆØÅ.CSV", outside + "/utenfor.csv", "~/Skrivebord/Folkevalgte.xlsx", "~/Nedlastinger/liste.csv", "~/Skrivebord/eldre.csv"}
	if strings.Join(names, "|") != strings.Join(want, "|") {
		t.Fatalf("files:\n got %q\nwant %q", names, want)
	}
	if got[0].Path != filepath.Join(down, "Folkevalgte ÆØÅ.CSV") {
		t.Fatalf("path %q", got[0].Path)
	}
	if n := len(findRosterFiles([]string{down, desk, outside}, 2)); n != 2 {
		t.Fatalf("at most 2: got %d", n)
	}
}

// The folders come from the desktop's own user-dirs.dirs first, then the
// names Norwegian, Swedish and English desktops give them; a folder that
// does not exist is not listed, and none is listed twice.
func TestRosterFoldersFollowTheDesktopsNames(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "conf"))
	for _, d := range []string{"conf", "Hämtningar", "Nedlastinger", "Arkiv/Lister"} {
		if err := os.MkdirAll(filepath.Join(home, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	dirs := "# written by xdg-user-dirs-update\nXDG_DESKTOP_DIR=\"$HOME/Finnes ikke\"\nXDG_DOWNLOAD_DIR=\"$HOME/Arkiv/Lister\"\n"
	if err := os.WriteFile(filepath.Join(home, "conf", "user-dirs.dirs"), []byte(dirs), 0o600); err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	got := RosterFolders(filepath.Join(home, "Nedlastinger"))
	want := []string{wd, filepath.Join(home, "Nedlastinger"), filepath.Join(home, "Arkiv/Lister"), filepath.Join(home, "Hämtningar")}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("folders:\n got %q\nwant %q", got, want)
	}
}

// ↓ puts the newest roster in the path field and Enter reads it: the
// secretariat picks the file it just saved instead of typing its path.
// ↑ above the first file gives back what was typed; typing makes the
// field the user's again.
func TestTheImportScreenPicksARecentFile(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	down := filepath.Join(home, "Nedlastinger")
	os.MkdirAll(down, 0o700)
	small, err := os.ReadFile("testdata/roster-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 4, 14, 9, 0, 0, 0, time.Local)
	csvFile(t, down, "folkevalgte-april.csv", small, day)
	csvFile(t, down, "folkevalgte-mars.csv", []byte("Navn\n"), day.Add(-30*24*time.Hour))

	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.m.importer.folders = []string{down}
	h.m.screen = screenImport
	h.run(h.m.importer.open())
	h.wantScreen("Nyeste lister (.xlsx, .csv)", "folkevalgte-april.csv", "~/Nedlastinger", "14.04. 09:00", "folkevalgte-mars.csv", "↑/↓ velg fil")
	if s := h.screen(); strings.Index(s, "april") > strings.Index(s, "mars") {
		t.Fatalf("the newest file comes first:\n%s", s)
	}

	h.press("notat")
	h.special(tea.KeyDown)
	h.special(tea.KeyDown)
	if v := h.m.importer.path.Value(); v != "~/Nedlastinger/folkevalgte-mars.csv" {
		t.Fatalf("second file picked: field %q", v)
	}
	h.special(tea.KeyUp)
	h.special(tea.KeyUp)
	if v := h.m.importer.path.Value(); v != "notat" {
		t.Fatalf("above the first file the typed text comes back: field %q", v)
	}
	h.special(tea.KeyDown)
	h.press("x") // typed over the picked path
	if h.m.importer.pick != -1 {
		t.Fatal("typing must leave the list")
	}
	h.special(tea.KeyBackspace)
	h.special(tea.KeyEnter)
	h.wantScreen("8 rader: 7 folkevalgte, 7 nettbrett", "Importere dette?")
	if strings.Contains(h.screen(), "Nyeste lister") {
		t.Fatal("the list makes room for what the file holds")
	}
	h.press("y")
	h.wantScreen("Importert:")
	if res, _ := h.store.SearchOfficials(context.Background(), "", 10); len(res) != 7 {
		t.Fatalf("imported %d officials, want 7", len(res))
	}
}

// A roster saved as an Excel workbook is read from the import screen as
// a CSV file is; the summary names the sheet it read.
func TestTheImportScreenReadsAWorkbook(t *testing.T) {
	book := excelize.NewFile()
	defer book.Close()
	book.SetSheetName("Sheet1", "Folkevalgte")
	for i, row := range [][]any{
		{"Navn", "Kommune", "Organ", "Rolle", "Primær e-post", "Mobil", "Nettbrett serienr", "Nettbrett modell"},
		{"Kari Nordmann", "Levanger", "Kommunestyret", "Medlem", "kari@levanger.kommune.no", 91234567, "DMPXK2ABC123", "iPad (9. gen)"},
		{"Øystein Ås", "Levanger", "Formannskapet", "Leder", "oystein@levanger.kommune.no", "433 97 912", 353918057264026, "Galaxy Tab A"},
	} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := book.SetSheetRow("Folkevalgte", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "folkevalgte.xlsx")
	if err := book.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, 100, 30, i18n.Bokmal)
	h.m.screen = screenImport
	h.run(h.m.importer.open())
	h.press(path)
	h.special(tea.KeyEnter)
	h.wantScreen("2 rader: 2 folkevalgte, 2 nettbrett (Excel-arbeidsbok, arket «Folkevalgte»).", "2 nye folkevalgte")
	h.press("y")
	h.wantScreen("Importert:")
	if card, err := h.store.Card(context.Background(), "353918057264026"); err != nil || card.Official == nil || card.Official.Name != "Øystein Ås" {
		t.Fatalf("the IMEI stored as a number: %+v %v", card.Official, err)
	}
}

// A file that is no roster at all says why in the desk's language, and
// what to do where there is something to do.
func TestAFileThatIsNoRosterSaysWhy(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	st := openStore(t)
	by := store.Actor{Station: "t", Staff: "T"}
	for _, c := range []struct{ path, want string }{
		{write("navn.csv", []byte("Navn;Telefon\nKari;912\n")), "fila mangler kolonnen Organ, Primær e-post"},
		{write("tom.csv", nil), "fila har ingen overskriftsrad"},
		{write("gammel.xls", []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00")), "det er en Excel-fil i det gamle formatet (.xls). Lagre den som Excel-arbeidsbok (.xlsx) eller CSV, og les den igjen"},
		{write("skadet.xlsx", []byte("PK\x03\x04\x14\x00")), "fila begynner som en Excel-arbeidsbok, men er skadet eller ikke en arbeidsbok"},
		{filepath.Join(dir, "finnes-ikke.csv"), "fila finnes ikke"},
	} {
		ros, rep, err := st.ImportFile(context.Background(), c.path, by, true)
		got := ImportSummary(i18n.New(i18n.Bokmal), filepath.Base(c.path), ros, rep, err)
		want := "!Kunne ikke lese " + filepath.Base(c.path) + ": " + c.want
		if len(got) != 1 || got[0] != want {
			t.Errorf("%s:\n got %q\nwant %q", filepath.Base(c.path), got, want)
		}
	}
}

// A file dragged from the file manager onto the terminal arrives quoted,
// with its spaces escaped, or as a file:// URL, as the terminal types it;
// each names the file. A path that names no file is kept as typed, so the
// error says what was typed.
func TestADroppedPathIsTheFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "Folkevalgte 2026 (ny).csv")
	if err := os.WriteFile(path, []byte("Navn\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, typed := range []string{
		path,
		"  " + path + " ",
		"'" + path + "' ",
		`"` + path + `"`,
		strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(path, " ", `\ `), "(", `\(`), ")", `\)`),
		"file://" + strings.ReplaceAll(path, " ", "%20"),
	} {
		if got := DroppedPath(typed); got != path {
			t.Errorf("%q: %q", typed, got)
		}
	}
	if got := DroppedPath(" 'finnes ikke.csv' "); got != "'finnes ikke.csv'" {
		t.Errorf("no such file: %q", got)
	}
}

// A roster saved while the screen waits for a path appears in the list
// at the next listing, without leaving the screen; the file picked stays
// picked where the new listing puts it.
func TestTheFileListFollowsTheFolder(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	down := filepath.Join(home, "Nedlastinger")
	os.MkdirAll(down, 0o700)
	day := time.Date(2026, 4, 14, 9, 0, 0, 0, time.Local)
	csvFile(t, down, "mars.csv", nil, day.Add(-24*time.Hour))
	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.m.importer.folders = []string{down}
	h.m.screen = screenImport
	h.run(h.m.importer.open())
	h.special(tea.KeyDown)
	if v := h.m.importer.path.Value(); v != "~/Nedlastinger/mars.csv" {
		t.Fatalf("picked %q", v)
	}
	csvFile(t, down, "april.csv", nil, day)      // saved from Excel meanwhile
	h.send(rescanMsg{seq: h.m.importer.listSeq}) // the listing's timer
	h.wantScreen("april.csv", "mars.csv")
	if f := h.m.importer.files; len(f) != 2 || f[0].Name != "april.csv" {
		t.Fatalf("the newest first: %+v", f)
	}
	if p := h.m.importer.pick; p != 1 || h.m.importer.files[p].Name != "mars.csv" || h.m.importer.path.Value() != "~/Nedlastinger/mars.csv" {
		t.Fatalf("the picked file moved to %d", p)
	}
	// An answer to a listing asked before the last is dropped.
	h.send(rosterFilesMsg{seq: h.m.importer.listSeq - 1})
	if len(h.m.importer.files) != 2 {
		t.Fatal("a stale listing replaced the list")
	}
}
