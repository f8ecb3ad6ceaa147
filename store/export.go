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
}

// csvWriter writes rows with cells made safe for spreadsheets.
type csvWriter struct{ w *csv.Writer }

func newCSV(out io.Writer, opt CSVOptions) (*csvWriter, error) {
	w := csv.NewWriter(out)
	if opt.Excel {
		if _, err := io.WriteString(out, "\ufeff"); err != nil {
			return nil, err
		}
		w.Comma, w.UseCRLF = ';', true
	}
	return &csvWriter{w: w}, nil
}

func (c *csvWriter) row(cells ...string) error {
	for i, s := range cells {
		cells[i] = SafeCell(s)
	}
	return c.w.Write(cells)
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
	if err := w.row("serial", "model", "official", "official_email", "status", "updated_at", "station"); err != nil {
		return err
	}
	err = s.Devices(ctx, func(r DeviceRow) error {
		return w.row(r.Serial, r.Model, r.Official, r.OfficialID, string(r.Status), r.Updated.Format(time.RFC3339), r.Station)
	})
	if err != nil {
		return err
	}
	return w.flush()
}
