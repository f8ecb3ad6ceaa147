package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/tui"
	"dropin/tui/i18n"
)

// runDesk opens the desk: the store at once (its check of every page runs
// behind the first frame), the receipts, the settings, the sync loop.
func (a *app) runDesk(ctx context.Context) error {
	o := a.o
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
	// A database that is no station's yet is claimed for this one once
	// its pages are checked (writes wait for that), not before the first
	// frame.
	if err := o.settleStation(ctx, st, false); err != nil {
		return err
	}
	logger, closeLog := openLog(a.getenv)
	defer closeLog()
	fixed, err := o.printerFromSettings(ctx, st)
	if err != nil {
		return err
	}
	rs, err := o.receipts()
	if err != nil {
		return err
	}
	logger.Info("desk opened", "db", o.db, "station", o.station, "version", a.version, "key", rs.Key.ID, "printer", o.printer)
	syncFixed := o.centralFromSettings(ctx, st)
	target := tui.NewSyncTarget(o.central, o.token)
	rem, err := a.remind.desk(i18n.New(lang))
	if err != nil {
		return err
	}
	m := tui.New(tui.Config{Store: st, Station: o.station, Staff: staff, Lang: lang, ScanGap: o.scanGap, Log: logger,
		Receipts: rs, PrinterFixed: fixed, Sync: target, SyncFixed: syncFixed, Exports: o.exports, Remind: rem,
		RosterFolders: tui.RosterFolders(o.exports)})
	p := tea.NewProgram(m, tea.WithContext(ctx))
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go tui.SyncLoop(sctx, p.Send, st, target, 5*time.Second)
	go func() {
		if err := st.Health(sctx); err != nil && sctx.Err() == nil {
			p.Send(tui.DamagedMsg{Err: err})
			return
		}
		have, err := st.ClaimStation(sctx, o.station)
		switch {
		case err != nil:
			if sctx.Err() == nil {
				logger.Error("claim the station", "station", o.station, "err", err)
			}
		case have != o.station:
			// Another process claimed it between the look and the claim.
			logger.Warn("the database is another station's", "station", have, "desk", o.station)
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
