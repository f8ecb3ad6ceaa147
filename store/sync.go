package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"hash"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// The station's half of sync. Every event this station writes waits in
// the outbox (server_seq NULL) until the central store acknowledges it
// with its sequence number; events pulled from the central store are
// stored with theirs, and the projections of their subjects are computed
// again from all the subject's events, so every station that holds the
// same events shows the same state.

// SyncedEvent is an event as the central store numbers it.
type SyncedEvent struct {
	Event
	Seq int64
}

// Outbox returns up to limit events not yet acknowledged, oldest first.
func (s *Store) Outbox(ctx context.Context, limit int) ([]Event, error) {
	evs, err := queryEvents(ctx, s.read, `SELECT `+eventColumns+` FROM events WHERE server_seq IS NULL ORDER BY hlc, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return evs, nil
}

// outboxAfter returns up to limit events not yet acknowledged that come
// after e in the outbox's order (all of them for the zero Event): the
// next push while the previous one is still unanswered.
func (s *Store) outboxAfter(ctx context.Context, e Event, limit int) ([]Event, error) {
	if e.ID == "" {
		return s.Outbox(ctx, limit)
	}
	evs, err := queryEvents(ctx, s.read, `SELECT `+eventColumns+` FROM events WHERE server_seq IS NULL AND (hlc, id) > (?, ?) ORDER BY hlc, id LIMIT ?`,
		int64(e.HLC), e.ID, limit)
	if err != nil {
		return nil, fmt.Errorf("outbox: %w", err)
	}
	return evs, nil
}

// Waiting counts the events not yet acknowledged.
func (s *Store) Waiting(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM events WHERE server_seq IS NULL`).Scan(&n)
	return n, err
}

// Acknowledge records the central store's sequence numbers for pushed
// events.
func (s *Store) Acknowledge(ctx context.Context, seqs map[string]int64) error {
	if len(seqs) == 0 {
		return nil
	}
	ids := make([]string, 0, len(seqs))
	for id := range seqs {
		ids = append(ids, id)
	}
	// One statement for the whole answer, not one an event.
	numbers := ackJSON(seqs)
	return s.inTx(ctx, func(tx wtx) error {
		if _, err := tx.ExecContext(ctx, ackManySQL, numbers); err != nil {
			return fmt.Errorf("acknowledge: %w", err)
		}
		return reprojectConflicted(ctx, tx, ids)
	})
}

// ackJSON is an answer's numbers as the JSON object ackManySQL reads,
// written by hand: encoding/json sorts a map's keys first, 0.16 s of a
// push of 100,000 events. An id other than letters, digits and hyphens
// (a desk makes none) is quoted by encoding/json.
func ackJSON(seqs map[string]int64) string {
	buf := make([]byte, 0, 2+len(seqs)*(36+24))
	buf = append(buf, '{')
	for id, seq := range seqs {
		if len(buf) > 1 {
			buf = append(buf, ',')
		}
		if strings.Trim(id, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-") == "" {
			buf = append(append(append(buf, '"'), id...), '"')
		} else {
			buf = append(buf, mustJSON(id)...)
		}
		buf = strconv.AppendInt(append(buf, ':'), seq, 10)
	}
	return string(append(buf, '}'))
}

// Cursor is the sequence number of the last event pulled.
func (s *Store) Cursor(ctx context.Context) (int64, error) {
	var c int64
	err := s.read.QueryRowContext(ctx, `SELECT value FROM sync_state WHERE key = 'cursor'`).Scan(&c)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return c, err
}

// ApplyPulled stores events pulled from the central store and the new
// cursor in one transaction, and brings the projections of their subjects
// up to date. An event already here (one of ours coming back, or a
// repeat) only gets its sequence number. It returns how many were new.
// A page with an event whose payload does not read as its kind's is
// refused whole (ErrBadPayload, naming the event and its station): the log
// takes in nothing it could not project.
func (s *Store) ApplyPulled(ctx context.Context, evs []SyncedEvent, cursor int64) (int, error) {
	return s.applyPulled(ctx, evs, cursor, true)
}

// applyPulled stores a page of pulled events and moves the cursor in one
// transaction. With project false it leaves the projections as they are
// and asks for a rebuild instead (the pending row, in the same
// transaction), for a catch-up that rebuilds once at its end; a desk that
// stops before that end rebuilds when it next opens.
func (s *Store) applyPulled(ctx context.Context, evs []SyncedEvent, cursor int64, project bool) (int, error) {
	if err := checkPulled(evs); err != nil {
		return 0, err
	}
	return s.storePage(ctx, evs, cursor, project)
}

// checkPulled refuses a page holding an event whose payload does not read
// as its kind's.
func checkPulled(evs []SyncedEvent) error {
	for _, e := range evs {
		if err := checkPayload(e.Event); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
	}
	return nil
}

// storePage is applyPulled for a page checkPulled passed.
func (s *Store) storePage(ctx context.Context, evs []SyncedEvent, cursor int64, project bool) (int, error) {
	fresh := 0
	err := s.inTx(ctx, func(tx wtx) error {
		subjects := map[string][]Event{} // new events by subject, for the projections
		var late []string                // ours, numbered only now
		var maxHLC HLC
		stored, err := storePulled(ctx, tx, evs)
		if err != nil {
			return err
		}
		for _, e := range evs {
			if !stored[e.ID] {
				// Ours coming back, or a repeat: only the number is news.
				res, err := tx.ExecContext(ctx, ackSQL, e.Seq, e.ID)
				if err != nil {
					return err
				}
				if n, _ := res.RowsAffected(); n > 0 {
					late = append(late, e.ID) // the push's answer was lost
				}
				continue
			}
			delete(stored, e.ID) // (a page that held an event twice: the second is a repeat)
			if project {
				subjects[e.Subject] = append(subjects[e.Subject], e.Event)
			}
			maxHLC = max(maxHLC, e.HLC)
			fresh++
		}
		if !project && fresh+len(late) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO pending (what) VALUES ('rebuild')`); err != nil {
				return err
			}
		}
		keys := make([]string, 0, len(subjects))
		for k := range subjects {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, subject := range keys {
			all, err := subjectEvents(ctx, tx, subject)
			if err != nil {
				return err
			}
			if err := reproject(ctx, tx, subject, all); err != nil {
				return err
			}
		}
		if project {
			if err := reprojectConflicted(ctx, tx, late); err != nil {
				return err
			}
		}
		// The cursor only moves on: a page applied twice (two pulls of
		// one store at once) takes in nothing and moves nothing back.
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_state (key, value) VALUES ('cursor', ?)
ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)`, cursor); err != nil {
			return err
		}
		s.observe(maxHLC)
		return nil
	})
	return fresh, err
}

// storePulled writes a page of pulled events, many to a statement (a
// statement costs more than the row it writes), and returns the ids of
// those new here: the others were this desk's own, or came before.
func storePulled(ctx context.Context, tx wtx, evs []SyncedEvent) (map[string]bool, error) {
	stored := make(map[string]bool, len(evs))
	args := make([]any, 0, rowsAtOnce*pulledInsert.width)
	for page := range slices.Chunk(evs, rowsAtOnce) {
		args = args[:0]
		for _, e := range page {
			args = append(append(args, eventValues(e.Event)...), e.Seq)
		}
		ids, err := queryStrings(ctx, tx, pulledInsert.sql(len(page)), args...)
		if err != nil {
			return nil, fmt.Errorf("store pulled events from %s: %w", page[0].ID, err)
		}
		for _, id := range ids {
			stored[id] = true
		}
	}
	return stored, nil
}

var pulledInsert = manyRows{`INSERT INTO events (id, station, actor, hlc, kind, subject, cycle, ref, payload, server_seq) VALUES `,
	"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 10, ` ON CONFLICT (id) DO NOTHING RETURNING id`}

const (
	ackSQL     = `UPDATE events SET server_seq = ? WHERE id = ? AND server_seq IS NULL`
	ackManySQL = `UPDATE events SET server_seq = n.value FROM json_each(?) n WHERE events.id = n.key AND events.server_seq IS NULL`
)

// reproject computes a subject's projections again from all its events.
func reproject(ctx context.Context, tx wtx, subject string, evs []Event) error {
	if strings.HasPrefix(subject, batchPrefix) {
		for _, q := range []string{`DELETE FROM batch_reads WHERE batch_id = ?`, `DELETE FROM batches WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, subject); err != nil {
				return err
			}
		}
	}
	return saveSubject(ctx, tx, subject, evs)
}

// observe moves the clock past a time seen on another station, so this
// station's next event sorts after everything it has seen.
func (s *Store) observe(h HLC) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h > s.clock {
		s.clock = h
	}
}

func newFingerprint() hash.Hash { return sha256.New() }
