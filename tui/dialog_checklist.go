package tui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"dropin/store"
)

// checklistDialog is the guided first login: every item ticked, then
// Enter records it. Ticks a scan interrupts are kept, by serial, for when
// the tablet comes up again.
type checklistDialog struct {
	checked [5]bool // in store.Checklist order
	cursor  int
}

func newChecklistDialog(d *deskScreen) *checklistDialog {
	c := &checklistDialog{checked: d.keptChecks[d.serial]}
	delete(d.keptChecks, d.serial)
	return c
}

func (c *checklistDialog) typing() bool { return false }

func (c *checklistDialog) update(d *deskScreen, m tea.Msg) tea.Cmd {
	msg, ok := m.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	keys, t := d.c.keys.Form, d.c.t
	switch {
	case key.Matches(msg, keys.Confirm):
		var done []string
		for i, ok := range c.checked {
			if ok {
				done = append(done, store.Checklist[i])
			}
		}
		if len(done) < len(store.Checklist) {
			return flashCmd(flashError, t.T("checklist.incomplete", len(done), len(store.Checklist)))
		}
		d.closeDialog()
		return d.step(store.KindFirstLogin, store.Input{Checklist: done})
	case key.Matches(msg, keys.Cancel):
		d.closeDialog()
	case key.Matches(msg, keys.Up):
		c.cursor = (c.cursor + len(c.checked) - 1) % len(c.checked)
	case key.Matches(msg, keys.Down):
		c.cursor = (c.cursor + 1) % len(c.checked)
	case key.Matches(msg, keys.Toggle):
		c.checked[c.cursor] = !c.checked[c.cursor]
	case len(msg.Text) == 1 && msg.Text[0] >= '1' && int(msg.Text[0]-'1') < len(c.checked):
		i := int(msg.Text[0] - '1')
		c.checked[i], c.cursor = !c.checked[i], i
	}
	return nil
}

// scanned: the next tablet. Nothing done with the official is thrown
// away without a word: the ticks are kept for this tablet.
func (c *checklistDialog) scanned(d *deskScreen, code string) tea.Cmd {
	var said tea.Cmd
	if c.checked != ([5]bool{}) {
		d.keptChecks[d.serial] = c.checked
		said = flashCmd(flashInfo, d.c.t.T("checklist.kept", d.serial))
	}
	return tea.Batch(d.next(code), said)
}

func (c *checklistDialog) help(k KeyMap) []key.Binding {
	return []key.Binding{k.Form.Toggle, k.Form.Up, k.Form.Down, k.Form.Confirm, k.Form.Cancel}
}

func (c *checklistDialog) lines(d *deskScreen, w, _ int) []string {
	st, t := d.c.styles, d.c.t
	// The title wraps: its end says how to tick (56 columns beside recent activity).
	lines := []string{"", st.Form.Label.Width(w).Render(t.T("checklist.title"))}
	for i, item := range store.Checklist {
		box := "[ ]"
		if c.checked[i] {
			box = "[x]"
		}
		line := fmt.Sprintf("%d %s %s", i+1, box, t.T("checklist."+item))
		if i == c.cursor {
			line = st.Form.Selected.Render("› " + line)
		} else {
			line = st.Form.Item.Render("  " + line)
		}
		lines = append(lines, line)
	}
	return lines
}
