// Package export makes the lists the secretariat takes away from the
// desk (every tablet, every official, the officials to chase, equipment,
// the term-end holders, requests, a batch's report) as tables, in the
// desk's words or in stable codes, and writes tables as CSV for scripts or
// as an Excel workbook for people. The store answers the questions; this
// package only shapes the answers.
package export

import (
	"strconv"
	"strings"
	"time"
)

// Words puts headers and coded values (statuses, kinds, yes/no) in a
// language: Words("csv.serial"), Words("status.received"). Nil keeps the
// stable codes scripts rely on.
type Words func(key string) string

// A Cell is text, a time when Time is set, or a whole number (in Text)
// when Num is set.
type Cell struct {
	Text string
	Time time.Time
	Num  bool
}

// A Table is an export before it is written: a header row and the rows.
type Table struct {
	Name  string // the export's code: devices, officials, outstanding, ...
	Title string // its name in the export's words: a workbook's sheet
	Head  []string
	Rows  [][]Cell
}

// builder fills a table in the export's words.
type builder struct {
	words Words
	t     Table
}

func newTable(name string, words Words, cols ...string) *builder {
	b := &builder{words: words, t: Table{Name: name}}
	b.t.Title = b.word("sheet.", name)
	for _, c := range cols {
		b.t.Head = append(b.t.Head, b.word("csv.", c))
	}
	return b
}

// row adds a row; each value is a string (a text cell), an int (a number)
// or a time.Time (a time cell; the zero time is an empty cell).
func (b *builder) row(values ...any) {
	cells := make([]Cell, len(values))
	for i, v := range values {
		switch v := v.(type) {
		case string:
			cells[i] = Cell{Text: v}
		case int:
			cells[i] = Cell{Text: strconv.Itoa(v), Num: true}
		case time.Time:
			cells[i] = Cell{Time: v}
		default:
			panic("export: a cell is a string, an int or a time.Time")
		}
	}
	b.t.Rows = append(b.t.Rows, cells)
}

// word is a coded value (prefix+code is its catalog key) in the export's
// words, or the code itself.
func (b *builder) word(prefix, code string) string {
	if b.words == nil || code == "" {
		return code
	}
	return b.words(prefix + code)
}

// list joins several values in a cell: a space between codes, a comma
// between words that may hold spaces.
func (b *builder) list(values []string) string {
	if b.words == nil {
		return strings.Join(values, " ")
	}
	return strings.Join(values, ", ")
}

func (b *builder) yesNo(v bool) string {
	if v {
		return b.word("csv.", "yes")
	}
	return b.word("csv.", "no")
}
