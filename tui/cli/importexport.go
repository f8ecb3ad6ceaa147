package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"dropin/store"
	"dropin/store/export"
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
			ros, rep, err := st.ImportFile(ctx, args[0], a.o.actor("import"), dry)
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
	var excel, codes, all bool
	list := func(use, short string, build func(ctx context.Context, st *store.Store, words export.Words) (export.Table, error)) *cobra.Command {
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
				words := export.Words(csvWords(t))
				if codes {
					words = nil
				}
				table, err := build(ctx, st, words)
				if err != nil {
					return err
				}
				return export.WriteCSV(cmd.OutOrStdout(), table, excel)
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
		list("devices", "every tablet, with its official and status", export.Devices),
		list("officials", "every official, with bodies, contact and tablet", export.Officials),
		list("outstanding", "the officials still to chase", export.Outstanding),
		list("equipment", "per official: entitled to, has, missing (the rules file)", export.Equipment),
		list("holders", "the term-end list: every device an official still holds", export.Holders),
	)
	requests := list("requests [--all]", "help and training asked for at deliveries (open ones)", func(ctx context.Context, st *store.Store, words export.Words) (export.Table, error) {
		return export.Requests(ctx, st, words, all)
	})
	requests.Flags().BoolVar(&all, "all", false, "done ones too")
	cmd.AddCommand(requests)
	cmd.PersistentFlags().BoolVar(&excel, "excel", false, "write for Norwegian Excel: ';' separated, UTF-8 with BOM")
	cmd.PersistentFlags().BoolVar(&codes, "codes", false, "headers and values as stable codes (serial, received, yes) for scripts, not in the desk's language")
	return cmd
}
