package tui

import (
	"context"
	"errors"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/scan"
	"dropin/store"
)

// signPad is where the official signs a receipt: with a mouse, a touch
// screen or a pen (terminal mouse events with a button held), drawn at
// braille resolution with the gaps between samples joined, or, as the
// accessible way, by typing their full name.
type signPad struct {
	rec     store.ReceiptRecord
	who     string // the official, as the receipt names them
	strokes []receipt.Stroke
	drawing bool
	byName  bool // the official types their name instead
	name    textinput.Model
}

// signedMsg: a signature was saved (or refused).
type signedMsg struct {
	serial string
	rec    store.ReceiptRecord
	files  station.Files
	err    error
}

// maxPadPoints bounds the ink one signature keeps. Its event carries the
// strokes twice (the drawing, and the receipt re-issued with it) and must
// stay within what the central store takes of one event (64 KB), or the
// desk's outbox would never empty. A signature has a few hundred points;
// past this many the pad takes no more ink.
const maxPadPoints = 1500

// full reports whether the pad holds all the ink it takes.
func (p *signPad) full() bool {
	n := 0
	for _, s := range p.strokes {
		n += len(s)
	}
	return n >= maxPadPoints
}

// padOriginY and padOriginX are where the pad's first cell is on screen: under
// the header (1 line), the serial line (1), the card's top border (1)
// and the pad's title and hint (2); right of the border and padding (2).
const padOriginY, padOriginX = 5, 2

// openPad opens the pad for rec, unless it is signed already.
func (d *deskScreen) openPad(rec store.ReceiptRecord) tea.Cmd {
	rc, err := station.Contents(rec)
	if err != nil {
		return flashCmd(flashError, errText(err))
	}
	if rc.Signed {
		return flashCmd(flashInfo, d.c.t.T("sign.already", rec.Number))
	}
	name := newField(d.c, 120, "", "")
	name.SetWidth(50)
	d.openDialog(&signPad{rec: rec, who: rc.Official, name: name})
	return flashCmd(flashInfo, d.c.t.T("sign.begin", rec.Number))
}

func (p *signPad) typing() bool  { return p.byName }
func (p *signPad) replacesCard() {}

// scanned: while the official types their name, a burst is their name
// (a keyboard wedge); otherwise it is the next tablet, and nothing was
// signed.
func (p *signPad) scanned(d *deskScreen, code string) tea.Cmd {
	if p.byName {
		insertText(&p.name, code)
		return nil
	}
	return d.next(code)
}

func (p *signPad) help(k KeyMap) []key.Binding {
	if p.byName {
		return []key.Binding{k.Form.Confirm, k.Form.Cancel}
	}
	return []key.Binding{k.Sign.Accept, k.Sign.UndoStroke, k.Sign.Clear, k.Sign.Typed, k.Sign.Cancel}
}

// padPoint turns a mouse position into a pad cell, or false when it is
// outside the pad.
func padPoint(m tea.Mouse) (receipt.Point, bool) {
	p := receipt.Point{X: m.X - padOriginX, Y: m.Y - padOriginY}
	return p, p.X >= 0 && p.X < receipt.PadWidth && p.Y >= 0 && p.Y < receipt.PadHeight
}

// update takes the pen (mouse events with a button held) and the keys.
func (p *signPad) update(d *deskScreen, msg tea.Msg) tea.Cmd {
	keys, t := d.c.keys, d.c.t
	switch msg := msg.(type) {
	case tea.MouseClickMsg:
		if pt, ok := padPoint(msg.Mouse()); ok && msg.Button == tea.MouseLeft && !p.byName && !p.full() {
			p.strokes = append(p.strokes, receipt.Stroke{pt})
			p.drawing = true
		}
	case tea.MouseMotionMsg:
		if pt, ok := padPoint(msg.Mouse()); ok && p.drawing && len(p.strokes) > 0 && !p.full() {
			s := &p.strokes[len(p.strokes)-1]
			if last := (*s)[len(*s)-1]; last != pt {
				*s = append(*s, pt)
			}
		}
	case tea.MouseReleaseMsg:
		p.drawing = false
	case tea.KeyPressMsg:
		if p.byName {
			switch {
			case key.Matches(msg, keys.Form.Cancel):
				p.byName = false
				p.name.Blur()
				return nil
			case key.Matches(msg, keys.Form.Confirm):
				typed := strings.TrimSpace(scan.Clean(p.name.Value()))
				if typed == "" {
					return nil
				}
				return p.save(d, nil, typed)
			}
			var cmd tea.Cmd
			p.name, cmd = p.name.Update(msg)
			return cmd
		}
		switch {
		case key.Matches(msg, keys.Sign.Accept):
			if len(p.strokes) == 0 {
				return flashCmd(flashError, t.T("sign.empty"))
			}
			return p.save(d, p.strokes, "")
		case key.Matches(msg, keys.Sign.Clear):
			p.strokes = nil
		case key.Matches(msg, keys.Sign.UndoStroke):
			if len(p.strokes) > 0 {
				p.strokes = p.strokes[:len(p.strokes)-1]
			}
		case key.Matches(msg, keys.Sign.Typed):
			p.byName = true
			p.name.Reset()
			return p.name.Focus()
		case key.Matches(msg, keys.Sign.Cancel):
			d.closeDialog()
			return flashCmd(flashInfo, t.T("sign.cancelled"))
		}
	default: // a paste, the field's cursor
		if p.byName {
			var cmd tea.Cmd
			p.name, cmd = p.name.Update(msg)
			return cmd
		}
	}
	return nil
}

func (p *signPad) save(d *deskScreen, strokes []receipt.Stroke, typed string) tea.Cmd {
	rs, st, t, by, rec, serial := d.c.receipts, d.c.store, d.c.t, d.c.actor(), p.rec, d.serial
	return func() tea.Msg {
		signed, files, err := rs.Sign(context.Background(), st, t, rec, strokes, typed, by)
		return signedMsg{serial: serial, rec: signed, files: files, err: err}
	}
}

// signed takes the store's answer. A signature saved closes the pad; a
// refused one leaves it open to try again.
func (d *deskScreen) signed(msg signedMsg) tea.Cmd {
	t := d.c.t
	p, open := d.dlg.(*signPad)
	if msg.err != nil {
		if errors.Is(msg.err, station.ErrNameMismatch) && open {
			return flashCmd(flashError, t.T("sign.mismatch", scan.Clean(p.who)))
		}
		return flashCmd(flashError, storeError(t, msg.err))
	}
	if open && msg.serial == d.serial {
		d.closeDialog()
	}
	return tea.Batch(flashCmd(flashOK, t.T("sign.saved", t.Clock(d.c.now()), msg.rec.Number)), changed, d.reload())
}

// lines draws the pad: the title, the hint, the drawing in braille
// (2×4 dots a cell) with each stroke's samples joined by lines.
func (p *signPad) lines(d *deskScreen, w, _ int) []string {
	st, t := d.c.styles, d.c.t
	head := st.Card.Name.Render(t.T("sign.title", p.rec.Number)) + st.Card.Muted.Render(" · "+scan.Clean(p.who))
	if p.byName {
		// The hint wraps: its end says how to accept and how to go back.
		return []string{head, st.Form.Hint.Width(w).Render(t.T("sign.typed.hint")), "", st.Form.Label.Render(t.T("sign.typed.label")), p.name.View()}
	}
	lines := []string{head, st.Form.Hint.Width(w).Render(t.T("sign.hint"))}
	for _, row := range braille(p.strokes) {
		lines = append(lines, st.Card.Value.Render(row))
	}
	rule := strings.Repeat("─", receipt.PadWidth)
	return append(lines, st.Card.Muted.Render(rule), st.Card.Muted.Render(t.T("sign.line", scan.Clean(p.who))))
}

// braille renders strokes into PadHeight rows of PadWidth braille cells.
// A cell sample is taken at the middle of its 2×4 dots; consecutive
// samples are joined with Bresenham lines in dot space, so a fast stroke
// that skipped cells is still one line.
func braille(strokes []receipt.Stroke) []string {
	const w, h = receipt.PadWidth * 2, receipt.PadHeight * 4
	var dots [h][w]bool
	set := func(x, y int) {
		if x >= 0 && x < w && y >= 0 && y < h {
			dots[y][x] = true
		}
	}
	for _, s := range strokes {
		for i := range s {
			a, b := s[max(0, i-1)], s[i]
			receipt.Line(2*a.X, 4*a.Y+1, 2*b.X, 4*b.Y+1, set)
		}
	}
	bits := [4][2]rune{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}
	rows := make([]string, receipt.PadHeight)
	for cy := range receipt.PadHeight {
		var b strings.Builder
		for cx := range receipt.PadWidth {
			var r rune
			for dy := range 4 {
				for dx := range 2 {
					if dots[cy*4+dy][cx*2+dx] {
						r |= bits[dy][dx]
					}
				}
			}
			if r == 0 {
				b.WriteRune(' ') // U+2800 draws as a dot or a gap in some fonts
			} else {
				b.WriteRune(0x2800 + r)
			}
		}
		rows[cy] = b.String()
	}
	return rows
}
