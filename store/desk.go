package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Card is what the desk shows for one tablet.
type Card struct {
	Device   Device
	Official *Official // nil when no official is linked
	Timeline []Entry   // oldest first
	// Reminded is what the official has been sent to come.
	Reminded Reminders
	// Receipts is how many receipts the tablet has: the desk offers to
	// print or show one only when there is one.
	Receipts int

	// Conflicts are the times two desks disagreed about the device.
	Conflicts []Conflict

	// Receipt is the receipt the change that returned this card issued,
	// in its own transaction (see SetReceipter); nil if it issued none.
	Receipt *ReceiptRecord
}

// Entry is one line of a tablet's timeline.
type Entry struct {
	ID      string
	Kind    Kind
	At      time.Time
	Station string
	Staff   string
	Cycle   int
	Detail  string  // the failure reason, the model registered, the official linked, a receipt's number
	Receipt string  // a receipt: what it records, as its token's kind ("I" a tablet handed in …)
	Who     string  // issued, returned: the official's name (their id if unknown)
	Reason  string  // returned: ReturnTermEnd or ReturnLeaving
	Request Request // issued: what the official asked for
	Undone  bool    // cancelled by a later undo
	UndoOf  Kind    // for an undo: the kind of step it cancelled
}

// Account is the address the official must log in with now: the temporary
// secondary account until the tablet is upgraded, the primary one from
// then on. Empty when no official is linked.
func (c Card) Account() string {
	if c.Official == nil {
		return ""
	}
	if c.Device.Step.Rank() >= Upgraded.Rank() || c.Official.EmailSecondary == "" {
		return c.Official.EmailPrimary
	}
	return c.Official.EmailSecondary
}

// UsesPrimary reports whether Account is the primary address.
func (c Card) UsesPrimary() bool {
	return c.Official != nil && c.Account() == c.Official.EmailPrimary
}

// OwesReceipt reports whether the tablet waits for an official to be
// linked before its hand-in receipt is made (see promisedReceipt): a
// tablet received with nobody linked and no receipt since it came in.
func (c Card) OwesReceipt() bool {
	if c.Official != nil || c.Device.Status != Received || c.Device.Kind != Tablet {
		return false
	}
	for _, e := range c.Timeline {
		if e.Kind == KindReceipt && e.Cycle == c.Device.Cycle {
			return false
		}
	}
	return true
}

// CheckInResult is what a scan at the desk did.
type CheckInResult struct {
	Card    Card
	Changed bool // an expected tablet became received
	Unknown bool // no tablet with this serial: register it
}

// CheckIn is what a scan at the desk does: it finds the tablet and, if it
// was expected, records that it is received. Other tablets are only opened.
// An unknown serial changes nothing and says so in Unknown; one that is a
// cut-off read of a known serial is refused with a *Misread.
func (s *Store) CheckIn(ctx context.Context, serial string, by Actor) (CheckInResult, error) {
	var res CheckInResult
	err := s.inTx(ctx, func(tx wtx) error {
		evs, err := subjectEvents(ctx, tx, serial)
		if err != nil {
			return err
		}
		d, err := projectDevice(serial, evs)
		if err != nil {
			return err
		}
		switch {
		case !d.Known:
			if err := misread(ctx, tx, serial); err != nil {
				return err
			}
			res.Unknown = true
			res.Card.Device = d
			return nil
		case d.Status == Expected:
			if evs, err = s.apply(ctx, tx, serial, evs, KindReceived, Input{}, by); err != nil {
				return err
			}
			res.Changed = true
		}
		var rec *ReceiptRecord
		if res.Changed {
			if rec, evs, err = s.stepped(ctx, tx, serial, evs, len(evs)-1, by); err != nil {
				return err
			}
		}
		res.Card, err = cardOf(ctx, tx, serial, evs)
		res.Card.Receipt = rec
		return err
	})
	return res, err
}

// Register records a tablet that was not known, and checks it in: it is
// received at once, since it is in hand. official may be empty and linked
// later.
func (s *Store) Register(ctx context.Context, serial, model, official string, by Actor) (Card, error) {
	return s.RegisterKind(ctx, serial, model, Tablet, official, by)
}

// RegisterKind is Register for a device of any kind. A laptop or a phone
// goes into stock (RegisterStock): only the migration's tablets are
// handed in.
func (s *Store) RegisterKind(ctx context.Context, serial, model string, kind DeviceKind, official string, by Actor) (Card, error) {
	stock := kind != "" && kind != Tablet
	return s.register(ctx, serial, Input{Model: model, Official: official, Device: kind, Stock: stock}, by)
}

// RegisterStock records new equipment of any kind (a tablet bought for
// the next term, too) into stock: not a hand-in, so no hand-in receipt;
// in stock from the start, following the lifecycle, never the upgrade.
func (s *Store) RegisterStock(ctx context.Context, serial, model string, kind DeviceKind, by Actor) (Card, error) {
	return s.register(ctx, serial, Input{Model: model, Device: kind, Stock: true}, by)
}

func (s *Store) register(ctx context.Context, serial string, in Input, by Actor) (Card, error) {
	return s.change(ctx, serial, by, func(tx wtx, evs []Event) ([]Event, error) {
		if err := s.checkOfficial(ctx, tx, in.Official); err != nil {
			return nil, err
		}
		evs, err := s.apply(ctx, tx, serial, evs, KindRegistered, in, by)
		if err != nil || in.Stock {
			return evs, err
		}
		return s.apply(ctx, tx, serial, evs, KindReceived, Input{}, by)
	})
}

// Step moves a tablet one step: a rung of the ladder, failed (in.Reason),
// resolved, or the employees' track (in.On). The workflow decides; a step
// it refuses returns a *Refusal and changes nothing.
func (s *Store) Step(ctx context.Context, serial string, k Kind, in Input, by Actor) (Card, error) {
	return s.change(ctx, serial, by, func(tx wtx, evs []Event) ([]Event, error) {
		return s.apply(ctx, tx, serial, evs, k, in, by)
	})
}

// Undo cancels the tablet's last step.
func (s *Store) Undo(ctx context.Context, serial string, by Actor) (Card, error) {
	return s.Step(ctx, serial, KindUndo, Input{}, by)
}

// Link links a tablet to an official.
func (s *Store) Link(ctx context.Context, serial, official string, by Actor) (Card, error) {
	return s.change(ctx, serial, by, func(tx wtx, evs []Event) ([]Event, error) {
		if err := s.checkOfficial(ctx, tx, official); err != nil {
			return nil, err
		}
		return s.apply(ctx, tx, serial, evs, KindLinked, Input{Official: official}, by)
	})
}

func (s *Store) checkOfficial(ctx context.Context, tx wtx, id string) error {
	if id == "" {
		return nil
	}
	o, err := officialByID(ctx, tx, id)
	if err != nil {
		return err
	}
	if o == nil {
		return &Refusal{Code: RefuseNoOfficial, Kind: KindLinked}
	}
	return nil
}

// change runs fn on a tablet's events in one write transaction and
// returns the tablet's card as the transaction left it.
func (s *Store) change(ctx context.Context, serial string, by Actor, fn func(wtx, []Event) ([]Event, error)) (Card, error) {
	var card Card
	err := s.inTx(ctx, func(tx wtx) error {
		evs, err := subjectEvents(ctx, tx, serial)
		if err != nil {
			return err
		}
		from := len(evs)
		if evs, err = fn(tx, evs); err != nil {
			return err
		}
		rec, evs, err := s.stepped(ctx, tx, serial, evs, from, by)
		if err != nil {
			return err
		}
		card, err = cardOf(ctx, tx, serial, evs)
		card.Receipt = rec
		return err
	})
	return card, err
}

// stepped finishes the steps just taken (evs[from:]) in the caller's
// transaction: during a visit they are linked to it, and its one receipt
// comes at its close; otherwise the receipt they promise is issued now.
func (s *Store) stepped(ctx context.Context, tx wtx, serial string, evs []Event, from int, by Actor) (*ReceiptRecord, []Event, error) {
	linked, err := s.linkSteps(ctx, tx, serial, evs, from, by)
	if err != nil || linked {
		return nil, evs, err
	}
	return s.promisedReceipt(ctx, tx, serial, evs, from, by)
}

// apply is the one way a step is taken: the workflow checks it against the
// tablet's state, the event is appended, and the projection updated, all in
// the caller's transaction. It returns the tablet's events with the new one.
func (s *Store) apply(ctx context.Context, tx wtx, serial string, evs []Event, k Kind, in Input, by Actor) ([]Event, error) {
	d, err := projectDevice(serial, evs)
	if err != nil {
		return nil, err
	}
	if err := Check(d, k, in); err != nil {
		return nil, err
	}
	cycle, ref := d.Cycle, ""
	var payload any = struct {
		V int `json:"v"`
	}{1}
	switch k {
	case KindRegistered:
		cycle, payload = 1, registeredPayload{V: 1, Model: in.Model, Official: in.Official, Device: string(in.Device), Stock: in.Stock}
	case KindReceived:
		if d.Step == HandedBack {
			cycle++ // back again: a new visit
		}
		if in.Batch != "" {
			payload = receivedPayload{V: 1, Batch: in.Batch}
		}
	case KindFirstLogin:
		payload = firstLoginPayload{V: 1, Checklist: in.Checklist}
	case KindFailed:
		payload = failedPayload{V: 1, Reason: in.Reason}
	case KindResolved:
		ref = d.FailureID
	case KindEmployee:
		payload = employeePayload{V: 1, On: in.On}
	case KindUndo:
		ref = d.LastStep
		if in.Ref != "" {
			ref = in.Ref
		}
	case KindLinked:
		payload = linkedPayload{V: 1, Official: in.Official}
	case KindIssued:
		payload = issuedPayload{V: 1, Official: in.Official, Help: in.Request.Help, Training: in.Request.Training, Note: in.Request.Note}
	case KindReturned:
		payload = returnedPayload{V: 1, Official: d.OfficialID, Reason: in.Reason}
	}
	e := s.newEvent(by, k, serial, cycle, ref, payload)
	if conflictKind(k) {
		// What this desk had seen of the others': how a disagreement
		// with another desk's step is told from a step taken knowingly.
		seen, err := seenNow(ctx, tx)
		if err != nil {
			return nil, err
		}
		e.Payload = withSeen(e.Payload, seen)
	}
	if err := insertEvent(ctx, tx, e); err != nil {
		return nil, err
	}
	evs = append(evs, e)
	if k == KindUndo {
		// A desk's own step never makes a conflict (every other desk's
		// step here came by a pull it had seen), but undoing one can end
		// one: an undone step no longer speaks.
		if err := saveConflicts(ctx, tx, serial, evs); err != nil {
			return nil, err
		}
	}
	return evs, saveTabletOver(ctx, tx, serial, evs, d)
}

// inTx runs fn in a write transaction (BEGIN IMMEDIATE) and commits. When
// inTx returns nil, the change is on disk.
func (s *Store) inTx(ctx context.Context, fn func(wtx) error) error {
	return s.inTxOf(ctx, false, fn)
}

// inGatheringTx is inTx for bulk work: the transaction writes its events
// and new officials and tablets many to a statement (see gathered).
func (s *Store) inGatheringTx(ctx context.Context, fn func(wtx) error) error {
	return s.inTxOf(ctx, true, fn)
}

func (s *Store) inTxOf(ctx context.Context, gather bool, fn func(wtx) error) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return fmt.Errorf("begin: %w", classify(err))
	}
	if gather {
		tx = tx.gathering()
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return classify(tx.cause(err))
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", classify(err))
	}
	return nil
}

// Card reads a tablet's card. A serial nobody registered gives a card
// whose Device is not Known.
func (s *Store) Card(ctx context.Context, serial string) (Card, error) {
	evs, err := subjectEvents(ctx, s.read, serial)
	if err != nil {
		return Card{}, err
	}
	return cardOf(ctx, s.read, serial, evs)
}

func cardOf(ctx context.Context, q querier, serial string, evs []Event) (Card, error) {
	var c Card
	var err error
	if c.Device, err = projectDevice(serial, evs); err != nil {
		return c, err
	}
	if c.Official, err = officialByID(ctx, q, c.Device.OfficialID); err != nil {
		return c, err
	}
	if c.Official != nil {
		if c.Reminded, err = remindersOf(ctx, q, c.Official.ID); err != nil {
			return c, err
		}
	}
	if err := q.QueryRowContext(ctx, receiptCountSQL, serial, serial).Scan(&c.Receipts); err != nil {
		return c, err
	}
	if c.Conflicts, err = projectConflicts(serial, evs); err != nil {
		return c, err
	}
	undone := map[string]bool{}
	kinds := map[string]Kind{}
	names := map[string]string{}
	for _, e := range evs {
		kinds[e.ID] = e.Kind
		if e.Kind == KindUndo {
			undone[e.Ref] = true
		}
	}
	for _, e := range sortedEvents(evs) {
		en := Entry{ID: e.ID, Kind: e.Kind, At: e.Time(), Station: e.Station, Staff: e.Actor, Cycle: e.Cycle, Undone: undone[e.ID]}
		if en.Detail, err = detail(e); err != nil {
			return c, err
		}
		switch e.Kind {
		case KindReceipt:
			var p receiptPayload
			if p, err = readPayload[receiptPayload](e); err == nil {
				en.Receipt = p.Kind
			}
		case KindIssued:
			var p issuedPayload
			if p, err = readPayload[issuedPayload](e); err == nil {
				en.Request = Request{Help: p.Help, Training: p.Training, Note: p.Note}
				en.Who, err = nameOf(ctx, q, p.Official, names)
			}
		case KindReturned:
			var p returnedPayload
			if p, err = readPayload[returnedPayload](e); err == nil {
				en.Reason = p.Reason
				en.Who, err = nameOf(ctx, q, p.Official, names)
			}
		}
		if err != nil {
			return c, err
		}
		if e.Kind == KindUndo {
			en.UndoOf = kinds[e.Ref]
		}
		c.Timeline = append(c.Timeline, en)
	}
	return c, nil
}

// nameOf is an official's name, read once per card.
func nameOf(ctx context.Context, q querier, id string, names map[string]string) (string, error) {
	if n, ok := names[id]; ok {
		return n, nil
	}
	o, err := officialByID(ctx, q, id)
	if err != nil {
		return "", err
	}
	names[id] = id
	if o != nil {
		names[id] = o.Name
	}
	return names[id], nil
}

// detail is the one piece of an event's payload worth a timeline line.
func detail(e Event) (string, error) {
	switch e.Kind {
	case KindRegistered:
		p, err := readPayload[registeredPayload](e)
		return p.Model, err
	case KindLinked:
		p, err := readPayload[linkedPayload](e)
		return p.Official, err
	case KindFailed:
		p, err := readPayload[failedPayload](e)
		return p.Reason, err
	case KindReceipt:
		p, err := readPayload[receiptPayload](e)
		return strconv.Itoa(p.Number), err // its kind in Entry.Receipt, for the words
	case KindSigned:
		p, err := readPayload[signedPayload](e)
		return fmt.Sprintf("%d, %s", p.Number, p.Signer), err // how is said in words on the receipt
	case KindEmployee:
		// No detail: the step's own word says it ("ansattløp"), and an
		// undo of it says the rest.
		_, err := readPayload[employeePayload](e)
		return "", err
	}
	return "", nil
}

// Activity is one line of a desk's recent activity.
type Activity struct {
	At       time.Time
	Kind     Kind
	Serial   string // the device the step was about; "" for none
	Model    string
	Official string    // the official's name (a visit's: who came)
	Batch    string    // the batch's name, for a batch's events
	Read     ReadClass // a batch read's class; "" for any other step
	Raw      string    // what the scanner typed, for an invalid read (clean before showing)
	Staff    string
	Undone   bool
}

// Recent lists the latest steps taken at station, newest first. A step
// about a visit, a batch or an approval names the device, the official
// and the batch it is about, never the id its subject is kept under.
func (s *Store) Recent(ctx context.Context, station string, limit int) ([]Activity, error) {
	out, err := queryRows(ctx, s.read, func(row scanFunc) (Activity, error) {
		var a Activity
		var hlc int64
		var kind string
		if err := row(&hlc, &kind, &a.Serial, &a.Model, &a.Official, &a.Batch, &a.Read, &a.Raw, &a.Staff, &a.Undone); err != nil {
			return a, err
		}
		a.At, a.Kind = HLC(hlc).Time(), Kind(kind)
		return a, nil
	}, `
WITH r AS (
  SELECT e.id, e.hlc, e.kind, e.subject, e.actor FROM events e
  -- A step taken in a visit is listed as the step; the record that
  -- ties it to the visit would list it twice.
  WHERE e.station = ? AND e.kind NOT IN ('official', 'reminded', 'visit-device')
  ORDER BY e.hlc DESC LIMIT ?
), t AS (
  -- The device each step is about: a batch's read names it by its
  -- serial; a visit's and an approval's steps are about none.
  SELECT r.*, v.name AS visitor, b.name AS batch, br.class AS read, CASE WHEN br.class = 'invalid' THEN br.raw END AS raw,
         CASE WHEN b.id IS NOT NULL THEN coalesce(br.serial, '')
              WHEN v.id IS NOT NULL OR r.subject LIKE 'approval:%' THEN ''
              ELSE r.subject END AS serial,
         CASE WHEN r.subject LIKE 'approval:%'
              THEN substr(r.subject, 10, instr(substr(r.subject, 10), ':') - 1) END AS approved
  FROM r
  -- Most steps are a device's: a subject without the prefix is not
  -- looked for among the visits and batches at all.
  LEFT JOIN visits v ON v.id = CASE WHEN r.subject LIKE 'visit:%' THEN r.subject END
  LEFT JOIN batches b ON b.id = CASE WHEN r.subject LIKE 'batch:%' THEN r.subject END
  LEFT JOIN batch_reads br ON b.id IS NOT NULL AND br.batch_id = r.subject AND br.event_id = r.id
)
SELECT t.hlc, t.kind, t.serial, coalesce(d.model, ''), coalesce(t.visitor, o.name, oa.name, ''), coalesce(t.batch, ''),
       coalesce(t.read, ''), coalesce(t.raw, ''), t.actor,
       EXISTS (SELECT 1 FROM events u WHERE u.kind = 'undo' AND u.ref = t.id)
FROM t
LEFT JOIN devices d ON d.serial = t.serial
LEFT JOIN officials o ON o.id = d.official_id
LEFT JOIN officials oa ON oa.id = t.approved
ORDER BY t.hlc DESC`, station, limit)
	if err != nil {
		return nil, fmt.Errorf("recent activity: %w", err)
	}
	return out, nil
}

// Counts is how many of each step a station took in a day, undone steps
// not counted.
type Counts map[Kind]int

// Today counts the steps station took since midnight of day (local time).
func (s *Store) Today(ctx context.Context, station string, day time.Time) (Counts, error) {
	y, m, dd := day.Date()
	since := hlcAt(time.Date(y, m, dd, 0, 0, 0, 0, day.Location()))
	c := Counts{}
	err := eachRow(ctx, s.read, func(row scanFunc) error {
		var k string
		var n int
		err := row(&k, &n)
		c[Kind(k)] = n
		return err
	}, `
SELECT e.kind, count(*) FROM events e
WHERE e.station = ? AND e.kind IN ('received', 'upgrading', 'upgraded', 'first-login', 'handed-back', 'failed') AND e.hlc >= ?
  AND NOT EXISTS (SELECT 1 FROM events u WHERE u.kind = 'undo' AND u.ref = e.id)
GROUP BY e.kind`, station, int64(since))
	if err != nil {
		return nil, fmt.Errorf("today's counts: %w", err)
	}
	return c, nil
}

// DeviceRow is one tablet as exports list it.
type DeviceRow struct {
	Serial, Model, OfficialID, Official string
	Status                              Status
	Updated                             time.Time
	Station                             string
}

// Devices calls fn for every known tablet, in serial order.
func (s *Store) Devices(ctx context.Context, fn func(DeviceRow) error) error {
	err := eachRow(ctx, s.read, func(row scanFunc) error {
		var r DeviceRow
		var st string
		var hlc int64
		if err := row(&r.Serial, &r.Model, &r.OfficialID, &r.Official, &st, &hlc, &r.Station); err != nil {
			return err
		}
		r.Status, r.Updated = Status(st), HLC(hlc).Time()
		return fn(r)
	}, `
SELECT d.serial, d.model, d.official_id, coalesce(o.name, ''), d.status, d.updated_hlc, d.updated_station
FROM devices d LEFT JOIN officials o ON o.id = d.official_id ORDER BY d.serial`)
	if err != nil {
		return fmt.Errorf("list tablets: %w", err)
	}
	return nil
}

// IsRefusal reports whether err is the workflow refusing a step, and
// returns the refusal.
func IsRefusal(err error) (*Refusal, bool) {
	var r *Refusal
	ok := errors.As(err, &r)
	return r, ok
}
