package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"dropin/store"
	"dropin/tui"
	"dropin/tui/i18n"
)

// benchCmd seeds a county (once; the database is cached) and measures the
// figures the desk is held to, printing them against their goals.
func (a *app) benchCmd() *cobra.Command {
	var opt store.SeedOptions
	var runs int
	var benchDB, pg string
	cmd := &cobra.Command{
		Use:   "bench [--tablets N] [--events N] [--bench-db FILE]",
		Short: "seed a county (cached) and print the figures against their goals",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opt.Events == 0 {
				opt.Events = 10 * opt.Tablets
			}
			b := &bench{o: a.o, getenv: a.getenv, runs: runs, pg: pg}
			db, err := b.county(cmd.Context(), tui.ExpandHome(benchDB), opt, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			return b.run(cmd.Context(), db, cmd.OutOrStdout())
		},
	}
	cmd.Flags().IntVar(&opt.Tablets, "tablets", store.BenchCounty.Tablets, "officials and tablets in the county")
	cmd.Flags().IntVar(&opt.Events, "events", 0, "events in the log (default 10 per tablet)")
	cmd.Flags().Uint64Var(&opt.Seed, "seed", store.BenchCounty.Seed, "the generator's seed")
	cmd.Flags().IntVar(&runs, "runs", 5, "start-ups to measure (the median counts)")
	cmd.Flags().StringVar(&benchDB, "bench-db", "", "the seeded `database` (default: a cached one in the user's cache folder)")
	cmd.Flags().StringVar(&pg, "pg", a.getenv("DROPIN_PG"), "a PostgreSQL `DSN` to measure push and pull on (a database is made there and dropped; env DROPIN_PG)")
	return cmd
}

type bench struct {
	o      options
	getenv func(string) string
	runs   int
	pg     string // where push and pull are measured; "" for not
	table  []benchRow
	seeded string // how long seeding the county took, as recorded beside it
}

type benchRow struct{ what, got, goal, verdict string }

func (b *bench) add(what string, got float64, unit string, goal float64, goalText string) {
	verdict := "ok"
	if goal > 0 && got > goal {
		verdict = fmt.Sprintf("missed by %.0f %%", 100*(got-goal)/goal)
	}
	b.table = append(b.table, benchRow{what, fmt.Sprintf("%.2f %s", got, unit), goalText, verdict})
}

// county is the seeded database: db, else one cached per size and seed,
// seeded here the first time.
func (b *bench) county(ctx context.Context, db string, opt store.SeedOptions, progress io.Writer) (string, error) {
	if db == "" {
		cache, err := os.UserCacheDir()
		if d := b.getenv("XDG_CACHE_HOME"); d != "" {
			cache, err = d, nil
		}
		if err != nil {
			return "", err
		}
		db = filepath.Join(cache, "dropin", opt.CacheName())
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		took, _ := os.ReadFile(db + ".seeded")
		b.seeded = strings.TrimSpace(string(took))
		return db, err
	}
	if err := os.MkdirAll(filepath.Dir(db), 0o700); err != nil {
		return "", err
	}
	fmt.Fprintf(progress, "seeding %s (once; later runs reuse it)\n", db)
	tmp := db + ".seeding"
	os.Remove(tmp)
	so := b.o
	so.db = tmp
	start := time.Now()
	if err := seedCounty(ctx, so, opt, progress, progress); err != nil {
		return "", err
	}
	b.seeded = strconv.FormatFloat(time.Since(start).Seconds(), 'f', 0, 64)
	if err := os.WriteFile(db+".seeded", []byte(b.seeded+"\n"), 0o600); err != nil {
		return "", err
	}
	return db, os.Rename(tmp, db)
}

func (b *bench) run(ctx context.Context, db string, stdout io.Writer) error {
	o := b.o
	o.db = db
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	nEvents, nTablets, nOfficials, err := st.Size(ctx)
	if err == nil {
		err = b.startUp(ctx, db)
	}
	if err == nil {
		err = b.reads(ctx, st)
	}
	st.Close()
	if err != nil {
		return err
	}
	if err := b.writes(ctx, o); err != nil {
		return err
	}
	if s, err := strconv.ParseFloat(b.seeded, 64); err == nil {
		b.add("seeding this county (dropin dev seed)", s, "s", 120, "< 2 min")
	}
	for _, f := range []func(context.Context) error{b.imports, b.receipts, func(ctx context.Context) error { return b.sync(ctx, b.pg) }} {
		if err := f(ctx); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "dropin bench: %d events, %d tablets, %d officials (%s)\n\n", nEvents, nTablets, nOfficials, db)
	fmt.Fprintf(stdout, "%-42s %12s  %-32s %s\n", "figure", "measured", "goal", "")
	for _, r := range b.table {
		fmt.Fprintf(stdout, "%-42s %12s  %-32s %s\n", r.what, r.got, r.goal, r.verdict)
	}
	return nil
}

// startUp times the real program, started as a new process, to its first
// frame, and reads its peak memory with the desk open on the overview.
func (b *bench) startUp(ctx context.Context, db string) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	var frames []float64
	peak := 0
	for range b.runs {
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
	b.add("start-up to the first frame (median)", median(frames), "ms", 300, "< 300 ms")
	b.add("peak memory, desk open on the overview", float64(peak)/1024, "MB", 100, "< 100 MB")
	return nil
}

// reads measures the overview, its first load (the list to chase read in
// full) and its refresh after a desk step, which keeps the list while
// nothing in it moved; and the name search, key by key.
func (b *bench) reads(ctx context.Context, st *store.Store) error {
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
	b.add("overview refresh after a step (median)", median(refresh), "ms", 50, "< 50 ms")
	b.add("overview first load (median)", median(first), "ms", 50, "< 50 ms")
	var keys []float64
	for _, name := range []string{"øystein ødegård", "kari nordmann", "ragnhild østby", "solveig fløan"} {
		for i := 1; i <= len([]rune(name)); i++ {
			start := time.Now()
			// As the desk's picker asks: in its language's order.
			if _, err := st.SearchOfficialsBy(ctx, string([]rune(name)[:i]), 8, i18n.NewKeys(i18n.Bokmal).Key); err != nil {
				return err
			}
			keys = append(keys, ms(time.Since(start)))
		}
	}
	sort.Float64s(keys)
	b.add("name search, per key (median)", median(keys), "ms", 20, "< 20 ms")
	b.add("name search, per key (slowest)", keys[len(keys)-1], "ms", 20, "< 20 ms")
	return nil
}

// writes measures check-in against a bare insert, and the rebuild, on a
// copy, so the cached county stays as seeded.
func (b *bench) writes(ctx context.Context, o options) error {
	tmp, err := os.MkdirTemp("", "dropin-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	cp := filepath.Join(tmp, "county.db")
	if err := copyFile(o.db, cp); err != nil {
		return err
	}
	o.db = cp
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	// A scan at the desk, in the real program: the last key to the card
	// drawn, the check-in committed.
	expected, err := st.Sample(ctx, store.Expected, 200)
	if err != nil {
		return err
	}
	if len(expected) > 0 {
		lat, err := tui.ScanToCard(ctx, st, expected)
		if err != nil {
			return err
		}
		b.add(fmt.Sprintf("scan to the saved card, p50 of %d", len(lat)), ms(tui.Percentile(lat, 0.5)), "ms", 16, "≤ 16 ms (a frame)")
		b.add(fmt.Sprintf("scan to the saved card, p99 of %d", len(lat)), ms(tui.Percentile(lat, 0.99)), "ms", 33, "≤ 33 ms (two frames)")
	}
	serials, err := st.Sample(ctx, store.HandedBack, 2000)
	if err != nil {
		return err
	}
	// Each check-in is followed by a bare insert: the machine's speed
	// drifts by a third within minutes here, and a ratio of two runs made
	// minutes apart measured the drift as much as the check-in.
	bare, err := store.OpenBare(ctx, tmp)
	if err != nil {
		return err
	}
	defer bare.Close()
	by := store.Actor{Station: "bench", Staff: "BN"}
	var steps, inserts time.Duration
	for _, serial := range serials {
		step, insert, err := bare.After(ctx, func() error {
			_, err := st.Step(ctx, serial, store.KindReceived, store.Input{}, by)
			return err
		})
		if err != nil {
			return err
		}
		steps, inserts = steps+step, inserts+insert
	}
	n := time.Duration(max(1, len(serials)))
	checkIn, bareOne := steps/n, inserts/n
	b.add("check-in (a tablet back at the desk)", ms(checkIn), "ms", 1.5*ms(bareOne), fmt.Sprintf("≤ 1.5 × bare insert (%.2f ms)", ms(bareOne)))
	start := time.Now()
	if err := st.Rebuild(ctx); err != nil {
		return err
	}
	b.add("projection rebuild from the log", time.Since(start).Seconds(), "s", 10, "< 10 s")
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
