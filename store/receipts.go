package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ReceiptRecord is a receipt as the store keeps it. The store does not
// know what a receipt looks like: Content is whatever the receipt maker
// needs to render it again, and Token what its QR holds.
type ReceiptRecord struct {
	Station string
	Number  int
	Serial  string
	Kind    string
	Token   string
	Content json.RawMessage
	Issued  time.Time
}

// ErrNoReceipt: no such receipt.
var ErrNoReceipt = errors.New("no such receipt")

// MakeReceipt builds a receipt from the tablet as it stands and the
// number it gets: its content and its signed token.
type MakeReceipt func(number int, issued time.Time, c Card) (content json.RawMessage, token string, err error)

// Receipter makes the receipts that steps promise. The store calls it
// inside the step's transaction, so a step that promises a receipt is
// never committed without one.
type Receipter interface {
	// Promised is the kind of receipt a step of kind k promises, if any.
	Promised(k Kind) (kind string, ok bool)
	// Make builds a receipt of kind from the tablet as it stands.
	Make(kind string, number int, issued time.Time, c Card, by Actor) (content json.RawMessage, token string, err error)
	// MakeVisit builds the one receipt of a visit's devices.
	MakeVisit(number int, issued time.Time, vc VisitCard, by Actor) (content json.RawMessage, token string, err error)
}

// VisitCard is what a visit's receipt is made from: the visit, and for
// each device whose step during it promised a receipt, its card as it
// stands and the kind of receipt the step promised.
type VisitCard struct {
	Visit    Visit
	Official *Official // nil for a visitor not on the roster
	Lines    []VisitLine
}

// VisitLine is one device on a visit's receipt.
type VisitLine struct {
	Card Card
	Kind string // the receipt its step promised
}

// SetReceipter sets who makes the receipts that steps promise; nil (the
// default) makes none. Call it before the store is shared between
// goroutines.
func (s *Store) SetReceipter(r Receipter) { s.receipter = r }

// IssueReceipt gives the tablet a receipt of the given kind: the next
// number of this station, made by make, recorded as an event, all in one
// transaction. Render files after it returns: the record is the truth.
func (s *Store) IssueReceipt(ctx context.Context, serial, kind string, by Actor, make MakeReceipt) (ReceiptRecord, error) {
	var rec ReceiptRecord
	err := s.inTx(ctx, func(tx wtx) error {
		evs, err := subjectEvents(ctx, tx, serial)
		if err != nil {
			return err
		}
		rec, _, err = s.issueReceipt(ctx, tx, serial, kind, evs, by, make)
		return err
	})
	return rec, err
}

// IssueOwedReceipt gives a tablet received with no official linked the
// hand-in receipt it owes, as it stands, naming nobody: the desk asks for
// it when whoever hands the tablet in must leave with a slip though nobody
// on the roster can be linked yet. A link while the tablet is still
// received then gives a new receipt naming the official. ErrNoReceipt
// when none is owed: an official is linked, the tablet is not received,
// or it has its hand-in receipt already.
func (s *Store) IssueOwedReceipt(ctx context.Context, serial string, by Actor) (ReceiptRecord, error) {
	var rec ReceiptRecord
	err := s.inTx(ctx, func(tx wtx) error {
		if s.receipter == nil {
			return ErrNoReceipt
		}
		kind, ok := s.receipter.Promised(KindReceived)
		if !ok {
			return ErrNoReceipt
		}
		evs, err := subjectEvents(ctx, tx, serial)
		if err != nil {
			return err
		}
		card, err := cardOf(ctx, tx, serial, evs)
		if err != nil {
			return err
		}
		if !card.OwesReceipt() {
			return ErrNoReceipt
		}
		rec, _, err = s.issuePromised(ctx, tx, serial, kind, card, evs, by)
		return err
	})
	return rec, err
}

// promisedReceipt issues, in the caller's transaction, the receipt that
// the newest of the events added (evs[from:]) promises, if a receipter is
// set and one does. It returns the events with the receipt's.
//
// A hand-in receipt names the official who signs it and the account they
// log in with now. A tablet received with no official linked (a serial
// the desk registers as it comes in, an official then found by name) is
// owed its hand-in receipt: it is issued when an official is linked while
// the tablet is still received. (It was issued at once, naming nobody,
// and that was the slip the official signed and took home.) A link while
// the tablet is received also gives a new hand-in receipt where the
// first named another official: the one the official signs is theirs.
func (s *Store) promisedReceipt(ctx context.Context, tx wtx, serial string, evs []Event, from int, by Actor) (*ReceiptRecord, []Event, error) {
	if s.receipter == nil {
		return nil, evs, nil
	}
	for i := len(evs) - 1; i >= from; i-- {
		step := evs[i].Kind
		promises := step
		if step == KindLinked {
			promises = KindReceived // the hand-in's, if the tablet is being handed in
		}
		kind, ok := s.receipter.Promised(promises)
		if !ok {
			continue
		}
		card, err := cardOf(ctx, tx, serial, evs)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case step == KindLinked && card.Device.Status != Received,
			step == KindReceived && card.Official == nil:
			return nil, evs, nil
		}
		rec, evs, err := s.issuePromised(ctx, tx, serial, kind, card, evs, by)
		if err != nil {
			return nil, nil, fmt.Errorf("receipt for %s: %w", step, err)
		}
		return &rec, evs, nil
	}
	return nil, evs, nil
}

// issueReceipt records a receipt of kind for the tablet whose events are
// evs, numbered next at this station, in the caller's transaction.
func (s *Store) issueReceipt(ctx context.Context, tx wtx, serial, kind string, evs []Event, by Actor, make MakeReceipt) (ReceiptRecord, []Event, error) {
	card, err := cardOf(ctx, tx, serial, evs)
	if err != nil {
		return ReceiptRecord{}, nil, err
	}
	return s.issueReceiptFor(ctx, tx, serial, kind, card, evs, by, make)
}

// issuePromised issues a receipt a step promises, made by the receipter.
func (s *Store) issuePromised(ctx context.Context, tx wtx, serial, kind string, card Card, evs []Event, by Actor) (ReceiptRecord, []Event, error) {
	return s.issueReceiptFor(ctx, tx, serial, kind, card, evs, by, func(number int, issued time.Time, c Card) (json.RawMessage, string, error) {
		return s.receipter.Make(kind, number, issued, c, by)
	})
}

// issueReceiptFor is issueReceipt for the card the events make, read.
func (s *Store) issueReceiptFor(ctx context.Context, tx wtx, serial, kind string, card Card, evs []Event, by Actor, make MakeReceipt) (ReceiptRecord, []Event, error) {
	if !card.Device.Known {
		return ReceiptRecord{}, nil, &Refusal{Code: RefuseUnknown, Kind: KindReceipt}
	}
	number, err := nextReceiptNumber(ctx, tx, by.Station)
	if err != nil {
		return ReceiptRecord{}, nil, err
	}
	e := s.newEvent(by, KindReceipt, serial, card.Device.Cycle, "", nil)
	content, token, err := make(number, e.Time(), card)
	if err != nil {
		return ReceiptRecord{}, nil, err
	}
	e.Payload = mustJSON(receiptPayload{V: 1, Number: number, Kind: kind, Token: token, Content: content})
	if err := insertEvent(ctx, tx, e); err != nil {
		return ReceiptRecord{}, nil, err
	}
	rec := ReceiptRecord{Station: by.Station, Number: number, Serial: serial, Kind: kind, Token: token, Content: content, Issued: e.Time()}
	return rec, append(evs, e), saveReceipt(ctx, tx, e)
}

// visitReceipt issues, in the caller's transaction, the one receipt for
// the device steps taken during the visit that promise receipts (live
// ones: an undone step is not on it), if a receipter is set and there are
// any. A device stepped twice is listed once, as it stands at the end.
func (s *Store) visitReceipt(ctx context.Context, tx wtx, v Visit, evs []Event, by Actor) (*ReceiptRecord, error) {
	if s.receipter == nil {
		return nil, nil
	}
	vc := VisitCard{Visit: v}
	at := map[string]int{} // serial -> its line
	for _, d := range v.Devices {
		kind, ok := s.receipter.Promised(d.Step)
		if !ok {
			continue
		}
		devs, err := subjectEvents(ctx, tx, d.Serial)
		if err != nil {
			return nil, err
		}
		if undone(devs, d.Event) {
			continue
		}
		card, err := cardOf(ctx, tx, d.Serial, devs)
		if err != nil {
			return nil, err
		}
		if i, ok := at[d.Serial]; ok {
			vc.Lines[i] = VisitLine{Card: card, Kind: kind}
			continue
		}
		at[d.Serial] = len(vc.Lines)
		vc.Lines = append(vc.Lines, VisitLine{Card: card, Kind: kind})
	}
	if len(vc.Lines) == 0 {
		return nil, nil
	}
	if v.Official != "" {
		o, err := officialByID(ctx, tx, v.Official)
		if err != nil {
			return nil, err
		}
		vc.Official = o
	}
	number, err := nextReceiptNumber(ctx, tx, by.Station)
	if err != nil {
		return nil, err
	}
	e := s.newEvent(by, KindReceipt, v.ID, 0, "", nil)
	content, token, err := s.receipter.MakeVisit(number, e.Time(), vc, by)
	if err != nil {
		return nil, fmt.Errorf("visit receipt: %w", err)
	}
	const visitKind = "V"
	e.Payload = mustJSON(receiptPayload{V: 1, Number: number, Kind: visitKind, Token: token, Content: content})
	if err := insertEvent(ctx, tx, e); err != nil {
		return nil, err
	}
	rec := ReceiptRecord{Station: by.Station, Number: number, Serial: v.ID, Kind: visitKind, Token: token, Content: content, Issued: e.Time()}
	return &rec, saveReceipt(ctx, tx, e)
}

// undone reports whether an undo among evs cancels the event id.
func undone(evs []Event, id string) bool {
	for _, e := range evs {
		if e.Kind == KindUndo && e.Ref == id {
			return true
		}
	}
	return false
}

func nextReceiptNumber(ctx context.Context, tx wtx, station string) (int, error) {
	var last int
	err := tx.QueryRowContext(ctx, `SELECT coalesce(max(number), 0) FROM receipts WHERE station = ?`, station).Scan(&last)
	return last + 1, err
}

// saveReceipt projects a receipt event into the receipts table.
func saveReceipt(ctx context.Context, tx wtx, e Event) error {
	p, err := readPayload[receiptPayload](e)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT OR REPLACE INTO receipts (station, number, serial, kind, token, content, issued_hlc, event_id)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.Station, p.Number, e.Subject, p.Kind, p.Token, string(p.Content), int64(e.HLC), e.ID)
	return err
}

const receiptColumns = `station, number, serial, kind, token, content, issued_hlc`

// queryReceipts reads the receipts a query of receiptColumns selects.
func queryReceipts(ctx context.Context, q querier, query string, args ...any) ([]ReceiptRecord, error) {
	return queryRows(ctx, q, func(row scanFunc) (ReceiptRecord, error) {
		var r ReceiptRecord
		var content string
		var hlc int64
		err := row(&r.Station, &r.Number, &r.Serial, &r.Kind, &r.Token, &content, &hlc)
		r.Content, r.Issued = json.RawMessage(content), HLC(hlc).Time()
		return r, err
	}, query, args...)
}

// Receipt finds a station's receipt by number.
func (s *Store) Receipt(ctx context.Context, station string, number int) (ReceiptRecord, error) {
	rs, err := queryReceipts(ctx, s.read, `SELECT `+receiptColumns+` FROM receipts WHERE station = ? AND number = ?`, station, number)
	if err != nil || len(rs) == 0 {
		return ReceiptRecord{}, errors.Join(err, ErrNoReceipt)
	}
	return rs[0], nil
}

// ReceiptsOf lists a tablet's receipts, newest first: its own, and those
// of the visits it was handled in.
func (s *Store) ReceiptsOf(ctx context.Context, serial string) ([]ReceiptRecord, error) {
	return queryReceipts(ctx, s.read, `SELECT `+receiptColumns+` FROM receipts WHERE `+receiptsOfSerial+` ORDER BY issued_hlc DESC`, serial, serial)
}

// receiptsOfSerial selects a device's receipts: its own and those of the
// visits it was handled in. It takes the serial twice.
const (
	receiptsOfSerial = `(serial = ? OR serial IN (SELECT visit_id FROM visit_devices WHERE serial = ?))`
	receiptCountSQL  = `SELECT count(*) FROM receipts WHERE ` + receiptsOfSerial // on every card
)

// ReceiptsOfStation lists a station's receipts, by number.
func (s *Store) ReceiptsOfStation(ctx context.Context, station string) ([]ReceiptRecord, error) {
	return queryReceipts(ctx, s.read, `SELECT `+receiptColumns+` FROM receipts WHERE station = ? ORDER BY number`, station)
}

// ReceiptStations lists the stations that have a receipt of this number.
func (s *Store) ReceiptStations(ctx context.Context, number int) ([]string, error) {
	return queryStrings(ctx, s.read, `SELECT station FROM receipts WHERE number = ? ORDER BY station`, number)
}
