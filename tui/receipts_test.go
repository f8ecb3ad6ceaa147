package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/receipt"
	"dropin/receipt/station"
	"dropin/store"
	"dropin/tui/i18n"
)

func withReceipts(t *testing.T, h *harness, printer receipt.Printer) *station.Receipts {
	t.Helper()
	dir := t.TempDir()
	rs, err := station.OpenReceipts(filepath.Join(dir, "keys"), filepath.Join(dir, "receipts"), printer)
	if err != nil {
		t.Fatal(err)
	}
	h.m.c.receipts = rs
	h.store.SetReceipter(rs) // as New does
	return rs
}

func TestReceiptsAtTheDesk(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	rs := withReceipts(t, h, receipt.Printer{})
	importLevanger(t, h.store)
	ctx := context.Background()

	h.scan("R52NXYGSKYS")
	h.wantScreen("Kvittering 1 lagret")
	recs, _ := h.store.ReceiptsOf(ctx, "R52NXYGSKYS")
	if len(recs) != 1 || recs[0].Kind != "I" || recs[0].Number != 1 {
		t.Fatalf("hand-in receipt: %+v", recs)
	}
	tok, err := receipt.Verify(recs[0].Token, rs.Keyring)
	if err != nil || tok.Serial != "R52NXYGSKYS" || tok.Kind != receipt.HandIn {
		t.Fatalf("token %+v %v", tok, err)
	}
	files := rs.FilesOf(recs[0])
	for _, f := range []string{files.A4, files.Slip, files.PNG} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Fatalf("receipt file %s: %v", f, err)
		}
	}
	rc, _ := station.Contents(recs[0])
	if rc.Official != "Øystein Aasen" || rc.Account != "oystein.aasen@innherred-samkommune.no" || rc.Primary || !tok.Matches(rc) {
		t.Fatalf("content %+v", rc)
	}

	// On screen: the QR where there is room.
	h.press("v")
	h.wantScreen("Kvittering 1 · ", "· Kvittering for innlevering", "Logg inn med: oystein.aasen@innherred-samkommune.no", "▄▄▄▄▄")
	h.special(tea.KeyEscape)
	h.special(tea.KeyEscape)

	// Up the ladder and back to the official: a hand-back receipt.
	h.scan("R52NXYGSKYS")
	h.press("  ") // upgrading, upgraded
	h.press(" 12345")
	h.special(tea.KeyEnter)
	// At the first login the latest receipt is the hand-in's, with the
	// secondary account: v says so, and when, and what holds now.
	h.press("v")
	h.wantScreen("Kvittering 1 · ", "· Kvittering for innlevering av", "Laget med kontoen",
		"oystein.aasen@innherred-samkommune.no. Nå gjelder", "oystein.aasen@levanger.kommune.no", "leveres tilbake (space)")
	h.fitsTheTerminal(120, 36)
	h.special(tea.KeyEscape)
	h.press(" ") // handed back
	if h.card().Status != store.HandedBack {
		t.Fatalf("status %s", h.card().Status)
	}
	recs, _ = h.store.ReceiptsOf(ctx, "R52NXYGSKYS")
	if len(recs) != 2 || recs[0].Kind != "O" || recs[0].Number != 2 {
		t.Fatalf("hand-back receipt: %+v", recs)
	}
	if rc, _ := station.Contents(recs[0]); rc.Account != "oystein.aasen@levanger.kommune.no" || !rc.Primary {
		t.Fatalf("after the upgrade the receipt names the primary account: %+v", rc)
	}
	h.wantScreen("Signer kvittering 2 · Øystein Aasen") // the official signs for it
	h.special(tea.KeyEscape)
	h.wantScreen("Ikke signert", "kvittering 2: utlevering")

	// The hand-in receipt's code scanned at the desk opens the tablet.
	h.special(tea.KeyEscape)
	h.scan(recs[1].Token)
	h.wantScreen("Kvittering 1 for R52NXYGSKYS: klar for utlevering.")
	if h.card().Serial != "R52NXYGSKYS" {
		t.Fatal("the token opens its tablet")
	}
	altered := strings.Replace(recs[1].Token, ".R52NXYGSKYS.", ".R52NXYGSKYT.", 1)
	h.scan(altered)
	h.wantScreen("Avvist: kvitteringen er endret")
}

func TestReceiptPreviewOnASmallTerminal(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Bokmal)
	withReceipts(t, h, receipt.Printer{})
	importLevanger(t, h.store)
	h.scan("R52NXYGSKYS")
	h.press("v")
	h.wantScreen("Kvittering 1", "for liten for QR-koden; kvitteringens nummer er 1")
}

// A printer that refuses never blocks the desk or loses the receipt.
func TestPrinterFailureIsSaidAndTheFileKept(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	lp := filepath.Join(t.TempDir(), "lp")
	os.WriteFile(lp, []byte("#!/bin/sh\necho 'lp: Error - The printer or class does not exist.' >&2\nexit 1\n"), 0o755)
	rs := withReceipts(t, h, receipt.Printer{Name: "Skranke", LP: lp})
	importLevanger(t, h.store)
	h.scan("R52NXYGSKYS")
	h.wantScreen("Kvittering 1 ble ikke skrevet ut", "does not exist", ".pdf")
	if h.card().Status != store.Received {
		t.Fatal("the check-in stands whatever the printer says")
	}
	recs, _ := h.store.ReceiptsOf(context.Background(), "R52NXYGSKYS")
	if _, err := os.Stat(rs.FilesOf(recs[0]).A4); err != nil {
		t.Fatalf("the receipt file must be there: %v", err)
	}
}

func TestSettingsChooseThePrinter(t *testing.T) {
	h := newHarness(t, 100, 30, i18n.Bokmal)
	rs := withReceipts(t, h, receipt.Printer{})
	for h.m.screen != screenSettings {
		h.special(tea.KeyTab)
	}
	target := NewSyncTarget("", "")
	h.m.settings.target = target
	h.press("Skranke-1")
	h.special(tea.KeyDown) // the paper
	h.press(" ")           // the 80 mm roll
	h.special(tea.KeyDown) // the central store
	h.press("http://127.0.0.1:8470")
	h.special(tea.KeyDown) // the token
	h.press("SECRETTOKEN")
	if strings.Contains(h.screen(), "SECRETTOKEN") {
		t.Fatal("the token must not be shown")
	}
	h.special(tea.KeyEnter)
	h.wantScreen("✓ Lagret: skriver Skranke-1, papir Kvitteringsrull, 80 mm.")
	if rs.Printer.Name != "Skranke-1" || rs.Printer.Paper != receipt.Slip {
		t.Fatalf("the desk prints on %+v", rs.Printer)
	}
	ctx := context.Background()
	if p, _ := h.store.Setting(ctx, store.SettingPrinter); p != "Skranke-1" {
		t.Fatalf("saved printer %q", p)
	}
	if p, _ := h.store.Setting(ctx, store.SettingPaper); p != "slip" {
		t.Fatalf("saved paper %q", p)
	}
	if u, k := target.Get(); u != "http://127.0.0.1:8470" || k != "SECRETTOKEN" || !target.On() {
		t.Fatalf("the desk syncs with %q %q", u, k)
	}
	if u, _ := h.store.Setting(ctx, store.SettingCentral); u != "http://127.0.0.1:8470" {
		t.Fatalf("saved central %q", u)
	}

	// The desk started alone; given a central store it syncs at once (the
	// loop is woken, not left to its next tick) and the bar says so.
	select {
	case <-target.changed:
	default:
		t.Fatal("the sync loop is not woken by the new central store")
	}
	h.wantScreen("synkroniserer …")
	at := time.Date(2026, 4, 14, 9, 30, 0, 0, time.Local)
	h.send(syncedMsg{rep: store.SyncReport{InSync: true, At: at}, at: at, url: "http://127.0.0.1:8470", token: "SECRETTOKEN"})
	h.wantScreen("i synk 09:30:00")

	// Cleared, the desk works alone: the bar says nothing of the store it
	// left, and a round that began before is not taken for a new one.
	h.special(tea.KeyUp) // from the token to the central store
	for range len("http://127.0.0.1:8470") {
		h.special(tea.KeyBackspace)
	}
	h.special(tea.KeyEnter)
	h.wantScreen("✓ Lagret")
	h.send(syncedMsg{rep: store.SyncReport{InSync: true, At: at}, at: at.Add(time.Minute), url: "http://127.0.0.1:8470", token: "SECRETTOKEN"})
	if strings.Contains(h.screen(), "i synk") {
		t.Fatalf("a desk that works alone speaks of sync:\n%s", h.screen())
	}
}

// TestQuitRightAfterAScanKeepsTheReceipt: the check-in and its hand-in
// receipt are one transaction, so a desk stopped before the receipt's
// files are written (Ctrl+C at once) still has the receipt, and the next
// start writes its files.
func TestQuitRightAfterAScanKeepsTheReceipt(t *testing.T) {
	h := newHarness(t, 120, 36, i18n.Bokmal)
	rs := withReceipts(t, h, receipt.Printer{})
	importLevanger(t, h.store)
	ctx := context.Background()

	// Scan and Enter; the check-in answers, and the desk is killed before
	// the command that writes the files runs.
	for _, r := range "R52NXYGSKYS" {
		h.m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
		h.clk.advance(3 * time.Millisecond)
	}
	_, cmd := h.m.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	msgs := collect(cmd)
	var checked *checkedInMsg
	for _, m := range msgs {
		if c, ok := m.(checkedInMsg); ok {
			checked = &c
		}
	}
	if checked == nil || checked.err != nil || !checked.res.Changed {
		t.Fatalf("check-in: %+v", checked)
	}
	recs, err := h.store.ReceiptsOf(ctx, "R52NXYGSKYS")
	if err != nil || len(recs) != 1 || recs[0].Kind != "I" {
		t.Fatalf("the check-in committed without its hand-in receipt: %+v %v", recs, err)
	}
	files := rs.FilesOf(recs[0])
	if _, err := os.Stat(files.A4); err == nil {
		t.Fatal("the files were written before their command ran; the test does not test the stop")
	}

	// The desk starts again: the receipt's files are written.
	m := New(Config{Store: h.store, Station: "skranke-1", Staff: "KN", Lang: i18n.Bokmal, Receipts: rs})
	for _, msg := range collect(m.fileMissingReceipts()) {
		if f, ok := msg.(receiptsFiledMsg); !ok || f.err != nil || f.n != 1 {
			t.Fatalf("render on start: %+v", msg)
		}
	}
	for _, f := range []string{files.A4, files.Slip, files.PNG} {
		if st, err := os.Stat(f); err != nil || st.Size() == 0 {
			t.Fatalf("receipt file %s after restart: %v", f, err)
		}
	}
	if n, err := rs.RenderMissing(ctx, h.store, i18n.New(i18n.Bokmal), "skranke-1"); err != nil || n != 0 {
		t.Fatalf("a second start renders again: %d %v", n, err)
	}
}

// collect runs cmd and its batches and returns the messages, without
// feeding them back (timers that do not answer within a second dropped).
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	out := make(chan tea.Msg, 1)
	go func() { out <- cmd() }()
	select {
	case msg := <-out:
		if b, ok := msg.(tea.BatchMsg); ok {
			var all []tea.Msg
			for _, c := range b {
				all = append(all, collect(c)...)
			}
			return all
		}
		return []tea.Msg{msg}
	case <-time.After(time.Second):
		return nil
	}
}
