package tui

import (
	"strings"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"dropin/scan"
)

// staffScreen asks who is working before the desk opens: every step is
// recorded with its staff member's initials.
type staffScreen struct {
	c     *common
	input textinput.Model
	err   string
}

// staffChosenMsg: the staff member gave valid initials.
type staffChosenMsg struct{ staff string }

func newStaffScreen(c *common) staffScreen {
	in := textinput.New()
	in.Prompt = "› "
	in.CharLimit = 8
	in.SetWidth(10)
	in.SetStyles(c.styles.Input)
	return staffScreen{c: c, input: in}
}

func (s *staffScreen) restyle()     { s.input.SetStyles(s.c.styles.Input) }
func (s *staffScreen) typing() bool { return true }
func (s *staffScreen) shortHelp() []key.Binding {
	return []key.Binding{s.c.keys.Form.Confirm, s.c.keys.Global.Quit}
}
func (s *staffScreen) fullHelp() [][]key.Binding { return [][]key.Binding{s.shortHelp()} }
func (s *staffScreen) focus() tea.Cmd            { return s.input.Focus() }

// ValidInitials normalises initials: 1-8 letters (æøå welcome), upper case.
func ValidInitials(s string) (string, bool) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if s == "" {
		return "", false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return "", false
		}
	}
	return s, true
}

func (s *staffScreen) update(msg tea.Msg) tea.Cmd {
	if sc, ok := msg.(scan.Msg); ok {
		insertText(&s.input, sc.Code) // a fast typist, not a tablet
		return nil
	}
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, s.c.keys.Form.Confirm) {
		staff, ok := ValidInitials(s.input.Value())
		if !ok {
			s.err = s.c.t.T("staff.invalid")
			return nil
		}
		return func() tea.Msg { return staffChosenMsg{staff: staff} }
	}
	if _, ok := msg.(tea.KeyPressMsg); ok {
		s.err = ""
	}
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	return cmd
}

func (s *staffScreen) view(w, h int) string {
	st := s.c.styles
	lines := []string{
		"",
		"  " + st.Form.Label.Render(s.c.t.T("staff.prompt")),
		"  " + s.input.View(),
		"",
		"  " + st.Form.Hint.Render(s.c.t.T("staff.hint")),
	}
	if s.err != "" {
		lines = append(lines, "", "  "+st.Flash.Error.Render(s.err))
	}
	return lipgloss.JoinVertical(lipgloss.Left, lines...)
}

func (s *staffScreen) open() tea.Cmd { return s.focus() }
