package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

// smallRoster imports testdata/roster-small.csv: 7 officials in Levanger
// and Verdal, one of them a municipal employee, and checks two tablets in.
func smallRoster(t testing.TB, st *store.Store) {
	t.Helper()
	ctx := context.Background()
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	if _, _, err := st.ImportFile(ctx, "testdata/roster-small.csv", by, false); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"R52NXYGSKYS", "SDWBWB126WZR"} {
		if _, err := st.CheckIn(ctx, s, by); err != nil {
			t.Fatal(err)
		}
	}
	st.Step(ctx, "R52NXYGSKYS", store.KindUpgrading, store.Input{}, by)
}

// TestOverviewEndToEnd opens the overview in the real program on a small
// roster and filters it to one municipality. Golden file:
// go test ./tui -run TestOverviewEndToEnd -update
func TestOverviewEndToEnd(t *testing.T) {
	st := openStore(t)
	at := time.Date(2026, 4, 14, 9, 0, 0, 0, time.Local)
	st.SetClock(func() time.Time { at = at.Add(time.Minute); return at })
	smallRoster(t, st)
	fixed := func() time.Time { return time.Date(2026, 4, 14, 10, 30, 0, 0, time.Local) }
	m := New(Config{Store: st, Station: "skranke-1", Staff: "KN", Lang: i18n.Bokmal, Now: fixed})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))

	tm.Send(tea.KeyPressMsg{Code: tea.KeyTab})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Å følge opp")) },
		teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	tm.Send(tea.KeyPressMsg{Code: 'm', Text: "m"}) // Levanger only
	time.Sleep(150 * time.Millisecond)             // longer than the scanner gap: a person's key
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})

	fm := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(*Model)
	if fm.overview.mun != "Levanger" {
		t.Fatalf("filter %q, want Levanger", fm.overview.mun)
	}
	out := ansi.Strip(fm.View().Content)
	for _, want := range []string{"Levanger: 1 av 3 samlet inn, 33 %", "Tone Ekle", "Åse Moen", "kommune: Levanger"} {
		if !strings.Contains(out, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	for _, not := range []string{"Bjørg Brenne", "Siri Lund", "Øystein Aasen"} {
		if strings.Contains(out, not) {
			t.Errorf("%s is not to be chased here (other municipality, employee, or handed in)", not)
		}
	}
	golden.RequireEqual(t, out)
}

func TestOverviewFiltersSortAndSearch(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	h.special(tea.KeyTab)
	if h.m.screen != screenOverview || !h.m.overview.loaded {
		t.Fatal("tab opens the overview and loads it")
	}
	names := func() string {
		var n []string
		for _, c := range h.m.overview.visible {
			n = append(n, c.Name)
		}
		return strings.Join(n, ", ")
	}
	if got := names(); got != "Arne Nordmann, Bjørg Brenne, Tone Ekle, Åse Moen" {
		t.Fatalf("to chase, in Norwegian order: %s", got)
	}
	tot := h.m.overview.total
	whole := fmt.Sprintf("%d av %d samlet inn", tot.Collected(), tot.Total())
	h.wantScreen(whole)
	h.press("mm") // Levanger, then Verdal
	if got := names(); got != "Arne Nordmann, Bjørg Brenne" {
		t.Fatalf("Verdal: %s", got)
	}
	// The headline follows the municipality chosen, as the table does.
	found := false
	for _, l := range h.m.overview.lines {
		if l.Municipality == "Verdal" && l.Body == "" {
			found = true
			if l.Total() == tot.Total() {
				t.Fatalf("the test needs Verdal's count to differ from the whole's")
			}
			h.wantScreen(fmt.Sprintf("Verdal: %d av %d samlet inn, %d %%", l.Collected(), l.Total(), store.Percent(l.Collected(), l.Total())))
		}
	}
	if !found {
		t.Fatal("no coverage line for Verdal")
	}
	if strings.Contains(h.screen(), whole) {
		t.Fatalf("Verdal chosen, the headline still counts the whole:\n%s", h.screen())
	}
	h.press("b") // the first body in Verdal: Formannskapet
	if got := names(); got != "Arne Nordmann" {
		t.Fatalf("Verdal, Formannskapet: %s (body %q)", got, h.m.overview.body)
	}
	h.press("m") // all municipalities again, body filter cleared
	h.press("/")
	h.press("aase") // diacritics aside: finds Åse
	h.special(tea.KeyEnter)
	if got := names(); got != "Åse Moen" {
		t.Fatalf("search: %s", got)
	}
	h.wantScreen("Åse Moen", "Eldrerådet (Medlem)", "948 14 829", "ase.moen@levanger.kommune.no")
	h.press("/")
	h.special(tea.KeyEscape) // the search cleared
	lineOf := func(name string) string {
		for _, l := range strings.Split(h.screen(), "\n") {
			if strings.Contains(l, name) {
				return l
			}
		}
		t.Fatalf("no line of %s:\n%s", name, h.screen())
		return ""
	}
	if l := lineOf("Tone Ekle"); strings.Contains(l, "Levanger") {
		t.Fatalf("a municipality at 100 columns sorted by name: %q", l)
	}
	h.press("s") // by municipality, then name
	if got := names(); got != "Tone Ekle, Åse Moen, Arne Nordmann, Bjørg Brenne" {
		t.Fatalf("by municipality: %s", got)
	}
	if l := lineOf("Bjørg Brenne"); !strings.Contains(l, "Verdal") {
		t.Fatalf("sorted by municipality, the line does not show it: %q", l)
	}
	h.press("/")
	h.press("n") // a search keeps the order chosen
	if got := names(); got != "Tone Ekle, Åse Moen, Arne Nordmann, Bjørg Brenne" {
		t.Fatalf("by municipality, searched for n: %s", got)
	}
	h.press("e")
	if got := names(); got != "Tone Ekle, Arne Nordmann, Bjørg Brenne" {
		t.Fatalf("by municipality, searched for ne: %s", got)
	}
	h.special(tea.KeyEscape)
	h.press("ss") // by body, then by name again
	if got := names(); got != "Arne Nordmann, Bjørg Brenne, Tone Ekle, Åse Moen" {
		t.Fatalf("by name again: %s", got)
	}
	// A scan on the overview goes to the desk.
	h.scan("TJYHCY68QHGJ")
	if h.m.screen != screenDesk || h.card().Status != store.Received {
		t.Fatal("a scan on the overview checks the tablet in at the desk")
	}
}

func TestImportScreenPreviewsThenImports(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	h.special(tea.KeyTab)
	h.special(tea.KeyTab)
	h.special(tea.KeyTab)
	if h.m.screen != screenImport {
		t.Fatalf("screen %d", h.m.screen)
	}
	h.press("testdata/roster-small.csv")
	h.special(tea.KeyEnter)
	h.wantScreen("8 rader: 7 folkevalgte, 7 nettbrett", "Dette vil endres", "7 nye folkevalgte", "+ Hege Skjærvø (Verdal)")
	if res, _ := h.store.SearchOfficials(context.Background(), "", 10); len(res) != 0 {
		t.Fatal("the preview must not change anything")
	}
	h.wantScreen("Importere dette? y importerer, n eller Esc avbryter.")
	h.special(tea.KeyEnter) // a double Enter: no import without a yes
	if res, _ := h.store.SearchOfficials(context.Background(), "", 10); len(res) != 0 {
		t.Fatal("a second Enter imported the roster without review")
	}
	h.wantScreen("Dette vil endres", "Importere dette?")
	h.press("y")
	h.wantScreen("Importert:", "✓ Lagret")
	if res, _ := h.store.SearchOfficials(context.Background(), "", 10); len(res) != 7 {
		t.Fatalf("imported %d officials, want 7", len(res))
	}
}

// After a file is read, the next one is dropped, pasted or typed on the
// screen as it stands: it takes the last path's place in the field, not
// added to its end, and is not taken for a tablet's serial. The shared
// data's two rosters are imported one after the other so.
func TestImportScreenTakesTheNextFile(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	h.m.screen = screenImport
	h.run(h.m.importer.open())
	h.scan("testdata/roster-small.csv")
	h.press("y")
	h.wantScreen("Importert:", "7 nye folkevalgte")

	// The list again with one official more: one new, in the singular.
	small, err := os.ReadFile("testdata/roster-small.csv")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := dir + "/one more.csv"
	os.WriteFile(path, append(small, "Kari Vik;Verdal;Eldrerådet;Medlem;kari.vik@verdal.kommune.no;kari.vik@innherred-samkommune.no;90000001;Nei;KV12345678;iPad Air\n"...), 0o600)

	// Dropped from a file manager (the terminal pastes it, quoted), then Enter.
	h.send(tea.PasteMsg{Content: "'" + path + "'"})
	if got := h.m.importer.path.Value(); got != "'"+path+"'" {
		t.Fatalf("the field after a drop: %q", got)
	}
	h.special(tea.KeyEnter)
	h.wantScreen("1 ny folkevalgt, 0 oppdatert, 7 uendret", "1 nytt nettbrett forventet, 0 koblet til en annen", "+ Kari Vik (Verdal)")

	// Another dropped on the preview: it is read instead, nothing imported.
	other := dir + "/other.csv"
	os.WriteFile(other, small, 0o600)
	h.send(tea.PasteMsg{Content: other})
	h.special(tea.KeyEnter)
	h.wantScreen("0 nye folkevalgte, 0 oppdatert, 7 uendret")
	if res, _ := h.store.SearchOfficials(context.Background(), "kari vik", 10); len(res) != 0 {
		t.Fatal("the preview a new file replaced was imported")
	}

	// Typed: the first letter starts the path afresh.
	h.press("n")
	h.press(path)
	if got := h.m.importer.path.Value(); got != path {
		t.Fatalf("the field typed after a read: %q", got)
	}
	h.special(tea.KeyEnter)
	h.press("y")
	h.wantScreen("Importert:", "1 ny folkevalgt")
	// Typed on an import's summary: the field asks again, afresh.
	h.press("/x")
	if got := h.m.importer.path.Value(); got != "/x" {
		t.Fatalf("the field typed after an import: %q", got)
	}

	// Scanned as keys ending in Enter (a terminal without bracketed
	// paste): read at once, not checked in at the desk.
	h.scan(other)
	if h.m.screen != screenImport {
		t.Fatalf("a path after an import went to screen %d", h.m.screen)
	}
	h.wantScreen("0 nye folkevalgte, 0 oppdatert, 7 uendret", "1 står ikke lenger på listen", "Kari Vik (Verdal")

	// A key other than text edits the path read, to read it again.
	h.press("n")
	h.special(tea.KeyBackspace)
	if got := h.m.importer.path.Value(); got != other[:len(other)-1] {
		t.Fatalf("backspace after a read: %q", got)
	}
}

func TestImportScreenShowsBadRows(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	path := t.TempDir() + "/bad.csv"
	os.WriteFile(path, []byte("Navn;Organ;Primær e-post;Nettbrett serienr\nKari;KS;kari@levanger.kommune.no;AB12\n;KS;x@levanger.kommune.no;\n"), 0o600)
	h.special(tea.KeyTab)
	h.special(tea.KeyTab)
	h.special(tea.KeyTab)
	h.press(path)
	h.special(tea.KeyEnter)
	h.wantScreen("2 rader har feil", "linje 2: Kari: ugyldig serienummer «AB12»", "linje 3: mangler navn")
}

// Municipalities are listed in the language's order: Å after A in bokmål.
func TestOverviewSortsMunicipalitiesTheNorwegianWay(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	ctx := context.Background()
	by := h.m.c.actor()
	for i, mun := range []string{"Åfjord", "Aure"} {
		o := store.Official{ID: fmt.Sprintf("p%d@x.no", i), Name: "Per " + mun, Municipality: mun, EmailPrimary: fmt.Sprintf("p%d@x.no", i),
			Seats: []store.Seat{{Body: "Kommunestyret"}}}
		if err := h.store.PutOfficial(ctx, o, by); err != nil {
			t.Fatal(err)
		}
		h.store.Register(ctx, fmt.Sprintf("TAB00000%d", i), "iPad", o.ID, by)
	}
	h.m.screen = screenOverview
	h.run(h.m.overview.open())
	s := h.screen()
	if a, b := strings.Index(s, "Aure"), strings.Index(s, "Åfjord"); a < 0 || b < 0 || a > b {
		t.Fatalf("Aure must come before Åfjord:\n%s", s)
	}
}

// A path that arrives as a burst (pasted by a terminal that types it, or
// scanned) is read by its own Enter; no second Enter is needed.
func TestImportPathBurstIsReadByItsOwnEnter(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	h.m.screen = screenImport
	h.run(h.m.importer.open())
	h.scan("testdata/roster-small.csv")
	h.wantScreen("8 rader: 7 folkevalgte, 7 nettbrett", "Importere dette?")
	// Under the preview, a tablet scanned is the desk's, as anywhere.
	h.scan("R52NXYGSKYS")
	if h.m.screen != screenDesk {
		t.Fatalf("a serial scanned on the import screen went to screen %d, not the desk", h.m.screen)
	}
}

// A burst is a path, for the import screen, by its shape alone: a serial
// has no slash and no file name's ending.
func TestLooksLikePath(t *testing.T) {
	for code, want := range map[string]bool{
		"/home/kari/Folkevalgte 2026.xlsx": true, `'/home/kari/liste.csv'`: true, `C:\Users\kari\liste.csv`: true,
		"file:///home/kari/liste%202026.xlsx": true, "~/liste.csv": true, "liste.CSV": true, "Folkevalgte\\ 2026.xlsx": true,
		"R52NXYGSKYS": false, "SDWBWB126WZR": false, "]C0R52NXYGSKYS": false, "nordmann": false, "": false,
	} {
		if got := LooksLikePath(code); got != want {
			t.Errorf("LooksLikePath(%q) = %v, want %v", code, got, want)
		}
	}
}

// A coverage table cut to the screen says how many lines it left out, a
// single one in the singular: "… og 1 linje til", never "1 linjer".
func TestTheOverviewCountsTheLinesItLeftOut(t *testing.T) {
	said := map[string]bool{}
	for height := 14; height <= 30; height++ {
		h := newHarness(t, 80, height, i18n.Bokmal)
		// One municipality and its seven bodies: a table that is cut.
		if _, _, err := h.store.ImportFile(context.Background(), "../store/testdata/roster-levanger.csv", store.Actor{Station: "t", Staff: "T"}, false); err != nil {
			t.Fatal(err)
		}
		h.special(tea.KeyTab)
		screen := ansi.Strip(h.m.View().Content)
		if strings.Contains(screen, "… og 1 linjer til") {
			t.Errorf("at 80x%d: %q", height, "… og 1 linjer til")
		}
		for _, line := range []string{"… og 1 linje til", "… og 2 linjer til"} {
			said[line] = said[line] || strings.Contains(screen, line)
		}
	}
	if !said["… og 1 linje til"] || !said["… og 2 linjer til"] {
		t.Errorf("the heights 14-30 said %v", said)
	}
}

// A roster without tablets (equipment issued by role) leaves the
// overview nothing to count; it says so and where that work is, instead
// of an empty table under "0 of 0".
func TestTheOverviewOfARosterWithoutTablets(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	if _, _, err := h.store.ImportFile(context.Background(), "testdata/forteckning-ockero.csv", store.Actor{Station: "t", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
	h.m.screen = screenOverview
	h.run(h.m.overview.open())
	h.wantScreen("Inga surfplattor på förteckningen ännu", "följs under Utrustning.")
	smallRoster(t, h.store)
	h.run(h.m.overview.open())
	if strings.Contains(h.screen(), "Inga surfplattor") {
		t.Fatal("with tablets the overview counts them")
	}
}

// One load of the overview runs at a time: changes that come while it
// runs (a sync every few seconds, on a county a load is a second) ask for
// one more load when it ends, not one each, and what they changed shows.
func TestTheOverviewLoadsOneAtATime(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	h.m.screen = screenOverview
	msg := h.m.overview.load()() // read, its answer not yet taken
	if _, err := h.store.CheckIn(context.Background(), "TJYHCY68QHGJ", store.Actor{Station: "skranke-2", Staff: "AB"}); err != nil {
		t.Fatal(err)
	}
	h.send(changedMsg{})
	h.send(changedMsg{})
	if h.m.overview.load() != nil {
		t.Fatal("a second load started while one ran")
	}
	_, next := h.m.Update(msg)
	if next == nil {
		t.Fatal("the changes while it ran asked for no load")
	}
	h.run(next)
	for _, c := range h.m.overview.visible {
		if c.Serial == "TJYHCY68QHGJ" {
			t.Fatal("the tablet checked in while the overview loaded is still to chase")
		}
	}
	if h.m.overview.loading || h.m.overview.again {
		t.Fatal("a load is still marked running")
	}
	if h.m.overview.load() == nil {
		t.Fatal("no load starts once the last has ended")
	}
}

// Where a county's lines do not fit, the coverage shows each
// municipality's own line, not the first two with their bodies and the
// rest cut; m shows the one chosen with its bodies, and only it.
func TestTheOverviewFollowsTheMunicipalityChosen(t *testing.T) {
	h := newHarness(t, 80, 16, i18n.Bokmal) // room for six of the seven lines
	smallRoster(t, h.store)
	h.special(tea.KeyTab)
	coverage := func() string {
		s := ansi.Strip(h.m.View().Content)
		return s[strings.Index(s, "Kommune / organ"):strings.Index(s, "Å følge opp")]
	}
	c := coverage()
	if !strings.Contains(c, " Levanger ") || !strings.Contains(c, " Verdal ") || strings.Contains(c, "Kommunestyret") || strings.Contains(c, "… og") {
		t.Fatalf("the municipalities' own lines, and nothing cut:\n%s", c)
	}
	h.press("m")
	c = coverage()
	for _, want := range []string{" Levanger ", "  Eldrerådet", "  Formannskapet", "  Kommunestyret"} {
		if !strings.Contains(c, want) {
			t.Fatalf("Levanger chosen, its coverage lacks %q:\n%s", want, c)
		}
	}
	if strings.Contains(c, "Verdal") {
		t.Fatalf("Levanger chosen, Verdal is still shown:\n%s", c)
	}
	h.press("m")
	if c = coverage(); !strings.Contains(c, " Verdal ") || strings.Contains(c, "Levanger") || !strings.Contains(c, "  Kommunestyret") {
		t.Fatalf("Verdal chosen:\n%s", c)
	}
	// A bigger terminal has room for every line again.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 30})
	h.press("m")
	if c = coverage(); !strings.Contains(c, " Levanger ") || !strings.Contains(c, " Verdal ") || strings.Count(c, "Kommunestyret") != 2 {
		t.Fatalf("all, with room:\n%s", c)
	}
}

// A search typed further narrows what is shown instead of matching the
// whole list again; at every key, taken back or typed on, in every order
// and under a municipality, it shows what matching the whole list shows.
func TestAChaseSearchNarrowsAsTheWholeListWould(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	h.m.screen = screenOverview
	list := countyChase(3000)
	h.send(overviewMsg{seq: h.m.overview.seq, ov: store.Overview{Chase: list, ChaseVersion: 1}, orders: chaseOrders(list, i18n.Bokmal)})
	o := &h.m.overview
	check := func(step string) {
		t.Helper()
		f := store.ChaseFilter{Municipality: o.mun, Body: o.body, Query: o.search.Value(), Sort: store.ChaseSorts[o.sortBy]}
		want := store.FilterChase(list, f, i18n.NewKeys(i18n.Bokmal).Key, nil)
		if len(want) != len(o.visible) {
			t.Fatalf("%s (%q): %d shown, the whole list gives %d", step, f.Query, len(o.visible), len(want))
		}
		for i := range want {
			if want[i].OfficialID != o.visible[i].OfficialID {
				t.Fatalf("%s (%q): row %d is %s, the whole list gives %s", step, f.Query, i, o.visible[i].Name, want[i].Name)
			}
		}
	}
	h.press("/")
	for _, r := range "øystein aa 1" {
		h.press(string(r))
		check("typed")
	}
	for range 4 {
		h.special(tea.KeyBackspace)
		check("taken back")
	}
	h.press("s1")
	check("typed on")
	h.special(tea.KeyEnter)
	h.press("s") // by body
	check("sorted by body")
	h.press("m")
	check("one municipality")
	h.press("/")
	h.press("2")
	check("typed under a municipality")
}

// An empty list to chase blames the filters only where there are any:
// on a new desk, or with every tablet in, nobody is to chase, full stop.
func TestAnEmptyChaseListSaysWhy(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.m.screen = screenOverview
	h.run(h.m.overview.open())
	h.wantScreen("Ingen å følge opp.")
	if strings.Contains(h.screen(), "med disse filtrene") {
		t.Fatalf("no filter, yet the filters are blamed:\n%s", h.screen())
	}
	smallRoster(t, h.store)
	h.run(h.m.overview.open())
	h.press("/")
	h.press("zzz")
	h.special(tea.KeyEnter)
	h.wantScreen("Ingen å følge opp med disse filtrene.")
}
