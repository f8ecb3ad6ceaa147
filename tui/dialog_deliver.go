package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// The equipment lifecycle at the desk: issue a device to an official
// (pick them, see what they are entitled to, note requests, sign the
// delivery receipt), take it back (why, sign the return receipt), reset.

// deliverDialog is the delivery being prepared for the official picked:
// what the rules give them, and the help or training they ask for.
type deliverDialog struct {
	to            store.Official
	ent           *store.Entitlement // nil until loaded
	approved      []store.Approval
	wantsHelp     bool
	wantsTraining bool
}

// entitledMsg: the chosen official's entitlement, for the delivery form.
type entitledMsg struct {
	official string
	ent      store.Entitlement
	approved []store.Approval
	err      error
}

// startIssue opens the name search to pick who gets the device. The
// workflow is asked first, so a device that cannot go out says why at once.
func (d *deskScreen) startIssue() tea.Cmd {
	if err := store.Check(d.card.Device, store.KindIssued, store.Input{Official: "-"}); err != nil {
		return flashCmd(flashError, d.refusalText(err))
	}
	return d.openPick(true)
}

// openDeliver moves from the search to the delivery form, and reads what
// the official is entitled to.
func (d *deskScreen) openDeliver(o store.Official) tea.Cmd {
	d.openDialog(&deliverDialog{to: o})
	st, id := d.c.store, o.ID
	return func() tea.Msg {
		ent, apps, err := st.EntitlementOf(context.Background(), id)
		return entitledMsg{official: id, ent: ent, approved: apps, err: err}
	}
}

// entitled takes the entitlement read for the form.
func (dv *deliverDialog) entitled(d *deskScreen, msg entitledMsg) tea.Cmd {
	if dv.to.ID != msg.official {
		return nil
	}
	if msg.err != nil {
		return flashCmd(flashError, storeError(d.c.t, msg.err))
	}
	dv.ent, dv.approved = &msg.ent, msg.approved
	return nil
}

func (dv *deliverDialog) typing() bool { return false }

func (dv *deliverDialog) update(d *deskScreen, m tea.Msg) tea.Cmd {
	msg, ok := m.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	keys := d.c.keys.Form
	switch {
	case key.Matches(msg, keys.Confirm):
		if d.saving {
			return nil
		}
		d.closeDialog()
		official, req := dv.to.ID, store.Request{Help: dv.wantsHelp, Training: dv.wantsTraining}
		return d.save(store.KindIssued, func(ctx context.Context, st *store.Store, serial string, by store.Actor) (store.Card, error) {
			return st.Issue(ctx, serial, official, req, by)
		})
	case key.Matches(msg, keys.Cancel):
		d.closeDialog()
	case msg.String() == "1" || msg.String() == "h":
		dv.wantsHelp = !dv.wantsHelp
	case msg.String() == "2" || msg.String() == "t":
		dv.wantsTraining = !dv.wantsTraining
	}
	return nil
}

func (dv *deliverDialog) scanned(d *deskScreen, code string) tea.Cmd { return d.next(code) }

func (dv *deliverDialog) help(k KeyMap) []key.Binding {
	return []key.Binding{k.Form.Confirm, k.Form.Cancel}
}

// lines is the delivery form: who, what they are entitled to, the
// requests to note.
func (dv *deliverDialog) lines(d *deskScreen, w, _ int) []string {
	st, t := d.c.styles, d.c.t
	lines := []string{"", st.Form.Label.Render(t.T("deliver.title", t.Device(d.card.Device.Kind), scan.Clean(dv.to.Name)))}
	if dv.ent == nil {
		return append(lines, st.Card.Muted.Render("…"))
	}
	lines = append(lines, st.Card.Value.Width(w).Render(EntitlementText(t, *dv.ent)))
	// What the workflow will say on Enter, said now (the devices the
	// official has are checked on Enter).
	if err := store.Check(d.card.Device, store.KindIssued, store.Input{Official: dv.to.ID, Entitlement: dv.ent}); err != nil {
		lines = append(lines, st.Flash.Error.Width(w).Render(RefusalText(t, err)))
	}
	box := func(on bool) string {
		if on {
			return "[x]"
		}
		return "[ ]"
	}
	lines = append(lines,
		st.Form.Item.Render("1 "+box(dv.wantsHelp)+" "+t.T("request.help")),
		st.Form.Item.Render("2 "+box(dv.wantsTraining)+" "+t.T("request.training")),
		"", st.Form.Hint.Width(w).Render(t.T("deliver.hint")))
	return lines
}

// EntitlementText says what the rules give an official, in words: at
// the desk's delivery form and after `dropin approve`.
func EntitlementText(t i18n.Catalog, e store.Entitlement) string {
	var parts []string
	if len(e.Kinds) > 0 {
		parts = append(parts, t.T("entitled.to", deviceList(t, e.Kinds)))
	}
	for _, p := range e.Pending {
		parts = append(parts, t.T("entitled.pending", t.Device(p.Kind), scan.Clean(p.Body)))
	}
	if len(parts) == 0 {
		return t.T("entitled.nothing")
	}
	return strings.Join(parts, " ")
}

func deviceList(t i18n.Catalog, kinds []store.DeviceKind) string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = t.Device(k)
	}
	return strings.Join(out, ", ")
}
