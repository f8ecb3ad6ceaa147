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

// A dialog is a question the desk asks over a tablet's card: the model of
// an unknown tablet, a failure's reason, the first login's checklist, an
// official to link or deliver to, the delivery's requests, why a device
// comes back, the receipt, the signature. Each lives in its own file and
// owns its input, its keys, its help and its lines; it acts through the
// desk's small API (step, save, close, next) and never reaches into
// another dialog.
type dialog interface {
	// update handles a message while the dialog is open: keys, pastes,
	// its field's cursor, the pen.
	update(d *deskScreen, msg tea.Msg) tea.Cmd
	// scanned handles a scanner burst while the dialog is open.
	scanned(d *deskScreen, code string) tea.Cmd
	// help is the short help while the dialog is open.
	help(k KeyMap) []key.Binding
	// lines draws the dialog, below the card's head (or in its place,
	// where the dialog is a replacer).
	lines(d *deskScreen, w, h int) []string
	// typing reports whether keys are text rather than commands.
	typing() bool
}

// focuser is a dialog with a text field, focused when it opens.
type focuser interface{ focus() tea.Cmd }

// replacer is a dialog that takes the card's whole room (the signature
// pad, the receipt) rather than sitting under the card's head.
type replacer interface{ replacesCard() }

// newField is a text field as the desk's dialogs use it, to be focused
// when the dialog opens.
func newField(c *common, limit int, placeholder, value string) textinput.Model {
	f := textinput.New()
	f.Prompt = "› "
	f.CharLimit = limit
	f.SetStyles(c.styles.Input)
	f.SetWidth(min(50, max(10, c.width-16)))
	f.Placeholder = placeholder
	f.SetValue(value)
	f.CursorEnd()
	return f
}

// openDialog shows dlg over the card, its field focused.
func (d *deskScreen) openDialog(dlg dialog) tea.Cmd {
	d.dlg, d.serialFocused = dlg, false
	d.input.Blur()
	if f, ok := dlg.(focuser); ok {
		return f.focus()
	}
	return nil
}

// closeDialog goes back to the card.
func (d *deskScreen) closeDialog() {
	d.dlg, d.serialFocused = nil, false
	d.input.Blur()
}

// save runs a change to the open tablet in a tea.Cmd; its answer comes
// back as savedMsg, whichever screen is showing. A change under way makes
// others wait.
func (d *deskScreen) save(kind store.Kind, change func(ctx context.Context, st *store.Store, serial string, by store.Actor) (store.Card, error)) tea.Cmd {
	if d.saving {
		return nil
	}
	d.saving = true
	st, serial, by := d.c.store, d.serial, d.c.deskActor()
	return func() tea.Msg {
		card, err := change(context.Background(), st, serial, by)
		return savedMsg{serial: serial, kind: kind, card: card, err: err}
	}
}

// step asks the store to take step k on the open tablet.
func (d *deskScreen) step(k store.Kind, in store.Input) tea.Cmd {
	if d.card == nil {
		return nil
	}
	return d.save(k, func(ctx context.Context, st *store.Store, serial string, by store.Actor) (store.Card, error) {
		return st.Step(ctx, serial, k, in, by)
	})
}

// next is a scan while a dialog without a text field is open: the next
// tablet. Nothing was saved by the dialog.
func (d *deskScreen) next(code string) tea.Cmd {
	d.dlg = nil
	return d.submit(code)
}

// formBurst is a scanner burst into a dialog's text field. A burst that
// is a serial is a scan: the next tablet, said in words (text says so),
// since a model, a reason or a name is never one a scanner types. Words
// with a space between them ("skjerm knust", pasted in a terminal
// without bracketed paste) are text, though the serial reader would
// read them as one: a scanner does not type a space inside a serial.
// Other text is for the field, and the Enter that ended the burst is the
// user's Enter.
func (d *deskScreen) formBurst(field *textinput.Model, code, text string, enter func() tea.Cmd) tea.Cmd {
	if _, err := scan.Parse(code); err == nil && !strings.ContainsAny(strings.TrimSpace(code), " \t") {
		d.dlg = nil
		return tea.Batch(d.submit(code), flashCmd(flashInfo, text))
	}
	insertText(field, code)
	return enter()
}

// insertText puts s into a text field at its cursor.
func insertText(in *textinput.Model, s string) {
	v, pos := []rune(in.Value()), in.Position()
	in.SetValue(string(v[:pos]) + s + string(v[pos:]))
	in.SetCursor(pos + len([]rune(s)))
}
