package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"dropin/scan"
	"dropin/store"
)

// The equipment lifecycle at the desk: issue a device to an official
// (pick them, see what they are entitled to, note requests, sign the
// delivery receipt), take it back (why, sign the return receipt), reset.

// deliverState is the delivery being prepared in modeDeliver.
type deliverState struct {
	to       store.Official
	ent      *store.Entitlement // nil until loaded
	approved []store.Approval
	help     bool
	training bool
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
	t := d.c.t
	if err := store.Check(d.card.Device, store.KindIssued, store.Input{Official: "-"}); err != nil {
		return flashCmd(flashError, d.refusalText(err))
	}
	d.cursor, d.linkFor = 0, store.KindIssued
	return tea.Batch(d.openForm(modeLink, "", t.T("link.placeholder")), d.search(""))
}

// chooseRecipient moves from the search to the delivery form.
func (d *deskScreen) chooseRecipient(o store.Official) tea.Cmd {
	d.deliver = &deliverState{to: o}
	d.mode = modeDeliver
	d.form.Blur()
	st, id := d.c.store, o.ID
	return func() tea.Msg {
		ent, apps, err := st.EntitlementOf(context.Background(), id)
		return entitledMsg{official: id, ent: ent, approved: apps, err: err}
	}
}

func (d *deskScreen) deliverKey(msg tea.KeyPressMsg) tea.Cmd {
	keys, dv := d.c.keys.Form, d.deliver
	switch {
	case key.Matches(msg, keys.Confirm):
		if d.saving {
			return nil
		}
		d.saving = true
		d.toCard()
		st, serial, by := d.c.store, d.serial, d.c.actor()
		official, req := dv.to.ID, store.Request{Help: dv.help, Training: dv.training}
		return func() tea.Msg {
			card, err := st.Issue(context.Background(), serial, official, req, by)
			return savedMsg{serial: serial, kind: store.KindIssued, card: card, err: err}
		}
	case key.Matches(msg, keys.Cancel):
		d.deliver = nil
		d.toCard()
	case msg.String() == "1" || msg.String() == "h":
		dv.help = !dv.help
	case msg.String() == "2" || msg.String() == "t":
		dv.training = !dv.training
	}
	return nil
}

// startReturn asks why the device comes back.
func (d *deskScreen) startReturn() tea.Cmd {
	if err := store.Check(d.card.Device, store.KindReturned, store.Input{Reason: store.ReturnTermEnd}); err != nil {
		return flashCmd(flashError, d.refusalText(err))
	}
	d.mode, d.cursor = modeReturn, 0
	return nil
}

var returnReasons = []string{store.ReturnTermEnd, store.ReturnLeaving}

func (d *deskScreen) returnKey(msg tea.KeyPressMsg) tea.Cmd {
	keys := d.c.keys.Form
	switch {
	case key.Matches(msg, keys.Confirm):
		d.toCard()
		return d.step(store.KindReturned, store.Input{Reason: returnReasons[d.cursor]})
	case key.Matches(msg, keys.Cancel):
		d.toCard()
	case key.Matches(msg, keys.Up), key.Matches(msg, keys.Down):
		d.cursor = 1 - d.cursor
	case msg.String() == "1", msg.String() == "2":
		d.toCard()
		return d.step(store.KindReturned, store.Input{Reason: returnReasons[msg.String()[0]-'1']})
	}
	return nil
}

// custodyLines say who has the device, for a card whose device has been
// through the lifecycle.
func (d *deskScreen) custodyLines(w int) []string {
	st, t, dev := d.c.styles, d.c.t, d.card.Device
	switch dev.Custody {
	case store.Issued:
		return []string{st.Card.Label.Render(t.T("custody.label")+" ") + st.Card.Value.Render(t.T("custody.issued.since", t.DateTime(dev.Since.Time())))}
	case store.Returned:
		return []string{st.Flash.Error.Width(w).Render(t.T("custody.returned.hint"))}
	}
	return nil
}

// deliverLines is the delivery form: who, what they are entitled to, the
// requests to note.
func (d *deskScreen) deliverLines(w int) []string {
	st, t, dv := d.c.styles, d.c.t, d.deliver
	lines := []string{"", st.Form.Label.Render(t.T("deliver.title", t.Device(d.card.Device.Kind), scan.Clean(dv.to.Name)))}
	if dv.ent == nil {
		return append(lines, st.Card.Muted.Render("…"))
	}
	lines = append(lines, st.Card.Value.Width(w).Render(entitlementText(d.c, *dv.ent)))
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
		st.Form.Item.Render("1 "+box(dv.help)+" "+t.T("request.help")),
		st.Form.Item.Render("2 "+box(dv.training)+" "+t.T("request.training")),
		"", st.Form.Hint.Width(w).Render(t.T("deliver.hint")))
	return lines
}

// entitlementText says what the rules give an official, in words.
func entitlementText(c *common, e store.Entitlement) string {
	t := c.t
	var parts []string
	if len(e.Kinds) > 0 {
		parts = append(parts, t.T("entitled.to", deviceList(c, e.Kinds)))
	}
	for _, p := range e.Pending {
		parts = append(parts, t.T("entitled.pending", t.Device(p.Kind), scan.Clean(p.Body)))
	}
	if len(parts) == 0 {
		return t.T("entitled.nothing")
	}
	return strings.Join(parts, " ")
}

func deviceList(c *common, kinds []store.DeviceKind) string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = c.t.Device(k)
	}
	return strings.Join(out, ", ")
}

func (d *deskScreen) returnLines() []string {
	st, t := d.c.styles, d.c.t
	lines := []string{"", st.Form.Label.Render(t.T("return.title"))}
	for i, r := range returnReasons {
		line := string(rune('1'+i)) + " " + t.T("return."+r)
		if i == d.cursor {
			lines = append(lines, st.Form.Selected.Render("› "+line))
		} else {
			lines = append(lines, st.Form.Item.Render("  "+line))
		}
	}
	return lines
}
