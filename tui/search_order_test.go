package tui

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

// A name search lists officials as a reader of the desk's language looks
// for them: in bokmål and Swedish Åse comes after Zeta, though the search
// reads names folded, where Å is an A. What is shown is the first of the
// whole roster in that order, not the first of the folded order sorted.
func TestSearchListsNamesInTheReadersOrder(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	importLevanger(t, st)
	all, err := st.SearchOfficials(ctx, "", 10_000)
	if err != nil || len(all) < 90 {
		t.Fatalf("the roster: %d officials, %v", len(all), err)
	}
	for _, lang := range []i18n.Lang{i18n.Bokmal, i18n.Swedish, i18n.English} {
		c := i18n.New(lang)
		want := names(all)
		slices.SortStableFunc(want, c.Compare)
		for _, q := range []string{"", "a", "å", "ase", "Hagen"} {
			got, err := st.SearchOfficialsBy(ctx, q, 8, i18n.NewKeys(lang).Key)
			if err != nil {
				t.Fatal(err)
			}
			// Those whose name begins with q as typed, in the reader's
			// order, then those whose name folded does, then those with a
			// word that does.
			var typed, folded, words []string
			for _, n := range want {
				switch {
				case strings.HasPrefix(strings.ToLower(n), strings.ToLower(q)):
					typed = append(typed, n)
				case strings.HasPrefix(store.Fold(n), store.Fold(q)):
					folded = append(folded, n)
				case slices.ContainsFunc(strings.Fields(store.Fold(n)), func(w string) bool { return strings.HasPrefix(w, store.Fold(q)) }):
					words = append(words, n)
				}
			}
			expect := append(append(typed, folded...), words...)
			expect = expect[:min(8, len(expect))]
			if g := names(got); !slices.Equal(g, expect) {
				t.Errorf("%s, %q:\n got  %q\n want %q", lang, q, g, expect)
			}
		}
	}

	// At the desk: the link picker opens on the first names, Åse not
	// among them in bokmål.
	h := newHarness(t, 100, 30, i18n.Bokmal)
	importLevanger(t, h.store)
	h.scan("2HHQPVS88F") // not on the roster: registered here, no one linked
	h.press("iPad")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEscape) // not linked at once
	h.press("l")
	h.wantScreen("Anne Grethe Ness", "Astrid Brenne")
	if strings.Contains(h.screen(), "Åse") {
		t.Fatalf("Åse among the first names in bokmål:\n%s", h.screen())
	}
	h.press("å") // Å, as typed, before the A's it folds to
	h.wantScreen("› Åse Haugen", "Åse Moen", "Anne Grethe Ness")
	h.special(tea.KeyEscape)
}

func names(os []store.Official) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Name
	}
	return out
}
