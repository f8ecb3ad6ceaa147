package receipt

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"dropin/receipt/qrtest"
)

func TestPrintErrorsSayWhat(t *testing.T) {
	ctx := context.Background()
	if _, err := (Printer{}).Print(ctx, "x.pdf", "x"); !errors.Is(err, ErrNoPrinter) {
		t.Fatalf("no printer set: %v", err)
	}
	_, err := Printer{Name: "Desk", LP: filepath.Join(t.TempDir(), "no-lp")}.Print(ctx, "x.pdf", "x")
	var pe *PrintError
	if !errors.As(err, &pe) || !strings.Contains(pe.Output, "not installed") {
		t.Fatalf("lp missing: %v", err)
	}
	// A print server that refuses: a stand-in lp that answers as CUPS does.
	lp := filepath.Join(t.TempDir(), "lp")
	os.WriteFile(lp, []byte("#!/bin/sh\necho 'lp: Error - The printer or class does not exist.' >&2\nexit 1\n"), 0o755)
	_, err = Printer{Name: "Nowhere", LP: lp}.Print(ctx, "x.pdf", "x")
	if !errors.As(err, &pe) || !strings.Contains(pe.Error(), "The printer or class does not exist") {
		t.Fatalf("refused: %v", err)
	}
}

// TestPrintThroughCUPS prints a receipt on a real CUPS queue with the
// cups-pdf virtual printer and reads the QR back from what came out.
// .ci/run installs CUPS, starts it and makes the queue; elsewhere, set
// DROPIN_TEST_PRINTER (and DROPIN_TEST_PRINTER_OUT if cups-pdf does not
// write to ~/PDF).
func TestPrintThroughCUPS(t *testing.T) {
	queue := testQueue(t)
	pdftoppm := needTool(t, "pdftoppm", "poppler-utils")
	out := os.Getenv("DROPIN_TEST_PRINTER_OUT")
	if out == "" {
		home, _ := os.UserHomeDir()
		out = filepath.Join(home, "PDF")
	}
	k := testKey(t)
	tok := Sign(k, sample)
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	f, _ := os.Create(path)
	if err := PDF(f, sample, labels, tok, A4); err != nil {
		t.Fatal(err)
	}
	f.Close()
	title := fmt.Sprintf("dropintest%d", time.Now().UnixNano())
	job, err := Printer{Name: queue, Paper: A4}.Print(context.Background(), path, title)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(job, queue+"-") {
		t.Fatalf("job id %q", job)
	}
	var printed string
	for deadline := time.Now().Add(60 * time.Second); printed == "" && time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		matches, _ := filepath.Glob(filepath.Join(out, title+"*.pdf"))
		if len(matches) > 0 {
			if st, err := os.Stat(matches[0]); err == nil && st.Size() > 0 {
				time.Sleep(300 * time.Millisecond) // cups-pdf may still be writing
				printed = matches[0]
			}
		}
	}
	if printed == "" {
		status, _ := exec.Command("lpstat", "-W", "all", "-o", queue).CombinedOutput()
		t.Fatalf("job %s: no PDF in %s after 60 s; lpstat: %s", job, out, status)
	}
	defer os.Remove(printed)
	dir := t.TempDir()
	if msg, err := exec.Command(pdftoppm, "-r", "150", "-png", "-singlefile", printed, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, msg)
	}
	pf, _ := os.Open(filepath.Join(dir, "page.png"))
	img, err := png.Decode(pf)
	pf.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got := qrtest.Decode(t, img); got != tok {
		t.Fatalf("the printed QR says %q", got)
	}
}

// The settings screen offers the queues CUPS knows: the test queue is
// one of them, and a machine without CUPS says so rather than listing
// nothing.
func TestQueuesAreTheOnesCUPSKnows(t *testing.T) {
	ctx := context.Background()
	if _, _, err := Queues(ctx, filepath.Join(t.TempDir(), "no-lpstat")); !errors.Is(err, ErrNoCUPS) {
		t.Fatalf("no lpstat: %v", err)
	}
	queue := testQueue(t)
	names, _, err := Queues(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, queue) {
		t.Fatalf("CUPS's queues %q do not hold %s", names, queue)
	}
	// The user's default, as CUPS takes it from the environment.
	t.Setenv("LPDEST", queue)
	if _, def, err := Queues(ctx, ""); err != nil || def != queue {
		t.Fatalf("default %q (%v), want %s", def, err, queue)
	}
}

// testQueue is the real CUPS queue the tests print to: .ci/run makes it
// and sets DROPIN_TEST_PRINTER. CI must have it; elsewhere the test skips.
func testQueue(t *testing.T) string {
	t.Helper()
	queue := os.Getenv("DROPIN_TEST_PRINTER")
	if queue == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must print for real: .ci/run sets DROPIN_TEST_PRINTER")
		}
		t.Skip("no CUPS queue: run .ci/run, or set DROPIN_TEST_PRINTER to a cups-pdf queue")
	}
	return queue
}
