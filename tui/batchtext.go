package tui

import (
	"fmt"
	"strings"

	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// BatchCounts is a batch's live counts on one line.
func BatchCounts(t i18n.Catalog, b store.Batch) string {
	return t.T("batch.counts", b.Collected, b.Expected, store.Percent(b.Collected, b.Expected), b.Others(), b.Unknown, b.Duplicates, b.Invalid)
}

// BatchTitle names a batch, whether it is closed, its IT date and its
// scope: in that order, so a narrow screen that cuts the line cuts the
// scope ("Kommunestyret (Levanger, Verdal)") before it says "closed".
func BatchTitle(t i18n.Catalog, b store.Batch) string {
	s := scan.Clean(b.Name)
	if b.Closed {
		s += " · " + t.T("batch.closed")
	}
	if b.ITDate != "" {
		s += " · " + t.T("batch.itdate", scan.Clean(b.ITDate))
	}
	if scope := b.Scope(); scope != "" {
		s += " · " + scan.Clean(scope)
	}
	return s
}

// ScopeText says that the roster has no such municipality or body, and
// what it has.
func ScopeText(t i18n.Catalog, e *store.ScopeError) string {
	known := make([]string, 0, len(e.Known))
	for _, k := range e.Known {
		known = append(known, scan.Clean(k))
	}
	key := "scope.body"
	if e.Municipality {
		key = "scope.municipality"
	}
	if len(known) == 0 {
		return t.T(key+".none", scan.Clean(e.Typed))
	}
	return t.T(key, scan.Clean(e.Typed), strings.Join(known, ", "))
}

// BatchReport is the batch report as lines: counts per outcome, the
// tablets, and the officials still missing.
func BatchReport(t i18n.Catalog, b store.Batch, members []store.Member, missing []store.Chase) []string {
	out := []string{BatchTitle(t, b), BatchCounts(t, b), ""}
	outcome := map[store.Status]int{}
	for _, m := range members {
		outcome[m.Status]++
	}
	out = append(out, t.T("batch.outcomes"))
	for _, s := range store.Statuses {
		if n := outcome[s]; n > 0 {
			out = append(out, fmt.Sprintf("  %-18s %4d", t.Status(s), n))
		}
	}
	if len(members) == 0 {
		out = append(out, "  –")
	}
	out = append(out, "", t.T("batch.tablets", len(members)))
	for _, m := range members {
		who := scan.Clean(m.Official)
		if m.Unknown {
			who = t.T("batch.unknowntablet")
		}
		out = append(out, fmt.Sprintf("  %-14s %-18s %-22s %s", m.Serial, t.Status(m.Status), scan.Clean(m.Model), who))
	}
	out = append(out, "", t.T("batch.missing", len(missing)))
	if elsewhere := b.Elsewhere(len(missing)); elsewhere > 0 {
		out = append(out, "  ("+t.T("batch.missing.elsewhere", elsewhere)+")")
	}
	for _, c := range missing {
		line := fmt.Sprintf("  %-24s %-12s %s · %s", scan.Clean(c.Name), scan.Clean(store.PhoneText(c.Phone)), scan.Clean(c.Email), scan.Clean(c.Bodies()))
		if b.Spans != "" && c.Municipality != "" {
			line += " · " + scan.Clean(c.Municipality) // a batch across municipalities
		}
		out = append(out, line)
	}
	return out
}

// reasonText says why a read was refused; likely is the known serial a
// cut-off read most probably is.
func reasonText(t i18n.Catalog, r scan.Reason, likely string) string {
	if r == scan.ReasonCutOff {
		return t.T("reason.cut-off", likely)
	}
	return t.T("reason." + r.Code())
}

// ReadText says what one read was, for the intake list and the command line.
func ReadText(t i18n.Catalog, r store.Read) string {
	switch r.Class {
	case store.ReadInvalid:
		return t.T("read.invalid", scan.Clean(r.Raw), reasonText(t, r.Reason, r.Serial))
	case store.ReadUnknown:
		return t.T("read.unknown", r.Serial)
	}
	text := t.T("read.new", r.Serial)
	if r.Class == store.ReadDuplicate {
		text = t.T("read.duplicate", r.Serial)
	}
	if r.Official != "" {
		// Whose it is, last: where the line is cut, the outcome stays.
		text += " · " + scan.Clean(r.Official)
	}
	return text
}
