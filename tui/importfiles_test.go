package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

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

// The import screen offers the newest CSV files of the folders a roster
// is saved to, newest first, whatever the case of their ending, and
// nothing that is not a plain CSV file.
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
	csvFile(t, desk, ".skjult.csv", nil, day.Add(time.Hour))
	outside := t.TempDir()
	csvFile(t, outside, "utenfor.csv", nil, day.Add(-time.Hour))

	got := findRosterFiles([]string{down, desk, outside}, 10)
	var names []string
	for _, f := range got {
		names = append(names, f.Dir+"/"+f.Name)
	}
	want := []string{"~/Nedlastinger/Folkevalgte ÆØÅ.CSV", outside + "/utenfor.csv", "~/Nedlastinger/liste.csv", "~/Skrivebord/eldre.csv"}
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
	h.wantScreen("Nyeste CSV-filer", "folkevalgte-april.csv", "~/Nedlastinger", "14.04. 09:00", "folkevalgte-mars.csv", "↑/↓ velg fil")
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
	if strings.Contains(h.screen(), "Nyeste CSV-filer") {
		t.Fatal("the list makes room for what the file holds")
	}
	h.press("y")
	h.wantScreen("Importert:")
	if res, _ := h.store.SearchOfficials(context.Background(), "", 10); len(res) != 7 {
		t.Fatalf("imported %d officials, want 7", len(res))
	}
}
