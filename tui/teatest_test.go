package tui

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

// TestDeskEndToEnd runs the real program loop: a scanner types a serial
// and Enter, the card appears, and the tablet is stepped to first-login
// with the checklist. The final screen is kept as a golden file;
// regenerate with: go test ./tui -run TestDeskEndToEnd -update
func TestDeskEndToEnd(t *testing.T) {
	st := openStore(t)
	at := time.Date(2026, 4, 14, 9, 0, 0, 0, time.Local)
	st.SetClock(func() time.Time { at = at.Add(time.Minute); return at })
	ctx := context.Background()
	o := kari(t, st)
	desk := store.Actor{Station: "skranke-1", Staff: "KN"}
	if _, err := st.Register(ctx, "DMPXK2ABC123", "iPad 9. generasjon", o.ID, desk); err != nil {
		t.Fatal(err)
	}
	st.Undo(ctx, "DMPXK2ABC123", desk) // on the roster, not yet seen

	fixed := func() time.Time { return time.Date(2026, 4, 14, 10, 30, 0, 0, time.Local) }
	m := New(Config{Store: st, Station: "skranke-1", Staff: "KN", Lang: i18n.Bokmal, Now: fixed})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	// A person's key: sent, then a pause longer than the scanner's gap.
	key := func(r rune) {
		tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
		time.Sleep(120 * time.Millisecond)
	}
	// The renderer sends only changed cells, so after the first frame the
	// test watches the store (safe to read from here) rather than the
	// output stream.
	waitStatus := func(want store.Status) {
		t.Helper()
		for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			if c, _ := st.Card(ctx, "DMPXK2ABC123"); c.Device.Status == want {
				time.Sleep(30 * time.Millisecond) // and the desk has drawn it
				return
			}
		}
		t.Fatalf("the tablet never became %s", want)
	}

	// The scanner: the keys back to back, then Enter.
	tm.Type("dmpxk2abc123")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Kari Nordmann")) },
		teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	waitStatus(store.Received)

	key(' ')
	waitStatus(store.Upgrading)
	key(' ')
	waitStatus(store.Upgraded)
	key(' ') // opens the checklist
	for _, r := range "12345" {
		key(r)
	}
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitStatus(store.FirstLogin)
	// The answers the step sets off (recent activity, today's counts) are
	// drawn after it is stored: wait until the desk has drawn nothing new
	// for a while. A fixed pause lost them now and then under -race.
	var drawn bytes.Buffer
	for quiet, deadline := time.Now(), time.Now().Add(3*time.Second); time.Since(quiet) < 200*time.Millisecond && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if n, _ := io.Copy(&drawn, tm.Output()); n > 0 {
			quiet = time.Now()
		}
	}
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})

	fm := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(*Model)
	card, err := st.Card(ctx, "DMPXK2ABC123")
	if err != nil || card.Device.Status != store.FirstLogin {
		t.Fatalf("stored status %s, %v", card.Device.Status, err)
	}
	if fm.desk.card == nil || fm.desk.card.Device.Status != store.FirstLogin {
		t.Fatal("the desk does not show first-login")
	}
	golden.RequireEqual(t, ansi.Strip(fm.View().Content))
}
