package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"dropin/store/wire"
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

	// The equipment's lifecycle. Subjects are serials, except approvals
	// (see approvalSubject).
	KindIssued      Kind = "issued"       // delivered to an official: official, requests
	KindReturned    Kind = "returned"     // back from the official: reason
	KindReset       Kind = "reset"        // wiped, back in stock
	KindApproved    Kind = "approved"     // a body chair approved (or withdrew) an official's devices
	KindRequestDone Kind = "request-done" // the help or training asked for at a delivery (Ref) was given

	KindReceipt Kind = "receipt" // a receipt issued for a tablet (subject: the serial)
	KindSigned  Kind = "signed"  // an official signed a receipt (subject: the serial)
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
	// ServerSeq is the central store's number for the event, once it has
	// one (0: not yet pushed, or the answer not yet heard). Not part of
	// the event: where it stands in the central log.
	ServerSeq int64
}

// Time is when the event happened, by its station's clock.
func (e Event) Time() time.Time { return e.HLC.Time() }

// Wire is e as the sync's messages carry it, with no central number.
func (e Event) Wire() wire.Event {
	return wire.Event{ID: e.ID, Station: e.Station, Actor: e.Actor, HLC: int64(e.HLC), Kind: string(e.Kind),
		Subject: e.Subject, Cycle: e.Cycle, Ref: e.Ref, Payload: string(e.Payload)}
}

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
		Stock    bool   `json:"stock,omitempty"`  // new equipment into stock: the lifecycle, not the ladder
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
	issuedPayload struct {
		V        int    `json:"v"`
		Official string `json:"official"`
		Help     bool   `json:"help,omitempty"`     // wants help installing
		Training bool   `json:"training,omitempty"` // wants training
		Note     string `json:"note,omitempty"`
	}
	returnedPayload struct {
		V        int    `json:"v"`
		Official string `json:"official"`
		Reason   string `json:"reason"`
	}
	approvedPayload struct {
		V        int    `json:"v"`
		Official string `json:"official"`
		Body     string `json:"body"`
		Approver string `json:"approver"`
		Granted  bool   `json:"granted"`
	}
	batchOpenedPayload struct {
		V      int    `json:"v"`
		Name   string `json:"name"`
		ITDate string `json:"it_date,omitempty"`
		Body   string `json:"body,omitempty"`
		// Municipality: the batch collects one municipality's tablets
		// (with Body, its body's); empty for every municipality.
		Municipality string `json:"municipality,omitempty"`
	}
	batchReadPayload struct {
		V      int       `json:"v"`
		Raw    string    `json:"raw"`
		Serial string    `json:"serial,omitempty"`
		Class  ReadClass `json:"class"`
		Reason int       `json:"reason,omitempty"`
		Steps  []string  `json:"steps,omitempty"` // the tablet events this read made, undone with it
	}
	officialPayload struct {
		V int `json:"v"`
		Official
	}
	receiptPayload struct {
		V       int             `json:"v"`
		Number  int             `json:"number"`
		Kind    string          `json:"kind"`
		Token   string          `json:"token"`
		Content json.RawMessage `json:"content"`
	}
	signedPayload struct {
		V       int             `json:"v"`
		Station string          `json:"station"` // the receipt's
		Number  int             `json:"number"`
		SHA256  string          `json:"content_sha256"`
		Signer  string          `json:"signer"`
		Method  string          `json:"method"`
		Strokes json.RawMessage `json:"strokes,omitempty"`
		Content json.RawMessage `json:"content"`
		Token   string          `json:"token"`
	}
)

// versioned is the payload of a kind that carries nothing but "v".
type versioned struct {
	V int `json:"v"`
}

// payloadTypes is each kind's payload type, for checking an event that comes
// from outside (a sync pull) before it enters the log.
var payloadTypes = map[Kind]func() any{
	KindRegistered: func() any { return new(registeredPayload) }, KindLinked: func() any { return new(linkedPayload) },
	KindReceived: func() any { return new(receivedPayload) }, KindUpgrading: func() any { return new(versioned) },
	KindUpgraded: func() any { return new(versioned) }, KindFirstLogin: func() any { return new(firstLoginPayload) },
	KindHandedBack: func() any { return new(versioned) }, KindFailed: func() any { return new(failedPayload) },
	KindResolved: func() any { return new(versioned) }, KindEmployee: func() any { return new(employeePayload) },
	KindUndo: func() any { return new(versioned) }, KindOfficial: func() any { return new(officialPayload) },
	KindBatchOpened: func() any { return new(batchOpenedPayload) }, KindBatchRead: func() any { return new(batchReadPayload) },
	KindBatchClosed: func() any { return new(versioned) }, KindIssued: func() any { return new(issuedPayload) },
	KindReturned: func() any { return new(returnedPayload) }, KindReset: func() any { return new(versioned) },
	KindApproved: func() any { return new(approvedPayload) }, KindRequestDone: func() any { return new(versioned) },
	KindReceipt: func() any { return new(receiptPayload) }, KindSigned: func() any { return new(signedPayload) },
}

// ErrBadPayload: an event's payload does not read as its kind's.
var ErrBadPayload = errors.New("the event's payload does not read as its kind's")

// readPayload reads e's payload as its kind's type P. It fails, naming the
// event, when the payload does not read: the log is never guessed at.
func readPayload[P any](e Event) (P, error) {
	var p P
	if err := json.Unmarshal(e.Payload, &p); err != nil {
		return p, badPayload(e, err)
	}
	return p, nil
}

func badPayload(e Event, err error) error {
	return fmt.Errorf("event %s (%s, from %s): %w: %v", e.ID, e.Kind, e.Station, ErrBadPayload, err)
}

// checkPayload checks that an event from outside reads as its kind's
// payload. A kind this version does not know (from a newer desk) is let
// through if it is a JSON object: the projections skip kinds they do not
// know, and a later version reads it.
func checkPayload(e Event) error {
	p := any(new(map[string]any))
	if f, ok := payloadTypes[e.Kind]; ok {
		p = f()
	}
	if err := json.Unmarshal(e.Payload, p); err != nil {
		return badPayload(e, err)
	}
	return nil
}

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
	// Visit is the walk-in visit the desk is in, if any: device steps
	// taken are linked to it, and its one receipt replaces theirs.
	Visit string
}

// What a command run without --staff records as its actor: the command,
// not a person's initials.
const (
	CommandImport  = "import" // dropin import: the roster
	CommandBatch   = "batch"  // dropin batch: a file of reads, a batch's steps
	CommandRemind  = "remind" // dropin remind: reminders sent
	CommandApprove = "cli"    // dropin approve (recorded as "cli" since it came)
)

// IsCommand says whether an actor's Staff is a command's name rather
// than someone's initials.
func IsCommand(staff string) bool {
	switch staff {
	case CommandImport, CommandBatch, CommandRemind, CommandApprove:
		return true
	}
	return false
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
	if len(e.Payload) > wire.MaxPayload {
		// The central store would refuse it on every push, and the
		// outbox would never empty: refused here, before it is written.
		return fmt.Errorf("%s event for %s: %w (%d bytes, at most %d)", e.Kind, e.Subject, ErrEventTooLarge, len(e.Payload), wire.MaxPayload)
	}
	var err error
	if tx.g != nil {
		err = tx.g.addEvent(ctx, tx, e)
	} else {
		_, err = tx.ExecContext(ctx, insertEventSQL, eventValues(e)...)
	}
	if err != nil {
		return fmt.Errorf("append %s event for %s: %w", e.Kind, e.Subject, err)
	}
	return nil
}

// eventValues are an event's values in the order of insertEventSQL and
// eventsInsert.
func eventValues(e Event) []any {
	return []any{e.ID, e.Station, e.Actor, int64(e.HLC), string(e.Kind), e.Subject, e.Cycle, e.Ref, string(e.Payload)}
}

// ErrEventTooLarge: an event whose payload the central store would not
// take.
var ErrEventTooLarge = errors.New("the event is too large to sync")

const eventColumns = `id, station, actor, hlc, kind, subject, cycle, ref, payload, coalesce(server_seq, 0)`

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// eventScan reads events from rows of eventColumns into places made once
// for all the rows of a read. Scanned into a new Event's own fields, each
// row put the Event and three more values on the heap (0.34 s of a county
// rebuild's CPU); the Event a row makes is a copy.
type eventScan struct {
	e             Event
	kind, payload string
	hlc           int64
	dest          []any
}

func newEventScan() *eventScan {
	s := &eventScan{}
	s.dest = []any{&s.e.ID, &s.e.Station, &s.e.Actor, &s.hlc, &s.kind, &s.e.Subject, &s.e.Cycle, &s.e.Ref, &s.payload, &s.e.ServerSeq}
	return s
}

// scan reads the event in row.
func (s *eventScan) scan(row scanFunc) (Event, error) {
	err := row(s.dest...)
	e := s.e
	e.HLC, e.Kind, e.Payload = HLC(s.hlc), Kind(s.kind), []byte(s.payload)
	return e, err
}

// queryEvents reads the events a query of eventColumns selects.
func queryEvents(ctx context.Context, q querier, query string, args ...any) ([]Event, error) {
	return queryRows(ctx, q, newEventScan().scan, query, args...)
}

const subjectEventsSQL = `SELECT ` + eventColumns + ` FROM events WHERE subject = ? ORDER BY hlc, station, id`

func subjectEvents(ctx context.Context, q querier, subject string) ([]Event, error) {
	if tx, ok := q.(wtx); ok && tx.g != nil && !tx.g.subjects[subject] {
		q = tx.ungathered() // the subject's events are all written
	}
	evs, err := queryEvents(ctx, q, subjectEventsSQL, subject)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", subject, err)
	}
	return evs, nil
}
