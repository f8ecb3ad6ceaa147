package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Device is a tablet's state as its events make it.
type Device struct {
	Serial        string
	Known         bool // registered, from a roster or at a desk
	Model         string
	Kind          DeviceKind // tablet, laptop or phone
	OfficialID    string     // whose it is: the holder, or who returned it until it is reset
	Custody       Custody    // in stock, issued, held by the roster, returned
	Since         HLC        // when Custody last changed
	Status        Status     // what to show: the ladder step, or failed / employee-track
	Step          Status     // the ladder step in the current visit
	Cycle         int        // the visit: 1 for the first, one more each time it comes back
	FailureID     string
	FailureReason string
	Employee      bool
	Stock         bool   // registered as new equipment into stock: the lifecycle, not the ladder
	LastStep      string // the event Undo would cancel
	Updated       HLC
	Station       string // where it was last changed
	Actor         string // by whom
	// When the current visit first reached received, upgraded and the
	// first login (0: not reached): the dashboard's progress by day.
	ReceivedAt, UpgradedAt, LoginAt HLC
}

// projectDevice computes a tablet's state from its events. It is pure and
// does not depend on the order of evs or on duplicates: every station that
// holds the same events gets the same Device.
//
//   - The visit (cycle) is the highest any live event names.
//   - The ladder step is the highest live step of the current visit.
//   - A failure is open while no live resolve names it.
//   - Model, official and the employees' track: the latest live event wins.
//   - Custody: the latest live issue, return or reset decides; a tablet
//     linked to an official by the roster or the desk is held by them.
//   - An undo cancels exactly the event it names; undos are not undone.
func projectDevice(serial string, evs []Event) (Device, error) {
	evs = sortedEvents(evs)
	d := Device{Serial: serial, Step: Expected}
	undone := map[string]bool{}
	resolved := map[string]bool{}
	for _, e := range evs {
		if e.Kind == KindUndo {
			undone[e.Ref] = true
		}
	}
	for _, e := range evs {
		if e.Kind == KindResolved && !undone[e.ID] {
			resolved[e.Ref] = true
		}
		if !undone[e.ID] && e.Kind != KindUndo && e.Cycle > d.Cycle {
			d.Cycle = e.Cycle
		}
	}
	var failure *Event
	d.Kind = Tablet
	var custody Custody // "" until a lifecycle event decides
	for i, e := range evs {
		if e.Kind == KindReceipt || e.Kind == KindSigned {
			// Paper about the device, not a change to it: the step that
			// promised the receipt is its last change, on the desk that
			// made it and after a rebuild alike.
			continue
		}
		d.Updated, d.Station, d.Actor = e.HLC, e.Station, e.Actor
		if undone[e.ID] || e.Kind == KindUndo {
			continue
		}
		switch {
		case e.Kind == KindRegistered:
			p, err := readPayload[registeredPayload](e)
			if err != nil {
				return d, err
			}
			d.Known = true
			d.Model, d.Stock = p.Model, p.Stock
			if k, ok := ParseDeviceKind(p.Device); ok {
				d.Kind = k
			}
			if p.Official != "" {
				d.OfficialID = p.Official
			}
			custody, d.Since = "", e.HLC
		case e.Kind == KindLinked:
			p, err := readPayload[linkedPayload](e)
			if err != nil {
				return d, err
			}
			d.OfficialID = p.Official
			custody, d.Since = "", e.HLC
		case e.Kind == KindIssued:
			p, err := readPayload[issuedPayload](e)
			if err != nil {
				return d, err
			}
			d.OfficialID, custody, d.Since, d.LastStep = p.Official, Issued, e.HLC, e.ID
		case e.Kind == KindReturned:
			custody, d.Since, d.LastStep = Returned, e.HLC, e.ID
		case e.Kind == KindReset:
			d.OfficialID, custody, d.Since, d.LastStep = "", InStock, e.HLC, e.ID
		case ladderKind(e.Kind):
			if e.Cycle == d.Cycle && Status(e.Kind).Rank() >= d.Step.Rank() {
				d.Step = Status(e.Kind)
			}
			if e.Cycle == d.Cycle {
				// evs are in order: the first live step past each mark.
				r := Status(e.Kind).Rank()
				for _, m := range []struct {
					at   *HLC
					rank int
				}{{&d.ReceivedAt, Received.Rank()}, {&d.UpgradedAt, Upgraded.Rank()}, {&d.LoginAt, FirstLogin.Rank()}} {
					if r >= m.rank && *m.at == 0 {
						*m.at = e.HLC
					}
				}
			}
			d.LastStep = e.ID
		case e.Kind == KindFailed:
			if e.Cycle == d.Cycle && !resolved[e.ID] {
				failure = &evs[i]
			}
			d.LastStep = e.ID
		case e.Kind == KindResolved:
			d.LastStep = e.ID
		case e.Kind == KindEmployee:
			p, err := readPayload[employeePayload](e)
			if err != nil {
				return d, err
			}
			d.Employee = p.On
			d.LastStep = e.ID
		}
	}
	d.Custody = custody
	if custody == "" {
		d.Custody = InStock
		if d.OfficialID != "" {
			d.Custody = Held
		}
	}
	d.Status = d.Step
	switch {
	case failure != nil:
		p, err := readPayload[failedPayload](*failure)
		if err != nil {
			return d, err
		}
		d.Status, d.FailureID, d.FailureReason = Failed, failure.ID, p.Reason
	case d.Employee && d.Step == Expected:
		d.Status = EmployeeTrack
	case d.Kind != Tablet, d.Stock:
		d.Status = Lifecycle
	}
	return d, nil
}

// sortedEvents returns evs in the agreed total order, without duplicates.
func sortedEvents(evs []Event) []Event {
	// Read from the log they come in order already, one of each: the
	// same slice serves (every caller only reads it).
	inOrder := true
	for i := 1; i < len(evs) && inOrder; i++ {
		inOrder = evs[i].after(evs[i-1])
	}
	if inOrder {
		return evs
	}
	out := make([]Event, 0, len(evs))
	seen := make(map[string]bool, len(evs))
	for _, e := range evs {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[j].after(out[i]) })
	return out
}

const deleteDeviceSQL = `DELETE FROM devices WHERE serial = ?`

const saveDeviceSQL = `INSERT INTO devices
  (serial, model, official_id, status, step, cycle, failure_id, failure_reason, employee, updated_hlc, updated_station, updated_actor, kind, custody, custody_hlc,
   received_hlc, upgraded_hlc, login_hlc)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (serial) DO UPDATE SET
  model = excluded.model, official_id = excluded.official_id, status = excluded.status, step = excluded.step,
  cycle = excluded.cycle, failure_id = excluded.failure_id, failure_reason = excluded.failure_reason,
  employee = excluded.employee, updated_hlc = excluded.updated_hlc,
  updated_station = excluded.updated_station, updated_actor = excluded.updated_actor,
  kind = excluded.kind, custody = excluded.custody, custody_hlc = excluded.custody_hlc,
  received_hlc = excluded.received_hlc, upgraded_hlc = excluded.upgraded_hlc, login_hlc = excluded.login_hlc`

func saveDevice(ctx context.Context, tx wtx, d Device) error {
	if !d.Known {
		_, err := tx.ExecContext(ctx, deleteDeviceSQL, d.Serial)
		return err
	}
	if _, err := tx.ExecContext(ctx, saveDeviceSQL, deviceValues(d)...); err != nil {
		return fmt.Errorf("save tablet %s: %w", d.Serial, err)
	}
	return nil
}

// deviceValues are a tablet's values in the order of saveDeviceSQL and
// devicesInsert.
func deviceValues(d Device) []any {
	return []any{d.Serial, d.Model, d.OfficialID, string(d.Status), string(d.Step), d.Cycle,
		d.FailureID, d.FailureReason, boolInt(d.Employee), int64(d.Updated), d.Station, d.Actor,
		string(d.Kind), string(d.Custody), int64(d.Since), int64(d.ReceivedAt), int64(d.UpgradedAt), int64(d.LoginAt)}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Rebuild recreates every projection from the event log in one
// transaction. The result is the same as the incremental updates made.
func (s *Store) Rebuild(ctx context.Context) error {
	if err := s.Health(ctx); err != nil {
		return err
	}
	conn, err := s.write.Conn(ctx) // the writer's one connection, held to the end
	if err != nil {
		return err
	}
	defer conn.Close()
	// A rebuild writes every projection from the log: foreign keys have
	// nothing to catch, and with them on, emptying officials and seats
	// checks row by row (1.5 s of a county's rebuild). The setting holds
	// between transactions only, and is put back before the connection is.
	if _, err := conn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `PRAGMA foreign_keys = ON`)
	defer relaxGC()()
	sqlTx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", classify(err))
	}
	tx := newWTx(sqlTx, s)
	defer tx.Rollback()
	// The coverage triggers would fire for every row deleted and
	// written again; set them aside, and count coverage once at the end.
	recount, err := setCoverageAside(ctx, tx)
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM pending WHERE what = 'rebuild'`); err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	for _, table := range projections {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
	}
	// The projections' own indexes are made again once their rows are
	// in: sorting a column once costs less than keeping it sorted row by
	// row, a million times.
	indexes, err := secondaryIndexes(ctx, tx)
	if err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	for name := range indexes {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+name); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
	}
	// Stream the log subject by subject (a county's million events need
	// not sit in memory at once), read and projected by readers with
	// connections of their own while this one writes. The rebuild holds
	// the write lock, so each reader's snapshot holds exactly the events
	// this transaction sees.
	groups, readErr := s.subjectWorks(ctx)
	tally := newCoverageTally()
	var rows officialRows
	for group := range groups {
		if err := saveSubjectWork(ctx, tx, group, &rows); err != nil {
			readErr()
			return fmt.Errorf("rebuild: %w", err)
		}
		tally.add(group)
	}
	if err := readErr(); err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	if err := rows.flush(ctx, tx); err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	for _, q := range mapValues(indexes) {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild: %w", err)
		}
	}
	if err := recount(tally); err != nil {
		return fmt.Errorf("rebuild: %w", err)
	}
	return tx.Commit()
}

// relaxGC lets the heap grow to bulkGCPercent of what is live, until the
// function it returns is called. A rebuild reads a county's million events
// as a few strings each: the collector ran 270 times in one, and with the
// heap let grow it runs half as often (8 % faster in three runs alternated,
// 95 MB at the peak against 77 MB). Calls may overlap; the last to finish
// puts the setting back. A GOGC set higher, or off, is left as it is.
func relaxGC() (restore func()) {
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcHolders == 0 {
		gcWas = debug.SetGCPercent(bulkGCPercent)
		if gcWas < 0 || gcWas > bulkGCPercent {
			debug.SetGCPercent(gcWas)
		}
	}
	gcHolders++
	return sync.OnceFunc(func() {
		gcMu.Lock()
		defer gcMu.Unlock()
		if gcHolders--; gcHolders == 0 {
			debug.SetGCPercent(gcWas)
		}
	})
}

const bulkGCPercent = 200

var (
	gcMu      sync.Mutex
	gcHolders int // relaxGC's callers not yet done
	gcWas     int // the setting before the first of them
)

// coverageTally counts coverage from the officials and tablets a rebuild
// writes, as they pass: counting it in SQL afterwards read every tablet
// twice more (2 s of a county's rebuild). It counts what
// countCoverageMunicipalities and countCoverageBodies count.
type coverageTally struct {
	municipality map[string]string   // official → municipality
	bodies       map[string][]string // official → the bodies of their seats, each once
	tablets      []struct{ official, status string }
}

func newCoverageTally() *coverageTally {
	return &coverageTally{municipality: map[string]string{}, bodies: map[string][]string{}}
}

func (c *coverageTally) add(w subjectWork) {
	if o := w.official; o != nil {
		c.municipality[o.ID] = o.Municipality
		var bodies []string
		for _, st := range o.Seats {
			if !slices.Contains(bodies, st.Body) {
				bodies = append(bodies, st.Body)
			}
		}
		c.bodies[o.ID] = bodies
	}
	if d := w.device; d != nil && d.Known {
		c.tablets = append(c.tablets, struct{ official, status string }{d.OfficialID, string(d.Status)})
	}
}

// write puts the counts in the (empty) coverage table in one statement.
func (c *coverageTally) write(ctx context.Context, tx wtx) error {
	type line struct{ municipality, body, status string }
	n := map[line]int{}
	for _, t := range c.tablets {
		m, known := c.municipality[t.official] // a tablet of no known official counts in the line ''
		n[line{m, "", t.status}]++
		if known {
			for _, b := range c.bodies[t.official] {
				n[line{m, b, t.status}]++
			}
		}
	}
	rows := make([][4]any, 0, len(n))
	for l, k := range n {
		rows = append(rows, [4]any{l.municipality, l.body, l.status, k})
	}
	list, err := json.Marshal(rows)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO coverage (municipality, body, status, n)
SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)`, string(list))
	return err
}

// setCoverageAside drops the triggers that keep coverage and the chase
// list row by row, for work that writes too many rows for them to pay.
// recount, in the same transaction, counts both from scratch (coverage
// from a tally, when the caller kept one) and puts the triggers back.
func setCoverageAside(ctx context.Context, tx wtx) (recount func(*coverageTally) error, err error) {
	triggers, err := coverageTriggers(ctx, tx)
	if err != nil {
		return nil, err
	}
	for name := range triggers {
		if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
			return nil, err
		}
	}
	return func(tally *coverageTally) error { return recountCoverage(ctx, tx, tally, triggers) }, nil
}

// recountCoverage counts coverage and the chase list from scratch
// (coverage from tally, when there is one) and makes the triggers.
func recountCoverage(ctx context.Context, tx wtx, tally *coverageTally, triggers map[string]string) error {
	if err := tx.flush(ctx); err != nil { // the counts read tablets and officials
		return err
	}
	exec := func(qs ...string) error {
		for _, q := range qs {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	}
	if err := exec(`DELETE FROM coverage`, `DELETE FROM chase`); err != nil {
		return err
	}
	count := func() error { return exec(countCoverageMunicipalities, countCoverageBodies) }
	if tally != nil { // counted as the rows were written
		count = func() error { return tally.write(ctx, tx) }
	}
	if err := count(); err != nil {
		return err
	}
	return exec(append([]string{fillChase, `UPDATE chase_version SET v = v + 1`}, mapValues(triggers)...)...)
}

// setCoverageAsideUntilBack sets the coverage triggers aside for work of
// many transactions, keeping them in set_aside in the same transaction;
// putCoverageBack ends that, and Open does if the work never did.
func (s *Store) setCoverageAsideUntilBack(ctx context.Context) error {
	return s.inTx(ctx, func(tx wtx) error {
		triggers, err := coverageTriggers(ctx, tx)
		if err != nil {
			return err
		}
		for name, sql := range triggers {
			if _, err := tx.ExecContext(ctx, `INSERT INTO set_aside (name, sql) VALUES (?, ?)`, name, sql); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `DROP TRIGGER `+name); err != nil {
				return err
			}
		}
		return nil
	})
}

// putCoverageBack counts coverage and the chase list from scratch and
// makes the triggers set_aside holds again, in one transaction. With
// nothing set aside it does nothing.
func (s *Store) putCoverageBack(ctx context.Context) error {
	var n int
	if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM set_aside`).Scan(&n); err != nil || n == 0 {
		return err
	}
	return s.inTx(ctx, func(tx wtx) error {
		triggers, err := statementsByName(ctx, tx, `SELECT name, sql FROM set_aside`)
		if err != nil {
			return err
		}
		if err := recountCoverage(ctx, tx, nil, triggers); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM set_aside`)
		return err
	})
}

// The coverage counted from scratch, as migration 0008 first did.
const (
	countCoverageMunicipalities = `INSERT INTO coverage (municipality, body, status, n)
SELECT coalesce(o.municipality, ''), '', d.status, count(*)
FROM devices d LEFT JOIN officials o ON o.id = d.official_id GROUP BY 1, 3`
	fillChase = `INSERT INTO chase
SELECT d.serial, o.id, o.fold, o.name, o.municipality, o.phone, o.email_primary, d.model,
       (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = o.id ORDER BY pos))
FROM devices d JOIN officials o ON o.id = d.official_id
WHERE d.status = 'expected' AND o.removed = 0`
	countCoverageBodies = `INSERT INTO coverage (municipality, body, status, n)
SELECT o.municipality, s.body, d.status, count(DISTINCT d.serial)
FROM devices d JOIN officials o ON o.id = d.official_id JOIN seats s ON s.official_id = o.id
GROUP BY 1, 2, 3`
)

// saveBatchFresh projects a batch into the rebuild's empty tables: its
// reads (hundreds a batch) 64 to a statement, each undo after the reads
// before it.
func saveBatchFresh(ctx context.Context, tx wtx, evs []Event) error {
	var reads []any
	for _, e := range sortedEvents(evs) {
		if e.Kind == KindBatchRead {
			p, err := readPayload[batchReadPayload](e)
			if err != nil {
				return err
			}
			reads = append(reads, readValues(e, p)...)
			continue
		}
		if err := readsInsert.write(ctx, tx, &reads); err != nil {
			return err
		}
		if err := applyBatchEvent(ctx, tx, e); err != nil {
			return err
		}
	}
	return readsInsert.exec(ctx, tx, reads)
}

// subjectWorks streams the whole log, one subject's events at a time,
// each with what can be projected without the database worked out. The
// log is read in logReaders ranges of subjects at once, each by a reader
// connection of its own and projected on a goroutine of its own: reading
// a county's million events is more work than writing what they project
// to, and one reader kept the writer waiting a third of the rebuild.
// Within a range subjects come in the order of events_subject; the
// ranges' subjects come interleaved (no projection depends on the order
// of subjects). done stops the readers if they are still reading, waits
// for them, and tells why they stopped (nil once they sent the whole log).
func (s *Store) subjectWorks(ctx context.Context) (works <-chan subjectWork, done func() error) {
	ctx, cancel := context.WithCancel(ctx)
	out := make(chan subjectWork, 256)
	errs := make([]error, logReaders+1) // the split's, then each reader's; read once out is closed
	go func() {
		defer close(out)
		bounds, err := s.subjectBounds(ctx)
		if err != nil {
			errs[0] = err
			return
		}
		var wg sync.WaitGroup
		for i := range len(bounds) - 1 {
			wg.Go(func() { errs[i+1] = s.readSubjects(ctx, bounds[i], bounds[i+1], out) })
		}
		wg.Wait()
	}()
	return out, func() error {
		cancel()
		for range out { // stopped early: what was read is left
		}
		return errors.Join(errs...)
	}
}

// logReaders is how many readers a rebuild reads the log with.
const logReaders = 2

// subjectBounds splits the log's subjects into logReaders ranges of
// about as many events each: "" stands for no bound. Where a split falls
// inside a subject, the subject goes whole to the range after it.
func (s *Store) subjectBounds(ctx context.Context) ([]string, error) {
	var n int
	if err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n); err != nil {
		return nil, err
	}
	bounds := []string{""}
	for i := 1; i < logReaders; i++ {
		var at string
		err := s.read.QueryRowContext(ctx, `SELECT subject FROM events INDEXED BY events_subject ORDER BY subject LIMIT 1 OFFSET ?`, n*i/logReaders).Scan(&at)
		if err == sql.ErrNoRows {
			break
		}
		if err != nil {
			return nil, err
		}
		if at > bounds[len(bounds)-1] {
			bounds = append(bounds, at)
		}
	}
	return append(bounds, ""), nil
}

// readSubjects sends the subjects from lo (inclusive) to hi (exclusive;
// "" for none) to out, each with its events, read on a reader connection
// of its own and projected on another goroutine.
func (s *Store) readSubjects(ctx context.Context, lo, hi string, out chan<- subjectWork) error {
	groups := make(chan []Event, 256)
	projected := make(chan struct{})
	go func() { // projects what needs no database
		defer close(projected)
		for group := range groups {
			select {
			case out <- prepareSubject(group[0].Subject, group):
			case <-ctx.Done():
				for range groups { // let the reader see the end
				}
				return
			}
		}
	}()
	defer func() { <-projected }()
	defer close(groups)
	var group []Event
	send := func() error {
		select {
		case groups <- group:
			group = nil
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// This reader walks the whole file: map it, as the writer does, and
	// give the pool back a connection as it was.
	conn.ExecContext(ctx, "PRAGMA mmap_size = 1073741824")
	defer conn.ExecContext(context.Background(), "PRAGMA mmap_size = 0")
	query, args := `SELECT `+eventColumns+` FROM events WHERE subject >= ? ORDER BY subject, hlc`, []any{lo}
	if hi != "" {
		query, args = `SELECT `+eventColumns+` FROM events WHERE subject >= ? AND subject < ? ORDER BY subject, hlc`, []any{lo, hi}
	}
	scan, last := newEventScan(), 8
	err = eachRow(ctx, conn, func(row scanFunc) error {
		e, err := scan.scan(row)
		if err != nil {
			return err
		}
		if len(group) > 0 && group[0].Subject != e.Subject {
			last = len(group)
			if err := send(); err != nil {
				return err
			}
		}
		if group == nil { // as long as the last subject's: subjects near in order are alike
			group = make([]Event, 0, last)
		}
		group = append(group, e)
		return nil
	}, query, args...) // the index's order; ties are put in order by sortedEvents
	if err == nil && len(group) > 0 {
		err = send()
	}
	return err
}

// projections are the tables a rebuild empties and fills again from the
// log.
var projections = []string{"coverage", "chase", "devices", "seats", "officials", "batch_reads", "batches", "receipts", "signatures",
	"approvals", "requests", "reminders", "visits", "conflicts", "visit_devices", "name_words"}

// secondaryIndexes are the indexes of the projections that their
// declarations did not make (those SQLite keeps itself), by name, with
// the statements that make them.
func secondaryIndexes(ctx context.Context, tx wtx) (map[string]string, error) {
	list, _ := json.Marshal(projections)
	return statementsByName(ctx, tx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))`, string(list))
}

// coverageTriggers are the triggers that keep coverage, by name, with the
// statements that make them.
func coverageTriggers(ctx context.Context, tx wtx) (map[string]string, error) {
	return statementsByName(ctx, tx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'coverage\_%' ESCAPE '\'`)
}

// statementsByName reads rows of a name and the statement that makes it
// (a trigger, an index) into a map.
func statementsByName(ctx context.Context, q querier, query string, args ...any) (map[string]string, error) {
	out := map[string]string{}
	err := eachRow(ctx, q, func(row scanFunc) error {
		var name, sql string
		err := row(&name, &sql)
		out[name] = sql
		return err
	}, query, args...)
	return out, err
}

func mapValues(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// saveSubject projects one subject's events into the table they belong
// to, in the place of what it held.
func saveSubject(ctx context.Context, tx wtx, subject string, evs []Event) error {
	return saveSubjectWork(ctx, tx, prepareSubject(subject, evs), nil)
}

// subjectWork is one subject's events with what can be projected from them
// without the database, worked out before the write (a rebuild does it on
// the reader's core).
type subjectWork struct {
	subject   string
	evs       []Event
	official  *Official  // the subject is an official
	device    *Device    // the subject is a tablet
	conflicts []Conflict // the tablet's disagreements between desks
	err       error      // an event that would not project
}

func prepareSubject(subject string, evs []Event) subjectWork {
	w := subjectWork{subject: subject, evs: evs}
	switch {
	case len(evs) > 0 && evs[0].Kind == KindOfficial:
		o, err := projectOfficial(subject, evs)
		w.official, w.err = &o, err
	case strings.HasPrefix(subject, approvalPrefix), strings.HasPrefix(subject, reminderPrefix), IsVisit(subject), strings.HasPrefix(subject, batchPrefix):
	default:
		d, err := projectDevice(subject, evs)
		if err != nil {
			w.err = err
			break
		}
		w.device = &d
		w.conflicts, w.err = projectConflicts(subject, evs)
	}
	return w
}

// saveSubjectWork writes a subject's projections. With rows (a rebuild,
// into empty tables) officials are gathered there, to be written many to
// a statement, and nothing of the subject is deleted first.
func saveSubjectWork(ctx context.Context, tx wtx, w subjectWork, rows *officialRows) error {
	subject, evs, fresh := w.subject, w.evs, rows != nil
	if w.err != nil {
		return w.err
	}
	if w.official != nil {
		if fresh {
			return rows.addOfficial(ctx, tx, *w.official)
		}
		return saveOfficial(ctx, tx, *w.official, false)
	}
	if strings.HasPrefix(subject, approvalPrefix) {
		return saveApproval(ctx, tx, evs)
	}
	if strings.HasPrefix(subject, reminderPrefix) {
		return saveReminders(ctx, tx, evs)
	}
	if IsVisit(subject) {
		if err := saveReceipts(ctx, tx, evs); err != nil {
			return err
		}
		return saveVisit(ctx, tx, subject, evs)
	}
	if strings.HasPrefix(subject, batchPrefix) {
		if fresh {
			return saveBatchFresh(ctx, tx, evs)
		}
		for _, e := range sortedEvents(evs) {
			if err := applyBatchEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	}
	if err := saveReceipts(ctx, tx, evs); err != nil {
		return err
	}
	if manyStations(evs) { // a device one desk alone has touched never had a conflict to clear
		if err := writeConflicts(ctx, tx, subject, w.conflicts, fresh); err != nil {
			return err
		}
	}
	if err := saveRequests(ctx, tx, subject, evs); err != nil {
		return err
	}
	return saveDevice(ctx, tx, *w.device)
}

// saveReceipts projects the receipts and signatures among a subject's
// events (a device's or a visit's).
func saveReceipts(ctx context.Context, tx wtx, evs []Event) error {
	for _, e := range sortedEvents(evs) {
		var err error
		switch e.Kind {
		case KindReceipt:
			err = saveReceipt(ctx, tx, e)
		case KindSigned:
			err = saveSigned(ctx, tx, e)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// saveTablet projects a device's events into the tables they feed: the
// device itself and the requests made with its deliveries.
func saveTablet(ctx context.Context, tx wtx, serial string, evs []Event) error {
	return saveTabletOver(ctx, tx, serial, evs, Device{})
}

// saveTabletOver is saveTablet where the tablet's row is known to hold
// was: a step at the desk, which knows the tablet before the step.
func saveTabletOver(ctx context.Context, tx wtx, serial string, evs []Event, was Device) error {
	if err := saveRequests(ctx, tx, serial, evs); err != nil {
		return err
	}
	d, err := projectDevice(serial, evs)
	if err != nil {
		return err
	}
	if tx.g != nil {
		if took, err := tx.g.putDevice(ctx, tx, d, was); took || err != nil {
			return err
		}
	}
	if was.Known && d.Known && was.OfficialID == d.OfficialID && was.Custody == d.Custody {
		// A step that leaves the indexed columns alone rewrites the row
		// only: the upsert would write both of their indexes again.
		res, err := tx.ExecContext(ctx, stepDeviceSQL, d.Model, string(d.Status), string(d.Step), d.Cycle,
			d.FailureID, d.FailureReason, boolInt(d.Employee), int64(d.Updated), d.Station, d.Actor,
			string(d.Kind), int64(d.Since), int64(d.ReceivedAt), int64(d.UpgradedAt), int64(d.LoginAt), d.Serial)
		if err != nil {
			return fmt.Errorf("save tablet %s: %w", d.Serial, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		} // no row yet (a catch-up has not projected it): the upsert makes it
	}
	return saveDevice(ctx, tx, d)
}

const stepDeviceSQL = `UPDATE devices SET model = ?, status = ?, step = ?, cycle = ?, failure_id = ?, failure_reason = ?,
  employee = ?, updated_hlc = ?, updated_station = ?, updated_actor = ?, kind = ?, custody_hlc = ?,
  received_hlc = ?, upgraded_hlc = ?, login_hlc = ?
WHERE serial = ?`
