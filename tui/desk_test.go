package tui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"dropin/receipt"
	"dropin/store"
	"dropin/tui/i18n"
)

// A pile of new laptops into stock: the next unknown serial offers the
// model and kind registered last, so Enter alone registers the next
// laptop as one, not as a tablet handed in. Typing a model starts a new
// one; it is not added to the last.
func TestTheNextUnknownSerialOffersTheLastModelAndKind(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	h.scan("C02LAPTOP01")
	h.press("MacBook Air")
	h.special(tea.KeyDown)
	h.special(tea.KeyDown) // laptop into stock
	h.special(tea.KeyEnter)
	h.special(tea.KeyEscape) // link no one

	h.scan("C02LAPTOP02")
	h.wantScreen("MacBook Air (Enter: samma som förra)", "Typ ‹ dator till lager (ny utrustning, inte inlämning) ›")
	h.special(tea.KeyEnter)
	if d := h.card(); d.Serial != "C02LAPTOP02" || d.Model != "MacBook Air" || d.Kind != store.Laptop || d.Custody != store.InStock {
		t.Fatalf("the second laptop: %+v", d)
	}
	h.special(tea.KeyEscape)

	h.scan("C02LAPTOP03")
	h.press("MacBook Pro")
	h.special(tea.KeyEnter)
	if d := h.card(); d.Model != "MacBook Pro" || d.Kind != store.Laptop {
		t.Fatalf("a model typed over the offered one: %+v", d)
	}
}

func TestScanUnknownTabletRegistersAndLinks(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	kari(t, h.store)
	h.scan("dmpxk2abc123")
	if !isDialog[*registerDialog](h.m.desk) {
		t.Fatalf("an unknown serial must ask for the model; dialog %T\n%s", h.m.desk.dlg, h.screen())
	}
	h.wantScreen("DMPXK2ABC123", "er ikke registrert")
	h.press("iPad 9. generasjon")
	h.special(tea.KeyEnter)
	if d := h.card(); d.Status != store.Received || d.Model != "iPad 9. generasjon" {
		t.Fatalf("registered tablet: %+v", d)
	}
	h.wantScreen("✓ Lagret", "registrert")
	// The desk offers to link the official straight away.
	if !isDialog[*pickDialog](h.m.desk) {
		t.Fatalf("after registering, the desk offers to link; dialog %T", h.m.desk.dlg)
	}
	h.press("kari")
	h.wantScreen("Kari Nordmann")
	h.special(tea.KeyEnter)
	h.wantScreen("Kari Nordmann", "Kommunestyret (medlem)", "kari.nordmann@innherred-samkommune.no", "sekundær, til oppgraderingen")
	card, _ := h.store.Card(context.Background(), "DMPXK2ABC123")
	if card.Device.OfficialID != "kari.nordmann@levanger.kommune.no" {
		t.Fatalf("the link was not saved: %+v", card.Device)
	}
}

// The hand-in receipt of a tablet registered at the desk names the
// official who signs it: it is made when the official is linked, and
// until then the card says so (it was made at once, naming nobody, and
// printed before the name was picked). Where nobody can be linked, p
// gives whoever handed it in a receipt without a name; linking later
// gives the named one.
func TestARegisteredTabletsReceiptWaitsForItsOfficial(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal) // the card beside recent activity: 68 columns
	withReceipts(t, h, receipt.Printer{})
	kari(t, h.store)
	h.scan("DMPXK2ABC123")
	h.press("iPad")
	h.special(tea.KeyEnter)
	owed := "Kvitteringen lages når en folkevalgt kobles til (l); p gir en uten"
	h.wantScreen("✓ Lagret", owed, "│ navn.") // wrapped in the card's 68 columns, not cut
	if h.m.desk.card.Receipts != 0 {
		t.Fatalf("%d receipts before the official was linked", h.m.desk.card.Receipts)
	}
	h.special(tea.KeyEscape) // link later
	if k := helpKeys(h.m.shortHelpKeys()); !k["p"] {
		t.Errorf("a tablet owed its receipt is not offered p: %v", k)
	}
	h.press("p")
	h.wantScreen("Kvittering 1 lagret")
	if strings.Contains(h.screen(), owed) {
		t.Fatalf("the card still says the receipt waits:\n%s", h.screen())
	}
	h.press("l")
	h.press("kari")
	h.special(tea.KeyEnter)
	h.wantScreen("Kvittering 2 lagret")
	recs, _ := h.store.ReceiptsOf(context.Background(), "DMPXK2ABC123")
	if len(recs) != 2 || !strings.Contains(string(recs[0].Content), "Kari Nordmann") || strings.Contains(string(recs[1].Content), "Kari Nordmann") {
		t.Fatalf("receipts, newest first: %+v", recs)
	}
}

func TestStepsToFirstLoginWithChecklist(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	o := kari(t, h.store)
	h.store.Register(context.Background(), "DMPXK2ABC123", "iPad", o.ID, h.m.c.actor())
	h.scan("DMPXK2ABC123")
	h.wantScreen("mottatt", "space → oppgraderes")
	h.press(" ")
	h.wantScreen("space → oppgradert")
	h.press(" ")
	if h.card().Status != store.Upgraded {
		t.Fatalf("status %s", h.card().Status)
	}
	h.wantScreen("kari.nordmann@levanger.kommune.no", "primærkonto")
	h.press(" ")
	if !isDialog[*checklistDialog](h.m.desk) {
		t.Fatal("the next step from upgraded is the first-login checklist")
	}
	h.press("123")
	h.special(tea.KeyEnter)
	h.wantScreen("3 av 5")
	if h.card().Status != store.Upgraded {
		t.Fatal("an incomplete checklist must not record first login")
	}
	h.press("45")
	h.special(tea.KeyEnter)
	if h.card().Status != store.FirstLogin {
		t.Fatalf("status %s, want first-login\n%s", h.card().Status, h.screen())
	}
	h.wantScreen("første pålogging", "space → levert tilbake")
}

// A serial that starts with hotkey letters (f: failed, u: undo, q: quit)
// must be checked in, not taken as keys.
func TestScanNeverTriggersHotkeys(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	ctx := context.Background()
	h.store.Register(ctx, "DMPXK2ABC123", "iPad", "", h.m.c.actor())
	h.store.Register(ctx, "FUQE12345", "iPad", "", h.m.c.actor())
	h.store.Undo(ctx, "FUQE12345", h.m.c.actor()) // expected again
	h.scan("DMPXK2ABC123")
	h.scan("fuqe12345")
	if d := h.card(); d.Serial != "FUQE12345" || d.Status != store.Received {
		t.Fatalf("the scan must open and check in FUQE12345, got %+v", d)
	}
	first, _ := h.store.Card(ctx, "DMPXK2ABC123")
	if first.Device.Status != store.Received || len(first.Timeline) != 2 {
		t.Fatalf("the hotkeys hit the previous tablet: %+v", first.Device)
	}
}

func TestGarbledReadsAreRefusedWithAReason(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.scan("DMP/XK2ABC")
	h.wantScreen("Avvist", "DMP/XK2ABC", "ugyldig tegn")
	// A truncated read is too short to look like a scan; typed, it is
	// refused as too short.
	h.press("DMPX")
	h.special(tea.KeyEnter)
	h.wantScreen("Avvist", "for kort")
	if h.m.desk.card != nil {
		t.Fatal("a refused read must not open a card")
	}
}

func TestRefusedStepSaysWhy(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.store.Register(context.Background(), "DMPXK2ABC123", "iPad", "", h.m.c.actor())
	h.scan("DMPXK2ABC123")
	h.press("e") // employees' track for a tablet the desk already has
	h.wantScreen("Avvist: skranken har allerede tatt imot nettbrettet.")
	h.press("u")
	if h.card().Status != store.Expected {
		t.Fatalf("undo of the check-in: %s", h.card().Status)
	}
	h.press("u")
	h.wantScreen("Ingenting å angre.")
}

func TestFailWithReason(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.store.Register(context.Background(), "DMPXK2ABC123", "iPad", "", h.m.c.actor())
	h.scan("DMPXK2ABC123")
	h.press("f")
	h.special(tea.KeyEnter)
	h.wantScreen("Skriv hva som er feil.")
	h.press("skjerm knust, må byttes")
	h.special(tea.KeyEnter)
	if d := h.card(); d.Status != store.Failed || d.FailureReason != "skjerm knust, må byttes" {
		t.Fatalf("%+v", d)
	}
	h.wantScreen("Feil: skjerm knust, må byttes", "space → reparert")
	h.press(" ")
	if h.card().Status != store.Received {
		t.Fatalf("repaired: back to its step, got %s", h.card().Status)
	}
}

// Names come from a roster: whatever they hold, the terminal must only
// ever get text.
func TestDataNeverReachesTheTerminalRaw(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	ctx := context.Background()
	evil := store.Official{ID: "x@levanger.kommune.no", Name: "Evil\x1b]0;pwned\x07 \x1b[2JName", EmailPrimary: "x@levanger.kommune.no", Phone: "\x1b[31m999"}
	h.store.PutOfficial(ctx, evil, h.m.c.actor())
	h.store.Register(ctx, "DMPXK2ABC123", "iPad\x1b[5m", evil.ID, h.m.c.actor())
	h.scan("DMPXK2ABC123")
	raw := h.m.View().Content
	for _, bad := range []string{"\x1b]0;", "\x07", "\x1b[2J", "\x1b[5m"} {
		if strings.Contains(raw, bad) {
			t.Fatalf("the screen carries %q from the data", bad)
		}
	}
	h.wantScreen("Evil Name", "999")
}

// At 80x24 the desk fits exactly: no line wider than the terminal, no line
// more than it has, and æøå take one cell each.
func TestFitsEightyByTwentyFour(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 36}, {60, 20}} {
		h := newHarness(t, size[0], size[1], i18n.Bokmal)
		o := kari(t, h.store)
		h.store.Register(context.Background(), "DMPXK2ABC123", "Lærebrett Æøå", o.ID, h.m.c.actor())
		h.scan("DMPXK2ABC123")
		lines := strings.Split(h.screen(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > size[0] {
				t.Errorf("%dx%d: line %d is %d cells: %q", size[0], size[1], i, w, l)
			}
		}
		h.wantScreen("Lærebrett Æøå")
	}
}

func TestEnglish(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.English)
	h.wantScreen("Serial", "Scan a tablet to begin.")
	h.scan("DMPXK2ABC123")
	h.wantScreen("is not registered")
}

func TestStaffIsAskedFirst(t *testing.T) {
	st := openStore(t)
	m := New(Config{Store: st, Station: "skranke-1", Lang: i18n.Bokmal})
	h := &harness{t: t, m: m, store: st, clk: &testClock{}}
	m.c.now = h.clk.now
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(m.Init())
	h.wantScreen("Skriv initialene dine")
	h.special(tea.KeyEnter)
	h.wantScreen("Initialer er 1–8 bokstaver.")
	h.press("kn")
	h.special(tea.KeyEnter)
	if m.screen != screenDesk || m.c.staff != "KN" {
		t.Fatalf("screen %d staff %q", m.screen, m.c.staff)
	}
	h.store.Register(context.Background(), "DMPXK2ABC123", "iPad", "", m.c.actor())
	card, _ := st.Card(context.Background(), "DMPXK2ABC123")
	if card.Timeline[0].Staff != "KN" {
		t.Fatal("steps must carry the staff member's initials")
	}
}

func TestHelpTogglesFullHelp(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	h.store.Register(context.Background(), "DMPXK2ABC123", "iPad", "", h.m.c.actor())
	h.scan("DMPXK2ABC123")
	h.press("?")
	h.wantScreen("ansattløp av/på", "koble folkevalgt", "avslutt")
}

// The idle desk, waiting for a scan with its serial field empty, opens
// the help the line under it offers: "?" is no serial's first letter.
func TestHelpOpensFromTheIdleDesk(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	h.press("?")
	if !h.m.fullHelp || h.m.desk.input.Value() != "" {
		t.Fatalf("full help %v, serial field %q", h.m.fullHelp, h.m.desk.input.Value())
	}
	h.wantScreen("avslutt", "neste skjerm")
	h.press("?")
	// Typed after a letter, it is part of what was typed, refused as a
	// serial when Enter comes.
	h.press("A")
	h.press("?")
	if h.m.fullHelp || h.m.desk.input.Value() != "A?" {
		t.Fatalf("full help %v, serial field %q", h.m.fullHelp, h.m.desk.input.Value())
	}
}

// The desk in Swedish at 80x24: it fits, and speaks Swedish throughout.
func TestSwedishDeskAtEightyByTwentyFour(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	o := kari(t, h.store)
	h.store.Register(context.Background(), "DMPXK2ABC123", "Surfplatta Åäö", o.ID, h.m.c.actor())
	h.scan("DMPXK2ABC123")
	h.press(" ")
	h.wantScreen("Serienummer", "DMPXK2ABC123 · Surfplatta Åäö", "uppgraderas", "Logga in med:",
		"sekundärt", "Tidslinje", "✓ Sparat", "Disk", "Översikt", "Buntar", "Inställningar")
	lines := strings.Split(h.screen(), "\n")
	if len(lines) != 24 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Fatalf("line %d is %d cells: %q", i, w, l)
		}
	}
}

// A full disk is said as such, in the desk's language, and the card stays.
func TestDiskFullIsSaid(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	h.store.Register(context.Background(), "DMPXK2ABC123", "iPad", "", h.m.c.actor())
	h.scan("DMPXK2ABC123")
	h.m.desk.saving = true
	h.send(savedMsg{serial: "DMPXK2ABC123", kind: store.KindUpgrading, err: fmt.Errorf("commit: %w", store.ErrDiskFull)})
	h.wantScreen("Disken är full: inget sparades nu", "DMPXK2ABC123")
	if h.m.desk.saving {
		t.Fatal("the desk must take keys again after a failed save")
	}
}

// TestScreenSwitchKeepsTheDesksAnswer: a tab pressed before the store
// answers a scan must not lose the answer. The desk gets it on whichever
// screen is showing, and the card is saved, with its receipt, when the
// user comes back.
func TestScreenSwitchKeepsTheDesksAnswer(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	withReceipts(t, h, receipt.Printer{})
	importLevanger(t, h.store)
	for _, r := range "R52NXYGSKYS" {
		h.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		h.clk.advance(3 * time.Millisecond)
	}
	_, checkIn := h.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	h.clk.advance(time.Second)
	h.special(tea.KeyTab) // the overview, before the store answered
	if h.m.screen != screenOverview {
		t.Fatalf("screen %d after tab", h.m.screen)
	}
	h.run(checkIn)
	h.key(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	if h.m.screen != screenDesk {
		t.Fatalf("screen %d after shift+tab", h.m.screen)
	}
	if h.m.desk.saving || h.card().Status != store.Received {
		t.Fatalf("the card is still saving (%v) or not received: %+v", h.m.desk.saving, h.card())
	}
	h.wantScreen("Neste: [space] → oppgraderes")
	h.press("v")
	h.wantScreen("Kvittering 1 · ", "· Kvittering for innlevering")
	h.special(tea.KeyEscape)
	h.press(" ")
	if h.card().Status != store.Upgrading {
		t.Fatalf("space after coming back: %s", h.card().Status)
	}
}

// A cut-off read at the desk is refused with the serial it most likely
// is; the form to register a new tablet does not open.
func TestCutOffScanAtTheDesk(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	importLevanger(t, h.store)
	h.scan("R52NJV5C")
	h.wantScreen("R52NJV5C", "avkortet lesning, trolig R52NJV5CC01")
	if isDialog[*registerDialog](h.m.desk) || h.m.desk.card != nil {
		t.Fatalf("dialog %T, card %+v", h.m.desk.dlg, h.m.desk.card)
	}
}

// A serial scanned while the unknown-device form is open is a scan: the
// next tablet is checked in, and the desk says the unknown one was not
// registered, instead of taking the serial as the model.
func TestScanIntoTheRegisterFormIsAScan(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	importLevanger(t, h.store)
	h.scan("ZQX4471182")
	if !isDialog[*registerDialog](h.m.desk) {
		t.Fatalf("dialog %T, want the register form", h.m.desk.dlg)
	}
	h.scan("R52NXYGSKYS")
	if h.card().Serial != "R52NXYGSKYS" || h.card().Status != store.Received {
		t.Fatalf("the scanned tablet was not checked in: %+v", h.card())
	}
	h.wantScreen("ZQX4471182 ble ikke registrert")
	if c, _ := h.store.Card(context.Background(), "ZQX4471182"); c.Device.Known {
		t.Fatal("the unknown tablet was registered with a serial as its model")
	}
}

// A scan while the first-login checklist is open keeps its ticks for when
// the tablet comes up again, and says so.
func TestScanKeepsAnOpenChecklist(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	importLevanger(t, h.store)
	h.scan("R52NXYGSKYS")
	h.press("  ") // upgrading, upgraded
	h.press(" 12")
	if !isDialog[*checklistDialog](h.m.desk) {
		t.Fatalf("dialog %T, want the checklist", h.m.desk.dlg)
	}
	h.scan("21X0Q1NBN4")
	h.wantScreen("Sjekklisten for R52NXYGSKYS er tatt vare på")
	h.scan("R52NXYGSKYS")
	h.press(" ")
	if h.m.desk.dlg.(*checklistDialog).checked != [5]bool{true, true} {
		t.Fatalf("ticks after coming back: %v", h.m.desk.dlg.(*checklistDialog).checked)
	}
	h.press("345")
	h.special(tea.KeyEnter)
	if h.card().Status != store.FirstLogin {
		t.Fatalf("status %s", h.card().Status)
	}
}

// A tablet on the employees' track does not offer the employees' track
// as its next step: space takes it back to the desk, and says so.
func TestEmployeeTrackCardSaysWhatSpaceDoes(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	if _, _, err := h.store.ImportFile(context.Background(), "testdata/roster-small.csv", store.Actor{Station: "t", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
	h.scan("YT3GQQTZJ8GY")
	if h.card().Status != store.EmployeeTrack {
		t.Fatalf("status %s", h.card().Status)
	}
	h.wantScreen("Neste: [space] → tilbake til skranken (av ansattløpet)")
	if strings.Contains(h.screen(), "[space] → ansattløp") {
		t.Fatalf("the card offers the track it is on:\n%s", h.screen())
	}
}

// isDialog reports whether the desk shows a dialog of type D.
func isDialog[D dialog](d deskScreen) bool {
	_, ok := d.dlg.(D)
	return ok
}

// A reason pasted as keys in a terminal without bracketed paste arrives
// at a scanner's speed. Words with a space between them are the reason,
// though the serial reader would read "skjerm knust" as SKJERMKNUST; a
// serial scanned into the field is still the next tablet.
func TestAPastedReasonIsTheReason(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	ctx := context.Background()
	h.store.Register(ctx, "DMPXK2ABC123", "iPad", "", h.m.c.actor())
	h.store.Register(ctx, "TJYHCY68QHGJ", "iPad", "", h.m.c.actor())
	h.scan("DMPXK2ABC123")
	h.press("f")
	h.scan("skjerm knust")
	if d := h.card(); d.Serial != "DMPXK2ABC123" || d.Status != store.Failed || d.FailureReason != "skjerm knust" {
		t.Fatalf("the pasted reason: %+v", d)
	}
	h.press(" ") // repaired
	h.press("f")
	h.scan("TJYHCY68QHGJ")
	if d := h.card(); d.Serial != "TJYHCY68QHGJ" {
		t.Fatalf("a serial scanned into the reason is the next tablet: %+v", d)
	}
	h.wantScreen("tatt som skanning")
}
