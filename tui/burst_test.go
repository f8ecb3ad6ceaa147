package tui

import (
	"context"
	"testing"

	tea "charm.land/bubbletea/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

// Text that arrives at scanner speed into a text field (a paste in a
// terminal without bracketed paste, or a serial scanned into a note on
// purpose) is what was typed there, with its Enter: it is never dropped.
// Where the desk asks who a visit is for, a scanned device answers with
// its official and a typed name is searched for, not picked blind.
func TestABurstIntoATextFieldIsWhatWasTyped(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	h.open(screenVisits)

	// A note pasted as keys, with its Enter.
	h.press("a")
	h.press("tone")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.scan("Glemt passordet")
	h.wantScreen("Tone Ekle står i kø")

	// A name pasted where the desk asks who: searched, not yet picked.
	h.press("a")
	h.scan("siri lund")
	if f := h.m.visits.form; f == nil || f.stage != stageWho || f.field.Value() != "siri lund" {
		t.Fatal("a pasted name is searched for, not picked")
	}
	h.wantScreen("Siri Lund")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	// A serial scanned into the note on purpose stays there as text.
	h.scan("YT3GQQTZJ8GY")
	h.wantScreen("Siri Lund står i kø")
	if h.m.screen != screenVisits {
		t.Fatal("a serial scanned into a note is the note's")
	}

	// Asked who, a scanned tablet answers with its official, and the
	// queue asked for stays the queue.
	h.press("a")
	h.scan("R52NXYGSKYS")
	h.wantScreen("Ny i kø · Øystein Aasen", "Hva gjelder det?")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Øystein Aasen står i kø")
	q, err := h.store.Queue(context.Background())
	if err != nil || len(q) != 3 {
		t.Fatalf("queue %+v %v", q, err)
	}
	for i, want := range []struct{ name, note string }{{"Tone Ekle", "Glemt passordet"}, {"Siri Lund", "YT3GQQTZJ8GY"}, {"Øystein Aasen", ""}} {
		if q[i].Name != want.name || q[i].Note != want.note {
			t.Errorf("queue %d: %s «%s», want %s «%s»", i, q[i].Name, q[i].Note, want.name, want.note)
		}
	}

	// The overview's search takes a pasted name; a tablet scanned into
	// it is checked in at the desk.
	h.open(screenOverview)
	h.press("/")
	h.scan("tone ekle")
	if h.m.overview.searching || h.m.overview.search.Value() != "tone ekle" {
		t.Fatalf("search %q, still searching %v", h.m.overview.search.Value(), h.m.overview.searching)
	}
	h.wantScreen("Tone Ekle")
	// One word reads as a serial too ("OYSTEIN"); no device has it, so
	// it is the name it looks like.
	h.press("/")
	h.special(tea.KeyEscape)
	h.press("/")
	h.scan("oystein")
	if h.m.screen != screenOverview || h.m.overview.search.Value() != "oystein" {
		t.Fatalf("a one-word name: screen %d, search %q", h.m.screen, h.m.overview.search.Value())
	}
	h.wantScreen("Øystein Aasen")
	h.press("/")
	h.scan("TJYHCY68QHGJ")
	if h.m.screen != screenDesk || h.card().Status != store.Received {
		t.Fatal("a tablet scanned into the overview's search is checked in")
	}
}

// A token pasted as keys into the settings is the token; a tablet
// scanned while the settings are open still goes to the desk.
func TestABurstIntoTheSettingsIsTheirs(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	target := NewSyncTarget("", "")
	h.m.settings.target = target
	h.open(screenSettings)
	h.special(tea.KeyDown)
	h.special(tea.KeyDown) // the central store
	h.press("http://127.0.0.1:8470")
	h.special(tea.KeyDown) // the token
	h.scan("dropin_tok_7QmN2vXc9LpR4sTz8KwB")
	h.wantScreen("✓ Lagret")
	if u, k := target.Get(); u != "http://127.0.0.1:8470" || k != "dropin_tok_7QmN2vXc9LpR4sTz8KwB" {
		t.Fatalf("the desk syncs with %q %q", u, k)
	}
	h.scan("TJYHCY68QHGJ")
	if h.m.screen != screenDesk || h.card().Status != store.Received {
		t.Fatal("a tablet scanned at the settings is checked in at the desk")
	}
}

// A burst whose field closed while the store was asked about it is not
// typed as keys: outside a field they are the screen's commands ("s"
// sorts, "e" exports).
func TestABurstIsNotTypedIntoAClosedField(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	h.open(screenOverview)
	h.press("/")
	lookUp := h.m.lookUpBurst("sortes etter navn")
	h.special(tea.KeyEscape) // the search closes before the answer comes
	h.send(lookUp())
	if h.m.overview.sortBy != 0 || h.m.overview.searching || h.m.overview.search.Value() != "" {
		t.Fatalf("the burst was typed as commands: sort %d, searching %v, search %q", h.m.overview.sortBy, h.m.overview.searching, h.m.overview.search.Value())
	}
}
