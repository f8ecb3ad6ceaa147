package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"dropin/store"
)

// returnDialog asks why a device comes back: the term ended, or the
// official left early.
type returnDialog struct {
	cursor int
}

var returnReasons = []string{store.ReturnTermEnd, store.ReturnLeaving}

// startReturn opens the question, once the workflow allows a return.
func (d *deskScreen) startReturn() tea.Cmd {
	if err := store.Check(d.card.Device, store.KindReturned, store.Input{Reason: store.ReturnTermEnd}); err != nil {
		return flashCmd(flashError, d.refusalText(err))
	}
	d.openDialog(&returnDialog{})
	return nil
}

func (r *returnDialog) typing() bool { return false }

func (r *returnDialog) update(d *deskScreen, m tea.Msg) tea.Cmd {
	msg, ok := m.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	keys := d.c.keys.Form
	switch {
	case key.Matches(msg, keys.Confirm):
		d.closeDialog()
		return d.step(store.KindReturned, store.Input{Reason: returnReasons[r.cursor]})
	case key.Matches(msg, keys.Cancel):
		d.closeDialog()
	case key.Matches(msg, keys.Up), key.Matches(msg, keys.Down):
		r.cursor = 1 - r.cursor
	case msg.String() == "1", msg.String() == "2":
		d.closeDialog()
		return d.step(store.KindReturned, store.Input{Reason: returnReasons[msg.String()[0]-'1']})
	}
	return nil
}

func (r *returnDialog) scanned(d *deskScreen, code string) tea.Cmd { return d.next(code) }

func (r *returnDialog) help(k KeyMap) []key.Binding {
	return []key.Binding{k.Form.Up, k.Form.Down, k.Form.Confirm, k.Form.Cancel}
}

func (r *returnDialog) lines(d *deskScreen, _, _ int) []string {
	st, t := d.c.styles, d.c.t
	lines := []string{"", st.Form.Label.Render(t.T("return.title"))}
	for i, reason := range returnReasons {
		line := string(rune('1'+i)) + " " + t.T("return."+reason)
		if i == r.cursor {
			lines = append(lines, st.Form.Selected.Render("› "+line))
		} else {
			lines = append(lines, st.Form.Item.Render("  "+line))
		}
	}
	return lines
}
