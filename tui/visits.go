package tui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/scan"
	"dropin/store"
	"dropin/store/export"
	"dropin/tui/i18n"
)

// visitsScreen is the walk-in desk: the queue, the visit this desk is
// handling, the visits open at other desks, meeting mode, the report of
// when people come and how long they wait, and the follow-ups (IT
// escalations, training requests for the Kansli) to tick off.
type visitsScreen struct {
	c       *common
	mode    visitsMode
	queue   []store.Visit
	opened  []store.Visit // open at any desk
	follow  []store.Visit // escalations and training requests to follow up
	meeting *store.Meeting
	report  store.VisitReport
	span    int // the report's span: 0 today, 1 the last 7 days, 2 the last 30
	cursor  int // in the queue, or in the follow-ups
	seq     int
	saving  bool
	form    *visitForm
}

type visitsMode int

const (
	visitsQueue visitsMode = iota
	visitsReport
	visitsFollow
)

// reportSpans are the report's spans in days: today, a week, a month.
var reportSpans = []int{1, 7, 30}

// visitsMsg carries what the screen shows.
type visitsMsg struct {
	seq                 int
	queue, open, follow []store.Visit
	meeting             *store.Meeting
	report              store.VisitReport
	partial             bool // only the queue and the open visits were read
	err                 error
}

// visitSearchedMsg: officials found for the arrival form's name search.
type visitSearchedMsg searchedMsg

// visitCardMsg: the card of a device scanned on the walk-in screen.
type visitCardMsg cardMsg

// visitSavedMsg: a change to a visit was saved (or refused).
type visitSavedMsg struct {
	text  string
	visit store.Visit
	mine  bool // the visit is now this desk's (called, opened)
	done  bool // the visit this desk had is over
	rec   *store.ReceiptRecord
	first store.Card // the visit receipt's first device, to sign at the desk
	err   error
}

func newVisitsScreen(c *common) visitsScreen { return visitsScreen{c: c} }

func (v *visitsScreen) restyle() {
	if v.form != nil {
		v.form.restyle(v.c)
	}
}
func (v *visitsScreen) typing() bool  { return v.form != nil && v.form.typing() }
func (v *visitsScreen) open() tea.Cmd { return v.load() }

// load reads the queue, the open visits, the follow-ups, the meeting and
// the report.
func (v *visitsScreen) load() tea.Cmd { return v.read(true) }

// loadQueue reads only the queue and the open visits: what the status bar
// and the desk's own visit need after a change made on another screen.
func (v *visitsScreen) loadQueue() tea.Cmd { return v.read(false) }

func (v *visitsScreen) read(all bool) tea.Cmd {
	v.seq++
	seq, st, now, days := v.seq, v.c.store, v.c.now(), reportSpans[v.span]
	return func() tea.Msg {
		ctx := context.Background()
		msg := visitsMsg{seq: seq, partial: !all}
		if msg.queue, msg.err = st.Queue(ctx); msg.err != nil {
			return msg
		}
		if msg.open, msg.err = st.OpenVisits(ctx); msg.err != nil || !all {
			return msg
		}
		if msg.follow, msg.err = st.FollowUps(ctx, false); msg.err != nil {
			return msg
		}
		if msg.meeting, msg.err = st.Meeting(ctx); msg.err != nil {
			return msg
		}
		day := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
		msg.report, msg.err = st.VisitReport(ctx, day.AddDate(0, 0, 1-days), day.AddDate(0, 0, 1), now.Location())
		return msg
	}
}

// mine is the visit this desk is handling, if any.
func (v *visitsScreen) mine() *store.Visit {
	for i, o := range v.opened {
		if o.ID == v.c.visit {
			return &v.opened[i]
		}
	}
	return nil
}

func (v *visitsScreen) update(msg tea.Msg) tea.Cmd {
	t := v.c.t
	switch msg := msg.(type) {
	case visitsMsg:
		if msg.seq != v.seq {
			return nil
		}
		if msg.err != nil {
			return flashCmd(flashError, storeError(t, msg.err))
		}
		v.queue, v.opened = msg.queue, msg.open
		if !msg.partial {
			v.follow, v.meeting, v.report = msg.follow, msg.meeting, msg.report
		}
		v.cursor = min(v.cursor, max(0, v.length()-1))
		return v.adopt()
	case visitSavedMsg:
		v.saving = false
		if msg.err != nil {
			return flashCmd(flashError, RefusalText(t, msg.err))
		}
		v.form = nil
		switch {
		case msg.mine:
			v.c.visit, v.c.visitName, v.c.visitOfficial = msg.visit.ID, msg.visit.Name, msg.visit.Official
		case msg.done && msg.visit.ID == v.c.visit:
			v.c.visit = ""
		}
		cmds := []tea.Cmd{flashCmd(flashOK, msg.text), changed, v.load()}
		if msg.rec != nil {
			// One receipt for the visit's devices: signed at the desk.
			rec, card := *msg.rec, msg.first
			cmds = append(cmds, func() tea.Msg { return visitReceiptMsg{rec: rec, card: card} })
		}
		return tea.Batch(cmds...)
	case visitSearchedMsg:
		if v.form != nil {
			return v.form.found(v, msg)
		}
		return nil
	case visitCardMsg:
		return v.scannedCard(msg)
	case tea.KeyPressMsg:
		if v.form != nil {
			return v.form.key(v, msg)
		}
		return v.key(msg)
	case tea.PasteMsg:
		if v.form != nil {
			return v.form.paste(v, msg.Content)
		}
	}
	return nil
}

// adopt keeps the desk's visit true to the store: a visit another desk
// took first (after a sync) or closed is no longer this desk's, and says
// so; after a restart the desk takes back the visit it had open.
func (v *visitsScreen) adopt() tea.Cmd {
	t := v.c.t
	if v.c.visit != "" {
		if m := v.mine(); m != nil && m.Station == v.c.station && m.Staff == v.c.staff {
			return nil
		} else if m != nil {
			v.c.visit = ""
			return flashCmd(flashInfo, t.T("visit.taken", scan.Clean(m.Name), scan.Clean(m.Staff), scan.Clean(m.Station)))
		}
		v.c.visit = ""
		return flashCmd(flashInfo, t.T("visit.gone"))
	}
	for _, o := range v.opened {
		if o.Station == v.c.station && o.Staff == v.c.staff {
			v.c.visit, v.c.visitName, v.c.visitOfficial = o.ID, o.Name, o.Official // the newest call is last
		}
	}
	return nil
}

func (v *visitsScreen) length() int {
	if v.mode == visitsFollow {
		return len(v.follow)
	}
	return len(v.queue)
}

// save runs a change to a visit in a tea.Cmd.
func (v *visitsScreen) save(change func(ctx context.Context, st *store.Store, by store.Actor) visitSavedMsg) tea.Cmd {
	if v.saving {
		return nil
	}
	v.saving = true
	st, by := v.c.store, v.c.actor()
	return func() tea.Msg { return change(context.Background(), st, by) }
}

func (v *visitsScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k, t := v.c.keys.Visits, v.c.t
	switch {
	case key.Matches(msg, v.c.keys.Form.Up):
		v.cursor = max(0, v.cursor-1)
		return nil
	case key.Matches(msg, v.c.keys.Form.Down):
		v.cursor = min(max(0, v.length()-1), v.cursor+1)
		return nil
	case key.Matches(msg, k.Report):
		v.mode, v.cursor = toggle(v.mode, visitsReport), 0
		return nil
	case key.Matches(msg, k.FollowUps):
		v.mode, v.cursor = toggle(v.mode, visitsFollow), 0
		return nil
	case key.Matches(msg, v.c.keys.Card.Close):
		v.mode, v.cursor = visitsQueue, 0
		return nil
	case key.Matches(msg, v.c.keys.Overview.Export):
		return v.export()
	case key.Matches(msg, k.Meeting):
		v.form = newMeetingForm(v.c, v.meeting)
		return v.form.focus()
	}
	switch v.mode {
	case visitsReport:
		if s := msg.String(); s >= "1" && s <= "3" {
			v.span = int(s[0] - '1')
			return v.load()
		}
		return nil
	case visitsFollow:
		if key.Matches(msg, k.Done) && len(v.follow) > 0 {
			f := v.follow[v.cursor]
			text := t.T("visit.followed", scan.Clean(f.Name))
			return v.save(func(ctx context.Context, st *store.Store, by store.Actor) visitSavedMsg {
				vv, err := st.FollowUp(ctx, f.ID, by)
				return visitSavedMsg{text: text, visit: vv, err: err}
			})
		}
		return nil
	}
	mine := v.mine()
	switch {
	case key.Matches(msg, k.Arrive):
		v.form = newArriveForm(v.c, false)
		return tea.Batch(v.form.focus(), v.form.search(v))
	case key.Matches(msg, k.Open):
		if mine != nil {
			return flashCmd(flashInfo, t.T("visit.busy", scan.Clean(mine.Name)))
		}
		v.form = newArriveForm(v.c, true)
		return tea.Batch(v.form.focus(), v.form.search(v))
	case key.Matches(msg, k.Next), key.Matches(msg, k.Call):
		if mine != nil {
			return flashCmd(flashInfo, t.T("visit.busy", scan.Clean(mine.Name)))
		}
		if len(v.queue) == 0 {
			return flashCmd(flashInfo, t.T("visit.nobody"))
		}
		id := v.queue[0].ID
		if key.Matches(msg, k.Call) {
			id = v.queue[v.cursor].ID
		}
		return v.save(func(ctx context.Context, st *store.Store, by store.Actor) visitSavedMsg {
			vv, err := st.CallVisit(ctx, id, by)
			return visitSavedMsg{text: t.T("visit.called", scan.Clean(vv.Name), t.Clock(vv.Called)), visit: vv, mine: true, err: err}
		})
	case key.Matches(msg, k.Close):
		if mine == nil {
			return flashCmd(flashInfo, t.T("visit.none"))
		}
		v.form = newCloseForm(v.c, *mine)
		return v.form.focus()
	case key.Matches(msg, k.Left):
		if len(v.queue) == 0 {
			return nil
		}
		q := v.queue[v.cursor]
		return v.save(func(ctx context.Context, st *store.Store, by store.Actor) visitSavedMsg {
			vv, _, err := st.CloseVisit(ctx, q.ID, store.VisitInput{Outcome: store.Left}, by)
			return visitSavedMsg{text: t.T("visit.left", scan.Clean(q.Name)), visit: vv, err: err}
		})
	case key.Matches(msg, k.Undo):
		id, name := "", ""
		switch {
		case mine != nil:
			id, name = mine.ID, mine.Name
		case len(v.queue) > 0:
			id, name = v.queue[v.cursor].ID, v.queue[v.cursor].Name
		default:
			return nil
		}
		return v.save(func(ctx context.Context, st *store.Store, by store.Actor) visitSavedMsg {
			vv, err := st.UndoVisit(ctx, id, by)
			return visitSavedMsg{text: t.T("visit.undone", scan.Clean(name)), visit: vv, done: vv.State != store.VisitOpen, err: err}
		})
	}
	return nil
}

func toggle(m, to visitsMode) visitsMode {
	if m == to {
		return visitsQueue
	}
	return to
}

// scanned: a device scanned on this screen brings its official in, at
// the topic: a visit at once when the desk is free and nobody waits, else
// a place in the queue.
func (v *visitsScreen) scanned(code string) tea.Cmd {
	serial, err := scan.Parse(code)
	if err != nil {
		return flashCmd(flashError, v.c.t.T("visit.scan.bad", scan.Clean(code)))
	}
	st := v.c.store
	return func() tea.Msg {
		card, err := st.Card(context.Background(), serial)
		return visitCardMsg{serial: serial, card: card, err: err}
	}
}

func (v *visitsScreen) scannedCard(msg visitCardMsg) tea.Cmd {
	t := v.c.t
	switch {
	case msg.err != nil:
		return flashCmd(flashError, storeError(t, msg.err))
	case msg.card.Official == nil:
		return flashCmd(flashInfo, t.T("visit.scan.nobody", scan.Clean(msg.serial)))
	}
	// Scanned while the desk asks who it is for: the form asked for
	// stays (queue or visit now). Otherwise, free and nobody waiting,
	// the visit starts now; else the official joins the queue.
	if v.form == nil || v.form.stage != stageWho {
		v.form = newArriveForm(v.c, v.mine() == nil && len(v.queue) == 0)
	}
	v.form.official, v.form.stage = msg.card.Official, stageTopic
	return nil
}

// export writes what is shown: the report (with the visits it counts),
// or the follow-ups.
func (v *visitsScreen) export() tea.Cmd {
	t, topics := v.c.t, v.c.store.Topics()
	topic := func(code string) string { return TopicText(t, topics, code) }
	if v.mode == visitsFollow {
		follow := append([]store.Visit(nil), v.follow...)
		return v.c.saveWorkbook(t.T("file.followups"), func(words export.Words) []export.Table {
			return []export.Table{export.FollowUps(words, follow)}
		})
	}
	r, st := v.report, v.c.store
	return v.c.saveWorkbook(t.T("file.visits"), func(words export.Words) []export.Table {
		vs, _ := st.Visits(context.Background(), r.From, r.To)
		return append(export.VisitReport(words, topic, r), export.Visits(words, topic, vs))
	})
}

// DayText is a report's day (kept as yyyy-mm-dd) as the language writes
// it: 07.12.2026 in bokmål, 2026-12-07 in Swedish, 7 Dec 2026 in English;
// short, a day and a month.
func DayText(t i18n.Catalog, day string, short bool) string {
	d, err := time.ParseInLocation(time.DateOnly, day, time.Local)
	switch {
	case err != nil:
		return scan.Clean(day)
	case short:
		return t.DayMonth(d)
	}
	return t.Date(d)
}

// MeetingText is a report's meeting (kept as "body yyyy-mm-dd") with its
// day as the language writes it.
func MeetingText(t i18n.Catalog, meeting string) string {
	body, day, ok := cutLast(meeting, " ")
	if _, err := time.Parse(time.DateOnly, day); !ok || err != nil {
		return scan.Clean(meeting)
	}
	return scan.Clean(body) + " " + DayText(t, day, false)
}

func cutLast(s, sep string) (before, after string, found bool) {
	if i := strings.LastIndex(s, sep); i >= 0 {
		return s[:i], s[i+len(sep):], true
	}
	return s, "", false
}

// TopicText is a topic in words: the topics file's, else the catalog's for
// a code dropin knows, else the code.
func TopicText(t i18n.Catalog, topics *store.Topics, code string) string {
	if w := topics.Words(code); w != "" {
		return scan.Clean(w)
	}
	for _, b := range store.BuiltinTopics {
		if b == code {
			return t.T("topic." + code)
		}
	}
	return scan.Clean(code)
}

func (v *visitsScreen) view(w, h int) string {
	// One column of margin on the left, as every other screen has.
	w--
	var lines []string
	switch {
	case v.form != nil:
		lines = v.form.lines(v, w)
	case v.mode == visitsReport:
		lines = v.reportLines(w)
	case v.mode == visitsFollow:
		lines = v.followLines(w, h)
	default:
		lines = v.queueLines(w, h)
	}
	for i, l := range lines {
		if l != "" {
			lines[i] = " " + l
		}
	}
	return strings.Join(lines, "\n")
}

func (v *visitsScreen) queueLines(w, h int) []string {
	st, t, now := v.c.styles, v.c.t, v.c.now()
	head := st.Card.Name.Render(t.T("visit.queue", len(v.queue)))
	if m := v.meeting; m != nil {
		head += st.Card.Muted.Render(" · " + t.T("visit.atmeeting", scan.Clean(m.Body), DayText(t, m.Day, false)))
	}
	lines := []string{head}
	if len(v.queue) == 0 {
		lines = append(lines, st.Card.Muted.Render("  "+t.T("visit.queue.empty")))
	}
	// The queue gets the room the rest leaves: at least three rows.
	room := max(3, h-9)
	first := max(0, min(v.cursor-room+1, len(v.queue)-room))
	// mark, number, time and the wait take about 29 cells; the topics get
	// what the longest in the queue needs (at most 28; the whole queue, so
	// the column stays put as the list scrolls), the names the rest (at
	// least 12, cut with "…" beyond).
	topicW := 10
	for _, q := range v.queue {
		topicW = max(topicW, ansi.StringWidth(TopicText(t, v.c.store.Topics(), q.Topic)))
	}
	topicW = min(topicW, 28)
	nameW := max(12, min(28, w-29-topicW))
	for i := first; i < len(v.queue) && i < first+room; i++ {
		q := v.queue[i]
		mark := "  "
		if i == v.cursor {
			mark = st.Form.Selected.Render("› ")
		}
		line := fmt.Sprintf("%s%2d  %s  %s  %s", mark, i+1, q.Arrived.Local().Format("15:04"), pad(scan.Clean(q.Name), nameW),
			pad(TopicText(t, v.c.store.Topics(), q.Topic), topicW)) + st.Card.Muted.Render(" "+t.T("visit.waits", t.Minutes(now.Sub(q.Arrived))))
		lines = append(lines, ansi.Truncate(line, w, "…"))
	}
	lines = append(lines, "")
	if m := v.mine(); m != nil {
		lines = append(lines, st.Card.Name.Render(t.T("visit.mine")))
		lines = append(lines, "  "+st.Card.Value.Render(scan.Clean(m.Name))+st.Card.Muted.Render(" · "+TopicText(t, v.c.store.Topics(), m.Topic)+
			" · "+t.T("visit.since", m.Called.Local().Format("15:04"), t.Minutes(now.Sub(m.Called)))))
		if m.Note != "" {
			lines = append(lines, "  "+st.Card.Muted.Render(t.T("visit.note.quoted", scan.Clean(m.Note))))
		}
		if len(m.Devices) > 0 {
			var ds []string
			for _, d := range m.Devices {
				ds = append(ds, scan.Clean(d.Serial)+" "+t.Kind(d.Step))
			}
			lines = append(lines, "  "+st.Card.Label.Render(t.T("visit.devices")+" ")+strings.Join(ds, ", "))
		} else {
			lines = append(lines, "  "+st.Form.Hint.Render(t.T("visit.devices.hint")))
		}
	} else {
		lines = append(lines, st.Card.Muted.Render(t.T("visit.mine.none")))
	}
	var others []string
	for _, o := range v.opened {
		if o.ID != v.c.visit {
			others = append(others, scan.Clean(o.Name)+" ("+scan.Clean(o.Station)+")")
		}
	}
	if len(others) > 0 {
		lines = append(lines, "", st.Card.Muted.Render(ansi.Truncate(t.T("visit.others", strings.Join(others, ", ")), w, "…")))
	}
	esc, train := 0, 0
	for _, f := range v.follow {
		if f.Outcome == store.Escalated {
			esc++
		} else {
			train++
		}
	}
	if esc+train > 0 {
		lines = append(lines, st.Card.Muted.Render(t.T("visit.follow.count", esc, train)))
	}
	return lines
}

func (v *visitsScreen) reportLines(w int) []string {
	st, t, r := v.c.styles, v.c.t, v.report
	topics := v.c.store.Topics()
	title := t.T("visit.report.today")
	if days := reportSpans[v.span]; days > 1 {
		title = t.T("visit.report.title", days)
	}
	lines := []string{st.Card.Name.Render(title) + st.Card.Muted.Render("  "+t.T("visit.report.spans"))}
	lines = append(lines, t.T(i18n.One("visit.report.counts", r.Visits), r.Visits, r.Served, r.Left, r.Visits-r.OfficeHours))
	spread := func(label string, s store.Spread) string {
		if s.N == 0 {
			return st.Card.Label.Render(label+" ") + "–"
		}
		return st.Card.Label.Render(label+" ") + t.T(i18n.One("visit.report.spread", s.N), t.Minutes(s.Median), t.Minutes(s.P90), s.N)
	}
	lines = append(lines, spread(t.T("visit.report.waiting"), r.Waiting), spread(t.T("visit.report.handling"), r.Handling))
	// Hours of the day, as a row of counts: when to staff the desk. An
	// hour is written as the hour it spans ("09–10 3"): "09:3" read as
	// a time of day. The row wraps whole hours, all of them on screen.
	var hours []string
	for h, n := range r.ByHour {
		if n > 0 {
			hours = append(hours, fmt.Sprintf("%02d–%02d %d", h, h+1, n))
		}
	}
	if len(hours) == 0 {
		hours = []string{"–"}
	}
	label := t.T("visit.report.hours") + " "
	indent := ansi.StringWidth(label)
	for i, l := range breakAt(strings.Join(hours, " · "), " · ", w-indent) {
		if i == 0 {
			lines = append(lines, st.Card.Label.Render(label)+l)
		} else {
			lines = append(lines, strings.Repeat(" ", indent)+l)
		}
	}
	list := func(label string, ts []store.Tally, word func(string) string) {
		var parts []string
		for _, x := range ts {
			parts = append(parts, fmt.Sprintf("%s %d", word(x.Key), x.N))
		}
		if len(parts) == 0 {
			parts = []string{"–"}
		}
		lines = append(lines, ansi.Truncate(st.Card.Label.Render(label+" ")+strings.Join(parts, " · "), w, "…"))
	}
	none := func(s string) string {
		if s == "" {
			return t.T("visit.report.none")
		}
		return scan.Clean(s)
	}
	list(t.T("visit.report.topics"), r.ByTopic, func(c string) string { return TopicText(t, topics, c) })
	list(t.T("visit.report.outcomes"), r.ByOutcome, t.Outcome)
	list(t.T("visit.report.days"), r.ByDay, func(s string) string { return DayText(t, s, true) })
	list(t.T("visit.report.municipalities"), r.ByMunicipality, none)
	list(t.T("visit.report.bodies"), r.ByBody, none)
	list(t.T("visit.report.meetings"), r.AtMeetings, func(m string) string { return MeetingText(t, m) })
	lines = append(lines, st.Card.Label.Render(t.T("visit.report.followups")+" ")+fmt.Sprint(len(r.FollowUps)))
	return lines
}

func (v *visitsScreen) followLines(w, h int) []string {
	st, t := v.c.styles, v.c.t
	lines := []string{st.Card.Name.Render(t.T("visit.follow.title", len(v.follow)))}
	if len(v.follow) == 0 {
		return append(lines, st.Card.Muted.Render("  "+t.T("visit.follow.empty")))
	}
	room := max(3, h-1)
	first := max(0, min(v.cursor-room+1, len(v.follow)-room))
	for i := first; i < len(v.follow) && i < first+room; i++ {
		f := v.follow[i]
		mark := "  "
		if i == v.cursor {
			mark = st.Form.Selected.Render("› ")
		}
		what := scan.Clean(t.FollowUp(f))
		line := mark + t.DayMonth(f.Closed.Local()) + "  " + pad(scan.Clean(f.Name), 20) + "  " + what
		lines = append(lines, ansi.Truncate(line, w, "…"))
	}
	return lines
}

func (v *visitsScreen) shortHelp() []key.Binding {
	k := v.c.keys
	if v.form != nil {
		return v.form.help(k)
	}
	switch v.mode {
	case visitsReport:
		return []key.Binding{k.Visits.Spans, k.Overview.Export, k.Visits.FollowUps, k.Card.Close}
	case visitsFollow:
		return []key.Binding{k.Form.Up, k.Form.Down, k.Visits.Done, k.Overview.Export, k.Card.Close}
	}
	if v.mine() != nil {
		return []key.Binding{k.Visits.Close, k.Visits.Arrive, k.Visits.Undo, k.Visits.Report}
	}
	return []key.Binding{k.Visits.Next, k.Visits.Arrive, k.Visits.Open, k.Visits.Left, k.Visits.Report}
}

func (v *visitsScreen) fullHelp() [][]key.Binding {
	k := v.c.keys
	if v.form != nil {
		return [][]key.Binding{v.form.help(k)}
	}
	return [][]key.Binding{
		{k.Visits.Next, k.Visits.Call, k.Visits.Arrive, k.Visits.Open, k.Visits.Left},
		{k.Visits.Close, k.Visits.Undo, k.Visits.Meeting, k.Form.Up, k.Form.Down},
		{k.Visits.Report, k.Visits.Spans, k.Visits.FollowUps, k.Visits.Done, k.Overview.Export},
	}
}

// visitReceiptMsg: a visit closed with one receipt for its devices; the
// desk shows the first device and the official signs there.
type visitReceiptMsg struct {
	rec  store.ReceiptRecord
	card store.Card
}

// The forms of the walk-in desk: who came and what for (to queue, or to
// open at once), how a visit ended, the meeting the desk is at.
type visitForm struct {
	kind   formKind
	stage  formStage
	field  textinput.Model // the name, the note, the ticket, what, the body
	field2 textinput.Model // for whom, the meeting's day

	// arrival
	results  []store.Official
	pick     int // in results, and one more: the name as typed
	seq      int
	official *store.Official
	name     string
	topic    int

	// close
	visit   store.Visit
	outcome int
}

type formKind int

const (
	formArrive formKind = iota // joins the queue
	formOpen                   // opened at once
	formClose
	formMeeting
)

type formStage int

const (
	stageWho formStage = iota
	stageTopic
	stageNote
	stageOutcome
	stageDetail // the ticket, or what and for whom
	stageDetail2
	stageBody
	stageDay
)

func newArriveForm(c *common, openNow bool) *visitForm {
	f := &visitForm{kind: formArrive, stage: stageWho, field: newField(c, 120, c.t.T("visit.who.placeholder"), "")}
	if openNow {
		f.kind = formOpen
	}
	return f
}

func newCloseForm(c *common, v store.Visit) *visitForm {
	return &visitForm{kind: formClose, stage: stageOutcome, visit: v}
}

func newMeetingForm(c *common, m *store.Meeting) *visitForm {
	body, day := "", c.now().Format(time.DateOnly)
	if m != nil {
		body, day = m.Body, m.Day
	}
	return &visitForm{kind: formMeeting, stage: stageBody, field: newField(c, 80, c.t.T("visit.meeting.placeholder"), body),
		field2: newField(c, 10, c.t.T("visit.meeting.day.ph"), DayField(c.t, day))}
}

// DayField is a day (yyyy-mm-dd) as a date field shows it for the
// language to read and edit: 14.04.2026 in bokmål, as the rest of the
// desk writes dates; as it is in Swedish and English.
func DayField(t i18n.Catalog, day string) string {
	if d, err := time.Parse(time.DateOnly, day); err == nil && t.Lang == i18n.Bokmal {
		return d.Format("02.01.2006")
	}
	return day
}

// ParseDay reads a date as people type it at the desk: 2026-04-14, or
// day and month with dots or a slash (14.4.2026, 14.4., 14.4, 14/4,
// 14/4/2026), the year this year's when left out. It returns the day as
// yyyy-mm-dd, and false for anything that is not a day of the calendar.
func ParseDay(typed string, now time.Time) (string, bool) {
	s := strings.TrimSpace(typed)
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Format(time.DateOnly), true
	}
	sep := "."
	if strings.Contains(s, "/") {
		sep = "/"
	}
	parts := strings.Split(strings.TrimSuffix(s, sep), sep)
	if len(parts) < 2 || len(parts) > 3 {
		return "", false
	}
	var n [3]int
	n[2] = now.Year()
	for i, p := range parts {
		v, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || v < 0 {
			return "", false
		}
		n[i] = v
	}
	if len(parts) == 3 && len(strings.TrimSpace(parts[2])) != 4 {
		return "", false // "14.4.26": which century is not guessed
	}
	d := time.Date(n[2], time.Month(n[1]), n[0], 12, 0, 0, 0, time.UTC)
	if d.Day() != n[0] || int(d.Month()) != n[1] || d.Year() != n[2] {
		return "", false // 31.4., 0.1.: no such day
	}
	return d.Format(time.DateOnly), true
}

func (f *visitForm) restyle(c *common) {
	f.field.SetStyles(c.styles.Input)
	f.field2.SetStyles(c.styles.Input)
}

func (f *visitForm) typing() bool {
	return f.stage == stageWho || f.stage == stageNote || f.stage == stageDetail || f.stage == stageDetail2 || f.stage == stageBody || f.stage == stageDay
}

func (f *visitForm) focus() tea.Cmd {
	if f.stage == stageDetail2 || f.stage == stageDay {
		f.field.Blur()
		return f.field2.Focus()
	}
	f.field2.Blur()
	if f.typing() {
		return f.field.Focus()
	}
	f.field.Blur()
	return nil
}

func (f *visitForm) search(v *visitsScreen) tea.Cmd {
	f.seq++
	seq, st, q, lang := f.seq, v.c.store, f.field.Value(), v.c.t.Lang
	return func() tea.Msg {
		res, err := st.SearchOfficialsBy(context.Background(), q, 6, i18n.NewKeys(lang).Key)
		return visitSearchedMsg{seq: seq, results: res, err: err}
	}
}

func (f *visitForm) found(v *visitsScreen, msg visitSearchedMsg) tea.Cmd {
	if msg.seq != f.seq {
		return nil
	}
	if msg.err != nil {
		return flashCmd(flashError, storeError(v.c.t, msg.err))
	}
	f.results = msg.results
	f.pick = min(f.pick, f.choices()-1)
	return nil
}

// choices is how many lines the name search offers: the officials found,
// and the name as typed for someone not on the roster.
func (f *visitForm) choices() int {
	n := len(f.results)
	if strings.TrimSpace(f.field.Value()) != "" {
		n++
	}
	return max(1, n)
}

func (f *visitForm) paste(v *visitsScreen, s string) tea.Cmd {
	if !f.typing() {
		return nil
	}
	in := &f.field
	if f.stage == stageDetail2 || f.stage == stageDay {
		in = &f.field2
	}
	insertText(in, strings.Join(strings.Fields(scan.Clean(s)), " "))
	if f.stage == stageWho {
		return f.search(v)
	}
	return nil
}

func (f *visitForm) key(v *visitsScreen, msg tea.KeyPressMsg) tea.Cmd {
	k, c := v.c.keys.Form, v.c
	switch {
	case key.Matches(msg, k.Cancel):
		v.form = nil
		return nil
	case key.Matches(msg, k.Up):
		switch f.stage {
		case stageWho:
			f.pick = max(0, f.pick-1)
		case stageTopic:
			f.topic = max(0, f.topic-1)
		case stageOutcome:
			f.outcome = max(0, f.outcome-1)
		}
		return nil
	case key.Matches(msg, k.Down):
		switch f.stage {
		case stageWho:
			f.pick = min(f.choices()-1, f.pick+1)
		case stageTopic:
			f.topic = min(len(c.store.Topics().List)-1, f.topic+1)
		case stageOutcome:
			f.outcome = min(len(store.Outcomes)-2, f.outcome+1) // "left" is the queue's key
		}
		return nil
	case key.Matches(msg, k.Confirm):
		return f.confirm(v)
	}
	if !f.typing() {
		return nil
	}
	in := &f.field
	if f.stage == stageDetail2 || f.stage == stageDay {
		in = &f.field2
	}
	before := in.Value()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	if f.stage == stageWho && in.Value() != before {
		f.pick = 0
		return tea.Batch(cmd, f.search(v))
	}
	return cmd
}

// confirm moves the form on a stage, or saves at its last.
func (f *visitForm) confirm(v *visitsScreen) tea.Cmd {
	c := v.c
	switch f.stage {
	case stageWho:
		typed := strings.TrimSpace(f.field.Value())
		switch {
		case f.pick < len(f.results):
			f.official = &f.results[f.pick]
		case typed != "":
			f.name = typed
		default:
			return nil
		}
		f.stage = stageTopic
		return f.focus()
	case stageTopic:
		f.stage, f.field = stageNote, newField(c, 200, c.t.T("visit.note.placeholder"), "")
		return f.focus()
	case stageOutcome:
		switch store.Outcomes[f.outcome] {
		case store.Escalated:
			f.stage, f.field = stageDetail, newField(c, 40, c.t.T("visit.ticket.placeholder"), "")
		case store.Training:
			f.stage, f.field = stageDetail, newField(c, 200, c.t.T("visit.what.placeholder"), "")
			f.field2 = newField(c, 120, "", f.visit.Name)
		default:
			f.stage, f.field = stageNote, newField(c, 200, c.t.T("visit.done.placeholder"), "")
		}
		return f.focus()
	case stageDetail:
		if store.Outcomes[f.outcome] == store.Training {
			f.stage = stageDetail2
			return f.focus()
		}
		return f.saveClose(v)
	case stageDetail2:
		return f.saveClose(v)
	case stageBody:
		if strings.TrimSpace(f.field.Value()) == "" {
			return f.saveMeeting(v, nil)
		}
		f.stage = stageDay
		return f.focus()
	case stageDay:
		day, ok := ParseDay(f.field2.Value(), v.c.now())
		if !ok {
			return flashCmd(flashError, v.c.t.T("visit.meeting.badday", scan.Clean(strings.TrimSpace(f.field2.Value()))))
		}
		return f.saveMeeting(v, &store.Meeting{Body: f.field.Value(), Day: day})
	case stageNote:
		if f.kind == formClose {
			return f.saveClose(v)
		}
		return f.saveArrival(v)
	}
	return nil
}

func (f *visitForm) saveArrival(v *visitsScreen) tea.Cmd {
	t := v.c.t
	in := store.VisitInput{Name: f.name, Topic: v.c.store.Topics().List[f.topic].Code, Note: f.field.Value()}
	name := f.name
	if f.official != nil {
		in.Official, name = f.official.ID, f.official.Name
	}
	openNow := f.kind == formOpen
	return v.save(func(ctx context.Context, st *store.Store, by store.Actor) visitSavedMsg {
		if openNow {
			vv, err := st.OpenVisit(ctx, in, by)
			return visitSavedMsg{text: t.T("visit.opened", scan.Clean(name)), visit: vv, mine: true, err: err}
		}
		vv, err := st.Arrive(ctx, in, by)
		return visitSavedMsg{text: t.T("visit.queued", scan.Clean(name), t.Clock(vv.Arrived)), visit: vv, err: err}
	})
}

func (f *visitForm) saveClose(v *visitsScreen) tea.Cmd {
	t, id, name := v.c.t, f.visit.ID, f.visit.Name
	in := store.VisitInput{Outcome: store.Outcomes[f.outcome]}
	switch in.Outcome {
	case store.Escalated:
		in.Ticket = f.field.Value()
	case store.Training:
		in.What, in.For = f.field.Value(), f.field2.Value()
	default:
		in.Note = f.field.Value()
	}
	return v.save(func(ctx context.Context, st *store.Store, by store.Actor) visitSavedMsg {
		vv, rec, err := st.CloseVisit(ctx, id, in, by)
		msg := visitSavedMsg{text: t.T("visit.closed", scan.Clean(name), t.T("visit.outcome."+string(in.Outcome))), visit: vv, done: true, rec: rec, err: err}
		if err == nil && rec != nil && len(vv.Devices) > 0 {
			msg.first, msg.err = st.Card(ctx, vv.Devices[0].Serial)
		}
		return msg
	})
}

func (f *visitForm) saveMeeting(v *visitsScreen, m *store.Meeting) tea.Cmd {
	t := v.c.t
	return v.save(func(ctx context.Context, st *store.Store, by store.Actor) visitSavedMsg {
		err := st.SetMeeting(ctx, m) // the body as the roster spells it
		text := t.T("visit.meeting.off")
		if m != nil {
			text = t.T("visit.meeting.on", scan.Clean(m.Body), DayText(t, m.Day, false))
		}
		return visitSavedMsg{text: text, err: err}
	})
}

func (f *visitForm) help(k KeyMap) []key.Binding {
	switch f.stage {
	case stageWho, stageTopic, stageOutcome:
		return []key.Binding{k.Form.Up, k.Form.Down, k.Form.Confirm, k.Form.Cancel}
	}
	return []key.Binding{k.Form.Confirm, k.Form.Cancel}
}

func (f *visitForm) lines(v *visitsScreen, w int) []string {
	st, t := v.c.styles, v.c.t
	var lines []string
	title := map[formKind]string{formArrive: "visit.form.arrive", formOpen: "visit.form.open", formClose: "visit.form.close", formMeeting: "visit.form.meeting"}[f.kind]
	who := f.name
	if f.official != nil {
		who = f.official.Name
	}
	if f.kind == formClose {
		who = f.visit.Name
	}
	head := st.Card.Name.Render(t.T(title))
	if who != "" {
		head += st.Card.Muted.Render(" · " + scan.Clean(who))
	}
	lines = append(lines, head, "")
	choice := func(i, at int, text string) string {
		if i == at {
			return st.Form.Selected.Render("› " + text)
		}
		return "  " + text
	}
	switch f.stage {
	case stageWho:
		lines = append(lines, st.Form.Label.Render(t.T("visit.who")), f.field.View())
		for i, o := range f.results {
			line := scan.Clean(o.Name)
			if o.Municipality != "" {
				line += st.Card.Muted.Render(" · " + scan.Clean(o.Municipality))
			}
			lines = append(lines, choice(i, f.pick, line))
		}
		if typed := strings.TrimSpace(f.field.Value()); typed != "" {
			lines = append(lines, choice(len(f.results), f.pick, t.T("visit.who.typed", scan.Clean(typed))))
		}
	case stageTopic:
		lines = append(lines, st.Form.Label.Render(t.T("visit.topic")))
		for i, tp := range v.c.store.Topics().List {
			lines = append(lines, choice(i, f.topic, TopicText(t, v.c.store.Topics(), tp.Code)))
		}
	case stageNote:
		label := "visit.note"
		if f.kind == formClose {
			label = "visit.done"
		}
		lines = append(lines, st.Form.Label.Render(t.T(label)), f.field.View())
	case stageOutcome:
		lines = append(lines, st.Form.Label.Render(t.T("visit.outcome")))
		for i, o := range store.Outcomes[:len(store.Outcomes)-1] {
			lines = append(lines, choice(i, f.outcome, t.T("visit.outcome."+string(o))))
		}
	case stageDetail:
		label := "visit.ticket"
		if store.Outcomes[f.outcome] == store.Training {
			label = "visit.what"
		}
		lines = append(lines, st.Form.Label.Render(t.T(label)), f.field.View())
	case stageDetail2:
		lines = append(lines, st.Form.Label.Render(t.T("visit.what"))+" "+scan.Clean(f.field.Value()), "",
			st.Form.Label.Render(t.T("visit.for")), f.field2.View())
	case stageBody, stageDay:
		lines = append(lines, st.Form.Label.Render(t.T("visit.meeting.body")), f.field.View(), "",
			st.Form.Label.Render(t.T("visit.meeting.day")), f.field2.View(), "", st.Form.Hint.Render(t.T("visit.meeting.hint")))
	}
	for i, l := range lines {
		lines[i] = ansi.Truncate(l, w, "…")
	}
	return lines
}
