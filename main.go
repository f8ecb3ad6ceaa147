// Command dropin is the drop-in IT desk for elected officials' tablets:
// check tablets in by serial, move them through their upgrade, and export
// the picture for the secretariat.
//
//	dropin [flags]                 open the desk
//	dropin import FILE             import the secretariat's roster
//	dropin export devices          write every tablet as CSV to stdout
//	dropin version                 print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/receipt"
	"dropin/scan"
	"dropin/store"
	"dropin/store/central"
	"dropin/tui"
	"dropin/tui/i18n"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

// options are the flags every command shares; each defaults to its
// environment variable, then to a sensible value.
type options struct {
	db      string
	station string
	staff   string
	lang    string
	scanGap time.Duration
	printer string
	paper   string
	central string // the sync service's URL
	token   string // this station's token there
	rules   string // the entitlement rules file
}

func defaults(getenv func(string) string) options {
	o := options{
		db:      getenv("DROPIN_DB"),
		station: getenv("DROPIN_STATION"),
		staff:   getenv("DROPIN_STAFF"),
		lang:    getenv("DROPIN_LANG"),
		printer: getenv("DROPIN_PRINTER"),
		paper:   getenv("DROPIN_PAPER"),
		central: getenv("DROPIN_CENTRAL"),
		token:   getenv("DROPIN_TOKEN"),
		rules:   getenv("DROPIN_RULES"),
	}
	if o.lang == "" {
		o.lang = localeLang(getenv)
	}
	if o.db == "" {
		o.db = filepath.Join(dataDir(getenv), "dropin.db")
	}
	if o.station == "" {
		o.station, _ = os.Hostname()
	}
	if d, err := time.ParseDuration(getenv("DROPIN_SCAN_GAP")); err == nil {
		o.scanGap = d
	}
	return o
}

// localeLang picks Swedish when the user's locale is Swedish (LC_ALL,
// LC_MESSAGES or LANG, the first set, as POSIX reads them); otherwise the
// desk's default, bokmål.
func localeLang(getenv func(string) string) string {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			if strings.HasPrefix(strings.ToLower(v), "sv") {
				return "sv"
			}
			return ""
		}
	}
	return ""
}

// register adds the shared flags to fs, with o's current values as
// defaults, so they work before or after a subcommand.
func (o *options) register(fs *flag.FlagSet) {
	fs.StringVar(&o.db, "db", o.db, "database `file` (env DROPIN_DB)")
	fs.StringVar(&o.station, "station", o.station, "this desk's `name` (env DROPIN_STATION; default the host name)")
	fs.StringVar(&o.staff, "staff", o.staff, "the `initials` of who is working (env DROPIN_STAFF; asked for when empty)")
	fs.StringVar(&o.lang, "lang", o.lang, "`language`: nb (bokmål, default), sv (Swedish; default when LANG is sv_*) or en (env DROPIN_LANG)")
	fs.DurationVar(&o.scanGap, "scan-gap", o.scanGap, "largest `gap` between a scanner's keys (env DROPIN_SCAN_GAP; default 50ms)")
	fs.StringVar(&o.printer, "printer", o.printer, "the CUPS `queue` receipts print on (env DROPIN_PRINTER; none: receipts are only saved as files)")
	fs.StringVar(&o.paper, "paper", o.paper, "receipt `paper`: a4 or slip (80 mm) (env DROPIN_PAPER; default a4)")
	fs.StringVar(&o.central, "central", o.central, "the sync service's `URL` (env DROPIN_CENTRAL; none: the desk works alone)")
	fs.StringVar(&o.token, "token", o.token, "this station's `token` for the sync service (env DROPIN_TOKEN)")
	fs.StringVar(&o.rules, "rules", o.rules, "the entitlement rules `file` (env DROPIN_RULES; default rules.txt beside the database, else the guideline's rules)")
}

// actor is who a command acts as: --staff, or what the command is.
func (o options) actor(command string) store.Actor {
	staff := o.staff
	if staff == "" {
		staff = command
	}
	return store.Actor{Station: o.station, Staff: staff}
}

// loadRules reads the entitlement rules: --rules, else rules.txt beside
// the database, else the guideline's rules built in. A rules file that
// is named but missing, or has a bad line, stops the command.
func (o options) loadRules() (*store.Rules, error) {
	path := o.rules
	if path == "" {
		path = filepath.Join(filepath.Dir(o.db), "rules.txt")
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return store.MustDefaultRules(), nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	defer f.Close()
	return store.ParseRules(f, path)
}

// receipts opens the station's receipt keys and folder, beside the
// database: keys/ (the private key, mode 0600, and trusted.keys) and
// receipts/ (PDF and PNG files).
func (o options) receipts(keyrings ...string) (*tui.Receipts, error) {
	paper, err := receipt.ParsePaper(o.paper)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(o.db)
	return tui.OpenReceipts(filepath.Join(dir, "keys"), filepath.Join(dir, "receipts"),
		receipt.Printer{Name: o.printer, Paper: paper}, keyrings...)
}

// catalog is the user's language (--lang, DROPIN_LANG; bokmål by default).
func (o options) catalog() (i18n.Catalog, error) {
	lang, err := i18n.Parse(o.lang)
	return i18n.New(lang), err
}

// open is how a command that reads or writes the desk's data begins: the
// user's language, then the database.
func (o options) open(ctx context.Context) (i18n.Catalog, *store.Store, error) {
	t, err := o.catalog()
	if err != nil {
		return t, nil, err
	}
	st, err := openStore(ctx, o)
	return t, st, err
}

// flags makes the flag set of a subcommand, with the shared flags on it.
func (o *options) flags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.register(fs)
	return fs
}

// dataDir is where the database lives: $XDG_DATA_HOME/dropin, or the
// platform's equivalent.
func dataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "dropin")
	}
	home, _ := os.UserHomeDir()
	switch runtime.GOOS {
	case "darwin":
		return filepath.Join(home, "Library", "Application Support", "dropin")
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "dropin")
		}
	}
	return filepath.Join(home, ".local", "share", "dropin")
}

// stateDir is where the log goes: $XDG_STATE_HOME/dropin.
func stateDir(getenv func(string) string) string {
	if d := getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "dropin")
	}
	if runtime.GOOS != "linux" {
		return dataDir(getenv)
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "state", "dropin")
}

const usage = `dropin: the drop-in desk for elected officials' tablets.

Usage:
  dropin [flags]                      open the desk
  dropin import [--dry-run] FILE      import the secretariat's roster (CSV from Excel)
  dropin export devices [--excel]     every tablet, with its official and status, as CSV
  dropin export officials [--excel]   every official, with bodies, contact and tablet, as CSV
  dropin export outstanding [--excel] the officials still to chase, as CSV
  dropin export equipment [--excel]   per official: entitled to, has, missing (the rules file)
  dropin export holders [--excel]     the term-end list: every device an official still holds
  dropin export requests [--all] [--excel]
                                      help and training asked for at deliveries (open ones)
                                      exports speak the desk's language (--lang); --codes keeps codes
  dropin rules [check FILE]           the entitlement rules in use, or check a rules file
  dropin approve EMAIL --body B --by NAME [--withdraw]
                                      record a body chair's approval of an official's devices
  dropin batch import --name NAME [--it-date D] [--body B] FILE
                                      batch intake from a file of scanner reads, one per line
  dropin batch list                   every batch with its counts
  dropin batch sent-to-it NAME        all received tablets of the batch are now upgrading
  dropin batch upgraded NAME [--failed SERIAL=REASON ...]
                                      all upgrading tablets are upgraded, except these, which failed
  dropin batch close NAME             close the batch
  dropin batch report [--csv] NAME    counts per outcome, the tablets, the officials still missing
  dropin receipt show NUMBER|SERIAL   a receipt as text and QR code, and where its files are
  dropin receipt print NUMBER|SERIAL  print a receipt (--printer, --paper)
  dropin receipt verify TOKEN         check a receipt's code offline and say what it attests
  dropin receipt key                  this station's public key, for other desks' trusted.keys
  dropin purge signatures --before DATE
                                      remove the strokes of signatures made before DATE (YYYY-MM-DD),
                                      keeping the fact that each receipt was signed
  dropin sync                         sync once with the central store (--central, --token) and say what moved
  dropin serve --pg DSN --listen ADDR [--tls-cert F --tls-key F]
                                      run the central sync service on PostgreSQL
  dropin serve station add NAME --tenant T | revoke NAME | list
                                      manage the stations allowed to sync (a token is shown once)
  dropin dev seed [--tablets N] [--events N] [--seed N]
                                      fill an empty database with a generated county, for measuring
  dropin bench [--tablets N]          seed a county (cached) and print the figures against their goals
  dropin version                      print the version and exit

Flags (before or after the command):
`

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr, os.Getenv))
}

// errUsage marks an error in how dropin was called; it exits with 2.
var errUsage = errors.New("usage")

// errQuiet fails the command after it has said why itself.
var errQuiet = errors.New("failed")

func run(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) int {
	err := dispatch(ctx, args, stdout, stderr, getenv)
	switch {
	case err == nil || errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errQuiet):
		return 1
	}
	fmt.Fprintln(stderr, "dropin:", scan.Clean(err.Error()))
	return 1
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	o := defaults(getenv)
	fs := flag.NewFlagSet("dropin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o.register(fs)
	var showVersion bool
	fs.BoolVar(&showVersion, "version", false, "print the version and exit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageErr(err)
	}
	if showVersion {
		fmt.Fprintln(stdout, versionString())
		return nil
	}
	args = fs.Args()
	if len(args) == 0 {
		return runDesk(ctx, o, getenv)
	}
	switch args[0] {
	case "version":
		fmt.Fprintln(stdout, versionString())
		return nil
	case "export":
		return runExport(ctx, o, args[1:], stdout, stderr)
	case "import":
		return runImport(ctx, o, args[1:], stdout, stderr)
	case "batch":
		return runBatch(ctx, o, args[1:], stdout, stderr)
	case "receipt":
		return runReceipt(ctx, o, args[1:], stdout, stderr)
	case "purge":
		return runPurge(ctx, o, args[1:], stdout, stderr)
	case "rules":
		return runRules(o, args[1:], stdout, stderr)
	case "dev":
		return runDev(ctx, o, args[1:], stdout, stderr)
	case "bench":
		return runBench(ctx, o, args[1:], stdout, stderr, getenv)
	case "approve":
		return runApprove(ctx, o, args[1:], stdout, stderr)
	case "sync":
		return runSync(ctx, o, args[1:], stdout, stderr)
	case "serve":
		return runServe(ctx, o, args[1:], stdout, stderr, getenv)
	case "help":
		fs.SetOutput(stdout)
		fs.Usage()
		return nil
	}
	fmt.Fprintf(stderr, "dropin: unknown command %q\n\n", scan.Clean(args[0]))
	fs.Usage()
	return errUsage
}

// csvWords puts an export's headers and coded values in the catalog's
// language.
func csvWords(t i18n.Catalog) func(string) string {
	return func(key string) string { return t.T(key) }
}

func usageErr(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	return errUsage // the flag package has printed what was wrong
}

func versionString() string {
	v := version
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

// openStore opens the database and says in plain words what to do when
// that fails.
// openStore opens the database for a command, once the check of every
// page has passed: a command never works on a damaged database.
func openStore(ctx context.Context, o options) (*store.Store, error) {
	st, err := openUnchecked(ctx, o)
	if err != nil {
		return nil, err
	}
	if err := st.Health(ctx); err != nil {
		st.Close()
		return nil, damaged(o, err)
	}
	return st, nil
}

func damaged(o options, err error) error {
	return fmt.Errorf("%s is not a dropin database, or it is damaged; restore it from a backup or start a new one with --db (%w)", o.db, err)
}

// openUnchecked opens the database at once; the check of every page runs
// on and writes wait for it. The desk uses it to draw its first frame
// without waiting for a county's database to be read through.
func openUnchecked(ctx context.Context, o options) (*store.Store, error) {
	rules, err := o.loadRules()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, o.db)
	if errors.Is(err, store.ErrNotDatabase) {
		return nil, damaged(o, err)
	}
	if err != nil {
		return nil, err
	}
	st.SetRules(rules)
	return st, nil
}

func runDesk(ctx context.Context, o options, getenv func(string) string) error {
	lang, err := i18n.Parse(o.lang)
	if err != nil {
		return err
	}
	staff := ""
	if o.staff != "" {
		var ok bool
		if staff, ok = tui.ValidInitials(o.staff); !ok {
			return fmt.Errorf("--staff %q: initials are 1-8 letters", o.staff)
		}
	}
	if strings.TrimSpace(o.station) == "" {
		return errors.New("no station name: give one with --station or DROPIN_STATION")
	}
	st, err := openUnchecked(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	logger, closeLog := openLog(getenv)
	defer closeLog()
	// The printer: a flag or the environment wins, else the desk's settings.
	fixed := o.printer != ""
	if !fixed {
		if o.printer, err = st.Setting(ctx, tui.SettingPrinter); err != nil {
			return err
		}
		if o.paper == "" {
			if o.paper, err = st.Setting(ctx, tui.SettingPaper); err != nil {
				return err
			}
		}
	}
	rs, err := o.receipts()
	if err != nil {
		return err
	}
	logger.Info("desk opened", "db", o.db, "station", o.station, "version", version, "key", rs.Key.ID, "printer", o.printer)
	// Where to sync: a flag or the environment wins, else the settings.
	syncFixed := o.central != ""
	if !syncFixed {
		o.central, _ = st.Setting(ctx, tui.SettingCentral)
		o.token, _ = st.Setting(ctx, tui.SettingToken)
	}
	target := tui.NewSyncTarget(o.central, o.token)
	m := tui.New(tui.Config{Store: st, Station: o.station, Staff: staff, Lang: lang, ScanGap: o.scanGap, Log: logger,
		Receipts: rs, PrinterFixed: fixed, Sync: target, SyncFixed: syncFixed})
	p := tea.NewProgram(m, tea.WithContext(ctx))
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go tui.SyncLoop(sctx, p.Send, st, target, 5*time.Second)
	go func() {
		if err := st.Health(sctx); err != nil && sctx.Err() == nil {
			p.Send(tui.DamagedMsg{Err: err})
		}
	}()
	_, err = p.Run()
	return err
}

// openLog opens the log file in the state directory. The desk draws on the
// terminal, so logs never go there; if the file cannot be opened, logs are
// dropped rather than stopping the desk.
func openLog(getenv func(string) string) (*slog.Logger, func()) {
	dir := stateDir(getenv)
	if err := os.MkdirAll(dir, 0o700); err == nil {
		f, err := os.OpenFile(filepath.Join(dir, "dropin.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err == nil {
			return slog.New(slog.NewTextHandler(f, nil)), func() { f.Close() }
		}
	}
	return slog.New(slog.DiscardHandler), func() {}
}

func runExport(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	fs := o.flags("dropin export", stderr)
	var opt store.CSVOptions
	var codes, all bool
	fs.BoolVar(&opt.Excel, "excel", false, "write for Norwegian Excel: ';' separated, UTF-8 with BOM")
	fs.BoolVar(&codes, "codes", false, "headers and values as stable codes (serial, received, yes) for scripts, not in the desk's language")
	fs.BoolVar(&all, "all", false, "requests: done ones too")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: dropin export devices|officials|outstanding|equipment|holders|requests [--excel] [--codes] > file.csv\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if len(args) == 0 {
		fs.Usage()
		return errUsage
	}
	what := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return usageErr(err)
	}
	switch what {
	case "devices", "officials", "outstanding", "equipment", "holders", "requests":
	default:
		fmt.Fprintf(stderr, "dropin export: unknown list %q (have: devices, officials, outstanding, equipment, holders, requests)\n", scan.Clean(what))
		return errUsage
	}
	t, st, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if !codes {
		opt.Words = csvWords(t)
	}
	switch what {
	case "devices":
		return st.ExportDevices(ctx, stdout, opt)
	case "officials":
		return st.ExportOfficials(ctx, stdout, opt)
	case "outstanding":
		return st.ExportOutstanding(ctx, stdout, opt)
	case "equipment":
		return st.ExportEquipment(ctx, stdout, opt)
	case "holders":
		return st.ExportHolders(ctx, stdout, opt)
	}
	return st.ExportRequests(ctx, stdout, all, opt)
}

func runImport(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	fs := o.flags("dropin import", stderr)
	var dry bool
	fs.BoolVar(&dry, "dry-run", false, "show what would change and change nothing")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: dropin import [--dry-run] FILE\n\nFlags:\n")
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) != 1 {
		fs.Usage()
		return errUsage
	}
	t, st, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	ros, rep, err := tui.ImportFile(ctx, st, files[0], o.actor("import"), dry)
	for _, line := range tui.ImportSummary(t, files[0], ros, rep, err) {
		fmt.Fprintln(stdout, strings.TrimLeft(line, "!+"))
	}
	if err != nil {
		return errQuiet // the summary said why
	}
	return nil
}

// parseInterspersed parses flags that may come before, between or after
// the positional arguments, which it returns.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, usageErr(err)
		}
		if args = fs.Args(); len(args) > 0 {
			pos, args = append(pos, args[0]), args[1:]
		}
	}
	return pos, nil
}

// failedFlag collects --failed SERIAL=REASON.
type failedFlag map[string]string

func (f failedFlag) String() string { return "" }
func (f failedFlag) Set(v string) error {
	serial, reason, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(reason) == "" {
		return errors.New("want SERIAL=REASON")
	}
	s, err := scan.Parse(serial)
	if err != nil {
		return err
	}
	f[s] = strings.TrimSpace(reason)
	return nil
}

func runBatch(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	const batchUsage = "Usage: dropin batch import|list|sent-to-it|upgraded|close|report ... (see dropin --help)\n"
	if len(args) == 0 {
		fmt.Fprint(stderr, batchUsage)
		return errUsage
	}
	verb := args[0]
	fs := o.flags("dropin batch "+verb, stderr)
	var name, itDate, body string
	var csvOut bool
	failed := failedFlag{}
	switch verb {
	case "import":
		fs.StringVar(&name, "name", "", "the batch's `name`, e.g. \"Kommunestyret, samlet inn 2. april\" (an open batch of that name is continued)")
		fs.StringVar(&itDate, "it-date", "", "the `date` agreed with IT")
		fs.StringVar(&body, "body", "", "the `body` whose tablets the batch collects (default: the whole roster)")
	case "upgraded":
		fs.Var(failed, "failed", "`SERIAL=REASON` of a tablet that failed (repeat for each)")
	case "report":
		fs.BoolVar(&csvOut, "csv", false, "write the report as CSV")
	case "list", "sent-to-it", "close":
	default:
		fmt.Fprintf(stderr, "dropin batch: unknown command %q\n%s", scan.Clean(verb), batchUsage)
		return errUsage
	}
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	t, err := o.catalog()
	if err != nil {
		return err
	}
	by := o.actor("batch")
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()

	if verb == "list" {
		bs, err := st.Batches(ctx)
		if err != nil {
			return err
		}
		for _, b := range bs {
			fmt.Fprintf(stdout, "%s\n  %s\n", tui.BatchTitle(t, b), tui.BatchCounts(t, b))
		}
		return nil
	}
	if verb == "import" {
		if name == "" && len(pos) == 2 {
			name, pos = pos[0], pos[1:]
		}
		if name == "" || len(pos) != 1 {
			fmt.Fprint(stderr, "Usage: dropin batch import --name NAME [--it-date D] [--body B] FILE\n")
			return errUsage
		}
		raws, err := readLines(pos[0])
		if err != nil {
			return err
		}
		b, err := st.FindBatch(ctx, name)
		if errors.Is(err, store.ErrNoBatch) || err == nil && b.Closed {
			b, err = st.OpenBatch(ctx, name, itDate, body, by)
		}
		if err != nil {
			return err
		}
		reads, err := st.ReadBatch(ctx, b.ID, raws, by)
		if err != nil {
			return err
		}
		for _, r := range reads {
			if r.Class != store.ReadNew {
				fmt.Fprintln(stdout, tui.ReadText(t, r))
			}
		}
		if b, err = st.Batch(ctx, b.ID); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s\n%s\n", tui.BatchTitle(t, b), tui.BatchCounts(t, b))
		return nil
	}
	if len(pos) != 1 {
		fmt.Fprint(stderr, batchUsage)
		return errUsage
	}
	b, err := st.FindBatch(ctx, pos[0])
	if err != nil {
		return fmt.Errorf("batch %q: %w", pos[0], err)
	}
	switch verb {
	case "sent-to-it", "upgraded":
		var res store.BulkResult
		if verb == "sent-to-it" {
			res, err = st.SentToIT(ctx, b.ID, by)
		} else {
			res, err = st.Upgraded(ctx, b.ID, failed, by)
		}
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, t.T("batch.bulk", res.Moved, res.Failed, len(res.Skipped)))
	case "close":
		if err := st.CloseBatch(ctx, b.ID, by); err != nil {
			return err
		}
		fmt.Fprintln(stdout, t.T("batch.closedmsg", scan.Clean(b.Name)))
	case "report":
		if csvOut {
			return st.ExportBatch(ctx, stdout, b, store.CSVOptions{Words: csvWords(t)})
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
			fmt.Fprintln(stdout, line)
		}
	}
	return nil
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

func runReceipt(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	const receiptUsage = "Usage: dropin receipt show|print NUMBER|SERIAL, dropin receipt verify [--keys FILE] TOKEN, dropin receipt key\n"
	if len(args) == 0 {
		fmt.Fprint(stderr, receiptUsage)
		return errUsage
	}
	verb := args[0]
	fs := o.flags("dropin receipt "+verb, stderr)
	var keyring string
	if verb == "verify" {
		fs.StringVar(&keyring, "keys", "", "a trusted.keys `file` of other stations' public keys")
	}
	pos, err := parseInterspersed(fs, args[1:])
	if err != nil {
		return err
	}
	t, err := o.catalog()
	if err != nil {
		return err
	}
	var extra []string
	if keyring != "" {
		extra = append(extra, keyring)
	}
	rs, err := o.receipts(extra...)
	if err != nil {
		return err
	}
	switch verb {
	case "key":
		fmt.Fprintln(stdout, rs.Key.PublicLine(o.station))
		return nil
	case "verify":
		if len(pos) != 1 {
			fmt.Fprint(stderr, receiptUsage)
			return errUsage
		}
		return verifyReceipt(ctx, o, rs, t, pos[0], stdout)
	case "show", "print":
	default:
		fmt.Fprintf(stderr, "dropin receipt: unknown command %q\n%s", scan.Clean(verb), receiptUsage)
		return errUsage
	}
	if len(pos) != 1 {
		fmt.Fprint(stderr, receiptUsage)
		return errUsage
	}
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	if o.printer == "" { // the desk's settings, as the desk would print
		o.printer, _ = st.Setting(ctx, tui.SettingPrinter)
		if o.paper == "" {
			o.paper, _ = st.Setting(ctx, tui.SettingPaper)
		}
		if rs, err = o.receipts(extra...); err != nil {
			return err
		}
	}
	rec, err := findReceipt(ctx, st, o.station, pos[0])
	if err != nil {
		return err
	}
	files, err := rs.Render(t, rec)
	if err != nil {
		return err
	}
	if verb == "print" {
		job, err := rs.Print(ctx, t, rec, files)
		text, ok := tui.PrintText(t, rec.Number, job, err, files.For(rs.Printer.Paper))
		fmt.Fprintln(stdout, text)
		if !ok {
			return errQuiet
		}
		return nil
	}
	rc, err := tui.Contents(rec)
	if err != nil {
		return err
	}
	l := tui.Labels(t, rc)
	fmt.Fprintf(stdout, "%s\n\n", l.Title)
	for _, row := range [][2]string{{l.Number, fmt.Sprint(rc.Number)}, {l.Official, rc.Official}, {l.Device, rc.Model}, {l.Serial, rc.Serial},
		{l.Status, l.StatusText}, {l.Time, l.Date(rc.Issued)}, {l.Place, rc.Station}, {l.Staff, rc.Staff}, {l.Account, rc.Account + " " + l.AccountNote}} {
		fmt.Fprintf(stdout, "%-16s %s\n", row[0], scan.Clean(row[1]))
	}
	if q, err := receipt.QR(rec.Token); err == nil {
		fmt.Fprintf(stdout, "\n%s\n", q.ToSmallString(false))
	}
	fmt.Fprintf(stdout, "%s\n\n%s\n%s\n%s\n", rec.Token, files.A4, files.Slip, files.PNG)
	return nil
}

// findReceipt finds this station's receipt by number, or a tablet's
// latest receipt by its serial.
func findReceipt(ctx context.Context, st *store.Store, station, arg string) (store.ReceiptRecord, error) {
	if n, err := strconv.Atoi(arg); err == nil {
		return st.Receipt(ctx, station, n)
	}
	serial, err := scan.Parse(arg)
	if err != nil {
		return store.ReceiptRecord{}, err
	}
	recs, err := st.ReceiptsOf(ctx, serial)
	if err != nil {
		return store.ReceiptRecord{}, err
	}
	if len(recs) == 0 {
		return store.ReceiptRecord{}, fmt.Errorf("%s: %w", serial, store.ErrNoReceipt)
	}
	return recs[0], nil
}

// verifyReceipt checks a token offline and says what it attests, or why
// it fails. Where this station's database holds the receipt, it also
// checks that the stored receipt still matches the token.
func verifyReceipt(ctx context.Context, o options, rs *tui.Receipts, t i18n.Catalog, token string, stdout io.Writer) error {
	// The token stands on its own: without a database, only it is checked.
	st, _ := store.Open(ctx, o.db)
	if st != nil {
		defer st.Close()
	}
	v, err := tui.VerifyToken(ctx, st, rs.Keyring, token)
	if receipt.ProblemOf(err) != 0 {
		fmt.Fprintln(stdout, tui.VerifyText(t, v, err))
		return errQuiet
	}
	tok := v.Token
	fmt.Fprintln(stdout, t.T("verify.ok", tok.KeyID))
	fmt.Fprintln(stdout, t.T("verify.attests", t.T("receipt.title."+string(tok.Kind)), tok.Number, tok.Serial, t.DateLong(tok.Issued)))
	if err != nil {
		fmt.Fprintln(stdout, tui.VerifyText(t, v, err))
		return errQuiet
	}
	if sig := v.Signature; sig != nil {
		fmt.Fprintln(stdout, t.T("verify.signed", scan.Clean(sig.Signer), t.T("sign.method."+sig.Method), t.DateLong(sig.Signed), scan.Clean(sig.SignStation), scan.Clean(sig.Staff)))
	}
	if rc := v.Content; v.Stored != nil {
		fmt.Fprintln(stdout, t.T("verify.stored", scan.Clean(rc.Official), scan.Clean(rc.Station), scan.Clean(rc.Staff), scan.Clean(rc.Account)))
	}
	return nil
}

func runPurge(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	fs := o.flags("dropin purge", stderr)
	var before string
	fs.StringVar(&before, "before", "", "remove strokes of signatures made before this `date` (YYYY-MM-DD, local time)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "signatures" || before == "" {
		fmt.Fprint(stderr, "Usage: dropin purge signatures --before YYYY-MM-DD\n")
		return errUsage
	}
	day, err := time.ParseInLocation("2006-01-02", before, time.Local)
	if err != nil {
		return fmt.Errorf("--before %q: want a date as YYYY-MM-DD", before)
	}
	t, st, err := o.open(ctx)
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
		rs, err := o.receipts()
		if err != nil {
			return err
		}
		for _, rec := range recs {
			if _, err := rs.Render(t, rec); err != nil {
				return err
			}
		}
	}
	fmt.Fprintln(stdout, t.T("purge.done", len(recs), t.DateLong(day)))
	return nil
}

func runSync(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	fs := o.flags("dropin sync", stderr)
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	t, st, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	if o.central == "" { // as the desk would: its settings
		o.central, _ = st.Setting(ctx, tui.SettingCentral)
		o.token, _ = st.Setting(ctx, tui.SettingToken)
	}
	if o.central == "" || o.token == "" {
		// Not a usage error: the station has no central store yet.
		fmt.Fprintln(stderr, t.T("sync.notset"))
		return errQuiet
	}
	rep, err := st.Sync(ctx, o.central, o.token, nil)
	if err != nil {
		fmt.Fprintln(stdout, tui.SyncErrorText(t, err))
		return errQuiet
	}
	fmt.Fprintln(stdout, t.T("sync.done", rep.Pushed, rep.Pulled))
	if rep.InSync {
		fmt.Fprintln(stdout, t.T("sync.insync", t.Clock(rep.At)))
	} else {
		fmt.Fprintln(stdout, t.T("sync.waiting", rep.Waiting))
	}
	return nil
}

func runServe(ctx context.Context, o options, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := o.flags("dropin serve", stderr)
	pg := getenv("DROPIN_PG")
	listen, tlsCert, tlsKey, tenant := "127.0.0.1:8470", "", "", ""
	fs.StringVar(&pg, "pg", pg, "the central PostgreSQL `DSN` (env DROPIN_PG)")
	fs.StringVar(&listen, "listen", listen, "`address` to serve on; plain HTTP only on loopback")
	fs.StringVar(&tlsCert, "tls-cert", "", "TLS certificate `file`")
	fs.StringVar(&tlsKey, "tls-key", "", "TLS key `file`")
	fs.StringVar(&tenant, "tenant", "", "station add: the `tenant` (the group of desks sharing tablets)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if pg == "" {
		fmt.Fprint(stderr, "dropin serve needs --pg DSN (or DROPIN_PG), e.g. postgres://dropin@db.example/dropin\n")
		return errUsage
	}
	c, err := central.Open(ctx, pg)
	if err != nil {
		return err
	}
	defer c.Close()
	if len(pos) > 0 {
		return serveStations(ctx, c, pos, tenant, stdout, stderr)
	}
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", listen, err)
	}
	if tlsCert == "" && !isLoopback(host) {
		return fmt.Errorf("--listen %s is not loopback: give --tls-cert and --tls-key, or serve behind a TLS proxy on 127.0.0.1", listen)
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	srv := &http.Server{Addr: listen, Handler: central.Handler(c, logger), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	logger.Info("serving", "listen", listen, "tls", tlsCert != "")
	if tlsCert != "" {
		err = srv.ListenAndServeTLS(tlsCert, tlsKey)
	} else {
		err = srv.ListenAndServe()
	}
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func serveStations(ctx context.Context, c *central.Central, pos []string, tenant string, stdout, stderr io.Writer) error {
	const usage = "Usage: dropin serve station add NAME --tenant T | station revoke NAME | station list\n"
	if pos[0] != "station" || len(pos) < 2 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch {
	case pos[1] == "add" && len(pos) == 3 && tenant != "":
		token, err := c.AddStation(ctx, pos[2], tenant)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "station %s (tenant %s) added. Its token, shown this once:\n%s\n", scan.Clean(pos[2]), scan.Clean(tenant), token)
	case pos[1] == "revoke" && len(pos) == 3:
		if err := c.Revoke(ctx, pos[2]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "station %s revoked\n", scan.Clean(pos[2]))
	case pos[1] == "list" && len(pos) == 2:
		list, err := c.Stations(ctx)
		if err != nil {
			return err
		}
		for _, s := range list {
			state := "active"
			if s.Revoked {
				state = "revoked"
			}
			fmt.Fprintf(stdout, "%-20s %-16s %-8s %s\n", scan.Clean(s.Name), scan.Clean(s.Tenant), state, s.Created.Format("2006-01-02"))
		}
	default:
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	return nil
}

// runRules prints the entitlement rules in use, or checks a rules file.
func runRules(o options, args []string, stdout, stderr io.Writer) error {
	fs := o.flags("dropin rules", stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: dropin rules            print the entitlement rules in use\n       dropin rules check FILE check a rules file and say what is wrong, by line\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) == 0:
		rules, err := o.loadRules()
		if err != nil {
			return err
		}
		if rules.Source == "default" {
			fmt.Fprint(stdout, store.DefaultRules)
			return nil
		}
		b, err := os.ReadFile(rules.Source)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "# from %s\n%s", rules.Source, scan.CleanText(string(b)))
		return nil
	case len(pos) == 2 && pos[0] == "check":
		f, err := os.Open(pos[1])
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := store.ParseRules(f, pos[1]); err != nil {
			fmt.Fprintln(stderr, scan.CleanText(err.Error()))
			return errQuiet
		}
		fmt.Fprintf(stdout, "%s: the rules are fine\n", scan.Clean(pos[1]))
		return nil
	}
	fs.Usage()
	return errUsage
}

// runApprove records a body chair's approval (or its withdrawal).
func runApprove(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	fs := o.flags("dropin approve", stderr)
	var body, by string
	var withdraw bool
	fs.StringVar(&body, "body", "", "the `body` whose chair approves")
	fs.StringVar(&by, "by", "", "the `name` of the chair who approved")
	fs.BoolVar(&withdraw, "withdraw", false, "withdraw the approval")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: dropin approve EMAIL --body BODY --by NAME [--withdraw]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || body == "" || strings.TrimSpace(by) == "" {
		fs.Usage()
		return errUsage
	}
	t, st, err := o.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	a, err := st.Approve(ctx, strings.ToLower(strings.TrimSpace(pos[0])), body, scan.Clean(by), !withdraw, o.actor("cli"))
	if _, ok := store.IsRefusal(err); ok {
		fmt.Fprintln(stderr, tui.RefusalText(t, err))
		return errQuiet
	}
	if err != nil {
		return err
	}
	ent, _, err := st.EntitlementOf(ctx, a.Official)
	if err != nil {
		return err
	}
	state := "approved"
	if withdraw {
		state = "withdrawn"
	}
	var kinds []string
	for _, k := range ent.Kinds {
		kinds = append(kinds, t.Device(k))
	}
	fmt.Fprintf(stdout, "%s: %s in %s, by %s. Entitled now: %s\n", state, scan.Clean(a.Official), scan.Clean(a.Body), scan.Clean(a.Approver), strings.Join(kinds, ", "))
	return nil
}

// runDev holds the developers' tools: dev seed.
func runDev(ctx context.Context, o options, args []string, stdout, stderr io.Writer) error {
	fs := o.flags("dropin dev", stderr)
	var opt store.SeedOptions
	fs.IntVar(&opt.Tablets, "tablets", 100_000, "officials and tablets")
	fs.IntVar(&opt.Events, "events", 0, "at least this many events (default 10 per tablet)")
	var seed uint64
	fs.Uint64Var(&seed, "seed", 1, "the generator's seed: the same seed, the same county")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: dropin dev seed [--tablets N] [--events N] [--seed N] --db FILE\n\nFlags:\n")
		fs.PrintDefaults()
	}
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 1 && pos[0] == "firstframe" {
		return firstFrame(ctx, o, stdout)
	}
	if len(pos) != 1 || pos[0] != "seed" {
		fs.Usage()
		return errUsage
	}
	opt.Seed = seed
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	start, last := time.Now(), time.Time{}
	opt.Progress = func(stage string, done, total int) {
		if time.Since(last) > time.Second || done == total {
			fmt.Fprintf(stderr, "\r%-12s %7d / %-7d %5.0fs", stage, done, total, time.Since(start).Seconds())
			last = time.Now()
		}
	}
	rep, err := st.Seed(ctx, opt)
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %s in %.0fs: %d municipalities, %d officials, %d tablets, %d batches, %d events\n",
		o.db, time.Since(start).Seconds(), rep.Municipalities, rep.Officials, rep.Tablets, rep.Batches, rep.Events)
	return nil
}

// firstFrame is the desk as dropin opens it (store, keys, settings, the
// program), drawn to nowhere: it reports when the first frame was written,
// counted from DROPIN_BENCH_T0 (the parent's clock before it started this
// process), then opens the overview on the whole county and reports the
// process's peak resident memory. `dropin bench` runs it.
func firstFrame(ctx context.Context, o options, stdout io.Writer) error {
	t0, err := strconv.ParseInt(os.Getenv("DROPIN_BENCH_T0"), 10, 64)
	if err != nil {
		t0 = time.Now().UnixNano()
	}
	st, err := openUnchecked(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	rs, err := o.receipts()
	if err != nil {
		return err
	}
	m := tui.New(tui.Config{Store: st, Station: "bench", Staff: "BN", Lang: i18n.Bokmal, Receipts: rs, Sync: tui.NewSyncTarget("", "")})
	w := &frameWriter{first: make(chan struct{})}
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(nil), tea.WithOutput(w), tea.WithWindowSize(120, 36), tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	select {
	case <-w.first:
	case err := <-done:
		return fmt.Errorf("the desk stopped before drawing: %v", err)
	}
	fmt.Fprintf(stdout, "frame %d\n", (time.Now().UnixNano()-t0)/1000)
	// The desk open with the county in it: the overview loaded, a search.
	p.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	time.Sleep(3 * time.Second)
	p.Quit()
	<-done
	fmt.Fprintf(stdout, "rss %d\n", peakRSS())
	return nil
}

type frameWriter struct {
	once  sync.Once
	first chan struct{}
}

func (w *frameWriter) Write(b []byte) (int, error) {
	w.once.Do(func() { close(w.first) })
	return len(b), nil
}

// peakRSS is the process's peak resident memory in KiB (VmHWM), 0 where
// /proc does not say.
func peakRSS() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return n
		}
	}
	return 0
}

// runBench seeds a county (once; the database is cached) and measures the
// figures the desk is held to, printing them against their goals.
func runBench(ctx context.Context, o options, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	fs := o.flags("dropin bench", stderr)
	tablets := fs.Int("tablets", 100_000, "officials and tablets in the county")
	events := fs.Int("events", 0, "events in the log (default 10 per tablet)")
	seed := fs.Uint64("seed", 1, "the generator's seed")
	runs := fs.Int("runs", 5, "start-ups to measure (the median counts)")
	benchDB := fs.String("bench-db", "", "the seeded database (default: a cached one in the user's cache folder)")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "Usage: dropin bench [--tablets N] [--events N] [--bench-db FILE]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if *events == 0 {
		*events = 10 * *tablets
	}
	db := *benchDB
	if db == "" {
		cache, err := os.UserCacheDir()
		if d := getenv("XDG_CACHE_HOME"); d != "" {
			cache, err = d, nil
		}
		if err != nil {
			return err
		}
		db = filepath.Join(cache, "dropin", fmt.Sprintf("bench-%d-%d-%d.db", *tablets, *events, *seed))
	}
	if _, err := os.Stat(db); errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "seeding %s (once; later runs reuse it)\n", db)
		tmp := db + ".seeding"
		os.Remove(tmp)
		so := o
		so.db = tmp
		if err := runDev(ctx, so, []string{"seed", "--tablets", fmt.Sprint(*tablets), "--events", fmt.Sprint(*events), "--seed", fmt.Sprint(*seed)}, stderr, stderr); err != nil {
			return err
		}
		if err := os.Rename(tmp, db); err != nil {
			return err
		}
	}
	o.db = db
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	nEvents, nTablets, nOfficials, err := st.Size(ctx)
	if err != nil {
		return err
	}
	type row struct{ what, got, goal, verdict string }
	var table []row
	add := func(what string, got float64, unit string, goal float64, goalText string) {
		verdict := "ok"
		if goal > 0 && got > goal {
			verdict = fmt.Sprintf("missed by %.0f %%", 100*(got-goal)/goal)
		}
		table = append(table, row{what, fmt.Sprintf("%.2f %s", got, unit), goalText, verdict})
	}

	// Start-up to the first frame, and memory with the desk open.
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var frames []float64
	peak := 0
	for range *runs {
		cmd := exec.CommandContext(ctx, exe, "dev", "firstframe", "--db", db)
		cmd.Env = append(os.Environ(), fmt.Sprintf("DROPIN_BENCH_T0=%d", time.Now().UnixNano()))
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("first frame: %v", err)
		}
		for _, line := range strings.Split(string(out), "\n") {
			if v, ok := strings.CutPrefix(line, "frame "); ok {
				us, _ := strconv.Atoi(v)
				frames = append(frames, float64(us)/1000)
			}
			if v, ok := strings.CutPrefix(line, "rss "); ok {
				kb, _ := strconv.Atoi(v)
				peak = max(peak, kb)
			}
		}
	}
	add("start-up to the first frame (median)", median(frames), "ms", 300, "< 300 ms")
	add("peak memory, desk open on the overview", float64(peak)/1024, "MB", 100, "< 100 MB")

	// The overview: its first load (the list to chase read in full), and
	// its refresh after a desk step, which keeps the list while nothing in
	// it moved.
	var first, refresh []float64
	for range 10 {
		start := time.Now()
		ov, err := st.LoadOverview(ctx, -1)
		if err != nil {
			return err
		}
		first = append(first, ms(time.Since(start)))
		start = time.Now()
		if _, err := st.LoadOverview(ctx, ov.ChaseVersion); err != nil {
			return err
		}
		refresh = append(refresh, ms(time.Since(start)))
	}
	add("overview refresh after a step (median)", median(refresh), "ms", 50, "< 50 ms")
	add("overview first load (median)", median(first), "ms", 50, "< 50 ms")
	var keys []float64
	for _, name := range []string{"øystein ødegård", "kari nordmann", "ragnhild østby", "solveig fløan"} {
		for i := 1; i <= len([]rune(name)); i++ {
			start := time.Now()
			if _, err := st.SearchOfficials(ctx, string([]rune(name)[:i]), 8); err != nil {
				return err
			}
			keys = append(keys, ms(time.Since(start)))
		}
	}
	sort.Float64s(keys)
	add("name search, per key (median)", median(keys), "ms", 20, "< 20 ms")
	add("name search, per key (slowest)", keys[len(keys)-1], "ms", 20, "< 20 ms")
	st.Close()

	// Writes on a copy, so the cached county stays as seeded.
	tmp, err := os.MkdirTemp("", "dropin-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cp := filepath.Join(tmp, "county.db")
	if err := copyFile(db, cp); err != nil {
		return err
	}
	o.db = cp
	if st, err = openStore(ctx, o); err != nil {
		return err
	}
	defer st.Close()
	serials, err := st.Sample(ctx, store.HandedBack, 2000)
	if err != nil {
		return err
	}
	by := store.Actor{Station: "bench", Staff: "BN"}
	start := time.Now()
	for _, serial := range serials {
		if _, err := st.Step(ctx, serial, store.KindReceived, store.Input{}, by); err != nil {
			return err
		}
	}
	checkIn := time.Since(start) / time.Duration(max(1, len(serials)))
	bare, err := store.BareInsert(ctx, tmp, 2000)
	if err != nil {
		return err
	}
	add("check-in (a tablet back at the desk)", ms(checkIn), "ms", 2*ms(bare), fmt.Sprintf("≤ 2 × bare insert (%.2f ms)", ms(bare)))
	start = time.Now()
	if err := st.Rebuild(ctx); err != nil {
		return err
	}
	add("projection rebuild from the log", time.Since(start).Seconds(), "s", 0, "(no goal)")
	table[len(table)-1].verdict = ""

	fmt.Fprintf(stdout, "dropin bench: %d events, %d tablets, %d officials (%s)\n\n", nEvents, nTablets, nOfficials, db)
	fmt.Fprintf(stdout, "%-42s %12s  %-32s %s\n", "figure", "measured", "goal", "")
	for _, r := range table {
		fmt.Fprintf(stdout, "%-42s %12s  %-32s %s\n", r.what, r.got, r.goal, r.verdict)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
