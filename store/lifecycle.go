package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// DeviceKind is what sort of device it is.
type DeviceKind string

// The kinds of device the guideline hands out.
const (
	Tablet DeviceKind = "tablet" // a tablet with keyboard
	Laptop DeviceKind = "laptop"
	Phone  DeviceKind = "phone"
)

// DeviceKinds lists every kind, in the order the desk offers them.
var DeviceKinds = []DeviceKind{Tablet, Laptop, Phone}

// ParseDeviceKind reads a kind as a person or a rules file writes it
// (tablet, surfplatta, nettbrett, laptop, dator, phone, mobil, ...).
func ParseDeviceKind(s string) (DeviceKind, bool) {
	k, ok := deviceWords[strings.ReplaceAll(Fold(strings.TrimSpace(s)), " ", "")]
	return k, ok
}

// Custody is who has a device in its life with the municipality.
type Custody string

const (
	InStock  Custody = "stock"    // with the municipality, ready to issue
	Issued   Custody = "issued"   // delivered to an official, who signed for it
	Held     Custody = "held"     // the official's by the roster, before any delivery here
	Returned Custody = "returned" // back from an official; must be reset before it is issued again
)

// WithOfficial reports whether an official has the device now.
func (c Custody) WithOfficial() bool { return c == Issued || c == Held }

// Why a device came back.
const (
	ReturnTermEnd = "term-end" // the term ended
	ReturnLeaving = "leaving"  // the official left early
)

// Request is what an official asks for with a delivery.
type Request struct {
	Help     bool   // help installing
	Training bool   // training
	Note     string // free text
}

// Any reports whether anything was asked for.
func (r Request) Any() bool { return r.Help || r.Training || r.Note != "" }

const approvalPrefix = "approval:"

func approvalSubject(official, body string) string {
	return approvalPrefix + official + ":" + Fold(body)
}

// SetRules sets the entitlement rules Issue checks against; nil means the
// guideline's default.
// Call it before the store is shared between goroutines.
func (s *Store) SetRules(r *Rules) {
	if r == nil {
		r = MustDefaultRules()
	}
	s.rules = r
}

// Rules are the entitlement rules in use.
func (s *Store) Rules() *Rules { return s.rules }

// Issue delivers a device to an official: the workflow checks that the
// device is in stock and reset, and that the official is entitled to its
// kind and does not already have one. The request (help, training) is
// recorded with the delivery.
func (s *Store) Issue(ctx context.Context, serial, official string, req Request, by Actor) (Card, error) {
	rules := s.Rules()
	return s.change(ctx, serial, by, func(tx wtx, evs []Event) ([]Event, error) {
		o, err := officialByID(ctx, tx, official)
		if err != nil {
			return nil, err
		}
		if o == nil || official == "" {
			return nil, &Refusal{Code: RefuseNoOfficial, Kind: KindIssued}
		}
		apps, err := approvalsOf(ctx, tx, official)
		if err != nil {
			return nil, err
		}
		ent := rules.Entitle(o.Seats, approvedBy(apps))
		holds, err := holdingsOf(ctx, tx, official)
		if err != nil {
			return nil, err
		}
		var kinds []DeviceKind
		for _, h := range holds {
			if h.Serial != serial {
				kinds = append(kinds, h.Kind)
			}
		}
		return s.apply(ctx, tx, serial, evs, KindIssued, Input{
			Official: official, Request: req, Entitlement: &ent, Holds: kinds,
		}, by)
	})
}

// Return takes a device back from the official who has it, at the term's
// end or when they leave early (reason).
func (s *Store) Return(ctx context.Context, serial, reason string, by Actor) (Card, error) {
	return s.Step(ctx, serial, KindReturned, Input{Reason: reason}, by)
}

// Reset records that a returned device was wiped: it is in stock again
// and may be issued to the next official.
func (s *Store) Reset(ctx context.Context, serial string, by Actor) (Card, error) {
	return s.Step(ctx, serial, KindReset, Input{}, by)
}

// Approval is a body chair's approval of an official's devices.
type Approval struct {
	Official string
	Body     string
	Granted  bool
	Approver string
	At       time.Time
	Station  string
	Staff    string
}

// Approve records that approver, the chair of body, approved (or, with
// granted false, withdrew approval of) devices for official. The official
// must sit in body.
func (s *Store) Approve(ctx context.Context, official, body, approver string, granted bool, by Actor) (Approval, error) {
	approver = strings.TrimSpace(approver)
	var a Approval
	err := s.inTx(ctx, func(tx wtx) error {
		o, err := officialByID(ctx, tx, official)
		if err != nil {
			return err
		}
		if o == nil {
			return &Refusal{Code: RefuseNoOfficial, Kind: KindApproved}
		}
		seat := slices.IndexFunc(o.Seats, func(st Seat) bool { return Fold(st.Body) == Fold(body) })
		if seat < 0 {
			return &Refusal{Code: RefuseNoSeat, Kind: KindApproved, Body: body}
		}
		if approver == "" {
			return &Refusal{Code: RefuseNoApprover, Kind: KindApproved}
		}
		body = o.Seats[seat].Body
		e := s.newEvent(by, KindApproved, approvalSubject(official, body), 0, "",
			approvedPayload{V: 1, Official: official, Body: body, Approver: approver, Granted: granted})
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		a = Approval{Official: official, Body: body, Granted: granted, Approver: approver, At: e.Time(), Station: e.Station, Staff: e.Actor}
		return saveApproval(ctx, tx, []Event{e})
	})
	return a, err
}

// saveApproval projects an approval subject: the latest event wins.
func saveApproval(ctx context.Context, tx wtx, evs []Event) error {
	for _, e := range sortedEvents(evs) {
		if e.Kind != KindApproved {
			continue
		}
		p, err := readPayload[approvedPayload](e)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO approvals (official_id, body, granted, approver, hlc, station, actor)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (official_id, body) DO UPDATE SET granted = excluded.granted, approver = excluded.approver,
  hlc = excluded.hlc, station = excluded.station, actor = excluded.actor
WHERE excluded.hlc > approvals.hlc OR (excluded.hlc = approvals.hlc AND excluded.station > approvals.station)`,
			p.Official, p.Body, boolInt(p.Granted), p.Approver, int64(e.HLC), e.Station, e.Actor)
		if err != nil {
			return fmt.Errorf("save approval: %w", err)
		}
	}
	return nil
}

func approvalsOf(ctx context.Context, q querier, official string) ([]Approval, error) {
	apps, err := queryRows(ctx, q, scanApproval, `SELECT `+approvalColumns+` FROM approvals WHERE official_id = ? ORDER BY body`, official)
	if err != nil {
		return nil, fmt.Errorf("read approvals: %w", err)
	}
	return apps, nil
}

const approvalColumns = `official_id, body, granted, approver, hlc, station, actor`

func scanApproval(row scanFunc) (Approval, error) {
	var a Approval
	var hlc int64
	err := row(&a.Official, &a.Body, &a.Granted, &a.Approver, &hlc, &a.Station, &a.Staff)
	a.At = HLC(hlc).Time()
	return a, err
}

// approvedBy turns approvals into the question Entitle asks.
func approvedBy(apps []Approval) func(string) bool {
	return func(body string) bool {
		for _, a := range apps {
			if a.Granted && Fold(a.Body) == Fold(body) {
				return true
			}
		}
		return false
	}
}

// Holding is a device an official has.
type Holding struct {
	Serial       string
	Model        string
	Kind         DeviceKind
	Custody      Custody
	Status       Status    // where a roster's tablet is on the migration's ladder
	Since        time.Time // when it was issued (or first known, for a roster's tablet)
	OfficialID   string
	Official     string // name
	Municipality string
	Phone        string
	Seats        []Seat
}

// HandedIn says whether a device the official holds is with the desk,
// the secretariat or IT for now: a roster's tablet handed in for its
// upgrade and not yet handed back. It is still theirs.
func (h Holding) HandedIn() bool {
	if h.Custody != Held {
		return false
	}
	switch h.Status {
	case Received, Upgrading, Upgraded, FirstLogin, Failed:
		return true
	}
	return false
}

// HoldersInOrder is the term-end list in a reader's order: by the name's
// sort key (key, a language's: i18n.Keys), namesakes by municipality,
// then as they came. The desk's Utstyr screen and the dashboard show it
// so.
func HoldersInOrder(hs []Holding, key func(string) string) []Holding {
	return InKeyOrder(hs, func(h Holding) string { return key(h.Official) }, func(h Holding) string { return key(h.Municipality) })
}

func holdingsOf(ctx context.Context, q querier, official string) ([]Holding, error) {
	out, err := queryRows(ctx, q, func(row scanFunc) (Holding, error) {
		h := Holding{OfficialID: official}
		var hlc int64
		if err := row(&h.Serial, &h.Model, &h.Kind, &h.Custody, &h.Status, &hlc); err != nil {
			return h, err
		}
		h.Since = HLC(hlc).Time()
		return h, nil
	}, `SELECT serial, model, kind, custody, status, custody_hlc FROM devices
WHERE official_id = ? AND custody IN ('issued', 'held') ORDER BY serial`, official)
	if err != nil {
		return nil, fmt.Errorf("read devices of %s: %w", official, err)
	}
	return out, nil
}

// EquipmentRow is one official's equipment: what the rules entitle them
// to, what they have, and what is missing.
type EquipmentRow struct {
	Official    Official
	Entitlement Entitlement
	Approvals   []Approval
	Has         []Holding
	Missing     []DeviceKind
}

// Equipment lists every official on the roster with their entitlement,
// their devices and what is missing, in name order (folded; screens sort
// by their language's collation).
func (s *Store) Equipment(ctx context.Context) ([]EquipmentRow, error) {
	rows, _, err := s.EquipmentAndHolders(ctx)
	return rows, err
}

// Holders lists every device an official has, by official (folded name)
// and serial: the term-end list of who still holds what, with each
// holder's seats. An official gone from the roster is listed too: what
// they hold is what the list is for.
func (s *Store) Holders(ctx context.Context) ([]Holding, error) {
	_, hs, err := s.equipment(ctx, false)
	return hs, err
}

// EquipmentAndHolders is Equipment and Holders from one read of each
// table, in one snapshot. On a county (100,000 officials and tablets) it
// reads whole tables in their stored order and joins them here: the
// devices found through their custody index, a row at a time in a table
// keyed by serial, took three times as long as the table read through.
func (s *Store) EquipmentAndHolders(ctx context.Context) ([]EquipmentRow, []Holding, error) {
	return s.equipment(ctx, true)
}

// equipment reads the holders, and with rows every official's row too.
func (s *Store) equipment(ctx context.Context, withRows bool) ([]EquipmentRow, []Holding, error) {
	rules := s.Rules()
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, nil, fmt.Errorf("equipment: %w", err)
	}
	defer tx.Rollback()
	type official struct {
		Official
		fold    string
		removed bool
	}
	// Made to size: rows this wide, grown by doubling, were a fifth of
	// the read's time in copying alone.
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM officials`).Scan(&n); err != nil {
		return nil, nil, fmt.Errorf("equipment: %w", err)
	}
	offs := make([]official, 0, n)
	byID := make(map[string]int, n)
	err = eachRow(ctx, tx, func(row scanFunc) error {
		var o official
		if err := row(&o.ID, &o.Name, &o.Municipality, &o.EmailPrimary, &o.Phone, &o.fold, &o.removed); err != nil {
			return err
		}
		byID[o.ID] = len(offs)
		offs = append(offs, o)
		return nil
	}, `SELECT id, name, municipality, email_primary, phone, fold, removed FROM officials`)
	if err != nil {
		return nil, nil, fmt.Errorf("equipment: %w", err)
	}
	err = eachSeat(ctx, tx, func(id string, st Seat) {
		if i, ok := byID[id]; ok {
			offs[i].Seats = append(offs[i].Seats, st)
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("equipment: %w", err)
	}
	holders, err := queryRows(ctx, tx, func(row scanFunc) (Holding, error) {
		var h Holding
		var hlc int64
		if err := row(&h.Serial, &h.Model, &h.Kind, &h.Custody, &h.Status, &hlc, &h.OfficialID); err != nil {
			return h, err
		}
		h.Since = HLC(hlc).Time()
		if i, ok := byID[h.OfficialID]; ok {
			h.Official, h.Municipality, h.Phone, h.Seats = offs[i].Name, offs[i].Municipality, offs[i].Phone, offs[i].Seats
		}
		return h, nil
	}, `SELECT serial, model, kind, custody, status, custody_hlc, official_id FROM devices
WHERE +custody IN ('issued', 'held') AND official_id <> ''`)
	if err != nil {
		return nil, nil, fmt.Errorf("holders: %w", err)
	}
	// Officials by folded name, and their devices in that order: by the
	// official's place, then serial (a device whose official is unknown
	// first, by official id), sorted as positions, not as rows.
	slices.SortFunc(offs, func(a, b official) int { return cmp.Or(strings.Compare(a.fold, b.fold), strings.Compare(a.ID, b.ID)) })
	for i, o := range offs {
		byID[o.ID] = i
	}
	place := make([]int, len(holders))
	for i, h := range holders {
		place[i] = -1
		if at, ok := byID[h.OfficialID]; ok {
			place[i] = at
		}
	}
	holders = InOrder(holders, SortOrder(len(holders), func(a, b int) int {
		ha, hb := &holders[a], &holders[b]
		return cmp.Or(cmp.Compare(place[a], place[b]), strings.Compare(ha.OfficialID, hb.OfficialID), strings.Compare(ha.Serial, hb.Serial))
	}))
	if !withRows {
		return nil, holders, nil
	}
	approvals, err := queryRows(ctx, tx, scanApproval, `SELECT `+approvalColumns+` FROM approvals ORDER BY official_id, body`)
	if err != nil {
		return nil, nil, fmt.Errorf("equipment: %w", err)
	}
	rows := make([]EquipmentRow, 0, len(offs))
	index := make(map[string]int, len(offs))
	for _, o := range offs {
		if !o.removed {
			index[o.ID] = len(rows)
			rows = append(rows, EquipmentRow{Official: o.Official})
		}
	}
	for _, a := range approvals {
		if i, ok := index[a.Official]; ok {
			rows[i].Approvals = append(rows[i].Approvals, a)
		}
	}
	for _, h := range holders {
		if i, ok := index[h.OfficialID]; ok {
			rows[i].Has = append(rows[i].Has, h)
		}
	}
	for i := range rows {
		r := &rows[i]
		r.Entitlement = rules.Entitle(r.Official.Seats, approvedBy(r.Approvals))
		for _, k := range r.Entitlement.Kinds {
			if !slices.ContainsFunc(r.Has, func(h Holding) bool { return h.Kind == k }) {
				r.Missing = append(r.Missing, k)
			}
		}
	}
	return rows, holders, nil
}

// eachSeat calls fn with every seat, official by official, in seat order.
func eachSeat(ctx context.Context, q querier, fn func(official string, st Seat)) error {
	return eachRow(ctx, q, func(row scanFunc) error {
		var id string
		var st Seat
		if err := row(&id, &st.Body, &st.Role); err != nil {
			return err
		}
		fn(id, st)
		return nil
	}, `SELECT official_id, body, role FROM seats ORDER BY official_id, pos`)
}

// EntitlementOf is an official's entitlement under the rules in use, with
// the approvals recorded for them.
func (s *Store) EntitlementOf(ctx context.Context, official string) (Entitlement, []Approval, error) {
	o, err := officialByID(ctx, s.read, official)
	if err != nil || o == nil {
		return Entitlement{}, nil, err
	}
	apps, err := approvalsOf(ctx, s.read, official)
	if err != nil {
		return Entitlement{}, nil, err
	}
	return s.Rules().Entitle(o.Seats, approvedBy(apps)), apps, nil
}

// RequestRow is help or training asked for at a delivery.
type RequestRow struct {
	ID         string // the delivery's event id
	Serial     string
	Kind       DeviceKind
	OfficialID string
	Official   string
	Phone      string
	Help       bool
	Training   bool
	Note       string
	At         time.Time
	Station    string
	Done       bool
	DoneAt     time.Time
	DoneBy     string
}

// Requests lists help and training requests, oldest first; open only
// unless all.
func (s *Store) Requests(ctx context.Context, all bool) ([]RequestRow, error) {
	out, err := queryRows(ctx, s.read, func(row scanFunc) (RequestRow, error) {
		var r RequestRow
		var hlc, done int64
		if err := row(&r.ID, &r.Serial, &r.Kind, &r.OfficialID, &r.Official, &r.Phone, &r.Help, &r.Training, &r.Note, &hlc, &r.Station, &done, &r.DoneBy); err != nil {
			return r, err
		}
		r.At, r.Done = HLC(hlc).Time(), done != 0
		if r.Done {
			r.DoneAt = HLC(done).Time()
		}
		return r, nil
	}, `
SELECT r.event_id, r.serial, coalesce(d.kind, ''), r.official_id, coalesce(o.name, ''), coalesce(o.phone, ''),
       r.help, r.training, r.note, r.hlc, r.station, r.done_hlc, r.done_actor
FROM requests r LEFT JOIN officials o ON o.id = r.official_id LEFT JOIN devices d ON d.serial = r.serial
WHERE ? OR r.done_hlc = 0 ORDER BY r.hlc`, all)
	if err != nil {
		return nil, fmt.Errorf("requests: %w", err)
	}
	return out, nil
}

// RequestDone records that the help or training asked for with the
// delivery id was given.
func (s *Store) RequestDone(ctx context.Context, id string, by Actor) error {
	return s.inTx(ctx, func(tx wtx) error {
		var serial string
		var done int64
		err := tx.QueryRowContext(ctx, `SELECT serial, done_hlc FROM requests WHERE event_id = ?`, id).Scan(&serial, &done)
		if err != nil {
			return fmt.Errorf("request %s: %w", id, ErrNoRequest)
		}
		if done != 0 {
			return &Refusal{Code: RefuseDone, Kind: KindRequestDone}
		}
		evs, err := subjectEvents(ctx, tx, serial)
		if err != nil {
			return err
		}
		e := s.newEvent(by, KindRequestDone, serial, 0, id, struct {
			V int `json:"v"`
		}{1})
		if err := insertEvent(ctx, tx, e); err != nil {
			return err
		}
		return saveTablet(ctx, tx, serial, append(evs, e))
	})
}

// ErrNoRequest: no request with that id.
var ErrNoRequest = fmt.Errorf("no such request")

// saveRequests projects the requests made with a device's deliveries.
func saveRequests(ctx context.Context, tx wtx, serial string, evs []Event) error {
	if !slices.ContainsFunc(evs, func(e Event) bool { return e.Kind == KindIssued }) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM requests WHERE serial = ?`, serial); err != nil {
		return err
	}
	undone := map[string]bool{}
	done := map[string]Event{}
	for _, e := range evs {
		switch e.Kind {
		case KindUndo:
			undone[e.Ref] = true
		case KindRequestDone:
			if d, ok := done[e.Ref]; !ok || d.after(e) {
				done[e.Ref] = e
			}
		}
	}
	for _, e := range sortedEvents(evs) {
		if e.Kind != KindIssued || undone[e.ID] {
			continue
		}
		p, err := readPayload[issuedPayload](e)
		if err != nil {
			return err
		}
		if !p.Help && !p.Training && p.Note == "" {
			continue
		}
		d := done[e.ID]
		_, err = tx.ExecContext(ctx, `INSERT INTO requests (event_id, serial, official_id, help, training, note, hlc, station, done_hlc, done_actor)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, e.ID, serial, p.Official, boolInt(p.Help), boolInt(p.Training), p.Note, int64(e.HLC), e.Station, int64(d.HLC), d.Actor)
		if err != nil {
			return fmt.Errorf("save request: %w", err)
		}
	}
	return nil
}

// SerialsFrom lists up to limit known serials that begin with prefix (the
// first characters of a normalised serial), in order: a serial half
// remembered, or read off a label, found by its beginning.
func (s *Store) SerialsFrom(ctx context.Context, prefix string, limit int) ([]string, error) {
	// Serials hold only digits and capitals: "~" sorts after every one.
	out, err := queryStrings(ctx, s.read, `SELECT serial FROM devices WHERE serial >= ? AND serial < ? ORDER BY serial LIMIT ?`, prefix, prefix+"~", limit)
	if err != nil {
		return nil, fmt.Errorf("serials from %s: %w", prefix, err)
	}
	return out, nil
}

// DevicesOf is the devices an official has: their roster tablet and any
// issued to them.
func (s *Store) DevicesOf(ctx context.Context, official string) ([]Holding, error) {
	return holdingsOf(ctx, s.read, official)
}
