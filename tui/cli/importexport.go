package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"dropin/store"
	"dropin/tui"
	"dropin/tui/i18n"
)

func (a *app) importCmd() *cobra.Command {
	var dry bool
	cmd := &cobra.Command{
		Use:   "import [--dry-run] FILE",
		Short: "import the secretariat's roster (CSV as Excel saves it)",
		Long: `Import the secretariat's roster: a CSV file as Excel saves it (';' or ',',
UTF-8 with or without BOM, or Windows-1252). A bad row is reported with its
line and the import changes nothing.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			t, st, err := a.o.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			ros, rep, err := tui.ImportFile(ctx, st, args[0], a.o.actor("import"), dry)
			for _, line := range tui.ImportSummary(t, args[0], ros, rep, err) {
				fmt.Fprintln(cmd.OutOrStdout(), strings.TrimLeft(line, "!+"))
			}
			if err != nil {
				return errQuiet // the summary said why
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&dry, "dry-run", false, "show what would change and change nothing")
	return cmd
}

// csvWords puts an export's headers and coded values in the catalog's
// language.
func csvWords(t i18n.Catalog) func(string) string {
	return func(key string) string { return t.T(key) }
}

func (a *app) exportCmd() *cobra.Command {
	var opt store.CSVOptions
	var codes, all bool
	list := func(use, short string, write func(ctx context.Context, st *store.Store, w io.Writer) error) *cobra.Command {
		return &cobra.Command{
			Use:   use,
			Short: short,
			Args:  usageArgs(cobra.NoArgs),
			RunE: func(cmd *cobra.Command, _ []string) error {
				ctx := cmd.Context()
				t, st, err := a.o.open(ctx)
				if err != nil {
					return err
				}
				defer st.Close()
				if !codes {
					opt.Words = csvWords(t)
				}
				return write(ctx, st, cmd.OutOrStdout())
			},
		}
	}
	cmd := group(&cobra.Command{
		Use:   "export LIST",
		Short: "write a list as CSV to stdout (devices, officials, outstanding, ...)",
		Long: `Write a list as CSV to stdout, in the desk's language (--lang); --codes keeps
stable codes for scripts. --excel writes what Norwegian Excel opens cleanly.`,
		Example: "  dropin export outstanding --excel > utestaaende.csv",
	},
		list("devices", "every tablet, with its official and status", func(ctx context.Context, st *store.Store, w io.Writer) error {
			return st.ExportDevices(ctx, w, opt)
		}),
		list("officials", "every official, with bodies, contact and tablet", func(ctx context.Context, st *store.Store, w io.Writer) error {
			return st.ExportOfficials(ctx, w, opt)
		}),
		list("outstanding", "the officials still to chase", func(ctx context.Context, st *store.Store, w io.Writer) error {
			return st.ExportOutstanding(ctx, w, opt)
		}),
		list("equipment", "per official: entitled to, has, missing (the rules file)", func(ctx context.Context, st *store.Store, w io.Writer) error {
			return st.ExportEquipment(ctx, w, opt)
		}),
		list("holders", "the term-end list: every device an official still holds", func(ctx context.Context, st *store.Store, w io.Writer) error {
			return st.ExportHolders(ctx, w, opt)
		}),
	)
	requests := list("requests [--all]", "help and training asked for at deliveries (open ones)", func(ctx context.Context, st *store.Store, w io.Writer) error {
		return st.ExportRequests(ctx, w, all, opt)
	})
	requests.Flags().BoolVar(&all, "all", false, "done ones too")
	cmd.AddCommand(requests)
	cmd.PersistentFlags().BoolVar(&opt.Excel, "excel", false, "write for Norwegian Excel: ';' separated, UTF-8 with BOM")
	cmd.PersistentFlags().BoolVar(&codes, "codes", false, "headers and values as stable codes (serial, received, yes) for scripts, not in the desk's language")
	return cmd
}
