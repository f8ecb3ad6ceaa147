package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"dropin/scan"
	"dropin/store"
	"dropin/store/export"
	"dropin/store/remind"
	"dropin/tui"
	"dropin/tui/i18n"
)

func (a *app) importCmd() *cobra.Command {
	var dry bool
	cmd := &cobra.Command{
		Use:   "import [--dry-run] FILE",
		Short: "import the secretariat's roster (an Excel workbook, or CSV as Excel saves it)",
		Long: `Import the secretariat's roster: an Excel workbook (.xlsx, the sheet it was
saved on), or a CSV file as Excel saves it (';' or ',', UTF-8 with or without
BOM, or Windows-1252). A bad row is reported with its line (a workbook's row)
and the import changes nothing.`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			t, st, err := a.o.open(ctx)
			if err != nil {
				return err
			}
			defer st.Close()
			by := a.o.actor(store.CommandImport)
			if !dry {
				if by, err = a.o.writer(ctx, st, store.CommandImport); err != nil {
					return err
				}
			}
			ros, rep, err := st.ImportFile(ctx, tui.ExpandHome(args[0]), by, dry)
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

// output is where an export goes: CSV to stdout or -o FILE for scripts;
// with --excel a workbook to -o FILE, or to a new file named for what it
// holds and the day.
type output struct {
	path  string
	excel bool
	codes bool
}

func (o *output) register(fs *pflag.FlagSet) {
	fs.BoolVar(&o.excel, "excel", false, "write an Excel workbook (.xlsx): to -o FILE, or to a new file named for the list and the day")
	fs.StringVarP(&o.path, "output", "o", "", "write to `file` (- is stdout); a CSV goes to stdout without it")
	fs.BoolVar(&o.codes, "codes", false, "headers and values as stable codes (serial, received, yes) for scripts, not in the desk's language")
}

// words is the export's words: the catalog's, or nil for --codes.
func (o output) words(t i18n.Catalog) export.Words {
	if o.codes {
		return nil
	}
	return csvWords(t)
}

// write writes an export: a CSV of the one table, or a workbook of them
// all (a sheet each). base names a chosen file ("utestaende") in dir
// (--exports; "" is the current folder); the command line says where a
// workbook went.
func (o output) write(cmd *cobra.Command, t i18n.Catalog, dir, base string, tables ...export.Table) error {
	stdout := cmd.OutOrStdout()
	path := tui.ExpandHome(o.path)
	if !o.excel {
		w := func(out io.Writer) error { return export.WriteCSV(out, tables[0]) }
		if path == "" || path == "-" {
			return w(stdout)
		}
		if err := export.WriteFile(path, w); err != nil {
			return errors.New(t.T("export.failed", path, err))
		}
		return nil
	}
	w := func(out io.Writer) error {
		return export.WriteXLSX(out, export.Format{DateTime: t.SheetDateTime()}, tables...)
	}
	var err error
	switch path {
	case "-":
		if isTerminal(stdout) {
			return errors.New(t.T("export.terminal"))
		}
		return w(stdout)
	case "":
		path, err = export.SaveNew(dir, base, time.Now(), ".xlsx", w)
	default:
		err = export.WriteFile(path, w)
	}
	if err != nil {
		return errors.New(t.T("export.failed", scan.Clean(path), err))
	}
	fmt.Fprintln(stdout, t.T("export.saved", scan.Clean(path)))
	return nil
}

// fileBase is the start of a chosen file's name: the list in the
// export's words ("utestaende"), or its code with --codes.
func (o output) fileBase(t i18n.Catalog, code string) string {
	if o.codes {
		return code
	}
	return t.T("file." + code)
}

// isTerminal says whether w is a terminal: a workbook is never written
// to one.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func (a *app) exportCmd() *cobra.Command {
	var out output
	var all bool
	list := func(use, code, short string, build func(ctx context.Context, st *store.Store, words export.Words) (export.Table, error)) *cobra.Command {
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
				table, err := build(ctx, st, out.words(t))
				if err != nil {
					return err
				}
				return out.write(cmd, t, a.o.exports, out.fileBase(t, code), table)
			},
		}
	}
	cmd := group(&cobra.Command{
		Use:   "export LIST",
		Short: "write a list as CSV, or as an Excel workbook (devices, officials, outstanding, ...)",
		Long: `Write a list in the desk's language (--lang); --codes keeps stable codes for
scripts. Without --excel it is CSV, to stdout or -o FILE. With --excel it is
an Excel workbook (.xlsx) with serials and phone numbers as text and times
as dates: to -o FILE, or to a new file in this folder named for the list and
the day (utestaende-2026-12-04.xlsx), never over one that exists.`,
		Example: "  dropin export outstanding --excel\n  dropin export devices --excel -o ~/Dokumenter/nettbrett.xlsx\n  dropin export devices --codes > devices.csv",
	},
		list("devices", "devices", "every tablet, with its official and status", export.Devices),
		list("officials", "officials", "every official, with bodies, contact and tablet", export.Officials),
		list("outstanding", "outstanding", "the officials still to chase", export.Outstanding),
		list("equipment", "equipment", "per official: entitled to, has, missing (the rules file)", export.Equipment),
		list("holders", "holders", "the term-end list: every device an official still holds", export.Holders),
		list("reminders", "reminders", "the officials to chase: phone, the address a reminder goes to, last reminded (for SMS or a mail merge)",
			func(ctx context.Context, st *store.Store, words export.Words) (export.Table, error) {
				list, err := st.Outstanding(ctx)
				if err != nil {
					return export.Table{}, err
				}
				plan, err := remind.Plan(ctx, st, list, time.Duration(a.remind.every)*24*time.Hour, time.Now())
				return export.Reminders(words, plan), err
			}),
	)
	// A list name it does not know is said in the desk's words, with
	// the lists there are; no name is answered as for every group.
	groupRun := cmd.RunE
	cmd.Args = cobra.ArbitraryArgs
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return groupRun(cmd, args)
		}
		t, err := a.o.catalog()
		if err != nil {
			return err
		}
		var names []string
		for _, c := range cmd.Commands() {
			if c.IsAvailableCommand() {
				names = append(names, c.Name())
			}
		}
		return usageError{cmd, errors.New(t.T("export.unknown", scan.Clean(args[0]), strings.Join(names, ", ")))}
	}

	requests := list("requests [--all]", "requests", "help and training asked for at deliveries (open ones)", func(ctx context.Context, st *store.Store, words export.Words) (export.Table, error) {
		return export.Requests(ctx, st, words, all)
	})
	requests.Flags().BoolVar(&all, "all", false, "done ones too")
	cmd.AddCommand(requests)
	out.register(cmd.PersistentFlags())
	return cmd
}
