package cli

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/store"
	"dropin/store/central"
	"dropin/store/wire"
	"dropin/tui/i18n"
)

// The figures of a desk's heavier work, each on a fresh database in a
// temporary folder so the cached county stays as seeded: a roster import,
// a batch import, one receipt, and (given --pg) push and pull through a
// real central store.

// imports measures `dropin import` of 20,000 rows and `dropin batch
// import` of 10,000 reads.
func (b *bench) imports(ctx context.Context) error {
	var imp, batch []float64
	for range 3 {
		dir, err := os.MkdirTemp("", "dropin-bench")
		if err != nil {
			return err
		}
		d, err := store.MeasureImport(ctx, dir, 20_000)
		if err == nil {
			imp = append(imp, d.Seconds())
			d, err = store.MeasureBatch(ctx, dir, 10_000)
			batch = append(batch, d.Seconds())
		}
		os.RemoveAll(dir)
		if err != nil {
			return err
		}
	}
	b.add("roster import, 20,000 rows (median of 3)", median(imp), "s", 1, "< 1 s")
	b.add("batch import, 10,000 reads (median of 3)", median(batch), "s", 1, "< 1 s")
	return nil
}

// receipts measures one receipt: what the step waits for (content and
// signed token, made in the step's transaction) and the files (QR, PDF on
// A4 and slip, PNG), which the desk writes after the step is shown.
func (b *bench) receipts(ctx context.Context) error {
	dir, err := os.MkdirTemp("", "dropin-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	rs, err := station.OpenReceipts(filepath.Join(dir, "keys"), filepath.Join(dir, "receipts"), receipt.Printer{})
	if err != nil {
		return err
	}
	t := i18n.New(i18n.Bokmal)
	card := store.Card{
		Device:   store.Device{Serial: "DMPXK2ABC123", Known: true, Model: "iPad (10. gen)", Kind: store.Tablet, Status: store.Received},
		Official: &store.Official{ID: "kari@levanger.kommune.no", Name: "Kari Nordmann", Municipality: "Levanger", EmailPrimary: "kari@levanger.kommune.no"},
	}
	by := store.Actor{Station: "bench", Staff: "BN"}
	var step, files []float64
	for i := range 20 {
		start := time.Now()
		content, token, err := rs.Make("I", i+1, time.Now(), card, by)
		if err != nil {
			return err
		}
		step = append(step, ms(time.Since(start)))
		start = time.Now()
		rec := store.ReceiptRecord{Station: by.Station, Number: i + 1, Serial: card.Device.Serial, Kind: "I", Token: token, Content: content, Issued: time.Now()}
		if _, err := rs.Render(t, rec); err != nil {
			return err
		}
		files = append(files, ms(time.Since(start)))
	}
	b.add("receipt in the step: content + signed token", median(step), "ms", 10, "< 10 ms")
	b.add("receipt files: QR, PDF A4 + slip, PNG", median(files), "ms", 0, "after the step is shown")
	b.table[len(b.table)-1].verdict = ""
	return nil
}

// sync measures a push of 100,000 events from one desk and their pull
// into another, through the HTTP service and PostgreSQL at dsn, in a
// database of its own made there and dropped after; each against the
// floor of the same rows written with one raw COPY (Central.CopyFloor).
func (b *bench) sync(ctx context.Context, dsn string) error {
	if dsn == "" {
		b.table = append(b.table, benchRow{"push / pull 100,000 events", "–", "< 3 s each, ≤ 2 × COPY", "give --pg DSN to measure"})
		return nil
	}
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("--pg: %w", err)
	}
	defer admin.Close(ctx)
	name := "dropin_bench_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		return fmt.Errorf("--pg: %w", err)
	}
	defer admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	cfg := admin.Config()
	c, err := central.Open(ctx, fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", cfg.User, cfg.Host, cfg.Port, name))
	if err != nil {
		return err
	}
	defer c.Close()
	srv := httptest.NewServer(central.Handler(c, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	dir, err := os.MkdirTemp("", "dropin-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	desk := func(name string) (*store.Store, string, error) {
		token, err := c.AddStation(ctx, name, "bench")
		if err != nil {
			return nil, "", err
		}
		st, err := store.Open(ctx, filepath.Join(dir, name+".db"))
		return st, token, err
	}
	src, token, err := desk("sekretariat")
	if err != nil {
		return err
	}
	defer src.Close()
	if err := src.ImportBenchRoster(ctx, 100_000, store.Actor{Station: "sekretariat", Staff: "BN"}); err != nil {
		return err
	}
	out, err := src.Outbox(ctx, 1_000_000)
	if err != nil {
		return err
	}
	n := len(out)
	// The floor each is held to: the same rows written with one raw COPY
	// into a table like the central events table, measured just before
	// it, so both see the machine at the same speed.
	evs := make([]wire.Event, n)
	for i, e := range out {
		evs[i] = e.Wire()
	}
	pushFloor, err := c.CopyFloor(ctx, "bench", evs)
	if err != nil {
		return err
	}
	start := time.Now()
	if _, err := src.Push(ctx, srv.URL, token, nil); err != nil {
		return err
	}
	push := time.Since(start)
	dst, token, err := desk("skranke")
	if err != nil {
		return err
	}
	defer dst.Close()
	pullFloor, err := c.CopyFloor(ctx, "bench", evs)
	if err != nil {
		return err
	}
	start = time.Now()
	if _, _, err := dst.Pull(ctx, srv.URL, token, nil); err != nil {
		return err
	}
	pull := time.Since(start)
	b.add(fmt.Sprintf("push %d events to the central store", n), push.Seconds(), "s", 3, "< 3 s")
	b.add(fmt.Sprintf("pull %d events and project them", n), pull.Seconds(), "s", 3, "< 3 s")
	b.add("push, against a raw COPY of its rows", push.Seconds(), "s", 2*pushFloor.Seconds(), fmt.Sprintf("≤ 2 × COPY (%.2f s)", pushFloor.Seconds()))
	b.add("pull, against a raw COPY of its rows", pull.Seconds(), "s", 2*pullFloor.Seconds(), fmt.Sprintf("≤ 2 × COPY (%.2f s)", pullFloor.Seconds()))
	return nil
}
