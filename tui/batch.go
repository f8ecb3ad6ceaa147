package tui

import (
	"context"
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// batchScreen is the secretariat's batch intake: pick or open a batch,
// scan the pile in one burst, then move the whole batch along.
type batchScreen struct {
	c     *common
	state batchState

	batches []store.Batch // the list
	cursor  int

	form  [4]textinput.Model // new batch: name, IT date, municipality, body
	field int

	batch   store.Batch // the open batch
	missing []store.Chase
	lines   []readLine // newest first
	input   textinput.Model

	// The read queue: reads are shown at once and saved in order, one
	// store call at a time; what arrives meanwhile goes in the next call.
	queue    []string
	inflight []string

	failed  map[string]string // "upgraded except these": serial -> reason
	confirm string            // the bulk step awaiting y: "sent", "upgraded", "close"
	seq     int
}

type batchState int

const (
	batchList   batchState = iota // every batch; n for a new one
	batchNew                      // the new-batch form
	batchIntake                   // reading the pile
	batchView                     // the batch: counts, bulk steps
	batchExcept                   // listing the tablets that failed at IT
)

// readLine is one read as the intake list shows it.
type readLine struct {
	raw   string
	read  store.Read
	saved bool
	view  string // the rendered line once saved; it no longer changes
}

type (
	batchesMsg struct {
		list []store.Batch
		err  error
	}
	batchLoadedMsg struct {
		seq     int
		batch   store.Batch
		reads   []store.Read
		missing []store.Chase
		err     error
	}
	batchCountsMsg struct {
		batch store.Batch
		err   error
	}
	readsSavedMsg struct {
		batch string
		reads []store.Read
		err   error
	}
	readUndoneMsg struct {
		batch string
		read  store.Read
		err   error
	}
	bulkDoneMsg struct {
		verb string
		res  store.BulkResult
		err  error
	}
)

func newBatchScreen(c *common) batchScreen {
	b := batchScreen{c: c, failed: map[string]string{}}
	for i, ph := range []string{"batch.form.name.ph", "batch.form.itdate.ph", "batch.form.municipality.ph", "batch.form.body.ph"} {
		in := textinput.New()
		in.Prompt = "› "
		in.CharLimit = 80
		in.Placeholder = c.t.T(ph)
		in.SetWidth(50)
		in.SetStyles(c.styles.Input)
		b.form[i] = in
	}
	b.input = textinput.New()
	b.input.Prompt = "› "
	b.input.CharLimit = 80
	b.input.SetWidth(40)
	b.input.SetStyles(c.styles.Input)
	return b
}

func (b *batchScreen) restyle() {
	for i := range b.lines {
		b.lines[i].view = ""
	}
	for i := range b.form {
		b.form[i].SetStyles(b.c.styles.Input)
	}
	b.input.SetStyles(b.c.styles.Input)
}

func (b *batchScreen) typing() bool {
	return b.state == batchNew || b.state == batchIntake || b.state == batchExcept
}

// takesScans reports whether a scan is a read of this batch rather than
// a tablet for the desk.
func (b *batchScreen) takesScans() bool {
	return b.state == batchIntake || b.state == batchExcept || b.state == batchView && !b.batch.Closed
}

func (b *batchScreen) loadList() tea.Cmd {
	st := b.c.store
	return func() tea.Msg {
		list, err := st.Batches(context.Background())
		return batchesMsg{list: list, err: err}
	}
}

func (b *batchScreen) load(id string) tea.Cmd {
	b.seq++
	seq, st, lang := b.seq, b.c.store, b.c.t.Lang
	return func() tea.Msg {
		ctx := context.Background()
		bt, err := st.Batch(ctx, id)
		if err != nil {
			return batchLoadedMsg{seq: seq, err: err}
		}
		reads, err := st.Reads(ctx, id, 200)
		if err != nil {
			return batchLoadedMsg{seq: seq, err: err}
		}
		missing, err := missingByName(ctx, st, bt, lang)
		return batchLoadedMsg{seq: seq, batch: bt, reads: reads, missing: missing, err: err}
	}
}

// missingByName is the officials bt still misses, in the language's name
// order, sorted in the command that reads them: a batch of a whole county
// misses 100,000 at its start, a second of Compare on the event loop.
func missingByName(ctx context.Context, st *store.Store, bt store.Batch, lang i18n.Lang) ([]store.Chase, error) {
	missing, err := st.Missing(ctx, bt)
	if err != nil {
		return nil, err
	}
	store.SortChase(missing, "name", i18n.NewKeys(lang).Key)
	return missing, nil
}

// loadCounts re-reads the batch's counts only.
func (b *batchScreen) loadCounts() tea.Cmd {
	st, id := b.c.store, b.batch.ID
	return func() tea.Msg {
		bt, err := st.Batch(context.Background(), id)
		return batchCountsMsg{batch: bt, err: err}
	}
}

// refreshCounts re-reads the batch's numbers and who is missing.
func (b *batchScreen) refreshCounts() tea.Cmd { return b.load(b.batch.ID) }

// enqueue shows a read at once and saves it after those before it.
func (b *batchScreen) enqueue(raw string) tea.Cmd {
	b.lines = append([]readLine{{raw: raw}}, b.lines...)
	if len(b.lines) > 500 {
		b.lines = b.lines[:500]
	}
	b.queue = append(b.queue, raw)
	return b.flush()
}

// flush sends the queued reads to the store if no call is under way.
func (b *batchScreen) flush() tea.Cmd {
	if len(b.inflight) > 0 || len(b.queue) == 0 {
		return nil
	}
	b.inflight, b.queue = b.queue, nil
	raws, st, id, by := b.inflight, b.c.store, b.batch.ID, b.c.actor()
	return func() tea.Msg {
		reads, err := st.ReadBatch(context.Background(), id, raws, by)
		return readsSavedMsg{batch: id, reads: reads, err: err}
	}
}

func (b *batchScreen) update(msg tea.Msg) tea.Cmd {
	t := b.c.t
	switch msg := msg.(type) {
	case batchesMsg:
		if msg.err != nil {
			return flashCmd(flashError, t.T("error.read", errText(msg.err)))
		}
		b.batches = msg.list
		b.cursor = min(b.cursor, max(0, len(b.batches)-1))
		return nil
	case batchLoadedMsg:
		if msg.seq != b.seq {
			return nil
		}
		if scope := (*store.ScopeError)(nil); errors.As(msg.err, &scope) {
			// Nothing was opened: back to the form, at the field to fix.
			b.state, b.field = batchNew, 3
			if scope.Municipality {
				b.field = 2
			}
			b.input.Blur()
			return tea.Batch(b.form[b.field].Focus(), flashCmd(flashError, ScopeText(t, scope)))
		}
		if msg.err != nil {
			return flashCmd(flashError, t.T("error.read", errText(msg.err)))
		}
		b.batch, b.missing = msg.batch, msg.missing
		if len(b.queue) == 0 && len(b.inflight) == 0 {
			b.lines = b.lines[:0]
			for _, r := range msg.reads {
				b.lines = append(b.lines, readLine{raw: r.Raw, read: r, saved: true})
			}
		}
		return nil
	case readsSavedMsg:
		if msg.batch != b.batch.ID {
			return nil
		}
		saved := b.inflight
		b.inflight = nil
		if msg.err != nil {
			// Nothing of this call was written; show it and keep the reads
			// on screen, marked unsaved, so nobody thinks they are in.
			b.c.log.Error("batch read", "batch", msg.batch, "err", msg.err)
			b.dropUnsaved(len(saved) + len(b.queue))
			b.queue = nil
			return flashCmd(flashError, t.T(i18n.One("batch.notsaved", len(saved)), len(saved), errText(msg.err)))
		}
		// The newest unsaved lines are the queue, then this call's reads.
		i := len(b.queue)
		for j := len(msg.reads) - 1; j >= 0 && i < len(b.lines); j, i = j-1, i+1 {
			b.lines[i].read, b.lines[i].saved = msg.reads[j], true
		}
		// The counts and the missing list follow from the reads; no need
		// to ask the store again at scanner speed.
		for _, r := range msg.reads {
			b.count(r)
		}
		last := msg.reads[len(msg.reads)-1]
		cmds := []tea.Cmd{b.flush(), changed, flashCmd(flashOK, t.T("batch.saved", t.Clock(b.c.now()), ReadText(t, last)))}
		if len(b.inflight) == 0 {
			// The burst is over: what is expected can have moved (an
			// employee's tablet handed in with the pile).
			cmds = append(cmds, b.loadCounts())
		}
		return tea.Batch(cmds...)
	case batchCountsMsg:
		if msg.err == nil && msg.batch.ID == b.batch.ID && len(b.inflight) == 0 {
			b.batch = msg.batch
		}
		return nil
	case readUndoneMsg:
		if msg.batch != b.batch.ID {
			return nil
		}
		if msg.err != nil {
			if errors.Is(msg.err, store.ErrNothingRead) {
				return flashCmd(flashInfo, t.T("batch.nothingtoundo"))
			}
			return flashCmd(flashError, storeError(t, msg.err))
		}
		return tea.Batch(b.refreshCounts(), changed, flashCmd(flashOK, t.T("batch.undone", ReadText(t, msg.read))))
	case bulkDoneMsg:
		if msg.err != nil {
			return flashCmd(flashError, b.bulkError(msg.err))
		}
		b.failed = map[string]string{}
		text := t.T("batch.bulk", msg.res.Moved, msg.res.Failed, len(msg.res.Skipped))
		if msg.verb == "close" { // closing moves no tablet: say what it did
			text = t.T("batch.closedmsg", scan.Clean(b.batch.Name))
		}
		return tea.Batch(b.refreshCounts(), changed, flashCmd(flashOK, text))
	case scan.Msg:
		switch b.state {
		case batchView:
			b.state = batchIntake
			b.input.Focus()
			fallthrough
		case batchIntake:
			return b.enqueue(msg.Code)
		case batchExcept:
			insertText(&b.input, msg.Code)
		case batchNew:
			// Typed at a scanner's speed (or scanned): its own Enter
			// moves on, as a person's would.
			insertText(&b.form[b.field], msg.Code)
			return b.key(tea.KeyPressMsg{Code: tea.KeyEnter})
		}
		return nil
	case tea.KeyPressMsg:
		return b.key(msg)
	}
	return b.updateInputs(msg)
}

func (b *batchScreen) bulkError(err error) string { return BatchErrorText(b.c.t, err) }

// BatchErrorText says why a step on a batch was not taken, in the desk's
// language: at the desk and from dropin batch.
func BatchErrorText(t i18n.Catalog, err error) string {
	var nib *store.NotInBatchError
	switch {
	case errors.As(err, &nib):
		serials := make([]string, len(nib.Serials))
		for i, s := range nib.Serials {
			serials[i] = scan.Clean(s)
		}
		return t.T("batch.notinbatch", strings.Join(serials, ", "))
	case errors.Is(err, store.ErrBatchClosed):
		return t.T("batch.isclosed")
	}
	if _, ok := store.IsRefusal(err); ok {
		return t.T("batch.refused", RefusalText(t, err)) // with the arguments its words need
	}
	return storeError(t, err)
}

// count adds a saved read to the batch's counts and takes its tablet off
// the missing list.
func (b *batchScreen) count(r store.Read) {
	switch r.Class {
	case store.ReadNew:
		b.batch.New++
		for i, c := range b.missing {
			if c.Serial == r.Serial {
				b.missing = append(b.missing[:i], b.missing[i+1:]...)
				b.batch.Collected++ // the store's count follows once the reads are saved
				break
			}
		}
	case store.ReadDuplicate:
		b.batch.Duplicates++
	case store.ReadUnknown:
		b.batch.Unknown++
	case store.ReadInvalid:
		b.batch.Invalid++
	}
}

// dropUnsaved marks the newest n lines as not saved.
func (b *batchScreen) dropUnsaved(n int) {
	for i := 0; i < n && i < len(b.lines); i++ {
		b.lines[i].read = store.Read{Raw: b.lines[i].raw, Class: "unsaved"}
		b.lines[i].saved = true
	}
}

func (b *batchScreen) updateInputs(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch b.state {
	case batchNew:
		b.form[b.field], cmd = b.form[b.field].Update(msg)
	case batchIntake, batchExcept:
		b.input, cmd = b.input.Update(msg)
	}
	return cmd
}

func (b *batchScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k, f, t := b.c.keys.Batch, b.c.keys.Form, b.c.t
	switch b.state {
	case batchList:
		switch {
		case key.Matches(msg, k.New):
			b.state, b.field = batchNew, 0
			for i := range b.form {
				b.form[i].Reset()
			}
			return b.form[0].Focus()
		case key.Matches(msg, f.Up):
			b.cursor = max(0, b.cursor-1)
		case key.Matches(msg, f.Down):
			b.cursor = min(max(0, len(b.batches)-1), b.cursor+1)
		case key.Matches(msg, f.Confirm) && len(b.batches) > 0:
			b.batch, b.lines = b.batches[b.cursor], nil
			b.state = batchView
			return b.load(b.batch.ID)
		}
		return nil

	case batchNew:
		switch {
		case key.Matches(msg, f.Cancel):
			b.state = batchList
			return nil
		case key.Matches(msg, f.Up):
			b.form[b.field].Blur()
			b.field = (b.field + len(b.form) - 1) % len(b.form)
			return b.form[b.field].Focus()
		case key.Matches(msg, f.Down):
			b.form[b.field].Blur()
			b.field = (b.field + 1) % len(b.form)
			return b.form[b.field].Focus()
		case key.Matches(msg, f.Confirm):
			if b.field < len(b.form)-1 {
				b.form[b.field].Blur()
				b.field++
				return b.form[b.field].Focus()
			}
			name := strings.TrimSpace(b.form[0].Value())
			if name == "" {
				b.form[b.field].Blur()
				b.field = 0
				return tea.Batch(b.form[0].Focus(), flashCmd(flashError, t.T("batch.needname")))
			}
			if msg, ok := CheckITDate(t, b.form[1].Value(), b.c.now()); !ok {
				b.form[b.field].Blur()
				b.field = 1
				return tea.Batch(b.form[1].Focus(), flashCmd(flashError, msg))
			}
			st, by, lang := b.c.store, b.c.actor(), b.c.t.Lang
			spec := store.BatchSpec{Name: name, ITDate: b.form[1].Value(), Municipality: b.form[2].Value(), Body: b.form[3].Value()}
			b.seq++
			seq := b.seq
			b.state = batchIntake
			b.lines, b.queue, b.inflight = nil, nil, nil
			return tea.Batch(b.input.Focus(), func() tea.Msg {
				ctx := context.Background()
				bt, err := st.OpenBatch(ctx, spec, by)
				if err != nil {
					return batchLoadedMsg{seq: seq, err: err}
				}
				missing, err := missingByName(ctx, st, bt, lang)
				return batchLoadedMsg{seq: seq, batch: bt, missing: missing, err: err}
			})
		}
		return b.updateInputs(msg)

	case batchIntake:
		switch {
		case key.Matches(msg, f.Confirm):
			raw := b.input.Value()
			b.input.Reset()
			if strings.TrimSpace(raw) == "" {
				return nil
			}
			return b.enqueue(raw)
		case key.Matches(msg, k.UndoRead):
			if len(b.queue) > 0 || len(b.inflight) > 0 {
				return flashCmd(flashInfo, t.T("batch.wait"))
			}
			st, id, by := b.c.store, b.batch.ID, b.c.actor()
			return func() tea.Msg {
				r, err := st.UndoRead(context.Background(), id, by)
				return readUndoneMsg{batch: id, read: r, err: err}
			}
		case key.Matches(msg, f.Cancel):
			b.state = batchView
			b.input.Blur()
			return nil
		}
		return b.updateInputs(msg)

	case batchExcept:
		switch {
		case key.Matches(msg, f.Cancel):
			b.state, b.failed = batchView, map[string]string{}
			b.input.Blur()
			return nil
		case key.Matches(msg, f.Confirm):
			v := strings.TrimSpace(b.input.Value())
			if v == "" { // the list is complete
				b.input.Blur()
				b.state, b.confirm = batchView, "upgraded"
				return nil
			}
			raw, reason, _ := strings.Cut(v, " ")
			serial, err := scan.Parse(raw)
			if err != nil {
				return flashCmd(flashError, t.T("scan.refused", scan.Clean(raw), reasonText(t, scan.ReasonOf(err), "")))
			}
			if strings.TrimSpace(reason) == "" {
				return flashCmd(flashError, t.T("batch.except.needreason"))
			}
			b.failed[serial] = strings.TrimSpace(scan.Clean(reason))
			b.input.Reset()
			return nil
		}
		return b.updateInputs(msg)
	}

	// batchView
	if b.confirm != "" {
		verb := b.confirm
		b.confirm = ""
		if !key.Matches(msg, k.Yes) {
			b.failed = map[string]string{}
			return flashCmd(flashInfo, t.T("batch.cancelled"))
		}
		return b.bulk(verb)
	}
	switch {
	case key.Matches(msg, f.Cancel):
		b.state = batchList
		return b.loadList()
	case b.batch.Closed:
		return nil
	case key.Matches(msg, k.Intake):
		b.state = batchIntake
		return b.input.Focus()
	case key.Matches(msg, k.SentToIT):
		b.confirm = "sent"
	case key.Matches(msg, k.Upgraded):
		b.state, b.failed = batchExcept, map[string]string{}
		b.input.Reset()
		return b.input.Focus()
	case key.Matches(msg, k.Close):
		b.confirm = "close"
	}
	return nil
}

// bulk runs a confirmed bulk step in one transaction.
func (b *batchScreen) bulk(verb string) tea.Cmd {
	st, id, by := b.c.store, b.batch.ID, b.c.actor()
	failed := b.failed
	return func() tea.Msg {
		ctx := context.Background()
		var res store.BulkResult
		var err error
		switch verb {
		case "sent":
			res, err = st.SentToIT(ctx, id, by)
		case "upgraded":
			res, err = st.Upgraded(ctx, id, failed, by)
		case "close":
			err = st.CloseBatch(ctx, id, by)
		}
		return bulkDoneMsg{verb: verb, res: res, err: err}
	}
}

func (b *batchScreen) shortHelp() []key.Binding {
	k, f := b.c.keys.Batch, b.c.keys.Form
	switch b.state {
	case batchList:
		return []key.Binding{k.New, f.Up, f.Down, f.Confirm, b.c.keys.Global.NextScreen}
	case batchNew:
		return []key.Binding{f.Confirm, f.Up, f.Down, f.Cancel}
	case batchIntake:
		return []key.Binding{k.UndoRead, f.Cancel}
	case batchExcept:
		return []key.Binding{f.Confirm, f.Cancel}
	}
	if b.confirm != "" {
		return []key.Binding{k.Yes, f.Cancel}
	}
	if b.batch.Closed {
		return []key.Binding{f.Cancel, b.c.keys.Global.NextScreen}
	}
	return []key.Binding{k.Intake, k.SentToIT, k.Upgraded, k.Close, f.Cancel}
}

func (b *batchScreen) fullHelp() [][]key.Binding {
	k := b.c.keys.Batch
	return [][]key.Binding{{k.New, k.Intake, k.UndoRead}, {k.SentToIT, k.Upgraded, k.Close, k.Yes}}
}

func (b *batchScreen) open() tea.Cmd { return b.loadList() }

// CheckITDate lets the date agreed with IT be words ("4. april", "etter
// påske") or a date, but not a date that is none: a day written in
// figures ("31.4.") must be one of the calendar. It says why, if not.
func CheckITDate(t i18n.Catalog, typed string, now time.Time) (string, bool) {
	s := strings.TrimSpace(typed)
	figures := s != ""
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '.' || r == '/' || r == '-' || r == ' ') {
			figures = false
			break
		}
	}
	if !figures {
		return "", true
	}
	if _, ok := ParseDay(s, now); ok {
		return "", true
	}
	return t.T("visit.meeting.badday", scan.Clean(s)), false
}
