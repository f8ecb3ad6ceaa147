package tui

import (
	"context"
	"dropin/receipt/station"
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/scan"
	"dropin/store"
	"dropin/store/export"
	"dropin/tui/i18n"
)

// equipmentScreen is the lifecycle's picture for the secretariat: per
// official what the rules entitle them to, what they have and what is
// missing; the term-end list of who holds what; the help and training
// asked for at deliveries. A body chair's approval is recorded here.
type equipmentScreen struct {
	c        *common
	view_    equipView
	rows     []store.EquipmentRow
	holders  []store.Holding
	requests []store.RequestRow
	loaded   bool
	seq      int
	cursor   int
	offset   int
	visible  []int // indexes into rows for the official views
	hasW     int   // the has column's width over visible (see columns)

	approving *store.EquipmentRow // the official whose approval is being typed
	body      string              // the body whose chair approves
	approver  textinput.Model
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
	holders  []store.Holding
	requests []store.RequestRow
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
	return equipmentScreen{c: c, approver: in}
}

func (e *equipmentScreen) restyle()     { e.approver.SetStyles(e.c.styles.Input) }
func (e *equipmentScreen) typing() bool { return e.approving != nil }
func (e *equipmentScreen) open() tea.Cmd {
	return e.load()
}

func (e *equipmentScreen) load() tea.Cmd {
	e.seq++
	seq, st := e.seq, e.c.store
	return func() tea.Msg {
		ctx := context.Background()
		rows, err := st.Equipment(ctx)
		if err != nil {
			return equipmentMsg{seq: seq, err: err}
		}
		holders, err := st.Holders(ctx)
		if err != nil {
			return equipmentMsg{seq: seq, err: err}
		}
		reqs, err := st.Requests(ctx, false)
		return equipmentMsg{seq: seq, rows: rows, holders: holders, requests: reqs, err: err}
	}
}

func (e *equipmentScreen) update(msg tea.Msg) tea.Cmd {
	t := e.c.t
	switch msg := msg.(type) {
	case equipmentMsg:
		if msg.seq != e.seq {
			return nil
		}
		if msg.err != nil {
			return flashCmd(flashError, storeError(t, msg.err))
		}
		cmp := e.c.t.Compare
		sort.SliceStable(msg.rows, func(i, j int) bool { return cmp(msg.rows[i].Official.Name, msg.rows[j].Official.Name) < 0 })
		sort.SliceStable(msg.holders, func(i, j int) bool { return cmp(msg.holders[i].Official, msg.holders[j].Official) < 0 })
		e.rows, e.holders, e.requests, e.loaded = msg.rows, msg.holders, msg.requests, true
		e.refilter()
		return nil
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
	return nil
}

func equipRefusal(c *common, err error) string {
	if _, ok := store.IsRefusal(err); !ok {
		c.log.Error("equipment", "err", err)
	}
	return RefusalText(c.t, err)
}

func (e *equipmentScreen) length() int {
	switch e.view_ {
	case equipHolders:
		return len(e.holders)
	case equipRequests:
		return len(e.requests)
	}
	return len(e.visible)
}

func (e *equipmentScreen) refilter() {
	e.visible = e.visible[:0]
	for i, r := range e.rows {
		if e.view_ == equipMissing && len(r.Missing) == 0 && len(r.Entitlement.Pending) == 0 {
			continue
		}
		e.visible = append(e.visible, i)
	}
	// The has column is as wide as the widest it holds in the whole list
	// (so it does not move as the list scrolls), at most 24: before the
	// devices are handed out it holds only "-", and what is missing gets
	// the room. Measured here, when the list changes, not at every frame.
	e.hasW = lipgloss.Width(e.c.t.T("equip.col.has"))
	for _, i := range e.visible {
		e.hasW = max(e.hasW, lipgloss.Width(e.hasText(e.rows[i])))
	}
	e.hasW = min(e.hasW, 24)
	e.cursor = min(e.cursor, max(0, e.length()-1))
}

func (e *equipmentScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k, t := e.c.keys, e.c.t
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
		if e.view_ != equipRequests || len(e.requests) == 0 {
			return nil
		}
		rq := e.requests[e.cursor]
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
		hs := append([]store.Holding(nil), e.holders...)
		return e.c.saveWorkbook(t.T("file.holders"), func(words export.Words) []export.Table {
			return []export.Table{export.HoldersOf(words, hs)}
		})
	case equipRequests:
		rs := append([]store.RequestRow(nil), e.requests...)
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
	b := []key.Binding{k.Equipment.Views, k.Form.Up, k.Form.Down}
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
		{k.Equipment.Views, k.Equipment.Approve, k.Equipment.Done, k.Overview.Refresh, k.Overview.Export},
		{k.Form.Up, k.Form.Down, k.Overview.PageUp, k.Overview.PageDown},
	}
}

func (e *equipmentScreen) view(w, h int) string {
	st, t := e.c.styles, e.c.t
	if !e.loaded {
		return st.Card.Muted.Render(" " + t.T("overview.loading"))
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
	var lines []string
	switch e.view_ {
	case equipAll, equipMissing:
		lines = e.officialLines(w)
		nameW, bodyW, hasW := e.columns(w)
		out = append(out, st.Box.Title.Render(" "+t.T(i18n.One("equip.count", len(e.visible)), len(e.visible))),
			st.Card.Label.Render("  "+cell(t.T("equip.col.name"), nameW)+" "+cell(t.T("equip.col.body"), bodyW)+" "+cell(t.T("equip.col.has"), hasW)+" "+t.T("equip.col.status")))
	case equipHolders:
		lines = e.holderLines(w)
		out = append(out, st.Box.Title.Render(" "+t.T(i18n.One("equip.holders", len(e.holders)), len(e.holders))))
	case equipRequests:
		lines = e.requestLines(w)
		out = append(out, st.Box.Title.Render(" "+t.T("equip.requests", len(e.requests))))
	}
	if len(lines) == 0 {
		out = append(out, " "+st.Card.Muted.Render(t.T("equip.empty")))
		return strings.Join(out, "\n")
	}
	// Each entry is lines[i]; keep the cursor's entry on screen.
	rows := max(1, h-len(out))
	e.offset = min(e.offset, e.cursor)
	if e.cursor >= e.offset+rows {
		e.offset = e.cursor - rows + 1
	}
	for i := e.offset; i < len(lines) && i < e.offset+rows; i++ {
		line := ansi.Truncate(lines[i], w-3, "…")
		if i == e.cursor {
			out = append(out, st.Form.Selected.Render("›")+" "+line)
		} else {
			out = append(out, "  "+line)
		}
	}
	return strings.Join(out, "\n")
}

// officialLines: name, body, what they have, and what is missing or
// waiting for approval.
func (e *equipmentScreen) officialLines(w int) []string {
	st, t := e.c.styles, e.c.t
	nameW, bodyW, hasW := e.columns(w)
	var out []string
	for _, i := range e.visible {
		r := e.rows[i]
		var bodies []string
		for _, s := range r.Official.Seats {
			bodies = append(bodies, s.Body)
		}
		status := st.Status[store.FirstLogin].Render("✓")
		switch {
		case len(r.Missing) > 0:
			status = st.Status[store.Failed].Render(t.T("equip.missing", deviceList(e.c, r.Missing)))
		case len(r.Entitlement.Pending) > 0 && len(r.Entitlement.Kinds) == 0:
			status = st.Status[store.Expected].Render(t.T("equip.awaits", scan.Clean(r.Entitlement.Pending[0].Body)))
		case len(r.Entitlement.Kinds) == 0 && len(r.Has) == 0:
			status = st.Card.Muted.Render("-")
		}
		out = append(out, cell(scan.Clean(r.Official.Name), nameW)+" "+
			st.Card.Muted.Render(cell(scan.Clean(strings.Join(bodies, ", ")), bodyW))+" "+
			cell(e.hasText(r), hasW)+" "+status)
	}
	return out
}

// hasText is the devices an official has, "-" for none.
func (e *equipmentScreen) hasText(r store.EquipmentRow) string {
	var has []string
	for _, h := range r.Has {
		has = append(has, e.c.t.Device(h.Kind))
	}
	if len(has) == 0 {
		return "-"
	}
	return strings.Join(has, ", ")
}

// columns are the widths of the name, body and has columns; the has
// column's is measured over the list by refilter.
func (e *equipmentScreen) columns(w int) (name, body, has int) {
	return min(24, max(16, w/4)), min(30, max(16, w/5)), e.hasW
}

// cell is s cut or padded to exactly w columns.
func cell(s string, w int) string { return pad(ansi.Truncate(s, w, "…"), w) }

// holderLines: the term-end list.
func (e *equipmentScreen) holderLines(w int) []string {
	st, t := e.c.styles, e.c.t
	nameW := min(24, max(14, w/4))
	var out []string
	for _, h := range e.holders {
		line := pad(ansi.Truncate(scan.Clean(h.Official), nameW, "…"), nameW) + " " +
			pad(t.Device(h.Kind), 13) + " " + pad(scan.Clean(h.Serial), 14) + " " +
			// The phone first: at the term's end it is what the list is for;
			// the day is enough of when.
			st.Card.Muted.Render(scan.Clean(store.PhoneText(h.Phone))+" · "+t.T("equip.since", t.DayMonth(h.Since)))
		out = append(out, line)
	}
	return out
}

// requestLines: open help and training requests, oldest first.
func (e *equipmentScreen) requestLines(w int) []string {
	st, t := e.c.styles, e.c.t
	nameW := min(24, max(14, w/4))
	var out []string
	for _, r := range e.requests {
		line := st.Card.Muted.Render(t.DateTime(r.At)+"  ") + pad(ansi.Truncate(scan.Clean(r.Official), nameW, "…"), nameW) + " " +
			station.RequestText(t, station.RequestCodes(store.Request{Help: r.Help, Training: r.Training}), scan.Clean(r.Note)) +
			st.Card.Muted.Render(" · "+scan.Clean(store.PhoneText(r.Phone))+" · "+t.Device(r.Kind))
		out = append(out, line)
	}
	return out
}
