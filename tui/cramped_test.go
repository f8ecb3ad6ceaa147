package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/receipt"
	"dropin/store"
	"dropin/tui/i18n"
)

// At 80x24 what matters comes first: the status stays on the card's
// first line whatever the model's length, and the whole first-login
// checklist is on screen (issue 21, item 17).
func TestCrampedAt80x24(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.Bokmal, i18n.Swedish} {
		h := newHarness(t, 80, 24, lang)
		smallRoster(t, h.store)
		ctx := context.Background()
		long := strings.Repeat("Galaxy Tab S6 Lite med tastatur ", 10)
		if _, err := h.store.Register(ctx, "LONG000001", long, "", h.m.c.actor()); err != nil {
			t.Fatal(err)
		}
		h.scan("LONG000001")
		first := strings.Split(h.screen(), "\n")[3]
		if !strings.Contains(first, i18n.New(lang).Status(store.Received)) || !strings.Contains(first, "…") {
			t.Errorf("%s: the card's first line lost its status: %q", lang, first)
		}
		h.fitsTheTerminal(80, 24)

		h.scan("R52NXYGSKYS")
		h.press("  ") // upgrading, upgraded: the checklist opens
		h.press(" ")
		for _, item := range []string{"1 [", "5 [ ] Agenda Live"} {
			if !strings.Contains(h.screen(), item) {
				t.Errorf("%s: the checklist lacks %q at 80x24:\n%s", lang, item, h.screen())
			}
		}
		h.fitsTheTerminal(80, 24)
	}
}

// The batch's failure field keeps what is typed in view at 80 columns:
// its explanation stands on its own line.
func TestBatchFailureFieldShowsWhatIsTyped(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	smallRoster(t, h.store)
	ctx := context.Background()
	b, err := h.store.OpenBatch(ctx, store.BatchSpec{Name: "Kommunestyret, 2. april"}, h.m.c.actor())
	if err != nil {
		t.Fatal(err)
	}
	h.store.ReadBatch(ctx, b.ID, []string{"TJYHCY68QHGJ"}, h.m.c.actor())
	h.store.SentToIT(ctx, b.ID, h.m.c.actor())
	h.m.screen = screenBatch
	h.run(h.m.batch.open())
	h.special('\r')
	h.press("g")
	h.press("TJYHCY68QHGJ skjerm knust")
	h.wantScreen("› TJYHCY68QHGJ skjerm knust")
	h.fitsTheTerminal(80, 24)
}

// At 80 columns the batch's counts wrap whole: the last of them
// (unknown, read twice, invalid) were cut off with an ellipsis, on the
// open batch and in the list of batches.
func TestBatchCountsWrapWholeAt80(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.Bokmal, i18n.Swedish, i18n.English} {
		h := newHarness(t, 80, 24, lang)
		smallRoster(t, h.store)
		ctx := context.Background()
		b, err := h.store.OpenBatch(ctx, store.BatchSpec{Name: "Kommunestyret, 2. april"}, h.m.c.actor())
		if err != nil {
			t.Fatal(err)
		}
		h.store.ReadBatch(ctx, b.ID, []string{"TJYHCY68QHGJ", "TJYHCY68QHGJ", "UNKNOWN0001", "#%&"}, h.m.c.actor())
		h.m.screen = screenBatch
		h.run(h.m.batch.open())
		invalid := i18n.New(lang).T("batch.counts", 1, 3, 33, 0, 1, 1, 1)
		last := invalid[strings.LastIndex(invalid, "· ")+2:]
		h.wantScreen(last)
		h.special('\r')
		h.wantScreen(last)
		h.fitsTheTerminal(80, 24)
	}
}

func TestBreakAtKeepsEachPartWhole(t *testing.T) {
	for _, c := range []struct {
		s    string
		w    int
		want []string
	}{
		{"a · b · c", 80, []string{"a · b · c"}},
		{"24 av 40 inn · 43 andre · 1 ukjente", 26, []string{"24 av 40 inn · 43 andre ·", "1 ukjente"}},
		{"09–10 3 · 10–11 5 · 11–12 1", 8, []string{"09–10 3 ·", "10–11 5 ·", "11–12 1"}}, // a part wider than w is fit's to cut
		{"æøå · ÆØÅ", 5, []string{"æøå ·", "ÆØÅ"}},
		// The mark that ends a broken line fits too: "a · bb ·" is 8.
		{"a · bb · c", 7, []string{"a ·", "bb · c"}},
		{"a · bb · c", 8, []string{"a · bb ·", "c"}},
	} {
		if got := breakAt(c.s, " · ", c.w); !slices.Equal(got, c.want) {
			t.Errorf("breakAt(%q, %d) = %q, want %q", c.s, c.w, got, c.want)
		}
	}
}

// A box is exactly as wide and tall as asked, whatever its lines: wide
// letters, a line too long, more lines than fit, an empty box.
func TestBoxedIsExactlyItsSize(t *testing.T) {
	edge := NewStyles(true).Box.Focused
	for _, lines := range [][]string{nil, {"æøå"}, {strings.Repeat("漢", 50)}, {"a\nb", "c"}, slices.Repeat([]string{"x"}, 40)} {
		for _, size := range [][2]int{{4, 2}, {20, 5}, {37, 12}} {
			box := boxed(edge, lines, size[0], size[1])
			if len(box) != size[1] {
				t.Errorf("%q in %v: %d lines", lines, size, len(box))
			}
			for _, l := range box {
				if w := ansi.StringWidth(l); w != size[0] {
					t.Errorf("%q in %v: a line %d wide: %q", lines, size, w, ansi.Strip(l))
				}
			}
		}
	}
}

// Beside recent activity the card is 56 columns wide at 100: what it
// says to do wraps there, and nothing of it is cut off.
func TestTheCardWrapsWhatToDoBesideRecentActivity(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Swedish)
	withReceipts(t, h, receipt.Printer{})
	h.scan("DMPXK2ABC123")
	h.press("Galaxy Tab")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEscape)
	h.wantScreen("Ingen förtroendevald kopplad: l kopplar, i lämnar ut", "enheten.", "p ger", "ett utan namn.")
	for _, l := range strings.Split(h.screen(), "\n") {
		if strings.HasPrefix(l, "│") && strings.Contains(l, "…") {
			t.Errorf("a line of the card is cut: %q", l)
		}
	}
	h.fitsTheTerminal(100, 30)

	// The first-login checklist's title says how to tick, at its end.
	o := kari(t, h.store)
	if _, err := h.store.Register(context.Background(), "R52NXYGSKYS", "iPad", o.ID, h.m.c.actor()); err != nil {
		t.Fatal(err)
	}
	h.scan("R52NXYGSKYS")
	h.press("   ")
	h.wantScreen("bockar av):", "5 [ ] Agenda Live")
	for _, l := range strings.Split(h.screen(), "\n") {
		if strings.HasPrefix(l, "│") && strings.Contains(l, "…") && !strings.Contains(l, "││") {
			t.Errorf("a line of the card is cut: %q", l)
		}
	}
}
