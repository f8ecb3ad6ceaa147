package tui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"dropin/tui/i18n"
)

// Every screen at 80x24, in bokmål and Swedish, as golden files: what a
// desk on a small laptop shows, fixed so a change to any of them is seen
// in review. Regenerate with: go test ./tui -run TestScreensAt80x24 -update
func TestScreensAt80x24(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.Bokmal, i18n.Swedish} {
		t.Run(string(lang), func(t *testing.T) {
			h := newHarness(t, 80, 24, lang)
			at := time.Date(2026, 4, 14, 8, 0, 0, 0, time.Local)
			h.store.SetClock(func() time.Time { at = at.Add(time.Minute); return at })
			smallRoster(t, h.store)
			h.scan("R52NXYGSKYS")
			// Two rosters saved from Excel, for the import screen's list.
			home := t.TempDir()
			t.Setenv("HOME", home)
			down := filepath.Join(home, "Nedlastinger")
			os.MkdirAll(down, 0o700)
			csvFile(t, down, "Folkevalgte Levanger og Verdal.csv", nil, time.Date(2026, 4, 13, 15, 42, 0, 0, time.Local))
			csvFile(t, down, "forteckning-ockero.csv", nil, time.Date(2026, 3, 2, 10, 5, 0, 0, time.Local))
			h.m.importer.folders = []string{down}
			h.m.settings.lpstat = standInLPStat(t)
			shots := []struct {
				name string
				s    screen
			}{
				{"desk", screenDesk}, {"overview", screenOverview}, {"batch", screenBatch},
				{"import", screenImport}, {"settings", screenSettings}, {"equipment", screenEquipment},
			}
			for _, shot := range shots {
				t.Run(shot.name, func(t *testing.T) {
					h.open(shot.s)
					h.m.flash = flash{}
					h.fitsTheTerminal(80, 24)
					golden.RequireEqual(t, h.screen())
				})
			}
		})
	}
}
