package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// The walk-in desk's events. A visit is its own subject (visit:<id>): the
// arrival puts it in the queue, a desk calls it (waiting ends, handling
// begins), the device steps taken meanwhile are linked to it, and it is
// closed as solved, escalated to IT, a training request, or left unserved.
// An escalation or a training request is followed up (IT closed the
// ticket, the Kansli arranged the training) with one more event.
const (
	KindArrived     Kind = "visit-arrived"     // someone came: who, what for, at which meeting
	KindCalled      Kind = "visit-called"      // a desk took the visit; the first call wins
	KindVisitDevice Kind = "visit-device"      // a device step taken during the visit (Ref: the step)
	KindClosed      Kind = "visit-closed"      // the visit ended, with its outcome
	KindFollowedUp  Kind = "visit-followed-up" // the escalation is done, the training arranged
)

const visitPrefix = "visit:"

// IsVisit reports whether subject is a visit's.
func IsVisit(subject string) bool { return strings.HasPrefix(subject, visitPrefix) }

// VisitState is where a visit stands.
type VisitState string

const (
	VisitQueued VisitState = "queued" // waiting to be called
	VisitOpen   VisitState = "open"   // a desk is handling it
	VisitClosed VisitState = "closed" // over
)

// Outcome is how a visit ended.
type Outcome string

const (
	Solved    Outcome = "solved"    // helped at the desk
	Escalated Outcome = "escalated" // handed to IT, with their ticket
	Training  Outcome = "training"  // a training request to the Kansli
	Left      Outcome = "left"      // went away before being served
)

// Outcomes lists every outcome, in the order the desk offers them.
var Outcomes = []Outcome{Solved, Escalated, Training, Left}

// Meeting is a council or committee meeting a station is at.
type Meeting struct {
	Body string `json:"body"`
	Day  string `json:"day"` // 2006-01-02
}

// Visit is a visit as its events make it.
type Visit struct {
	ID       string // the subject, visit:<uuid>
	Official string // the official's id; empty for someone not on the roster
	Name     string // who came, as the roster or the desk spells it
	Topic    string // a topic code
	Note     string
	Meeting  Meeting // zero when not at a meeting
	State    VisitState

	Arrived                   time.Time
	ArrivedStation, ArrivedBy string
	Called                    time.Time // zero until a desk calls it
	Station, Staff            string    // the desk that has it: the first to call
	Closed                    time.Time
	Outcome                   Outcome
	Ticket                    string // escalated: IT's ticket
	TrainingWhat, TrainingFor string // training: what, for whom
	CloseNote                 string
	FollowedUp                time.Time // zero until followed up
	FollowedBy                string
	Devices                   []VisitDevice
	LastEvent                 string // what an undo cancels
	arrivedHLC, calledHLC     HLC
	closedHLC, followedHLC    HLC
}

// VisitDevice is a device step taken during a visit.
type VisitDevice struct {
	Serial string
	Step   Kind
	Event  string // the step's event
}

// Waiting is how long the visitor waited: arrival to call.
func (v Visit) Waiting() (time.Duration, bool) {
	if v.Called.IsZero() {
		return 0, false
	}
	return v.Called.Sub(v.Arrived), true
}

// Handling is how long the desk spent: call to close.
func (v Visit) Handling() (time.Duration, bool) {
	if v.Called.IsZero() || v.Closed.IsZero() {
		return 0, false
	}
	return v.Closed.Sub(v.Called), true
}

// Pending reports whether the visit waits for a follow-up: an escalation
// IT has not closed, a training not yet arranged.
func (v Visit) Pending() bool {
	return v.State == VisitClosed && (v.Outcome == Escalated || v.Outcome == Training) && v.FollowedUp.IsZero()
}

type (
	arrivedPayload struct {
		V        int      `json:"v"`
		Official string   `json:"official,omitempty"`
		Name     string   `json:"name"`
		Topic    string   `json:"topic"`
		Note     string   `json:"note,omitempty"`
		Meeting  *Meeting `json:"meeting,omitempty"`
	}
	visitDevicePayload struct {
		V      int    `json:"v"`
		Serial string `json:"serial"`
		Step   Kind   `json:"step"`
	}
	closedPayload struct {
		V       int     `json:"v"`
		Outcome Outcome `json:"outcome"`
		Ticket  string  `json:"ticket,omitempty"`
		What    string  `json:"what,omitempty"`
		For     string  `json:"for,omitempty"`
		Note    string  `json:"note,omitempty"`
	}
)

func init() {
	for k, f := range map[Kind]func() any{
		KindArrived: func() any { return new(arrivedPayload) }, KindCalled: func() any { return new(versioned) },
		KindVisitDevice: func() any { return new(visitDevicePayload) }, KindClosed: func() any { return new(closedPayload) },
		KindFollowedUp: func() any { return new(versioned) },
	} {
		payloadTypes[k] = f
	}
	Kinds = append(Kinds, KindArrived, KindCalled, KindVisitDevice, KindClosed, KindFollowedUp)
}

// VisitInput is what a visit's step needs.
type VisitInput struct {
	Official string // arrival: the official's id, or empty with Name
	Name     string // arrival: who came, when not an official
	Topic    string // arrival: a code from the topics list
	Note     string // arrival: what they came for; close: what was done
	Outcome  Outcome
	Ticket   string // escalated
	What     string // training: what
	For      string // training: for whom
}

// Limits on what is typed into a visit: a note is a line or two, not a
// report.
const (
	maxVisitNote = 500
	maxVisitText = 120
)

// CheckVisit is the walk-in desk's workflow: whether step k may be taken on
// the visit v (exists: it has arrived). Every change to a visit goes
// through it; events pulled from other stations are not re-checked.
func CheckVisit(v Visit, exists bool, k Kind, in VisitInput, topics *Topics) error {
	refuse := func(code RefusalCode) error { return &Refusal{Code: code, Kind: k} }
	if k == KindArrived {
		switch {
		case exists:
			return refuse(RefuseExists)
		case in.Official == "" && strings.TrimSpace(in.Name) == "":
			return refuse(RefuseNoVisitor)
		case !topics.Has(in.Topic):
			return refuse(RefuseNoTopic)
		case tooLong(in.Note, maxVisitNote) || tooLong(in.Name, maxVisitText):
			return refuse(RefuseTooLong)
		}
		return nil
	}
	if !exists {
		return refuse(RefuseNoVisit)
	}
	switch k {
	case KindCalled:
		switch v.State {
		case VisitOpen:
			return &Refusal{Code: RefuseTaken, Kind: k, Who: v.Staff, Where: v.Station}
		case VisitClosed:
			return refuse(RefuseVisitClosed)
		}
		return nil
	case KindClosed:
		switch {
		case v.State == VisitClosed:
			return refuse(RefuseVisitClosed)
		case in.Outcome == Left:
			return nil
		case v.State == VisitQueued && validOutcome(in.Outcome):
			return refuse(RefuseNotCalled)
		case !validOutcome(in.Outcome):
			return refuse(RefuseNoOutcome)
		case in.Outcome == Escalated && strings.TrimSpace(in.Ticket) == "":
			return refuse(RefuseNoTicket)
		case in.Outcome == Training && (strings.TrimSpace(in.What) == "" || strings.TrimSpace(in.For) == ""):
			return refuse(RefuseNoTraining)
		case tooLong(in.Note, maxVisitNote) || tooLong(in.Ticket, maxVisitText) || tooLong(in.What, maxVisitNote) || tooLong(in.For, maxVisitText):
			return refuse(RefuseTooLong)
		}
		return nil
	case KindFollowedUp:
		switch {
		case v.State == VisitClosed && (v.Outcome == Escalated || v.Outcome == Training) && !v.FollowedUp.IsZero():
			return refuse(RefuseDone)
		case !v.Pending():
			return refuse(RefuseNoFollowUp)
		}
		return nil
	case KindUndo:
		if v.LastEvent == "" {
			return refuse(RefuseNothingToUndo)
		}
		return nil
	}
	return fmt.Errorf("workflow: %q is not a step of a visit", k)
}

func validOutcome(o Outcome) bool {
	return o == Solved || o == Escalated || o == Training || o == Left
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// projectVisit computes a visit from its events. Like projectDevice it is
// pure and independent of order and duplicates, so every station agrees:
// the first live call (in the agreed order) is the one that has the visit,
// the first live close ends it, and an undo cancels exactly its event.
func projectVisit(id string, evs []Event) (Visit, bool, error) {
	evs = sortedEvents(evs)
	v := Visit{ID: id}
	undone := map[string]bool{}
	for _, e := range evs {
		if e.Kind == KindUndo {
			undone[e.Ref] = true
		}
	}
	exists := false
	for _, e := range evs {
		if undone[e.ID] {
			continue
		}
		switch e.Kind {
		case KindArrived:
			if exists {
				continue
			}
			p, err := readPayload[arrivedPayload](e)
			if err != nil {
				return v, false, err
			}
			exists = true
			v.Official, v.Name, v.Topic, v.Note = p.Official, p.Name, p.Topic, p.Note
			if p.Meeting != nil {
				v.Meeting = *p.Meeting
			}
			v.State, v.arrivedHLC, v.ArrivedStation, v.ArrivedBy = VisitQueued, e.HLC, e.Station, e.Actor
			v.LastEvent = e.ID
		case KindCalled:
			if v.State == VisitQueued {
				v.State, v.calledHLC, v.Station, v.Staff, v.LastEvent = VisitOpen, e.HLC, e.Station, e.Actor, e.ID
			}
		case KindClosed:
			if v.State == VisitClosed || !exists {
				continue
			}
			p, err := readPayload[closedPayload](e)
			if err != nil {
				return v, false, err
			}
			v.State, v.closedHLC, v.Outcome, v.LastEvent = VisitClosed, e.HLC, p.Outcome, e.ID
			v.Ticket, v.TrainingWhat, v.TrainingFor, v.CloseNote = p.Ticket, p.What, p.For, p.Note
			if v.Station == "" { // left before any desk called it
				v.Station, v.Staff = e.Station, e.Actor
			}
		case KindFollowedUp:
			if v.Pending() {
				v.followedHLC, v.FollowedBy, v.LastEvent = e.HLC, e.Actor, e.ID
				v.FollowedUp = e.HLC.Time()
			}
		case KindVisitDevice:
			p, err := readPayload[visitDevicePayload](e)
			if err != nil {
				return v, false, err
			}
			v.Devices = append(v.Devices, VisitDevice{Serial: p.Serial, Step: p.Step, Event: e.Ref})
		}
	}
	v.Arrived, v.Called, v.Closed = hlcTime(v.arrivedHLC), hlcTime(v.calledHLC), hlcTime(v.closedHLC)
	return v, exists, nil
}

func hlcTime(h HLC) time.Time {
	if h == 0 {
		return time.Time{}
	}
	return h.Time()
}

// saveVisit projects a visit's events into visits and visit_devices.
func saveVisit(ctx context.Context, tx wtx, id string, evs []Event) error {
	v, exists, err := projectVisit(id, evs)
	if err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM visit_devices WHERE visit_id = ?`, `DELETE FROM visits WHERE id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("save visit: %w", err)
		}
	}
	if !exists {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO visits (id, official_id, name, topic, note, meeting_body, meeting_day, state,
  arrived_hlc, arrived_station, arrived_actor, called_hlc, station, staff, closed_hlc, outcome, ticket, training_what, training_for,
  close_note, followed_hlc, followed_actor, last_event)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.Official, v.Name, v.Topic, v.Note, v.Meeting.Body, v.Meeting.Day, string(v.State),
		int64(v.arrivedHLC), v.ArrivedStation, v.ArrivedBy, int64(v.calledHLC), v.Station, v.Staff, int64(v.closedHLC),
		string(v.Outcome), v.Ticket, v.TrainingWhat, v.TrainingFor, v.CloseNote, int64(v.followedHLC), v.FollowedBy, v.LastEvent); err != nil {
		return fmt.Errorf("save visit: %w", err)
	}
	for i, d := range v.Devices {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO visit_devices (visit_id, event_id, serial, step, pos) VALUES (?, ?, ?, ?, ?)`,
			v.ID, d.Event, d.Serial, string(d.Step), i); err != nil {
			return fmt.Errorf("save visit: %w", err)
		}
	}
	return nil
}

// visitStep takes one step on a visit in the caller's transaction: the
// workflow checks it, the event is appended, the visit projected again.
func (s *Store) visitStep(ctx context.Context, tx wtx, id string, k Kind, in VisitInput, by Actor) (Visit, []Event, error) {
	evs, err := subjectEvents(ctx, tx, id)
	if err != nil {
		return Visit{}, nil, err
	}
	v, exists, err := projectVisit(id, evs)
	if err != nil {
		return Visit{}, nil, err
	}
	if err := CheckVisit(v, exists, k, in, s.topics); err != nil {
		return v, nil, err
	}
	var ref string
	var payload any = versioned{V: 1}
	switch k {
	case KindArrived:
		p := arrivedPayload{V: 1, Official: in.Official, Name: strings.TrimSpace(in.Name), Topic: in.Topic, Note: strings.TrimSpace(in.Note)}
		if p.Official != "" {
			o, err := officialByID(ctx, tx, p.Official)
			if err != nil {
				return v, nil, err
			}
			if o == nil {
				return v, nil, &Refusal{Code: RefuseNoOfficial, Kind: k}
			}
			p.Name = o.Name
		}
		m, err := meetingOf(ctx, tx)
		if err != nil {
			return v, nil, err
		}
		p.Meeting = m
		payload = p
	case KindClosed:
		payload = closedPayload{V: 1, Outcome: in.Outcome, Ticket: strings.TrimSpace(in.Ticket), What: strings.TrimSpace(in.What),
			For: strings.TrimSpace(in.For), Note: strings.TrimSpace(in.Note)}
	case KindUndo:
		ref = v.LastEvent
	}
	e := s.newEvent(by, k, id, 0, ref, payload)
	if err := insertEvent(ctx, tx, e); err != nil {
		return v, nil, err
	}
	evs = append(evs, e)
	if err := saveVisit(ctx, tx, id, evs); err != nil {
		return v, nil, err
	}
	v, _, err = projectVisit(id, evs)
	return v, evs, err
}

// visitChange runs steps on one visit in one transaction and returns the
// visit as it left it.
func (s *Store) visitChange(ctx context.Context, steps ...func(wtx) (Visit, error)) (Visit, error) {
	var v Visit
	err := s.inTx(ctx, func(tx wtx) error {
		for _, step := range steps {
			var err error
			if v, err = step(tx); err != nil {
				return err
			}
		}
		return nil
	})
	return v, err
}

// onVisit is one step on a visit, for visitChange.
func (s *Store) onVisit(ctx context.Context, id string, k Kind, in VisitInput, by Actor) func(wtx) (Visit, error) {
	return func(tx wtx) (Visit, error) {
		v, _, err := s.visitStep(ctx, tx, id, k, in, by)
		return v, err
	}
}

func newVisitID() string {
	id, err := uuid.NewV7()
	if err != nil {
		panic(fmt.Sprintf("uuid: %v", err)) // only fails if the system's randomness does
	}
	return visitPrefix + id.String()
}

// Arrive puts someone in the queue: an official (in.Official) or a name
// typed at the desk, with what they came for. A station at a meeting
// stamps the visit with it.
func (s *Store) Arrive(ctx context.Context, in VisitInput, by Actor) (Visit, error) {
	id := newVisitID()
	return s.visitChange(ctx, s.onVisit(ctx, id, KindArrived, in, by))
}

// OpenVisit starts a visit at once, without queueing: it arrives and is
// called in one transaction, so its waiting time is nil.
func (s *Store) OpenVisit(ctx context.Context, in VisitInput, by Actor) (Visit, error) {
	id := newVisitID()
	return s.visitChange(ctx, s.onVisit(ctx, id, KindArrived, in, by), s.onVisit(ctx, id, KindCalled, VisitInput{}, by))
}

// CallVisit takes a queued visit at this desk. One already taken is
// refused with who has it (RefuseTaken).
func (s *Store) CallVisit(ctx context.Context, id string, by Actor) (Visit, error) {
	return s.visitChange(ctx, s.onVisit(ctx, id, KindCalled, VisitInput{}, by))
}

// ErrQueueEmpty: nobody is waiting.
var ErrQueueEmpty = errors.New("nobody is waiting")

// CallNext takes the first visit in the queue.
func (s *Store) CallNext(ctx context.Context, by Actor) (Visit, error) {
	var v Visit
	err := s.inTx(ctx, func(tx wtx) error {
		ids, err := queryStrings(ctx, tx, `SELECT id FROM visits WHERE state = 'queued' ORDER BY `+queueOrder+` LIMIT 1`)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return ErrQueueEmpty
		}
		v, _, err = s.visitStep(ctx, tx, ids[0], KindCalled, VisitInput{}, by)
		return err
	})
	return v, err
}

// CloseVisit ends a visit. When device steps taken during it promise
// receipts, one receipt listing them all is issued in the same
// transaction (see SetReceipter), to be signed once.
func (s *Store) CloseVisit(ctx context.Context, id string, in VisitInput, by Actor) (Visit, *ReceiptRecord, error) {
	var v Visit
	var rec *ReceiptRecord
	err := s.inTx(ctx, func(tx wtx) error {
		var evs []Event
		var err error
		if v, evs, err = s.visitStep(ctx, tx, id, KindClosed, in, by); err != nil {
			return err
		}
		if in.Outcome == Left {
			return nil
		}
		rec, err = s.visitReceipt(ctx, tx, v, evs, by)
		return err
	})
	return v, rec, err
}

// FollowUp ticks off a closed visit's escalation or training request.
func (s *Store) FollowUp(ctx context.Context, id string, by Actor) (Visit, error) {
	return s.visitChange(ctx, s.onVisit(ctx, id, KindFollowedUp, VisitInput{}, by))
}

// UndoVisit cancels the visit's last step: a close, a call, a follow-up,
// or the arrival itself (the visit leaves the queue without a trace but
// the log's).
func (s *Store) UndoVisit(ctx context.Context, id string, by Actor) (Visit, error) {
	return s.visitChange(ctx, s.onVisit(ctx, id, KindUndo, VisitInput{}, by))
}

// linkSteps links the device steps just taken (evs[from:]) to the visit
// the actor is in, in the caller's transaction. It reports whether it
// did: a visit that is no longer open (closed at another desk) takes no
// more devices, and the steps then make their own receipts.
func (s *Store) linkSteps(ctx context.Context, tx wtx, serial string, evs []Event, from int, by Actor) (bool, error) {
	if by.Visit == "" {
		return false, nil
	}
	vevs, err := subjectEvents(ctx, tx, by.Visit)
	if err != nil {
		return false, err
	}
	v, exists, err := projectVisit(by.Visit, vevs)
	if err != nil || !exists || v.State != VisitOpen {
		return false, err
	}
	linked := false
	for _, e := range evs[from:] {
		switch e.Kind {
		case KindReceipt, KindSigned, KindUndo:
			continue
		}
		le := s.newEvent(by, KindVisitDevice, by.Visit, 0, e.ID, visitDevicePayload{V: 1, Serial: serial, Step: e.Kind})
		if err := insertEvent(ctx, tx, le); err != nil {
			return false, err
		}
		vevs, linked = append(vevs, le), true
	}
	if !linked {
		return false, nil
	}
	return true, saveVisit(ctx, tx, by.Visit, vevs)
}

// The queue's order: arrival, then the agreed tie-breaks of the log.
const queueOrder = `arrived_hlc, arrived_station, id`

const visitColumns = `id, official_id, name, topic, note, meeting_body, meeting_day, state, arrived_hlc, arrived_station, arrived_actor,
  called_hlc, station, staff, closed_hlc, outcome, ticket, training_what, training_for, close_note, followed_hlc, followed_actor, last_event`

func scanVisit(row scanFunc) (Visit, error) {
	var v Visit
	var state, outcome string
	var arrived, called, closed, followed int64
	err := row(&v.ID, &v.Official, &v.Name, &v.Topic, &v.Note, &v.Meeting.Body, &v.Meeting.Day, &state, &arrived, &v.ArrivedStation,
		&v.ArrivedBy, &called, &v.Station, &v.Staff, &closed, &outcome, &v.Ticket, &v.TrainingWhat, &v.TrainingFor, &v.CloseNote,
		&followed, &v.FollowedBy, &v.LastEvent)
	v.State, v.Outcome = VisitState(state), Outcome(outcome)
	v.arrivedHLC, v.calledHLC, v.closedHLC, v.followedHLC = HLC(arrived), HLC(called), HLC(closed), HLC(followed)
	v.Arrived, v.Called, v.Closed, v.FollowedUp = hlcTime(v.arrivedHLC), hlcTime(v.calledHLC), hlcTime(v.closedHLC), hlcTime(v.followedHLC)
	return v, err
}

// queryVisits reads the visits a query of visitColumns selects, with
// their devices.
func queryVisits(ctx context.Context, q querier, query string, args ...any) ([]Visit, error) {
	vs, err := queryRows(ctx, q, scanVisit, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read visits: %w", err)
	}
	for i := range vs {
		vs[i].Devices, err = queryRows(ctx, q, func(row scanFunc) (VisitDevice, error) {
			var d VisitDevice
			var step string
			err := row(&d.Serial, &step, &d.Event)
			d.Step = Kind(step)
			return d, err
		}, `SELECT serial, step, event_id FROM visit_devices WHERE visit_id = ? ORDER BY pos`, vs[i].ID)
		if err != nil {
			return nil, fmt.Errorf("read visit devices: %w", err)
		}
	}
	return vs, nil
}

// ErrNoVisit: no such visit.
var ErrNoVisit = errors.New("no such visit")

// Visit reads one visit.
func (s *Store) Visit(ctx context.Context, id string) (Visit, error) {
	vs, err := queryVisits(ctx, s.read, `SELECT `+visitColumns+` FROM visits WHERE id = ?`, id)
	if err != nil {
		return Visit{}, err
	}
	if len(vs) == 0 {
		return Visit{}, ErrNoVisit
	}
	return vs[0], nil
}

// Queue lists the visits waiting, first come first.
func (s *Store) Queue(ctx context.Context) ([]Visit, error) {
	return queryVisits(ctx, s.read, `SELECT `+visitColumns+` FROM visits WHERE state = 'queued' ORDER BY `+queueOrder)
}

// OpenVisits lists the visits being handled, at every desk, oldest call
// first.
func (s *Store) OpenVisits(ctx context.Context) ([]Visit, error) {
	return queryVisits(ctx, s.read, `SELECT `+visitColumns+` FROM visits WHERE state = 'open' ORDER BY called_hlc, station, id`)
}

// Visits lists the visits that arrived in [from, to), oldest first; a
// zero bound is open.
func (s *Store) Visits(ctx context.Context, from, to time.Time) ([]Visit, error) {
	lo, hi := int64(0), int64(1<<62)
	if !from.IsZero() {
		lo = int64(hlcAt(from))
	}
	if !to.IsZero() {
		hi = int64(hlcAt(to))
	}
	return queryVisits(ctx, s.read, `SELECT `+visitColumns+` FROM visits WHERE arrived_hlc >= ? AND arrived_hlc < ? ORDER BY `+queueOrder, lo, hi)
}

// FollowUps lists the escalations and training requests still to follow
// up, or with all, every one; oldest first.
func (s *Store) FollowUps(ctx context.Context, all bool) ([]Visit, error) {
	q := `SELECT ` + visitColumns + ` FROM visits WHERE state = 'closed' AND outcome IN ('escalated', 'training')`
	if !all {
		q += ` AND followed_hlc = 0`
	}
	return queryVisits(ctx, s.read, q+` ORDER BY closed_hlc, id`)
}

// SettingMeeting: the meeting the station is at, as JSON; empty when at
// the desk in office hours.
const SettingMeeting = "meeting"

// SetMeeting marks the station as being at a meeting; nil ends it.
func (s *Store) SetMeeting(ctx context.Context, m *Meeting) error {
	v := ""
	if m != nil {
		if strings.TrimSpace(m.Body) == "" {
			return &Refusal{Code: RefuseNoMeetingBody, Kind: KindArrived}
		}
		if _, err := time.Parse(time.DateOnly, m.Day); err != nil {
			return fmt.Errorf("meeting day %q: want yyyy-mm-dd", m.Day)
		}
		m.Body = strings.TrimSpace(m.Body)
		// As the roster spells it, where it has the body: "kommunestyret"
		// typed is the report's "Kommunestyret", one line with the
		// visitors' own seats, not a second. A body not on the roster
		// (its members not imported) is kept as typed.
		var scope *ScopeError
		switch _, body, err := batchScope(ctx, s.read, "", m.Body); {
		case err == nil:
			m.Body = body
		case !errors.As(err, &scope):
			return fmt.Errorf("meeting: %w", err)
		}
		v = string(mustJSON(m))
	}
	return s.SetSettings(ctx, map[string]string{SettingMeeting: v})
}

// Meeting is the meeting the station is at, or nil.
func (s *Store) Meeting(ctx context.Context) (*Meeting, error) { return meetingOf(ctx, s.read) }

func meetingOf(ctx context.Context, q querier) (*Meeting, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, SettingMeeting).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && v == "") {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("meeting: %w", err)
	}
	var m Meeting
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return nil, fmt.Errorf("meeting setting: %w", err)
	}
	return &m, nil
}
