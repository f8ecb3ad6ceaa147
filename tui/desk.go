package tui

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/receipt"
	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// deskMode is what the desk's keys do right now.
type deskMode int

const (
	modeInput     deskMode = iota // keys go into the serial field
	modeCard                      // a tablet is open: one key per step
	modeRegister                  // an unknown tablet: ask for its model
	modeFail                      // ask for the failure's reason
	modeChecklist                 // the guided first login's checklist
	modeLink                      // search an official to link
	modeReceipt                   // the tablet's latest receipt, with its QR
	modeSign                      // the official signs the receipt
	modeDeliver                   // issue a device: entitlement and requests
	modeReturn                    // take a device back: why
)

// deskScreen is check-in by serial and the upgrade ladder: scan or type a
// serial, see the tablet's card, move it along one key at a time.
type deskScreen struct {
	c      *common
	mode   deskMode
	input  textinput.Model // the serial
	form   textinput.Model // model, reason or name search
	card   *store.Card     // the open tablet
	serial string          // the serial on screen; results for any other are stale
	saving bool            // a write is under way; step keys wait for it
	recent []store.Activity

	lastModel string // offered again when registering the next unknown tablet

	checked    [5]bool            // first-login checklist, in store.Checklist order
	keptChecks map[string][5]bool // ticks of checklists a scan interrupted, by serial
	cursor     int                // the highlighted checklist item or search result

	results   []store.Official
	searchSeq int
	linkFor   store.Kind    // what the name search picks for: linked or issued
	deliver   *deliverState // modeDeliver's delivery
	kind      int           // modeRegister: index into store.DeviceKinds

	shown *store.ReceiptRecord // the receipt modeReceipt shows
	pad   *signPad             // modeSign's pad
}

// Messages the desk's commands send back.
type (
	checkedInMsg struct {
		serial string
		res    store.CheckInResult
		err    error
	}
	savedMsg struct {
		serial string
		kind   store.Kind
		card   store.Card
		err    error
	}
	searchedMsg struct {
		seq     int
		results []store.Official
		err     error
	}
	// changedMsg tells the root that the store changed, so the numbers
	// on screen are re-read.
	changedMsg struct{}
	// receiptMsg: a receipt was issued (and printed, if a printer is set),
	// or reprinted, or loaded to be shown.
	receiptMsg struct {
		serial   string
		rec      store.ReceiptRecord
		files    Files
		issued   bool
		printed  bool // printing was tried
		job      string
		printErr error
		show     bool
		sign     bool // show it on the signature pad
		err      error
	}
	// cardMsg: the open tablet's card, read again.
	cardMsg struct {
		serial string
		card   store.Card
		err    error
	}
	// tokenMsg: a scanned receipt token was verified and its tablet read.
	tokenMsg struct {
		serial   string
		token    receipt.Token
		verified Verified
		card     store.Card
		err      error
	}
)

func newDeskScreen(c *common) deskScreen {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 64
	in.SetStyles(c.styles.Input)
	form := textinput.New()
	form.Prompt = "› "
	form.CharLimit = 120
	form.SetStyles(c.styles.Input)
	d := deskScreen{c: c, input: in, form: form, keptChecks: map[string][5]bool{}}
	d.resize()
	return d
}

func (d *deskScreen) restyle() {
	d.input.SetStyles(d.c.styles.Input)
	d.form.SetStyles(d.c.styles.Input)
}

func (d *deskScreen) resize() {
	d.input.SetWidth(min(30, max(10, d.c.width-30)))
	d.form.SetWidth(min(50, max(10, d.c.width-16)))
}

// typing reports whether keys are text rather than commands.
func (d *deskScreen) typing() bool {
	switch d.mode {
	case modeInput, modeRegister, modeFail, modeLink:
		return true
	case modeSign:
		return d.pad != nil && d.pad.typing
	}
	return false
}

func (d *deskScreen) focusInput() tea.Cmd {
	d.mode = modeInput
	d.form.Blur()
	return d.input.Focus()
}

func (d *deskScreen) openForm(mode deskMode, value, placeholder string) tea.Cmd {
	d.mode = mode
	d.input.Blur()
	d.form.Reset()
	d.form.SetValue(value)
	d.form.CursorEnd()
	d.form.Placeholder = placeholder
	return d.form.Focus()
}

func (d *deskScreen) toCard() {
	d.mode = modeCard
	d.input.Blur()
	d.form.Blur()
}

func (d *deskScreen) update(msg tea.Msg) tea.Cmd {
	t := d.c.t
	switch msg := msg.(type) {
	case scan.Msg:
		if d.mode == modeSign && d.pad != nil && d.pad.typing {
			insertText(&d.pad.name, msg.Code)
			return nil
		}
		var said tea.Cmd
		if d.mode == modeChecklist && d.checked != ([5]bool{}) {
			// The ticks of an interrupted first login are kept for when
			// the tablet comes up again: nothing done with the official
			// is thrown away without a word.
			d.keptChecks[d.serial] = d.checked
			said = flashCmd(flashInfo, t.T("checklist.kept", d.serial))
		}
		if d.mode == modeInput || d.mode == modeCard || d.mode == modeChecklist || d.mode == modeSign || d.mode == modeDeliver || d.mode == modeReturn {
			d.deliver = nil
			d.pad = nil // a scan at the desk means the next tablet; nothing was signed
			return tea.Batch(d.submit(msg.Code), said)
		}
		// A form has focus. A burst that is a serial is a scan: the next
		// tablet, said in words, since the form's own text (a model, a
		// reason, a name) is never one a scanner types.
		if _, err := scan.Parse(msg.Code); err == nil {
			text := t.T("scan.inform", scan.Clean(msg.Code))
			if d.mode == modeRegister {
				text = t.T("scan.inregister", scan.Clean(msg.Code), d.serial)
			}
			d.deliver = nil
			return tea.Batch(d.submit(msg.Code), flashCmd(flashInfo, text))
		}
		// Other text is for the field, and the Enter that ended the burst
		// is the user's Enter.
		insertText(&d.form, msg.Code)
		if d.mode == modeLink {
			return d.search(d.form.Value())
		}
		return d.update(tea.KeyPressMsg{Code: tea.KeyEnter})

	case checkedInMsg:
		if msg.serial != d.serial {
			return nil // the desk moved on to another tablet
		}
		d.saving = false
		if cut := (*store.Misread)(nil); errors.As(msg.err, &cut) {
			d.card = nil
			return tea.Batch(d.focusInput(), flashCmd(flashError, t.T("scan.refused", cut.Read, reasonText(t, scan.ReasonCutOff, cut.Likely))))
		}
		if msg.err != nil {
			d.c.log.Error("check in", "serial", msg.serial, "err", msg.err)
			d.card = nil
			return tea.Batch(d.focusInput(), flashCmd(flashError, storeError(t, msg.err)))
		}
		if msg.res.Unknown {
			d.card = nil
			return tea.Batch(d.openForm(modeRegister, d.lastModel, t.T("register.placeholder")),
				flashCmd(flashInfo, t.T("register.unknown", msg.serial)))
		}
		d.card = &msg.res.Card
		d.toCard()
		if msg.res.Changed {
			return tea.Batch(d.savedFlash(store.KindReceived), changed, d.file(msg.res.Card.Receipt))
		}
		return flashCmd(flashInfo, t.T("card.opened", msg.serial, t.Status(d.card.Device.Status)))

	case savedMsg:
		if msg.serial != d.serial {
			return changed
		}
		d.saving = false
		if msg.err != nil {
			return flashCmd(flashError, d.refusalText(msg.err))
		}
		d.card = &msg.card
		cmds := []tea.Cmd{d.savedFlash(msg.kind), changed, d.file(msg.card.Receipt)}
		if msg.kind == store.KindIssued || msg.kind == store.KindReturned {
			d.deliver = nil
		}
		if msg.kind == store.KindRegistered {
			// The tablet is in: link its official now, or Esc for later.
			d.linkFor = store.KindLinked
			cmds = append(cmds, d.openForm(modeLink, "", t.T("link.placeholder")), d.search(""))
		} else {
			d.toCard()
		}
		return tea.Batch(cmds...)

	case receiptMsg:
		return d.receiptDone(msg)

	case entitledMsg:
		if d.deliver == nil || d.deliver.to.ID != msg.official {
			return nil
		}
		if msg.err != nil {
			return flashCmd(flashError, storeError(t, msg.err))
		}
		d.deliver.ent, d.deliver.approved = &msg.ent, msg.approved
		return nil

	case signedMsg:
		if d.pad == nil {
			return changed
		}
		return d.signed(msg)

	case tea.MouseClickMsg, tea.MouseMotionMsg, tea.MouseReleaseMsg:
		if d.mode == modeSign && d.pad != nil {
			return d.padUpdate(msg)
		}
		return nil

	case cardMsg:
		if msg.serial == d.serial && msg.err == nil && d.card != nil {
			d.card = &msg.card
		}
		return nil

	case tokenMsg:
		if msg.serial != d.serial {
			return nil
		}
		d.saving = false
		if msg.err != nil {
			d.card = nil
			return tea.Batch(d.focusInput(), flashCmd(flashError, VerifyText(t, msg.verified, msg.err)))
		}
		d.card = &msg.card
		d.toCard()
		if msg.token.Kind == receipt.HandIn {
			return flashCmd(flashOK, t.T("receipt.pickup", msg.token.Number, msg.serial))
		}
		return flashCmd(flashInfo, t.T("receipt.notpickup", msg.token.Number, msg.serial))

	case searchedMsg:
		if msg.seq != d.searchSeq {
			return nil
		}
		if msg.err != nil {
			return flashCmd(flashError, storeError(t, msg.err))
		}
		d.results = msg.results
		d.cursor = min(d.cursor, max(0, len(d.results)-1))
		return nil

	case tea.PasteMsg:
		if d.mode == modeCard {
			// A pasted serial: treat it as typed into the serial field.
			d.focusInput()
		}

	case tea.KeyPressMsg:
		switch d.mode {
		case modeSign:
			return d.padUpdate(msg)
		case modeInput:
			return d.inputKey(msg)
		case modeCard:
			return d.cardKey(msg)
		case modeRegister:
			return d.registerKey(msg)
		case modeFail:
			return d.failKey(msg)
		case modeChecklist:
			return d.checklistKey(msg)
		case modeLink:
			return d.linkKey(msg)
		case modeDeliver:
			return d.deliverKey(msg)
		case modeReturn:
			return d.returnKey(msg)
		case modeReceipt:
			if key.Matches(msg, d.c.keys.Card.Close) || key.Matches(msg, d.c.keys.Card.Receipt) {
				d.toCard()
				return nil
			}
			if key.Matches(msg, d.c.keys.Card.Print) {
				return d.reprint(false)
			}
			return nil
		}
	}
	var cmd tea.Cmd
	if d.mode == modeInput {
		d.input, cmd = d.input.Update(msg)
	} else if d.typing() {
		d.form, cmd = d.form.Update(msg)
	}
	return cmd
}

func changed() tea.Msg { return changedMsg{} }

// insertText puts s into a text field at its cursor.
func insertText(in *textinput.Model, s string) {
	v, pos := []rune(in.Value()), in.Position()
	in.SetValue(string(v[:pos]) + s + string(v[pos:]))
	in.SetCursor(pos + len([]rune(s)))
}

// submit checks a scanned or typed serial in. A read that is not a serial
// is refused with its reason, shown safely.
func (d *deskScreen) submit(raw string) tea.Cmd {
	t := d.c.t
	if receipt.LooksLikeToken(raw) && d.c.receipts != nil {
		return d.openToken(raw)
	}
	serial, err := scan.Parse(raw)
	if err != nil {
		return flashCmd(flashError, t.T("scan.refused", scan.Clean(raw), reasonText(t, scan.ReasonOf(err), "")))
	}
	d.input.Reset()
	d.serial, d.card, d.saving = serial, nil, true
	d.toCard()
	st, by := d.c.store, d.c.actor()
	return func() tea.Msg {
		res, err := st.CheckIn(context.Background(), serial, by)
		return checkedInMsg{serial: serial, res: res, err: err}
	}
}

// openToken checks a scanned receipt token as VerifyToken does for the
// command line (the signature here, the stored receipt in the command)
// and opens its tablet, ready for pick-up. A token that does
// not verify is refused with the reason.
func (d *deskScreen) openToken(raw string) tea.Cmd {
	tok, err := receipt.Verify(strings.ToUpper(strings.TrimSpace(raw)), d.c.receipts.Keyring)
	if err != nil {
		return flashCmd(flashError, TokenRefusal(d.c.t, err, tok.KeyID))
	}
	d.input.Reset()
	d.serial, d.card, d.saving = tok.Serial, nil, true
	d.toCard()
	st := d.c.store
	return func() tea.Msg {
		ctx := context.Background()
		v, err := checkStored(ctx, st, tok) // the signature was verified above
		if err != nil {
			return tokenMsg{serial: tok.Serial, token: tok, verified: v, err: err}
		}
		card, err := st.Card(ctx, tok.Serial)
		if err == nil && !card.Device.Known {
			err = fmt.Errorf("%s: %w", tok.Serial, errors.New("unknown tablet"))
		}
		return tokenMsg{serial: tok.Serial, token: tok, verified: v, card: card, err: err}
	}
}

// file writes the files of the receipt a step made in its own
// transaction, and prints it if a printer is set. It runs after the step
// is saved and shown: the step never waits for paper.
func (d *deskScreen) file(rec *store.ReceiptRecord) tea.Cmd {
	rs := d.c.receipts
	if rs == nil || rec == nil {
		return nil
	}
	t, r := d.c.t, *rec
	return func() tea.Msg {
		files, err := rs.Render(t, r)
		msg := receiptMsg{serial: r.Serial, rec: r, files: files, issued: true, err: err}
		if err == nil && rs.Printer.Name != "" {
			msg.printed = true
			msg.job, msg.printErr = rs.Print(context.Background(), t, r, files)
		}
		return msg
	}
}

// reload reads the open tablet's card again.
func (d *deskScreen) reload() tea.Cmd {
	st, serial := d.c.store, d.serial
	return func() tea.Msg {
		card, err := st.Card(context.Background(), serial)
		return cardMsg{serial: serial, card: card, err: err}
	}
}

// reprint prints (or, with show, loads to show) the open tablet's latest
// receipt.
func (d *deskScreen) reprint(show bool) tea.Cmd {
	rs := d.c.receipts
	if rs == nil || d.card == nil {
		return nil
	}
	st, t, serial := d.c.store, d.c.t, d.serial
	return func() tea.Msg {
		ctx := context.Background()
		recs, err := st.ReceiptsOf(ctx, serial)
		if err != nil || len(recs) == 0 {
			return receiptMsg{serial: serial, show: show, err: errors.Join(err, store.ErrNoReceipt)}
		}
		msg := receiptMsg{serial: serial, rec: recs[0], files: rs.FilesOf(recs[0]), show: show}
		if !show {
			msg.printed = true
			msg.job, msg.printErr = rs.Print(ctx, t, recs[0], msg.files)
		}
		return msg
	}
}

func (d *deskScreen) receiptDone(msg receiptMsg) tea.Cmd {
	t := d.c.t
	if msg.err != nil {
		if errors.Is(msg.err, store.ErrNoReceipt) {
			return flashCmd(flashInfo, t.T("receipt.none"))
		}
		d.c.log.Error("receipt", "serial", msg.serial, "err", msg.err)
		return flashCmd(flashError, storeError(t, msg.err))
	}
	if msg.show {
		if msg.serial == d.serial && d.card != nil {
			if msg.sign {
				return d.openPad(msg.rec)
			}
			d.shown, d.mode = &msg.rec, modeReceipt
		}
		return nil
	}
	// The flash names the file; the folder is the receipts folder (README).
	file := filepath.Base(msg.files.For(d.c.receipts.Printer.Paper))
	var cmds []tea.Cmd
	if msg.issued {
		cmds = append(cmds, changed)
		if msg.serial == d.serial {
			cmds = append(cmds, d.reload()) // the timeline lists the receipt
		}
	}
	signs := msg.rec.Kind == string(receipt.HandBack) || msg.rec.Kind == string(receipt.Delivery) || msg.rec.Kind == string(receipt.Return)
	if msg.issued && signs && msg.serial == d.serial && d.card != nil {
		// Handed back, delivered, returned: the official signs, here and now.
		cmds = append(cmds, d.openPad(msg.rec))
	}
	if !msg.printed { // issued, and no printer is set up: the file is it
		return tea.Batch(append(cmds, flashCmd(flashOK, t.T("receipt.issued", msg.rec.Number, file)))...)
	}
	text, ok := PrintText(t, msg.rec.Number, msg.job, msg.printErr, file)
	kind := flashOK
	switch {
	case errors.Is(msg.printErr, receipt.ErrNoPrinter):
		kind = flashInfo
	case !ok:
		kind = flashError
		d.c.log.Warn("print", "receipt", msg.rec.Number, "err", msg.printErr)
	}
	return tea.Batch(append(cmds, flashCmd(kind, text))...)
}

// step asks the store to take step k on the open tablet.
func (d *deskScreen) step(k store.Kind, in store.Input) tea.Cmd {
	if d.card == nil || d.saving {
		return nil
	}
	d.saving = true
	st, serial, by := d.c.store, d.serial, d.c.actor()
	return func() tea.Msg {
		card, err := st.Step(context.Background(), serial, k, in, by)
		return savedMsg{serial: serial, kind: k, card: card, err: err}
	}
}

func (d *deskScreen) savedFlash(k store.Kind) tea.Cmd {
	t := d.c.t
	return flashCmd(flashOK, t.T("saved", t.Clock(d.c.now()), d.serial, t.Kind(k)))
}

// refusalText says in the desk's language why the store said no.
func (d *deskScreen) refusalText(err error) string {
	if _, ok := store.IsRefusal(err); !ok {
		d.c.log.Error("save", "serial", d.serial, "err", err)
	}
	return RefusalText(d.c.t, err)
}

// RefusalText says in the desk's language why the store said no: the
// workflow's refusal with what it names, or why the store could not save.
// It is the one translator of refusals, for every screen and command.
func RefusalText(t i18n.Catalog, err error) string {
	r, ok := store.IsRefusal(err)
	if !ok {
		return storeError(t, err)
	}
	switch r.Code {
	case store.RefuseDone:
		if r.Kind == store.KindRequestDone {
			return t.T("requests.already")
		}
		return t.T("refuse.done", t.Kind(r.Kind), t.Status(r.Status))
	case store.RefuseSkip:
		return t.T("refuse.skip", t.Kind(r.Kind), t.Status(r.Status), t.Kind(store.Kind(r.Need)))
	case store.RefuseNotEntitled, store.RefuseHasKind:
		return t.T("refuse."+string(r.Code), t.Device(r.Device))
	case store.RefuseNeedsApproval:
		return t.T("refuse.needs-approval", t.Device(r.Device), scan.Clean(r.Body))
	case store.RefuseNoSeat:
		return t.T("refuse.no-seat", scan.Clean(r.Body))
	}
	return t.T("refuse." + string(r.Code))
}

func errText(err error) string { return scan.Clean(err.Error()) }

func (d *deskScreen) inputKey(msg tea.KeyPressMsg) tea.Cmd {
	keys := d.c.keys
	switch {
	case key.Matches(msg, keys.Form.Confirm):
		if strings.TrimSpace(d.input.Value()) == "" {
			return nil
		}
		return d.submit(d.input.Value())
	case key.Matches(msg, keys.Form.Cancel):
		d.input.Reset()
		if d.card != nil {
			d.toCard()
		}
		return nil
	}
	var cmd tea.Cmd
	d.input, cmd = d.input.Update(msg)
	return cmd
}

func (d *deskScreen) cardKey(msg tea.KeyPressMsg) tea.Cmd {
	keys, t := d.c.keys.Card, d.c.t
	if d.card == nil {
		// Waiting for the store: only leaving makes sense.
		if key.Matches(msg, keys.Close) {
			d.serial, d.saving = "", false
			return d.focusInput()
		}
		return nil
	}
	dev := d.card.Device
	switch {
	case key.Matches(msg, keys.Next):
		next, ok := store.NextStep(dev)
		switch {
		case !ok:
			return nil
		case next == store.KindFirstLogin:
			d.mode, d.checked, d.cursor = modeChecklist, d.keptChecks[d.serial], 0
			delete(d.keptChecks, d.serial)
			return nil
		case next == store.KindEmployee:
			return d.step(next, store.Input{On: !dev.Employee})
		}
		return d.step(next, store.Input{})
	case key.Matches(msg, keys.Fail):
		if err := store.Check(dev, store.KindFailed, store.Input{Reason: "-"}); err != nil {
			return flashCmd(flashError, d.refusalText(err))
		}
		return d.openForm(modeFail, "", t.T("fail.placeholder"))
	case key.Matches(msg, keys.Undo):
		return d.step(store.KindUndo, store.Input{})
	case key.Matches(msg, keys.Employee):
		return d.step(store.KindEmployee, store.Input{On: !dev.Employee})
	case key.Matches(msg, keys.Link):
		d.cursor, d.linkFor = 0, store.KindLinked
		return tea.Batch(d.openForm(modeLink, "", t.T("link.placeholder")), d.search(""))
	case key.Matches(msg, keys.Issue):
		return d.startIssue()
	case key.Matches(msg, keys.Return):
		return d.startReturn()
	case key.Matches(msg, keys.Reset):
		if err := store.Check(dev, store.KindReset, store.Input{}); err != nil {
			return flashCmd(flashError, d.refusalText(err))
		}
		return d.step(store.KindReset, store.Input{})
	case key.Matches(msg, keys.Type):
		return d.focusInput()
	case key.Matches(msg, keys.Print):
		return d.reprint(false)
	case key.Matches(msg, keys.Receipt):
		return d.reprint(true)
	case key.Matches(msg, keys.Sign) && d.c.receipts != nil:
		cmd := d.reprint(true)
		return func() tea.Msg {
			m := cmd()
			if rm, ok := m.(receiptMsg); ok {
				rm.sign = true
				return rm
			}
			return m
		}
	case key.Matches(msg, keys.Close):
		d.card, d.serial = nil, ""
		return d.focusInput()
	case key.Matches(msg, keys.Quit):
		return tea.Quit
	case msg.Text != "":
		return flashCmd(flashInfo, t.T("card.typehint"))
	}
	return nil
}

func (d *deskScreen) registerKey(msg tea.KeyPressMsg) tea.Cmd {
	keys, t := d.c.keys.Form, d.c.t
	switch {
	case key.Matches(msg, keys.Confirm):
		model := strings.TrimSpace(scan.Clean(d.form.Value()))
		if model == "" {
			return flashCmd(flashError, t.T("register.needmodel"))
		}
		d.lastModel, d.saving = model, true
		st, serial, by, kind := d.c.store, d.serial, d.c.actor(), store.DeviceKinds[d.kind]
		return func() tea.Msg {
			card, err := st.RegisterKind(context.Background(), serial, model, kind, "", by)
			return savedMsg{serial: serial, kind: store.KindRegistered, card: card, err: err}
		}
	case key.Matches(msg, keys.Cancel):
		serial := d.serial
		d.serial = ""
		return tea.Batch(d.focusInput(), flashCmd(flashInfo, t.T("register.cancelled", serial)))
	case key.Matches(msg, keys.Up):
		d.kind = (d.kind + len(store.DeviceKinds) - 1) % len(store.DeviceKinds)
		return nil
	case key.Matches(msg, keys.Down):
		d.kind = (d.kind + 1) % len(store.DeviceKinds)
		return nil
	}
	var cmd tea.Cmd
	d.form, cmd = d.form.Update(msg)
	return cmd
}

func (d *deskScreen) failKey(msg tea.KeyPressMsg) tea.Cmd {
	keys, t := d.c.keys.Form, d.c.t
	switch {
	case key.Matches(msg, keys.Confirm):
		reason := strings.TrimSpace(scan.Clean(d.form.Value()))
		if reason == "" {
			return flashCmd(flashError, t.T("refuse.no-reason"))
		}
		d.toCard()
		return d.step(store.KindFailed, store.Input{Reason: reason})
	case key.Matches(msg, keys.Cancel):
		d.toCard()
		return nil
	}
	var cmd tea.Cmd
	d.form, cmd = d.form.Update(msg)
	return cmd
}

func (d *deskScreen) checklistKey(msg tea.KeyPressMsg) tea.Cmd {
	keys, t := d.c.keys.Form, d.c.t
	switch {
	case key.Matches(msg, keys.Confirm):
		var done []string
		for i, ok := range d.checked {
			if ok {
				done = append(done, store.Checklist[i])
			}
		}
		if len(done) < len(store.Checklist) {
			return flashCmd(flashError, t.T("checklist.incomplete", len(done), len(store.Checklist)))
		}
		d.toCard()
		return d.step(store.KindFirstLogin, store.Input{Checklist: done})
	case key.Matches(msg, keys.Cancel):
		d.toCard()
	case key.Matches(msg, keys.Up):
		d.cursor = (d.cursor + len(d.checked) - 1) % len(d.checked)
	case key.Matches(msg, keys.Down):
		d.cursor = (d.cursor + 1) % len(d.checked)
	case key.Matches(msg, keys.Toggle):
		d.checked[d.cursor] = !d.checked[d.cursor]
	case len(msg.Text) == 1 && msg.Text[0] >= '1' && int(msg.Text[0]-'1') < len(d.checked):
		i := int(msg.Text[0] - '1')
		d.checked[i], d.cursor = !d.checked[i], i
	}
	return nil
}

func (d *deskScreen) linkKey(msg tea.KeyPressMsg) tea.Cmd {
	keys := d.c.keys.Form
	switch {
	case key.Matches(msg, keys.Confirm):
		if len(d.results) == 0 || d.saving {
			return nil
		}
		if d.linkFor == store.KindIssued {
			return d.chooseRecipient(d.results[d.cursor])
		}
		official := d.results[d.cursor].ID
		d.toCard()
		d.saving = true
		st, serial, by := d.c.store, d.serial, d.c.actor()
		return func() tea.Msg {
			card, err := st.Link(context.Background(), serial, official, by)
			return savedMsg{serial: serial, kind: store.KindLinked, card: card, err: err}
		}
	case key.Matches(msg, keys.Cancel):
		d.toCard()
		return nil
	case key.Matches(msg, keys.Up):
		d.cursor = max(0, d.cursor-1)
		return nil
	case key.Matches(msg, keys.Down):
		d.cursor = min(max(0, len(d.results)-1), d.cursor+1)
		return nil
	}
	before := d.form.Value()
	var cmd tea.Cmd
	d.form, cmd = d.form.Update(msg)
	if d.form.Value() != before {
		d.cursor = 0
		return tea.Batch(cmd, d.search(d.form.Value()))
	}
	return cmd
}

// search looks officials up by name as the user types; an answer to an
// older query is dropped.
func (d *deskScreen) search(q string) tea.Cmd {
	d.searchSeq++
	seq, st := d.searchSeq, d.c.store
	return func() tea.Msg {
		res, err := st.SearchOfficials(context.Background(), q, 8)
		return searchedMsg{seq: seq, results: res, err: err}
	}
}

func (d *deskScreen) shortHelp() []key.Binding {
	k := d.c.keys
	switch d.mode {
	case modeCard:
		if d.card == nil {
			return []key.Binding{k.Card.Close}
		}
		var b []key.Binding
		if next, ok := store.NextStep(d.card.Device); ok {
			nb := k.Card.Next
			nb.SetHelp("space", "→ "+nextText(d.c.t, d.card.Device, next))
			b = append(b, nb)
		}
		b = append(b, k.Card.Fail, k.Card.Undo, k.Card.Link)
		switch d.card.Device.Custody {
		case store.InStock:
			b = append(b, k.Card.Issue)
		case store.Issued:
			b = append(b, k.Card.Return)
		case store.Returned:
			b = append(b, k.Card.Reset)
		}
		if d.c.receipts != nil {
			b = append(b, k.Card.Print, k.Card.Receipt, k.Card.Sign)
		}
		return append(b, k.Card.Type, k.Card.Close)
	case modeReceipt:
		return []key.Binding{k.Card.Print, k.Card.Close}
	case modeSign:
		if d.pad != nil && d.pad.typing {
			return []key.Binding{k.Form.Confirm, k.Form.Cancel}
		}
		return []key.Binding{k.Sign.Accept, k.Sign.UndoStroke, k.Sign.Clear, k.Sign.Typed, k.Sign.Cancel}
	case modeChecklist:
		return []key.Binding{k.Form.Toggle, k.Form.Up, k.Form.Down, k.Form.Confirm, k.Form.Cancel}
	case modeLink, modeReturn:
		return []key.Binding{k.Form.Up, k.Form.Down, k.Form.Confirm, k.Form.Cancel}
	case modeDeliver:
		return []key.Binding{k.Form.Confirm, k.Form.Cancel}
	case modeRegister, modeFail:
		return []key.Binding{k.Form.Confirm, k.Form.Cancel}
	}
	return []key.Binding{k.Form.Confirm, k.Global.Quit}
}

func (d *deskScreen) fullHelp() [][]key.Binding {
	k := d.c.keys
	return [][]key.Binding{
		{k.Card.Next, k.Card.Fail, k.Card.Undo, k.Card.Employee},
		{k.Card.Link, k.Card.Print, k.Card.Receipt, k.Card.Type, k.Card.Close, k.Card.Quit},
		{k.Card.Issue, k.Card.Return, k.Card.Reset, k.Card.Sign},
		{k.Form.Confirm, k.Form.Cancel, k.Form.Up, k.Form.Down},
	}
}

// view draws the serial field, the card and the recent activity in w×h.
func (d *deskScreen) view(w, h int) string {
	st, t := d.c.styles, d.c.t
	label := st.Form.Label.Render(t.T("scan.label") + " ")
	field := d.input.View()
	if d.mode != modeInput {
		field = st.Form.Hint.Render(t.T("scan.idle"))
	}
	top := " " + label + field
	h--
	var cardW, actW, cardH, actH int
	side := w >= 100 && d.mode != modeSign // the pad needs the whole width
	if side {
		actW = max(36, w*2/5)
		cardW, cardH, actH = w-actW, h, h
	} else {
		cardW, actW = w, w
		actH = min(8, max(0, h-14))
		if d.mode == modeSign {
			actH = 0 // the pad and the line to sign on come first
		}
		cardH = h - actH
	}
	card := d.box(d.cardLines(cardW-4, cardH-2), cardW, cardH, d.mode != modeInput)
	var act string
	if actH >= 3 {
		act = d.box(d.activityLines(actW-4, actH-2), actW, actH, false)
	}
	var body string
	if side {
		body = lipgloss.JoinHorizontal(lipgloss.Top, card, act)
	} else if act != "" {
		body = lipgloss.JoinVertical(lipgloss.Left, card, act)
	} else {
		body = card
	}
	return top + "\n" + body
}

// box frames exactly h-2 lines of content in a w×h rounded box.
func (d *deskScreen) box(lines []string, w, h int, focused bool) string {
	if h < 2 || w < 4 {
		return ""
	}
	style := d.c.styles.Box.Blurred
	if focused {
		style = d.c.styles.Box.Focused
	}
	return style.Width(w).Render(fit(strings.Join(lines, "\n"), w-4, h-2))
}

func (d *deskScreen) cardLines(w, h int) []string {
	st, t := d.c.styles, d.c.t
	if d.card == nil {
		switch {
		case d.mode == modeRegister:
			return []string{
				st.Card.Serial.Render(d.serial) + "  " + st.Status[store.Expected].Render(t.T("register.badge")),
				"",
				st.Card.Value.Width(w).Render(t.T("register.explain")),
				"",
				st.Form.Label.Render(t.T("register.model")),
				d.form.View(),
				st.Form.Label.Render(t.T("register.kind")+" ") + st.Form.Selected.Render("‹ "+t.Device(store.DeviceKinds[d.kind])+" ›") + st.Form.Hint.Render("  ↑↓"),
				"",
				st.Form.Hint.Render(t.T("register.hint")),
			}
		case d.serial != "":
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
	badge := st.Status[dev.Status].Render(t.Status(dev.Status))
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
		if o.Phone != "" {
			lines = append(lines, st.Card.Label.Render(t.T("card.phone")+" ")+st.Card.Value.Render(scan.Clean(o.Phone)))
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
	} else {
		lines = append(lines, st.Card.Muted.Render(t.T("card.noofficial")))
	}
	lines = append(lines, d.custodyLines(w)...)
	if dev.Status == store.Failed {
		lines = append(lines, st.Flash.Error.Render(t.T("card.failure", scan.Clean(dev.FailureReason))))
	}
	if next, ok := store.NextStep(dev); ok {
		lines = append(lines, st.Card.Label.Render(t.T("card.next")+" ")+st.Card.Next.Render("[space] → "+nextText(t, dev, next)))
	}
	switch d.mode {
	case modeSign:
		return d.padLines(w)
	case modeReceipt:
		return d.receiptLines(w, h)
	case modeFail:
		lines = append(lines, "", st.Form.Label.Render(t.T("fail.label")), d.form.View())
		return lines
	case modeChecklist:
		lines = append(lines, "", st.Form.Label.Render(t.T("checklist.title")))
		for i, item := range store.Checklist {
			box := "[ ]"
			if d.checked[i] {
				box = "[x]"
			}
			line := fmt.Sprintf("%d %s %s", i+1, box, t.T("checklist."+item))
			if i == d.cursor {
				line = st.Form.Selected.Render("› " + line)
			} else {
				line = st.Form.Item.Render("  " + line)
			}
			lines = append(lines, line)
		}
		return lines
	case modeDeliver:
		return append(lines, d.deliverLines(w)...)
	case modeReturn:
		return append(lines, d.returnLines()...)
	case modeLink:
		label := t.T("link.label")
		if d.linkFor == store.KindIssued {
			label = t.T("issue.label", t.Device(dev.Kind))
		}
		lines = append(lines, "", st.Form.Label.Render(label), d.form.View())
		if len(d.results) == 0 {
			lines = append(lines, st.Form.Hint.Render(t.T("link.none")))
		}
		for i, o := range d.results {
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
			if i == d.cursor {
				line = st.Form.Selected.Render("› ") + line
			} else {
				line = "  " + line
			}
			lines = append(lines, line)
		}
		return lines
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

func (d *deskScreen) timelineLine(e store.Entry, w int) string {
	st, t := d.c.styles, d.c.t
	what := t.Kind(e.Kind)
	switch {
	case e.UndoOf != "":
		what += " " + t.Kind(e.UndoOf)
	case e.Who != "":
		what += ": " + scan.Clean(e.Who)
		if e.Reason != "" {
			what += ", " + t.T("return."+e.Reason)
		}
	case e.Detail != "":
		what += ": " + scan.Clean(e.Detail)
	}
	kind := st.Timeline.Kind
	if e.Undone {
		kind = st.Timeline.Undone
		what += " " + t.T("card.undone")
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
		line := st.Timeline.Time.Render(t.Clock(a.At)+" ") + st.Card.Serial.Render(a.Serial) + " " + style.Render(what)
		if a.Official != "" {
			line += st.Card.Muted.Render(" · " + scan.Clean(a.Official))
		}
		lines = append(lines, line)
	}
	return lines
}

// spread puts left and right on one line of width w.
func spread(left, right string, w int) string {
	gap := w - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return left + " " + right
	}
	return left + strings.Repeat(" ", gap) + right
}

// receiptLines shows the receipt: its QR code where the card has room
// for it, else its text and number.
func (d *deskScreen) receiptLines(w, h int) []string {
	st, t := d.c.styles, d.c.t
	rec := d.shown
	rc, err := Contents(*rec)
	if err != nil {
		return []string{st.Flash.Error.Render(errText(err))}
	}
	head := st.Card.Name.Render(t.T("receipt.preview", rec.Number)) + st.Card.Muted.Render(" · "+t.T("receipt.title."+string(rc.Kind)))
	if q, err := receipt.QR(rec.Token); err == nil {
		// Half blocks draw the light modules: right on a dark background,
		// inverted on a light one.
		code := strings.Split(strings.TrimRight(q.ToSmallString(!d.c.isDark), "\n"), "\n")
		if len(code)+1 <= h && lipgloss.Width(code[0]) <= w {
			return append([]string{head}, code...)
		}
	}
	lines := []string{head, ""}
	l := Labels(t, rc)
	for _, row := range [][2]string{{l.Official, rc.Official}, {l.Device, rc.Model + " · " + rc.Serial}, {l.Time, l.Date(rc.Issued)}, {l.Account, rc.Account}} {
		lines = append(lines, st.Card.Label.Render(row[0]+": ")+st.Card.Value.Render(scan.Clean(row[1])))
	}
	return append(lines, "", st.Card.Muted.Width(w).Render(t.T("receipt.qrsmall", rec.Number)))
}

// open: the desk keeps its state when it is shown again.
func (d *deskScreen) open() tea.Cmd { return nil }

// storeError says in the desk's language why a change was not saved: the
// disk is full, the database is read-only or damaged, or what the store
// said. Nothing was changed in any case.
func storeError(t i18n.Catalog, err error) string {
	switch {
	case errors.Is(err, store.ErrDiskFull):
		return t.T("error.diskfull")
	case errors.Is(err, store.ErrReadOnly):
		return t.T("error.readonly")
	case errors.Is(err, store.ErrNotDatabase):
		return t.T("error.damaged", errText(err))
	}
	return t.T("error.store", errText(err))
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
