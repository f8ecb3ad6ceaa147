package scan

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Clean makes untrusted text safe to draw on a terminal: ANSI escape
// sequences are removed whole, and every other control character (C0, DEL,
// C1) is dropped. Tabs and newlines become spaces, so a value stays on its
// line. Printable text, æøå included, is kept as it is.
func Clean(s string) string {
	if isPlain(s) {
		return s
	}
	s = ansi.Strip(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			// drop
		case r == '\u2028' || r == '\u2029' || r == '\ufeff':
			// line separators and the BOM have no business on one line
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isPlain is the fast path: printable ASCII, and runes from U+00A0 on
// that are not line separators or BOM.
func isPlain(s string) bool {
	for _, r := range s {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || r == '\u2028' || r == '\u2029' || r == '\ufeff' {
			return false
		}
	}
	return true
}

// CleanText is Clean for text of several lines: each line is cleaned and
// the line breaks kept.
func CleanText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = Clean(l)
	}
	return strings.Join(lines, "\n")
}
