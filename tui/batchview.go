package tui

import (
	"dropin/scan"
	"dropin/store"
	"sort"
	"strings"
)

// The batch screen's drawing: the batch, its counts, the latest reads
// and the officials still missing.

func (b *batchScreen) view(w, h int) string {
	st, t := b.c.styles, b.c.t
	var out []string
	switch b.state {
	case batchList:
		out = append(out, " "+st.Box.Title.Render(t.T("batch.list.title")), "")
		if len(b.batches) == 0 {
			out = append(out, " "+st.Card.Muted.Render(t.T("batch.list.none")))
		}
		for i, bt := range b.batches {
			mark, style := "  ", st.Form.Item
			if i == b.cursor {
				mark, style = "› ", st.Form.Selected
			}
			out = append(out, " "+style.Render(mark+BatchTitle(t, bt)))
			for _, l := range breakAt(BatchCounts(t, bt), " · ", w-5) {
				out = append(out, "     "+st.Card.Muted.Render(l))
			}
		}
		return strings.Join(out, "\n")
	case batchNew:
		out = append(out, " "+st.Box.Title.Render(t.T("batch.form.title")), "")
		for i, label := range []string{"batch.form.name", "batch.form.itdate", "batch.form.municipality", "batch.form.body"} {
			out = append(out, " "+st.Form.Label.Render(t.T(label)), " "+b.form[i].View(), "")
		}
		out = append(out, st.Form.Hint.Width(w).PaddingLeft(1).Render(t.T("batch.form.hint")))
		return strings.Join(out, "\n")
	}

	out = append(out, " "+st.Card.Name.Render(BatchTitle(t, b.batch)))
	if w >= 100 { // the bar only where the numbers still fit beside it
		out = append(out, " "+st.Card.Account.Render(bar(b.batch.Collected, b.batch.Expected))+" "+st.Card.Value.Render(BatchCounts(t, b.batch)))
	} else {
		// Narrow, the counts wrap whole: the last ones (unknown, read
		// twice, invalid) are what the secretariat acts on.
		for _, l := range breakAt(BatchCounts(t, b.batch), " · ", w-1) {
			out = append(out, " "+st.Card.Value.Render(l))
		}
	}
	switch {
	case b.state == batchIntake:
		out = append(out, " "+st.Form.Label.Render(t.T("batch.scan"))+" "+b.input.View())
	case b.state == batchExcept:
		// The explanation on its own line(s), the field under it: what is
		// typed is never pushed off the edge by the words before it.
		for _, l := range strings.Split(st.Form.Label.Width(max(10, w-2)).Render(t.T("batch.except.label")), "\n") {
			out = append(out, " "+l)
		}
		out = append(out, " "+b.input.View())
		serials := make([]string, 0, len(b.failed))
		for serial := range b.failed {
			serials = append(serials, serial)
		}
		sort.Strings(serials) // the same order on every frame
		for _, serial := range serials {
			out = append(out, "   "+st.Flash.Error.Render(scan.Clean(serial+": "+b.failed[serial])))
		}
	case b.confirm != "":
		q := t.T("batch.confirm." + b.confirm)
		if b.confirm == "upgraded" {
			q = t.T("batch.confirm.upgraded", len(b.failed))
		}
		out = append(out, " "+st.Flash.Error.Render(q))
	case b.batch.Closed:
		out = append(out, " "+st.Card.Muted.Render(t.T("batch.isclosed")))
	default:
		out = append(out, " "+st.Card.Muted.Render(t.T("batch.viewhint")))
	}
	out = append(out, "")
	rest := h - len(out)
	left, right := b.readLines(rest), b.missingLines(rest)
	if w >= 100 {
		lw := w/2 + 4
		for i := 0; i < rest; i++ {
			var l, r string
			if i < len(left) {
				l = left[i]
			}
			if i < len(right) {
				r = right[i]
			}
			out = append(out, pad(l, lw-1)+" "+r) // a gap, however long the read's line
		}
	} else {
		half := rest * 3 / 5
		out = append(out, left[:min(len(left), half)]...)
		out = append(out, right[:min(len(right), rest-min(len(left), half))]...)
	}
	return strings.Join(out, "\n")
}

func (b *batchScreen) readLines(n int) []string {
	st, t := b.c.styles, b.c.t
	out := []string{" " + st.Box.Title.Render(t.T("batch.reads"))}
	for i := range b.lines {
		if len(out) >= n {
			break
		}
		l := &b.lines[i]
		if l.view != "" {
			out = append(out, l.view)
			continue
		}
		var line string
		switch {
		case !l.saved:
			line = st.Card.Muted.Render(" ⋯ " + t.T("batch.pending", scan.Clean(l.raw)))
		case l.read.Class == "unsaved":
			line = st.Flash.Error.Render(" ✗ " + t.T("batch.unsaved", scan.Clean(l.raw)))
		case l.read.Undone:
			line = st.Timeline.Undone.Render(" ↶ " + ReadText(t, l.read))
		case l.read.Class == store.ReadNew:
			line = st.Flash.OK.Render(" ✓ ") + st.Card.Value.Render(ReadText(t, l.read))
		case l.read.Class == store.ReadDuplicate:
			line = st.Card.Muted.Render(" = " + ReadText(t, l.read))
		default:
			line = st.Flash.Error.Render(" ! " + ReadText(t, l.read))
		}
		if l.saved {
			l.view = line
		}
		out = append(out, line)
	}
	return out
}

func (b *batchScreen) missingLines(n int) []string {
	st, t := b.c.styles, b.c.t
	out := []string{" " + st.Box.Title.Render(t.T("batch.missing", len(b.missing)))}
	// The batch expects every tablet of its body, and counts in only the
	// ones it read: say where the rest are, so the numbers add up.
	if elsewhere := b.batch.Elsewhere(len(b.missing)); elsewhere > 0 && n > 1 {
		out = append(out, " "+st.Card.Muted.Render(t.T("batch.missing.elsewhere", elsewhere)))
	}
	for _, c := range b.missing {
		if len(out) >= n {
			break
		}
		line := scan.Clean(store.PhoneText(c.Phone))
		if b.batch.Spans != "" && c.Municipality != "" {
			// A batch across municipalities: whose council each one sits in.
			line += " · " + scan.Clean(c.Municipality)
		}
		out = append(out, " "+st.Card.Name.Render(pad(scan.Clean(c.Name), 22))+" "+st.Card.Muted.Render(line))
	}
	return out
}
