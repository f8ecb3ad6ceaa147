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

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// deskScreen is check-in by serial and the upgrade ladder: scan or type a
// serial, see the tablet's card, move it along one key at a time. What the
// desk asks over the card (a model, a reason, the checklist, an official,
// a delivery, a return, the receipt, the signature) is a dialog, each in
// its own file (dialog*.go); the card is drawn in card.go.
type deskScreen struct {
	c             *common
	input         textinput.Model  // the serial
	serialFocused bool             // keys go into the serial field
	dlg           dialog           // the dialog open over the card, or nil
	card          *store.Card      // the open tablet
	serial        string           // the serial on screen; results for any other are stale
	saving        bool             // a write is under way; step keys wait for it
	recent        []store.Activity // set with showRecent
	activity      drawnBox         // recent, drawn

	lastModel  string             // offered again when registering the next unknown tablet
	lastKind   int                // with its kind (an index into registerKinds)
	keptChecks map[string][5]bool // ticks of checklists a scan interrupted, by serial

	// others are the other devices the open card's official holds (a
	// laptop, a phone), read after the card is shown; for othersOf.
	others   []store.Holding
	othersOf string // the serial of the card they were read for
}

// othersMsg: the devices an official holds, read for a card.
type othersMsg struct {
	serial, official string
	holds            []store.Holding
	err              error
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
	// changedMsg tells the root that the store changed, so the numbers
	// on screen are re-read.
	changedMsg struct{}
	// receiptMsg: a receipt was issued (and printed, if a printer is set),
	// or reprinted, or loaded to be shown.
	receiptMsg struct {
		serial   string
		rec      store.ReceiptRecord
		files    station.Files
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
		verified station.Verified
		card     store.Card
		err      error
	}
)

func newDeskScreen(c *common) deskScreen {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 64
	in.SetStyles(c.styles.Input)
	d := deskScreen{c: c, input: in, keptChecks: map[string][5]bool{}, serialFocused: true}
	d.resize()
	return d
}

func (d *deskScreen) restyle() {
	d.input.SetStyles(d.c.styles.Input)
	d.activity = drawnBox{}
}

// showRecent puts the desk's recent activity on screen.
func (d *deskScreen) showRecent(recent []store.Activity) {
	d.recent, d.activity = recent, drawnBox{}
}

// drawnBox is a box as last drawn, kept while what it shows and its size
// stay the same: recent activity changes only when something is saved,
// and the desk is drawn at every frame.
type drawnBox struct {
	w, h  int
	lines []string
}

func (d *deskScreen) resize() { d.input.SetWidth(min(30, max(10, d.c.width-30))) }

// typing reports whether keys are text rather than commands. An empty
// serial field is not: no serial starts with "?", and the help the
// line under the desk offers opens from it.
func (d *deskScreen) typing() bool {
	if d.dlg != nil {
		return d.dlg.typing()
	}
	return d.serialFocused && d.input.Value() != ""
}

// focusInput puts the keys in the serial field, closing any dialog.
func (d *deskScreen) focusInput() tea.Cmd {
	d.dlg, d.serialFocused = nil, true
	return d.input.Focus()
}

func (d *deskScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case othersMsg:
		if d.card != nil && d.card.Device.Serial == msg.serial && d.card.Official != nil && d.card.Official.ID == msg.official {
			if msg.err != nil {
				d.c.log.Error("devices of", "official", msg.official, "err", msg.err)
				return nil
			}
			d.others = d.others[:0]
			for _, h := range msg.holds {
				if h.Serial != msg.serial {
					d.others = append(d.others, h)
				}
			}
		}
		return nil
	case checkedInMsg, savedMsg, cardMsg, tokenMsg:
		// A card was shown (or shown again after a step): what else its
		// official holds is read after it, so the card waits for nothing.
		return tea.Batch(d.handle(msg), d.readOthers())
	}
	return d.handle(msg)
}

// readOthers reads the other devices the open card's official holds. The
// list read for the card before stays until the new one comes, unless the
// card is another device's.
func (d *deskScreen) readOthers() tea.Cmd {
	if d.card == nil || d.card.Official == nil {
		d.others, d.othersOf = nil, ""
		return nil
	}
	serial, official := d.card.Device.Serial, d.card.Official.ID
	if d.othersOf != serial {
		d.others, d.othersOf = nil, serial
	}
	st := d.c.store
	return func() tea.Msg {
		hs, err := st.DevicesOf(context.Background(), official)
		return othersMsg{serial: serial, official: official, holds: hs, err: err}
	}
}

func (d *deskScreen) handle(msg tea.Msg) tea.Cmd {
	t := d.c.t
	switch msg := msg.(type) {
	case scan.Msg:
		if d.dlg != nil {
			return d.dlg.scanned(d, msg.Code)
		}
		return d.submit(msg.Code)

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
			return tea.Batch(d.openDialog(newRegisterDialog(d)), flashCmd(flashInfo, t.T("register.unknown", msg.serial)))
		}
		d.card = &msg.res.Card
		d.closeDialog()
		if msg.res.Changed {
			return tea.Batch(d.savedFlash(store.KindReceived), changed, d.file(msg.res.Card.Receipt))
		}
		return flashCmd(flashInfo, t.T("card.opened", msg.serial, statusWord(t, d.card.Device)))

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
		if msg.kind == store.KindRegistered {
			// The tablet is in: link its official now, or Esc for later.
			cmds = append(cmds, d.openPick(false))
		} else {
			d.closeDialog()
		}
		return tea.Batch(cmds...)

	case receiptMsg:
		return d.receiptDone(msg)

	case entitledMsg:
		if dv, ok := d.dlg.(*deliverDialog); ok {
			return dv.entitled(d, msg)
		}
		return nil

	case searchedMsg:
		if p, ok := d.dlg.(*pickDialog); ok {
			return p.found(d, msg)
		}
		return nil

	case signedMsg:
		return d.signed(msg)

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
		d.closeDialog()
		if msg.token.Kind == receipt.HandIn {
			return flashCmd(flashOK, t.T("receipt.pickup", msg.token.Number, msg.serial))
		}
		return flashCmd(flashInfo, t.T("receipt.notpickup", msg.token.Number, msg.serial))

	case tea.MouseClickMsg, tea.MouseMotionMsg, tea.MouseReleaseMsg:
		if p, ok := d.dlg.(*signPad); ok {
			return p.update(d, msg)
		}
		return nil

	case tea.PasteMsg:
		if d.dlg == nil && !d.serialFocused {
			// A pasted serial on the card: treat it as typed into the serial field.
			d.focusInput()
		}

	case tea.KeyPressMsg:
		switch {
		case d.dlg != nil:
			return d.dlg.update(d, msg)
		case d.serialFocused:
			return d.inputKey(msg)
		}
		return d.cardKey(msg)
	}
	// Everything else (a paste, a field's cursor) goes to what has focus.
	if d.dlg != nil {
		return d.dlg.update(d, msg)
	}
	var cmd tea.Cmd
	if d.serialFocused {
		d.input, cmd = d.input.Update(msg)
	}
	return cmd
}

func changed() tea.Msg { return changedMsg{} }

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
	d.closeDialog()
	st, by := d.c.store, d.c.deskActor()
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
	d.closeDialog()
	st := d.c.store
	return func() tea.Msg {
		ctx := context.Background()
		v, err := station.CheckStored(ctx, st, tok) // the signature was verified above
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
	if rec == nil {
		return nil
	}
	return d.fileFor(rec.Serial, *rec)
}

// fileFor is file for the receipt of a visit, shown on the card of serial
// (its first device).
func (d *deskScreen) fileFor(serial string, r store.ReceiptRecord) tea.Cmd {
	rs, t := d.c.receipts, d.c.t
	if rs == nil {
		return nil
	}
	return func() tea.Msg { return fileReceipt(rs, t, serial, r) }
}

// fileReceipt writes the files of a receipt just issued, and prints it if
// a printer is set; it runs in a command.
func fileReceipt(rs *station.Receipts, t i18n.Catalog, serial string, r store.ReceiptRecord) receiptMsg {
	files, err := rs.Render(t, r)
	msg := receiptMsg{serial: serial, rec: r, files: files, issued: true, err: err}
	if err == nil && rs.Printer.Name != "" {
		msg.printed = true
		msg.job, msg.printErr = rs.Print(context.Background(), t, r, files)
	}
	return msg
}

// owesReceipt reports whether the open tablet waits for an official to
// be linked before its hand-in receipt is made (store.Card.OwesReceipt).
func (d *deskScreen) owesReceipt() bool { return d.card != nil && d.card.OwesReceipt() }

// printOwed prints the hand-in receipt of a tablet no official is linked
// to: made now, naming nobody, when it has none (whoever handed it in
// leaves with a slip though nobody on the roster could be linked);
// else the one it has.
func (d *deskScreen) printOwed() tea.Cmd {
	rs := d.c.receipts
	if rs == nil {
		return nil
	}
	st, t, serial, by := d.c.store, d.c.t, d.serial, d.c.deskActor()
	reprint := d.reprint(false)
	return func() tea.Msg {
		rec, err := st.IssueOwedReceipt(context.Background(), serial, by)
		switch {
		case errors.Is(err, store.ErrNoReceipt):
			return reprint() // it has its receipt: print that
		case err != nil:
			return receiptMsg{serial: serial, err: err}
		}
		return fileReceipt(rs, t, serial, rec)
	}
}

// visitReceipt shows the first device of a visit that closed with one
// receipt for its devices, and files the receipt: the official signs it
// here, once, for them all.
func (d *deskScreen) visitReceipt(msg visitReceiptMsg) tea.Cmd {
	card := msg.card
	d.closeDialog()
	d.serial, d.card, d.saving = card.Device.Serial, &card, false
	return d.fileFor(card.Device.Serial, msg.rec)
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
			return d.openDialog(&receiptDialog{rec: msg.rec})
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
	signs := msg.rec.Kind == string(receipt.HandBack) || msg.rec.Kind == string(receipt.Delivery) || msg.rec.Kind == string(receipt.Return) ||
		msg.rec.Kind == string(receipt.Visit)
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

func (d *deskScreen) savedFlash(k store.Kind) tea.Cmd {
	t := d.c.t
	said := t.T("saved", t.Clock(d.c.now()), d.serial, t.Kind(k))
	if d.c.visit == "" {
		return flashCmd(flashOK, said)
	}
	// The step is the open visit's and goes on its one receipt: say
	// whose, and whose the device is when it is someone else's (a
	// colleague's brought along, or a visit before that was not closed).
	said = t.T("saved.visit", t.Clock(d.c.now()), d.serial, t.Kind(k), scan.Clean(d.c.visitName))
	if d.card != nil && d.card.Official != nil && d.c.visitOfficial != "" && d.card.Official.ID != d.c.visitOfficial {
		said = t.T("saved.visit.other", t.Clock(d.c.now()), d.serial, t.Kind(k), scan.Clean(d.card.Official.Name), scan.Clean(d.c.visitName))
	}
	return flashCmd(flashOK, said)
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
		switch r.Kind {
		case store.KindRequestDone:
			return t.T("requests.already")
		case store.KindFollowedUp:
			return t.T("visit.followed.already")
		}
		return t.T("refuse.done", t.Kind(r.Kind), t.Status(r.Status))
	case store.RefuseSkip:
		return t.T("refuse.skip", t.Kind(r.Kind), t.Status(r.Status), t.Kind(store.Kind(r.Need)))
	case store.RefuseNotEntitled, store.RefuseHasKind, store.RefuseNotTablet:
		return t.T("refuse."+string(r.Code), t.Device(r.Device))
	case store.RefuseNeedsApproval:
		return t.T("refuse.needs-approval", t.Device(r.Device), scan.Clean(r.Body))
	case store.RefuseNoSeat:
		return t.T("refuse.no-seat", scan.Clean(r.Body))
	case store.RefuseTaken:
		return t.T("refuse.taken", scan.Clean(r.Who), scan.Clean(r.Where))
	}
	return t.T("refuse." + string(r.Code))
}

// statusWord is where a device stands: its step on the ladder, or, for
// equipment that follows the lifecycle, where it is (in stock, issued).
func statusWord(t i18n.Catalog, d store.Device) string {
	if d.Status == store.Lifecycle {
		return t.Custody(d.Custody)
	}
	return t.Status(d.Status)
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
			d.closeDialog()
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
			return d.openDialog(newChecklistDialog(d))
		case next == store.KindEmployee:
			return d.step(next, store.Input{On: !dev.Employee})
		}
		return d.step(next, store.Input{})
	case key.Matches(msg, keys.Fail):
		if err := store.Check(dev, store.KindFailed, store.Input{Reason: "-"}); err != nil {
			return flashCmd(flashError, d.refusalText(err))
		}
		return d.openDialog(newFailDialog(d))
	case key.Matches(msg, keys.Undo):
		return d.step(store.KindUndo, store.Input{})
	case key.Matches(msg, keys.Employee):
		return d.step(store.KindEmployee, store.Input{On: !dev.Employee})
	case key.Matches(msg, keys.Link):
		return d.openPick(false)
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
		if d.owesReceipt() {
			return d.printOwed()
		}
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

func (d *deskScreen) shortHelp() []key.Binding {
	k := d.c.keys
	switch {
	case d.dlg != nil:
		return d.dlg.help(k)
	case d.serialFocused && strings.TrimSpace(d.input.Value()) == "":
		// Nothing typed: nothing to confirm yet.
		return []key.Binding{k.Global.NextScreen, k.Global.Quit}
	case d.serialFocused:
		return []key.Binding{k.Form.Confirm, k.Form.Cancel, k.Global.Quit}
	case d.card == nil:
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
	switch {
	case d.c.receipts != nil && d.card.Receipts > 0:
		b = append(b, k.Card.Print, k.Card.Receipt, k.Card.Sign)
	case d.c.receipts != nil && d.owesReceipt():
		b = append(b, k.Card.Print) // without a name, if none can be linked
	}
	return append(b, k.Card.Type, k.Card.Close)
}

func (d *deskScreen) fullHelp() [][]key.Binding {
	k := d.c.keys
	// Three groups, so the help fits 80 columns with the global keys
	// under the last; a dialog's own keys are on the short help line.
	return [][]key.Binding{
		{k.Card.Next, k.Card.Fail, k.Card.Undo, k.Card.Employee, k.Card.Link},
		{k.Card.Print, k.Card.Receipt, k.Card.Sign, k.Card.Issue, k.Card.Return, k.Card.Reset},
		{k.Card.Type, k.Card.Close, k.Card.Quit},
	}
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
