package tui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/store"
	"dropin/tui/i18n"
)

// testClock is the desk's clock in unit tests: keys are as far apart as
// the test says.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time          { return c.t }
func (c *testClock) advance(d time.Duration) { c.t = c.t.Add(d) }

type harness struct {
	t     testing.TB
	m     *Model
	store *store.Store
	clk   *testClock
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "dropin.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func newHarness(t testing.TB, w, h int, lang i18n.Lang) *harness {
	t.Helper()
	st := openStore(t)
	clk := &testClock{t: time.Date(2026, 4, 14, 9, 0, 0, 0, time.Local)}
	m := New(Config{Store: st, Station: "skranke-1", Staff: "KN", Lang: lang, Now: clk.now})
	// What CUPS this machine has is not the test's: a test that asks it
	// names lpstat itself.
	m.settings.lpstat = filepath.Join(t.TempDir(), "no-lpstat")
	hs := &harness{t: t, m: m, store: st, clk: clk}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	hs.run(m.Init())
	return hs
}

// send delivers msg and runs what it sets off.
func (h *harness) send(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.run(cmd)
}

// run executes cmd the way the runtime would and feeds its messages back.
// Commands that have not answered within cmdCutoff (a second; longer under
// the race detector) are timers (the roster's rescan, the refresh tick);
// unit tests move time themselves and drop them.
func (h *harness) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	out := make(chan tea.Msg, 1)
	go func() { out <- cmd() }()
	select {
	case msg := <-out:
		switch msg := msg.(type) {
		case nil:
		case tea.BatchMsg:
			for _, c := range msg {
				h.run(c)
			}
		default:
			h.send(msg)
		}
	case <-time.After(cmdCutoff):
	}
}

// open shows a screen as Tab would and runs what it does on opening.
func (h *harness) open(s screen) {
	h.t.Helper()
	h.m.screen = s
	h.run(h.m.page().open())
}

// scan types s as a scanner does (3 ms a key) and presses Enter.
func (h *harness) scan(s string) {
	for _, r := range s {
		h.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)}) // only the flush timer comes back
		h.clk.advance(3 * time.Millisecond)
	}
	h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.clk.advance(time.Second)
}

// key presses one key as a person does, long after the last one. The
// detector holds a printable key until its flush timer fires; the test
// fires it at once instead of waiting.
func (h *harness) key(k tea.KeyPressMsg) {
	h.clk.advance(500 * time.Millisecond)
	msgs, _ := h.m.detector.Intercept(k, h.clk.now())
	for _, msg := range msgs {
		h.run(h.m.handle(msg))
	}
	// A held printable key: release it as its flush timer would.
	for _, msg := range h.m.detector.Flush() {
		h.run(h.m.handle(msg))
	}
}

func (h *harness) press(s string) {
	for _, r := range s {
		h.key(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func (h *harness) special(code rune) { h.key(tea.KeyPressMsg{Code: code}) }

// screen is what the terminal shows. The frame kept between messages
// must be the one the model would draw now: a screen test that saw a
// stale frame would pass on what the desk no longer shows.
func (h *harness) screen() string {
	h.t.Helper()
	shown := h.m.View().Content
	if now := h.m.draw().Content; shown != now {
		h.t.Fatalf("the frame shown is stale:\n%s\nwhere the desk now draws:\n%s", ansi.Strip(shown), ansi.Strip(now))
	}
	return ansi.Strip(shown)
}

func (h *harness) card() store.Device {
	h.t.Helper()
	if h.m.desk.card == nil {
		h.t.Fatalf("no card open; screen:\n%s", h.screen())
	}
	return h.m.desk.card.Device
}

func (h *harness) wantScreen(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}

func kari(t *testing.T, st *store.Store) store.Official {
	o := store.Official{
		ID: "kari.nordmann@levanger.kommune.no", Name: "Kari Nordmann", Municipality: "Levanger",
		EmailPrimary: "kari.nordmann@levanger.kommune.no", EmailSecondary: "kari.nordmann@innherred-samkommune.no",
		Phone: "912 34 567", Seats: []store.Seat{{Body: "Kommunestyret", Role: "medlem"}, {Body: "Formannskapet", Role: "leder"}},
	}
	if err := st.PutOfficial(context.Background(), o, store.Actor{Station: "t", Staff: "T"}); err != nil {
		t.Fatal(err)
	}
	return o
}

// A confirmation on the flash line is about the screen it was said on:
// moving to another screen clears it. An error stays until the next
// message, wherever the user goes.
func TestMovingToAnotherScreenClearsAConfirmation(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	h.scan("R52NXYGSKYS")
	said := h.m.flash.text
	if h.m.flash.kind == flashError || said == "" || !strings.Contains(h.screen(), said) {
		t.Fatalf("the check-in said %q (%d):\n%s", said, h.m.flash.kind, h.screen())
	}
	h.special(tea.KeyTab)
	if h.m.screen != screenOverview || strings.Contains(h.screen(), said) {
		t.Fatalf("on the next screen:\n%s", h.screen())
	}
	h.send(flashMsg{kind: flashError, text: "Skriveren svarer ikke"})
	h.special(tea.KeyTab)
	h.wantScreen("Skriveren svarer ikke")
}

// The settings screen says which station this database is, with the
// command that makes its token as one shell word, whatever the name.
func TestTheSettingsSayWhichStationTheTokenIsFor(t *testing.T) {
	for name, want := range map[string]string{
		"levanger-1":    "dropin serve station add levanger-1",
		"Skranke Ærø":   "dropin serve station add 'Skranke Ærø'",
		"Kari's skrank": `dropin serve station add 'Kari'\''s skrank'`,
	} {
		if got := "dropin serve station add " + shellWord(name); got != want {
			t.Errorf("%q: %s, want %s", name, got, want)
		}
	}
	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.open(screenSettings)
	h.wantScreen("Denne databasen er stasjonen skranke-1. IT lager tokenet med", "dropin serve station add skranke-1")
}
