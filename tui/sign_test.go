package tui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/store"
	"dropin/store/wire"
	"dropin/tui/i18n"
)

// handedBack brings Øystein's tablet to handed-back in the store, with
// its hand-back receipt, and returns that receipt.
func handedBack(t *testing.T, st *store.Store, rs *station.Receipts) store.ReceiptRecord {
	t.Helper()
	ctx := context.Background()
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	st.SetReceipter(rs) // as the desk does
	st.CheckIn(ctx, "R52NXYGSKYS", by)
	for _, k := range []store.Kind{store.KindUpgrading, store.KindUpgraded} {
		st.Step(ctx, "R52NXYGSKYS", k, store.Input{}, by)
	}
	st.Step(ctx, "R52NXYGSKYS", store.KindFirstLogin, store.Input{Checklist: store.Checklist}, by)
	card, err := st.Step(ctx, "R52NXYGSKYS", store.KindHandedBack, store.Input{}, by)
	if err != nil {
		t.Fatal(err)
	}
	if card.Receipt == nil || card.Receipt.Kind != "O" {
		t.Fatalf("the hand-back made no hand-back receipt in its transaction: %+v", card.Receipt)
	}
	if _, err := rs.Render(i18n.New(i18n.Bokmal), *card.Receipt); err != nil {
		t.Fatal(err)
	}
	return *card.Receipt
}

// TestSignWithTheMouse runs the real program: the official presses the
// button, drags, lets go, and the desk accepts. The signature is stored
// as strokes bound to the SHA-256 of the receipt's content.
func TestSignWithTheMouse(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	rs, err := station.OpenReceipts(dir+"/keys", dir+"/receipts", receipt.Printer{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ImportFile(context.Background(), "testdata/roster-levanger.csv", store.Actor{Station: "t", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
	rec := handedBack(t, st, rs)
	unsigned, _ := station.Contents(rec)

	m := New(Config{Store: st, Station: "skranke-1", Staff: "KN", Lang: i18n.Bokmal, Receipts: rs})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(100, 30))
	tm.Type("R52NXYGSKYS")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Øystein Aasen")) },
		teatest.WithDuration(3*time.Second))
	time.Sleep(100 * time.Millisecond)
	tm.Send(tea.KeyPressMsg{Code: 's', Text: "s"})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte("Signer kvittering")) },
		teatest.WithDuration(3*time.Second))
	// A stroke across the pad: press, drag, release. Then a dot.
	tm.Send(tea.MouseClickMsg{X: padOriginX + 3, Y: padOriginY + 7, Button: tea.MouseLeft})
	for i := 1; i <= 20; i++ {
		tm.Send(tea.MouseMotionMsg{X: padOriginX + 3 + 2*i, Y: padOriginY + 7 - i%6, Button: tea.MouseLeft})
	}
	tm.Send(tea.MouseReleaseMsg{X: padOriginX + 43, Y: padOriginY + 5, Button: tea.MouseLeft})
	tm.Send(tea.MouseClickMsg{X: padOriginX + 50, Y: padOriginY + 2, Button: tea.MouseLeft})
	tm.Send(tea.MouseReleaseMsg{X: padOriginX + 50, Y: padOriginY + 2, Button: tea.MouseLeft})
	time.Sleep(100 * time.Millisecond)
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})

	var sig *store.SignatureRecord
	for deadline := time.Now().Add(5 * time.Second); sig == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		sig, _ = st.SignatureOf(context.Background(), rec.Station, rec.Number)
	}
	tm.Send(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl})
	tm.WaitFinished(t, teatest.WithFinalTimeout(3*time.Second))
	if sig == nil {
		t.Fatal("no signature stored")
	}
	if sig.ContentSHA256 != unsigned.ContentSHA256() || sig.Signer != "Øystein Aasen" || sig.Method != station.SignedByPad || sig.Staff != "KN" || sig.SignStation != "skranke-1" {
		t.Fatalf("signature %+v", sig)
	}
	var strokes []receipt.Stroke
	if err := jsonUnmarshal(sig.Strokes, &strokes); err != nil || len(strokes) != 2 || len(strokes[0]) < 15 {
		t.Fatalf("strokes %s", sig.Strokes)
	}

	// The receipt is re-issued signed, and its PNG carries the ink.
	recs, _ := st.ReceiptsOf(context.Background(), "R52NXYGSKYS")
	signed, _ := station.Contents(recs[0])
	tok, err := receipt.Verify(recs[0].Token, rs.Keyring)
	if err != nil || !tok.Signed || !tok.Matches(signed) || !signed.SignatureIntact() {
		t.Fatalf("re-issued receipt: %+v %v", tok, err)
	}
	// The record is committed first, the files follow: wait for them.
	ink := 0
	for deadline := time.Now().Add(5 * time.Second); ink < 300 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if f, err := os.Open(rs.FilesOf(recs[0]).PNG); err == nil {
			if img, err := png.Decode(f); err == nil {
				ink = countInk(img)
			}
			f.Close()
		}
	}
	if ink < 300 {
		t.Fatalf("only %d ink pixels on the signed receipt", ink)
	}
	card, _ := st.Card(context.Background(), "R52NXYGSKYS")
	if last := card.Timeline[len(card.Timeline)-1]; last.Kind != store.KindSigned {
		t.Fatalf("the timeline ends with %s, want signed", last.Kind)
	}
}

func TestSignByTypingTheName(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	rs := withReceipts(t, h, receipt.Printer{})
	importLevanger(t, h.store)
	rec := handedBack(t, h.store, rs)
	h.scan("R52NXYGSKYS")
	h.press("s")
	h.press("n")
	h.wantScreen("Enter godtar, Esc", "tilbake til tegning.") // the hint's end wraps, not cut
	h.press("Kari Nordmann")
	h.special(tea.KeyEnter)
	h.wantScreen("Navnet stemmer ikke med kvitteringen (Øystein Aasen).")
	if sig, _ := h.store.SignatureOf(context.Background(), rec.Station, rec.Number); sig != nil {
		t.Fatal("a wrong name must not sign")
	}
	h.special(tea.KeyEscape) // back to drawing
	h.press("n")
	h.press("oystein  AASEN") // case, spaces and diacritics aside
	h.special(tea.KeyEnter)
	h.wantScreen(fmt.Sprintf("kvittering %d er signert", rec.Number))
	sig, _ := h.store.SignatureOf(context.Background(), rec.Station, rec.Number)
	if sig == nil || sig.Method != station.SignedByTyped || sig.Strokes != nil {
		t.Fatalf("typed signature %+v", sig)
	}
	h.press("s")
	h.wantScreen(fmt.Sprintf("Kvittering %d er allerede signert.", rec.Number))
}

func TestBrailleJoinsSamples(t *testing.T) {
	rows := braille([]receipt.Stroke{{{X: 0, Y: 0}, {X: 10, Y: 0}}})
	if got := []rune(rows[0]); got[0] == ' ' || got[5] == ' ' || got[10] == ' ' || got[11] != ' ' {
		t.Fatalf("a stroke from cell 0 to 10 must ink every cell between: %q", rows[0])
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

// countInk counts the signature ink (dark blue) on a receipt image.
func countInk(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 == 0 && g>>8 == 0 && bl>>8 == 60 {
				n++
			}
		}
	}
	return n
}

func TestPurgedSignatureLeavesNoInk(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	rs, _ := station.OpenReceipts(dir+"/keys", dir+"/receipts", receipt.Printer{})
	st.ImportFile(context.Background(), "testdata/roster-levanger.csv", store.Actor{Station: "t", Staff: "T"}, false)
	rec := handedBack(t, st, rs)
	ctx, t9, by := context.Background(), i18n.New(i18n.Bokmal), store.Actor{Station: "skranke-1", Staff: "KN"}
	if _, _, err := rs.Sign(ctx, st, t9, rec, []receipt.Stroke{{{X: 1, Y: 1}, {X: 50, Y: 9}}}, "", by); err != nil {
		t.Fatal(err)
	}
	recs, err := st.PurgeSignatures(ctx, time.Now().Add(time.Hour))
	if err != nil || len(recs) != 1 {
		t.Fatalf("purged %d, %v", len(recs), err)
	}
	files, err := rs.Render(t9, recs[0])
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(files.PNG)
	img, err := png.Decode(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if n := countInk(img); n != 0 {
		t.Fatalf("%d ink pixels after the purge", n)
	}
	rc, _ := station.Contents(recs[0])
	if !rc.Signed || !rc.SignatureIntact() {
		t.Fatal("the receipt stays signed and intact without its drawing")
	}
}

// The most ink the pad keeps still makes an event the central store
// takes; more than that is refused at the desk, before anything is
// written, not at every push after.
func TestTheLongestSignatureStillSyncs(t *testing.T) {
	st := openStore(t)
	dir := t.TempDir()
	rs, err := station.OpenReceipts(dir+"/keys", dir+"/receipts", receipt.Printer{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := st.ImportFile(context.Background(), "testdata/roster-levanger.csv", store.Actor{Station: "t", Staff: "T"}, false); err != nil {
		t.Fatal(err)
	}
	rec := handedBack(t, st, rs)
	by := store.Actor{Station: "skranke-1", Staff: "KN"}
	ink := func(n int) []receipt.Stroke { // the widest coordinates, no two alike in a row
		s := make(receipt.Stroke, n)
		for i := range s {
			s[i] = receipt.Point{X: receipt.PadWidth - 1 - i%2, Y: receipt.PadHeight - 1}
		}
		return []receipt.Stroke{s}
	}
	if _, _, err := rs.Sign(context.Background(), st, i18n.New(i18n.Bokmal), rec, ink(4*maxPadPoints), "", by); !errors.Is(err, store.ErrEventTooLarge) {
		t.Fatalf("a signature past any pad's ink: %v, want ErrEventTooLarge", err)
	}
	if sig, _ := st.SignatureOf(context.Background(), rec.Station, rec.Number); sig != nil {
		t.Fatal("the refused signature was stored")
	}
	if _, _, err := rs.Sign(context.Background(), st, i18n.New(i18n.Bokmal), rec, ink(maxPadPoints), "", by); err != nil {
		t.Fatalf("the longest signature the pad keeps: %v", err)
	}
	out, err := st.Outbox(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range out {
		if e.Kind == store.KindSigned && len(e.Payload) > wire.MaxPayload {
			t.Fatalf("signed event of %d bytes; the central store takes %d", len(e.Payload), wire.MaxPayload)
		}
	}
}
