package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/spf13/cobra"

	"dropin/store"
	"dropin/tui"
	"dropin/tui/i18n"
)

// devCmd holds the developers' tools.
func (a *app) devCmd() *cobra.Command {
	var opt store.SeedOptions
	seed := &cobra.Command{
		Use:   "seed [--tablets N] [--events N] [--seed N] --db FILE",
		Short: "fill an empty database with a generated county, for measuring",
		Long: `Fill an empty database with a generated county: municipalities with their
bodies, officials and tablets, batches, and events through the real import,
batch steps and workflow. The same seed gives the same county.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return seedCounty(cmd.Context(), a.o, opt, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	seed.Flags().IntVar(&opt.Tablets, "tablets", 100_000, "officials and tablets")
	seed.Flags().IntVar(&opt.Events, "events", 0, "at least this many events (default 10 per tablet)")
	seed.Flags().Uint64Var(&opt.Seed, "seed", 1, "the generator's seed: the same seed, the same county")
	firstframe := &cobra.Command{
		Use:    "firstframe",
		Short:  "open the desk drawing to nowhere and report its first frame and memory (dropin bench runs it)",
		Hidden: true,
		Args:   usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return firstFrame(cmd.Context(), a.o, a.getenv, cmd.OutOrStdout())
		},
	}
	return group(&cobra.Command{
		Use:   "dev COMMAND",
		Short: "developers' tools: a generated county to measure on",
	}, seed, firstframe)
}

// seedCounty seeds the database o names, reporting progress on progress
// and the county on stdout.
func seedCounty(ctx context.Context, o options, opt store.SeedOptions, stdout, progress io.Writer) error {
	st, err := openStore(ctx, o)
	if err != nil {
		return err
	}
	defer st.Close()
	start, last := time.Now(), time.Time{}
	opt.Progress = func(stage string, done, total int) {
		if time.Since(last) > time.Second || done == total {
			fmt.Fprintf(progress, "\r%-12s %7d / %-7d %5.0fs", stage, done, total, time.Since(start).Seconds())
			last = time.Now()
		}
	}
	rep, err := st.Seed(ctx, opt)
	fmt.Fprintln(progress)
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
// process's peak resident memory.
func firstFrame(ctx context.Context, o options, getenv func(string) string, stdout io.Writer) error {
	t0, err := strconv.ParseInt(getenv("DROPIN_BENCH_T0"), 10, 64)
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
	// The desk open with the county in it: the overview loaded.
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
