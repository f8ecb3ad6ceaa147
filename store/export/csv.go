package export

import (
	"encoding/csv"
	"io"
	"strings"
	"time"
)

// WriteCSV writes a table as CSV with its header row, for scripts; times
// are RFC 3339. People get a workbook (WriteXLSX): a spreadsheet program
// that opens a CSV turns serials and phone numbers into numbers. Every
// cell is still made safe for one (SafeCell), for the CSV that is opened
// all the same.
func WriteCSV(out io.Writer, t Table) error {
	w := csv.NewWriter(out)
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
