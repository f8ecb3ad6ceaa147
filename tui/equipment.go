package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/receipt/station"
	"dropin/scan"
	"dropin/store"
	"dropin/store/export"
	"dropin/tui/i18n"
)

// equipmentScreen is the lifecycle's picture for the secretariat: per
// official what the rules entitle them to, what they have and what is
// missing; the term-end list of who holds what; the help and training
// asked for at deliveries. A body chair's approval is recorded here.
//
// A county lists 100,000 officials: the list is sorted and each row's
// words made in the load's command, off the event loop; a key filters
// by index and a frame draws only the rows on screen.
type equipmentScreen struct {
	c        *common
	view_    equipView
	rows     []store.EquipmentRow // in the language's name order
	items    []equipItem          // rows' words, made with them
	holders  []store.Holding      // in the language's name order
	requests []store.RequestRow
	folds    [2][]string       // the holders' and the requests' names folded, for the search
	in       []bool            // each holding in for its upgrade, worked out once a load
	munOf    map[string]string // an official's municipality, for the requests' filter
	muns     []string          // the municipalities, in the language's order
	loaded   bool
	seq      int
	loading  bool // a load is running
	again    bool // and something changed since it started: one more when it ends
	cursor   int
	offset   int
	visible  []int // indexes into the view's list (rows, holders or requests) that pass the filters
	handedIn int   // of the holders visible, those in for their upgrade
	hasW     int   // the has column's width over visible (see columns)

	mun       string // filter: "" for all
	search    textinput.Model
	searching bool

	approving *store.EquipmentRow // the official whose approval is being typed
	body      string              // the body whose chair approves
	approver  textinput.Model
}

// equipItem is what a row of the official views shows and is searched
// by, made once a load.
type equipItem struct {
	fold   string // the name folded ("oystein" finds Øystein)
	bodies string // the bodies they sit in, cleaned, on one line
	has    string // the devices they have, "-" for none
	hasW   int    // has's width in cells
}

type equipView int

const (
	equipAll      equipView = iota // every official
	equipMissing                   // officials who lack something, or wait for an approval
	equipHolders                   // the term-end list: who holds what
	equipRequests                  // open help and training requests
)

type equipmentMsg struct {
	seq      int
	rows     []store.EquipmentRow
	items    []equipItem
	holders  []store.Holding
	requests []store.RequestRow
	folds    [2][]string
	in       []bool
	munOf    map[string]string
	muns     []string
	err      error
}

// equipSavedMsg: an approval or a request done was saved.
type equipSavedMsg struct {
	text string
	err  error
}

func newEquipmentScreen(c *common) equipmentScreen {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 80
	in.SetStyles(c.styles.Input)
	search := textinput.New()
	search.Prompt = ""
	search.CharLimit = 60
	search.SetWidth(20)
	search.SetStyles(c.styles.Input)
	return equipmentScreen{c: c, approver: in, search: search}
}

func (e *equipmentScreen) restyle() {
	e.approver.SetStyles(e.c.styles.Input)
	e.search.SetStyles(e.c.styles.Input)
}
func (e *equipmentScreen) typing() bool { return e.approving != nil || e.searching }
func (e *equipmentScreen) open() tea.Cmd {
	return e.load()
}

// load reads the three lists and readies them in the command: sorted in
// the language's order by keys made once, each row's words made. On a
// county that is seconds of reading and a second of sorting, none of it
// on the event loop; an answer older than the last request is dropped.
// One load runs at a time; changes while it runs ask for one more.
func (e *equipmentScreen) load() tea.Cmd {
	if e.loading {
		e.again = true
		return nil
	}
	e.loading = true
	e.seq++
	seq, st, lang := e.seq, e.c.store, e.c.t.Lang
	return func() tea.Msg {
		ctx := context.Background()
		rows, holders, err := st.EquipmentAndHolders(ctx)
		if err != nil {
			return equipmentMsg{seq: seq, err: err}
		}
		reqs, err := st.Requests(ctx, false)
		if err != nil {
			return equipmentMsg{seq: seq, err: err}
		}
		return readyEquipment(seq, lang, rows, holders, reqs)
	}
}

// readyEquipment sorts what load read and makes its words, with a
// catalog and sort keys of its own (a collator is one goroutine's).
func readyEquipment(seq int, lang i18n.Lang, rows []store.EquipmentRow, holders []store.Holding, reqs []store.RequestRow) equipmentMsg {
	t, key := i18n.New(lang), i18n.NewKeys(lang).Key
	// Namesakes (a county has many an Anne Bakken) by their municipality.
	rows = store.InKeyOrder(rows, func(r store.EquipmentRow) string { return key(r.Official.Name) },
		func(r store.EquipmentRow) string { return key(r.Official.Municipality) })
	holders = store.HoldersInOrder(holders, key)
	msg := equipmentMsg{seq: seq, rows: rows, holders: holders, requests: reqs, munOf: make(map[string]string, len(rows))}
	msg.items = make([]equipItem, len(rows))
	seen := map[string]bool{"": true}
	for i, r := range rows {
		var bodies []string
		for _, s := range r.Official.Seats {
			bodies = append(bodies, s.Body)
		}
		has := hasText(t, r)
		msg.items[i] = equipItem{fold: store.Fold(r.Official.Name), bodies: scan.Clean(strings.Join(bodies, ", ")), has: has, hasW: lipgloss.Width(has)}
		msg.munOf[r.Official.ID] = r.Official.Municipality
		if m := r.Official.Municipality; !seen[m] {
			seen[m] = true
			msg.muns = append(msg.muns, m)
		}
	}
	msg.muns = store.InKeyOrder(msg.muns, key)
	msg.in = make([]bool, len(holders))
	for i, h := range holders {
		msg.folds[0] = append(msg.folds[0], store.Fold(h.Official))
		msg.in[i] = h.HandedIn() // not at every key: reading each row's status is a cache miss each
	}
	for _, r := range reqs {
		msg.folds[1] = append(msg.folds[1], store.Fold(r.Official))
	}
	return msg
}

func (e *equipmentScreen) update(msg tea.Msg) tea.Cmd {
	t := e.c.t
	switch msg := msg.(type) {
	case equipmentMsg:
		if msg.seq != e.seq {
			return nil
		}
		e.loading = false
		var next tea.Cmd
		if e.again {
			e.again = false
			next = e.load()
		}
		if msg.err != nil {
			return tea.Batch(next, flashCmd(flashError, storeError(t, msg.err)))
		}
		e.rows, e.items, e.holders, e.requests, e.loaded = msg.rows, msg.items, msg.holders, msg.requests, true
		e.folds, e.in, e.munOf, e.muns = msg.folds, msg.in, msg.munOf, msg.muns
		if !slices.Contains(e.muns, e.mun) {
			e.mun = ""
		}
		e.refilter()
		return next
	case equipSavedMsg:
		if msg.err != nil {
			return flashCmd(flashError, equipRefusal(e.c, msg.err))
		}
		return tea.Batch(flashCmd(flashOK, msg.text), changed, e.load())
	case tea.KeyPressMsg:
		if e.approving != nil {
			return e.approveKey(msg)
		}
		return e.key(msg)
	}
	if e.searching {
		var cmd tea.Cmd
		e.search, cmd = e.search.Update(msg)
		return cmd
	}
	return nil
}

func equipRefusal(c *common, err error) string {
	if _, ok := store.IsRefusal(err); !ok {
		c.log.Error("equipment", "err", err)
	}
	return RefusalText(c.t, err)
}

func (e *equipmentScreen) length() int { return len(e.visible) }

// refilter lists the view's rows that pass the municipality and the name
// search, in the order loaded. It matches by index: no row is copied,
// sorted or drawn here.
func (e *equipmentScreen) refilter() {
	words := store.NewNameQuery(e.search.Value())
	pass := func(municipality, fold string) bool {
		return (e.mun == "" || municipality == e.mun) && words.Matches(fold)
	}
	e.visible, e.handedIn = e.visible[:0], 0
	switch e.view_ {
	case equipHolders:
		for i := range e.holders { // by index: a holding is not copied to read its municipality
			if pass(e.holders[i].Municipality, e.folds[0][i]) {
				e.visible = append(e.visible, i)
				if e.in[i] {
					e.handedIn++
				}
			}
		}
	case equipRequests:
		for i, r := range e.requests {
			if pass(e.munOf[r.OfficialID], e.folds[1][i]) {
				e.visible = append(e.visible, i)
			}
		}
	default:
		for i, r := range e.rows {
			if e.view_ == equipMissing && len(r.Missing) == 0 && len(r.Entitlement.Pending) == 0 {
				continue
			}
			if pass(r.Official.Municipality, e.items[i].fold) {
				e.visible = append(e.visible, i)
			}
		}
	}
	// The has column is as wide as the widest it holds in the list shown
	// (so it does not move as the list scrolls), at most 24: before the
	// devices are handed out it holds only "-", and what is missing gets
	// the room.
	e.hasW = lipgloss.Width(e.c.t.T("equip.col.has"))
	if e.view_ == equipAll || e.view_ == equipMissing {
		for _, i := range e.visible {
			e.hasW = max(e.hasW, e.items[i].hasW)
		}
	}
	e.hasW = min(e.hasW, 24)
	e.cursor = min(e.cursor, max(0, e.length()-1))
	e.offset = min(e.offset, e.cursor)
}

func (e *equipmentScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k, t := e.c.keys, e.c.t
	if e.searching {
		switch {
		case key.Matches(msg, k.Form.Confirm), key.Matches(msg, k.Form.Cancel):
			e.searching = false
			e.search.Blur()
			if key.Matches(msg, k.Form.Cancel) {
				e.search.Reset()
				e.refilter()
			}
			return nil
		}
		var cmd tea.Cmd
		e.search, cmd = e.search.Update(msg)
		e.cursor, e.offset = 0, 0
		e.refilter()
		return cmd
	}
	switch {
	case msg.String() >= "1" && msg.String() <= "4":
		e.view_, e.cursor, e.offset = equipView(msg.String()[0]-'1'), 0, 0
		e.refilter()
	case key.Matches(msg, k.Form.Up):
		e.cursor = max(0, e.cursor-1)
	case key.Matches(msg, k.Form.Down):
		e.cursor = min(max(0, e.length()-1), e.cursor+1)
	case key.Matches(msg, k.Overview.PageDown):
		e.cursor = min(max(0, e.length()-1), e.cursor+10)
	case key.Matches(msg, k.Overview.PageUp):
		e.cursor = max(0, e.cursor-10)
	case key.Matches(msg, k.Overview.Municipality):
		e.mun = cycle(e.muns, e.mun)
		e.cursor, e.offset = 0, 0
		e.refilter()
	case key.Matches(msg, k.Overview.Search):
		e.searching = true
		return e.search.Focus()
	case key.Matches(msg, k.Overview.Refresh):
		return e.load()
	case key.Matches(msg, k.Overview.Export):
		return e.export()
	case key.Matches(msg, k.Equipment.Approve):
		r := e.selected()
		if r == nil {
			return nil
		}
		if len(r.Entitlement.Pending) == 0 {
			return flashCmd(flashInfo, t.T("approve.none", scan.Clean(r.Official.Name)))
		}
		e.approving, e.body = r, r.Entitlement.Pending[0].Body
		e.approver.Reset()
		return e.approver.Focus()
	case key.Matches(msg, k.Equipment.Done):
		if e.view_ != equipRequests || len(e.visible) == 0 {
			return nil
		}
		rq := e.requests[e.visible[e.cursor]]
		st, by := e.c.store, e.c.actor()
		text := t.T("requests.done", scan.Clean(rq.Official))
		return func() tea.Msg {
			return equipSavedMsg{text: text, err: st.RequestDone(context.Background(), rq.ID, by)}
		}
	}
	return nil
}

// export writes the view that is shown, as it is shown, to a workbook.
func (e *equipmentScreen) export() tea.Cmd {
	t := e.c.t
	switch e.view_ {
	case equipHolders:
		hs := make([]store.Holding, len(e.visible))
		for i, v := range e.visible {
			hs[i] = e.holders[v]
		}
		return e.c.saveWorkbook(t.T("file.holders"), func(words export.Words) []export.Table {
			return []export.Table{export.HoldersOf(words, hs)}
		})
	case equipRequests:
		rs := make([]store.RequestRow, len(e.visible))
		for i, v := range e.visible {
			rs[i] = e.requests[v]
		}
		return e.c.saveWorkbook(t.T("file.requests"), func(words export.Words) []export.Table {
			return []export.Table{export.RequestsOf(words, rs)}
		})
	}
	rows := make([]store.EquipmentRow, len(e.visible))
	for i, v := range e.visible {
		rows[i] = e.rows[v]
	}
	return e.c.saveWorkbook(t.T("file.equipment"), func(words export.Words) []export.Table {
		return []export.Table{export.EquipmentOf(words, rows)}
	})
}

// selected is the official under the cursor, in the official views.
func (e *equipmentScreen) selected() *store.EquipmentRow {
	if (e.view_ != equipAll && e.view_ != equipMissing) || len(e.visible) == 0 {
		return nil
	}
	return &e.rows[e.visible[e.cursor]]
}

func (e *equipmentScreen) approveKey(msg tea.KeyPressMsg) tea.Cmd {
	k, t := e.c.keys.Form, e.c.t
	switch {
	case key.Matches(msg, k.Confirm):
		name := strings.TrimSpace(scan.Clean(e.approver.Value()))
		if name == "" {
			return flashCmd(flashError, t.T("refuse.no-approver"))
		}
		r, body := e.approving, e.body
		e.approving = nil
		st, by := e.c.store, e.c.actor()
		text := t.T("approve.saved", scan.Clean(r.Official.Name), scan.Clean(body), name)
		return func() tea.Msg {
			_, err := st.Approve(context.Background(), r.Official.ID, body, name, true, by)
			return equipSavedMsg{text: text, err: err}
		}
	case key.Matches(msg, k.Cancel):
		e.approving = nil
		return nil
	}
	var cmd tea.Cmd
	e.approver, cmd = e.approver.Update(msg)
	return cmd
}

func (e *equipmentScreen) shortHelp() []key.Binding {
	k := e.c.keys
	if e.approving != nil {
		return []key.Binding{k.Form.Confirm, k.Form.Cancel}
	}
	if e.searching {
		return []key.Binding{k.Form.Confirm, k.Form.Cancel}
	}
	b := []key.Binding{k.Equipment.Views, k.Overview.Search, k.Overview.Municipality, k.Form.Up, k.Form.Down}
	switch e.view_ {
	case equipRequests:
		b = append(b, k.Equipment.Done)
	case equipAll, equipMissing:
		b = append(b, k.Equipment.Approve)
	}
	return b
}

func (e *equipmentScreen) fullHelp() [][]key.Binding {
	k := e.c.keys
	return [][]key.Binding{
		{k.Equipment.Views, k.Overview.Search, k.Overview.Municipality, k.Equipment.Approve, k.Equipment.Done, k.Overview.Refresh, k.Overview.Export},
		{k.Form.Up, k.Form.Down, k.Overview.PageUp, k.Overview.PageDown},
	}
}

func (e *equipmentScreen) view(w, h int) string {
	st, t := e.c.styles, e.c.t
	if !e.loaded {
		return st.Card.Muted.Render(" " + t.T("equip.loading"))
	}
	var tabs []string
	for i, name := range []string{"equip.view.all", "equip.view.missing", "equip.view.holders", "equip.view.requests"} {
		label := fmt.Sprintf("%d %s", i+1, t.T(name))
		if equipView(i) == e.view_ {
			tabs = append(tabs, st.Form.Selected.Render(label))
		} else {
			tabs = append(tabs, st.Card.Muted.Render(label))
		}
	}
	out := []string{" " + strings.Join(tabs, "  ")}
	if e.approving != nil {
		out = append(out, "", " "+st.Form.Label.Render(t.T("approve.label", scan.Clean(e.approving.Official.Name), scan.Clean(e.body))), " "+e.approver.View(),
			" "+st.Form.Hint.Width(w-2).Render(t.T("approve.hint")))
		return strings.Join(out, "\n")
	}
	filter := st.Card.Muted.Render("  " + t.T("equip.filter", orAll(t, e.mun)))
	filterW := lipgloss.Width(filter) // what the filters say, the field's padding aside
	if e.searching || e.search.Value() != "" {
		typed := st.Card.Muted.Render(" · " + t.T("overview.search") + " ")
		filterW += lipgloss.Width(typed) + lipgloss.Width(e.search.Value()) + 1
		filter += typed + e.search.View()
	}
	var line func(i int) string
	switch e.view_ {
	case equipAll, equipMissing:
		nameW, munW, bodyW, hasW := e.columns(w)
		head := "  " + pad(t.T("equip.col.name"), nameW) + " "
		if munW > 0 {
			head += pad(t.T("equip.col.municipality"), munW) + " "
		}
		out = append(out, st.Box.Title.Render(" "+t.T(i18n.One("equip.count", len(e.visible)), len(e.visible)))+filter,
			st.Card.Label.Render(head+pad(t.T("equip.col.body"), bodyW)+" "+pad(t.T("equip.col.has"), hasW)+" "+t.T("equip.col.status")))
		line = func(i int) string { return e.officialLine(i, w) }
	case equipHolders:
		title := t.Holders(len(e.visible), e.handedIn, false)
		if 1+lipgloss.Width(title)+filterW > w {
			title = t.Holders(len(e.visible), e.handedIn, true) // the filters, and what is typed, stay in sight
		}
		out = append(out, st.Box.Title.Render(" "+title)+filter)
		line = func(i int) string { return e.holderLine(e.holders[i], w) }
	case equipRequests:
		out = append(out, st.Box.Title.Render(" "+t.T(i18n.One("equip.requests", len(e.visible)), len(e.visible)))+filter)
		line = func(i int) string { return e.requestLine(e.requests[i], w) }
	}
	if len(e.visible) == 0 {
		out = append(out, " "+st.Card.Muted.Render(t.T("equip.empty")))
		return strings.Join(out, "\n")
	}
	// Keep the cursor's row on screen, and draw only the rows shown.
	rows := max(1, h-len(out))
	e.offset = min(e.offset, e.cursor)
	if e.cursor >= e.offset+rows {
		e.offset = e.cursor - rows + 1
	}
	for i := e.offset; i < len(e.visible) && i < e.offset+rows; i++ {
		l := ansi.Truncate(line(e.visible[i]), w-3, "…")
		if i == e.cursor {
			out = append(out, st.Form.Selected.Render("›")+" "+l)
		} else {
			out = append(out, "  "+l)
		}
	}
	return strings.Join(out, "\n")
}

// officialLine: row i's name, municipality (where there is room), bodies,
// what they have, and what is missing or waits for an approval.
func (e *equipmentScreen) officialLine(i, w int) string {
	st, t := e.c.styles, e.c.t
	r, it := e.rows[i], e.items[i]
	nameW, munW, bodyW, hasW := e.columns(w)
	status := st.Status[store.FirstLogin].Render("✓")
	switch {
	case len(r.Missing) > 0:
		status = st.Status[store.Failed].Render(t.T("equip.missing", deviceList(t, r.Missing)))
	case len(r.Entitlement.Pending) > 0 && len(r.Entitlement.Kinds) == 0:
		status = st.Status[store.Expected].Render(t.T("equip.awaits", scan.Clean(r.Entitlement.Pending[0].Body)))
	case len(r.Entitlement.Kinds) == 0 && len(r.Has) == 0:
		status = st.Card.Muted.Render("-")
	}
	line := pad(scan.Clean(r.Official.Name), nameW) + " "
	if munW > 0 {
		line += st.Card.Muted.Render(pad(scan.Clean(r.Official.Municipality), munW)) + " "
	}
	return line + st.Card.Muted.Render(pad(it.bodies, bodyW)) + " " + pad(it.has, hasW) + " " + status
}

// hasText is the devices an official has, "-" for none.
func hasText(t i18n.Catalog, r store.EquipmentRow) string {
	var has []string
	for _, h := range r.Has {
		has = append(has, t.Device(h.Kind))
	}
	if len(has) == 0 {
		return "-"
	}
	return strings.Join(has, ", ")
}

// columns are the widths of the name, municipality (0: no room, below
// 100 columns), body and has columns; the has column's is measured over
// the list by refilter.
func (e *equipmentScreen) columns(w int) (name, mun, body, has int) {
	if w >= 100 {
		mun = 14
	}
	return min(24, max(16, w/4)), mun, min(30, max(16, w/5)), e.hasW
}

// holderLine: a line of the term-end list.
func (e *equipmentScreen) holderLine(h store.Holding, w int) string {
	st, t := e.c.styles, e.c.t
	nameW := min(24, max(14, w/4))
	return pad(scan.Clean(h.Official), nameW) + " " +
		pad(t.Device(h.Kind), 13) + " " + pad(scan.Clean(h.Serial), 14) + " " +
		// The phone first: at the term's end it is what the list is for;
		// the day is enough of when.
		st.Card.Muted.Render(scan.Clean(store.PhoneText(h.Phone))+" · "+where(t, h))
}

// where is the end of a term-end line: since when the official has the
// device, or that it is in for its upgrade, and at which step.
func where(t i18n.Catalog, h store.Holding) string {
	if h.HandedIn() {
		return t.T("custody.handedin.short", t.Status(h.Status))
	}
	return t.T("equip.since", t.DayMonth(h.Since))
}

// requestLine: an open help or training request.
func (e *equipmentScreen) requestLine(r store.RequestRow, w int) string {
	st, t := e.c.styles, e.c.t
	nameW := min(24, max(14, w/4))
	return st.Card.Muted.Render(t.DateTime(r.At)+"  ") + pad(scan.Clean(r.Official), nameW) + " " +
		station.RequestText(t, station.RequestCodes(store.Request{Help: r.Help, Training: r.Training}), scan.Clean(r.Note)) +
		st.Card.Muted.Render(" · "+scan.Clean(store.PhoneText(r.Phone))+" · "+t.Device(r.Kind))
}
