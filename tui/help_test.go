package tui

import (
	"context"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"dropin/receipt"
	"dropin/store"
	"dropin/tui/i18n"
)

func helpKeys(bs []key.Binding) map[string]bool {
	m := map[string]bool{}
	for _, b := range bs {
		m[b.Help().Key] = true
	}
	return m
}

// The help offers each key once, and only what can be done: no "enter
// confirm" on an empty field, no "p print" for a tablet without a receipt.
func TestHelpOffersWhatCanBeDone(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	ctx := context.Background()
	// A laptop taken into stock before receipts were made: none for it.
	h.store.RegisterKind(ctx, "LAP0000001", "ThinkPad", store.Laptop, "", h.m.c.actor())
	withReceipts(t, h, receipt.Printer{})
	for _, s := range []screen{screenDesk, screenOverview, screenBatch, screenImport, screenSettings, screenEquipment} {
		h.m.screen = s
		seen := map[string]bool{}
		for _, grp := range h.m.fullHelpKeys() {
			for _, b := range grp {
				if seen[b.Help().Key+b.Help().Desc] {
					t.Errorf("screen %d offers %q twice", s, b.Help().Key+" "+b.Help().Desc)
				}
				seen[b.Help().Key+b.Help().Desc] = true
			}
		}
	}
	h.m.screen = screenDesk
	if k := helpKeys(h.m.shortHelpKeys()); k["enter"] {
		t.Error("an idle desk offers enter")
	}
	h.press("/")
	h.press("AB")
	if k := helpKeys(h.m.shortHelpKeys()); !k["enter"] {
		t.Error("a typed serial is not offered enter")
	}
	h.special(0x1b)
	h.scan("LAP0000001")
	if h.card().Serial != "LAP0000001" || h.m.desk.card.Receipts != 0 {
		t.Fatalf("card %s with %d receipts", h.card().Serial, h.m.desk.card.Receipts)
	}
	if k := helpKeys(h.m.shortHelpKeys()); k["p"] || k["v"] {
		t.Errorf("a tablet with no receipt offers print or show: %v", k)
	}
}

// The full help shows every key it offers at 80x24, in bokmål and
// Swedish, on every screen: no column falls off the edge.
func TestFullHelpFitsEightyColumns(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.Bokmal, i18n.Swedish} {
		h := newHarness(t, 80, 24, lang)
		smallRoster(t, h.store)
		h.scan("R52NXYGSKYS")
		for _, s := range []screen{screenDesk, screenOverview, screenBatch, screenImport, screenSettings, screenEquipment} {
			h.m.screen = s
			h.m.fullHelp = true
			h.m.frameValid = false // set here, not by a key
			view := h.screen()
			for _, grp := range h.m.fullHelpKeys() {
				for _, b := range grp {
					if !strings.Contains(view, b.Help().Desc) {
						t.Errorf("%s screen %d: the full help lacks %q", lang, s, b.Help().Key+" "+b.Help().Desc)
					}
				}
			}
			h.fitsTheTerminal(80, 24)
			h.m.fullHelp = false
		}
	}
}
