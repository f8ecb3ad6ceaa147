package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dropin/scan"
	"dropin/store"
	"dropin/store/export"
	"dropin/tui"
	"dropin/tui/i18n"
)

// visitsCmd is the walk-in desk away from the desk: its report, its log,
// the follow-ups for IT and the Kansli, meeting mode and the topics list.
func (a *app) visitsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "visits",
		Short: "the walk-in desk: report, log, follow-ups, meeting mode, topics",
		Args:  usageArgs(cobra.NoArgs),
	}
	cmd.AddCommand(a.visitsReportCmd(), a.visitsListCmd(), a.visitsFollowUpsCmd(), a.visitsMeetingCmd(), a.visitsTopicsCmd())
	return cmd
}

// span is a report's days: --from and --to, both included, as dates.
type span struct{ from, to string }

func (s *span) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&s.from, "from", "", "the first `day` (yyyy-mm-dd or 14.4.2026; default 30 days before --to)")
	cmd.Flags().StringVar(&s.to, "to", "", "the last `day` (yyyy-mm-dd or 14.4.2026; default today)")
}

// localDay is the start of a day typed on the command line, read as the
// desk's forms read a day (tui.ParseDay: 2026-04-14, 14.4.2026, 14.4.),
// in local time.
func localDay(typed string, now time.Time) (time.Time, bool) {
	iso, ok := tui.ParseDay(typed, now)
	if !ok {
		return time.Time{}, false
	}
	d, err := time.ParseInLocation(time.DateOnly, iso, time.Local)
	return d, err == nil
}

// bounds are the span as [from, to) in local time.
func (s span) bounds(now time.Time) (time.Time, time.Time, error) {
	day := func(v string) (time.Time, error) {
		d, ok := localDay(v, now)
		if !ok {
			return d, fmt.Errorf("%q is not a day: write yyyy-mm-dd (or 14.4.2026)", scan.Clean(v))
		}
		return d, nil
	}
	to := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.Local)
	if s.to != "" {
		var err error
		if to, err = day(s.to); err != nil {
			return to, to, err
		}
	}
	from := to.AddDate(0, 0, -30)
	if s.from != "" {
		var err error
		if from, err = day(s.from); err != nil {
			return from, to, err
		}
	}
	if from.After(to) {
		return from, to, errors.New("--from is after --to")
	}
	return from, to.AddDate(0, 0, 1), nil
}

func topicNamer(t i18n.Catalog, st *store.Store) func(string) string {
	topics := st.Topics()
	return func(code string) string { return tui.TopicText(t, topics, code) }
}

// topics names topic codes as the export's words do: in the desk's
// language, or kept as codes with --codes (as words does).
func (o output) topics(t i18n.Catalog, st *store.Store) func(string) string {
	if o.codes {
		return nil
	}
	return topicNamer(t, st)
}

func (a *app) visitsReportCmd() *cobra.Command {
	var sp span
	var out output
	cmd := &cobra.Command{
		Use:   "report",
		Short: "when people come, what for, from where, how long they wait and are helped",
		Long: `Print the walk-in desk's report for a span of days (default the last 30):
visits per day and hour (when to staff the desk), per topic, outcome,
municipality and body, support given at meetings, median and 90th
percentile waiting and handling times, and the open follow-ups. With
--excel, a workbook with a sheet for each and one of the visits.`,
		Example: "  dropin visits report\n  dropin visits report --from 2026-04-01 --to 2026-04-30 --excel",
		Args:    usageArgs(cobra.NoArgs),
		RunE: a.withStore(func(ctx context.Context, cmd *cobra.Command, _ []string, t i18n.Catalog, st *store.Store) error {
			from, to, err := sp.bounds(time.Now())
			if err != nil {
				return usageError{cmd, err}
			}
			r, err := st.VisitReport(ctx, from, to, time.Local)
			if err != nil {
				return err
			}
			if out.excel || out.path != "" {
				vs, err := st.Visits(ctx, from, to)
				if err != nil {
					return err
				}
				words, topic := out.words(t), out.topics(t, st)
				tables := append(export.VisitReport(words, topic, r), export.Visits(words, topic, vs))
				return out.write(cmd, t, a.o.exports, out.fileBase(t, "visits"), tables...)
			}
			printReport(cmd, t, topicNamer(t, st), r, from, to)
			return nil
		}),
	}
	sp.register(cmd)
	out.register(cmd.Flags())
	return cmd
}

// printReport writes the report as text, in the desk's words.
func printReport(cmd *cobra.Command, t i18n.Catalog, topic func(string) string, r store.VisitReport, from, to time.Time) {
	w := cmd.OutOrStdout()
	fmt.Fprintln(w, t.T("visits.cli.title", t.Date(from), t.Date(to.AddDate(0, 0, -1))))
	fmt.Fprintln(w, t.T(i18n.One("visit.report.counts", r.Visits), r.Visits, r.Served, r.Left, r.Visits-r.OfficeHours))
	spread := func(label string, s store.Spread) {
		if s.N == 0 {
			fmt.Fprintln(w, label, "–")
			return
		}
		fmt.Fprintln(w, label, t.T(i18n.One("visit.report.spread", s.N), t.Minutes(s.Median), t.Minutes(s.P90), s.N))
	}
	spread(t.T("visit.report.waiting"), r.Waiting)
	spread(t.T("visit.report.handling"), r.Handling)
	fmt.Fprintln(w, t.T("visit.report.hours"))
	if r.Visits == 0 {
		fmt.Fprintln(w, "  –") // as the other lists say it
	}
	for h, n := range r.ByHour {
		if n > 0 {
			fmt.Fprintf(w, "  %02d  %s %d\n", h, strings.Repeat("█", min(n, 60)), n)
		}
	}
	list := func(label string, ts []store.Tally, word func(string) string) {
		fmt.Fprintln(w, label)
		if len(ts) == 0 {
			fmt.Fprintln(w, "  –")
		}
		for _, x := range ts {
			fmt.Fprintf(w, "  %-32s %d\n", word(x.Key), x.N)
		}
	}
	none := func(s string) string {
		if s == "" {
			return t.T("visit.report.none")
		}
		return scan.Clean(s)
	}
	list(t.T("visit.report.days"), r.ByDay, func(s string) string { return tui.DayText(t, s, false) })
	list(t.T("visit.report.topics"), r.ByTopic, topic)
	list(t.T("visit.report.outcomes"), r.ByOutcome, t.Outcome)
	list(t.T("visit.report.municipalities"), r.ByMunicipality, none)
	list(t.T("visit.report.bodies"), r.ByBody, none)
	list(t.T("visit.report.meetings"), r.AtMeetings, func(m string) string { return tui.MeetingText(t, m) })
	fmt.Fprintln(w, t.T("visit.report.followups"), len(r.FollowUps))
	for _, v := range r.FollowUps {
		fmt.Fprintln(w, "  "+followUpText(t, v))
	}
}

func followUpText(t i18n.Catalog, v store.Visit) string {
	return t.DateTime(v.Closed.Local()) + "  " + scan.Clean(v.Name) + "  " + scan.Clean(t.FollowUp(v)) + "  (" + scan.Clean(v.Staff) + ", " + scan.Clean(v.Station) + ")"
}

func (a *app) visitsListCmd() *cobra.Command {
	var sp span
	var out output
	cmd := &cobra.Command{
		Use:   "list",
		Short: "every visit in a span of days, as CSV or a workbook",
		Args:  usageArgs(cobra.NoArgs),
		RunE: a.withStore(func(ctx context.Context, cmd *cobra.Command, _ []string, t i18n.Catalog, st *store.Store) error {
			from, to, err := sp.bounds(time.Now())
			if err != nil {
				return usageError{cmd, err}
			}
			vs, err := st.Visits(ctx, from, to)
			if err != nil {
				return err
			}
			return out.write(cmd, t, a.o.exports, out.fileBase(t, "visits"), export.Visits(out.words(t), out.topics(t, st), vs))
		}),
	}
	sp.register(cmd)
	out.register(cmd.Flags())
	return cmd
}

func (a *app) visitsFollowUpsCmd() *cobra.Command {
	var out output
	var all bool
	cmd := &cobra.Command{
		Use:   "followups",
		Short: "the escalations to IT and training requests for the Kansli still open (--all: every one)",
		Long: `List the visits closed as escalated to IT (with their ticket) or as a
training request for the Kansli (what, for whom), with who asked and when.
The desk's Besøk screen (f, then x) ticks one off when it is done.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: a.withStore(func(ctx context.Context, cmd *cobra.Command, _ []string, t i18n.Catalog, st *store.Store) error {
			vs, err := st.FollowUps(ctx, all)
			if err != nil {
				return err
			}
			if out.excel || out.path != "" || out.codes {
				return out.write(cmd, t, a.o.exports, out.fileBase(t, "followups"), export.FollowUps(out.words(t), vs))
			}
			if len(vs) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), t.T("visit.follow.empty"))
			}
			for _, v := range vs {
				line := followUpText(t, v)
				if !v.FollowedUp.IsZero() {
					line += "  ✓ " + t.DateTime(v.FollowedUp.Local())
				}
				fmt.Fprintln(cmd.OutOrStdout(), line)
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&all, "all", false, "every follow-up, the done ones too")
	out.register(cmd.Flags())
	return cmd
}

func (a *app) visitsMeetingCmd() *cobra.Command {
	var day string
	var off bool
	cmd := &cobra.Command{
		Use:     "meeting [BODY]",
		Short:   "mark this station as at a meeting of BODY (--off: back to office hours), or say which",
		Example: "  dropin visits meeting Kommunestyret\n  dropin visits meeting --off",
		Args:    usageArgs(cobra.MaximumNArgs(1)),
		RunE: a.withStore(func(ctx context.Context, cmd *cobra.Command, args []string, t i18n.Catalog, st *store.Store) error {
			w := cmd.OutOrStdout()
			switch {
			case off:
				if err := st.SetMeeting(ctx, nil); err != nil {
					return err
				}
				fmt.Fprintln(w, t.T("visit.meeting.off"))
			case len(args) == 1:
				m := &store.Meeting{Body: args[0], Day: time.Now().Format(time.DateOnly)}
				if day != "" {
					d, ok := tui.ParseDay(day, time.Now()) // as the desk's form reads it
					if !ok {
						return usageError{cmd, errors.New(t.T("visit.meeting.badday", scan.Clean(day)))}
					}
					m.Day = d
				}
				if err := st.SetMeeting(ctx, m); err != nil {
					if _, ok := store.IsRefusal(err); ok {
						return errors.New(tui.RefusalText(t, err))
					}
					return usageError{cmd, err}
				}
				fmt.Fprintln(w, t.T("visit.meeting.on", scan.Clean(m.Body), tui.DayText(t, m.Day, false)))
			default:
				m, err := st.Meeting(ctx)
				if err != nil {
					return err
				}
				if m == nil {
					fmt.Fprintln(w, t.T("visit.meeting.off"))
				} else {
					fmt.Fprintln(w, t.T("visit.meeting.on", scan.Clean(m.Body), tui.DayText(t, m.Day, false)))
				}
			}
			return nil
		}),
	}
	cmd.Flags().StringVar(&day, "day", "", "the meeting's `day` (2026-04-14, 14.4.2026 or 14.4.; default today)")
	cmd.Flags().BoolVar(&off, "off", false, "the station is back at the desk in office hours")
	return cmd
}

func (a *app) visitsTopicsCmd() *cobra.Command {
	check := checkFileCmd("topics", store.ParseTopics)
	cmd := &cobra.Command{
		Use:   "topics",
		Short: "list the topics visits are filed under (from --topics, topics.txt beside the database, or built in)",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := a.o.catalog()
			if err != nil {
				return err
			}
			topics, err := a.o.loadTopics()
			if err != nil {
				return err
			}
			if topics == nil {
				topics, _ = store.ParseTopics(strings.NewReader(store.DefaultTopics), "default")
			}
			fmt.Fprintf(cmd.OutOrStdout(), "# %s\n", scan.Clean(topics.Source))
			for _, tp := range topics.List {
				fmt.Fprintf(cmd.OutOrStdout(), "%-14s %s\n", tp.Code, tui.TopicText(t, topics, tp.Code))
			}
			return nil
		},
	}
	cmd.AddCommand(check)
	return cmd
}
