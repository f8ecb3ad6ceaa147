// Package cli is dropin's command line: the desk, and a command per file
// for what is done from a shell (import, export, batch, receipt, sync,
// serve, ...). Each command declares its flags and help once, on cobra;
// the flags every command shares live on the root and default to their
// environment variables.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"dropin/scan"
)

// Exit codes: 0 done, 1 failed, 2 called wrongly.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// errQuiet fails the command after it has said why itself.
var errQuiet = errors.New("failed")

// usageError is an error in how dropin was called; it exits with 2.
type usageError struct {
	cmd *cobra.Command
	err error
}

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(cmd *cobra.Command, format string, args ...any) error {
	return usageError{cmd, fmt.Errorf(format, args...)}
}

// Run runs dropin with args (without the program's name), writing to
// stdout and stderr and reading its environment through getenv, and
// returns the exit code. version is what `dropin version` says.
func Run(ctx context.Context, version string, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	a := &app{version: version, getenv: getenv, o: defaults(getenv)}
	root := newRoot(a)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetIn(nil)
	err := root.ExecuteContext(ctx)
	var ue usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.Is(err, errQuiet):
		return ExitFail
	case errors.As(err, &ue):
		name := "dropin"
		if ue.cmd != nil {
			name = ue.cmd.CommandPath()
		}
		fmt.Fprintf(stderr, "%s: %s\nRun '%s --help' for usage.\n", name, scan.Clean(ue.err.Error()), name)
		return ExitUsage
	}
	text := err.Error()
	if t, terr := a.o.catalog(); terr == nil {
		if said, ok := inWords(t, err); ok {
			text = said
		}
	}
	// An error of several lines (every setting a message lacks, say) is
	// said a line each, each line cleaned of what a terminal would run.
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintln(stderr, "dropin:", scan.Clean(line))
	}
	return ExitFail
}

// app is what every command shares: the shared flags' values, the
// environment and the version.
type app struct {
	o       options
	remind  reminding
	getenv  func(string) string
	version string
}

func newRoot(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "dropin",
		Short: "the drop-in desk for elected officials' tablets",
		Long: `dropin: the drop-in desk for elected officials' tablets.

Run without a command, it opens the desk: check tablets in by serial with a
barcode scanner, move each through its upgrade, print and sign receipts.
The commands below do from a shell what the secretariat and IT need.`,
		Args:          usageArgs(cobra.NoArgs),
		SilenceErrors: true,
		SilenceUsage:  true,
		Version:       versionString(a.version),
		RunE:          func(cmd *cobra.Command, _ []string) error { return a.runDesk(cmd.Context()) },
		PersistentPreRun: func(*cobra.Command, []string) {
			a.o.settle()
		},
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError{cmd, err} })
	a.o.register(root)
	a.remind.defaults(a.getenv)
	a.remind.register(root)
	root.AddGroup(&cobra.Group{ID: "desk", Title: "The desk's work:"}, &cobra.Group{ID: "central", Title: "The central store:"},
		&cobra.Group{ID: "dev", Title: "Measuring and developing:"})
	for _, c := range []*cobra.Command{a.importCmd(), a.exportCmd(), a.batchCmd(), a.receiptCmd(), a.approveCmd(),
		a.rulesCmd(), a.purgeCmd(), a.remindCmd(), a.visitsCmd(), a.conflictsCmd()} {
		c.GroupID = "desk"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{a.syncCmd(), a.serveCmd()} {
		c.GroupID = "central"
		root.AddCommand(c)
	}
	for _, c := range []*cobra.Command{a.devCmd(), a.benchCmd()} {
		c.GroupID = "dev"
		root.AddCommand(c)
	}
	root.AddCommand(&cobra.Command{
		Use:   "version",
		Short: "print the version and exit",
		Args:  usageArgs(cobra.NoArgs),
		Run:   func(cmd *cobra.Command, _ []string) { fmt.Fprintln(cmd.OutOrStdout(), versionString(a.version)) },
	})
	return root
}

// usageArgs makes an argument check's complaint a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usageError{cmd, err}
		}
		return nil
	}
}

// group makes cmd a command that only holds others: run bare, it shows its
// help and fails as wrongly called; given an unknown word, it says so.
func group(cmd *cobra.Command, subs ...*cobra.Command) *cobra.Command {
	cmd.Args = usageArgs(cobra.NoArgs)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		cmd.SetOut(cmd.ErrOrStderr())
		cmd.Help()
		return usageError{cmd, errors.New("name a command")}
	}
	cmd.AddCommand(subs...)
	return cmd
}

func versionString(v string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				v += " (" + s.Value[:12] + ")"
			}
		}
	}
	return fmt.Sprintf("dropin %s %s %s/%s", v, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
