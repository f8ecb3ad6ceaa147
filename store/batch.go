package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"dropin/scan"
)

// A batch is the secretariat's pile of collected tablets: opened with a
// name, read in a burst, moved along as one, closed. Its events have the
// batch's id as subject; each read that takes a tablet in also writes the
// tablet's own steps, the same events a desk makes.

// ReadClass is what a read in a batch turned out to be.
type ReadClass string

const (
	ReadNew       ReadClass = "new"       // on the roster; now in the batch (received)
	ReadDuplicate ReadClass = "duplicate" // already read in this batch; ignored
	ReadUnknown   ReadClass = "unknown"   // not on the roster; registered, flagged for follow-up
	ReadInvalid   ReadClass = "invalid"   // not a serial; refused
)

// Batch is a batch with its live counts.
type Batch struct {
	ID, Name, ITDate, Body string
	Municipality           string // "" for every municipality
	Closed                 bool
	Opened                 time.Time
	Station                string
	New, Duplicates        int
	Unknown, Invalid       int
	Expected               int // tablets on the roster for the batch's municipality and body (all, if none), employees aside
	Collected              int // of those, the ones this batch took in
	// Spans is, for a batch of a body in every municipality, the
	// municipalities where the roster has that body, when more than one
	// ("Levanger, Verdal"): a roster imported after the batch opened
	// widens what it expects.
	Spans string
}

// Scope names what the batch collects: "Levanger · Kommunestyret",
// "Levanger", "Kommunestyret", or "" for the whole roster. Raw text.
func (b Batch) Scope() string {
	switch {
	case b.Municipality != "" && b.Body != "":
		return b.Municipality + " · " + b.Body
	case b.Municipality != "":
		return b.Municipality
	case b.Spans != "":
		return b.Body + " (" + b.Spans + ")"
	}
	return b.Body
}

// Elsewhere is how many of the tablets the batch expects came in another
// way (at the desk, in another batch): neither collected by it nor among
// the missing, the batch's list of which holds missing.
func (b Batch) Elsewhere(missing int) int { return max(0, b.Expected-b.Collected-missing) }

// Scanned is the tablets in the batch: new and unknown reads.
func (b Batch) Scanned() int { return b.New + b.Unknown }

// Others is the known tablets the batch took in that it did not expect
// (another body's, an official no longer on the roster's).
func (b Batch) Others() int { return max(0, b.New-b.Collected) }

// Read is one read of a batch.
type Read struct {
	EventID string
	At      time.Time
	Raw     string // as typed; may hold anything: clean it before showing
	Serial  string
	Class   ReadClass
	Reason  scan.Reason // for an invalid read
	Undone  bool
	// Official is the name of the official the tablet read is theirs, as
	// the roster spells it (may hold anything: clean it before showing);
	// empty for a tablet of no one's and for an invalid read.
	Official string
	// For a cut-off read (Reason scan.ReasonCutOff), Serial is the known
	// serial it most likely is; nothing was registered.
}

// Errors of batch operations.
var (
	ErrBatchClosed  = errors.New("the batch is closed")
	ErrNoBatch      = errors.New("no such batch")
	ErrNothingRead  = errors.New("nothing to undo: the batch has no reads")
	ErrNotInBatch   = errors.New("not in the batch")
	ErrNameRequired = errors.New("a batch needs a name")
)

// NotInBatchError is ErrNotInBatch with the serials named that the batch
// does not hold, sorted.
type NotInBatchError struct{ Serials []string }

func (e *NotInBatchError) Error() string {
	return strings.Join(e.Serials, ", ") + ": " + ErrNotInBatch.Error()
}

func (e *NotInBatchError) Is(target error) bool { return target == ErrNotInBatch }

// ScopeError is a batch opened for a municipality or a body the roster
// does not have: it would expect nothing. Known is what the roster has
// (of bodies, those of the municipality asked for).
type ScopeError struct {
	Municipality bool // the municipality is unknown; else the body
	Typed        string
	Known        []string
}

func (e *ScopeError) Error() string {
	what := "body"
	if e.Municipality {
		what = "municipality"
	}
	return fmt.Sprintf("no %s %q on the roster (it has %s)", what, e.Typed, strings.Join(e.Known, ", "))
}

// BatchSpec is what a batch intake is opened with.
type BatchSpec struct {
	Name, ITDate string
	Municipality string // "" for every municipality
	Body         string // "" for every body
}

// batchPrefix starts a batch's id, so its events are told from a tablet's.
const batchPrefix = "batch:"

const maxRawLen = 64 // a read longer than this is kept cut; no serial is that long

// OpenBatch starts a batch intake. Its municipality and body may be empty
// for the whole roster; given, they are matched against the roster as a
// search matches names (case and accents aside) and kept as the roster
// spells them, and one the roster does not have is a *ScopeError.
// It returns the batch with its counts.
func (s *Store) OpenBatch(ctx context.Context, spec BatchSpec, by Actor) (Batch, error) {
	id, err := s.openBatch(ctx, spec, by)
	if err != nil {
		return Batch{}, err
	}
	return s.Batch(ctx, id)
}

// openBatch starts a batch intake and returns its id; what counts it, a
// read of every tablet on a county, is left to whoever shows it.
func (s *Store) openBatch(ctx context.Context, spec BatchSpec, by Actor) (string, error) {
	name := strings.TrimSpace(scan.Clean(spec.Name))
	if name == "" {
		return "", ErrNameRequired
	}
	id := batchPrefix + uuid.Must(uuid.NewV7()).String()
	err := s.inTx(ctx, func(tx wtx) error {
		mun, body, err := batchScope(ctx, tx, spec.Municipality, spec.Body)
		if err != nil {
			return err
		}
		e := s.newEvent(by, KindBatchOpened, id, 0, "", batchOpenedPayload{V: 1, Name: name,
			ITDate: strings.TrimSpace(scan.Clean(spec.ITDate)), Body: body, Municipality: mun})
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		return applyBatchEvent(ctx, tx, e)
	})
	return id, err
}

// ResolveScope finds a municipality and a body (either may be empty for
// all) on the roster, as a name search matches them (case and accents
// aside), and gives them as the roster spells them; one the roster does
// not have is a *ScopeError naming what it has.
func (s *Store) ResolveScope(ctx context.Context, municipality, body string) (string, string, error) {
	return batchScope(ctx, s.read, municipality, body)
}

// batchScope finds a batch's municipality and body, as typed, on the
// roster, as the roster spells them.
//
// A name typed as the roster spells it is found by looking for one row
// that has it (the officials are not indexed by municipality: listing a
// county's forty reads all 100,000, 70 ms in the write transaction that
// opens the batch); any other spelling is looked for in the whole list.
func batchScope(ctx context.Context, q querier, mun, body string) (string, string, error) {
	find := func(typed string, isMun bool, exact, query string, args ...any) (string, error) {
		if typed = strings.TrimSpace(scan.Clean(typed)); typed == "" {
			return "", nil
		}
		var one int
		switch err := q.QueryRowContext(ctx, exact, append([]any{typed}, args...)...).Scan(&one); {
		case err == nil:
			return typed, nil
		case !errors.Is(err, sql.ErrNoRows):
			return "", err
		}
		known, err := queryStrings(ctx, q, query, args...)
		if err != nil {
			return "", err
		}
		for _, k := range known {
			if Fold(k) == Fold(typed) {
				return k, nil
			}
		}
		return "", &ScopeError{Municipality: isMun, Typed: typed, Known: known}
	}
	mun, err := find(mun, true, `SELECT 1 FROM officials WHERE municipality = ? AND removed = 0 LIMIT 1`,
		`SELECT DISTINCT municipality FROM officials WHERE removed = 0 AND municipality != '' ORDER BY 1`)
	if err != nil {
		return "", "", err
	}
	body, err = find(body, false, `SELECT 1 FROM seats s JOIN officials o ON o.id = s.official_id
WHERE s.body = ? AND o.removed = 0 AND (? = '' OR o.municipality = ?) LIMIT 1`,
		`SELECT DISTINCT s.body FROM seats s JOIN officials o ON o.id = s.official_id
WHERE o.removed = 0 AND (? = '' OR o.municipality = ?) ORDER BY 1`, mun, mun)
	return mun, body, err
}

// FindBatch returns the open batch called name, or the latest closed one.
func (s *Store) FindBatch(ctx context.Context, name string) (Batch, error) {
	var id string
	err := s.read.QueryRowContext(ctx, `SELECT id FROM batches WHERE name = ? ORDER BY closed, opened_hlc DESC LIMIT 1`, name).Scan(&id)
	if err == sql.ErrNoRows {
		return Batch{}, ErrNoBatch
	}
	if err != nil {
		return Batch{}, err
	}
	return s.Batch(ctx, id)
}

// ReadBatch records reads in a batch, in order, in one transaction, and
// classifies each. The desk sends what the scanner typed since its last
// commit; a file of reads goes in one call.
func (s *Store) ReadBatch(ctx context.Context, batchID string, raws []string, by Actor) ([]Read, error) {
	var out []Read
	// Each read writes two or three events, and a tablet new or not:
	// gathered, they go many to a statement.
	err := s.inGatheringTx(ctx, func(tx wtx) error {
		b, err := batchByID(ctx, tx, batchID)
		if err != nil {
			return err
		}
		if b.Closed {
			return ErrBatchClosed
		}
		// A file of reads large beside the desk counts coverage once, as
		// a large roster does.
		recount, _, err := coverageAsideFor(ctx, tx, len(raws))
		if err != nil {
			return err
		}
		file, err := readFile(ctx, tx, batchID, raws)
		if err != nil {
			return err
		}
		out = make([]Read, 0, len(raws))
		for _, raw := range raws {
			r, err := s.readOne(ctx, tx, batchID, raw, by, file)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		if recount != nil {
			return recount(nil)
		}
		return nil
	})
	return out, err
}

// fileOfReads is what reads sent together (a file, a burst of the
// scanner) need to know of their batch and tablets, read once for them
// all rather than twice for each: the serials the batch has taken in,
// and the events of every serial read. Each read keeps both as it is.
type fileOfReads struct {
	members map[string]bool    // serials the batch took in (memberRead)
	events  map[string][]Event // each serial read, its events
	names   map[string]string  // each serial read that is someone's, its official's name
}

// readFile reads, for raws, what fileOfReads holds: only what the reads
// name, since a scan at the batch screen is a file of one and a batch can
// hold thousands.
func readFile(ctx context.Context, tx wtx, batchID string, raws []string) (*fileOfReads, error) {
	f := &fileOfReads{members: map[string]bool{}, events: map[string][]Event{}, names: map[string]string{}}
	var serials []string
	for _, raw := range raws {
		if _, serial, err := parseRead(raw); err == nil {
			serials = append(serials, serial)
		}
	}
	list := mustJSON(serials)
	members, err := queryStrings(ctx, tx, `SELECT serial FROM batch_reads
WHERE serial IN (SELECT value FROM json_each(?)) AND batch_id = ? AND `+memberRead, string(list), batchID)
	if err != nil {
		return nil, fmt.Errorf("batch %s: %w", batchID, err)
	}
	for _, m := range members {
		f.members[m] = true
	}
	evs, err := queryEvents(ctx, tx, `SELECT `+eventColumns+` FROM events WHERE subject IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("the tablets read: %w", err)
	}
	for _, e := range evs { // (each projection puts a subject's events in order itself)
		f.events[e.Subject] = append(f.events[e.Subject], e)
	}
	// A read takes a tablet in; it never links one to an official, so
	// whose each is can be read before the reads.
	err = eachRow(ctx, tx, func(row scanFunc) error {
		var serial, name string
		if err := row(&serial, &name); err != nil {
			return err
		}
		f.names[serial] = name
		return nil
	}, `SELECT d.serial, o.name FROM devices d JOIN officials o ON o.id = d.official_id
WHERE d.serial IN (SELECT value FROM json_each(?))`, string(list))
	if err != nil {
		return nil, fmt.Errorf("the tablets read: %w", err)
	}
	return f, nil
}

// parseRead cuts a read to the longest that is kept, and reads the serial
// in it.
func parseRead(raw string) (kept, serial string, err error) {
	if len(raw) > maxRawLen {
		raw = raw[:maxRawLen]
		for !utf8.ValidString(raw) {
			raw = raw[:len(raw)-1]
		}
	}
	serial, err = scan.Parse(raw)
	return raw, serial, err
}

func (s *Store) readOne(ctx context.Context, tx wtx, batchID, raw string, by Actor, file *fileOfReads) (Read, error) {
	raw, serial, err := parseRead(raw)
	p := batchReadPayload{V: 1, Raw: raw}
	switch {
	case err != nil:
		p.Class, p.Reason = ReadInvalid, int(scan.ReasonOf(err))
	case file.members[serial]:
		p.Serial, p.Class = serial, ReadDuplicate
	default:
		p.Serial = serial
		var evs []Event
		p.Class, p.Steps, evs, err = s.takeIn(ctx, tx, serial, file.events[serial], batchID, by)
		if err != nil {
			var cut *Misread
			if !errors.As(err, &cut) {
				return Read{}, err
			}
			p.Class, p.Reason, p.Serial = ReadInvalid, int(scan.ReasonCutOff), cut.Likely
			break
		}
		file.events[serial] = evs
		file.members[serial] = p.Class == ReadNew || p.Class == ReadUnknown // (memberRead)
	}
	e := s.newEvent(by, KindBatchRead, batchID, 0, "", p)
	if err := insertEvent(ctx, tx, e); err != nil {
		return Read{}, err
	}
	if err := applyBatchEvent(ctx, tx, e); err != nil {
		return Read{}, err
	}
	r := Read{EventID: e.ID, At: e.Time(), Raw: raw, Serial: p.Serial, Class: p.Class, Reason: scan.Reason(p.Reason)}
	if p.Class != ReadInvalid {
		r.Official = file.names[p.Serial]
	}
	return r, nil
}

// memberRead is the rule for a batch's members: its reads that took a
// tablet in (new or unknown) and were not undone.
const memberRead = `undone = 0 AND class IN ('new', 'unknown')`

// takeIn makes a tablet read in a batch received, through the workflow:
// an unknown one is registered first, an employee's is taken off the
// employees' track (it was handed in with the others). A tablet the desk
// already has stays where it is. evs are the tablet's events; it returns
// them with its steps'.
func (s *Store) takeIn(ctx context.Context, tx wtx, serial string, evs []Event, batchID string, by Actor) (ReadClass, []string, []Event, error) {
	var err error
	class := ReadNew
	var steps []string
	step := func(k Kind, in Input) error {
		evs, err = s.apply(ctx, tx, serial, evs, k, in, by)
		if err == nil {
			steps = append(steps, evs[len(evs)-1].ID)
		}
		return err
	}
	d, err := projectDevice(serial, evs)
	if err != nil {
		return "", nil, nil, err
	}
	if !d.Known {
		if err := misread(ctx, tx, serial); err != nil {
			return "", nil, nil, err
		}
		class = ReadUnknown
		if err := step(KindRegistered, Input{}); err != nil {
			return "", nil, nil, err
		}
		steps = steps[:0] // a registration is not undone: the tablet exists
		if d, err = projectDevice(serial, evs); err != nil {
			return "", nil, nil, err
		}
	}
	if d.Status == EmployeeTrack {
		if err := step(KindEmployee, Input{On: false}); err != nil {
			return "", nil, nil, err
		}
		if d, err = projectDevice(serial, evs); err != nil {
			return "", nil, nil, err
		}
	}
	if next, ok := NextStep(d); ok && next == KindReceived {
		if err := step(KindReceived, Input{Batch: batchID}); err != nil {
			return "", nil, nil, err
		}
	}
	return class, steps, evs, nil
}

// UndoRead cancels the batch's last read that is not undone, and the
// tablet steps it made.
func (s *Store) UndoRead(ctx context.Context, batchID string, by Actor) (Read, error) {
	var r Read
	err := s.inTx(ctx, func(tx wtx) error {
		b, err := batchByID(ctx, tx, batchID)
		if err != nil {
			return err
		}
		if b.Closed {
			return ErrBatchClosed
		}
		var payload string
		var hlc int64
		err = tx.QueryRowContext(ctx, `SELECT r.event_id, r.hlc, e.payload FROM batch_reads r JOIN events e ON e.id = r.event_id
WHERE r.batch_id = ? AND r.undone = 0 ORDER BY r.hlc DESC LIMIT 1`, batchID).Scan(&r.EventID, &hlc, &payload)
		if err == sql.ErrNoRows {
			return ErrNothingRead
		}
		if err != nil {
			return err
		}
		var p batchReadPayload
		if err := json.Unmarshal([]byte(payload), &p); err != nil {
			return fmt.Errorf("read %s: %w", r.EventID, err)
		}
		r.At, r.Raw, r.Serial, r.Class, r.Reason, r.Undone = HLC(hlc).Time(), p.Raw, p.Serial, p.Class, scan.Reason(p.Reason), true
		if len(p.Steps) > 0 {
			evs, err := subjectEvents(ctx, tx, p.Serial)
			if err != nil {
				return err
			}
			for i := len(p.Steps) - 1; i >= 0; i-- {
				if evs, err = s.apply(ctx, tx, p.Serial, evs, KindUndo, Input{Ref: p.Steps[i]}, by); err != nil {
					return err
				}
			}
		}
		e := s.newEvent(by, KindUndo, batchID, 0, r.EventID, struct {
			V int `json:"v"`
		}{1})
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		return applyBatchEvent(ctx, tx, e)
	})
	return r, err
}

// CloseBatch ends a batch: no more reads.
func (s *Store) CloseBatch(ctx context.Context, batchID string, by Actor) error {
	return s.inTx(ctx, func(tx wtx) error {
		b, err := batchByID(ctx, tx, batchID)
		if err != nil {
			return err
		}
		if b.Closed {
			return ErrBatchClosed
		}
		e := s.newEvent(by, KindBatchClosed, batchID, 0, "", struct {
			V int `json:"v"`
		}{1})
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		return applyBatchEvent(ctx, tx, e)
	})
}

// BulkResult says what a bulk step did.
type BulkResult struct {
	Moved   int      // tablets that took the step
	Failed  int      // tablets marked failed (Upgraded's exceptions)
	Skipped []string // members not where the step starts, left as they were
}

// SentToIT records that the batch went to IT: every member that is
// received becomes upgrading, in one transaction.
func (s *Store) SentToIT(ctx context.Context, batchID string, by Actor) (BulkResult, error) {
	return s.bulk(ctx, batchID, by, Received, func(tx wtx, serial string, evs []Event) (bool, error) {
		_, err := s.apply(ctx, tx, serial, evs, KindUpgrading, Input{}, by)
		return false, err
	}, nil)
}

// Upgraded records IT's result: every member that is upgrading becomes
// upgraded, except those in failed (serial to reason), which become
// failed. A serial in failed that is not in the batch is refused.
func (s *Store) Upgraded(ctx context.Context, batchID string, failed map[string]string, by Actor) (BulkResult, error) {
	return s.bulk(ctx, batchID, by, Upgrading, func(tx wtx, serial string, evs []Event) (bool, error) {
		if reason, ok := failed[serial]; ok {
			_, err := s.apply(ctx, tx, serial, evs, KindFailed, Input{Reason: reason}, by)
			return true, err
		}
		_, err := s.apply(ctx, tx, serial, evs, KindUpgraded, Input{}, by)
		return false, err
	}, failed)
}

func (s *Store) bulk(ctx context.Context, batchID string, by Actor, from Status, fn func(wtx, string, []Event) (bool, error), named map[string]string) (BulkResult, error) {
	var res BulkResult
	err := s.inTx(ctx, func(tx wtx) error {
		if _, err := batchByID(ctx, tx, batchID); err != nil {
			return err
		}
		members, err := memberSerials(ctx, tx, batchID)
		if err != nil {
			return err
		}
		in := map[string]bool{}
		for _, m := range members {
			in[m] = true
		}
		var strangers []string
		for serial := range named {
			if !in[serial] {
				strangers = append(strangers, serial)
			}
		}
		if len(strangers) > 0 {
			sort.Strings(strangers)
			return &NotInBatchError{Serials: strangers}
		}
		for _, serial := range members {
			evs, err := subjectEvents(ctx, tx, serial)
			if err != nil {
				return err
			}
			d, err := projectDevice(serial, evs)
			if err != nil {
				return err
			}
			if d.Status != from {
				res.Skipped = append(res.Skipped, serial)
				continue
			}
			failed, err := fn(tx, serial, evs)
			if err != nil {
				return fmt.Errorf("%s: %w", serial, err)
			}
			if failed {
				res.Failed++
			} else {
				res.Moved++
			}
		}
		return nil
	})
	return res, err
}

func memberSerials(ctx context.Context, q querier, batchID string) ([]string, error) {
	out, err := queryStrings(ctx, q, `SELECT DISTINCT serial FROM batch_reads WHERE batch_id = ? AND `+memberRead+` ORDER BY serial`, batchID)
	if err != nil {
		return nil, fmt.Errorf("batch members: %w", err)
	}
	return out, nil
}

// applyBatchEvent folds one batch event into the batch tables. Reads are
// many, so a batch is projected event by event, in log order, rather than
// recomputed; Rebuild replays the same function.
func applyBatchEvent(ctx context.Context, tx wtx, e Event) error {
	var err error
	switch e.Kind {
	case KindBatchOpened:
		var p batchOpenedPayload
		if p, err = readPayload[batchOpenedPayload](e); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO batches (id, name, it_date, body, municipality, closed, opened_hlc, station)
VALUES (?, ?, ?, ?, ?, 0, ?, ?)`, e.Subject, p.Name, p.ITDate, p.Body, p.Municipality, int64(e.HLC), e.Station)
	case KindBatchRead:
		var p batchReadPayload
		if p, err = readPayload[batchReadPayload](e); err != nil {
			return err
		}
		row := readValues(e, p)
		if tx.g != nil {
			err = tx.g.addRead(ctx, tx, row)
		} else {
			_, err = tx.ExecContext(ctx, insertReadSQL, row...)
		}
	case KindBatchClosed:
		_, err = tx.ExecContext(ctx, `UPDATE batches SET closed = 1 WHERE id = ?`, e.Subject)
	case KindUndo:
		_, err = tx.ExecContext(ctx, `UPDATE batch_reads SET undone = 1 WHERE batch_id = ? AND event_id = ?`, e.Subject, e.Ref)
	}
	if err != nil {
		return fmt.Errorf("batch %s: %w", e.Subject, err)
	}
	return nil
}

// readValues are a batch read's values in the order of insertReadSQL and
// readsInsert.
func readValues(e Event, p batchReadPayload) []any {
	return []any{e.Subject, e.ID, int64(e.HLC), p.Raw, p.Serial, string(p.Class), p.Reason}
}

const insertReadSQL = `INSERT OR REPLACE INTO batch_reads (batch_id, event_id, hlc, raw, serial, class, reason, undone)
VALUES (?, ?, ?, ?, ?, ?, ?, 0)`

func batchByID(ctx context.Context, q querier, id string) (Batch, error) {
	b := Batch{ID: id}
	var hlc int64
	err := q.QueryRowContext(ctx, `SELECT name, it_date, body, municipality, closed, opened_hlc, station FROM batches WHERE id = ?`, id).
		Scan(&b.Name, &b.ITDate, &b.Body, &b.Municipality, &b.Closed, &hlc, &b.Station)
	if err == sql.ErrNoRows {
		return b, ErrNoBatch
	}
	if err != nil {
		return b, fmt.Errorf("batch %s: %w", id, err)
	}
	b.Opened = HLC(hlc).Time()
	return b, nil
}

// Batch returns a batch with its counts.
func (s *Store) Batch(ctx context.Context, id string) (Batch, error) {
	return s.batch(ctx, id, s.expectedFor, s.spansOf)
}

// expectedFor counts the tablets a batch expects: every tablet of an
// official still on the roster, but the employees'; with a municipality,
// of its officials; with a body, of the officials who sit in it. A
// laptop, a phone or a stock tablet follows the lifecycle, not the
// migration, and no batch expects it. On a county it reads every tablet.
func (s *Store) expectedFor(ctx context.Context, b Batch) (int, error) {
	var n int
	q, args := countExpected(b)
	if b.Municipality == "" && b.Body == "" {
		// Every tablet on the roster: the devices read through against
		// the officials' ids as one list takes less than half the time of
		// a look-up in officials for each (0.26 s against 0.61 s on a
		// county). The scoped counts look up fewer, and keep the join.
		q = `SELECT count(*) FROM devices d WHERE ` + expectedStatus + ` AND +d.official_id IN (SELECT id FROM officials WHERE removed = 0)`
	}
	err := s.read.QueryRowContext(ctx, q, args...).Scan(&n)
	return n, err
}

// expectedByMunicipality counts, into expected (keyed as Batches keys
// its scopes), the tablets a batch for each municipality expects: what
// countExpected counts for each, in one read.
func (s *Store) expectedByMunicipality(ctx context.Context, expected map[[2]string]int) error {
	q, _ := countExpected(Batch{})
	q = strings.Replace(q, `SELECT count(*)`, `SELECT o.municipality, count(*)`, 1) + ` GROUP BY o.municipality`
	return eachRow(ctx, s.read, func(row scanFunc) error {
		var mun string
		var n int
		if err := row(&mun, &n); err != nil {
			return err
		}
		if mun != "" {
			expected[[2]string{mun, ""}] = n
		}
		return nil
	}, q)
}

// expectedStatus is the devices a batch can expect: on the migration's
// ladder, neither on the employees' track nor in the lifecycle.
const expectedStatus = `d.status NOT IN ('employee-track', 'lifecycle')`

// countExpected counts the tablets a batch expects; a percentage of the
// expected counts only the expected, so what a batch took in is counted
// by the same query, narrowed to its reads.
func countExpected(b Batch) (string, []any) {
	q := `SELECT count(*) FROM devices d JOIN officials o ON o.id = d.official_id WHERE o.removed = 0 AND ` + expectedStatus
	var args []any
	if b.Municipality != "" {
		q += ` AND o.municipality = ?`
		args = append(args, b.Municipality)
	}
	if b.Body != "" {
		q += ` AND EXISTS (SELECT 1 FROM seats s WHERE s.official_id = o.id AND s.body = ?)`
		args = append(args, b.Body)
	}
	return q, args
}

// spansOf is the municipalities where the roster has body, joined, when
// more than one (Batch.Spans); "" for one or none.
func (s *Store) spansOf(ctx context.Context, body string) (string, error) {
	spans, err := queryStrings(ctx, s.read, `SELECT DISTINCT o.municipality FROM seats s JOIN officials o ON o.id = s.official_id
WHERE s.body = ? AND o.removed = 0 AND o.municipality <> '' ORDER BY o.municipality`, body)
	if err != nil || len(spans) < 2 {
		return "", err
	}
	return strings.Join(spans, ", "), nil
}

func (s *Store) batch(ctx context.Context, id string, expectedFor func(context.Context, Batch) (int, error),
	spansFor func(context.Context, string) (string, error)) (Batch, error) {
	b, err := batchByID(ctx, s.read, id)
	if err != nil {
		return b, err
	}
	err = eachRow(ctx, s.read, func(row scanFunc) error {
		var class string
		var n int
		if err := row(&class, &n); err != nil {
			return err
		}
		switch ReadClass(class) {
		case ReadNew:
			b.New = n
		case ReadDuplicate:
			b.Duplicates = n
		case ReadUnknown:
			b.Unknown = n
		case ReadInvalid:
			b.Invalid = n
		}
		return nil
	}, `SELECT class, count(*) FROM batch_reads WHERE batch_id = ? AND undone = 0 GROUP BY class`, id)
	if err != nil {
		return b, fmt.Errorf("batch counts: %w", err)
	}
	if b.Expected, err = expectedFor(ctx, b); err != nil {
		return b, err
	}
	if b.Municipality == "" && b.Body != "" {
		if b.Spans, err = spansFor(ctx, b.Body); err != nil {
			return b, fmt.Errorf("batch scope: %w", err)
		}
	}
	collected, args := countExpected(b)
	err = s.read.QueryRowContext(ctx, collected+` AND d.serial IN (SELECT serial FROM batch_reads WHERE batch_id = ? AND `+memberRead+`)`,
		append(args, id)...).Scan(&b.Collected)
	return b, err
}

// Batches lists every batch, open ones first, newest first.
func (s *Store) Batches(ctx context.Context) ([]Batch, error) {
	ids, err := queryStrings(ctx, s.read, `SELECT id FROM batches ORDER BY closed, opened_hlc DESC`)
	if err != nil {
		return nil, fmt.Errorf("batches: %w", err)
	}
	// Batches of one scope expect the same tablets: counted once a list,
	// not once a batch (160 batches on a county took a minute).
	// A county's batches are each for a municipality: those are counted
	// for every municipality in one read (forty reads of all the
	// officials took 1.6 s).
	expected := map[[2]string]int{}
	counted := false
	expectedFor := func(ctx context.Context, b Batch) (int, error) {
		key := [2]string{b.Municipality, b.Body}
		if n, ok := expected[key]; ok {
			return n, nil
		}
		if b.Municipality != "" && b.Body == "" && !counted {
			counted = true
			if err := s.expectedByMunicipality(ctx, expected); err != nil {
				return 0, err
			}
			if _, ok := expected[key]; !ok {
				expected[key] = 0 // a municipality with no tablet expected
			}
			return expected[key], nil
		}
		n, err := s.expectedFor(ctx, b)
		if err != nil {
			return 0, err
		}
		expected[key] = n
		return n, nil
	}
	// Batches of one body look up where it sits once.
	spans := map[string]string{}
	spansFor := func(ctx context.Context, body string) (string, error) {
		if v, ok := spans[body]; ok {
			return v, nil
		}
		v, err := s.spansOf(ctx, body)
		spans[body] = v
		return v, err
	}
	out := make([]Batch, 0, len(ids))
	for _, id := range ids {
		b, err := s.batch(ctx, id, expectedFor, spansFor)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}

// Reads lists a batch's latest reads, newest first, undone ones too.
func (s *Store) Reads(ctx context.Context, batchID string, limit int) ([]Read, error) {
	out, err := queryRows(ctx, s.read, func(row scanFunc) (Read, error) {
		var r Read
		var hlc int64
		var class string
		var reason int
		if err := row(&r.EventID, &hlc, &r.Raw, &r.Serial, &class, &reason, &r.Undone, &r.Official); err != nil {
			return r, err
		}
		r.At, r.Class, r.Reason = HLC(hlc).Time(), ReadClass(class), scan.Reason(reason)
		if r.Class == ReadInvalid {
			r.Official = "" // a cut-off read names the serial it likely is, nothing was taken in
		}
		return r, nil
	}, `SELECT r.event_id, r.hlc, r.raw, r.serial, r.class, r.reason, r.undone, coalesce(o.name, '')
FROM (SELECT * FROM batch_reads WHERE batch_id = ? ORDER BY hlc DESC LIMIT ?) r
LEFT JOIN devices d ON d.serial = r.serial LEFT JOIN officials o ON o.id = d.official_id
ORDER BY r.hlc DESC`, batchID, limit)
	if err != nil {
		return nil, fmt.Errorf("batch reads: %w", err)
	}
	return out, nil
}

// Member is a tablet in a batch, as it stands now.
type Member struct {
	Serial, Model, Official string
	Status                  Status
	Unknown                 bool // not on the roster when read
}

// Members lists the tablets in a batch by serial.
func (s *Store) Members(ctx context.Context, batchID string) ([]Member, error) {
	out, err := queryRows(ctx, s.read, func(row scanFunc) (Member, error) {
		var m Member
		var st string
		if err := row(&m.Serial, &m.Unknown, &m.Model, &m.Official, &st); err != nil {
			return m, err
		}
		m.Status = Status(st)
		return m, nil
	}, `
SELECT r.serial, max(r.class = 'unknown'), coalesce(d.model, ''), coalesce(o.name, ''), coalesce(d.status, '')
FROM batch_reads r LEFT JOIN devices d ON d.serial = r.serial LEFT JOIN officials o ON o.id = d.official_id
WHERE r.batch_id = ? AND r.`+memberRead+`
GROUP BY r.serial ORDER BY r.serial`, batchID)
	if err != nil {
		return nil, fmt.Errorf("batch members: %w", err)
	}
	return out, nil
}

// Missing lists the officials of the batch's municipality and body
// (every official, for a batch without them) whose tablet is still
// expected.
func (s *Store) Missing(ctx context.Context, b Batch) ([]Chase, error) {
	all, err := s.Outstanding(ctx)
	if err != nil || b.Body == "" && b.Municipality == "" {
		return all, err
	}
	return MatchChase(all, ChaseFilter{Municipality: b.Municipality, Body: b.Body}, nil), nil
}
