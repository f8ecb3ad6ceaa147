package export

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Format is how a workbook shows times: in the desk's time zone, with its
// language's date format, as real date-time cells a spreadsheet sorts
// and filters as dates.
type Format struct {
	Location *time.Location // nil: the local time zone
	DateTime string         // an Excel number format; "" is "dd.mm.yyyy hh:mm"
}

// WriteXLSX writes tables as a workbook, a sheet a table, each named by
// its Title. Serials, phone numbers, e-mail addresses and every other
// text are text cells, so a spreadsheet never turns "0123456789" into a
// number or "12E45678" into infinity; text that looks like a formula is
// text, never a formula. Times are date-time cells, counts are numbers.
// Each sheet has a bold header row that stays in view, a filter on every
// column and column widths that fit what they hold.
func WriteXLSX(out io.Writer, format Format, tables ...Table) error {
	if format.Location == nil {
		format.Location = time.Local
	}
	if format.DateTime == "" {
		format.DateTime = "dd.mm.yyyy hh:mm"
	}
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	date, err := f.NewStyle(&excelize.Style{CustomNumFmt: &format.DateTime})
	if err != nil {
		return err
	}
	used := map[string]bool{}
	for i, t := range tables {
		name := sheetName(t, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return err
		}
		if err := writeSheet(f, name, i, t, format.Location, head, date); err != nil {
			return fmt.Errorf("sheet %s: %w", name, err)
		}
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(out)
	return err
}

// dateWidth is the width of a date-time column: "04.12.2026 15:10" and
// a little air.
const dateWidth = 18

func writeSheet(f *excelize.File, name string, n int, t Table, loc *time.Location, head, date int) error {
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	// Widths first: a stream writer takes them before any row.
	for c, w := range widths(t) {
		if err := sw.SetColWidth(c+1, c+1, w); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	row := make([]any, len(t.Head))
	for c, h := range t.Head {
		row[c] = excelize.Cell{StyleID: head, Value: h}
	}
	if err := sw.SetRow("A1", row); err != nil {
		return err
	}
	for r, cells := range t.Rows {
		row = row[:0]
		for _, c := range cells {
			row = append(row, cellValue(c, loc, date))
		}
		at, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(at, row); err != nil {
			return err
		}
	}
	// A table over the rows gives every column its filter button in Excel
	// and LibreOffice alike; a stream writer cannot set a bare autofilter.
	last, _ := excelize.CoordinatesToCellName(len(t.Head), max(len(t.Rows)+1, 2))
	if err := sw.AddTable(&excelize.Table{Range: "A1:" + last, Name: fmt.Sprintf("T%d_%s", n+1, tableIdent(t.Name)), StyleName: ""}); err != nil {
		return err
	}
	return sw.Flush()
}

// cellValue is a cell as the stream writer takes it. A string is always
// written as text (an inline string): excelize never reads a number or a
// formula into one.
func cellValue(c Cell, loc *time.Location, date int) any {
	switch {
	case !c.Time.IsZero():
		// A spreadsheet's date has no time zone: write the wall clock the
		// desk's people read, as if it were UTC (which excelize counts from).
		w := c.Time.In(loc)
		return excelize.Cell{StyleID: date, Value: time.Date(w.Year(), w.Month(), w.Day(), w.Hour(), w.Minute(), w.Second(), 0, time.UTC)}
	case c.Num:
		if n, err := strconv.ParseInt(c.Text, 10, 64); err == nil {
			return n
		}
	}
	return c.Text
}

// widths fits each column to its longest value, within reason: a long
// note wraps off screen rather than making the sheet unreadable.
func widths(t Table) []float64 {
	w := make([]float64, len(t.Head))
	for c, h := range t.Head {
		w[c] = float64(utf8.RuneCountInString(h)) + 3 // room for the filter button
	}
	for _, cells := range t.Rows {
		for c, cell := range cells {
			n := float64(utf8.RuneCountInString(cell.Text)) + 1
			if !cell.Time.IsZero() {
				n = dateWidth
			}
			w[c] = max(w[c], n)
		}
	}
	for c := range w {
		w[c] = min(max(w[c], 6), 60)
	}
	return w
}

// badSheetChars are the characters a sheet name cannot hold.
var badSheetChars = strings.NewReplacer(":", " ", "\\", " ", "/", " ", "?", " ", "*", " ", "[", "(", "]", ")")

// sheetName is a table's title as a sheet name: at most 31 characters, none
// that a sheet name cannot hold, not starting or ending with an
// apostrophe, and unique in its workbook.
func sheetName(t Table, used map[string]bool) string {
	name := strings.Trim(strings.TrimSpace(badSheetChars.Replace(t.Title)), "'")
	if name == "" {
		name = t.Name
	}
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	base := name
	for i := 2; used[strings.ToLower(name)]; i++ {
		suffix := fmt.Sprintf(" (%d)", i)
		r := []rune(base)
		name = string(r[:min(len(r), 31-len(suffix))]) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9_]`)

// tableIdent is an export's code as part of a table name, which may hold
// only letters, digits and underscores.
func tableIdent(code string) string { return nonIdent.ReplaceAllString(code, "_") }
