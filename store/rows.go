package store

import (
	"context"
	"strings"
)

// rebuildRows gathers the officials a rebuild writes and puts them in
// with statements of many rows: a rebuild writes 100,000 of them into
// empty tables (foreign keys off), three statements each when one at a
// time, and a statement costs more than the rows it writes. (Tablets, 18
// values a row, gained nothing from it.)
type rebuildRows struct {
	officials, words, seats []any
	n                       int
}

// rowsAtOnce is how many rows one statement of rebuildRows writes at most.
const rowsAtOnce = 64

func (r *rebuildRows) addOfficial(ctx context.Context, tx wtx, o Official) error {
	r.officials = append(r.officials, officialValues(o)...)
	r.words, r.seats = wordAndSeatValues(o, r.words, r.seats)
	if r.n++; r.n == rowsAtOnce {
		return r.flush(ctx, tx)
	}
	return nil
}

var (
	officialsInsert = manyRows{`INSERT INTO officials (id, name, fold, municipality, email_primary, email_secondary, phone, employee, removed, updated_hlc) VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", 9}
	wordsInsert     = manyRows{`INSERT OR IGNORE INTO name_words (word, official_id) VALUES `, "(?, ?)", 2}
	seatsInsert     = manyRows{`INSERT INTO seats (official_id, pos, body, role) VALUES `, "(?, ?, ?, ?)", 4}
)

// flush writes what was gathered.
func (r *rebuildRows) flush(ctx context.Context, tx wtx) error {
	for _, w := range []struct {
		m    manyRows
		args *[]any
	}{{officialsInsert, &r.officials}, {wordsInsert, &r.words}, {seatsInsert, &r.seats}} {
		if err := w.m.exec(ctx, tx, *w.args); err != nil {
			return err
		}
		*w.args = (*w.args)[:0]
	}
	r.n = 0
	return nil
}

// manyRows is an INSERT of rows of width values each, rowsAtOnce to a
// statement and the rest in one more. The statements of rowsAtOnce rows,
// and of the one to four an official's words or seats take, are prepared
// with the hot ones.
type manyRows struct {
	insert, row string
	width       int
}

// hot are m's statements worth preparing once: 1 to 4 rows, and rowsAtOnce.
func (m manyRows) hot() []string {
	return []string{m.sql(1), m.sql(2), m.sql(3), m.sql(4), m.sql(rowsAtOnce)}
}

func (m manyRows) sql(n int) string {
	return m.insert + strings.TrimSuffix(strings.Repeat(m.row+", ", n), ", ")
}

func (m manyRows) exec(ctx context.Context, tx wtx, args []any) error {
	for len(args) > 0 {
		n := min(len(args)/m.width, rowsAtOnce)
		if _, err := tx.ExecContext(ctx, m.sql(n), args[:n*m.width]...); err != nil {
			return err
		}
		args = args[n*m.width:]
	}
	return nil
}
