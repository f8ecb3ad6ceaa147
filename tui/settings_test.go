package tui

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"dropin/receipt"
	"dropin/store"
	"dropin/tui/i18n"
)

// The printer's name is one CUPS knows, offered by CUPS itself: the
// settings list its queues with the default marked, → fills the default
// into the empty field, a name in the wrong case is saved as CUPS spells
// it, → completes a name begun in any case, and a name CUPS does not know is saved but warned of at once, not
// found when an official waits for a receipt. Against the real CUPS
// that .ci/run starts, with its DropinPDF queue.
func TestTheSettingsOfferTheQueuesCUPSKnows(t *testing.T) {
	queue := os.Getenv("DROPIN_TEST_PRINTER")
	if queue == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must ask a real CUPS: .ci/run sets DROPIN_TEST_PRINTER")
		}
		t.Skip("no CUPS queue: run .ci/run, or set DROPIN_TEST_PRINTER to a CUPS queue")
	}
	if _, err := exec.LookPath("lpstat"); err != nil {
		t.Fatal("DROPIN_TEST_PRINTER is set but lpstat is missing")
	}
	t.Setenv("LPDEST", queue) // this user's default queue, as CUPS reads it
	h := newHarness(t, 80, 24, i18n.Bokmal)
	rs := withReceipts(t, h, receipt.Printer{})
	h.m.settings.lpstat = ""
	h.open(screenSettings)
	h.wantScreen("Skrivere her: ", queue+" (standard)", "→ fyller inn navnet")

	h.special(tea.KeyRight)
	if v := h.m.settings.printer.Value(); v != queue {
		t.Fatalf("→ in the empty field: %q, want %s", v, queue)
	}
	h.m.settings.printer.SetValue("")
	h.press(strings.ToLower(queue[:3]))
	h.special(tea.KeyRight)
	if v := h.m.settings.printer.Value(); v != queue {
		t.Fatalf("→ after %q: %q, want %s", strings.ToLower(queue[:3]), v, queue)
	}
	h.m.settings.printer.SetValue(strings.ToLower(queue))
	h.special(tea.KeyEnter)
	h.wantScreen("✓ Lagret: skriver " + queue + ", papir A4.")
	ctx := context.Background()
	if p, _ := h.store.Setting(ctx, store.SettingPrinter); p != queue || rs.Printer.Name != queue {
		t.Fatalf("saved %q, prints on %q: want CUPS's spelling %s", p, rs.Printer.Name, queue)
	}

	h.m.settings.printer.SetValue("Skranke-finnes-ikke")
	h.special(tea.KeyEnter)
	h.wantScreen("Lagret, men CUPS her kjenner ingen skriver «Skranke-finnes-ikke»", "Skrivere her: "+queue)
	if p, _ := h.store.Setting(ctx, store.SettingPrinter); p != "Skranke-finnes-ikke" {
		t.Fatalf("a queue CUPS does not know yet is still saved: %q", p)
	}
}

// Without CUPS the screen says receipts stay files, and a printer's
// name is saved without a warning it cannot back.
func TestTheSettingsSayWhenCUPSDoesNotAnswer(t *testing.T) {
	h := newHarness(t, 80, 24, i18n.Swedish)
	withReceipts(t, h, receipt.Printer{})
	h.open(screenSettings)
	h.wantScreen("CUPS svarar inte på den här datorn: kvitton sparas bara som filer")
	h.press("Skranke-1")
	h.special(tea.KeyEnter)
	h.wantScreen("✓ Sparat: skrivare Skranke-1, papper A4.")
}

// standInLPStat is an lpstat that answers as CUPS does for two queues,
// the first the default: for screens that must look the same on every
// machine.
func standInLPStat(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "lpstat")
	script := "#!/bin/sh\ncase \"$1\" in\n-e) printf 'Skranke-1\\nDropinPDF\\n' ;;\n-d) echo 'system default destination: Skranke-1' ;;\nesac\n"
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}
