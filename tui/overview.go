package tui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/scan"
	"dropin/store"
	"dropin/store/export"
	"dropin/store/remind"
	"dropin/tui/i18n"
)

// overviewScreen is the secretariat's picture: coverage by municipality
// and body, and the officials still to chase.
type overviewScreen struct {
	c         *common
	lines     []store.Coverage
	total     store.Coverage
	chase     []store.Chase
	loaded    bool
	seq       int
	mun       string // filter: "" for all
	body      string // filter: "" for all
	sortBy    int    // index into store.ChaseSorts
	search    textinput.Model
	searching bool
	offset    int // first list row shown
	visible   []store.Chase
	shown     shownAs // what visible was made of: a search typed further narrows it
	orders    [][]int // the chase list's order under each of store.ChaseSorts, made with the list

	chaseVersion int64 // the store's version of chase: a refresh keeps it while unchanged
	loading      bool  // a load is running
	again        bool  // and something changed since it started: one more when it ends

	remindPlan    []remind.Recipient // a reminder waiting for the user's yes
	confirmRemind bool
}

type overviewMsg struct {
	seq    int
	ov     store.Overview
	orders [][]int // the new chase list's orders; nil when it is the same
	err    error
}

func newOverviewScreen(c *common) overviewScreen {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = 60
	in.SetWidth(20)
	in.SetStyles(c.styles.Input)
	return overviewScreen{c: c, search: in}
}

func (o *overviewScreen) restyle() { o.search.SetStyles(o.c.styles.Input) }

func (o *overviewScreen) typing() bool { return o.searching || o.confirmRemind }

// load reads coverage and the chase list; an answer older than the last
// request is dropped. One load runs at a time: on a county's first
// morning a load is a second of work, and changes that come faster (a
// sync every few seconds) ask for one more when it ends, not one each.
func (o *overviewScreen) load() tea.Cmd {
	if o.loading {
		o.again = true
		return nil
	}
	o.loading = true
	o.seq++
	seq, st, have, lang := o.seq, o.c.store, o.chaseVersion, o.c.t.Lang
	if !o.loaded {
		have = -1
	}
	return func() tea.Msg {
		ov, err := st.LoadOverview(context.Background(), have)
		if err != nil || ov.ChaseSame {
			return overviewMsg{seq: seq, ov: ov, err: err}
		}
		// Sorted here, off the event loop, in every order the s key
		// offers: on a county's first morning every tablet is still to
		// chase, and a search then only matches.
		return overviewMsg{seq: seq, ov: ov, orders: chaseOrders(ov.Chase, lang)}
	}
}

func (o *overviewScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case overviewMsg:
		if msg.seq != o.seq {
			return nil
		}
		o.loading = false
		var next tea.Cmd
		if o.again {
			o.again = false
			next = o.load()
		}
		if msg.err != nil {
			o.c.log.Error("overview", "err", msg.err)
			return tea.Batch(next, flashCmd(flashError, o.c.t.T("error.read", errText(msg.err))))
		}
		// Municipalities and bodies in the language's order: Åfjord after
		// Aure in bokmål, as the secretariat reads a list.
		store.SortCoverage(msg.ov.Lines, o.c.t.Compare)
		o.lines, o.total, o.loaded = msg.ov.Lines, msg.ov.Total, true
		if !msg.ov.ChaseSame { // the list changed: take it
			o.chase, o.chaseVersion, o.orders = msg.ov.Chase, msg.ov.ChaseVersion, msg.orders
		}
		o.refilter()
		return next
	case remindPlanMsg:
		if msg.err != nil {
			o.c.log.Error("remind plan", "err", msg.err)
			return flashCmd(flashError, o.c.t.T("error.read", errText(msg.err)))
		}
		o.remindPlan, o.confirmRemind = msg.plan, true
		return flashCmd(flashNone, "") // the question is asked: what it waited for is done
	case remindDoneMsg:
		return o.reminded(msg)
	case tea.KeyPressMsg:
		if o.confirmRemind {
			switch {
			case key.Matches(msg, o.c.keys.Batch.Yes):
				return o.sendReminders()
			case msg.String() == "n", key.Matches(msg, o.c.keys.Form.Cancel):
				o.remindPlan, o.confirmRemind = nil, false
			}
			return nil
		}
		return o.key(msg)
	}
	if o.searching {
		var cmd tea.Cmd
		o.search, cmd = o.search.Update(msg)
		o.refilter()
		return cmd
	}
	return nil
}

func (o *overviewScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	k := o.c.keys.Overview
	if o.searching {
		switch {
		case key.Matches(msg, o.c.keys.Form.Confirm), key.Matches(msg, o.c.keys.Form.Cancel):
			o.searching = false
			o.search.Blur()
			if key.Matches(msg, o.c.keys.Form.Cancel) {
				o.search.Reset()
				o.refilter()
			}
			return nil
		}
		var cmd tea.Cmd
		o.search, cmd = o.search.Update(msg)
		o.refilter()
		return cmd
	}
	switch {
	case key.Matches(msg, k.Municipality):
		o.mun = cycle(o.municipalities(), o.mun)
		o.body = ""
	case key.Matches(msg, k.Body):
		o.body = cycle(o.bodies(), o.body)
	case key.Matches(msg, k.Sort):
		o.sortBy = (o.sortBy + 1) % len(store.ChaseSorts)
	case key.Matches(msg, k.Search):
		o.searching = true
		return o.search.Focus()
	case key.Matches(msg, k.Refresh):
		return o.load()
	case key.Matches(msg, k.Remind):
		return o.askRemind()
	case key.Matches(msg, k.Export):
		// The list as it is shown: filtered, searched and sorted.
		shown := append([]store.Chase(nil), o.visible...)
		return o.c.saveWorkbook(o.c.t.T("file.outstanding"), func(words export.Words) []export.Table {
			return []export.Table{export.OutstandingOf(words, shown)}
		})
	case key.Matches(msg, o.c.keys.Form.Up):
		o.offset = max(0, o.offset-1)
		return nil
	case key.Matches(msg, o.c.keys.Form.Down):
		o.offset = min(max(0, len(o.visible)-1), o.offset+1)
		return nil
	case key.Matches(msg, k.PageDown):
		o.offset = min(max(0, len(o.visible)-1), o.offset+10)
		return nil
	case key.Matches(msg, k.PageUp):
		o.offset = max(0, o.offset-10)
		return nil
	default:
		return nil
	}
	o.refilter()
	return nil
}

// cycle returns the value after cur in all, going "" (all) first and
// after the last.
func cycle(all []string, cur string) string {
	for i, v := range all {
		if v == cur {
			if i+1 < len(all) {
				return all[i+1]
			}
			return ""
		}
	}
	if len(all) > 0 {
		return all[0]
	}
	return ""
}

func (o *overviewScreen) municipalities() []string { return store.CoverageMunicipalities(o.lines) }

// coverageShown is the coverage the screen has rows for: the chosen
// municipality's line and its bodies'; else every line where they fit,
// and where they do not and there are several municipalities, each
// municipality's own line (its bodies are m away), so a county's forty
// are not cut after the second's bodies.
func (o *overviewScreen) coverageShown(rows int) []store.Coverage {
	if o.mun != "" {
		var out []store.Coverage
		for _, l := range o.lines {
			if l.Municipality == o.mun {
				out = append(out, l)
			}
		}
		return out
	}
	if len(o.lines) <= rows || len(o.municipalities()) < 2 {
		return o.lines
	}
	var out []store.Coverage
	for _, l := range o.lines {
		if l.Body == "" {
			out = append(out, l)
		}
	}
	return out
}

// summary is the headline: the whole count, or the municipality chosen
// with m, as the table under it shows.
func (o *overviewScreen) summary() string {
	t, tot := o.c.t, o.total
	if o.mun != "" {
		for _, l := range o.lines {
			if l.Municipality == o.mun && l.Body == "" {
				return t.T("overview.total.of", scan.Clean(o.mun), l.Collected(), l.Total(), store.Percent(l.Collected(), l.Total()))
			}
		}
	}
	return t.T("overview.total", tot.Collected(), tot.Total(), store.Percent(tot.Collected(), tot.Total()))
}

func (o *overviewScreen) bodies() []string {
	return store.CoverageBodies(o.lines, o.mun, o.c.t.Compare)
}

// refilter applies the filters and the name search to the chase list in
// the order chosen, which was made with the list: no sorting here, at
// every key of a search.
//
// A search typed further (what was typed before, folded, begins what is
// typed now) can only take rows away: it matches what is shown, not the
// whole list.
func (o *overviewScreen) refilter() {
	f := store.ChaseFilter{Municipality: o.mun, Body: o.body, Query: o.search.Value()}
	if len(o.orders) != len(store.ChaseSorts) || (len(o.chase) > 0 && len(o.orders[0]) != len(o.chase)) {
		o.orders = chaseOrders(o.chase, o.c.t.Lang) // a list set without its orders
	}
	match := f.Matcher()
	now := shownAs{list: o.chase, mun: o.mun, body: o.body, sortBy: o.sortBy, query: store.Fold(f.Query)}
	if now.narrows(o.shown) {
		kept := o.visible[:0]
		for _, c := range o.visible {
			if match(c) {
				kept = append(kept, c)
			}
		}
		o.visible = kept
	} else {
		o.visible = o.visible[:0]
		for _, at := range o.orders[o.sortBy] {
			if c := o.chase[at]; match(c) {
				o.visible = append(o.visible, c)
			}
		}
	}
	o.shown = now
	o.offset = min(o.offset, max(0, len(o.visible)-1))
}

// shownAs is what the shown chase list was made of: the list, the
// filters, the order and the search folded.
type shownAs struct {
	list      []store.Chase
	mun, body string
	sortBy    int
	query     string
}

// narrows says whether what is shown under was holds every row now
// would show, in now's order: the same list, filters and order, and a
// search that only grew.
func (now shownAs) narrows(was shownAs) bool {
	same := len(now.list) == len(was.list) && len(now.list) > 0 && &now.list[0] == &was.list[0]
	return same && now.mun == was.mun && now.body == was.body && now.sortBy == was.sortBy && strings.HasPrefix(now.query, was.query)
}

// chaseOrders is list's order under each of store.ChaseSorts, with sort
// keys in lang's order, each name's made once for the three.
func chaseOrders(list []store.Chase, lang i18n.Lang) [][]int {
	key := i18n.NewKeys(lang).Key
	out := make([][]int, len(store.ChaseSorts))
	for i, by := range store.ChaseSorts {
		out[i] = store.OrderChase(list, by, key)
	}
	return out
}

func (o *overviewScreen) shortHelp() []key.Binding {
	k := o.c.keys
	if o.searching {
		return []key.Binding{k.Form.Confirm, k.Form.Cancel}
	}
	return []key.Binding{k.Overview.Municipality, k.Overview.Body, k.Overview.Sort, k.Overview.Search, k.Form.Up, k.Form.Down, k.Global.NextScreen}
}

func (o *overviewScreen) fullHelp() [][]key.Binding {
	k := o.c.keys
	return [][]key.Binding{
		{k.Overview.Municipality, k.Overview.Body, k.Overview.Sort, k.Overview.Search},
		{k.Form.Up, k.Form.Down, k.Overview.PageUp, k.Overview.PageDown},
		{k.Overview.Refresh, k.Overview.Export, k.Overview.Remind, k.Global.NextScreen, k.Global.PrevScreen},
	}
}

const barWidth = 10

// bar draws a fraction as filled and empty cells.
func bar(done, total int) string {
	n := 0
	if total > 0 {
		n = done * barWidth / total
	}
	return strings.Repeat("█", n) + strings.Repeat("░", barWidth-n)
}

func (o *overviewScreen) view(w, h int) string {
	st, t := o.c.styles, o.c.t
	if !o.loaded {
		return st.Card.Muted.Render(" " + t.T("overview.loading"))
	}
	var out []string
	title := st.Box.Title.Render(" " + t.T("overview.coverage"))
	out = append(out, spread(title, st.Card.Name.Render(o.summary())+" ", w))

	// name | bar | % | expected received upgrading upgraded logged-in failed employee
	nameW := max(12, w-barWidth-5-7*6-3)
	cols := store.OverviewColumns
	head := " " + pad(t.T("overview.col.name"), nameW) + " " + pad("", barWidth) + "     "
	for _, s := range cols {
		head += padLeft(ansi.Truncate(t.T("overview.col."+string(s)), 5, ""), 6)
	}
	out = append(out, st.Card.Label.Render(head))
	if len(o.lines) == 0 {
		// A roster without tablets (equipment issued by role, as the
		// Swedish guideline has it) gives this screen nothing to count:
		// say so, and where that work is followed.
		out = append(out, st.Form.Hint.Width(w).PaddingLeft(1).Render(t.T("overview.notablets")))
	}
	covRows := max(1, h/2-2)
	lines := o.coverageShown(covRows)
	covRows = min(len(lines), covRows)
	for i, l := range lines {
		if i >= covRows {
			more := t.T("overview.more", len(lines)-covRows)
			if len(lines)-covRows == 1 {
				more = t.T("overview.more.one")
			}
			out = append(out, st.Card.Muted.Render(" "+more))
			break
		}
		name := scan.Clean(l.Municipality)
		style := st.Card.Name
		if l.Body != "" {
			name, style = "  "+scan.Clean(l.Body), st.Card.Value
		}
		if name == "" {
			name = t.T("overview.nomunicipality")
		}
		line := " " + style.Render(pad(name, nameW)) + " " + st.Card.Account.Render(bar(l.Collected(), l.Total())) +
			st.Card.Value.Render(padLeft(fmt.Sprintf("%d%%", store.Percent(l.Collected(), l.Total())), 5))
		for _, s := range cols {
			line += st.Card.Value.Render(padLeft(fmt.Sprint(l.Column(s)), 6))
		}
		out = append(out, line)
	}

	out = append(out, "")
	filters := t.T("overview.filter", orAll(t, o.mun), orAll(t, o.body), t.T("overview.sort."+store.ChaseSorts[o.sortBy]))
	search := ""
	if o.searching || o.search.Value() != "" {
		search = " · " + t.T("overview.search") + " " + o.search.View()
	}
	if o.confirmRemind {
		send, call, recent := remind.Tally(o.remindPlan, false)
		// The question wraps: its end says which key sends and which cancels.
		for _, l := range strings.Split(st.Card.AccountWarn.Width(max(10, w-2)).Render(t.T("remind.confirm", send, call, recent)), "\n") {
			out = append(out, " "+l)
		}
	} else {
		out = append(out, st.Box.Title.Render(" "+t.T("overview.chase", len(o.visible)))+st.Card.Muted.Render("  "+filters)+search)
	}
	rows := h - len(out)
	if len(o.visible) == 0 {
		none := "overview.nochase"
		if o.mun == "" && o.body == "" && strings.TrimSpace(o.search.Value()) == "" {
			none = "overview.nochase.any" // no filter to blame
		}
		out = append(out, st.Card.Muted.Render(" "+t.T(none)))
	}
	nameCol, bodyCol, phoneCol := 22, 26, 14 // "+47 920 79 212"
	narrow := w < 100
	if narrow {
		// No room for everything: the bodies without roles and the phone,
		// whole; the e-mail is on the card, in the exports and online.
		nameCol, phoneCol = 22, 14
		bodyCol = max(10, w-nameCol-phoneCol-12)
	}
	// Where the list spans municipalities, each official's: from 120
	// columns, and from 100 when sorted by municipality (the e-mail at
	// the end then gives way), so the order is seen.
	munCol := 0
	if o.mun == "" && (w >= 120 || !narrow && store.ChaseSorts[o.sortBy] == "municipality") {
		munCol = 14
	}
	for i := o.offset; i < len(o.visible) && i < o.offset+rows; i++ {
		c := o.visible[i]
		bodies := c.Bodies()
		if narrow {
			bodies = bodyNames(c)
		}
		line := " " + st.Card.Name.Render(pad(scan.Clean(c.Name), nameCol)) + " "
		if munCol > 0 {
			line += st.Card.Muted.Render(pad(scan.Clean(c.Municipality), munCol)) + " "
		}
		line += st.Card.Value.Render(pad(scan.Clean(bodies), bodyCol)) + " " +
			st.Card.Value.Render(pad(scan.Clean(store.PhoneText(c.Phone)), phoneCol)) + " "
		switch r := t.Reminded(c.Reminded, c.RemindedAt); {
		case r != "" && narrow:
			line += st.Card.Account.Render("✉ " + t.DayMonth(c.RemindedAt))
		case r != "":
			line += st.Card.Account.Render(r) // what was sent says more than the address on file
		case !narrow:
			line += st.Card.Muted.Render(scan.Clean(c.Email))
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// bodyNames is an official's bodies without their roles, for a narrow list.
func bodyNames(c store.Chase) string {
	seen := map[string]bool{}
	var out []string
	for _, s := range c.Seats {
		if !seen[s.Body] {
			seen[s.Body] = true
			out = append(out, s.Body)
		}
	}
	return strings.Join(out, ", ")
}

func orAll(t interface{ T(string, ...any) string }, v string) string {
	if v == "" {
		return t.T("overview.all")
	}
	return scan.Clean(v)
}

// pad cuts or fills s to exactly w cells.
func pad(s string, w int) string {
	s = ansi.Truncate(s, w, "…")
	return s + strings.Repeat(" ", max(0, w-lipgloss.Width(s)))
}

func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(0, w-lipgloss.Width(s))) + s
}

func (o *overviewScreen) open() tea.Cmd { return o.load() }
