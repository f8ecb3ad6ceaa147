package tui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/tui/i18n"
)

// BenchmarkEquipmentKey: on the Equipment screen's list of every official
// (the county's 100,000 when `dropin bench` has seeded it; see
// scanBenchStore), one step of the cursor and the frame it draws: what
// the secretariat waits for at each key.
//
//	go test ./tui -run '^$' -bench EquipmentKey
func BenchmarkEquipmentKey(b *testing.B) {
	m := equipmentBenchModel(b)
	down := tea.KeyPressMsg{Code: tea.KeyDown}
	up := tea.KeyPressMsg{Code: tea.KeyUp}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%40 >= 20 { // down a screen and back, as someone looking
			k = up
		}
		i++
		m.Update(k)
		m.View()
	}
}

// BenchmarkEquipmentLoad: the Equipment screen opened on the county, from
// the key to the first frame with the list: the store's read (off the
// event loop, in a command) and the answer's handling in Update (on it).
//
//	go test ./tui -run '^$' -bench EquipmentLoad -benchtime 5x
func BenchmarkEquipmentLoad(b *testing.B) {
	m := equipmentBenchModel(b)
	var inUpdate time.Duration
	for b.Loop() {
		msg := m.equipment.load()()
		start := time.Now()
		m.Update(msg)
		m.View()
		inUpdate += time.Since(start)
	}
	b.ReportMetric(float64(inUpdate.Microseconds())/1000/float64(b.N), "update-ms/op")
}

// equipmentBenchModel is the desk at 120×36 on the bench store, on the
// Equipment screen with its list loaded.
func equipmentBenchModel(b *testing.B) *Model {
	b.Helper()
	st, _ := scanBenchStore(b)
	b.Cleanup(func() { st.Close() })
	if err := st.Health(context.Background()); err != nil {
		b.Fatal(err)
	}
	m := New(Config{Store: st, Station: "skranke-1", Staff: "KN", Lang: i18n.Bokmal, Now: time.Now})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 36})
	m.screen = screenEquipment
	msg := m.equipment.load()()
	if msg.(equipmentMsg).err != nil {
		b.Fatal(msg.(equipmentMsg).err)
	}
	m.Update(msg)
	if len(m.equipment.visible) == 0 {
		b.Fatal("no officials listed")
	}
	b.Logf("%d officials listed", len(m.equipment.visible))
	return m
}
