package tui

import (
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"dropin/receipt"
	"dropin/receipt/qrtest"
	"dropin/receipt/station"
	"dropin/store"
	"dropin/store/synctest"
	"dropin/tui/i18n"
)

// A morning at the walk-in desk at 80x24, in bokmål and Swedish: three
// people in the queue (one typed in by hand), one with the desk, the
// desk at a council meeting. Regenerate with: go test ./tui -run
// TestWalkInMorningAt80x24 -update
func TestWalkInMorningAt80x24(t *testing.T) {
	for _, lang := range []i18n.Lang{i18n.Bokmal, i18n.Swedish} {
		t.Run(string(lang), func(t *testing.T) {
			h := newHarness(t, 80, 24, lang)
			at := time.Date(2026, 4, 14, 8, 0, 0, 0, time.Local)
			h.store.SetClock(func() time.Time { at = at.Add(3 * time.Minute); return at })
			smallRoster(t, h.store)
			ctx := context.Background()
			by := store.Actor{Station: "skranke-1", Staff: "KN"}
			if err := h.store.SetMeeting(ctx, &store.Meeting{Body: "Kommunestyret", Day: "2026-04-14"}); err != nil {
				t.Fatal(err)
			}
			for _, in := range []store.VisitInput{
				{Official: "tone.ekle@levanger.kommune.no", Topic: "teams", Note: "får ikke åpnet møtet"},
				{Official: "hege.skjaervo@verdal.kommune.no", Topic: "password"},
				{Official: "bjorg.brenne@verdal.kommune.no", Topic: "agenda"},
			} {
				if _, err := h.store.Arrive(ctx, in, by); err != nil {
					t.Fatal(err)
				}
			}
			h.open(screenVisits)
			h.press("n") // Tone is first
			// Someone not on the roster joins by name.
			h.press("a")
			h.press("Åse Ødegård-Løvås")
			h.special(tea.KeyDown)
			h.special(tea.KeyEnter) // not on the list: the name as typed
			h.special(tea.KeyDown)
			h.special(tea.KeyEnter) // e-mail
			h.special(tea.KeyEnter) // no note
			h.clk.advance(7 * time.Minute)
			h.m.flash = flash{}
			h.fitsTheTerminal(80, 24)
			for _, want := range []string{"Tone Ekle", "Hege Skjærvø", "Bjørg Brenne", "Åse Ødegård-Løvås", "Kommunestyret"} {
				h.wantScreen(want)
			}
			golden.RequireEqual(t, h.screen())
		})
	}
}

// The whole of a visit at the keys: someone joins the queue by name
// search, is called with one key, leaves with a closed visit; another
// leaves the queue unserved; an escalation without a ticket is refused
// and one with a ticket is followed up from the follow-up list.
func TestWalkInAtTheKeys(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	h.store.SetClock(h.clk.now) // the report's day is the desk's
	smallRoster(t, h.store)
	ctx := context.Background()
	h.open(screenVisits)
	// Before anyone came, the report says "–" throughout, by the hour too.
	h.press("r")
	h.wantScreen("0 besøk", "Per time: –", "Emner: –")
	h.special(tea.KeyEscape)

	h.press("a")
	h.press("tone")
	h.special(tea.KeyEnter) // Tone Ekle, the first found
	h.special(tea.KeyEnter) // the first topic: login and accounts
	h.press("glemt passord")
	h.special(tea.KeyEnter)
	h.wantScreen("Tone Ekle står i kø", "Kø · 1 venter", "Innlogging og kontoer")
	h.press("a")
	h.press("siri")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Kø · 2 venter", "kø 2")

	h.press("c")
	h.wantScreen("Du har ikke noe besøk åpent.")
	h.press("n")
	h.wantScreen("Tatt: Tone Ekle", "Hos deg nå", "«glemt passord»", "kø 1")
	h.press("n")
	h.wantScreen("Avslutt besøket med Tone Ekle først (c).")

	// Escalated without a ticket: refused, the form stays.
	h.press("c")
	h.special(tea.KeyDown)
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Eskalering trenger saksnummeret hos IT.", "Saksnummer hos IT")
	h.press("INC0042")
	h.special(tea.KeyEnter)
	h.wantScreen("Besøket med Tone Ekle er avsluttet: eskalert til IT.", "Ingen hos deg.", "Til oppfølging: 1 eskalert til IT")

	// Siri gives up waiting.
	h.press("d")
	h.wantScreen("Siri Lund gikk fra køen.", "Kø · 0 venter")

	h.press("f")
	h.wantScreen("Til oppfølging · 1", "IT-sak INC0042")
	h.press("x")
	h.wantScreen("Fulgt opp: Tone Ekle.", "Til oppfølging · 0")

	vs, err := h.store.Visits(ctx, time.Time{}, time.Time{})
	if err != nil || len(vs) != 2 {
		t.Fatalf("visits: %+v %v", vs, err)
	}
	if tone := vs[0]; tone.Outcome != store.Escalated || tone.Ticket != "INC0042" || tone.FollowedUp.IsZero() || tone.Staff != "KN" {
		t.Fatalf("Tone's visit: %+v", tone)
	}
	if siri := vs[1]; siri.Outcome != store.Left || !siri.Called.IsZero() {
		t.Fatalf("Siri's visit: %+v", siri)
	}

	// The report counts them.
	h.press("r")
	h.wantScreen("Besøk i dag", "2 besøk · 1 tatt imot · 1 gikk · 0 på møter", "Emner: Innlogging og kontoer 2",
		"Per time: 09–10 2") // "09:2" read as a time of day
	h.press("2")
	h.wantScreen("Besøk siste 7 dager", "2 besøk")
}

// Two tablets handed in during one visit: each scan at the desk is the
// visit's, no receipt of their own; closing the visit makes one receipt
// listing both, which the official signs once at the desk; its token
// verifies and its QR holds it.
func TestOneSignatureForAVisitsDevices(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	rs := withReceipts(t, h, receipt.Printer{})
	smallRoster(t, h.store)
	ctx := context.Background()
	h.open(screenVisits)
	h.press("o")
	h.press("arne")
	h.special(tea.KeyEnter)
	for range 5 {
		h.special(tea.KeyDown) // new device set-up
	}
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Besøk åpnet for Arne Nordmann.", "Hos deg nå")

	// At the desk, both tablets (his and the one he brought for a
	// colleague) are checked in: the visit's, not receipts of their own.
	h.m.screen = screenDesk
	before, _ := h.store.ReceiptsOfStation(ctx, "skranke-1") // the roster's own check-ins
	for _, serial := range []string{"NC2FBKC1MW", "XXRHZ2RQYX"} {
		h.scan(serial)
		h.wantScreen("besøk: Arne Nordmann")
		if serial == "NC2FBKC1MW" { // his own
			h.wantScreen("NC2FBKC1MW mottatt, i besøket med Arne Nordmann.")
		}
		if c := h.card(); c.Status != store.Received {
			t.Fatalf("%s is %s", serial, c.Status)
		}
	}
	// Each step says it is the visit's; the colleague's tablet says whose.
	h.wantScreen("XXRHZ2RQYX mottatt (tilhører Bjørg Brenne), i besøket med Arne Nordmann.")
	if recs, _ := h.store.ReceiptsOfStation(ctx, "skranke-1"); len(recs) != len(before) {
		t.Fatalf("steps in a visit made receipts of their own: %+v", recs)
	}

	h.open(screenVisits)
	h.wantScreen("NC2FBKC1MW mottatt", "XXRHZ2RQYX mottatt")
	h.press("c")
	h.special(tea.KeyEnter) // solved
	h.special(tea.KeyEnter) // no note
	// The desk shows the first tablet and the pad for the one receipt.
	if h.m.screen != screenDesk {
		t.Fatalf("after the close the screen is %d, want the desk with the pad", h.m.screen)
	}
	recs, _ := h.store.ReceiptsOfStation(ctx, "skranke-1")
	if len(recs) != len(before)+1 || recs[len(recs)-1].Kind != string(receipt.Visit) {
		t.Fatalf("receipts after the close: %d, the last %+v", len(recs), recs[len(recs)-1])
	}
	rec := recs[len(recs)-1]
	h.wantScreen(fmt.Sprintf("Signer kvittering %d", rec.Number))
	h.press("n")
	h.press("Arne Nordmann")
	h.special(tea.KeyEnter)
	h.wantScreen(fmt.Sprintf("kvittering %d er signert", rec.Number))

	signed, _ := h.store.Receipt(ctx, "skranke-1", rec.Number)
	rc, err := station.Contents(signed)
	if err != nil || len(rc.Items) != 2 || rc.Items[0].Serial != "NC2FBKC1MW" || rc.Items[1].Serial != "XXRHZ2RQYX" || rc.Official != "Arne Nordmann" {
		t.Fatalf("the visit receipt: %+v %v", rc, err)
	}
	tok, err := receipt.Verify(signed.Token, rs.Keyring)
	if err != nil || !tok.Signed || !tok.Matches(rc) || !rc.SignatureIntact() {
		t.Fatalf("the signed visit receipt does not verify: %+v %v", tok, err)
	}
	if v, err := station.VerifyToken(ctx, h.store, rs.Keyring, signed.Token); err != nil {
		t.Fatalf("verify as the command line does: %+v %v", v, err)
	}
	// Both tablets find the one receipt; signing it again is refused.
	for _, serial := range []string{"NC2FBKC1MW", "XXRHZ2RQYX"} {
		rs, _ := h.store.ReceiptsOf(ctx, serial)
		if len(rs) != 1 || rs[0].Number != rec.Number {
			t.Fatalf("%s's receipts: %+v", serial, rs)
		}
	}
	h.press("s")
	h.wantScreen(fmt.Sprintf("Kvittering %d er allerede signert.", rec.Number))
	// Shown at 80x24, where its QR code has no room, the receipt in words
	// lists both devices.
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.press("v")
	h.wantScreen("Enhet: nettbrett, iPad Air: levert inn · NC2FBKC1MW", "Enhet: nettbrett, iPad (10. gen): levert inn · XXRHZ2RQYX")
	h.fitsTheTerminal(80, 24)
	h.special(tea.KeyEscape)
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	// The files follow the record: the signed receipt's PNG is written, and
	// its QR holds the signed token.
	files := rs.FilesOf(signed)
	var img image.Image
	for deadline := time.Now().Add(5 * time.Second); img == nil && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if f, err := os.Open(files.PNG); err == nil {
			img, _ = png.Decode(f)
			f.Close()
		}
	}
	if img == nil {
		t.Fatalf("the visit receipt's PNG was not written: %s", files.PNG)
	}
	if got := qrtest.Decode(t, img); got != signed.Token {
		t.Fatalf("the PNG's QR holds %q, want the signed token %q", got, signed.Token)
	}
}

// Two desks call the same person before they hear of each other: once
// the other desk's earlier call arrives, this desk lets go of the visit
// and says who has it. Names and notes typed elsewhere never reach the
// terminal raw.
func TestTheOtherDeskCalledFirst(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	other := openStore(t)
	ctx := context.Background()
	hostile := "Evil\x1b]0;pwned\x07 \x1b[31mRed"
	v, err := h.store.Arrive(ctx, store.VisitInput{Name: hostile, Topic: "teams", Note: "note\x1b[2J"}, store.Actor{Station: "skranke-1", Staff: "KN"})
	if err != nil {
		t.Fatal(err)
	}
	move := func(from, to *store.Store) {
		t.Helper()
		evs, _ := from.Outbox(ctx, 1000)
		pulled := make([]store.SyncedEvent, len(evs))
		for i, e := range evs {
			pulled[i] = store.SyncedEvent{Event: e, Seq: int64(i + 1)}
		}
		if _, err := to.ApplyPulled(ctx, pulled, 0); err != nil {
			t.Fatal(err)
		}
	}
	move(h.store, other)
	if _, err := other.CallVisit(ctx, v.ID, store.Actor{Station: "skranke-2", Staff: "AB"}); err != nil {
		t.Fatal(err)
	}
	h.open(screenVisits)
	h.press("n")
	h.wantScreen("Hos deg nå", "Evil Red")
	if s := h.m.View().Content; strings.Contains(s, "pwned\x07") || strings.Contains(s, "\x1b[2J") || strings.Contains(s, "\x1b]0;") {
		t.Fatalf("data reached the terminal raw: %q", s)
	}
	move(other, h.store)
	h.send(changedMsg{})
	h.wantScreen("Evil Red er tatt av AB på skranke-2.", "Ingen hos deg.")
	if h.m.c.visit != "" {
		t.Fatal("the desk still holds a visit another desk has")
	}
}

// Two desks disagree about a tablet without having seen each other's
// step: once synced, the card says so, in words, at both.
func TestTheCardTellsADisagreement(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	other := openStore(t)
	relay := synctest.New()
	smallRoster(t, h.store)
	relay.Sync(t, h.store)
	relay.Sync(t, other)
	ctx := context.Background()
	if _, err := h.store.Step(ctx, "R52NXYGSKYS", store.KindFailed, store.Input{Reason: "knust skjerm"}, store.Actor{Station: "skranke-1", Staff: "KN"}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Step(ctx, "R52NXYGSKYS", store.KindUpgraded, store.Input{}, store.Actor{Station: "skranke-2", Staff: "AB"}); err != nil {
		t.Fatal(err)
	}
	relay.Sync(t, h.store)
	relay.Sync(t, other)
	relay.Sync(t, h.store)
	h.scan("R52NXYGSKYS")
	h.wantScreen("⚠ Uenighet mellom skranker: feil ved skranke-1 (KN)", "oppgradert ved skranke-2 (AB)", "uten å ha sett det")
	if a, b := mustConflicts(t, h.store), mustConflicts(t, other); len(a) != 1 || len(b) != 1 || a[0] != b[0] {
		t.Fatalf("the desks tell it differently: %+v / %+v", a, b)
	}
}

func mustConflicts(t *testing.T, st *store.Store) []store.Conflict {
	t.Helper()
	cs, err := st.Conflicts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// A tablet scanned on the walk-in screen brings its official in: a visit
// at once when the desk is free and nobody waits, else a place in the
// queue.
func TestAScannedTabletBringsItsOfficialIn(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	smallRoster(t, h.store)
	h.open(screenVisits)
	h.scan("TJYHCY68QHGJ") // Tone Ekle's tablet
	h.wantScreen("Besøk nå · Tone Ekle", "Hva gjelder det?")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Besøk åpnet for Tone Ekle.", "Hos deg nå")
	h.press("a")
	h.press("hege")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.press("c")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Ingen hos deg.", "Kø · 1 venter")
	// Free, but Hege waits: the next scanned joins the queue behind her.
	h.scan("XXRHZ2RQYX") // Bjørg Brenne's
	h.wantScreen("Ny i kø · Bjørg Brenne")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Bjørg Brenne står i kø", "Kø · 2 venter")
	if q := queueNames(t, h.store); len(q) != 2 || q[0] != "Hege Skjærvø" || q[1] != "Bjørg Brenne" {
		t.Fatalf("queue: %q", q)
	}
	h.scan("ZZZZZZZZZZ99")
	h.wantScreen("ZZZZZZZZZZ99 er ikke koblet til noen folkevalgt")
}

func queueNames(t *testing.T, st *store.Store) []string {
	t.Helper()
	q, err := st.Queue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, v := range q {
		out = append(out, v.Name)
	}
	return out
}

// Meeting mode's date is typed as the desk writes dates: 15.4. is this
// year's 15 April, 14.04.2026 is what the field holds to begin with, and
// a day that is none is refused in words, the mode left as it was.
func TestTheMeetingsDateIsTypedAsTheDeskWritesIt(t *testing.T) {
	for typed, want := range map[string]string{"2026-04-15": "2026-04-15", "15.4.": "2026-04-15", "15.4": "2026-04-15", "15.04.2026": "2026-04-15",
		"15/4": "2026-04-15", "15/4/2027": "2027-04-15", " 1.1. ": "2026-01-01"} {
		if got, ok := ParseDay(typed, time.Date(2026, 4, 14, 9, 0, 0, 0, time.Local)); !ok || got != want {
			t.Errorf("ParseDay(%q) = %q %v, want %q", typed, got, ok, want)
		}
	}
	for _, typed := range []string{"31.4.", "0.1.", "15.4.26", "15", "i morgen", "2026-02-30", "15.13.", "1.2.3.4", "-1.4."} {
		if got, ok := ParseDay(typed, time.Now()); ok {
			t.Errorf("ParseDay(%q) = %q, want refused", typed, got)
		}
	}
	h := newHarness(t, 80, 24, i18n.Bokmal)
	smallRoster(t, h.store)
	h.open(screenVisits)
	h.press("m")
	h.press("kommunestyret")
	h.special(tea.KeyEnter)
	h.wantScreen("› 14.04.2026")
	for range 10 {
		h.special(tea.KeyBackspace)
	}
	h.press("31.4.")
	h.special(tea.KeyEnter)
	h.wantScreen("«31.4.» er ikke en dato: skriv den som 14.4.2026, 14.4. eller 2026-04-14.")
	if m, _ := h.store.Meeting(context.Background()); m != nil {
		t.Fatalf("a day that is none set meeting mode: %+v", m)
	}
	for range 5 {
		h.special(tea.KeyBackspace)
	}
	h.press("15.4.")
	h.special(tea.KeyEnter)
	if m, _ := h.store.Meeting(context.Background()); m == nil || *m != (store.Meeting{Body: "Kommunestyret", Day: "2026-04-15"}) {
		t.Fatalf("meeting: %+v", m)
	}
	h.wantScreen("møte: Kommunestyret 15.04.2026")
}

// At 80 columns in Swedish, the desk's top line has no room for both the
// scan hint and whom the visit is with: the hint gives way, the name stays
// whole.
func TestTheVisitsNameFitsTheDesksTopLine(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	smallRoster(t, h.store)
	h.open(screenVisits)
	h.press("o")
	h.press("hege")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Besök öppnat för Hege Skjærvø.")
	h.special(tea.KeyTab)  // round to the desk
	h.scan("SDWBWB126WZR") // her tablet: its card, and the field gives way to the hint
	h.wantScreen("SDWBWB126WZR öppnad")
	top := strings.Split(h.screen(), "\n")[1]
	if !strings.Contains(top, "besök: Hege Skjærvø") || !strings.Contains(top, "skanna") {
		t.Fatalf("top line %q: want the hint cut short and the whole name", top)
	}
	h.fitsTheTerminal(80, 24)
}
