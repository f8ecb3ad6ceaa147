package tui

import (
	"context"
	"strings"
	"testing"

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
