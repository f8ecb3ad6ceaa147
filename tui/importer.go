package tui

import (
	"context"
	"errors"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// importScreen reads a roster from a file: first a dry run that shows
// what would change, then, on Enter, the import itself.
type importScreen struct {
	c       *common
	path    textinput.Model
	state   importState
	summary []string
	seq     int
	offset  int

	// The newest rosters in the folders a roster is saved to: ↑ and ↓
	// put one in the path field, so nobody types a path at the desk.
	folders []string
	files   []rosterFile
	pick    int    // the file picked, -1 for none
	typed   string // what was in the field before a file was picked
	listSeq int    // the listing asked for last; older answers are dropped

	// read: the field holds the path of the last file read, untouched
	// since. The next path pasted, dropped or typed takes its place, as a
	// file dialog's selected name would, rather than being added to it.
	read bool
}

// rosterFilesMsg is a listing of the folders; rescanMsg asks for the
// next one while the screen waits for a path, so a roster saved from
// Excel meanwhile appears without leaving the screen.
type (
	rosterFilesMsg struct {
		seq   int
		files []rosterFile
	}
	rescanMsg struct{ seq int }
)

// rosterRescan is how often the folders are listed again while the
// screen waits for a path: a listing is a few directory reads.
const rosterRescan = 3 * time.Second

type importState int

const (
	importAsk     importState = iota // typing the path
	importReading                    // the dry run is under way
	importReady                      // the dry run is shown; Enter imports
	importBad                        // the file has errors; fix it and read again
	importDone                       // imported
)

type importedMsg struct {
	seq    int
	dryRun bool
	ros    *store.Roster
	rep    *store.ImportReport
	err    error
}

func newImportScreen(c *common) importScreen {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 400
	in.Placeholder = c.t.T("import.placeholder")
	in.SetWidth(60)
	in.SetStyles(c.styles.Input)
	return importScreen{c: c, path: in, pick: -1}
}

// anew makes the screen ask for the next path, the last one's summary
// kept until that is read, and, with clear, an empty field. It returns
// the field's focus.
func (s *importScreen) anew(clear bool) tea.Cmd {
	var focus tea.Cmd
	if s.state != importAsk {
		s.state = importAsk
		focus = s.focus()
	}
	if clear {
		s.path.SetValue("")
	}
	s.pick, s.read = -1, false
	return focus
}

func (s *importScreen) restyle()     { s.path.SetStyles(s.c.styles.Input) }
func (s *importScreen) typing() bool { return s.state == importAsk }
func (s *importScreen) focus() tea.Cmd {
	if s.state == importAsk {
		return tea.Batch(s.path.Focus(), s.listFiles())
	}
	return nil
}

// listFiles looks for rosters in a command: a folder on a network
// share can be slow to list.
func (s *importScreen) listFiles() tea.Cmd {
	if len(s.folders) == 0 {
		return nil
	}
	s.listSeq++
	folders, seq := s.folders, s.listSeq
	return func() tea.Msg { return rosterFilesMsg{seq: seq, files: findRosterFiles(folders, rosterFilesShown)} }
}

// pickFile moves the pick by d and puts the picked file in the field;
// moving above the first file gives back what was typed.
func (s *importScreen) pickFile(d int) {
	if len(s.files) == 0 {
		return
	}
	if s.pick < 0 {
		s.typed = s.path.Value()
	}
	s.pick = min(max(s.pick+d, -1), len(s.files)-1)
	if s.pick < 0 {
		s.path.SetValue(s.typed)
	} else {
		f := s.files[s.pick]
		s.path.SetValue(filepath.Join(f.Dir, f.Name))
	}
	s.path.CursorEnd()
}

// run reads, parses and imports the file in a command; dryRun rolls back.
func (s *importScreen) run(dryRun bool) tea.Cmd {
	s.seq++
	seq, st, by := s.seq, s.c.store, s.c.actor()
	typed := s.path.Value()
	return func() tea.Msg {
		ros, rep, err := st.ImportFile(context.Background(), DroppedPath(typed), by, dryRun)
		return importedMsg{seq: seq, dryRun: dryRun, ros: ros, rep: rep, err: err}
	}
}

// LooksLikePath says whether a burst of keys (a file dropped on the
// terminal, a paste without bracketed paste) is a path rather than a
// serial: a serial has no slash, no backslash and no file name ending.
// It is read from the text alone: Update asks it, and a look at the
// disk could wait on a network share.
func LooksLikePath(code string) bool {
	lower := strings.ToLower(strings.Trim(strings.TrimSpace(code), `'"`))
	return strings.ContainsAny(lower, `/\`) || strings.HasPrefix(lower, "file:") || strings.HasPrefix(lower, "~") ||
		strings.HasSuffix(lower, ".csv") || strings.HasSuffix(lower, ".xlsx") || strings.HasSuffix(lower, ".txt")
}

// DroppedPath is the file a path field names, however it arrived: typed
// or pasted as it is, or dropped from a file manager onto the terminal,
// which types it quoted ('/home/kari/Folkevalgte 2026.xlsx' ), with its
// spaces escaped (Folkevalgte\ 2026.xlsx) or as a file:// URL with
// %20 for a space. The first reading that names a file that exists is
// the one; if none does, the path as typed, so the error names it.
func DroppedPath(typed string) string {
	p := ExpandHome(strings.TrimSpace(typed))
	var readings []string
	if len(p) >= 2 && (p[0] == '\'' || p[0] == '"') && p[len(p)-1] == p[0] {
		readings = append(readings, ExpandHome(p[1:len(p)-1]))
	}
	if u, err := url.Parse(p); err == nil && u.Scheme == "file" && u.Path != "" {
		readings = append(readings, u.Path)
	}
	if strings.Contains(p, "\\") {
		readings = append(readings, shellUnescape(p))
	}
	if _, err := os.Stat(p); err == nil {
		return p
	}
	for _, r := range readings {
		if _, err := os.Stat(r); err == nil {
			return r
		}
	}
	return p
}

// shellUnescape drops the backslashes a shell would: "a\ b" is "a b".
func shellUnescape(s string) string {
	var b strings.Builder
	escaped := false
	for _, r := range s {
		if r == '\\' && !escaped {
			escaped = true
			continue
		}
		escaped = false
		b.WriteRune(r)
	}
	return b.String()
}

// ExpandHome reads a path as a shell would its leading ~: "~" and "~/x"
// are in the user's home folder. A ~ anywhere else is part of a name.
// Every path a user types or passes goes through it: the shell expands
// ~ only at the start of a word, so --db=~/x.db and DROPIN_DB=~/x.db
// would otherwise make a folder named "~".
func ExpandHome(p string) string {
	if p == "~" {
		if home, err := os.UserHomeDir(); err == nil {
			return home
		}
	}
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

func (s *importScreen) update(msg tea.Msg) tea.Cmd {
	keys := s.c.keys.Form
	switch msg := msg.(type) {
	case scan.Msg:
		if s.state == importReading {
			return flashCmd(flashInfo, s.c.t.T("import.busy"))
		}
		// A dropped, pasted or scanned path: a whole path, so it takes the
		// place of what the field held (the last file read, after an
		// import or a refusal), and its own Enter reads the file.
		focus := s.anew(false)
		s.path.SetValue(msg.Code)
		s.path.CursorEnd()
		return tea.Batch(focus, s.update(tea.KeyPressMsg{Code: tea.KeyEnter}))
	case tea.PasteMsg:
		// A file dropped on the terminal (which pastes its path) or a
		// path pasted: after a read, it is the next file, the preview
		// waiting for its y included. Enter reads it.
		if s.state == importReading {
			return flashCmd(flashInfo, s.c.t.T("import.busy"))
		}
		focus := s.anew(s.state != importAsk || s.read)
		before := s.path.Value()
		var cmd tea.Cmd
		s.path, cmd = s.path.Update(msg)
		if s.path.Value() != before {
			s.pick = -1
		}
		return tea.Batch(focus, cmd)
	case rosterFilesMsg:
		if msg.seq != s.listSeq {
			return nil
		}
		// The file picked stays picked wherever the new listing puts it.
		picked := ""
		if s.pick >= 0 && s.pick < len(s.files) {
			picked = s.files[s.pick].Path
		}
		s.files, s.pick = msg.files, -1
		for i, f := range s.files {
			if picked != "" && f.Path == picked {
				s.pick = i
			}
		}
		if s.state != importAsk {
			return nil
		}
		seq := msg.seq
		return tea.Tick(rosterRescan, func(time.Time) tea.Msg { return rescanMsg{seq: seq} })
	case rescanMsg:
		// Only while this screen shows and waits for a path: elsewhere the
		// message goes to another screen and the listing stops.
		if msg.seq != s.listSeq || s.state != importAsk {
			return nil
		}
		return s.listFiles()
	case importedMsg:
		if msg.seq != s.seq {
			return nil
		}
		s.summary, s.offset = ImportSummary(s.c.t, s.path.Value(), msg.ros, msg.rep, msg.err), 0
		s.read = true
		switch {
		case msg.err != nil:
			s.state = importBad
			return flashCmd(flashError, s.c.t.T("import.failed"))
		case msg.dryRun:
			s.state = importReady
			return flashCmd(flashInfo, s.c.t.T("import.confirm"))
		}
		s.state = importDone
		return tea.Batch(flashCmd(flashOK, s.c.t.T("import.saved", s.c.t.Clock(s.c.now()))), changed)
	case tea.KeyPressMsg:
		switch s.state {
		case importAsk:
			switch {
			case key.Matches(msg, keys.Confirm) && strings.TrimSpace(s.path.Value()) != "":
				s.state = importReading
				s.path.Blur()
				s.pick = -1
				return s.run(true)
			case len(s.files) > 0 && key.Matches(msg, keys.Down):
				s.pickFile(1)
				return nil
			case len(s.files) > 0 && key.Matches(msg, keys.Up):
				s.pickFile(-1)
				return nil
			}
		case importReady:
			// The import asks y/n, as the batch steps do: a second Enter
			// (a double press, a pasted path's own) must not import a
			// roster nobody has read, which may mark officials as gone.
			switch {
			case key.Matches(msg, s.c.keys.Batch.Yes):
				s.state = importReading
				return s.run(false)
			case key.Matches(msg, keys.Confirm):
				return flashCmd(flashInfo, s.c.t.T("import.confirm"))
			case key.Matches(msg, keys.Cancel), msg.String() == "n":
				s.state = importAsk
				s.summary = nil
				return tea.Batch(s.focus(), flashCmd(flashInfo, s.c.t.T("import.cancelled")))
			}
		case importBad, importDone:
			if key.Matches(msg, keys.Confirm) || key.Matches(msg, keys.Cancel) {
				s.state = importAsk // the summary stays until the next read
				return s.focus()
			}
			if msg.Text != "" && !key.Matches(msg, keys.Up, keys.Down) {
				// Typing the next file's path: the field asks again, and
				// its first key after a read starts the path afresh.
				s.state = importAsk
				return tea.Batch(s.focus(), s.update(msg))
			}
		}
		switch {
		case key.Matches(msg, keys.Up):
			s.offset = max(0, s.offset-1)
			return nil
		case key.Matches(msg, keys.Down):
			s.offset = min(max(0, len(s.summary)-1), s.offset+1)
			return nil
		}
	}
	if s.state == importAsk {
		if k, ok := msg.(tea.KeyPressMsg); ok && s.read {
			// The first key after a read: text starts the next path
			// afresh; any other key (a backspace, an arrow) edits the
			// one read, to read it again.
			s.read = false
			if k.Text != "" {
				s.path.SetValue("")
			}
		}
		before := s.path.Value()
		var cmd tea.Cmd
		s.path, cmd = s.path.Update(msg)
		if s.path.Value() != before {
			s.pick = -1 // typed over: the field is the user's again
		}
		return cmd
	}
	return nil
}

func (s *importScreen) shortHelp() []key.Binding {
	k := s.c.keys
	switch s.state {
	case importReady:
		y := k.Batch.Yes
		y.SetHelp("y", s.c.t.T("import.key.apply"))
		return []key.Binding{y, k.Form.Cancel, k.Form.Up, k.Form.Down}
	case importBad, importDone:
		return []key.Binding{k.Form.Confirm, k.Form.Up, k.Form.Down, k.Global.NextScreen}
	}
	c := k.Form.Confirm
	c.SetHelp("enter", s.c.t.T("import.key.read"))
	if len(s.files) > 0 {
		pick := k.Form.Down
		pick.SetHelp("↑/↓", s.c.t.T("import.key.pick"))
		return []key.Binding{c, pick, k.Global.NextScreen}
	}
	return []key.Binding{c, k.Global.NextScreen}
}

func (s *importScreen) view(w, h int) string {
	st, t := s.c.styles, s.c.t
	lines := []string{
		" " + st.Box.Title.Render(t.T("import.title")),
		st.Form.Hint.Width(w).PaddingLeft(1).Render(t.T("import.explain")),
		" " + st.Form.Label.Render(t.T("import.file")) + " " + s.path.View(),
	}
	if s.state == importAsk && len(s.files) > 0 {
		lines = append(lines, s.fileLines(w)...)
	}
	lines = append(lines, "")
	if s.state == importReading {
		lines = append(lines, " "+st.Card.Muted.Render(t.T("import.reading")))
	}
	for i := s.offset; i < len(s.summary) && len(lines) < h; i++ {
		line := s.summary[i]
		style := st.Card.Value
		switch {
		case strings.HasPrefix(line, "!"):
			line, style = line[1:], st.Flash.Error
		case strings.HasPrefix(line, "+"):
			line, style = line[1:], st.Flash.OK
		}
		// Wrapped, never cut: a row's error ends with the value that is
		// wrong, which is what the secretariat has to find in the file.
		indent := len(line) - len(strings.TrimLeft(line, " "))
		for j, part := range strings.Split(style.Width(max(10, w-4-indent)).Render(strings.TrimLeft(line, " ")), "\n") {
			pre := strings.Repeat(" ", indent)
			if j > 0 {
				pre += "  "
			}
			lines = append(lines, " "+pre+part)
		}
	}
	return strings.Join(lines, "\n")
}

// fileLines lists the newest rosters: name, folder and when each was
// saved, the picked one marked.
func (s *importScreen) fileLines(w int) []string {
	st, t := s.c.styles, s.c.t
	lines := []string{"   " + st.Form.Hint.Render(t.T("import.files"))}
	when := 0
	for _, f := range s.files {
		when = max(when, lipgloss.Width(t.DateTime(f.Mod)))
	}
	// The name gets what it needs first: it is what the secretariat
	// recognises. The folder gets the rest.
	room := max(10, w-6-when-2)
	nameW := 0
	for _, f := range s.files {
		nameW = max(nameW, lipgloss.Width(scan.Clean(f.Name)))
	}
	nameW = min(nameW, room*2/3)
	dirW := max(0, room-nameW-2)
	for i, f := range s.files {
		row := pad(scan.Clean(f.Name), nameW) + "  " + pad(scan.Clean(f.Dir), dirW) + "  " + t.DateTime(f.Mod)
		if i == s.pick {
			lines = append(lines, "   "+st.Form.Selected.Render("› "+row))
		} else {
			lines = append(lines, "   "+st.Form.Item.Render("  "+row))
		}
	}
	return lines
}

// ImportSummary says in the catalog's language what a roster holds and
// what importing it did or would do. Lines starting with "!" are
// problems, "+" the outcome.
func ImportSummary(t i18n.Catalog, path string, ros *store.Roster, rep *store.ImportReport, err error) []string {
	var out []string
	if ros == nil {
		return []string{"!" + t.T("import.unreadable", scan.Clean(path), rosterError(t, err))}
	}
	comma := string(ros.Comma)
	if ros.Comma == '\t' {
		comma = "tab"
	}
	switch {
	case ros.Encoding == store.Workbook && ros.Rows == 1:
		out = append(out, t.T("import.parsed.sheet.one", len(ros.Officials), len(ros.Tablets), scan.Clean(ros.Sheet)))
	case ros.Encoding == store.Workbook:
		out = append(out, t.T("import.parsed.sheet", ros.Rows, len(ros.Officials), len(ros.Tablets), scan.Clean(ros.Sheet)))
	case ros.Rows == 1:
		out = append(out, t.T("import.parsed.one", len(ros.Officials), len(ros.Tablets), t.T("encoding."+string(ros.Encoding)), comma))
	default:
		out = append(out, t.T("import.parsed", ros.Rows, len(ros.Officials), len(ros.Tablets), t.T("encoding."+string(ros.Encoding)), comma))
	}
	for _, n := range ros.Notices {
		if n.Repeat != "" {
			out = append(out, t.T("import.notice.repeat", n.Column, n.Repeat))
		} else {
			out = append(out, t.T("import.notice.unknown", n.Column))
		}
	}
	if len(ros.Errors) > 0 {
		if len(ros.Errors) == 1 {
			out = append(out, "!"+t.T("import.errors.one"))
		} else {
			out = append(out, "!"+t.T("import.errors", len(ros.Errors)))
		}
		for _, e := range ros.Errors {
			out = append(out, "!  "+RowErrorText(t, e))
		}
		return out
	}
	if err != nil {
		return append(out, "!"+storeError(t, err))
	}
	head := "import.done"
	if rep.DryRun {
		head = "import.dry"
	}
	out = append(out, "+"+t.T(head),
		"  "+t.T(i18n.One("import.officials", len(rep.New)), len(rep.New), len(rep.Updated), rep.Unchanged),
		"  "+t.T(i18n.One("import.tablets", rep.NewTablets), rep.NewTablets, rep.Relinked, rep.ToEmployee, rep.FromEmployee))
	if len(rep.Disappeared) > 0 {
		out = append(out, "!"+t.T("import.gone", len(rep.Disappeared)))
		for _, o := range rep.Disappeared {
			out = append(out, "   "+who(o, true))
		}
	}
	for _, o := range rep.New {
		out = append(out, "   + "+who(o, false))
	}
	for _, o := range rep.Updated {
		out = append(out, "   ~ "+who(o, false))
	}
	return out
}

// rosterError says why a file could not be read as a roster at all.
func rosterError(t i18n.Catalog, err error) string {
	var cols *store.MissingColumnsError
	switch {
	case errors.As(err, &cols):
		return t.T("import.columns", scan.Clean(strings.Join(cols.Columns, ", ")))
	case errors.Is(err, store.ErrNoHeader):
		return t.T("import.noheader")
	case errors.Is(err, store.ErrOldWorkbook):
		return t.T("import.oldexcel")
	case errors.Is(err, store.ErrBadWorkbook):
		return t.T("import.badworkbook")
	case errors.Is(err, fs.ErrNotExist):
		return t.T("import.nofile")
	}
	return errText(err)
}

// who is an official's name with what is known of where they are from:
// the municipality and, with email, the e-mail; a list without
// municipalities (the Swedish one) shows no empty brackets.
func who(o store.Official, email bool) string {
	var where []string
	if o.Municipality != "" {
		where = append(where, scan.Clean(o.Municipality))
	}
	if email && o.EmailPrimary != "" {
		where = append(where, scan.Clean(o.EmailPrimary))
	}
	if len(where) == 0 {
		return scan.Clean(o.Name)
	}
	return scan.Clean(o.Name) + " (" + strings.Join(where, ", ") + ")"
}

// RowErrorText says what is wrong with a roster row.
func RowErrorText(t i18n.Catalog, e store.RowError) string {
	name, value := scan.Clean(e.Name), scan.Clean(e.Value)
	var what string
	switch e.Problem {
	case store.RowSerialTwice:
		what = t.T("row.serial-twice", value, name, scan.Clean(e.Other), e.OtherLine)
	case store.RowUnreadable:
		what = t.T("row.unreadable", t.T("row.csv."+e.Value))
	case store.RowTooManyFields, store.RowBadEncoding:
		what = t.T("row."+string(e.Problem), value)
	case store.RowNoName:
		what = t.T("row.no-name")
	default:
		what = t.T("row."+string(e.Problem), name, value)
	}
	return t.T("import.line", e.Line, what)
}

func (s *importScreen) fullHelp() [][]key.Binding { return [][]key.Binding{s.shortHelp()} }

func (s *importScreen) open() tea.Cmd { return s.focus() }
