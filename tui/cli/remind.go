package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"dropin/scan"
	"dropin/store"
	"dropin/store/remind"
	"dropin/tui"
	"dropin/tui/i18n"
)

// reminding is how reminders are sent, shared by the command and the
// desk: the mail server, what the message says of the desk, how often.
type reminding struct {
	smtp     string
	place    string
	hours    string
	deadline string
	every    int // days before the same official is reminded again
}

func (r *reminding) defaults(getenv func(string) string) {
	r.smtp, r.place, r.hours, r.deadline = getenv("DROPIN_SMTP"), getenv("DROPIN_REMIND_PLACE"), getenv("DROPIN_REMIND_HOURS"), getenv("DROPIN_REMIND_DEADLINE")
	r.every = 7
	if n, err := fmt.Sscan(getenv("DROPIN_REMIND_EVERY"), &r.every); n != 1 || err != nil || r.every < 0 {
		r.every = 7
	}
}

func (r *reminding) register(cmd *cobra.Command) {
	fs := cmd.PersistentFlags()
	fs.StringVar(&r.smtp, "smtp", r.smtp, "the mail server for reminders, smtp://user:password@host:587?from=sender (env DROPIN_SMTP)")
	fs.StringVar(&r.place, "remind-place", r.place, "where the desk is, for reminders: \"1. etasje på rådhuset\" (env DROPIN_REMIND_PLACE)")
	fs.StringVar(&r.hours, "remind-hours", r.hours, "when the desk is open, for reminders: \"man–fre 08–15\" (env DROPIN_REMIND_HOURS)")
	fs.StringVar(&r.deadline, "remind-deadline", r.deadline, "the date to come by, for reminders: \"10. april\" (env DROPIN_REMIND_DEADLINE)")
	fs.IntVar(&r.every, "remind-every", r.every, "`days` before the same official is reminded again (env DROPIN_REMIND_EVERY)")
}

func (r reminding) settings() remind.Settings {
	return remind.Settings{Place: r.place, Hours: r.hours, Deadline: r.deadline}
}

// desk is how the desk sends reminders; nil when no mail server is set.
// A server set wrongly, or a text that names a field nobody set, stops
// the desk at start rather than at the first reminder.
func (r reminding) desk(t i18n.Catalog) (*tui.Reminding, error) {
	if r.smtp == "" {
		return nil, nil
	}
	m, err := remind.ParseSMTP(r.smtp)
	if err != nil {
		return nil, err
	}
	tmpl := remind.BuiltIn(string(t.Lang))
	if err := r.check(t, tmpl); err != nil {
		return nil, err
	}
	return &tui.Reminding{Mailer: m, Template: tmpl, Settings: r.settings(), Every: time.Duration(r.every) * 24 * time.Hour}, nil
}

// check refuses a template that names a field nobody set, naming every
// such field at once so one more run is enough to set them all.
func (r reminding) check(t i18n.Catalog, tmpl *remind.Template) error {
	var missing []string
	for _, f := range []struct{ field, value string }{{"place", r.place}, {"hours", r.hours}, {"deadline", r.deadline}} {
		if tmpl.Uses(f.field) && strings.TrimSpace(f.value) == "" {
			missing = append(missing, t.T("remind.missing", f.field, f.field, strings.ToUpper(f.field)))
		}
	}
	if missing == nil {
		return nil
	}
	return errors.New(strings.Join(missing, "\n"))
}

// template is --template's file, or the language's own.
func loadTemplate(t i18n.Catalog, path string) (*remind.Template, error) {
	if path == "" {
		return remind.BuiltIn(string(t.Lang)), nil
	}
	tmpl, err := remind.LoadTemplate(tui.ExpandHome(path))
	var te *remind.TemplateError
	if errors.As(err, &te) {
		if te.Field == "" {
			return nil, errors.New(t.T("remind.template.subject", te.File, te.Line))
		}
		return nil, errors.New(t.T("remind.template.unknown", te.File, te.Line, scan.Clean(te.Field), strings.Join(remind.Fields, ", ")))
	}
	return tmpl, err
}

func (a *app) remindCmd() *cobra.Command {
	var f store.ChaseFilter
	var dry, force bool
	var template string
	cmd := &cobra.Command{
		Use:   "remind [--municipality M] [--body B] [--dry-run] [--template FILE] [--force]",
		Short: "e-mail a reminder to the officials who have not handed in their tablet",
		Long: `E-mail a reminder to the officials still to chase (filtered by municipality
and body), each at the address they read now: the secondary account until
their tablet is upgraded. Those with no such address are listed to call.
An official reminded within --remind-every days is not mailed again unless
--force. Each reminder the server accepts is recorded at once, so a run cut
short can be run again. --dry-run shows every recipient, the address and
why, and the message for the first; it sends nothing.`,
		Example: `  dropin remind --municipality Levanger --dry-run
  dropin remind --body Kommunestyret --remind-deadline "10. april" --smtp smtp://it:pw@mail.example.no:587?from=it@example.no`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, out := cmd.Context(), cmd.OutOrStdout()
			t, st, err := a.o.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			tmpl, err := loadTemplate(t, template)
			if err != nil {
				return err
			}
			if err := a.remind.check(t, tmpl); err != nil {
				return err
			}
			var mailer remind.Mailer
			if !dry {
				if a.remind.smtp == "" {
					return errors.New(t.T("remind.nosmtp"))
				}
				if mailer, err = remind.ParseSMTP(a.remind.smtp); err != nil {
					return err
				}
			}
			// "levanger" is Levanger; a municipality or body the roster
			// does not have is said so, not "nobody to remind".
			f.Municipality, f.Body, err = st.ResolveScope(ctx, f.Municipality, f.Body)
			if err != nil {
				return scopeInWords(t, err)
			}
			list, err := st.Outstanding(ctx)
			if err != nil {
				return err
			}
			f.Sort = "name"
			list = store.FilterChase(list, f, i18n.NewKeys(t.Lang).Key, nil)
			plan, err := remind.Plan(ctx, st, list, time.Duration(a.remind.every)*24*time.Hour, time.Now())
			if err != nil {
				return err
			}
			if len(plan) == 0 {
				fmt.Fprintln(out, t.T("remind.none"))
				return nil
			}
			showPlan(out, t, plan, f, a.remind.every, force)
			if dry {
				for _, r := range plan {
					if r.Due(force) {
						subject, body := remind.Render(tmpl, a.remind.settings(), r)
						fmt.Fprintf(out, "\n%s\n\n%s\n\n%s", t.T("remind.dry", scan.Clean(r.Official.Name)), t.T("remind.subject", subject), body)
						break
					}
				}
				return nil
			}
			by, err := a.o.writer(ctx, st, store.CommandRemind)
			if err != nil {
				return err
			}
			sum, err := remind.Send(ctx, st, mailer, tmpl, a.remind.settings(), plan, force, by, func(o remind.Outcome) {
				name := scan.Clean(o.Recipient.Official.Name)
				if o.Sent {
					fmt.Fprintln(out, t.T("remind.sent", name, o.Recipient.Address))
				} else {
					fmt.Fprintln(out, t.T("remind.refused", name, o.Recipient.Address, scan.Clean(o.Refused)))
				}
			})
			if err != nil {
				if u := (*remind.UnreachableError)(nil); errors.As(err, &u) {
					return errors.New(tui.UnreachableText(t, u))
				}
				return err
			}
			fmt.Fprintln(out, t.T(i18n.One("remind.done", sum.Sent), sum.Sent, sum.Refused, sum.Call, sum.Recent))
			return nil
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.Municipality, "municipality", "", "only officials of this `municipality`")
	fs.StringVar(&f.Body, "body", "", "only officials of this `body`")
	fs.BoolVar(&dry, "dry-run", false, "show who would get what, and why; send nothing")
	fs.BoolVar(&force, "force", false, "remind also those reminded within --remind-every days")
	fs.StringVar(&template, "template", "", "the message: a text `file` with Subject: on its first line and {fields} (default: the desk's language's)")
	return cmd
}

// showPlan lists every recipient: the address and why, or to call.
func showPlan(out io.Writer, t i18n.Catalog, plan []remind.Recipient, f store.ChaseFilter, every int, force bool) {
	all := func(v string) string {
		if v == "" {
			return t.T("overview.all")
		}
		return scan.Clean(v)
	}
	fmt.Fprintln(out, t.T(i18n.One("remind.heading", len(plan)), len(plan), all(f.Municipality), all(f.Body)))
	// Columns as wide as what they hold, so the reason lines up after the
	// longest address.
	nameW, addrW := 0, 0
	for _, r := range plan {
		if !r.Call() {
			nameW = max(nameW, utf8.RuneCountInString(scan.Clean(r.Official.Name)))
			addrW = max(addrW, utf8.RuneCountInString(scan.Clean(r.Address)))
		}
	}
	for _, r := range plan {
		name, addr := scan.Clean(r.Official.Name), scan.Clean(r.Address)
		switch {
		case r.Call():
		case !r.Due(force):
			left := every - int(time.Since(r.Last.Last).Hours()/24)
			fmt.Fprintf(out, "  %-*s  %-*s  %s\n", nameW, name, addrW, addr, t.T(i18n.One("remind.recent", max(1, left)), t.DayMonth(r.Last.Last), max(1, left)))
		default:
			fmt.Fprintf(out, "  %-*s  %-*s  %s\n", nameW, name, addrW, addr, t.T("remind.why."+string(r.Why)))
		}
	}
	send, call, recent := remind.Tally(plan, force)
	if call > 0 {
		fmt.Fprintln(out, t.T("remind.call"))
		for _, r := range plan {
			if r.Call() {
				fmt.Fprintf(out, "  %-28s %-14s %s\n", scan.Clean(r.Official.Name), scan.Clean(store.PhoneText(r.Official.Phone)), t.T("remind.why."+string(r.Why)))
			}
		}
	}
	fmt.Fprintln(out, t.T("remind.plan", send, call, recent))
}
