package tui

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// The desk's drawing: the serial field, the tablet's card (with a dialog
// under its head, or in its place) and the recent activity.

// view draws the serial field, the card and the recent activity in w×h.
func (d *deskScreen) view(w, h int) string {
	st, t := d.c.styles, d.c.t
	label := st.Form.Label.Render(t.T("scan.label") + " ")
	field := d.input.View()
	if !d.serialFocused {
		field = st.Form.Hint.Render(t.T("scan.idle"))
	}
	if d.c.visit != "" {
		// Devices stepped now belong to the visit, and to its one receipt.
		// Whom the visit is with matters more than the hint: on a narrow
		// terminal the hint gives way, not the name.
		visit := st.Card.Muted.Render("  · " + t.T("desk.invisit", scan.Clean(d.c.visitName)))
		if room := w - 1 - lipgloss.Width(label) - lipgloss.Width(visit); !d.serialFocused && lipgloss.Width(field) > room {
			field = ansi.Truncate(field, max(room, 1), "…")
		}
		field += visit
	}
	top := " " + label + field
	h--
	var cardW, actW, cardH, actH int
	_, signing := d.dlg.(*signPad)
	side := w >= 100 && !signing // the pad needs the whole width
	if side {
		actW = max(36, w*2/5)
		cardW, cardH, actH = w-actW, h, h
	} else {
		cardW, actW = w, w
		actH = min(8, max(0, h-14))
		if signing || d.dlg != nil {
			// A dialog (the pad, the first-login checklist, a form) is the
			// work at hand: it gets the room recent activity would take.
			actH = 0
		}
		cardH = h - actH
	}
	edge := d.c.styles.Box.Blurred
	if !d.serialFocused {
		edge = d.c.styles.Box.Focused
	}
	card := boxed(edge, d.cardLines(cardW-4, cardH-2), cardW, cardH)
	var act []string
	if actH >= 3 {
		if d.activity.lines == nil || d.activity.w != actW || d.activity.h != actH {
			d.activity = drawnBox{w: actW, h: actH, lines: boxed(d.c.styles.Box.Blurred, d.activityLines(actW-4, actH-2), actW, actH)}
		}
		act = d.activity.lines
	}
	body := card
	if side && act != nil {
		// Both boxes are exactly as tall, each line exactly as wide.
		for i := range card {
			card[i] += act[i] // card is this frame's own: act is kept
		}
	} else {
		body = append(card, act...)
	}
	return top + "\n" + strings.Join(body, "\n")
}

func (d *deskScreen) cardLines(w, h int) []string {
	st, t := d.c.styles, d.c.t
	if _, ok := d.dlg.(replacer); ok {
		return d.dlg.lines(d, w, h) // the pad, the receipt, the register form
	}
	if d.card == nil {
		if d.serial != "" {
			return []string{st.Card.Serial.Render(d.serial) + "  " + st.Card.Muted.Render("…")}
		}
		return []string{"", st.Card.Muted.Render(t.T("desk.welcome")), "", st.Form.Hint.Width(w).Render(t.T("desk.welcome.hint"))}
	}
	c, dev := d.card, d.card.Device
	head := st.Card.Serial.Render(dev.Serial)
	if dev.Model != "" {
		head += st.Card.Model.Render(" · " + scan.Clean(dev.Model))
	}
	if dev.Kind != store.Tablet {
		head += st.Card.Model.Render(" · " + t.Device(dev.Kind))
	}
	badge := st.Status[dev.Status].Render(statusWord(t, dev))
	lines := []string{spread(head, badge, w)}
	if o := c.Official; o != nil {
		name := st.Card.Name.Render(scan.Clean(o.Name))
		if o.Municipality != "" {
			name += st.Card.Muted.Render(" · " + scan.Clean(o.Municipality))
		}
		lines = append(lines, name)
		if len(o.Seats) > 0 {
			var seats []string
			for _, s := range o.Seats {
				seat := scan.Clean(s.Body)
				if s.Role != "" {
					seat += " (" + scan.Clean(s.Role) + ")"
				}
				seats = append(seats, seat)
			}
			lines = append(lines, st.Card.Value.Render(strings.Join(seats, " · ")))
		}
		// The phone line also says what the official has been sent to come.
		reminded := t.Reminded(c.Reminded.Count, c.Reminded.Last)
		switch {
		case o.Phone != "" && reminded != "":
			lines = append(lines, st.Card.Label.Render(t.T("card.phone")+" ")+st.Card.Value.Render(scan.Clean(store.PhoneText(o.Phone)))+
				st.Card.Muted.Render(" · "+reminded))
		case o.Phone != "":
			lines = append(lines, st.Card.Label.Render(t.T("card.phone")+" ")+st.Card.Value.Render(scan.Clean(store.PhoneText(o.Phone))))
		case reminded != "":
			lines = append(lines, st.Card.Muted.Render(reminded))
		}
		acct, which, style := c.Account(), t.T("card.secondary"), st.Card.AccountWarn
		if c.UsesPrimary() {
			which, style = t.T("card.primary"), st.Card.Account
		}
		line := st.Card.Label.Render(t.T("card.account")+" ") + style.Render(scan.Clean(acct))
		hint := st.Card.Muted.Render("(" + which + ")")
		if lipgloss.Width(line)+1+lipgloss.Width(hint) <= w {
			lines = append(lines, line+" "+hint)
		} else {
			lines = append(lines, line, "  "+hint) // the address matters most: never cut it for the hint
		}
		// What else they hold: at a return, the rest to ask for.
		if len(d.others) > 0 {
			var has []string
			for _, h := range d.others {
				has = append(has, t.Device(h.Kind)+" "+scan.Clean(h.Serial))
			}
			lines = append(lines, strings.Split(st.Card.Value.Width(w).Render(st.Card.Label.Render(t.T("card.others")+" ")+strings.Join(has, " · ")), "\n")...)
		}
	} else {
		// What to do, wrapped to the card (56 columns beside recent
		// activity at 100), never cut off where it says it.
		lines = append(lines, st.Card.Muted.Width(w).Render(t.T("card.noofficial")))
		if d.owesReceipt() {
			// The hand-in receipt names its official: it is made when one is linked.
			lines = append(lines, st.Card.AccountWarn.Width(w).Render(t.T("card.receiptowed")))
		}
	}
	lines = append(lines, d.custodyLines(w)...)
	if dev.Status == store.Failed {
		lines = append(lines, st.Flash.Error.Width(w).Render(t.T("card.failure", scan.Clean(dev.FailureReason))))
	}
	if next, ok := store.NextStep(dev); ok {
		lines = append(lines, st.Card.Label.Render(t.T("card.next")+" ")+st.Card.Next.Render("[space] → "+nextText(t, dev, next)))
	}
	// Desks that disagreed about it: the merge decided, someone should look.
	for _, cf := range c.Conflicts {
		lines = append(lines, strings.Split(st.Card.AccountWarn.Width(w).Render("⚠ "+scan.Clean(t.Conflict(cf, time.Local))), "\n")...)
	}
	if d.dlg != nil {
		return append(lines, d.dlg.lines(d, w, h-len(lines))...)
	}
	// The timeline gets what room is left, newest entries kept.
	room := h - len(lines) - 2
	if room < 1 {
		return lines
	}
	lines = append(lines, "", st.Box.Title.Render(t.T("card.timeline")))
	tl := c.Timeline
	if len(tl) > room {
		tl = tl[len(tl)-room:]
	}
	for _, e := range tl {
		lines = append(lines, d.timelineLine(e, w))
	}
	return lines
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

func (d *deskScreen) timelineLine(e store.Entry, w int) string {
	st, t := d.c.styles, d.c.t
	what := scan.Clean(t.Entry(e))
	kind := st.Timeline.Kind
	if e.Undone {
		kind = st.Timeline.Undone
	}
	when := st.Timeline.Time.Render(t.DateTime(e.At) + "  ")
	who := st.Timeline.Who.Render(scan.Clean(e.Staff) + " · " + scan.Clean(e.Station))
	// Who and where line up on the right; what gets the room between.
	room := w - lipgloss.Width(when) - lipgloss.Width(who) - 2
	if room < 8 {
		return when + kind.Render(what) + "  " + who
	}
	what = ansi.Truncate(what, room, "…")
	return when + kind.Render(what) + strings.Repeat(" ", room-lipgloss.Width(what)+2) + who
}

func (d *deskScreen) activityLines(w, h int) []string {
	st, t := d.c.styles, d.c.t
	lines := []string{st.Box.Title.Render(t.T("activity.title"))}
	if len(d.recent) == 0 {
		return append(lines, st.Card.Muted.Render(t.T("activity.none")))
	}
	for _, a := range d.recent {
		if len(lines) >= h {
			break
		}
		what := t.Kind(a.Kind)
		style := st.Timeline.Kind
		if a.Undone {
			style = st.Timeline.Undone
		}
		line := st.Timeline.Time.Render(t.Clock(a.At) + " ")
		if a.Serial != "" {
			line += st.Card.Serial.Render(scan.Clean(a.Serial)) + " "
		}
		// A batch read that took nothing in says so: read twice, or
		// refused (what the scanner typed, cleaned and cut short).
		switch a.Read {
		case store.ReadDuplicate:
			what = t.T("activity.read.duplicate")
		case store.ReadInvalid:
			line += st.Card.Muted.Render(t.T("activity.read.raw", ansi.Truncate(scan.Clean(a.Raw), 16, "…"))) + " "
			what = t.T("activity.read.invalid")
		}
		line += style.Render(what)
		for _, about := range []string{a.Official, a.Batch} {
			if about != "" {
				line += st.Card.Muted.Render(" · " + scan.Clean(about))
			}
		}
		lines = append(lines, line)
	}
	return lines
}

// spread puts left and right on one line of width w.
func spread(left, right string, w int) string {
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 && lipgloss.Width(right)+2 < w {
		// The left side gives way: a 300-character model never pushes
		// the status off the line.
		left = ansi.Truncate(left, w-lipgloss.Width(right)-1, "…")
		gap = w - lipgloss.Width(left) - lipgloss.Width(right)
	}
	if gap < 1 {
		return left + " " + right
	}
	return left + strings.Repeat(" ", gap) + right
}

// nextText names the step space takes. Off the employees' track is said
// as such: "→ employees' track" on a tablet already there read as the
// step it is on.
func nextText(t i18n.Catalog, d store.Device, next store.Kind) string {
	if next == store.KindEmployee && d.Status == store.EmployeeTrack {
		return t.T("next.employee-off")
	}
	return t.Kind(next)
}
