package store

import (
	"context"
	"fmt"
	"strings"
)

// officialRows gathers new officials and puts them in with statements of
// many rows: a rebuild of a county writes 100,000 of them into empty
// tables, and its first roster as many, three statements each when one at
// a time, and a statement costs more than the rows it writes. (The
// rebuild's tablets, 18 values a row, gained nothing from it; a roster's
// do, through gathered.)
type officialRows struct {
	officials, words, seats []any
	n                       int
}

// rowsAtOnce is how many rows one statement of gathered rows writes at
// most.
const rowsAtOnce = 64

func (r *officialRows) addOfficial(ctx context.Context, tx wtx, o Official) error {
	r.officials = append(r.officials, officialValues(o)...)
	r.words, r.seats = wordAndSeatValues(o, r.words, r.seats)
	if r.n++; r.n == rowsAtOnce {
		return r.flush(ctx, tx)
	}
	return nil
}

var (
	officialsInsert = manyRows{`INSERT INTO officials (id, name, fold, municipality, email_primary, email_secondary, phone, employee, removed, updated_hlc) VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?, 0)", 9, ""}
	wordsInsert     = manyRows{`INSERT OR IGNORE INTO name_words (word, official_id) VALUES `, "(?, ?)", 2, ""}
	seatsInsert     = manyRows{`INSERT INTO seats (official_id, pos, body, role) VALUES `, "(?, ?, ?, ?)", 4, ""}
	devicesInsert   = manyRows{`INSERT INTO devices (serial, model, official_id, status, step, cycle, failure_id, failure_reason, employee, updated_hlc, updated_station, updated_actor, kind, custody, custody_hlc, received_hlc, upgraded_hlc, login_hlc) VALUES `,
		"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 18, ""}
	readsInsert  = manyRows{`INSERT OR REPLACE INTO batch_reads (batch_id, event_id, hlc, raw, serial, class, reason, undone) VALUES `, "(?, ?, ?, ?, ?, ?, ?, 0)", 7, ""}
	eventsInsert = manyRows{`INSERT INTO events (id, station, actor, hlc, kind, subject, cycle, ref, payload) VALUES `, "(?, ?, ?, ?, ?, ?, ?, ?, ?)", 9, ""}
)

// gathered are the rows a bulk transaction (an import, a file of batch
// reads) writes many to a statement: its events, its officials and
// tablets new to the desk, its batch reads. The transaction writes them
// before any read it makes (wtx's queries do), so a read sees every row
// written before it, and before it commits. A statement that writes must
// not read the tables gathered into: events, officials, their words and
// seats, tablets, batch reads (what does, as counting coverage, calls
// flush first).
type gathered struct {
	reads     []any // batch_reads rows
	events    []any
	subjects  map[string]bool // of the gathered events
	officials officialRows
	devices   []Device       // tablets new to the desk, as they are now
	pending   map[string]int // serial -> index in devices
	err       error          // a flush that failed; the transaction only rolls back
	seen      *int64         // seenNow, once read
}

func (g *gathered) addEvent(ctx context.Context, tx wtx, e Event) error {
	g.events = append(g.events, eventValues(e)...)
	if g.subjects == nil {
		g.subjects = map[string]bool{}
	}
	g.subjects[e.Subject] = true
	if eventsInsert.full(g.events) {
		return g.write(g.writeEvents, ctx, tx)
	}
	return nil
}

// putDevice gathers d, a tablet's projection after a step, if the tablet
// has no row yet (was is its projection before) or its row is gathered.
// It reports whether it took d; a tablet with a row is saved as usual.
func (g *gathered) putDevice(ctx context.Context, tx wtx, d, was Device) (bool, error) {
	if i, ok := g.pending[d.Serial]; ok {
		g.devices[i] = d // a tablet no longer Known is left out when written
		return true, nil
	}
	if was.Known || !d.Known {
		return false, nil
	}
	if g.pending == nil {
		g.pending = map[string]int{}
	}
	g.pending[d.Serial] = len(g.devices)
	g.devices = append(g.devices, d)
	if len(g.devices) == rowsAtOnce {
		return true, g.write(g.writeDevices, ctx, tx)
	}
	return true, nil
}

func (g *gathered) addRead(ctx context.Context, tx wtx, row []any) error {
	g.reads = append(g.reads, row...)
	if readsInsert.full(g.reads) {
		return g.write(g.writeReads, ctx, tx)
	}
	return nil
}

func (g *gathered) writeReads(ctx context.Context, tx wtx) error {
	return readsInsert.write(ctx, tx, &g.reads)
}

// flush writes all that was gathered: officials first, as their seats
// need them. (A kind that fills a statement is written alone: the others
// wait for theirs, so their statements are of rowsAtOnce rows, prepared
// once, and not of whatever number they held.)
func (g *gathered) flush(ctx context.Context, tx wtx) error {
	for _, w := range []func(context.Context, wtx) error{g.officials.flush, g.writeDevices, g.writeEvents, g.writeReads} {
		if err := g.write(w, ctx, tx); err != nil {
			return err
		}
	}
	return nil
}

// write runs w unless a write failed before; a failure stays.
func (g *gathered) write(w func(context.Context, wtx) error, ctx context.Context, tx wtx) error {
	if g.err != nil {
		return g.err
	}
	if err := w(ctx, tx); err != nil {
		g.err = fmt.Errorf("write gathered rows: %w", err)
	}
	return g.err
}

func (g *gathered) writeDevices(ctx context.Context, tx wtx) error {
	// The tablets' triggers (coverage, the chase list) read their officials.
	if err := g.officials.flush(ctx, tx); err != nil {
		return err
	}
	var rows []any
	for _, d := range g.devices {
		if d.Known {
			rows = append(rows, deviceValues(d)...)
		}
	}
	g.devices = g.devices[:0]
	clear(g.pending)
	return devicesInsert.exec(ctx, tx, rows)
}

func (g *gathered) writeEvents(ctx context.Context, tx wtx) error {
	clear(g.subjects)
	return eventsInsert.write(ctx, tx, &g.events)
}

// flush writes what was gathered.
func (r *officialRows) flush(ctx context.Context, tx wtx) error {
	for _, w := range []struct {
		m    manyRows
		args *[]any
	}{{officialsInsert, &r.officials}, {wordsInsert, &r.words}, {seatsInsert, &r.seats}} {
		if err := w.m.write(ctx, tx, w.args); err != nil {
			return err
		}
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
	tail        string // after the rows: ON CONFLICT, RETURNING
}

// hot are m's statements worth preparing once: 1 to 4 rows, and rowsAtOnce.
func (m manyRows) hot() []string {
	return []string{m.sql(1), m.sql(2), m.sql(3), m.sql(4), m.sql(rowsAtOnce)}
}

func (m manyRows) sql(n int) string {
	return m.insert + strings.TrimSuffix(strings.Repeat(m.row+", ", n), ", ") + m.tail
}

// full says whether rows fill one statement of rowsAtOnce rows.
func (m manyRows) full(rows []any) bool { return len(rows) == rowsAtOnce*m.width }

// write writes the rows gathered in *rows and empties it, written or not:
// a failed write fails its transaction.
func (m manyRows) write(ctx context.Context, tx wtx, rows *[]any) error {
	err := m.exec(ctx, tx, *rows)
	*rows = (*rows)[:0]
	return err
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
