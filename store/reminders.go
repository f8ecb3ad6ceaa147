package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// KindReminded: a reminder reached an official's mail server (subject:
// reminder:<official>). Recorded only after the server accepted it.
const KindReminded Kind = "reminded"

const reminderPrefix = "reminder:"

type remindedPayload struct {
	V        int    `json:"v"`
	Official string `json:"official"`
	Channel  string `json:"channel"` // "email"
	Address  string `json:"address"`
	Template string `json:"template"` // which text: a file's name, or the built-in one's language
}

func init() {
	payloadTypes[KindReminded] = func() any { return new(remindedPayload) }
}

// Reminders is what an official has been sent.
type Reminders struct {
	Count            int
	Last             time.Time // zero: never
	Address, Channel string
}

// Reminded records a reminder the mail server accepted.
func (s *Store) Reminded(ctx context.Context, official, channel, address, template string, by Actor) error {
	official = strings.ToLower(strings.TrimSpace(official))
	return s.inTx(ctx, func(tx wtx) error {
		o, err := officialByID(ctx, tx, official)
		if err != nil {
			return err
		}
		if o == nil {
			return &Refusal{Code: RefuseNoOfficial, Kind: KindReminded}
		}
		e := s.newEvent(by, KindReminded, reminderPrefix+official, 0, "",
			remindedPayload{V: 1, Official: official, Channel: channel, Address: address, Template: template})
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		evs, err := subjectEvents(ctx, tx, e.Subject)
		if err != nil {
			return err
		}
		return saveReminders(ctx, tx, evs)
	})
}

// saveReminders projects one official's reminders from all of them.
func saveReminders(ctx context.Context, tx wtx, evs []Event) error {
	var r Reminders
	var official string
	var last HLC
	for _, e := range sortedEvents(evs) {
		if e.Kind != KindReminded {
			continue
		}
		p, err := readPayload[remindedPayload](e)
		if err != nil {
			return err
		}
		official = p.Official
		r.Count++
		last, r.Address, r.Channel = e.HLC, p.Address, p.Channel
	}
	if r.Count == 0 {
		return nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO reminders (official_id, count, last_hlc, address, channel) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (official_id) DO UPDATE SET count = excluded.count, last_hlc = excluded.last_hlc, address = excluded.address, channel = excluded.channel`,
		official, r.Count, int64(last), r.Address, r.Channel)
	if err != nil {
		return fmt.Errorf("save reminders: %w", err)
	}
	return nil
}

// OfficialsAndReminders reads the officials of ids, with their seats, and
// what each has been sent, in one snapshot and a few hundred ids a query.
// An id that names nobody is left out. A reminder plan for a county's
// first morning (90,000 to chase) read them two queries an official:
// 12 s before the question "send?" could be asked.
func (s *Store) OfficialsAndReminders(ctx context.Context, ids []string) (map[string]Official, map[string]Reminders, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, fmt.Errorf("read officials: %w", err)
	}
	defer tx.Rollback()
	offs := make(map[string]Official, len(ids))
	sent := map[string]Reminders{}
	const chunk = 500
	for from := 0; from < len(ids); from += chunk {
		part := ids[from:min(len(ids), from+chunk)]
		in := "(?" + strings.Repeat(", ?", len(part)-1) + ")"
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		err := eachRow(ctx, tx, func(row scanFunc) error {
			var o Official
			var emp, rem int
			if err := row(&o.ID, &o.Name, &o.Municipality, &o.EmailPrimary, &o.EmailSecondary, &o.Phone, &emp, &rem); err != nil {
				return err
			}
			o.Employee, o.Removed = emp == 1, rem == 1
			offs[o.ID] = o
			return nil
		}, `SELECT id, name, municipality, email_primary, email_secondary, phone, employee, removed FROM officials WHERE id IN `+in, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("read officials: %w", err)
		}
		err = eachRow(ctx, tx, func(row scanFunc) error {
			var id string
			var st Seat
			if err := row(&id, &st.Body, &st.Role); err != nil {
				return err
			}
			if o, ok := offs[id]; ok {
				o.Seats = append(o.Seats, st)
				offs[id] = o
			}
			return nil
		}, `SELECT official_id, body, role FROM seats WHERE official_id IN `+in+` ORDER BY official_id, pos`, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("read seats: %w", err)
		}
		err = eachRow(ctx, tx, func(row scanFunc) error {
			var id string
			r, err := scanReminders(row, &id)
			if err != nil {
				return err
			}
			sent[id] = r
			return nil
		}, `SELECT official_id, `+remindersColumns+` FROM reminders WHERE official_id IN `+in, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("read reminders: %w", err)
		}
	}
	return offs, sent, nil
}

// RemindersOf is what one official has been sent.
func (s *Store) RemindersOf(ctx context.Context, official string) (Reminders, error) {
	return remindersOf(ctx, s.read, official)
}

// remindersColumns are what scanReminders reads, in its order.
const remindersColumns = `count, last_hlc, address, channel`

const remindedSQL = `SELECT ` + remindersColumns + ` FROM reminders WHERE official_id = ?`

// scanReminders reads a row of remindersColumns, after the columns
// before reads into (the official's id, where a query lists several).
func scanReminders(row scanFunc, before ...any) (Reminders, error) {
	var r Reminders
	var last int64
	if err := row(append(before, &r.Count, &last, &r.Address, &r.Channel)...); err != nil {
		return Reminders{}, err
	}
	if last != 0 {
		r.Last = HLC(last).Time()
	}
	return r, nil
}

func remindersOf(ctx context.Context, q querier, official string) (Reminders, error) {
	r, err := scanReminders(q.QueryRowContext(ctx, remindedSQL, official).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return Reminders{}, nil
	}
	return r, err
}
