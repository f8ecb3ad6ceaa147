package tui

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"dropin/receipt"
	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// Every key a screen asks for exists in every language, including the
// ones built at run time (statuses, kinds, reasons, refusals).
func TestCatalogHasEveryKeyInEveryLanguage(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	lit := regexp.MustCompile(`\.T\("([a-z0-9.\-]+)"`)
	var keys []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(src), -1) {
			if !strings.HasSuffix(m[1], ".") { // a prefix completed at run time, listed below
				keys = append(keys, m[1])
			}
		}
	}
	if len(keys) < 30 {
		t.Fatalf("found only %d catalog keys in the screens; is the pattern right?", len(keys))
	}
	for _, s := range store.Statuses {
		keys = append(keys, "status."+string(s))
	}
	for _, k := range store.Kinds { // every event kind: the timeline names them all
		keys = append(keys, "kind."+string(k))
	}
	for _, item := range store.Checklist {
		keys = append(keys, "checklist."+item)
	}
	// Every code of every refusal, refused read, roster row and receipt
	// token has its words: the codes are the lists the packages declare.
	for _, r := range scan.Reasons {
		keys = append(keys, "reason."+r.Code())
	}
	for _, c := range store.RefusalCodes {
		keys = append(keys, "refuse."+string(c))
	}
	for _, p := range receipt.Problems {
		keys = append(keys, "receipt.refused."+string(p))
	}
	for _, p := range store.RowProblems {
		keys = append(keys, "row."+string(p))
	}
	for _, e := range []store.Encoding{store.UTF8, store.UTF8BOM, store.Windows1252} {
		keys = append(keys, "encoding."+string(e))
	}
	for _, k := range store.ChaseSorts {
		keys = append(keys, "overview.sort."+k)
	}
	for _, s := range store.Statuses {
		if s != store.HandedBack {
			keys = append(keys, "overview.col."+string(s))
		}
	}
	keys = append(keys, "settings.paper.a4", "settings.paper.slip", "receipt.title.I", "receipt.title.O",
		"receipt.staff.I", "receipt.staff.O",
		"batch.confirm.sent", "batch.confirm.upgraded", "batch.confirm.close", "kind.receipt")
	for _, lang := range i18n.Langs {
		c := i18n.New(lang)
		for _, k := range keys {
			if s := c.T(k); strings.HasPrefix(s, "⟨") {
				t.Errorf("%s: missing %q", lang, k)
			}
		}
	}
}
