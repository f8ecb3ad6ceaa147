package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"dropin/store"
)

// Styles is the desk's one theme, in semantic groups.
type Styles struct {
	Header struct {
		Title, Station, Tab lipgloss.Style
	}
	Box struct {
		Focused, Blurred lipgloss.Style // the edge of a rounded box (see boxed)
		Title            lipgloss.Style
	}
	Card struct {
		Serial, Model, Name, Label, Value, Muted, Account, AccountWarn, Next lipgloss.Style
	}
	Status   map[store.Status]lipgloss.Style // a tablet's status as a badge
	Timeline struct {
		Time, Kind, Who, Undone lipgloss.Style
	}
	Flash struct {
		OK, Info, Error lipgloss.Style
	}
	StatusBar struct {
		Bar, Key, Sync lipgloss.Style
	}
	Form struct {
		Label, Hint, Selected, Item lipgloss.Style
	}
	Help  help.Styles
	Input textinput.Styles
}

// NewStyles builds the theme for a dark or light terminal background.
func NewStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	var (
		fg      = ld(lipgloss.Color("#1a1a1a"), lipgloss.Color("#e8e8e8"))
		muted   = ld(lipgloss.Color("#6b6b6b"), lipgloss.Color("#8a8a8a"))
		accent  = ld(lipgloss.Color("#005f87"), lipgloss.Color("#5fafd7"))
		ok      = ld(lipgloss.Color("#007a3d"), lipgloss.Color("#5fd787"))
		warn    = ld(lipgloss.Color("#8a5a00"), lipgloss.Color("#ffd75f"))
		bad     = ld(lipgloss.Color("#b00020"), lipgloss.Color("#ff5f5f"))
		barBg   = ld(lipgloss.Color("#e4e4e4"), lipgloss.Color("#303030"))
		border  = ld(lipgloss.Color("#b2b2b2"), lipgloss.Color("#4e4e4e"))
		onBadge = ld(lipgloss.Color("#ffffff"), lipgloss.Color("#000000"))
	)
	var s Styles
	s.Header.Title = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Header.Station = lipgloss.NewStyle().Foreground(muted)
	s.Header.Tab = lipgloss.NewStyle().Bold(true).Foreground(onBadge).Background(accent).Padding(0, 1)

	s.Box.Focused = lipgloss.NewStyle().Foreground(accent)
	s.Box.Blurred = lipgloss.NewStyle().Foreground(border)
	s.Box.Title = lipgloss.NewStyle().Bold(true).Foreground(muted)

	s.Card.Serial = lipgloss.NewStyle().Bold(true).Foreground(fg)
	s.Card.Model = lipgloss.NewStyle().Foreground(muted)
	s.Card.Name = lipgloss.NewStyle().Bold(true).Foreground(fg)
	s.Card.Label = lipgloss.NewStyle().Foreground(muted)
	s.Card.Value = lipgloss.NewStyle().Foreground(fg)
	s.Card.Muted = lipgloss.NewStyle().Foreground(muted)
	s.Card.Account = lipgloss.NewStyle().Bold(true).Foreground(ok)
	s.Card.AccountWarn = lipgloss.NewStyle().Bold(true).Foreground(warn)
	s.Card.Next = lipgloss.NewStyle().Bold(true).Foreground(accent)

	badge := func(bg color.Color) lipgloss.Style {
		return lipgloss.NewStyle().Bold(true).Foreground(onBadge).Background(bg).Padding(0, 1)
	}
	s.Status = map[store.Status]lipgloss.Style{
		store.Expected:      badge(muted),
		store.Received:      badge(accent),
		store.Upgrading:     badge(warn),
		store.Upgraded:      badge(ld(lipgloss.Color("#00778a"), lipgloss.Color("#5fd7d7"))),
		store.FirstLogin:    badge(ok),
		store.HandedBack:    badge(ld(lipgloss.Color("#3a6b00"), lipgloss.Color("#afd75f"))),
		store.Failed:        badge(bad),
		store.EmployeeTrack: badge(ld(lipgloss.Color("#6c3483"), lipgloss.Color("#d787d7"))),
		store.Lifecycle:     badge(accent),
	}

	s.Timeline.Time = lipgloss.NewStyle().Foreground(muted)
	s.Timeline.Kind = lipgloss.NewStyle().Foreground(fg)
	s.Timeline.Who = lipgloss.NewStyle().Foreground(muted)
	s.Timeline.Undone = lipgloss.NewStyle().Foreground(muted).Strikethrough(true)

	s.Flash.OK = lipgloss.NewStyle().Bold(true).Foreground(ok)
	s.Flash.Info = lipgloss.NewStyle().Foreground(accent)
	s.Flash.Error = lipgloss.NewStyle().Bold(true).Foreground(bad)

	s.StatusBar.Bar = lipgloss.NewStyle().Foreground(fg).Background(barBg)
	s.StatusBar.Key = lipgloss.NewStyle().Bold(true).Foreground(accent).Background(barBg)
	s.StatusBar.Sync = lipgloss.NewStyle().Foreground(muted).Background(barBg)

	s.Form.Label = lipgloss.NewStyle().Bold(true).Foreground(fg)
	s.Form.Hint = lipgloss.NewStyle().Foreground(muted)
	s.Form.Selected = lipgloss.NewStyle().Bold(true).Foreground(accent)
	s.Form.Item = lipgloss.NewStyle().Foreground(fg)

	s.Help = help.DefaultStyles(isDark)
	s.Input = textinput.DefaultStyles(isDark)
	s.Input.Cursor.Blink = false // a blinking cursor redraws forever; the desk is calmer without
	s.Input.Focused.Prompt = lipgloss.NewStyle().Bold(true).Foreground(accent)
	return s
}
