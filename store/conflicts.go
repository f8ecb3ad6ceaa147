package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Conflict is two desks disagreeing about a device: each took a step
// without having seen the other's, and the steps say different things
// ("desk A said failed at 10:02, desk C upgraded at 10:05"). The merge
// decides by the agreed order, as always; a Conflict says who was
// overruled, so someone looks at the device.
type Conflict struct {
	Serial        string
	First, Second ConflictStep // First sorts first in the agreed order
}

// ConflictStep is one side of a conflict.
type ConflictStep struct {
	ID, Station, Actor string
	Kind               Kind
	At                 time.Time
}

// What a desk knew when it took a step is stamped into the step's payload
// as "seen": the central number up to which it had pulled every event.
// Two steps of two desks are concurrent when neither desk had seen the
// other's: the other step was not yet in the central log as far as it
// had pulled. A desk's own earlier steps it always knew.
type seenPayload struct {
	Seen *int64 `json:"seen"`
}

// seenOf is the "seen" of a step's payload, as encoding/json reads it
// into seenPayload: ok is false where there is none. withSeen writes it
// first, and there it is read without encoding/json (a rebuild reads it
// from every step of a county: 0.37 s of CPU), when nothing after it
// could also be read as "seen": no other member of that name in any
// case, nothing escaped, nothing outside ASCII. Anything else, and a
// payload that does not start so, goes to encoding/json. A payload is
// valid JSON when it is written, so only encoding/json says it is not.
func seenOf(payload []byte) (seen int64, ok bool, err error) {
	if rest, found := bytes.CutPrefix(payload, []byte(`{"seen":`)); found {
		digits := 0
		for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
			digits++
		}
		if digits > 0 && digits < len(rest) && (rest[digits] == ',' || rest[digits] == '}') &&
			(digits == 1 || rest[0] != '0') && nothingElseSeen(rest[digits:]) {
			if n, err := strconv.ParseInt(string(rest[:digits]), 10, 64); err == nil {
				return n, true, nil
			}
		}
	}
	var p seenPayload
	if err := json.Unmarshal(payload, &p); err != nil {
		return 0, false, err
	}
	if p.Seen == nil {
		return 0, false, nil
	}
	return *p.Seen, true, nil
}

// nothingElseSeen reports whether b holds nothing encoding/json could
// read as a member "seen": no "seen" in any case of ASCII letters, no
// escape, no byte outside ASCII (encoding/json folds some of those onto
// ASCII letters).
func nothingElseSeen(b []byte) bool {
	for i, c := range b {
		if c == '\\' || c >= 0x80 {
			return false
		}
		if c|0x20 == 's' && i+3 < len(b) && b[i+1]|0x20 == 'e' && b[i+2]|0x20 == 'e' && b[i+3]|0x20 == 'n' {
			return false
		}
	}
	return true
}

// withSeen adds "seen" to a payload (a JSON object).
func withSeen(payload []byte, seen int64) []byte {
	if len(payload) < 2 || payload[0] != '{' {
		return payload
	}
	var b bytes.Buffer
	b.Grow(len(payload) + 24)
	b.WriteString(`{"seen":`)
	b.WriteString(strconv.FormatInt(seen, 10))
	if rest := bytes.TrimSpace(payload[1:]); len(rest) > 0 && rest[0] != '}' {
		b.WriteByte(',')
	}
	b.Write(payload[1:])
	return b.Bytes()
}

const cursorSQL = `SELECT coalesce((SELECT value FROM sync_state WHERE key = 'cursor'), 0)`

// seenNow is how far this desk has pulled the central log. A gathering
// transaction (an import) pulls nothing: it reads it once, not once a
// step (a read writes what was gathered first).
func seenNow(ctx context.Context, tx wtx) (int64, error) {
	if tx.g != nil && tx.g.seen != nil {
		return *tx.g.seen, nil
	}
	var n int64
	err := tx.QueryRowContext(ctx, cursorSQL).Scan(&n)
	if err == nil && tx.g != nil {
		tx.g.seen = &n
	}
	return n, err
}

// conflictKind reports whether a step of kind k can disagree with another
// desk's: the steps that move a device, not paper about it.
func conflictKind(k Kind) bool {
	switch k {
	case KindFailed, KindEmployee, KindIssued, KindReturned, KindReset, KindLinked:
		return true
	}
	return ladderKind(k)
}

// disagree reports whether two steps contradict each other: a failure
// and another desk's upgrade past the check-in (a failed tablet can be
// received, not upgraded), the employees' track and the desk's ladder,
// two different steps of the lifecycle (one desk returned what another
// issued), or the same device issued or linked to two officials. Two desks
// climbing the ladder, or receiving the same tablet, agree.
func disagree(a, b Event) bool {
	past := func(e Event) bool { return ladderKind(e.Kind) && Status(e.Kind).Rank() > Received.Rank() }
	lifecycle := func(k Kind) bool { return k == KindIssued || k == KindReturned || k == KindReset }
	switch {
	case a.Kind == KindFailed && past(b), b.Kind == KindFailed && past(a):
		return true
	case a.Kind == KindEmployee && ladderKind(b.Kind), b.Kind == KindEmployee && ladderKind(a.Kind):
		return true
	case lifecycle(a.Kind) && lifecycle(b.Kind) && a.Kind != b.Kind:
		return true
	case a.Kind == b.Kind && (a.Kind == KindIssued || a.Kind == KindLinked):
		var pa, pb struct {
			Official string `json:"official"`
		}
		json.Unmarshal(a.Payload, &pa)
		json.Unmarshal(b.Payload, &pb)
		return pa.Official != pb.Official
	}
	return false
}

// projectConflicts finds a device's conflicts in its events (with their
// central numbers where known). Like the other projections it is pure:
// a desk that holds the same events with the same numbers finds the same
// conflicts. An undone step no longer speaks; steps written before desks
// stamped what they had seen are never called conflicting.
func projectConflicts(serial string, evs []Event) ([]Conflict, error) {
	if !manyStations(evs) { // one desk never disagrees with itself
		return nil, nil
	}
	evs = sortedEvents(evs)
	var undone map[string]bool // (nil, and read as such, where nothing was undone)
	for _, e := range evs {
		if e.Kind == KindUndo {
			if undone == nil {
				undone = map[string]bool{}
			}
			undone[e.Ref] = true
		}
	}
	type step struct {
		*Event // (in evs: a rebuild projects every device, and copies added up)
		seen   int64
	}
	steps := make([]step, 0, len(evs))
	for i := range evs {
		e := &evs[i]
		if undone[e.ID] || !conflictKind(e.Kind) {
			continue
		}
		seen, ok, err := seenOf(e.Payload)
		if err != nil {
			return nil, badPayload(*e, err)
		}
		if ok {
			steps = append(steps, step{e, seen})
		}
	}
	// knows: the desk of a had the central log up to a.seen, and b was in
	// it. Two steps neither of which has a central number were written in
	// one database (a foreign step only arrives by a pull, numbered), and
	// each desk writing there had the other's before it.
	knows := func(a, b step) bool {
		return (b.ServerSeq != 0 && b.ServerSeq <= a.seen) || (a.ServerSeq == 0 && b.ServerSeq == 0)
	}
	type pair struct{ a, b int } // indexes into steps, a < b: the agreed order
	var pairs []pair
	for i, a := range steps {
		for j := i + 1; j < len(steps); j++ {
			b := steps[j]
			if a.Station == b.Station || knows(a, b) || knows(b, a) || !disagree(*a.Event, *b.Event) {
				continue
			}
			pairs = append(pairs, pair{i, j})
		}
	}
	// One disagreement is one conflict: where a desk took several steps
	// against the same step of another (upgrading, then upgraded, not
	// having seen the other's failure), its last one says it. later tells
	// whether the step fixed conflicts with a step of side's desk that
	// comes after side.
	later := func(fixed, side int) bool {
		for _, q := range pairs {
			for _, s := range [2][2]int{{q.a, q.b}, {q.b, q.a}} {
				if s[0] == fixed && s[1] > side && steps[s[1]].Station == steps[side].Station {
					return true
				}
			}
		}
		return false
	}
	var out []Conflict
	for _, p := range pairs {
		if later(p.b, p.a) || later(p.a, p.b) {
			continue
		}
		out = append(out, Conflict{Serial: serial, First: conflictStep(*steps[p.a].Event), Second: conflictStep(*steps[p.b].Event)})
	}
	return out, nil
}

func conflictStep(e Event) ConflictStep {
	return ConflictStep{ID: e.ID, Station: e.Station, Actor: e.Actor, Kind: e.Kind, At: e.HLC.Time()}
}

// saveConflicts projects a device's conflicts into the conflicts table.
func saveConflicts(ctx context.Context, tx wtx, serial string, evs []Event) error {
	if !manyStations(evs) {
		return nil // a device one desk alone has touched never had a conflict to clear
	}
	cs, err := projectConflicts(serial, evs)
	if err != nil {
		return err
	}
	return writeConflicts(ctx, tx, serial, cs, false)
}

// writeConflicts puts a tablet's disagreements, as projectConflicts made
// them, in the place of those it had.
func writeConflicts(ctx context.Context, tx wtx, serial string, cs []Conflict, fresh bool) error {
	if !fresh {
		if _, err := tx.ExecContext(ctx, `DELETE FROM conflicts WHERE serial = ?`, serial); err != nil {
			return fmt.Errorf("save conflicts: %w", err)
		}
	}
	for _, c := range cs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO conflicts (serial, first_id, second_id, first_kind, second_kind,
  first_station, second_station, first_actor, second_actor, first_hlc, second_hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			serial, c.First.ID, c.Second.ID, string(c.First.Kind), string(c.Second.Kind), c.First.Station, c.Second.Station,
			c.First.Actor, c.Second.Actor, int64(hlcAt(c.First.At)), int64(hlcAt(c.Second.At))); err != nil {
			return fmt.Errorf("save conflicts: %w", err)
		}
	}
	return nil
}

// manyStations reports whether more than one desk wrote evs.
func manyStations(evs []Event) bool {
	for _, e := range evs {
		if e.Station != evs[0].Station {
			return true
		}
	}
	return false
}

const conflictColumns = `serial, first_id, second_id, first_kind, second_kind, first_station, second_station, first_actor, second_actor, first_hlc, second_hlc`

func queryConflicts(ctx context.Context, q querier, query string, args ...any) ([]Conflict, error) {
	return queryRows(ctx, q, func(row scanFunc) (Conflict, error) {
		var c Conflict
		var fk, sk string
		var fh, sh int64
		err := row(&c.Serial, &c.First.ID, &c.Second.ID, &fk, &sk, &c.First.Station, &c.Second.Station,
			&c.First.Actor, &c.Second.Actor, &fh, &sh)
		c.First.Kind, c.Second.Kind, c.First.At, c.Second.At = Kind(fk), Kind(sk), HLC(fh).Time(), HLC(sh).Time()
		return c, err
	}, query, args...)
}

// Conflicts lists every disagreement between desks, newest first.
func (s *Store) Conflicts(ctx context.Context) ([]Conflict, error) {
	return queryConflicts(ctx, s.read, `SELECT `+conflictColumns+` FROM conflicts ORDER BY second_hlc DESC, first_id`)
}

// conflictsOf lists a device's conflicts, oldest first.
func conflictsOf(ctx context.Context, q querier, serial string) ([]Conflict, error) {
	return queryConflicts(ctx, q, `SELECT `+conflictColumns+` FROM conflicts WHERE serial = ? ORDER BY second_hlc, first_id`, serial)
}

// reprojectConflicted projects again the devices with a conflict that
// names one of ids: those events just got their central number (the
// answer to a push arrived late), and a step the other desk had in fact
// seen is no conflict.
func reprojectConflicted(ctx context.Context, tx wtx, ids []string) error {
	var any int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM conflicts LIMIT 1)`).Scan(&any); err != nil || any == 0 {
		return err // no conflict to clear: the usual case, one look
	}
	var serials []string
	for _, id := range ids {
		found, err := queryStrings(ctx, tx, `SELECT serial FROM conflicts WHERE first_id = ? OR second_id = ? LIMIT 1`, id, id)
		if err != nil {
			return err
		}
		serials = append(serials, found...)
	}
	for _, serial := range serials {
		evs, err := subjectEvents(ctx, tx, serial)
		if err != nil {
			return err
		}
		if err := saveConflicts(ctx, tx, serial, evs); err != nil {
			return err
		}
	}
	return nil
}
