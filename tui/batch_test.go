package tui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

func importLevanger(t *testing.T, st *store.Store) {
	t.Helper()
	if _, _, err := st.ImportFile(context.Background(), "testdata/roster-levanger.csv", store.Actor{Station: "t", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
}

// importJoint imports the joint council's two rosters, Levanger's and
// Verdal's: their bodies have the same names.
func importJoint(t *testing.T, st *store.Store) {
	t.Helper()
	importLevanger(t, st)
	if _, _, err := st.ImportFile(context.Background(), "../store/testdata/roster-verdal-cp1252.csv", store.Actor{Station: "t", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
}

// startBatch goes to the batch screen and fills in the new-batch form,
// the last field's Enter starting the batch.
func (h *harness) startBatch(name, itDate, municipality, body string) {
	h.t.Helper()
	for h.m.screen != screenBatch {
		h.special(tea.KeyTab)
	}
	h.press("n")
	for _, field := range []string{name, itDate, municipality, body} {
		if field != "" {
			h.press(field)
		}
		h.special(tea.KeyEnter)
	}
}

// openBatch goes to the batch screen and starts a batch called name.
func (h *harness) openBatch(name string) {
	h.t.Helper()
	for h.m.screen != screenBatch {
		h.special(tea.KeyTab)
	}
	h.press("n")
	h.press(name)
	h.special(tea.KeyEnter) // name
	h.special(tea.KeyEnter) // IT date
	h.special(tea.KeyEnter) // municipality
	h.special(tea.KeyEnter) // body: start
	if h.m.batch.state != batchIntake || h.m.batch.batch.ID == "" {
		h.t.Fatalf("the batch did not open: state %d\n%s", h.m.batch.state, h.screen())
	}
}

func TestBatchIntakeOfTheSampleScans(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	importLevanger(t, h.store)
	h.openBatch("Kommunestyret, samlet inn 2. april")
	data, _ := os.ReadFile("testdata/scans-batch1.txt")
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		h.scan(line) // a truncated read is too short for a scan: it arrives as typing, then Enter
	}
	b := h.m.batch.batch
	if b.New != 67 || b.Duplicates != 3 || b.Unknown != 1 || b.Invalid != 1 {
		t.Fatalf("counts: %+v", b)
	}
	h.wantScreen("67 av 94 ventede inn (71 %)", "0 andre · 1 ukjente · 3 lest to ganger · 1 ugyldige", "Mangler fortsatt (27)",
		"RZWXBQ49ZH: ny i bunken, mottatt · Solveig Andersen") // whose the last one is
	var refused bool
	for _, l := range h.m.batch.lines {
		refused = refused || l.read.Class == store.ReadInvalid && l.read.Raw == "356NF"
	}
	if !refused {
		t.Fatal("the truncated read 356NF is listed as refused")
	}

	// Undo the last read: RZWXBQ49ZH, a municipal employee's tablet handed
	// in with the pile. Undone, it is back on the employees' track.
	h.key(tea.KeyPressMsg{Code: 'z', Mod: tea.ModCtrl})
	if h.m.batch.batch.New != 66 {
		t.Fatalf("after undo: %+v", h.m.batch.batch)
	}
	if card, _ := h.store.Card(context.Background(), "RZWXBQ49ZH"); card.Device.Status != store.EmployeeTrack {
		t.Fatalf("RZWXBQ49ZH after undoing its read: %s", card.Device.Status)
	}
	h.wantScreen("Angret: RZWXBQ49ZH")
}

func TestBatchBulkStepsFromTheScreen(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	importLevanger(t, h.store)
	h.openBatch("Formannskapet")
	for _, s := range []string{"R52NXYGSKYS", "TJYHCY68QHGJ", "R5BN6CT9W05"} {
		h.scan(s)
	}
	h.special(tea.KeyEscape) // to the batch view
	h.press("t")
	h.wantScreen("Send alle mottatte nettbrett i bunken til IT")
	h.press("y")
	h.wantScreen("3 tatt videre")
	h.press("g")
	h.press("TJYHCY68QHGJ skjerm knust")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter) // the list is done
	h.wantScreen("unntatt 1 som feilet")
	h.press("y")
	ctx := context.Background()
	for serial, want := range map[string]store.Status{"R52NXYGSKYS": store.Upgraded, "R5BN6CT9W05": store.Upgraded, "TJYHCY68QHGJ": store.Failed} {
		if c, _ := h.store.Card(ctx, serial); c.Device.Status != want {
			t.Errorf("%s: %s, want %s", serial, c.Device.Status, want)
		}
	}
	h.press("c")
	h.press("n") // no: nothing happens
	if h.m.batch.batch.Closed {
		t.Fatal("n must not close the batch")
	}
	h.press("c")
	h.press("y")
	if !h.m.batch.batch.Closed {
		t.Fatal("the batch is closed after c, y")
	}
	h.wantScreen("» er lukket.")
	if strings.Contains(h.screen(), "tatt videre") {
		t.Fatalf("closing answered with a bulk step's words:\n%s", h.screen())
	}
}

// thousand registers 1,000 tablets and returns their serials in the order
// a scanner will read them.
func thousand(t *testing.T, st *store.Store) []string {
	var b strings.Builder
	b.WriteString("Navn;Kommune;Organ;Primær e-post;Nettbrett serienr\n")
	var serials []string
	for i := range 1000 {
		s := fmt.Sprintf("TB%04dX%03d", (i*7919)%10000, i) // not in sorted order
		serials = append(serials, s)
		fmt.Fprintf(&b, "Person %d;Levanger;Kommunestyret;p%d@levanger.kommune.no;%s\n", i, i, s)
	}
	ros, err := store.ParseRoster(strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Import(context.Background(), ros, store.Actor{Station: "t", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
	return serials
}

func checkAllRecordedInOrder(t *testing.T, st *store.Store, batchID string, serials []string) {
	t.Helper()
	reads, err := st.Reads(context.Background(), batchID, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if len(reads) != len(serials) {
		t.Fatalf("%d reads recorded, want %d", len(reads), len(serials))
	}
	for i, r := range reads { // newest first
		want := serials[len(serials)-1-i]
		if r.Serial != want || r.Class != store.ReadNew {
			t.Fatalf("read %d: %q (%s), want %q new: merged, lost or out of order", len(serials)-1-i, r.Raw, r.Class, want)
		}
	}
}

// TestThousandScansAtScannerSpeed feeds 1,000 serials as key messages 3 ms
// apart, Enter after each, as a USB scanner types them.
func TestThousandScansAtScannerSpeed(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	serials := thousand(t, h.store)
	h.openBatch("Tusen")
	for _, s := range serials {
		h.scan(s)
	}
	checkAllRecordedInOrder(t, h.store, h.m.batch.batch.ID, serials)
	if h.m.batch.batch.New != 1000 {
		t.Fatalf("counts %+v", h.m.batch.batch)
	}
}

// TestThousandScansFlood sends the same 1,000 serials through the real
// program loop with no pause at all: reads pile up while the store is
// busy and are saved in order, several to a transaction.
func TestThousandScansFlood(t *testing.T) {
	st := openStore(t)
	serials := thousand(t, st)
	b, err := st.OpenBatch(context.Background(), store.BatchSpec{Name: "Flom"}, store.Actor{Station: "t", Staff: "T"})
	if err != nil {
		t.Fatal(err)
	}
	m := New(Config{Store: st, Station: "sekretariat", Staff: "AB", Lang: i18n.Bokmal})
	m.screen = screenBatch
	m.batch.batch, m.batch.state = b, batchIntake
	m.batch.input.Focus()
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	for _, s := range serials {
		tm.Type(s)
		tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		got, _ := st.Batch(context.Background(), b.ID)
		if got.New+got.Duplicates+got.Invalid+got.Unknown >= 1000 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	checkAllRecordedInOrder(t, st, b.ID, serials)
}

// The batch words a workflow refusal with the one translator the desk
// uses, arguments and all: no "%!s(MISSING)" where a kind or status goes.
func TestBatchRefusalKeepsItsArguments(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	err := &store.Refusal{Code: store.RefuseSkip, Kind: store.KindUpgraded, Status: store.Received, Need: store.Upgrading}
	got := h.m.batch.bulkError(err)
	want := RefusalText(h.m.c.t, err)
	if !strings.Contains(got, want) || strings.Contains(got, "%!") || !strings.Contains(got, "oppgraderes") {
		t.Fatalf("batch says %q; the desk says %q", got, want)
	}
}

// The new batch's form at 80 columns shows its whole hint, wrapped, in
// every language: how to cancel is its last words.
func TestTheNewBatchFormsHintFitsEightyColumns(t *testing.T) {
	for lang, last := range map[i18n.Lang]string{i18n.Bokmal: "Esc avbryter", i18n.Swedish: "Esc avbryter", i18n.English: "Esc cancels"} {
		h := newHarness(t, 80, 24, lang)
		h.special(tea.KeyTab)
		h.special(tea.KeyTab)
		h.press("n")
		words := strings.Fields(h.screen())
		if !strings.Contains(strings.Join(words, " "), last) {
			t.Errorf("%s: the form lacks %q:\n%s", lang, last, h.screen())
		}
	}
}

// A new batch's form takes what comes at a scanner's speed into its
// field (a barcode, or keys a machine types), and that Enter moves on as
// a person's does; none of it reaches the desk as a serial.
func TestTheNewBatchFormTakesAScan(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	importLevanger(t, h.store)
	for h.m.screen != screenBatch {
		h.special(tea.KeyTab)
	}
	h.press("n")
	h.scan("Kommunestyret, samlet 7. des")
	h.scan("9. desember")
	if h.m.screen != screenBatch || h.m.batch.state != batchNew || h.m.batch.field != 2 {
		t.Fatalf("screen %d, batch state %d, field %d\n%s", h.m.screen, h.m.batch.state, h.m.batch.field, h.screen())
	}
	if name, date := h.m.batch.form[0].Value(), h.m.batch.form[1].Value(); name != "Kommunestyret, samlet 7. des" || date != "9. desember" {
		t.Fatalf("the form holds %q and %q", name, date)
	}
	h.scan("Levanger")
	h.scan("Kommunestyret")
	if h.m.batch.state != batchIntake || h.m.batch.batch.Name != "Kommunestyret, samlet 7. des" || h.m.batch.batch.Scope() != "Levanger · Kommunestyret" {
		t.Fatalf("the batch did not open: state %d, %+v\n%s", h.m.batch.state, h.m.batch.batch, h.screen())
	}
}

// A batch expects every tablet of its body but counts in only what it
// read: the tablets that came in another way (at the desk, in another
// batch) are named beside the missing list, so the numbers add up.
func TestTheMissingListSaysWhatCameInOutsideTheBatch(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	importLevanger(t, h.store)
	h.scan("R52NXYGSKYS") // at the desk, before the batch
	h.openBatch("Samlet inn 2. april")
	h.wantScreen("0 av 83 ventede inn (0 %)", "Mangler fortsatt (82):", "1 kom inn utenom bunken")
	h.scan("TJYHCY68QHGJ")
	h.wantScreen("1 av 83 ventede inn (1 %)", "Mangler fortsatt (81):", "1 kom inn utenom bunken")
	h.scan("R52NXYGSKYS") // the desk's tablet, read with the pile: now this batch's too
	h.wantScreen("2 av 83 ventede inn (2 %)", "Mangler fortsatt (81):")
	if strings.Contains(h.screen(), "utenom bunken") {
		t.Fatal("every tablet in is this batch's now")
	}
}

// The new-batch form takes a municipality: a joint council's batch of
// Levanger's Kommunestyret expects only Levanger's. A municipality the
// roster does not have sends the form back to that field, saying what
// the roster has, and opens nothing.
func TestANewBatchForOneMunicipality(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	importJoint(t, h.store)
	for h.m.screen != screenBatch {
		h.special(tea.KeyTab)
	}
	h.press("n")
	h.wantScreen("Kommune (tomt: alle)", "Organ (tomt: hele listen)")
	h.press("KS Levanger")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.press("Levanegr")
	h.special(tea.KeyEnter)
	h.press("kommunestyret")
	h.special(tea.KeyEnter)
	h.wantScreen("Listen har ingen kommune «Levanegr». Den har: Levanger, Verdal.")
	if h.m.batch.state != batchNew || h.m.batch.field != 2 {
		t.Fatalf("back to the municipality: state %d field %d", h.m.batch.state, h.m.batch.field)
	}
	if bs, _ := h.store.Batches(context.Background()); len(bs) != 0 {
		t.Fatal("a refused batch was opened")
	}
	h.m.batch.form[2].SetValue("levanger")
	h.m.batch.field = 3
	h.special(tea.KeyEnter)
	h.wantScreen("KS Levanger · Levanger · Kommunestyret")
	b := h.m.batch.batch
	if b.Municipality != "Levanger" || b.Expected == 0 {
		t.Fatalf("the batch: %+v", b)
	}
	var names []string
	for _, c := range h.m.batch.missing {
		if c.Municipality != "Levanger" {
			t.Fatalf("%s of %s is missing from Levanger's batch", c.Name, c.Municipality)
		}
		names = append(names, c.Name)
	}
	// In the way a Norwegian reads a list: Ø after Z, and Aa as Å, last.
	if got := strings.Join(names, ", "); !strings.HasPrefix(got, "Arne Nordmann, Eirik Strand, ") ||
		!strings.HasSuffix(got, ", Stian Fløan, Ståle Olsen, Tone Brenne, Tone Ekle, Tone Larsen, Tone Sandvik, Tor Okkenhaug, Tor Skjærvø, Trond Andersen, Trond Garnes, Vegard Haugen, Vegard Skjærvø, Øystein Okkenhaug, Øystein Aasen") {
		t.Fatalf("missing, in name order: %s", got)
	}
}

// The desk's recent activity says what each batch read was: one that
// took nothing in is not "read in a batch", but read twice, or refused
// with what the scanner typed.
func TestTheDesksActivitySaysWhatABatchReadWas(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal) // the desk with its activity beside the card
	importLevanger(t, h.store)
	h.openBatch("Kommunestyret, samlet inn 2. april")
	h.scan("RZWXBQ49ZH")
	h.scan("RZWXBQ49ZH")
	h.scan("356NF") // a truncated read
	for h.m.screen != screenDesk {
		h.special(tea.KeyTab)
	}
	h.run(h.m.refresh())
	h.wantScreen("RZWXBQ49ZH lest i bunke · Solveig", "RZWXBQ49ZH lest to ganger i bunke", "«356NF» avvist i bunke")
}

// A batch of a body alone on a joint council's roster expects that body
// in every municipality: its title names them and each one missing says
// which municipality they sit for.
func TestABatchAcrossMunicipalitiesSaysWhich(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	importJoint(t, h.store)
	h.startBatch("KS begge", "", "", "kommunestyret")
	h.wantScreen("KS begge · Kommunestyret (Levanger, Verdal)", "Mangler fortsatt", "· Verdal", "· Levanger")
	h.fitsTheTerminal(80, 24)
	// Closed, a long name and scope cut at 80 columns still say so.
	h.special(tea.KeyEscape) // the intake ends
	h.special(tea.KeyEscape) // the list
	h.startBatch("Kommunestyret, samlet inn 2. april", "4. april", "", "kommunestyret")
	h.special(tea.KeyEscape) // the intake ends
	h.press("c")
	h.press("y")
	h.wantScreen("Kommunestyret, samlet inn 2. april · lukket · IT 4. april · Kommunestyret (Lev")
	h.fitsTheTerminal(80, 24)
}

// The date agreed with IT may be words ("4. april") or a day; a day in
// figures that the calendar does not have is refused in words, the form
// goes back to it, and no batch is opened.
func TestTheITDateIsADayOrWords(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.startBatch("Kommunestyret", "31.4.", "", "")
	h.wantScreen("«31.4.» er ikke en dato", "Ny bunke")
	if bs, _ := h.store.Batches(context.Background()); len(bs) != 0 {
		t.Fatalf("a batch was opened: %+v", bs)
	}
	if h.m.batch.field != 1 {
		t.Fatalf("the form is at field %d, want the IT date's", h.m.batch.field)
	}
	for range len("31.4.") {
		h.special(tea.KeyBackspace)
	}
	h.press("4. april")
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.special(tea.KeyEnter)
	h.wantScreen("Kommunestyret · IT 4. april")
}
