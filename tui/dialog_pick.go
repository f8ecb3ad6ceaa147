package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// pickDialog finds an official by name as the user types, for linking the
// tablet to them or, with forIssue, for delivering the device to them.
type pickDialog struct {
	name     textinput.Model
	forIssue bool
	results  []store.Official
	cursor   int
	seq      int // the latest search; answers to older ones are dropped
}

// searchedMsg: officials found for a pick dialog's search.
type searchedMsg struct {
	seq     int
	results []store.Official
	err     error
}

// openPick opens the name search and starts it with an empty query.
func (d *deskScreen) openPick(forIssue bool) tea.Cmd {
	p := &pickDialog{name: newField(d.c, 120, d.c.t.T("link.placeholder"), ""), forIssue: forIssue}
	return tea.Batch(d.openDialog(p), p.search(d))
}

// search looks officials up by what is typed.
func (p *pickDialog) search(d *deskScreen) tea.Cmd {
	p.seq++
	seq, st, q, lang := p.seq, d.c.store, p.name.Value(), d.c.t.Lang
	return func() tea.Msg {
		res, err := st.SearchOfficialsBy(context.Background(), q, 8, i18n.NewKeys(lang).Key)
		return searchedMsg{seq: seq, results: res, err: err}
	}
}

// found takes a search's answer.
func (p *pickDialog) found(d *deskScreen, msg searchedMsg) tea.Cmd {
	if msg.seq != p.seq {
		return nil
	}
	if msg.err != nil {
		return flashCmd(flashError, storeError(d.c.t, msg.err))
	}
	p.results = msg.results
	p.cursor = min(p.cursor, max(0, len(p.results)-1))
	return nil
}

func (p *pickDialog) typing() bool { return true }

func (p *pickDialog) focus() tea.Cmd { return p.name.Focus() }

func (p *pickDialog) update(d *deskScreen, m tea.Msg) tea.Cmd {
	keys := d.c.keys.Form
	msg, _ := m.(tea.KeyPressMsg)
	switch {
	case key.Matches(msg, keys.Confirm):
		if len(p.results) == 0 || d.saving {
			return nil
		}
		if p.forIssue {
			return d.openDeliver(p.results[p.cursor])
		}
		official := p.results[p.cursor].ID
		d.closeDialog()
		return d.save(store.KindLinked, func(ctx context.Context, st *store.Store, serial string, by store.Actor) (store.Card, error) {
			return st.Link(ctx, serial, official, by)
		})
	case key.Matches(msg, keys.Cancel):
		d.closeDialog()
		return nil
	case key.Matches(msg, keys.Up):
		p.cursor = max(0, p.cursor-1)
		return nil
	case key.Matches(msg, keys.Down):
		p.cursor = min(max(0, len(p.results)-1), p.cursor+1)
		return nil
	}
	before := p.name.Value()
	var cmd tea.Cmd
	p.name, cmd = p.name.Update(m)
	if p.name.Value() != before {
		p.cursor = 0
		return tea.Batch(cmd, p.search(d))
	}
	return cmd
}

// scanned: a serial is the next tablet; a name a scanner typed (a
// keyboard wedge pasting a name) is searched, and its Enter is not taken.
func (p *pickDialog) scanned(d *deskScreen, code string) tea.Cmd {
	return d.formBurst(&p.name, code, d.c.t.T("scan.inform", scan.Clean(code)), func() tea.Cmd { return p.search(d) })
}

func (p *pickDialog) help(k KeyMap) []key.Binding {
	return []key.Binding{k.Form.Up, k.Form.Down, k.Form.Confirm, k.Form.Cancel}
}

func (p *pickDialog) lines(d *deskScreen, w, _ int) []string {
	st, t := d.c.styles, d.c.t
	label := t.T("link.label")
	if p.forIssue {
		label = t.T("issue.label", t.Device(d.card.Device.Kind))
	}
	lines := []string{"", st.Form.Label.Width(w).Render(label), p.name.View()}
	if len(p.results) == 0 {
		lines = append(lines, st.Form.Hint.Render(t.T("link.none")))
	}
	for i, o := range p.results {
		where := []string{scan.Clean(o.Name)}
		for _, f := range []string{o.Municipality, o.EmailPrimary} {
			if f != "" {
				where = append(where, scan.Clean(f))
			}
		}
		line := where[0]
		if len(where) > 1 {
			line = where[0] + st.Card.Muted.Render(" · "+strings.Join(where[1:], " · "))
		}
		if i == p.cursor {
			line = st.Form.Selected.Render("› ") + line
		} else {
			line = "  " + line
		}
		lines = append(lines, line)
	}
	return lines
}
