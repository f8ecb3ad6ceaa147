package store

import (
	"context"
	"encoding/csv"
	"io"
	"strings"
	"time"
)

// CSVOptions shapes an export for its reader.
type CSVOptions struct {
	// Excel writes what Norwegian Excel opens cleanly by double-click:
	// ';' between fields, a UTF-8 byte-order mark, CRLF line ends.
	Excel bool
	// Words, when set, puts headers and coded values (statuses, kinds,
	// yes/no) in a language: Words("csv.serial"), Words("status.received").
	// Unset, exports hold the stable codes scripts rely on.
	Words func(key string) string
}

// csvWriter writes rows with cells made safe for spreadsheets.
type csvWriter struct {
	w     *csv.Writer
	words func(string) string
}

func newCSV(out io.Writer, opt CSVOptions) (*csvWriter, error) {
	w := csv.NewWriter(out)
	if opt.Excel {
		if _, err := io.WriteString(out, "\ufeff"); err != nil {
			return nil, err
		}
		w.Comma, w.UseCRLF = ';', true
	}
	return &csvWriter{w: w, words: opt.Words}, nil
}

func (c *csvWriter) row(cells ...string) error {
	for i, s := range cells {
		cells[i] = SafeCell(s)
	}
	return c.w.Write(cells)
}

// head writes the header row, each column's code in the export's words.
func (c *csvWriter) head(cols ...string) error {
	out := make([]string, len(cols))
	for i, col := range cols {
		out[i] = c.word("csv.", col)
	}
	return c.row(out...)
}

// word is a coded value (prefix+code is its catalog key) in the export's
// words, or the code itself.
func (c *csvWriter) word(prefix, code string) string {
	if c.words == nil || code == "" {
		return code
	}
	return c.words(prefix + code)
}

// listSep separates several values in a cell: a space between codes,
// a comma between words that may hold spaces.
func (c *csvWriter) listSep() string {
	if c.words == nil {
		return " "
	}
	return ", "
}

func (c *csvWriter) yesNo(b bool) string {
	if b {
		return c.word("csv.", "yes")
	}
	return c.word("csv.", "no")
}

func (c *csvWriter) flush() error { c.w.Flush(); return c.w.Error() }

// SafeCell keeps a spreadsheet from taking a cell as a formula: a value
// that starts with = + - @, a tab or a carriage return gets a leading
// apostrophe (OWASP's advice for CSV injection).
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ExportDevices writes every known tablet as CSV with a header row. Status
// is the workflow's code (expected, received, ...).
func (s *Store) ExportDevices(ctx context.Context, out io.Writer, opt CSVOptions) error {
	w, err := newCSV(out, opt)
	if err != nil {
		return err
	}
	if err := w.head("serial", "model", "official", "official_email", "status", "updated_at", "station"); err != nil {
		return err
	}
	err = s.Devices(ctx, func(r DeviceRow) error {
		return w.row(r.Serial, r.Model, r.Official, r.OfficialID, w.word("status.", string(r.Status)), r.Updated.Format(time.RFC3339), r.Station)
	})
	if err != nil {
		return err
	}
	return w.flush()
}
