package tui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/store"
	"dropin/tui/i18n"
)

func importOckero(t *testing.T, st *store.Store) {
	t.Helper()
	if _, _, err := st.ImportFile(context.Background(), "testdata/forteckning-ockero.csv", store.Actor{Station: "t", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
}

func (h *harness) fitsTheTerminal(w, rows int) {
	h.t.Helper()
	lines := strings.Split(h.screen(), "\n")
	if len(lines) != rows {
		h.t.Fatalf("%d lines, want %d:\n%s", len(lines), rows, h.screen())
	}
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			h.t.Fatalf("line %d is %d cells: %q", i, ansi.StringWidth(l), l)
		}
	}
}

// latestReceipt is the newest receipt of serial, with its content.
func latestReceipt(t *testing.T, st *store.Store, serial string) (store.ReceiptRecord, receipt.Receipt) {
	t.Helper()
	recs, err := st.ReceiptsOf(context.Background(), serial)
	if err != nil || len(recs) == 0 {
		t.Fatalf("no receipt for %s: %v", serial, err)
	}
	rc, err := station.Contents(recs[0])
	if err != nil {
		t.Fatal(err)
	}
	return recs[0], rc
}

// A laptop's life at a Swedish desk at 80x24, one key a step: registered,
// issued to a committee chair who asks for help and training and signs,
// returned when she leaves early, refused to the next chair until reset,
// reset, issued to him. Receipts D and R are made, signed and verify.
func TestDeviceLifeAtTheSwedishDesk(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	rs := withReceipts(t, h, receipt.Printer{})
	importOckero(t, h.store)
	ctx := context.Background()

	h.scan("C02LAPTOP01")
	h.press("MacBook Air")
	h.special(tea.KeyDown) // tablet → tablet into stock
	h.wantScreen("Typ ‹ surfplatta till lager (ny utrustning, inte inlämning) ›")
	h.special(tea.KeyDown) // → laptop
	h.wantScreen("Typ ‹ dator till lager (ny utrustning, inte inlämning) ›")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEscape) // link no one: it goes out with i
	if d := h.card(); d.Kind != store.Laptop || d.Custody != store.InStock {
		t.Fatalf("registered %+v", d)
	}

	h.press("i")
	h.press("lena lar")
	h.special(tea.KeyEnter)
	h.wantScreen("Lämna ut dator till Lena Larsson", "Har rätt till: dator, mobiltelefon.")
	h.fitsTheTerminal(80, 24)
	h.press("12")
	h.wantScreen("1 [x] önskar hjälp med installation", "2 [x] önskar utbildning")
	h.special(tea.KeyEnter)
	h.wantScreen("Signera kvitto")
	h.press("n")
	h.press("Lena Larsson")
	h.special(tea.KeyEnter)
	h.wantScreen("Utlämnad:", "för hela mandatperioden", "utlämnad: Lena Larsson")
	h.fitsTheTerminal(80, 24)
	rec, rc := latestReceipt(t, h.store, "C02LAPTOP01")
	tok, err := receipt.Verify(rec.Token, rs.Keyring)
	if err != nil || tok.Kind != receipt.Delivery || !tok.Signed || rc.Device != "laptop" || rc.Requests != "help,training" || rc.Status != "issued" {
		t.Fatalf("delivery receipt %s %+v: %v", rec.Token, rc, err)
	}
	if !tok.Matches(rc) {
		t.Fatal("the delivery receipt's content does not match its token")
	}
	if reqs, _ := h.store.Requests(ctx, false); len(reqs) != 1 || reqs[0].Official != "Lena Larsson" {
		t.Fatalf("requests %+v", reqs)
	}

	h.press("r")
	h.wantScreen("Varför lämnas enheten in?", "1 mandatperioden är slut", "2 avgår i förtid")
	h.press("2")
	h.wantScreen("Signera kvitto")
	h.special(tea.KeyEscape) // she left without signing
	h.wantScreen("Inlämnad. Återställ enheten (x)")
	rec, rc = latestReceipt(t, h.store, "C02LAPTOP01")
	if tok, err := receipt.Verify(rec.Token, rs.Keyring); err != nil || tok.Kind != receipt.Return || rc.Reason != store.ReturnLeaving || rc.Official != "Lena Larsson" {
		t.Fatalf("return receipt %s %+v: %v", rec.Token, rc, err)
	}

	h.press("i")
	h.wantScreen("Avvisat: enheten är inlämnad men inte återställd. Återställ den först (x).")
	h.press("x")
	h.wantScreen("✓ Sparat", "återställd")
	h.press("i")
	h.press("nils nil")
	h.special(tea.KeyEnter)
	h.wantScreen("Lämna ut dator till Nils Nilsson")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEscape)
	card, err := h.store.Card(ctx, "C02LAPTOP01")
	if err != nil || card.Device.Custody != store.Issued || card.Official == nil || card.Official.Name != "Nils Nilsson" {
		t.Fatalf("reassigned: %+v %v", card.Device, err)
	}
	var life []string
	for _, e := range card.Timeline {
		switch e.Kind {
		case store.KindIssued, store.KindReturned, store.KindReset:
			life = append(life, string(e.Kind)+":"+e.Who)
		}
	}
	if got := strings.Join(life, " "); got != "issued:Lena Larsson returned:Lena Larsson reset: issued:Nils Nilsson" {
		t.Fatalf("life: %s", got)
	}
}

// A card names the other devices its official holds, so a return at the
// term's end asks for the rest; another official's card does not keep them.
func TestACardNamesWhatElseItsOfficialHolds(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	importOckero(t, h.store)
	ctx := context.Background()
	by := h.m.c.actor()
	for serial, kind := range map[string]store.DeviceKind{"C02LAPTOP01": store.Laptop, "356938035643809": store.Phone} {
		if _, err := h.store.RegisterKind(ctx, serial, "", kind, "", by); err != nil {
			t.Fatal(err)
		}
		if _, err := h.store.Issue(ctx, serial, "lena.larsson@ockero.se", store.Request{}, by); err != nil {
			t.Fatal(err)
		}
	}
	h.scan("356938035643809")
	h.wantScreen("Lena Larsson", "Har också: dator C02LAPTOP01")
	h.fitsTheTerminal(80, 24)
	h.special(tea.KeyEscape)
	if _, err := h.store.RegisterKind(ctx, "C02LAPTOP02", "", store.Laptop, "", by); err != nil {
		t.Fatal(err)
	}
	if _, err := h.store.Issue(ctx, "C02LAPTOP02", "nils.nilsson@ockero.se", store.Request{}, by); err != nil {
		t.Fatal(err)
	}
	h.scan("C02LAPTOP02")
	h.wantScreen("Nils Nilsson")
	if strings.Contains(h.screen(), "Har också") {
		t.Fatalf("Nils holds one device, his card says more:\n%s", h.screen())
	}
}

// A tablet for an election board member waits for the chair's approval,
// given on the Equipment screen; the screen then lists who holds what and
// the open requests, and ticks a request off.
func TestEquipmentScreenApprovesAndLists(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	withReceipts(t, h, receipt.Printer{})
	importOckero(t, h.store)
	ctx := context.Background()
	by := h.m.c.actor()
	h.store.RegisterKind(ctx, "TAB0000001", "iPad 10", store.Tablet, "", by)
	if _, err := h.store.Issue(ctx, "TAB0000001", "anna.hagg@ockero.se", store.Request{}, by); err == nil {
		t.Fatal("issued without the chair's approval")
	}

	h.m.screen = screenEquipment
	h.run(h.m.equipment.open())
	h.wantScreen("1 alla", "69 förtroendevalda", "Namn", "Saknas / status", "väntar på Valnämnden")
	h.fitsTheTerminal(80, 24)
	h.press("2")
	h.press("/")
	h.press("anna hagg") // diacritics aside
	h.special(tea.KeyEnter)
	h.wantScreen("1 förtroendevald  kommun: alla · sök: anna hagg", "Anna Hägg", "väntar på Valnämnden")
	h.press("a")
	h.wantScreen("Anna Hägg i Valnämnden: vem godkände (ordföranden)?")
	h.press("Gun Ordförande")
	h.special(tea.KeyEnter)
	h.wantScreen("✓ Sparat: Anna Hägg i Valnämnden är godkänd av Gun Ordförande.")
	if _, err := h.store.Issue(ctx, "TAB0000001", "anna.hagg@ockero.se", store.Request{Training: true}, by); err != nil {
		t.Fatalf("issue after approval: %v", err)
	}
	h.store.RegisterKind(ctx, "LAP0000001", "MacBook Air 13", store.Laptop, "", by)
	if _, err := h.store.Issue(ctx, "LAP0000001", "lars.hagg@ockero.se", store.Request{Help: true}, by); err != nil {
		t.Fatalf("issue a laptop to the presidium: %v", err)
	}
	h.run(h.m.equipment.load())
	h.press("3") // the search stays: both Häggs hold a device
	h.press("/")
	h.special(tea.KeyEscape)
	h.wantScreen("2 enheter ute hos förtroendevalda", "Anna Hägg", "surfplatta", "TAB0000001", "Lars Hägg", "LAP0000001")
	h.press("4")
	h.wantScreen("2 öppna önskemål", "Anna Hägg", "önskar utbildning", "Lars Hägg")
	// Ticked off under a search: the request shown, not the list's first.
	h.press("/")
	h.press("lars")
	h.special(tea.KeyEnter)
	h.wantScreen("1 öppet önskemål om hjälp och utbildning  kommun: alla · sök: lars", "Lars Hägg")
	h.press("d")
	h.wantScreen("önskemålet från Lars Hägg är klart")
	h.press("/")
	h.special(tea.KeyEscape)
	h.wantScreen("1 öppet önskemål", "Anna Hägg", "önskar utbildning")
}

// The delivery form in Swedish at 80x24, through the real program loop.
// Regenerate with: go test ./tui -run TestDeliveryEndToEnd -update
func TestDeliveryEndToEnd(t *testing.T) {
	st := openStore(t)
	at := time.Date(2026, 11, 2, 9, 0, 0, 0, time.Local)
	st.SetClock(func() time.Time { at = at.Add(time.Minute); return at })
	importOckero(t, st)
	ctx := context.Background()
	if _, err := st.RegisterKind(ctx, "C02LAPTOP01", "MacBook Air 13", store.Laptop, "", store.Actor{Station: "disk-1", Staff: "AB"}); err != nil {
		t.Fatal(err)
	}
	fixed := func() time.Time { return time.Date(2026, 11, 2, 10, 30, 0, 0, time.Local) }
	m := New(Config{Store: st, Station: "disk-1", Staff: "AB", Lang: i18n.Swedish, Now: fixed})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(80, 24))
	key := func(s string) {
		for _, r := range s {
			tm.Send(tea.KeyPressMsg{Code: r, Text: string(r)})
			time.Sleep(120 * time.Millisecond)
		}
	}
	tm.Type("C02LAPTOP01")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitFor(t, tm, "MacBook Air 13")
	key("i")
	key("lena lar")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	time.Sleep(300 * time.Millisecond)
	key("1")
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	fm := tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(*Model)
	if dv, ok := fm.desk.dlg.(*deliverDialog); !ok || !dv.wantsHelp || dv.ent == nil {
		t.Fatalf("the delivery form is not open with help ticked: %+v", fm.desk.dlg)
	}
	golden.RequireEqual(t, ansi.Strip(fm.View().Content))
}

// waitFor waits until the program has drawn text.
func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), text) },
		teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// The Equipment screen of a county lists every official: m narrows it to
// a municipality (shown in its own column where there is room), / to the
// names that hold every word typed, in each of its views, and Esc in the
// search gives the whole list back.
func TestEquipmentScreenNarrowsByMunicipalityAndName(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	h.m.screen = screenEquipment
	h.run(h.m.equipment.open())
	names := func() string {
		var n []string
		for _, v := range h.m.equipment.visible {
			n = append(n, h.m.equipment.rows[v].Official.Name)
		}
		return strings.Join(n, ", ")
	}
	h.wantScreen("7 folkevalgte  kommune: alle", "Navn", "Kommune", "Levanger", "Verdal")
	if got := names(); got != "Arne Nordmann, Bjørg Brenne, Hege Skjærvø, Siri Lund, Tone Ekle, Øystein Aasen, Åse Moen" {
		t.Fatalf("in Norwegian order: %s", got)
	}
	h.press("m")
	h.wantScreen("4 folkevalgte  kommune: Levanger")
	if got := names(); got != "Siri Lund, Tone Ekle, Øystein Aasen, Åse Moen" {
		t.Fatalf("Levanger: %s", got)
	}
	h.press("/")
	h.press("oy")
	h.wantScreen("1 folkevalgt  kommune: Levanger · søk: oy", "Øystein Aasen", "Levanger", "Kommunestyret, Form…")
	h.special(tea.KeyEnter)
	h.press("3") // who holds what: the same official
	// Checked in and with IT, his tablet is still his, and said to be in.
	h.wantScreen("1 enhet ute hos folkevalgte · 1 inne til oppgradering  kommune: Levanger · søk: oy", "Øystein Aasen", "R52NXYGSKYS", "inne: oppgraderes")
	// At 80 columns the count of those in is said short: what is typed
	// stays in sight.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.wantScreen("1 enhet ute hos folkevalgte · 1 inne  kommune: Levanger · søk: oy")
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.press("m") // Verdal: nobody there is called that
	h.wantScreen("0 enheter ute hos folkevalgte  kommune: Verdal · søk: oy", "Ingenting her.")
	h.press("/")
	h.special(tea.KeyEscape)
	h.wantScreen("3 enheter ute hos folkevalgte · 1 inne til oppgradering  kommune: Verdal", "Hege Skjærvø", "SDWBWB126WZR", "inne: mottatt", "908 61 935 · siden ")
	h.press("m")
	h.press("1")
	h.wantScreen("7 folkevalgte  kommune: alle")
	// At 80 columns the municipality gives its room to the rest.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.fitsTheTerminal(80, 24)
	if s := h.screen(); strings.Contains(s, "Kommune ") || strings.Contains(s, "Verdal") {
		t.Fatalf("a municipality column at 80 columns:\n%s", s)
	}
}

// Namesakes on the Equipment screen come by their municipality, in
// both its lists: a county has many an Anne Bakken.
func TestEquipmentScreenListsNamesakesByMunicipality(t *testing.T) {
	h := newHarness(t, 120, 30, i18n.Bokmal)
	ctx := context.Background()
	// A seat the rules give a tablet; in id order, Verdal's official first.
	seat := []store.Seat{{Body: "Kommunfullmäktige", Role: "Ledamot i kommunfullmäktige"}}
	for _, o := range []store.Official{
		{ID: "a.hansen@verdal.kommune.no", Name: "Kari Hansen", Municipality: "Verdal", EmailPrimary: "a.hansen@verdal.kommune.no", Seats: seat},
		{ID: "b.hansen@levanger.kommune.no", Name: "Kari Hansen", Municipality: "Levanger", EmailPrimary: "b.hansen@levanger.kommune.no", Seats: seat},
	} {
		if err := h.store.PutOfficial(ctx, o, h.m.c.actor()); err != nil {
			t.Fatal(err)
		}
	}
	for serial, official := range map[string]string{"TAB0000001": "a.hansen@verdal.kommune.no", "TAB0000002": "b.hansen@levanger.kommune.no"} {
		if _, err := h.store.RegisterKind(ctx, serial, "iPad", store.Tablet, "", h.m.c.actor()); err != nil {
			t.Fatal(err)
		}
		if _, err := h.store.Issue(ctx, serial, official, store.Request{}, h.m.c.actor()); err != nil {
			t.Fatal(err)
		}
	}
	h.m.screen = screenEquipment
	h.run(h.m.equipment.open())
	var muns []string
	for _, v := range h.m.equipment.visible {
		muns = append(muns, h.m.equipment.rows[v].Official.Municipality)
	}
	if got := strings.Join(muns, ", "); got != "Levanger, Verdal" {
		t.Fatalf("namesakes by municipality: %s", got)
	}
	var held []string
	for _, hd := range h.m.equipment.holders {
		held = append(held, hd.Municipality)
	}
	if got := strings.Join(held, ", "); got != "Levanger, Verdal" {
		t.Fatalf("who holds what, namesakes by municipality: %s", got)
	}
}
