package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"dropin/scan"
	"dropin/store"
)

// registerDialog asks for the model and kind of a serial the desk does not
// know; the tablet is registered on Enter, and the desk offers to link its
// official next.
type registerDialog struct {
	model textinput.Model
	kind  int // index into registerKinds
}

// registerKinds are what an unknown serial may be: a migration tablet an
// official brought (handed in at once), or new equipment into stock (a
// tablet for the next term, a laptop, a phone: no hand-in, no receipt).
var registerKinds = []struct {
	kind  store.DeviceKind
	stock bool
}{{store.Tablet, false}, {store.Tablet, true}, {store.Laptop, true}, {store.Phone, true}}

// newRegisterDialog offers the model and kind registered last: a pile of
// one model goes in with Enter alone, and typing starts a new model
// rather than adding to the last one. The kind comes with the model, so
// the tenth laptop into stock is not a tablet handed in.
func newRegisterDialog(d *deskScreen) *registerDialog {
	placeholder := d.c.t.T("register.placeholder")
	if d.lastModel != "" {
		placeholder = d.c.t.T("register.same", scan.Clean(d.lastModel))
	}
	return &registerDialog{model: newField(d.c, 120, placeholder, ""), kind: d.lastKind}
}

func (r *registerDialog) typing() bool { return true }

func (r *registerDialog) focus() tea.Cmd { return r.model.Focus() }

func (r *registerDialog) update(d *deskScreen, m tea.Msg) tea.Cmd {
	keys, t := d.c.keys.Form, d.c.t
	msg, _ := m.(tea.KeyPressMsg)
	switch {
	case key.Matches(msg, keys.Confirm):
		model := strings.TrimSpace(scan.Clean(r.model.Value()))
		if model == "" {
			model = d.lastModel
		}
		if model == "" {
			return flashCmd(flashError, t.T("register.needmodel"))
		}
		d.lastModel, d.lastKind = model, r.kind
		rk := registerKinds[r.kind]
		return d.save(store.KindRegistered, func(ctx context.Context, st *store.Store, serial string, by store.Actor) (store.Card, error) {
			if rk.stock {
				return st.RegisterStock(ctx, serial, model, rk.kind, by)
			}
			return st.RegisterKind(ctx, serial, model, rk.kind, "", by)
		})
	case key.Matches(msg, keys.Cancel):
		serial := d.serial
		d.serial = ""
		return tea.Batch(d.focusInput(), flashCmd(flashInfo, t.T("register.cancelled", serial)))
	case key.Matches(msg, keys.Up):
		r.kind = (r.kind + len(registerKinds) - 1) % len(registerKinds)
		return nil
	case key.Matches(msg, keys.Down):
		r.kind = (r.kind + 1) % len(registerKinds)
		return nil
	}
	var cmd tea.Cmd
	r.model, cmd = r.model.Update(m)
	return cmd
}

func (r *registerDialog) scanned(d *deskScreen, code string) tea.Cmd {
	text := d.c.t.T("scan.inregister", scan.Clean(code), d.serial)
	return d.formBurst(&r.model, code, text, func() tea.Cmd { return r.update(d, tea.KeyPressMsg{Code: tea.KeyEnter}) })
}

func (r *registerDialog) help(k KeyMap) []key.Binding {
	return []key.Binding{k.Form.Confirm, k.Form.Cancel}
}

// lines draws the form in place of a card: there is no tablet yet.
func (r *registerDialog) lines(d *deskScreen, w, _ int) []string {
	st, t := d.c.styles, d.c.t
	rk := registerKinds[r.kind]
	kind := t.Device(rk.kind)
	if rk.stock {
		kind = t.T("register.stock", kind)
	}
	return []string{
		st.Card.Serial.Render(d.serial) + "  " + st.Status[store.Expected].Render(t.T("register.badge")),
		"",
		st.Card.Value.Width(w).Render(t.T("register.explain")),
		"",
		st.Form.Label.Render(t.T("register.model")),
		r.model.View(),
		st.Form.Label.Render(t.T("register.kind")+" ") + st.Form.Selected.Render("‹ "+kind+" ›") + st.Form.Hint.Render("  ↑↓"),
		"",
		st.Form.Hint.Render(t.T("register.hint")),
	}
}

func (r *registerDialog) replacesCard() {}
