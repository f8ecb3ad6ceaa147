package tui

import (
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

// BenchmarkChaseSearchKey: a county's first morning, every one of its
// 100,000 tablets still to chase, and the secretariat searching the list
// on the Oversikt: one key of the search (a letter typed, then taken back)
// and the frame it draws, all on the event loop.
//
//	go test ./tui -run '^$' -bench ChaseSearchKey
func BenchmarkChaseSearchKey(b *testing.B) {
	h := newHarness(b, 120, 36, i18n.Bokmal)
	h.m.screen = screenOverview
	list := countyChase(100000)
	h.send(overviewMsg{seq: h.m.overview.seq, ov: store.Overview{Chase: list, ChaseVersion: 1}, orders: chaseOrders(list, i18n.Bokmal)})
	if len(h.m.overview.visible) != len(list) {
		b.Fatalf("%d of %d listed", len(h.m.overview.visible), len(list))
	}
	h.press("/")
	h.press("ø")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i%2 == 0 {
			keyAndFrame(h, tea.KeyPressMsg{Code: 'a', Text: "a"})
		} else {
			keyAndFrame(h, tea.KeyPressMsg{Code: tea.KeyBackspace})
		}
		i++
	}
}

// keyAndFrame is a person's key: through the scanner detector, released
// as its flush timer would release it, handled, and the frame drawn. The
// commands it sets off (a cursor's blink) are not run.
func keyAndFrame(h *harness, k tea.KeyPressMsg) {
	h.clk.advance(500 * time.Millisecond)
	msgs, _ := h.m.detector.Intercept(k, h.clk.now())
	for _, msg := range append(msgs, h.m.detector.Flush()...) {
		h.m.handle(msg)
	}
	h.m.View()
}

// BenchmarkChaseSearchTyping: the same list, a name typed into the search
// key by key as someone looking for one official does ("oystein aasen
// 12"), each key's frame drawn; the search is cleared (Esc, /) between
// names, and those two keys are counted too. Each key typed on narrows
// what the last one showed.
//
//	go test ./tui -run '^$' -bench ChaseSearchTyping
func BenchmarkChaseSearchTyping(b *testing.B) {
	h := newHarness(b, 120, 36, i18n.Bokmal)
	h.m.screen = screenOverview
	list := countyChase(100000)
	h.send(overviewMsg{seq: h.m.overview.seq, ov: store.Overview{Chase: list, ChaseVersion: 1}, orders: chaseOrders(list, i18n.Bokmal)})
	keys := []tea.KeyPressMsg{{Code: '/', Text: "/"}}
	for _, r := range "oystein aasen 12" {
		keys = append(keys, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	keys = append(keys, tea.KeyPressMsg{Code: tea.KeyEscape})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		keyAndFrame(h, keys[i%len(keys)])
		i++
	}
}

// BenchmarkChaseOrders: the same list sorted in the three orders the s
// key offers, as the overview's load does off the event loop.
//
//	go test ./tui -run '^$' -bench ChaseOrders
func BenchmarkChaseOrders(b *testing.B) {
	list := countyChase(100000)
	for b.Loop() {
		chaseOrders(list, i18n.Bokmal)
	}
}

// countyChase is n officials to chase with Nordic names, in 40
// municipalities and a few bodies, folded as Outstanding folds them.
func countyChase(n int) []store.Chase {
	first := []string{"Øystein", "Åse", "Anne", "Kari", "Ola", "Per", "Ingrid", "Bjørn", "Siri", "Tone", "Ærling", "Jan Erik"}
	last := []string{"Aasen", "Ødegård", "Hansen", "Nordmann", "Bakken", "Lund", "Ekle", "Holmli", "Ærø", "Berg", "Fløan"}
	bodies := []string{"Kommunestyret", "Formannskapet", "Eldrerådet", "Kontrollutvalget", "Hovedutvalg for oppvekst"}
	list := make([]store.Chase, n)
	start := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range list {
		name := fmt.Sprintf("%s %s %d", first[i%len(first)], last[(i/len(first))%len(last)], i)
		list[i] = store.Chase{OfficialID: fmt.Sprint(i), Name: name, Folded: store.Fold(name),
			Municipality: fmt.Sprintf("Kommune %d", i%40), Phone: fmt.Sprintf("9%07d", i),
			Seats:  []store.Seat{{Body: bodies[i%len(bodies)], Role: "Medlem"}},
			Serial: fmt.Sprintf("SER%07d", i)}
		if i%7 == 0 {
			list[i].Reminded, list[i].RemindedAt = 1, start
		}
	}
	return list
}
