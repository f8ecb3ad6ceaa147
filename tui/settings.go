package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"dropin/receipt"
	"dropin/scan"
	"dropin/store"
)

// settingsScreen sets where this desk prints receipts and where it syncs.
// A flag or the environment wins over what is saved here, and the screen
// says so.
type settingsScreen struct {
	c         *common
	field     int // 0 printer, 1 paper, 2 central, 3 token
	printer   textinput.Model
	paper     receipt.Paper
	central   textinput.Model
	token     textinput.Model
	fixed     bool // the printer came from a flag or the environment
	syncFixed bool // so did the sync service
	target    *SyncTarget

	// The queues CUPS knows, asked each time the screen opens: offered
	// as the printer's name, and a name it does not know is warned of.
	queues   *queuesMsg
	lpstat   string // the lpstat command; "" for lpstat
	queueSeq int
}

type queuesMsg struct {
	seq   int
	names []string
	def   string
	err   error
}

// queuesListed is how many queue names the hint spells out.
const queuesListed = 4

const settingsFields = 4

type settingsSavedMsg struct {
	printer        string
	paper          receipt.Paper
	central, token string
	err            error
}

func newSettingsScreen(c *common) settingsScreen {
	field := func(ph string, width int) textinput.Model {
		in := textinput.New()
		in.Prompt = "› "
		in.CharLimit = 300
		in.Placeholder = c.t.T(ph)
		in.SetWidth(width)
		in.SetStyles(c.styles.Input)
		return in
	}
	s := settingsScreen{c: c, paper: receipt.A4,
		printer: field("settings.printer.ph", 40), central: field("settings.central.ph", 50), token: field("settings.token.ph", 50)}
	s.token.EchoMode = textinput.EchoPassword
	// → completes a queue's name, as a shell completes a word; ↑ and ↓
	// move between the fields.
	s.printer.ShowSuggestions = true
	s.printer.KeyMap.AcceptSuggestion = key.NewBinding(key.WithDisabled()) // → below, in CUPS's spelling
	s.printer.KeyMap.NextSuggestion = key.NewBinding(key.WithKeys("ctrl+n"))
	s.printer.KeyMap.PrevSuggestion = key.NewBinding(key.WithKeys("ctrl+p"))
	if c.receipts != nil {
		s.printer.SetValue(c.receipts.Printer.Name)
		s.paper = c.receipts.Printer.Paper
	}
	return s
}

func (s *settingsScreen) inputs() []*textinput.Model {
	return []*textinput.Model{&s.printer, nil, &s.central, &s.token}
}

func (s *settingsScreen) restyle() {
	for _, in := range s.inputs() {
		if in != nil {
			in.SetStyles(s.c.styles.Input)
		}
	}
}

func (s *settingsScreen) typing() bool { return s.field != 1 }

func (s *settingsScreen) focus() tea.Cmd {
	for i, in := range s.inputs() {
		if in != nil && i != s.field {
			in.Blur()
		}
	}
	if in := s.inputs()[s.field]; in != nil {
		return in.Focus()
	}
	return nil
}

func (s *settingsScreen) open() tea.Cmd { return tea.Batch(s.focus(), s.askQueues()) }

// askQueues asks CUPS for its queues in a command: lpstat waits on the
// print server, which may be slow or gone.
func (s *settingsScreen) askQueues() tea.Cmd {
	s.queueSeq++
	seq, lpstat := s.queueSeq, s.lpstat
	return func() tea.Msg {
		names, def, err := receipt.Queues(context.Background(), lpstat)
		return queuesMsg{seq: seq, names: names, def: def, err: err}
	}
}

// knownQueue is the queue CUPS knows by name (CUPS's names are not case
// sensitive), and whether it knows it; a name it was not asked about is
// taken as known.
func (s *settingsScreen) knownQueue(name string) (string, bool) {
	if name == "" || s.queues == nil || s.queues.err != nil {
		return name, true
	}
	for _, q := range s.queues.names {
		if strings.EqualFold(q, name) {
			return q, true
		}
	}
	return name, false
}

// completion is what → puts in the printer's field: the queue whose
// name begins with what is typed, or for an empty field the default.
func (s *settingsScreen) completion() string {
	switch {
	case s.queues == nil || len(s.queues.names) == 0:
		return ""
	case s.printer.Value() != "":
		return s.printer.CurrentSuggestion()
	case s.queues.def != "":
		return s.queues.def
	}
	return s.queues.names[0]
}

// queueList is the queues for a hint: the default marked, at most
// queuesListed of them, then how many more.
func (s *settingsScreen) queueList() string {
	t := s.c.t
	var out []string
	for i, q := range s.queues.names {
		if i == queuesListed {
			out = append(out, t.T("settings.queues.more", len(s.queues.names)-queuesListed))
			break
		}
		q = scan.Clean(q)
		if s.queues.names[i] == s.queues.def {
			q = t.T("settings.queues.default", q)
		}
		out = append(out, q)
	}
	return strings.Join(out, ", ")
}

// printerHint says what a name can be: the queues CUPS knows here, or
// that CUPS does not answer.
func (s *settingsScreen) printerHint() string {
	t := s.c.t
	switch {
	case s.queues == nil:
		return t.T("settings.printer.hint")
	case s.queues.err != nil:
		return t.T("settings.printer.nocups")
	case len(s.queues.names) == 0:
		return t.T("settings.printer.noqueues")
	}
	return t.T("settings.printer.queues", s.queueList())
}

func (s *settingsScreen) update(msg tea.Msg) tea.Cmd {
	t := s.c.t
	switch msg := msg.(type) {
	case queuesMsg:
		if msg.seq == s.queueSeq {
			s.queues = &msg
			s.printer.SetSuggestions(msg.names)
		}
		return nil
	case settingsSavedMsg:
		if msg.err != nil {
			return flashCmd(flashError, storeError(t, msg.err))
		}
		if s.c.receipts != nil && !s.fixed {
			s.c.receipts.Printer.Name, s.c.receipts.Printer.Paper = msg.printer, msg.paper
		}
		if strings.EqualFold(strings.TrimSpace(s.printer.Value()), msg.printer) {
			s.printer.SetValue(msg.printer) // as saved: in CUPS's spelling
		}
		if s.target != nil && !s.syncFixed {
			s.target.Set(msg.central, msg.token)
		}
		printer := msg.printer
		if printer == "" {
			printer = t.T("settings.none")
		}
		if _, ok := s.knownQueue(msg.printer); !ok {
			// Saved as typed: the queue may be made later. But a typo
			// found now is not found by an official waiting for a receipt.
			if len(s.queues.names) == 0 {
				return flashCmd(flashError, t.T("settings.saved.noqueues", scan.Clean(printer)))
			}
			return flashCmd(flashError, t.T("settings.saved.unknown", scan.Clean(printer), s.queueList()))
		}
		saved := t.T("settings.saved", scan.Clean(printer), t.T("settings.paper."+string(msg.paper)))
		if !s.syncFixed && msg.central == "" && msg.token != "" {
			saved += " " + t.T("settings.alone") // the token waits for an address
		}
		return flashCmd(flashOK, saved)
	case tea.KeyPressMsg:
		k := s.c.keys.Form
		switch {
		case key.Matches(msg, k.Confirm):
			return s.save()
		case key.Matches(msg, k.Up):
			s.field = (s.field + settingsFields - 1) % settingsFields
			return s.focus()
		case key.Matches(msg, k.Down):
			s.field = (s.field + 1) % settingsFields
			return s.focus()
		case s.field == 0 && msg.String() == "right" && s.printer.Position() == len([]rune(s.printer.Value())) && s.completion() != "":
			// → at the end of the field completes the queue's name as
			// CUPS spells it; in the empty field, the queue CUPS prints
			// to by default, else the first it knows.
			s.printer.SetValue(s.completion())
			s.printer.CursorEnd()
			return nil
		case s.field == 1 && (msg.String() == "space" || msg.String() == "left" || msg.String() == "right"):
			if s.paper == receipt.A4 {
				s.paper = receipt.Slip
			} else {
				s.paper = receipt.A4
			}
			return nil
		}
	}
	if in := s.inputs()[s.field]; in != nil {
		var cmd tea.Cmd
		*in, cmd = in.Update(msg)
		return cmd
	}
	return nil
}

func (s *settingsScreen) save() tea.Cmd {
	clean := func(in textinput.Model) string { return strings.TrimSpace(scan.Clean(in.Value())) }
	printer, _ := s.knownQueue(clean(s.printer)) // spelt as CUPS spells it
	msg := settingsSavedMsg{printer: printer, paper: s.paper, central: clean(s.central), token: clean(s.token)}
	if msg.central != "" {
		if err := store.CheckCentral(msg.central); err != nil {
			// Nothing is saved: a typo here would read later as the
			// network being down.
			s.field = 2
			return tea.Batch(s.focus(), flashCmd(flashError, SyncErrorText(s.c.t, err)))
		}
	}
	if !s.syncFixed && msg.central != "" && msg.token == "" {
		// An address alone syncs nothing, and nothing would say so: the
		// desk would go on working alone.
		s.field = 3
		return tea.Batch(s.focus(), flashCmd(flashError, s.c.t.T("settings.needtoken")))
	}
	st := s.c.store
	return func() tea.Msg {
		msg.err = st.SetSettings(context.Background(), map[string]string{
			store.SettingPrinter: msg.printer, store.SettingPaper: string(msg.paper), store.SettingCentral: msg.central, store.SettingToken: msg.token})
		return msg
	}
}

func (s *settingsScreen) shortHelp() []key.Binding {
	k := s.c.keys
	save := k.Form.Confirm
	save.SetHelp("enter", s.c.t.T("settings.key.save"))
	move := k.Form.Down
	move.SetHelp("↑/↓", s.c.t.T("settings.key.field"))
	return []key.Binding{save, move, k.Global.NextScreen}
}

func (s *settingsScreen) fullHelp() [][]key.Binding { return [][]key.Binding{s.shortHelp()} }

func (s *settingsScreen) view(w, h int) string {
	st, t := s.c.styles, s.c.t
	label := func(i int, text string) string {
		if i == s.field {
			return " " + st.Form.Selected.Render("› "+text)
		}
		return " " + st.Form.Label.Render("  "+text)
	}
	hint := func(text string) string { return st.Form.Hint.Width(w).PaddingLeft(3).Render(text) }
	lines := []string{" " + st.Box.Title.Render(t.T("settings.title")), "",
		label(0, t.T("settings.printer")), "   " + s.printer.View(), hint(s.printerHint()),
		label(1, t.T("settings.paper"))}
	for _, p := range []receipt.Paper{receipt.A4, receipt.Slip} {
		mark := "( ) "
		if p == s.paper {
			mark = "(•) "
		}
		lines = append(lines, "   "+st.Form.Item.Render(mark+t.T("settings.paper."+string(p))))
	}
	lines = append(lines, label(2, t.T("settings.central")), "   "+s.central.View(),
		label(3, t.T("settings.token")), "   "+s.token.View(), hint(t.T("settings.central.hint")))
	// The token is made for a station by name, and this database is one.
	station := scan.Clean(s.c.station)
	lines = append(lines, hint(t.T("settings.station", station)),
		hint("  dropin serve station add "+shellWord(station)))
	if s.fixed {
		lines = append(lines, st.Flash.Info.Width(w).PaddingLeft(1).Render(t.T("settings.fixed")))
	}
	if s.syncFixed {
		lines = append(lines, st.Flash.Info.Width(w).PaddingLeft(1).Render(t.T("settings.syncfixed")))
	}
	if s.c.receipts != nil {
		lines = append(lines, st.Card.Muted.Width(w).PaddingLeft(1).Render(t.T("settings.where", s.c.receipts.Dir)))
	}
	return strings.Join(lines, "\n")
}

// shellWord is s as one word on a shell's command line: as it is when it
// is plain, else in single quotes.
func shellWord(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}
