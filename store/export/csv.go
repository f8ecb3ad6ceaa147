package export

import (
	"encoding/csv"
	"io"
	"strings"
	"time"
)

// WriteCSV writes a table as CSV with its header row; times are RFC 3339.
// With excel it writes what Norwegian Excel opens by double-click: ';'
// between fields, a UTF-8 byte-order mark, CRLF line ends. Every cell is
// made safe for a spreadsheet (SafeCell).
func WriteCSV(out io.Writer, t Table, excel bool) error {
	w := csv.NewWriter(out)
	if excel {
		if _, err := io.WriteString(out, "\ufeff"); err != nil {
			return err
		}
		w.Comma, w.UseCRLF = ';', true
	}
	head := make([]string, len(t.Head))
	for i, h := range t.Head {
		head[i] = SafeCell(h)
	}
	if err := w.Write(head); err != nil {
		return err
	}
	line := make([]string, len(t.Head))
	for _, r := range t.Rows {
		line = line[:0]
		for _, c := range r {
			s := c.Text
			if !c.Time.IsZero() {
				s = c.Time.Format(time.RFC3339)
			}
			line = append(line, SafeCell(s))
		}
		if err := w.Write(line); err != nil {
			return err
		}
	}
	w.Flush()
	return w.Error()
}

// SafeCell keeps a spreadsheet from taking a cell as a formula: a value
// that starts with = + - @, a tab or a carriage return gets a leading
// apostrophe (OWASP's advice for CSV injection).
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
