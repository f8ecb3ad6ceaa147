package tui

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/receipt/station"
	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// Config is what the desk needs to start.
type Config struct {
	Store    *store.Store
	Station  string
	Staff    string // empty: the desk asks first
	Lang     i18n.Lang
	ScanGap  time.Duration     // largest gap between a scanner's keys; 0 for the default
	Now      func() time.Time  // nil for time.Now
	Log      *slog.Logger      // nil to discard
	Receipts *station.Receipts // nil: no receipts (tests of other things)
	// PrinterFixed: the printer was given by flag or environment, which
	// wins over the desk's settings.
	PrinterFixed bool
	// Sync is where SyncLoop syncs; nil or empty: the desk works alone.
	Sync *SyncTarget
	// SyncFixed: the target was given by flag or environment.
	SyncFixed bool
	// Exports is the folder the desk's Excel exports go to; empty: the
	// current folder.
	Exports string
	// Remind is how reminders are sent from the chase list; nil: no mail
	// server is set, and the key says so.
	Remind *Reminding
	// RosterFolders are where the import screen lists the newest rosters,
	// workbooks and CSV files (RosterFolders gives the usual ones); none:
	// no list.
	RosterFolders []string
}

// common is what every screen shares: size, theme, keys, language, store.
type common struct {
	width, height int
	styles        Styles
	keys          KeyMap
	t             i18n.Catalog
	store         *store.Store
	station       string
	staff         string
	now           func() time.Time
	log           *slog.Logger
	receipts      *station.Receipts
	isDark        bool   // the terminal's background, for drawing QR codes the right way round
	exports       string // the folder exports go to
	remind        *Reminding
	visit         string // the walk-in visit this desk is handling; "" for none
	visitName     string // who it is for
	visitOfficial string // their official id; "" for someone not on the roster
}

func (c *common) actor() store.Actor { return store.Actor{Station: c.station, Staff: c.staff} }

// deskActor is who takes a step on a device at the desk: during a visit,
// the step is the visit's (linked to it, on its one receipt).
func (c *common) deskActor() store.Actor {
	a := c.actor()
	a.Visit = c.visit
	return a
}

type screen int

const (
	screenStaff     screen = iota // who is working?
	screenDesk                    // check-in and the ladder
	screenOverview                // coverage and who to chase
	screenBatch                   // batch intake
	screenImport                  // roster import
	screenSettings                // where receipts print
	screenEquipment               // entitlement, holders, requests
	screenVisits                  // the walk-in queue and visits
)

// page is what the root asks of a screen. Screens are plain structs the
// root owns; this is the one place that picks the active one.
type page interface {
	update(tea.Msg) tea.Cmd
	view(w, h int) string
	typing() bool // keys are text for a field, not commands
	shortHelp() []key.Binding
	fullHelp() [][]key.Binding
	restyle()
	open() tea.Cmd // the screen is shown: load or focus what it needs
}

func (m *Model) page() page {
	switch m.screen {
	case screenStaff:
		return &m.staff
	case screenOverview:
		return &m.overview
	case screenBatch:
		return &m.batch
	case screenImport:
		return &m.importer
	case screenSettings:
		return &m.settings
	case screenEquipment:
		return &m.equipment
	case screenVisits:
		return &m.visits
	}
	return &m.desk
}

// pages is every screen, for what concerns them all.
func (m *Model) pages() []page {
	return []page{&m.staff, &m.desk, &m.visits, &m.overview, &m.equipment, &m.batch, &m.importer, &m.settings}
}

// tabs are the screens tab cycles through, in order, with their titles.
var tabs = []struct {
	screen screen
	title  string
}{{screenDesk, "title.desk"}, {screenOverview, "title.overview"}, {screenBatch, "title.batch"}, {screenImport, "title.import"}, {screenEquipment, "title.equipment"}, {screenSettings, "title.settings"}, {screenVisits, "title.visits"}}

// Model is the root model: it owns the layout, the scanner detector, the
// flash line, the status bar and help, and routes to the active screen.
type Model struct {
	c         *common
	detector  *scan.Detector
	screen    screen
	staff     staffScreen
	desk      deskScreen
	overview  overviewScreen
	batch     batchScreen
	equipment equipmentScreen
	visits    visitsScreen
	importer  importScreen
	settings  settingsScreen
	help      help.Model
	fullHelp  bool
	flash     flash
	counts    store.Counts

	refreshing bool // a refresh of the numbers is under way
	stale      bool // and something changed since it started

	sync syncState

	damaged string // the database failed its check: said on every frame

	// frame is the last View, drawn again while no message reached a
	// screen: Bubble Tea asks for a View after every message, and each
	// key of a scanner's burst (held by the detector) and each flush
	// timer the burst outran is one. Drawing them all again kept the
	// loop busy enough that a scan's Enter queued behind them.
	frame      tea.View
	frameValid bool
}

// DamagedMsg tells the desk that the check of its database found damage;
// nothing will be saved, and the status bar says so until the desk closes.
type DamagedMsg struct{ Err error }

// flash is the one-line message under the screen: what was just saved, or
// what went wrong.
type flash struct {
	kind flashKind
	text string
}

type flashKind int

const (
	flashNone flashKind = iota
	flashOK
	flashInfo
	flashError
)

// New builds the desk.
func New(cfg Config) *Model {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	t := i18n.New(cfg.Lang)
	c := &common{
		styles: NewStyles(true), keys: NewKeyMap(t), t: t, store: cfg.Store,
		station: cfg.Station, staff: cfg.Staff, now: cfg.Now, log: cfg.Log, receipts: cfg.Receipts, exports: cfg.Exports, remind: cfg.Remind,
		width: 80, height: 24, isDark: true,
	}
	if cfg.Receipts != nil {
		// The receipt a step promises is made in the step's transaction.
		cfg.Store.SetReceipter(cfg.Receipts)
	}
	m := &Model{c: c, detector: scan.NewDetector(cfg.ScanGap), help: help.New()}
	m.help.Styles = c.styles.Help
	m.staff = newStaffScreen(c)
	m.desk = newDeskScreen(c)
	m.overview = newOverviewScreen(c)
	m.equipment = newEquipmentScreen(c)
	m.visits = newVisitsScreen(c)
	m.batch = newBatchScreen(c)
	m.importer = newImportScreen(c)
	m.importer.folders = cfg.RosterFolders
	m.settings = newSettingsScreen(c)
	m.settings.fixed = cfg.PrinterFixed
	m.sync.on = cfg.Sync.On()
	m.settings.target, m.settings.syncFixed = cfg.Sync, cfg.SyncFixed
	if cfg.Sync != nil {
		u, k := cfg.Sync.Get()
		m.settings.central.SetValue(u)
		m.settings.token.SetValue(k)
	}
	if cfg.Staff == "" {
		m.screen = screenStaff
	} else {
		m.screen = screenDesk
	}
	return m
}

// Init asks the terminal for its background and loads the desk's numbers.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.refresh(), m.fileMissingReceipts(), m.visits.loadQueue()}
	if m.screen == screenStaff {
		cmds = append(cmds, m.staff.focus())
	} else {
		cmds = append(cmds, m.desk.focusInput())
	}
	return tea.Batch(cmds...)
}

// receiptsFiledMsg: the receipts whose files were missing at start (the
// desk stopped between a step and its files) are written.
type receiptsFiledMsg struct {
	n   int
	err error
}

// fileMissingReceipts writes, in the background, the files of this
// station's receipts that have none.
func (m *Model) fileMissingReceipts() tea.Cmd {
	rs, st, t, station := m.c.receipts, m.c.store, m.c.t, m.c.station
	if rs == nil {
		return nil
	}
	return func() tea.Msg {
		n, err := rs.RenderMissing(context.Background(), st, t, station)
		return receiptsFiledMsg{n: n, err: err}
	}
}

func (m *Model) receiptsFiled(msg receiptsFiledMsg) tea.Cmd {
	if msg.err != nil {
		m.c.log.Error("render missing receipts", "err", msg.err)
		return flashCmd(flashError, m.c.t.T("receipt.filesfailed", errText(msg.err)))
	}
	if msg.n > 0 {
		m.c.log.Info("rendered missing receipts", "n", msg.n)
	}
	return nil
}

// activityMsg carries the recent activity and today's counts.
type activityMsg struct {
	recent []store.Activity
	counts store.Counts
	err    error
}

// refreshTickMsg re-reads the numbers now and then, so the day rolls over
// and another session's work shows.
type refreshTickMsg struct{}

// refresh re-reads the status bar's numbers and the recent activity. A
// burst of changes (a batch at scanner speed) costs one refresh at a
// time, and one more at the end.
func (m *Model) refresh() tea.Cmd {
	if m.refreshing {
		m.stale = true
		return nil
	}
	m.refreshing = true
	st, station, now := m.c.store, m.c.station, m.c.now()
	return func() tea.Msg {
		ctx := context.Background()
		recent, err := st.Recent(ctx, station, 50)
		if err != nil {
			return activityMsg{err: err}
		}
		counts, err := st.Today(ctx, station, now)
		return activityMsg{recent: recent, counts: counts, err: err}
	}
}

// Update routes every message: first through the scanner detector, so a
// scanned serial never reaches a hotkey, then to the active screen.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	msgs, cmd := m.detector.Intercept(msg, m.c.now())
	cmds := []tea.Cmd{cmd}
	for _, msg := range msgs {
		cmds = append(cmds, m.handle(msg))
	}
	return m, tea.Batch(cmds...)
}

func (m *Model) handle(msg tea.Msg) tea.Cmd {
	m.frameValid = false // it may change what is shown
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.c.width, m.c.height = msg.Width, msg.Height
		m.help.SetWidth(msg.Width)
		m.desk.resize()
		return nil
	case tea.BackgroundColorMsg:
		m.c.styles, m.c.isDark = NewStyles(msg.IsDark()), msg.IsDark()
		m.help.Styles = m.c.styles.Help
		for _, p := range m.pages() {
			p.restyle()
		}
		return nil
	case activityMsg:
		m.refreshing = false
		var again tea.Cmd
		if m.stale {
			m.stale = false
			again = m.refresh()
		}
		if msg.err != nil {
			m.c.log.Error("refresh activity", "err", msg.err)
			return again
		}
		m.counts = msg.counts
		m.desk.showRecent(msg.recent)
		return again
	case refreshTickMsg:
		return tea.Batch(m.refresh(), tea.Tick(30*time.Second, func(time.Time) tea.Msg { return refreshTickMsg{} }))
	case flashMsg:
		m.flash = flash(msg)
		return nil
	case DamagedMsg:
		m.damaged = m.c.t.T("bar.damaged")
		m.c.log.Error("database damaged", "err", msg.Err)
		return flashCmd(flashError, m.c.t.T("error.damaged", errText(msg.Err)))
	case staffChosenMsg:
		m.c.staff = msg.staff
		m.screen = screenDesk
		return tea.Batch(m.desk.focusInput(), m.refresh(),
			tea.Tick(30*time.Second, func(time.Time) tea.Msg { return refreshTickMsg{} }))
	case changedMsg:
		// Something was written: the numbers moved. The overview is read
		// again when it is on screen (and when it is opened).
		switch m.screen {
		case screenOverview:
			return tea.Batch(m.refresh(), m.overview.load())
		case screenEquipment:
			return tea.Batch(m.refresh(), m.equipment.load())
		}
		// The walk-in desk's queue and open visits are read again on every
		// change, shown or not: the queue is on the status bar, and a visit
		// taken elsewhere must stop taking this desk's devices. The rest
		// (report, follow-ups) when the screen shows.
		if m.screen == screenVisits {
			return tea.Batch(m.refresh(), m.visits.load())
		}
		return tea.Batch(m.refresh(), m.visits.loadQueue())
	case visitsMsg, visitSavedMsg, visitSearchedMsg, visitCardMsg:
		return m.visits.update(msg)
	case visitReceiptMsg:
		m.screen = screenDesk
		return m.desk.visitReceipt(msg)
	case exportMsg:
		return m.c.exported(msg)
	case remindPlanMsg, remindDoneMsg:
		return m.overview.update(msg)
	case overviewMsg:
		return m.overview.update(msg)
	case equipmentMsg, equipSavedMsg:
		return m.equipment.update(msg)
	case importedMsg:
		return m.importer.update(msg)
	case checkedInMsg, savedMsg, searchedMsg, receiptMsg, cardMsg, tokenMsg, entitledMsg, signedMsg, othersMsg:
		// The desk's answers reach the desk, shown or not: a tab pressed
		// before the store answered must not leave a card saving forever.
		return m.desk.update(msg)
	case receiptsFiledMsg:
		return m.receiptsFiled(msg)
	case syncedMsg:
		return m.synced(msg)
	case settingsSavedMsg:
		var was [2]string
		if m.settings.target != nil {
			was[0], was[1] = m.settings.target.Get()
		}
		cmd := m.settings.update(msg)
		if t := m.settings.target; t != nil {
			if url, token := t.Get(); [2]string{url, token} != was {
				// Another central store, or none: what the bar said of the
				// last one no longer holds. The loop syncs with it now.
				m.sync = syncState{on: t.On()}
			}
		}
		return cmd
	case batchesMsg, batchLoadedMsg, batchCountsMsg, readsSavedMsg, readUndoneMsg, bulkDoneMsg:
		return m.batch.update(msg)
	case scan.Msg:
		// A tablet scanned on another screen: the desk takes it, unless
		// a text field there has focus.
		switch {
		case m.screen == screenImport && !m.importer.typing() && LooksLikePath(msg.Code):
			// Another roster dropped on the screen after a read: the
			// import screen reads it, where the desk would refuse it.
			return m.importer.update(msg)
		case m.screen == screenOverview && !m.overview.typing(),
			m.screen == screenEquipment && !m.equipment.typing(),
			m.screen == screenImport && !m.importer.typing(),
			m.screen == screenSettings && !m.settings.typing(),
			m.screen == screenBatch && !m.batch.takesScans() && !m.batch.typing():
			m.screen = screenDesk
		case m.screen == screenVisits && !m.visits.typing():
			// A device scanned at the walk-in desk brings its official in
			// (a visit, or the queue); during a visit, it goes to the desk
			// to be stepped.
			if m.visits.mine() == nil {
				return m.visits.scanned(msg.Code)
			}
			m.screen = screenDesk
		case m.screen == screenVisits && m.visits.form.stage == stageWho,
			m.screen == screenOverview && m.overview.searching,
			m.screen == screenEquipment && (m.equipment.approving != nil || m.equipment.searching),
			m.screen == screenSettings:
			// A burst into a search or a name: a device's serial, or text
			// (a paste in a terminal without bracketed paste). Only the
			// store can tell "nordmann" the name from a serial.
			return m.lookUpBurst(msg.Code)
		case m.screen == screenVisits:
			// Into a visit's note, ticket or training: text, even a
			// serial scanned there on purpose, with its Enter.
			return m.typed(msg.Code, true)
		}
	case burstMsg:
		return m.burst(msg)
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, m.c.keys.Global.Quit):
			return tea.Quit
		case key.Matches(msg, m.c.keys.Global.Help) && !m.typing():
			m.fullHelp = !m.fullHelp
			return nil
		case m.screen != screenStaff && key.Matches(msg, m.c.keys.Global.NextScreen):
			return m.switchTo(1)
		case m.screen != screenStaff && key.Matches(msg, m.c.keys.Global.PrevScreen):
			return m.switchTo(-1)
		}
	}
	return m.page().update(msg)
}

// burstMsg is a burst into a search or a name field, with the device
// that has it as its serial (nil: none, so it is text).
type burstMsg struct {
	code   string
	screen screen
	serial string
	card   *store.Card
}

// lookUpBurst asks the store whether a burst is a device's serial.
func (m *Model) lookUpBurst(code string) tea.Cmd {
	msg, st := burstMsg{code: code, screen: m.screen}, m.c.store
	serial, err := scan.Parse(code)
	if err != nil {
		return func() tea.Msg { return msg }
	}
	return func() tea.Msg {
		if card, err := st.Card(context.Background(), serial); err == nil && card.Device.Known {
			msg.serial, msg.card = serial, &card
		}
		return msg
	}
}

// burst acts on a looked-up burst: a device goes where a scan goes from
// that field (the desk; at a visit's "who?", its official), and text is
// what was typed, with its Enter except at "who?", where an Enter would
// pick from what was found before the name.
func (m *Model) burst(msg burstMsg) tea.Cmd {
	// The field may have closed while the store was asked: the text is
	// then not typed as keys, which outside a field are commands.
	if msg.screen != m.screen || msg.card == nil && !m.typing() {
		return nil
	}
	if msg.screen == screenVisits {
		if f := m.visits.form; f == nil || f.stage != stageWho {
			return nil
		}
		if msg.card != nil {
			return m.visits.scannedCard(visitCardMsg{serial: msg.serial, card: *msg.card})
		}
		return m.typed(msg.code, false)
	}
	if msg.card != nil {
		m.screen = screenDesk
		return m.desk.update(scan.Msg{Code: msg.code})
	}
	return m.typed(msg.code, true)
}

// typed gives the active screen a burst as the keys that made it, and
// with enter its Enter: what a person typing it would have given.
func (m *Model) typed(code string, enter bool) tea.Cmd {
	var cmds []tea.Cmd
	for _, r := range code {
		cmds = append(cmds, m.page().update(tea.KeyPressMsg{Code: r, Text: string(r)}))
	}
	if enter {
		cmds = append(cmds, m.page().update(tea.KeyPressMsg{Code: tea.KeyEnter}))
	}
	return tea.Batch(cmds...)
}

// switchTo moves by step through the tabs and loads what the new screen
// shows. A confirmation on the flash line was about the screen left, and
// goes with it; an error stays until the next message.
func (m *Model) switchTo(step int) tea.Cmd {
	if m.flash.kind != flashError {
		m.flash = flash{}
	}
	i := 0
	for j, tb := range tabs {
		if tb.screen == m.screen {
			i = j
		}
	}
	m.screen = tabs[(i+step+len(tabs))%len(tabs)].screen
	return m.page().open()
}

// typing reports whether keys go into a text field, where "?" is a letter.
func (m *Model) typing() bool { return m.page().typing() }

// flashMsg sets the flash line; screens return it from commands and
// handlers alike.
type flashMsg flash

func flashCmd(kind flashKind, text string) tea.Cmd {
	return func() tea.Msg { return flashMsg{kind: kind, text: text} }
}

// View draws the whole screen: header, the active screen, flash line,
// status bar and help, fitted to the terminal.
func (m *Model) View() tea.View {
	if m.frameValid {
		return m.frame
	}
	m.frame, m.frameValid = m.draw(), true
	return m.frame
}

// draw lays the whole screen out.
func (m *Model) draw() tea.View {
	c := m.c
	w, h := c.width, c.height
	header := m.header()
	var helpView string
	if m.fullHelp {
		helpView = m.help.FullHelpView(m.fullHelpKeys())
	} else {
		helpView = m.help.ShortHelpView(m.shortHelpKeys())
	}
	// help adds an item past the width when not even its ellipsis fits.
	helpView = fit(helpView, w, lipgloss.Height(helpView))
	flash := m.flashLine()
	footer := []string{flash, m.statusBar()}
	bodyHeight := h - 1 - lipgloss.Height(flash) - 1 - lipgloss.Height(helpView)
	body := fit(m.page().view(w, bodyHeight), w, bodyHeight)
	v := tea.NewView(strings.Join([]string{header, body, footer[0], footer[1], helpView}, "\n"))
	v.AltScreen = true
	if _, signing := m.desk.dlg.(*signPad); m.screen == screenDesk && signing {
		// Drag events (button held) for the signature pad; the rest of the
		// time the mouse stays the terminal's, for copying text.
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "dropin · " + scan.Clean(c.station)
	return v
}

func (m *Model) header() string {
	c := m.c
	left := c.styles.Header.Title.Render("dropin")
	if m.screen == screenStaff {
		left += c.styles.Header.Station.Render(" · " + c.t.T("title.desk"))
	} else {
		for _, tb := range tabs {
			if tb.screen == m.screen {
				left += " " + c.styles.Header.Tab.Render(c.t.T(tb.title))
			} else {
				left += " " + c.styles.Header.Station.Render(" "+c.t.T(tb.title)+" ")
			}
		}
	}
	right := c.styles.Header.Station.Render(scan.Clean(c.station))
	if c.staff != "" {
		right = c.styles.Header.Station.Render(scan.Clean(c.station) + " · " + scan.Clean(c.staff))
	}
	gap := c.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(left, c.width, "…")
	}
	return left + strings.Repeat(" ", gap) + right
}

func (m *Model) flashLine() string {
	s := m.c.styles.Flash
	var st lipgloss.Style
	switch m.flash.kind {
	case flashOK:
		st = s.OK
	case flashError:
		st = s.Error
	case flashInfo:
		st = s.Info
	default:
		return ""
	}
	// Wrapped to two lines at most: a printer's complaint and the file it
	// saved instead must both be read.
	lines := strings.Split(lipgloss.NewStyle().Width(m.c.width).Render(m.flash.text), "\n")
	if len(lines) > 2 {
		lines[1] = ansi.Truncate(lines[1]+" "+strings.Join(lines[2:], " "), m.c.width, "…")
		lines = lines[:2]
	}
	for i, l := range lines {
		lines[i] = st.Render(strings.TrimRight(l, " "))
	}
	return strings.Join(lines, "\n")
}

// statusBar: station, staff and today's counts, always on screen.
func (m *Model) statusBar() string {
	c := m.c
	st := c.styles.StatusBar
	parts := []string{st.Key.Render(" " + scan.Clean(c.station))}
	if m.damaged != "" { // before anything else: nothing is being saved
		parts = append(parts, c.styles.Flash.Error.Render(m.damaged))
	}
	// Sync comes first after the station: it must show even when the
	// counts are cut at 80 columns.
	if text := m.syncText(); text != "" {
		style := st.Sync
		if m.sync.err != nil {
			style = st.Key
		}
		parts = append(parts, style.Render(text))
	}
	if c.staff != "" {
		parts = append(parts, st.Bar.Render(scan.Clean(c.staff)))
	}
	counts := []any{m.counts[store.KindReceived], m.counts[store.KindUpgraded],
		m.counts[store.KindFirstLogin], m.counts[store.KindHandedBack]}
	today := c.t.T("bar.today", counts...)
	if c.width < 100 {
		today = c.t.T("bar.today.short", counts...)
	}
	parts = append(parts, st.Bar.Render(today))
	if n := m.counts[store.KindFailed]; n > 0 {
		parts = append(parts, st.Bar.Render(c.t.T("bar.failed", n)))
	}
	if n := len(m.visits.queue); n > 0 {
		parts = append(parts, st.Bar.Render(c.t.T("bar.queue", n)))
	}
	line := strings.Join(parts, st.Bar.Render(" · "))
	line = ansi.Truncate(line, c.width, "…")
	if pad := c.width - lipgloss.Width(line); pad > 0 {
		line += st.Bar.Render(strings.Repeat(" ", pad))
	}
	return line
}

func (m *Model) shortHelpKeys() []key.Binding {
	if m.screen == screenStaff {
		return m.staff.shortHelp()
	}
	if m.typing() {
		// "?" is a letter in the field: the line offers only what works.
		return m.page().shortHelp()
	}
	return append(m.page().shortHelp(), m.c.keys.Global.Help)
}

func (m *Model) fullHelpKeys() [][]key.Binding {
	if m.screen == screenStaff {
		return m.staff.fullHelp()
	}
	g := m.c.keys.Global
	groups := m.page().fullHelp()
	// The screen's own groups may name a global key already: once is enough.
	seen := map[string]bool{}
	for _, grp := range groups {
		for _, k := range grp {
			seen[k.Help().Key] = true
		}
	}
	var global []key.Binding
	for _, k := range []key.Binding{g.NextScreen, g.PrevScreen, g.Help, g.Quit} {
		if !seen[k.Help().Key] {
			global = append(global, k)
		}
	}
	if m.c.width < 100 && len(groups) > 0 {
		// Narrow: the global keys go under the last group, not into a
		// column of their own that would not fit.
		last := append(append([]key.Binding(nil), groups[len(groups)-1]...), global...)
		return append(groups[:len(groups)-1:len(groups)-1], last)
	}
	return append(groups, global)
}

// fit makes s exactly h lines of at most w cells: long lines are cut with
// an ellipsis, missing lines are blank.
func fit(s string, w, h int) string {
	lines, _ := fitted(strings.Split(s, "\n"), w, h)
	return strings.Join(lines, "\n")
}

// breakAt lays s out in lines of at most w cells, breaking only at sep
// (whose mark stays at the end of the line it breaks): a row of counts
// ("24 of 40 in · 43 others · 1 unknown") wraps whole counts to the next
// line instead of losing the last ones to fit's ellipsis. A part wider
// than w alone is left for fit to cut.
func breakAt(s, sep string, w int) []string {
	parts := strings.Split(s, sep)
	tail := strings.TrimRight(sep, " ") // what ends a line broken after a part
	var lines []string
	line := parts[0]
	for i, p := range parts[1:] {
		need := ansi.StringWidth(line + sep + p)
		if i < len(parts)-2 {
			need += ansi.StringWidth(tail) // this line may end in it
		}
		if need > w {
			lines = append(lines, line+tail)
			line = p
			continue
		}
		line += sep + p
	}
	return append(lines, line)
}

// fitted is fit on lines, handing back each line's width as well: a
// line's width is measured grapheme by grapheme, and a frame that
// measured each line once to fit it need not measure it again to frame
// it.
func fitted(lines []string, w, h int) ([]string, []int) {
	if h <= 0 {
		return nil, nil
	}
	if len(lines) > h {
		lines = lines[:h]
	}
	widths := make([]int, h)
	for i, l := range lines {
		widths[i] = lipgloss.Width(l)
		if widths[i] > w {
			lines[i] = ansi.Truncate(l, w, "…")
			widths[i] = lipgloss.Width(lines[i])
		}
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return lines, widths
}

// boxed frames lines in a w×h rounded box drawn in edge, a cell of
// padding inside each side: exactly h lines of exactly w cells, the
// lines fitted (cut, or padded with blank lines) to the h-2 inside. It
// draws what lipgloss draws for a rounded border with Padding(0, 1),
// without measuring and wrapping every line again: the desk draws its
// boxes at every frame, and Bubble Tea draws a frame after every message.
func boxed(edge lipgloss.Style, lines []string, w, h int) []string {
	if h < 2 || w < 4 {
		return nil
	}
	on, off, _ := strings.Cut(edge.Render("x"), "x")
	side := on + "│" + off
	// A line may hold several (a hint wrapped to the width).
	inner, widths := fitted(strings.Split(strings.Join(lines, "\n"), "\n"), w-4, h-2)
	out := make([]string, 0, h)
	out = append(out, on+"╭"+strings.Repeat("─", w-2)+"╮"+off)
	for i, l := range inner {
		out = append(out, side+" "+l+strings.Repeat(" ", max(0, w-4-widths[i]))+" "+side)
	}
	return append(out, on+"╰"+strings.Repeat("─", w-2)+"╯"+off)
}
