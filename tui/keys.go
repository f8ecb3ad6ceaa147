package tui

import (
	"charm.land/bubbles/v2/key"

	"dropin/tui/i18n"
)

// KeyMap is every key the desk knows, in groups by where they work. Help
// text comes from the catalog.
type KeyMap struct {
	Global struct {
		Quit, Help, NextScreen, PrevScreen key.Binding
	}
	Sign struct {
		Accept, Clear, UndoStroke, Typed, Cancel key.Binding
	}
	Batch struct {
		New, Intake, SentToIT, Upgraded, Close, UndoRead, Yes key.Binding
	}
	Overview struct {
		Municipality, Body, Sort, Search, Refresh, PageUp, PageDown, Export, Remind key.Binding
	}
	Equipment struct {
		Views, Approve, Done key.Binding
	}
	Visits struct {
		Next, Call, Arrive, Open, Close, Left, Undo, Meeting, Report, Spans, FollowUps, Done key.Binding
	}
	Card struct {
		Next, Fail, Undo, Employee, Link, Type, Close, Quit, Print, Receipt, Sign key.Binding
		Issue, Return, Reset                                                      key.Binding
	}
	Form struct {
		Confirm, Cancel, Up, Down, Toggle key.Binding
	}
}

// NewKeyMap builds the key map with help in the catalog's language.
func NewKeyMap(t i18n.Catalog) KeyMap {
	var k KeyMap
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keys[0], t.T(help)))
	}
	k.Global.Quit = b("key.quit", "ctrl+c")
	k.Global.Help = b("key.help", "?")
	k.Global.NextScreen = b("key.nextscreen", "tab")
	k.Global.PrevScreen = b("key.prevscreen", "shift+tab")

	k.Batch.New = b("key.batch.new", "n")
	k.Batch.Intake = b("key.batch.intake", "i")
	k.Batch.SentToIT = b("key.batch.sent", "t")
	k.Batch.Upgraded = b("key.batch.upgraded", "g")
	k.Batch.Close = b("key.batch.close", "c")
	k.Batch.UndoRead = b("key.batch.undo", "ctrl+z")
	k.Batch.Yes = b("key.yes", "y", "j")

	k.Overview.Municipality = b("key.municipality", "m")
	k.Overview.Body = b("key.body", "b")
	k.Overview.Sort = b("key.sort", "s")
	k.Overview.Search = b("key.search", "/")
	k.Overview.Refresh = b("key.refresh", "r")
	k.Overview.PageUp = b("key.pageup", "pgup")
	k.Overview.PageUp.SetHelp("PgUp", t.T("key.pageup"))
	k.Overview.PageDown = b("key.pagedown", "pgdown")
	k.Overview.PageDown.SetHelp("PgDn", t.T("key.pagedown"))
	k.Overview.Export = b("key.export", "e")
	k.Overview.Remind = b("key.remind", "p")

	k.Equipment.Views = key.NewBinding(key.WithKeys("1", "2", "3", "4"), key.WithHelp("1–4", t.T("key.equip.views")))
	k.Equipment.Approve = b("key.equip.approve", "a")
	k.Equipment.Done = b("key.equip.done", "d")

	k.Visits.Next = b("key.visit.next", "n")
	k.Visits.Call = b("key.visit.call", "enter")
	k.Visits.Arrive = b("key.visit.arrive", "a")
	k.Visits.Open = b("key.visit.open", "o")
	k.Visits.Close = b("key.visit.close", "c")
	k.Visits.Left = b("key.visit.left", "d")
	k.Visits.Undo = b("key.undo", "u")
	k.Visits.Meeting = b("key.visit.meeting", "m")
	k.Visits.Report = b("key.visit.report", "r")
	k.Visits.Spans = key.NewBinding(key.WithKeys("1", "2", "3"), key.WithHelp("1–3", t.T("key.visit.spans")))
	k.Visits.FollowUps = b("key.visit.followups", "f")
	k.Visits.Done = b("key.visit.done", "x")

	k.Card.Next = b("key.next", "space")
	k.Card.Fail = b("key.fail", "f")
	k.Card.Undo = b("key.undo", "u")
	k.Card.Employee = b("key.employee", "e")
	k.Card.Link = b("key.link", "l")
	k.Card.Type = b("key.type", "/")
	k.Card.Close = b("key.close", "esc")
	k.Card.Quit = b("key.quit", "q")
	k.Card.Print = b("key.print", "p")
	k.Card.Receipt = b("key.receipt", "v")
	k.Card.Sign = b("key.sign", "s")
	k.Card.Issue = b("key.issue", "i")
	k.Card.Return = b("key.return", "r")
	k.Card.Reset = b("key.reset", "x")

	k.Sign.Accept = b("key.sign.accept", "enter")
	k.Sign.Clear = b("key.sign.clear", "c")
	k.Sign.UndoStroke = b("key.sign.undo", "backspace", "u")
	k.Sign.Typed = b("key.sign.typed", "n")
	k.Sign.Cancel = b("key.cancel", "esc")

	k.Form.Confirm = b("key.confirm", "enter")
	k.Form.Cancel = b("key.cancel", "esc")
	k.Form.Up = b("key.up", "up", "ctrl+p")
	k.Form.Up.SetHelp("↑", t.T("key.up"))
	k.Form.Down = b("key.down", "down", "ctrl+n")
	k.Form.Down.SetHelp("↓", t.T("key.down"))
	k.Form.Toggle = b("key.toggle", "space")
	return k
}
