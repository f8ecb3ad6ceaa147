package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"dropin/scan"
	"dropin/store"
	"dropin/store/export"
	"dropin/tui"
	"dropin/tui/i18n"
)

// batchCmd is the secretariat's batch intake from a shell.
func (a *app) batchCmd() *cobra.Command {
	return group(&cobra.Command{
		Use:   "batch COMMAND",
		Short: "batch intake: tablets collected in bulk, read from a file of scans",
	}, a.batchImportCmd(), a.batchListCmd(),
		a.batchStepCmd("sent-to-it NAME", "all received tablets of the batch are now upgrading"),
		a.batchStepCmd("upgraded NAME [--failed SERIAL=REASON ...]", "all upgrading tablets are upgraded, except those that --failed names"),
		a.batchStepCmd("close NAME", "close the batch"),
		a.batchReportCmd())
}

// onBatch runs do on the batch args[0] names, with the store and words.
func (a *app) onBatch(cmd *cobra.Command, args []string, do func(t i18n.Catalog, st *store.Store, b store.Batch) error) error {
	ctx := cmd.Context()
	t, st, err := a.o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	b, err := st.FindBatch(ctx, args[0])
	if errors.Is(err, store.ErrNoBatch) {
		return errors.New(t.T("batch.nosuch", scan.Clean(args[0])))
	}
	if err != nil {
		return fmt.Errorf("batch %q: %w", args[0], err)
	}
	return do(t, st, b)
}

// completeBatch offers the names of the database's batches.
func (a *app) completeBatch(cmd *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	st, err := openStore(cmd.Context(), a.o)
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	defer st.Close()
	bs, err := st.Batches(cmd.Context())
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var names []string
	for _, b := range bs {
		if !b.Closed {
			names = append(names, scan.Clean(b.Name))
		}
	}
	return names, cobra.ShellCompDirectiveNoFileComp
}

// scopeInWords says a municipality or a body the roster does not have
// (a batch's scope, a reminder's filter) in the desk's words, with what
// the roster has; any other error is err.
func scopeInWords(t i18n.Catalog, err error) error {
	if scope := (*store.ScopeError)(nil); errors.As(err, &scope) {
		return errors.New(tui.ScopeText(t, scope))
	}
	return err
}

func (a *app) batchImportCmd() *cobra.Command {
	var name, itDate, municipality, body string
	cmd := &cobra.Command{
		Use:   "import --name NAME [--it-date D] [--municipality M] [--body B] FILE",
		Short: "batch intake from a file of scanner reads, one per line",
		Long: `Read a file of scanner reads, one per line, into the batch --name names (an
open batch of that name is continued, else a new one opens). Reads that are not
new to the batch (unknown, read twice, invalid) are listed, then the counts.`,
		Args: usageArgs(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if name == "" && len(args) == 2 {
				name, args = args[0], args[1:]
			}
			if name == "" || len(args) != 1 {
				return usagef(cmd, "give the batch's --name and one file of reads")
			}
			ctx := cmd.Context()
			out := cmd.OutOrStdout()
			t, st, err := a.o.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			if msg, ok := tui.CheckITDate(t, itDate, time.Now()); !ok {
				return errors.New(msg) // before anything is read or opened
			}
			raws, err := readLines(tui.ExpandHome(args[0]))
			if err != nil {
				return err
			}
			by, err := a.o.writer(ctx, st, store.CommandBatch)
			if err != nil {
				return err
			}
			b, err := st.FindBatch(ctx, name)
			if errors.Is(err, store.ErrNoBatch) || err == nil && b.Closed {
				b, err = st.OpenBatch(ctx, store.BatchSpec{Name: name, ITDate: itDate, Municipality: municipality, Body: body}, by)
			}
			if err != nil {
				return scopeInWords(t, err)
			}
			reads, err := st.ReadBatch(ctx, b.ID, raws, by)
			if err != nil {
				return err
			}
			for _, r := range reads {
				if r.Class != store.ReadNew {
					fmt.Fprintln(out, tui.ReadText(t, r))
				}
			}
			if b, err = st.Batch(ctx, b.ID); err != nil {
				return err
			}
			fmt.Fprintf(out, "%s\n%s\n", tui.BatchTitle(t, b), tui.BatchCounts(t, b))
			return nil
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "the batch's `name`, e.g. \"Kommunestyret, samlet inn 2. april\" (an open batch of that name is continued)")
	cmd.Flags().StringVar(&itDate, "it-date", "", "the `date` agreed with IT")
	cmd.Flags().StringVar(&municipality, "municipality", "", "the `municipality` whose tablets the batch collects (default: every one)")
	cmd.Flags().StringVar(&body, "body", "", "the `body` whose tablets the batch collects (default: the whole roster; with --municipality, its body of that name)")
	cmd.RegisterFlagCompletionFunc("name", func(cmd *cobra.Command, _ []string, s string) ([]string, cobra.ShellCompDirective) {
		return a.completeBatch(cmd, nil, s)
	})
	return cmd
}

// readLines reads a file of scanner reads, one per line; blank lines are
// not reads.
func readLines(path string) ([]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, strings.TrimRight(l, "\r"))
		}
	}
	return out, nil
}

func (a *app) batchListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "every batch with its counts",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, st, err := a.o.open(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			bs, err := st.Batches(cmd.Context())
			if err != nil {
				return err
			}
			for _, b := range bs {
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n  %s\n", tui.BatchTitle(t, b), tui.BatchCounts(t, b))
			}
			return nil
		},
	}
}

// batchStepCmd is one of the steps taken on a whole batch: sent-to-it,
// upgraded, close.
func (a *app) batchStepCmd(use, short string) *cobra.Command {
	failed := failedFlag{}
	cmd := &cobra.Command{
		Use:               use,
		Short:             short,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: a.completeBatch,
	}
	verb := cmd.Name()
	if verb == "upgraded" {
		cmd.Flags().Var(failed, "failed", "`SERIAL=REASON` of a tablet that failed (repeat for each)")
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		return a.onBatch(cmd, args, func(t i18n.Catalog, st *store.Store, b store.Batch) error {
			ctx, out := cmd.Context(), cmd.OutOrStdout()
			by, err := a.o.writer(ctx, st, store.CommandBatch)
			if err != nil {
				return err
			}
			var res store.BulkResult
			switch verb {
			case "close":
				if err = st.CloseBatch(ctx, b.ID, by); err == nil {
					fmt.Fprintln(out, t.T("batch.closedmsg", scan.Clean(b.Name)))
					return nil
				}
			case "sent-to-it":
				res, err = st.SentToIT(ctx, b.ID, by)
			default:
				res, err = st.Upgraded(ctx, b.ID, failed, by)
			}
			if _, refused := store.IsRefusal(err); refused || errors.Is(err, store.ErrNotInBatch) || errors.Is(err, store.ErrBatchClosed) {
				return errors.New(tui.BatchErrorText(t, err)) // words, as the desk says them
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(out, t.T("batch.bulk", res.Moved, res.Failed, len(res.Skipped)))
			return nil
		})
	}
	return cmd
}

// failedFlag collects --failed SERIAL=REASON.
type failedFlag map[string]string

func (f failedFlag) String() string { return "" }
func (f failedFlag) Type() string   { return "SERIAL=REASON" }
func (f failedFlag) Set(v string) error {
	serial, reason, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(reason) == "" {
		return errors.New("want SERIAL=REASON")
	}
	s, err := scan.Parse(serial)
	if err != nil {
		return err
	}
	if _, twice := f[s]; twice {
		return fmt.Errorf("%s is named twice: one reason a tablet", s)
	}
	f[s] = strings.TrimSpace(reason)
	return nil
}

func (a *app) batchReportCmd() *cobra.Command {
	var csvOut bool
	var out output
	cmd := &cobra.Command{
		Use:   "report [--csv | --excel [-o FILE]] NAME",
		Short: "counts per outcome, the tablets, the officials still missing",
		Long: `The batch's report: its counts, the tablets it took in and their status,
and the officials still missing. On the terminal as text; --csv writes it
as one CSV for scripts; --excel as a workbook with a sheet for each part,
to -o FILE or a new file named for the batch and the day.`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: a.completeBatch,
		RunE: func(cmd *cobra.Command, args []string) error {
			if csvOut && out.excel {
				return usageError{cmd, errors.New("--csv or --excel, not both")}
			}
			return a.onBatch(cmd, args, func(t i18n.Catalog, st *store.Store, b store.Batch) error {
				ctx := cmd.Context()
				base := out.fileBase(t, "batch") + "-" + fileWord(b.Name)
				switch {
				case out.excel:
					parts, err := export.BatchParts(ctx, st, out.words(t), b)
					if err != nil {
						return err
					}
					return out.write(cmd, t, a.o.exports, base, parts...)
				case csvOut || out.path != "":
					table, err := export.Batch(ctx, st, out.words(t), b)
					if err != nil {
						return err
					}
					return out.write(cmd, t, a.o.exports, base, table)
				}
				members, err := st.Members(ctx, b.ID)
				if err != nil {
					return err
				}
				missing, err := st.Missing(ctx, b)
				if err != nil {
					return err
				}
				for _, line := range tui.BatchReport(t, b, members, missing) {
					fmt.Fprintln(cmd.OutOrStdout(), line)
				}
				return nil
			})
		},
	}
	cmd.Flags().BoolVar(&csvOut, "csv", false, "write the report as CSV")
	out.register(cmd.Flags())
	return cmd
}

// fileWord makes a name part of a file name: lower case, letters and
// digits (æøå too) kept, everything else a single '-'.
func fileWord(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}
