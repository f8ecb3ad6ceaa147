package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Workbook is the "encoding" of a roster read from an Excel workbook
// (.xlsx) rather than a CSV file.
const Workbook Encoding = "xlsx"

// ErrBadWorkbook is a file that begins as a workbook but cannot be read
// as one.
var ErrBadWorkbook = errors.New("not a workbook dropin can read")

// IsWorkbook reports whether data is an Office Open XML file (a zip) rather
// than text: a roster saved as a workbook, not exported as CSV.
func IsWorkbook(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// isOldWorkbook reports whether data is a Compound File, as Excel saved
// workbooks before 2007 (.xls).
func isOldWorkbook(data []byte) bool {
	return bytes.HasPrefix(data, []byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"))
}

// ParseWorkbook reads a roster from an Excel workbook as the secretariat
// saves it: the sheet it was saved on (the active one), or, when that one
// lacks a roster's columns, the first other sheet that has them. A
// sheet's first row that is not empty is the header, every row after it
// is read as a CSV line is, by its row number. A cell is read as it is
// stored, not as Excel formats it: a serial or an IMEI typed as a number
// keeps all its digits. Bad rows are collected as ParseRoster collects
// them.
func ParseWorkbook(r io.Reader) (*Roster, error) {
	f, err := excelize.OpenReader(r)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadWorkbook, err)
	}
	defer f.Close()
	active := f.GetSheetName(f.GetActiveSheetIndex())
	sheets := []string{active}
	for _, name := range f.GetSheetList() {
		if name != active {
			sheets = append(sheets, name)
		}
	}
	var first error
	for _, sheet := range sheets {
		ros, err := parseSheet(f, sheet)
		var cols *MissingColumnsError
		if err == nil || !errors.As(err, &cols) && !errors.Is(err, ErrNoHeader) {
			return ros, err
		}
		if first == nil {
			first = err // the active sheet's reason, if no sheet is a roster
		}
	}
	return nil, first
}

// parseSheet reads a roster from one sheet of f.
func parseSheet(f *excelize.File, sheet string) (*Roster, error) {
	rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, fmt.Errorf("read sheet %q: %w", sheet, err)
	}
	ros := &Roster{Encoding: Workbook, Sheet: sheet}
	i := 0
	for i < len(rows) && blank(rows[i]) {
		i++
	}
	if i == len(rows) {
		return nil, ErrNoHeader
	}
	header := rows[i]
	err = ros.parse(header, func() ([]string, int, *RowError, error) {
		i++
		if i >= len(rows) {
			return nil, 0, nil, io.EOF
		}
		return rows[i], i + 1, nil, nil
	})
	if err != nil {
		return nil, err
	}
	return ros, nil
}
