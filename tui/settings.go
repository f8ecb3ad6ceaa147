package tui

import (
	"context"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"dropin/receipt"
	"dropin/scan"
)

// Setting keys in the store.
const (
	SettingPrinter = "printer"
	SettingPaper   = "paper"
)

// settingsScreen sets where this desk prints receipts. A --printer or
// --paper given on the command line (or in the environment) wins over
// what is saved here, and the screen says so.
type settingsScreen struct {
	c       *common
	printer textinput.Model
	paper   receipt.Paper
	fixed   bool // the printer came from a flag or the environment
}

type settingsSavedMsg struct {
	printer string
	paper   receipt.Paper
	err     error
}

func newSettingsScreen(c *common) settingsScreen {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 127
	in.Placeholder = c.t.T("settings.printer.ph")
	in.SetWidth(40)
	in.SetStyles(c.styles.Input)
	s := settingsScreen{c: c, printer: in, paper: receipt.A4}
	if c.receipts != nil {
		in.SetValue(c.receipts.Printer.Name)
		s.printer, s.paper = in, c.receipts.Printer.Paper
	}
	return s
}

func (s *settingsScreen) restyle()       { s.printer.SetStyles(s.c.styles.Input) }
func (s *settingsScreen) typing() bool   { return s.printer.Focused() }
func (s *settingsScreen) focus() tea.Cmd { return s.printer.Focus() }

func (s *settingsScreen) update(msg tea.Msg) tea.Cmd {
	t := s.c.t
	switch msg := msg.(type) {
	case settingsSavedMsg:
		if msg.err != nil {
			return flashCmd(flashError, t.T("error.store", errText(msg.err)))
		}
		if s.c.receipts != nil {
			s.c.receipts.Printer.Name, s.c.receipts.Printer.Paper = msg.printer, msg.paper
		}
		printer := msg.printer
		if printer == "" {
			printer = t.T("settings.none")
		}
		return flashCmd(flashOK, t.T("settings.saved", scan.Clean(printer), t.T("settings.paper."+string(msg.paper))))
	case tea.KeyPressMsg:
		k := s.c.keys.Form
		switch {
		case key.Matches(msg, k.Confirm):
			printer, paper := strings.TrimSpace(scan.Clean(s.printer.Value())), s.paper
			st := s.c.store
			return func() tea.Msg {
				err := st.SetSettings(context.Background(), map[string]string{SettingPrinter: printer, SettingPaper: string(paper)})
				return settingsSavedMsg{printer: printer, paper: paper, err: err}
			}
		case key.Matches(msg, k.Up), key.Matches(msg, k.Down):
			if s.paper == receipt.A4 {
				s.paper = receipt.Slip
			} else {
				s.paper = receipt.A4
			}
			return nil
		}
	}
	var cmd tea.Cmd
	s.printer, cmd = s.printer.Update(msg)
	return cmd
}

func (s *settingsScreen) shortHelp() []key.Binding {
	k := s.c.keys
	save := k.Form.Confirm
	save.SetHelp("enter", s.c.t.T("settings.key.save"))
	paper := k.Form.Down
	paper.SetHelp("↑/↓", s.c.t.T("settings.key.paper"))
	return []key.Binding{save, paper, k.Global.NextScreen}
}

func (s *settingsScreen) view(w, h int) string {
	st, t := s.c.styles, s.c.t
	lines := []string{
		" " + st.Box.Title.Render(t.T("settings.title")), "",
		" " + st.Form.Label.Render(t.T("settings.printer")), " " + s.printer.View(),
		st.Form.Hint.Width(w).PaddingLeft(1).Render(t.T("settings.printer.hint")), "",
		" " + st.Form.Label.Render(t.T("settings.paper")),
	}
	for _, p := range []receipt.Paper{receipt.A4, receipt.Slip} {
		mark, style := "  ( ) ", st.Form.Item
		if p == s.paper {
			mark, style = "› (•) ", st.Form.Selected
		}
		lines = append(lines, " "+style.Render(mark+t.T("settings.paper."+string(p))))
	}
	if s.fixed {
		lines = append(lines, "", st.Flash.Info.Width(w).PaddingLeft(1).Render(t.T("settings.fixed")))
	}
	if s.c.receipts != nil {
		lines = append(lines, "", st.Card.Muted.Width(w).PaddingLeft(1).Render(t.T("settings.where", s.c.receipts.Dir)))
	}
	return strings.Join(lines, "\n")
}

func (s *settingsScreen) fullHelp() [][]key.Binding { return [][]key.Binding{s.shortHelp()} }

func (s *settingsScreen) open() tea.Cmd { return s.focus() }
