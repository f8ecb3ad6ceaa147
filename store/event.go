package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// Kind names what an event records.
type Kind string

// Event kinds. The ladder kinds share their names with the statuses they
// move a tablet to.
const (
	KindRegistered Kind = "registered"     // a tablet became known: model, official
	KindLinked     Kind = "linked"         // a tablet was linked to an official
	KindReceived   Kind = "received"       // ladder steps, see workflow.go
	KindUpgrading  Kind = "upgrading"      //
	KindUpgraded   Kind = "upgraded"       //
	KindFirstLogin Kind = "first-login"    //
	KindHandedBack Kind = "handed-back"    //
	KindFailed     Kind = "failed"         // opens a failure, with a reason
	KindResolved   Kind = "resolved"       // closes the failure named by Ref
	KindEmployee   Kind = "employee-track" // sets or clears the employees' track
	KindUndo       Kind = "undo"           // cancels the event named by Ref
	KindOfficial   Kind = "official"       // an official's record from a roster

	KindBatchOpened Kind = "batch-opened" // a batch intake began (subject: the batch)
	KindBatchRead   Kind = "batch-read"   // one scanner read in a batch
	KindBatchClosed Kind = "batch-closed" // the batch is done
)

// Kinds is every kind of event the store writes, for what must cover them
// all (the catalog's words for the timeline).
var Kinds = []Kind{KindRegistered, KindLinked, KindReceived, KindUpgrading, KindUpgraded, KindFirstLogin,
	KindHandedBack, KindFailed, KindResolved, KindEmployee, KindUndo, KindOfficial, KindBatchOpened,
	KindBatchRead, KindBatchClosed, KindIssued, KindReturned, KindReset, KindApproved, KindRequestDone,
	KindReceipt, KindSigned}

// Event is one entry of the append-only log.
type Event struct {
	ID      string
	Station string
	Actor   string
	HLC     HLC
	Kind    Kind
	Subject string
	Cycle   int
	Ref     string
	Payload []byte
}

// Time is when the event happened, by its station's clock.
func (e Event) Time() time.Time { return e.HLC.Time() }

// after reports whether e sorts after o in the total order every station
// agrees on: clock, then station, then id.
func (e Event) after(o Event) bool {
	if e.HLC != o.HLC {
		return e.HLC > o.HLC
	}
	if e.Station != o.Station {
		return e.Station > o.Station
	}
	return e.ID > o.ID
}

// Payloads. Each carries "v" so a later dropin can read an older one.
type (
	registeredPayload struct {
		V        int    `json:"v"`
		Model    string `json:"model,omitempty"`
		Official string `json:"official,omitempty"`
		Device   string `json:"device,omitempty"` // the kind; a tablet when empty
	}
	receivedPayload struct {
		V     int    `json:"v"`
		Batch string `json:"batch,omitempty"`
	}
	linkedPayload struct {
		V        int    `json:"v"`
		Official string `json:"official"`
	}
	failedPayload struct {
		V      int    `json:"v"`
		Reason string `json:"reason"`
	}
	firstLoginPayload struct {
		V         int      `json:"v"`
		Checklist []string `json:"checklist"`
	}
	employeePayload struct {
		V  int  `json:"v"`
		On bool `json:"on"`
	}
)

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshal %T: %v", v, err)) // our own structs always marshal
	}
	return b
}

// Actor is who makes a change, and where.
type Actor struct {
	Station string
	Staff   string
}

// newEvent stamps an event with a fresh id and the next clock value.
func (s *Store) newEvent(by Actor, kind Kind, subject string, cycle int, ref string, payload any) Event {
	id, err := uuid.NewV7()
	if err != nil {
		panic(fmt.Sprintf("uuid: %v", err)) // only fails if the system's randomness does
	}
	return Event{
		ID: id.String(), Station: by.Station, Actor: by.Staff, HLC: s.tick(),
		Kind: kind, Subject: subject, Cycle: cycle, Ref: ref, Payload: mustJSON(payload),
	}
}

const insertEventSQL = `INSERT INTO events (id, station, actor, hlc, kind, subject, cycle, ref, payload)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

func insertEvent(ctx context.Context, tx wtx, e Event) error {
	_, err := tx.ExecContext(ctx, insertEventSQL, e.ID, e.Station, e.Actor, int64(e.HLC), string(e.Kind), e.Subject, e.Cycle, e.Ref, string(e.Payload))
	if err != nil {
		return fmt.Errorf("append %s event for %s: %w", e.Kind, e.Subject, err)
	}
	return nil
}

const eventColumns = `id, station, actor, hlc, kind, subject, cycle, ref, payload`

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanEvent(rows *sql.Rows) (Event, error) {
	var e Event
	var kind, payload string
	var hlc int64
	err := rows.Scan(&e.ID, &e.Station, &e.Actor, &hlc, &kind, &e.Subject, &e.Cycle, &e.Ref, &payload)
	e.HLC, e.Kind, e.Payload = HLC(hlc), Kind(kind), []byte(payload)
	return e, err
}

func scanEvents(rows *sql.Rows) ([]Event, error) {
	defer rows.Close()
	var evs []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

const subjectEventsSQL = `SELECT ` + eventColumns + ` FROM events WHERE subject = ? ORDER BY hlc, station, id`

func subjectEvents(ctx context.Context, q querier, subject string) ([]Event, error) {
	rows, err := q.QueryContext(ctx, subjectEventsSQL, subject)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", subject, err)
	}
	return scanEvents(rows)
}
