package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"dropin/scan"
	"dropin/store"
)

// failDialog asks what is wrong with the tablet; Enter records the failure.
type failDialog struct {
	reason textinput.Model
}

func newFailDialog(d *deskScreen) *failDialog {
	return &failDialog{reason: newField(d.c, 120, d.c.t.T("fail.placeholder"), "")}
}

func (f *failDialog) typing() bool { return true }

func (f *failDialog) focus() tea.Cmd { return f.reason.Focus() }

func (f *failDialog) update(d *deskScreen, m tea.Msg) tea.Cmd {
	keys, t := d.c.keys.Form, d.c.t
	msg, _ := m.(tea.KeyPressMsg)
	switch {
	case key.Matches(msg, keys.Confirm):
		reason := strings.TrimSpace(scan.Clean(f.reason.Value()))
		if reason == "" {
			return flashCmd(flashError, t.T("refuse.no-reason"))
		}
		d.closeDialog()
		return d.step(store.KindFailed, store.Input{Reason: reason})
	case key.Matches(msg, keys.Cancel):
		d.closeDialog()
		return nil
	}
	var cmd tea.Cmd
	f.reason, cmd = f.reason.Update(m)
	return cmd
}

func (f *failDialog) scanned(d *deskScreen, code string) tea.Cmd {
	return d.formBurst(&f.reason, code, d.c.t.T("scan.inform", scan.Clean(code)),
		func() tea.Cmd { return f.update(d, tea.KeyPressMsg{Code: tea.KeyEnter}) })
}

func (f *failDialog) help(k KeyMap) []key.Binding {
	return []key.Binding{k.Form.Confirm, k.Form.Cancel}
}

func (f *failDialog) lines(d *deskScreen, _, _ int) []string {
	st, t := d.c.styles, d.c.t
	return []string{"", st.Form.Label.Render(t.T("fail.label")), f.reason.View()}
}
