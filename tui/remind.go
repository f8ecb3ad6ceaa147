package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/scan"
	"dropin/store"
	"dropin/store/remind"
	"dropin/tui/i18n"
)

// Reminding is how the desk sends reminders from the chase list: the
// mail server, the text, what it says of the desk, how often.
type Reminding struct {
	Mailer   remind.Mailer
	Template *remind.Template // nil: the desk's language's own
	Settings remind.Settings
	Every    time.Duration
}

// remindPlanMsg: who a reminder from the list as shown would reach.
type remindPlanMsg struct {
	plan []remind.Recipient
	err  error
}

// remindDoneMsg: a run of reminders ended.
type remindDoneMsg struct {
	sum remind.Summary
	err error
}

// askRemind plans a reminder to the officials shown, for the user to
// confirm; nothing is sent yet.
func (o *overviewScreen) askRemind() tea.Cmd {
	t := o.c.t
	if o.c.remind == nil {
		return flashCmd(flashError, t.T("remind.nosmtp"))
	}
	if len(o.visible) == 0 {
		return flashCmd(flashInfo, t.T("remind.none"))
	}
	shown := append([]store.Chase(nil), o.visible...)
	st, every, now := o.c.store, o.c.remind.Every, o.c.now()
	// On a county the plan reads tens of thousands of officials (a second
	// or more): say what is happening until the question replaces it.
	return tea.Batch(flashCmd(flashInfo, t.T(i18n.One("remind.planning", len(shown)), len(shown))), func() tea.Msg {
		plan, err := remind.Plan(context.Background(), st, shown, every, now)
		return remindPlanMsg{plan: plan, err: err}
	})
}

// sendReminders sends the confirmed plan, off the update loop.
func (o *overviewScreen) sendReminders() tea.Cmd {
	plan, cfg, st, by := o.remindPlan, *o.c.remind, o.c.store, o.c.actor()
	tmpl := cfg.Template
	if tmpl == nil {
		tmpl = remind.BuiltIn(string(o.c.t.Lang))
	}
	o.remindPlan, o.confirmRemind = nil, false
	return tea.Batch(flashCmd(flashInfo, o.c.t.T("remind.sending")), func() tea.Msg {
		sum, err := remind.Send(context.Background(), st, cfg.Mailer, tmpl, cfg.Settings, plan, false, by, nil)
		return remindDoneMsg{sum: sum, err: err}
	})
}

// reminded says how the run went; the list shows the new counts.
func (o *overviewScreen) reminded(msg remindDoneMsg) tea.Cmd {
	t := o.c.t
	done := t.T(i18n.One("remind.done", msg.sum.Sent), msg.sum.Sent, msg.sum.Refused, msg.sum.Call, msg.sum.Recent)
	if msg.err != nil {
		o.c.log.Error("remind", "err", msg.err)
		text := errText(msg.err)
		if u := (*remind.UnreachableError)(nil); errors.As(msg.err, &u) {
			text = UnreachableText(t, u)
		}
		return tea.Batch(flashCmd(flashError, done+" "+text), o.load())
	}
	return tea.Batch(flashCmd(flashOK, done), o.load())
}

// UnreachableText says that the mail server could not be reached, which
// server, what the connection said, and that what was sent is recorded.
func UnreachableText(t i18n.Catalog, u *remind.UnreachableError) string {
	return t.T("remind.unreachable", scan.Clean(u.Server), scan.Clean(u.Cause.Error()))
}
