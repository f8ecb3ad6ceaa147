package tui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

// watched is the desk as the program runs it, noting when a frame it
// draws first shows the awaited tablet received. The renderer writes only
// what changed between frames, so the time is taken where the frame is
// made (View), a moment before its bytes reach the terminal.
type watched struct {
	*Model
	mu     sync.Mutex
	serial string
	seen   chan time.Time
}

func (w *watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := w.Model.Update(msg)
	return w, cmd
}

func (w *watched) View() tea.View {
	v := w.Model.View()
	w.mu.Lock()
	defer w.mu.Unlock()
	if c := w.Model.desk.card; w.serial != "" && c != nil && c.Device.Serial == w.serial && c.Device.Status == store.Received &&
		strings.Contains(v.Content, w.serial) {
		w.seen <- time.Now()
		w.serial = ""
	}
	return v
}

func (w *watched) await(serial string) {
	w.mu.Lock()
	w.serial = serial
	w.mu.Unlock()
}

// ScanToCard measures, in the real Bubble Tea program on st, each of
// serials (expected tablets) typed at a scanner's pace (3 ms a key) and
// its Enter: the time from the Enter to the first frame that shows the
// tablet received (the check-in committed with its fsync, and the card
// drawn). It returns the times, shortest first.
func ScanToCard(ctx context.Context, st *store.Store, serials []string) ([]time.Duration, error) {
	w := &watched{Model: New(Config{Store: st, Station: "skranke-1", Staff: "KN", Lang: i18n.Bokmal, Sync: NewSyncTarget("", "")}),
		seen: make(chan time.Time, 1)}
	in, keys := io.Pipe()
	p := tea.NewProgram(w, tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(io.Discard), tea.WithWindowSize(120, 36),
		tea.WithoutSignalHandler())
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	defer func() {
		p.Quit()
		keys.Close()
		<-done
	}()
	time.Sleep(300 * time.Millisecond) // the first frame and the desk's first reads
	var lat []time.Duration
	for _, serial := range serials {
		for _, r := range serial {
			keys.Write([]byte(string(r)))
			time.Sleep(3 * time.Millisecond)
		}
		w.await(serial)
		t0 := time.Now()
		keys.Write([]byte("\r"))
		select {
		case t1 := <-w.seen:
			lat = append(lat, t1.Sub(t0))
		case <-time.After(5 * time.Second):
			return nil, fmt.Errorf("%s never showed as received", serial)
		}
	}
	if len(lat) == 0 {
		return nil, errors.New("no tablet to scan")
	}
	slices.Sort(lat)
	return lat, nil
}

// Percentile is the q-th quantile of sorted times, by nearest rank below.
func Percentile(sorted []time.Duration, q float64) time.Duration {
	return sorted[int(q*float64(len(sorted)-1))]
}
