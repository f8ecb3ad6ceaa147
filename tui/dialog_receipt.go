package tui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/scan"
	"dropin/store"
)

// receiptDialog shows the tablet's latest receipt in the card's place: its
// QR code where the card has room for it, else its text and number.
type receiptDialog struct {
	rec store.ReceiptRecord
}

func (r *receiptDialog) typing() bool  { return false }
func (r *receiptDialog) replacesCard() {}

func (r *receiptDialog) update(d *deskScreen, m tea.Msg) tea.Cmd {
	msg, ok := m.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	keys := d.c.keys.Card
	switch {
	case key.Matches(msg, keys.Close), key.Matches(msg, keys.Receipt):
		d.closeDialog()
	case key.Matches(msg, keys.Print):
		return d.reprint(false)
	}
	return nil
}

func (r *receiptDialog) scanned(d *deskScreen, code string) tea.Cmd { return d.next(code) }

func (r *receiptDialog) help(k KeyMap) []key.Binding {
	return []key.Binding{k.Card.Print, k.Card.Close}
}

func (r *receiptDialog) lines(d *deskScreen, w, h int) []string {
	st, t, rec := d.c.styles, d.c.t, r.rec
	rc, err := station.Contents(rec)
	if err != nil {
		return []string{st.Flash.Error.Render(errText(err))}
	}
	// Which receipt, and when: the latest is not always today's.
	head := st.Card.Name.Render(t.T("receipt.preview", rec.Number)) +
		st.Card.Muted.Render(" · "+t.DateTime(rc.Issued.Local())+" · "+t.T("receipt.title."+string(rc.Kind)))
	top := []string{ansi.Truncate(head, w, "…")}
	// A receipt made before the upgrade names the account of that time;
	// say which one holds now, and where its receipt comes from.
	if d.card != nil && rc.Account != "" {
		if now := d.card.Account(); now != "" && now != rc.Account {
			warn := t.T("receipt.oldaccount", scan.Clean(rc.Account), scan.Clean(now))
			if next, ok := store.NextStep(d.card.Device); ok && next == store.KindHandedBack {
				warn += " " + t.T("receipt.newonhandback")
			}
			top = append(top, strings.Split(st.Card.AccountWarn.Width(w).Render(warn), "\n")...)
		}
	}
	l := station.Labels(t, rc)
	if q, err := receipt.QR(rec.Token); err == nil {
		// Half blocks draw the light modules: right on a dark background,
		// inverted on a light one.
		code := strings.Split(strings.TrimRight(q.ToSmallString(!d.c.isDark), "\n"), "\n")
		// Which account to log in with says the receipt's point: it goes
		// above the code, which takes whatever room is left.
		if rc.Account != "" {
			top = append(top, st.Card.Label.Render(l.Account+": ")+st.Card.Value.Render(scan.Clean(rc.Account)))
		}
		if len(code)+len(top) <= h && lipgloss.Width(code[0]) <= w {
			return append(top, code...)
		}
		if rc.Account != "" {
			top = top[:len(top)-1] // the text below says it
		}
	}
	lines := append(top, "")
	rows := [][2]string{{l.Official, rc.Official}, {l.Device, rc.Model + " · " + rc.Serial}}
	if len(rc.Items) > 0 { // a visit's: each device and what happened to it
		rows = rows[:1]
		for i, it := range rc.Items {
			rows = append(rows, [2]string{l.Device, l.ItemTexts[i] + " · " + it.Serial})
		}
	}
	for _, row := range append(rows, [2]string{l.Time, l.Date(rc.Issued)}, [2]string{l.Account, rc.Account}) {
		lines = append(lines, st.Card.Label.Render(row[0]+": ")+st.Card.Value.Render(scan.Clean(row[1])))
	}
	return append(lines, "", st.Card.Muted.Width(w).Render(t.T("receipt.qrsmall", rec.Number)))
}
