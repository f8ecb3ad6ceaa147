package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/scan"
	"dropin/store"
	"dropin/tui"
	"dropin/tui/i18n"
)

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
	topics  string // the walk-in desk's topics file
	exports string // the folder a workbook goes to when no file is named

	hostStation  string // the host name, when it is the station's name
	stationGiven bool   // --station or DROPIN_STATION named the station
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
		topics:  getenv("DROPIN_TOPICS"),
		exports: getenv("DROPIN_EXPORTS"),
	}
	if o.lang == "" {
		o.lang = localeLang(getenv)
	}
	if o.db == "" {
		o.db = filepath.Join(dataDir(getenv), "dropin.db")
	}
	if o.station == "" {
		o.station, _ = os.Hostname()
		o.hostStation = o.station
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

// register declares the shared flags on the root, with o's current values
// as defaults; they work before or after any command.
func (o *options) register(root *cobra.Command) {
	fs := root.PersistentFlags()
	fs.StringVar(&o.db, "db", o.db, "database `file` (env DROPIN_DB)")
	// The host name is said in words, not shown as a second default.
	station := o.station
	if station == o.hostStation {
		station = ""
	}
	fs.StringVar(&o.station, "station", station, "this desk's `name` (env DROPIN_STATION; default the station the database is, for a new one the host name)")
	fs.StringVar(&o.staff, "staff", o.staff, "the `initials` of who is working (env DROPIN_STAFF; asked for when empty)")
	fs.StringVar(&o.lang, "lang", o.lang, "`language`: nb (bokmål, default), sv (Swedish; default when LANG is sv_*) or en (env DROPIN_LANG)")
	fs.DurationVar(&o.scanGap, "scan-gap", o.scanGap, "largest `gap` between a scanner's keys (env DROPIN_SCAN_GAP; default 50ms)")
	fs.StringVar(&o.printer, "printer", o.printer, "the CUPS `queue` receipts print on (env DROPIN_PRINTER; none: receipts are only saved as files)")
	fs.StringVar(&o.paper, "paper", o.paper, "receipt `paper`: a4 or slip (80 mm) (env DROPIN_PAPER; default a4)")
	fs.StringVar(&o.central, "central", o.central, "the sync service's `URL` (env DROPIN_CENTRAL; none: the desk works alone)")
	fs.StringVar(&o.token, "token", o.token, "this station's `token` for the sync service (env DROPIN_TOKEN)")
	fs.StringVar(&o.rules, "rules", o.rules, "the entitlement rules `file` (env DROPIN_RULES; default rules.txt beside the database, else the guideline's rules)")
	fs.StringVar(&o.topics, "topics", o.topics, "the walk-in desk's topics `file` (env DROPIN_TOPICS; default topics.txt beside the database, else the built-in list)")
	root.RegisterFlagCompletionFunc("lang", cobra.FixedCompletions([]string{"nb\tbokmål", "sv\tsvenska", "en\tEnglish"}, cobra.ShellCompDirectiveNoFileComp))
	root.RegisterFlagCompletionFunc("paper", cobra.FixedCompletions([]string{"a4", "slip\t80 mm"}, cobra.ShellCompDirectiveNoFileComp))
	root.MarkPersistentFlagFilename("db", "db")
	fs.StringVar(&o.exports, "exports", o.exports, "the `folder` Excel exports go to when no file is named (env DROPIN_EXPORTS; default the current folder)")
	root.MarkPersistentFlagFilename("rules", "txt")
	root.MarkPersistentFlagFilename("topics", "txt")
	root.MarkPersistentFlagDirname("exports")
}

// settle reads a leading ~ in the shared flags' paths as the home
// folder, wherever the value came from (a flag, --db=~/x, or DROPIN_DB).
func (o *options) settle() {
	o.db, o.rules, o.topics, o.exports = tui.ExpandHome(o.db), tui.ExpandHome(o.rules), tui.ExpandHome(o.topics), tui.ExpandHome(o.exports)
	o.stationGiven = o.station != ""
	if o.station == "" {
		o.station = o.hostStation
	}
}

// writer is who a command that writes events acts as (see actor), once
// the database is claimed for its station: the events carry its name.
func (o *options) writer(ctx context.Context, st *store.Store, command string) (store.Actor, error) {
	if err := o.settleStation(ctx, st, true); err != nil {
		return store.Actor{}, err
	}
	return o.actor(command), nil
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
	r, err := loadBeside(o, o.rules, "rules.txt", store.ParseRules)
	if r == nil && err == nil {
		return store.MustDefaultRules(), nil
	}
	return r, err
}

// loadTopics reads the walk-in desk's topics the same way: --topics, else
// topics.txt beside the database, else the built-in list (nil).
func (o options) loadTopics() (*store.Topics, error) {
	return loadBeside(o, o.topics, "topics.txt", store.ParseTopics)
}

// loadBeside reads a file the municipality may write: the one named, else
// name beside the database; nil when neither is there. A file that is
// named but missing, or that parse refuses, is an error.
func loadBeside[T any](o options, given, name string, parse func(io.Reader, string) (*T, error)) (*T, error) {
	path := given
	if path == "" {
		path = filepath.Join(filepath.Dir(o.db), name)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", strings.TrimSuffix(name, ".txt"), err)
	}
	defer f.Close()
	return parse(f, path)
}

// receipts opens the station's receipt keys and folder, beside the
// database: keys/ (the private key, mode 0600, and trusted.keys) and
// receipts/ (PDF and PNG files).
func (o options) receipts(keyrings ...string) (*station.Receipts, error) {
	paper, err := receipt.ParsePaper(o.paper)
	if err != nil {
		return nil, err
	}
	dir := filepath.Dir(o.db)
	return station.OpenReceipts(filepath.Join(dir, "keys"), filepath.Join(dir, "receipts"),
		receipt.Printer{Name: o.printer, Paper: paper}, keyrings...)
}

// catalog is the user's language (--lang, DROPIN_LANG; bokmål by default).
func (o options) catalog() (i18n.Catalog, error) {
	lang, err := i18n.Parse(o.lang)
	return i18n.New(lang), err
}

// open is how a command that reads or writes the desk's data begins: the
// user's language, then the database, and the station it is.
func (o *options) open(ctx context.Context) (i18n.Catalog, *store.Store, error) {
	t, err := o.catalog()
	if err != nil {
		return t, nil, err
	}
	st, err := openStore(ctx, *o)
	if err != nil {
		return t, nil, err
	}
	if err := o.settleStation(ctx, st, false); err != nil {
		st.Close()
		return t, nil, err
	}
	return t, st, nil
}

// settleStation makes the command act as the station the database is. A
// database is one station's (the central store takes from a station only
// its own events): the first command that writes events to it claims it
// for the station it runs as, and later ones run as that station,
// whatever the host is called. Naming another with --station or
// DROPIN_STATION is refused before anything is written. With claim false
// a database that is no station's yet is left unclaimed: a command that
// only reads (sync, export, a receipt's key) does not decide whose it is.
func (o *options) settleStation(ctx context.Context, st *store.Store, claim bool) error {
	have, err := st.Setting(ctx, store.SettingStation)
	if err != nil {
		return err
	}
	if have == "" {
		if !claim {
			return nil
		}
		if have, err = st.ClaimStation(ctx, o.station); err != nil {
			return err
		}
	}
	if have != o.station && o.stationGiven {
		return otherStation(o.db, have, o.station)
	}
	o.station = have
	return nil
}

// otherStation is the refusal of a station name the database is not.
func otherStation(db, have, given string) error { return &otherStationError{db, have, given} }

// otherStationError is said in the user's language (inWords); its Error
// is the log's.
type otherStationError struct{ db, have, given string }

func (e *otherStationError) Error() string {
	return fmt.Sprintf("%s is station %q's database, not %q's (the central store takes from a station its own events only): "+
		"open %q's database with --db, or leave out --station and DROPIN_STATION to work as %q", e.db, e.have, e.given, e.given, e.have)
}

// damagedError is a database that is none, or is damaged.
type damagedError struct {
	db  string
	err error
}

func (e *damagedError) Error() string {
	return fmt.Sprintf("%s is not a dropin database, or it is damaged; restore it from a backup or start a new one with --db (%v)", e.db, e.err)
}

func (e *damagedError) Unwrap() error { return e.err }

// inWords says the refusals a command meets before its work begins in
// the user's language: the desk speaks to the people at it, whatever
// they started it with.
func inWords(t i18n.Catalog, err error) (string, bool) {
	var se *otherStationError
	var de *damagedError
	switch {
	case errors.As(err, &se):
		return t.T("cli.otherstation", scan.Clean(se.db), scan.Clean(se.have), scan.Clean(se.given), scan.Clean(se.given), scan.Clean(se.have)), true
	case errors.As(err, &de):
		return t.T("cli.damaged", scan.Clean(de.db), scan.Clean(de.err.Error())), true
	}
	return "", false
}

// withStore runs a command's work with the catalog and the database
// open, and closes the database after.
func (a *app) withStore(fn func(ctx context.Context, cmd *cobra.Command, args []string, t i18n.Catalog, st *store.Store) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		ctx := context.Background()
		t, st, err := a.o.open(ctx)
		if err != nil {
			return err
		}
		defer st.Close()
		return fn(ctx, cmd, args, t, st)
	}
}

// openStore opens the database for a command once the check of every
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

func damaged(o options, err error) error { return &damagedError{o.db, err} }

// openUnchecked opens the database at once; the check of every page runs
// on and writes wait for it. The desk uses it to draw its first frame
// without waiting for a county's database to be read through.
func openUnchecked(ctx context.Context, o options) (*store.Store, error) {
	st, err := store.Open(ctx, o.db)
	if errors.Is(err, store.ErrNotDatabase) {
		return nil, damaged(o, err)
	}
	if err != nil {
		return nil, err
	}
	rules, err := o.loadRules()
	if err != nil {
		st.Close()
		return nil, err
	}
	st.SetRules(rules)
	topics, err := o.loadTopics()
	if err != nil {
		st.Close()
		return nil, err
	}
	st.SetTopics(topics)
	return st, nil
}

// printerFromSettings fills in the printer and paper from the desk's
// settings where no flag or environment variable named them, as the desk
// itself does. It says whether the printer was fixed from outside.
func (o *options) printerFromSettings(ctx context.Context, st *store.Store) (fixed bool, err error) {
	if o.printer != "" {
		return true, nil
	}
	if o.printer, err = st.Setting(ctx, store.SettingPrinter); err != nil {
		return false, err
	}
	if o.paper == "" {
		o.paper, err = st.Setting(ctx, store.SettingPaper)
	}
	return false, err
}

// centralFromSettings fills in the sync service and token from the desk's
// settings where no flag or environment variable named the service. It
// says whether the service was fixed from outside.
func (o *options) centralFromSettings(ctx context.Context, st *store.Store) bool {
	if o.central != "" {
		return true
	}
	o.central, _ = st.Setting(ctx, store.SettingCentral)
	o.token, _ = st.Setting(ctx, store.SettingToken)
	return false
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
