package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dropin/scan"
	"dropin/store"
	"dropin/tui"
	"dropin/tui/i18n"
)

func (a *app) purgeCmd() *cobra.Command {
	var before string
	sigs := &cobra.Command{
		Use:   "signatures --before DATE",
		Short: "remove the strokes of signatures made before DATE, keeping the fact that each receipt was signed",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if before == "" {
				return usagef(cmd, "give --before YYYY-MM-DD")
			}
			day, ok := localDay(before, time.Now())
			if !ok {
				return usagef(cmd, "--before %q: want a date as YYYY-MM-DD (or 14.4.2026)", scan.Clean(before))
			}
			ctx := cmd.Context()
			t, st, err := a.o.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			recs, err := st.PurgeSignatures(ctx, day)
			if err != nil {
				return err
			}
			// The files showed the drawing too: render them again without it.
			if len(recs) > 0 {
				rs, err := a.o.receipts()
				if err != nil {
					return err
				}
				for _, rec := range recs {
					if _, err := rs.Render(t, rec); err != nil {
						return err
					}
				}
			}
			fmt.Fprintln(cmd.OutOrStdout(), t.T(i18n.One("purge.done", len(recs)), len(recs), t.DateLong(day)))
			return nil
		},
	}
	sigs.Flags().StringVar(&before, "before", "", "remove strokes of signatures made before this `date` (YYYY-MM-DD or 14.4.2026, local time)")
	return group(&cobra.Command{
		Use:   "purge WHAT",
		Short: "remove personal data that is kept no longer than needed",
	}, sigs)
}

func (a *app) syncCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "sync",
		Short: "sync once with the central store (--central, --token; else the desk's settings) and say what moved",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, out := cmd.Context(), cmd.OutOrStdout()
			t, st, err := a.o.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			o := a.o
			o.centralFromSettings(ctx, st)
			if o.central == "" || o.token == "" {
				// Not a usage error: the station has no central store yet.
				fmt.Fprintln(cmd.ErrOrStderr(), t.T("sync.notset"))
				return errQuiet
			}
			if o.stationGiven {
				// Syncing as a station named on purpose makes a new
				// database that station's: the central store binds the
				// station to it, and the desk opened on it later is it.
				if err := o.settleStation(ctx, st, true); err != nil {
					return err
				}
			}
			rep, err := st.Sync(ctx, o.central, o.token, nil)
			if err != nil {
				fmt.Fprintln(out, tui.SyncErrorText(t, err))
				return errQuiet
			}
			fmt.Fprintln(out, t.T(i18n.One("sync.done", rep.Pushed), rep.Pushed, rep.Pulled))
			if rep.InSync {
				fmt.Fprintln(out, t.T("sync.insync", t.Clock(rep.At)))
			} else {
				fmt.Fprintln(out, t.T(i18n.One("sync.waiting", rep.Waiting), rep.Waiting))
			}
			return nil
		},
	}
}

// checkFileCmd checks a file the municipality writes (rules, topics) and
// says what is wrong, by line.
func checkFileCmd[T any](what string, parse func(io.Reader, string) (*T, error)) *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "check a " + what + " file and say what is wrong, by line",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(tui.ExpandHome(args[0]))
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := parse(f, args[0]); err != nil {
				fmt.Fprintln(cmd.ErrOrStderr(), scan.CleanText(err.Error()))
				return errQuiet
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: the %s are fine\n", scan.Clean(args[0]), what)
			return nil
		},
	}
}

// rulesCmd prints the entitlement rules in use, or checks a rules file.
func (a *app) rulesCmd() *cobra.Command {
	check := checkFileCmd("rules", store.ParseRules)
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "print the entitlement rules in use, or check a rules file",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			rules, err := a.o.loadRules()
			if err != nil {
				return err
			}
			if rules.Source == "default" {
				fmt.Fprint(cmd.OutOrStdout(), store.DefaultRules)
				return nil
			}
			b, err := os.ReadFile(rules.Source)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "# from %s\n%s", rules.Source, scan.CleanText(string(b)))
			return nil
		},
	}
	cmd.AddCommand(check)
	return cmd
}

// approveCmd records a body chair's approval (or its withdrawal).
func (a *app) approveCmd() *cobra.Command {
	var body, by string
	var withdraw bool
	cmd := &cobra.Command{
		Use:   "approve EMAIL --body BODY --by NAME [--withdraw]",
		Short: "record a body chair's approval of an official's devices",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if body == "" || strings.TrimSpace(by) == "" {
				return usagef(cmd, "give the --body and who approved (--by)")
			}
			ctx := cmd.Context()
			t, st, err := a.o.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			actor, err := a.o.writer(ctx, st, store.CommandApprove)
			if err != nil {
				return err
			}
			ap, err := st.Approve(ctx, strings.ToLower(strings.TrimSpace(args[0])), body, scan.Clean(by), !withdraw, actor)
			if _, ok := store.IsRefusal(err); ok {
				fmt.Fprintln(cmd.ErrOrStderr(), tui.RefusalText(t, err))
				return errQuiet
			}
			if err != nil {
				return err
			}
			ent, _, err := st.EntitlementOf(ctx, ap.Official)
			if err != nil {
				return err
			}
			name := ap.Official
			if o, err := st.Official(ctx, ap.Official); err == nil && o != nil {
				name = o.Name
			}
			said := "approve.saved"
			if withdraw {
				said = "approve.withdrawn"
			}
			// What was saved, and what the rules give the official now.
			fmt.Fprintln(cmd.OutOrStdout(), t.T(said, scan.Clean(name), scan.Clean(ap.Body), scan.Clean(ap.Approver)), tui.EntitlementText(t, ent))
			return nil
		},
	}
	cmd.Flags().StringVar(&body, "body", "", "the `body` whose chair approves")
	cmd.Flags().StringVar(&by, "by", "", "the `name` of the chair who approved")
	cmd.Flags().BoolVar(&withdraw, "withdraw", false, "withdraw the approval")
	return cmd
}

// conflictsCmd lists the disagreements between desks.
func (a *app) conflictsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "conflicts",
		Short: "the devices two desks disagreed about without seeing each other's step, newest first",
		Long: `List every disagreement between desks that sync has brought together: a
tablet failed at one desk and upgraded at another, a device issued to two
officials, each desk not having seen the other's step. The merge decides
by the agreed order, as always; this says who was overruled, so someone
looks at the device. The tablet's card at the desk says the same.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: a.withStore(func(ctx context.Context, cmd *cobra.Command, _ []string, t i18n.Catalog, st *store.Store) error {
			cs, err := st.Conflicts(ctx)
			if err != nil {
				return err
			}
			if len(cs) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), t.T("conflict.none"))
			}
			for _, c := range cs {
				fmt.Fprintln(cmd.OutOrStdout(), t.T("conflict.cli.head", scan.Clean(c.Serial), scan.Clean(t.Conflict(c, time.Local))))
			}
			return nil
		}),
	}
}
