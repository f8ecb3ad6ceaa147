package tui

import (
	"io"
	"path/filepath"

	tea "charm.land/bubbletea/v2"

	"dropin/scan"
	"dropin/store/export"
)

// exportMsg: a screen's list was written to a workbook, or could not be.
type exportMsg struct {
	path string
	err  error
}

// saveWorkbook writes tables, built from what the screen shows, as a new
// workbook in the desk's export folder, named for base and the day
// ("utestaende-2026-12-06.xlsx"; never over a file that is there), off
// the update loop. The same workbook as `dropin export ... --excel`.
func (c *common) saveWorkbook(base string, tables func(words export.Words) []export.Table) tea.Cmd {
	t, dir, day := c.t, c.exports, c.now()
	words := func(key string) string { return t.T(key) }
	return func() tea.Msg {
		list := tables(words)
		path, err := export.SaveNew(dir, base, day, ".xlsx", func(out io.Writer) error {
			return export.WriteXLSX(out, export.Format{Location: day.Location(), DateTime: t.SheetDateTime()}, list...)
		})
		if err == nil {
			if abs, aerr := filepath.Abs(path); aerr == nil {
				path = abs
			}
		}
		return exportMsg{path: path, err: err}
	}
}

// exported says where the workbook went, in full, so it can be found.
func (c *common) exported(msg exportMsg) tea.Cmd {
	if msg.err != nil {
		c.log.Error("export", "err", msg.err)
		dir := c.exports
		if dir == "" {
			dir = "."
		}
		return flashCmd(flashError, c.t.T("export.failed", scan.Clean(dir), errText(msg.err)))
	}
	return flashCmd(flashOK, c.t.T("export.saved", scan.Clean(msg.path)))
}
