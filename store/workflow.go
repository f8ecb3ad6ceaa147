package store

import (
	"fmt"
	"slices"
)

// Status is where a tablet stands.
type Status string

// The ladder, in order, and the two side states.
const (
	Expected      Status = "expected"    // on the roster, not yet seen
	Received      Status = "received"    // at the desk or with the secretariat
	Upgrading     Status = "upgrading"   // with IT
	Upgraded      Status = "upgraded"    // upgrade done
	FirstLogin    Status = "first-login" // guided first login done with the official
	HandedBack    Status = "handed-back" // back with the official
	Failed        Status = "failed"      // needs repair or replacement; has a reason
	EmployeeTrack Status = "employee-track"
	// Lifecycle: a laptop, a phone or a tablet bought for the next term
	// follows the lifecycle (stock, issued, returned, reset), not the
	// migration's upgrade ladder; it counts in no coverage.
	Lifecycle Status = "lifecycle"
)

// Ladder lists the upgrade steps in order.
var Ladder = []Status{Expected, Received, Upgrading, Upgraded, FirstLogin, HandedBack}

// Statuses lists every status, ladder first.
var Statuses = append(append([]Status{}, Ladder...), Failed, EmployeeTrack)

// Rank is the position of s on the ladder, or -1 for a side state.
func (s Status) Rank() int {
	for i, l := range Ladder {
		if l == s {
			return i
		}
	}
	return -1
}

// ladderKind reports whether k moves a tablet along the ladder.
func ladderKind(k Kind) bool {
	return Status(k).Rank() > 0
}

// Checklist is what the guided first login checks, in order.
var Checklist = []string{"primary-account", "email", "teams", "first-agenda", "agenda-live"}

// Refusal says why the workflow will not take a step. The screens translate
// its Code; Error is for logs and the command line.
type Refusal struct {
	Code   RefusalCode
	Kind   Kind       // the step asked for
	Status Status     // where the tablet stood
	Need   Status     // for RefuseSkip: the step that must come first
	Device DeviceKind // for the entitlement refusals: the kind of device
	Body   string     // for RefuseNeedsApproval and RefuseNoSeat: the body
	Who    string     // for RefuseTaken: the staff who has the visit
	Where  string     // for RefuseTaken: at which station
}

// RefusalCode is the reason for a Refusal: a stable code, which also names
// its words in the catalogs ("refuse.<code>"), so adding one shifts nothing.
type RefusalCode string

const (
	RefuseUnknown        RefusalCode = "unknown"          // no such tablet
	RefuseExists         RefusalCode = "exists"           // already registered
	RefuseDone           RefusalCode = "done"             // the tablet is already at or past that step
	RefuseSkip           RefusalCode = "skip"             // an earlier step must come first (see Need)
	RefuseFailed         RefusalCode = "failed"           // an open failure must be resolved first
	RefuseEmployee       RefusalCode = "employee"         // the tablet follows the employees' track
	RefuseNotTablet      RefusalCode = "not-tablet"       // the upgrade ladder is for the migration's tablets
	RefuseNoReason       RefusalCode = "no-reason"        // failed needs a reason
	RefuseChecklist      RefusalCode = "checklist"        // first-login needs every checklist item
	RefuseNotFailed      RefusalCode = "not-failed"       // nothing to resolve
	RefuseNotAtDesk      RefusalCode = "not-at-desk"      // failed needs the tablet in hand
	RefuseAtDesk         RefusalCode = "at-desk"          // employees' track only before the desk has it
	RefuseNothingToUndo  RefusalCode = "nothing-to-undo"  // no step to undo
	RefuseNoOfficial     RefusalCode = "no-official"      // link to an official that is not known
	RefuseHeld           RefusalCode = "held"             // issue: an official has the device; return it first
	RefuseNotReset       RefusalCode = "not-reset"        // issue: the device was returned and is not reset yet
	RefuseNotEntitled    RefusalCode = "not-entitled"     // issue: the rules give the official no device of this kind
	RefuseNeedsApproval  RefusalCode = "needs-approval"   // issue: the body's chair must approve first (see Body)
	RefuseHasKind        RefusalCode = "has-kind"         // issue: the official already has a device of this kind
	RefuseNotHeld        RefusalCode = "not-held"         // return: nobody has the device
	RefuseNotReturned    RefusalCode = "not-returned"     // reset: the device has not been returned
	RefuseNoSeat         RefusalCode = "no-seat"          // approve: the official does not sit in that body
	RefuseNoApprover     RefusalCode = "no-approver"      // approve: who approved must be named
	RefuseNoReturnReason RefusalCode = "no-return-reason" // return: term end or leaving early must be said

	// The walk-in desk's (CheckVisit).
	RefuseNoVisitor     RefusalCode = "no-visitor"      // arrival: say who came
	RefuseNoTopic       RefusalCode = "no-topic"        // arrival: the topic is not on the list
	RefuseTooLong       RefusalCode = "too-long"        // a note or name longer than a visit keeps
	RefuseNoVisit       RefusalCode = "no-visit"        // no such visit
	RefuseTaken         RefusalCode = "taken"           // call: another desk has the visit (see Who, Where)
	RefuseVisitClosed   RefusalCode = "visit-closed"    // the visit is already closed
	RefuseNotCalled     RefusalCode = "not-called"      // close: call the visit first (only "left" closes a queued one)
	RefuseNoOutcome     RefusalCode = "no-outcome"      // close: solved, escalated, training or left
	RefuseNoTicket      RefusalCode = "no-ticket"       // escalated needs IT's ticket number
	RefuseNoTraining    RefusalCode = "no-training"     // a training request needs what and for whom
	RefuseNoFollowUp    RefusalCode = "no-follow-up"    // only an escalation or a training request is followed up
	RefuseNoMeetingBody RefusalCode = "no-meeting-body" // meeting mode: say which body meets
)

// RefusalCodes is every refusal code, for the catalogs' test.
var RefusalCodes = []RefusalCode{RefuseUnknown, RefuseExists, RefuseDone, RefuseSkip, RefuseFailed, RefuseEmployee, RefuseNoReason, RefuseChecklist, RefuseNotFailed, RefuseNotAtDesk, RefuseAtDesk, RefuseNothingToUndo, RefuseNoOfficial, RefuseHeld, RefuseNotReset, RefuseNotEntitled, RefuseNeedsApproval, RefuseHasKind, RefuseNotHeld, RefuseNotReturned, RefuseNoSeat, RefuseNoApprover, RefuseNoReturnReason,
	RefuseNoVisitor, RefuseNoTopic, RefuseTooLong, RefuseNoVisit, RefuseTaken, RefuseVisitClosed, RefuseNotCalled, RefuseNoOutcome, RefuseNoTicket, RefuseNoTraining, RefuseNoFollowUp, RefuseNoMeetingBody}

func (r *Refusal) Error() string {
	switch r.Code {
	case RefuseUnknown:
		return "unknown tablet"
	case RefuseExists:
		return "tablet already registered"
	case RefuseDone:
		return fmt.Sprintf("%s refused: the tablet is already %s", r.Kind, r.Status)
	case RefuseSkip:
		return fmt.Sprintf("%s refused: the tablet is %s; %s comes first", r.Kind, r.Status, r.Need)
	case RefuseFailed:
		return fmt.Sprintf("%s refused: the tablet has an open failure; resolve it first", r.Kind)
	case RefuseEmployee:
		return fmt.Sprintf("%s refused: the tablet follows the employees' track", r.Kind)
	case RefuseNoReason:
		return "failed needs a reason"
	case RefuseChecklist:
		return "first-login needs every item of the checklist"
	case RefuseNotFailed:
		return "nothing to resolve: the tablet has no open failure"
	case RefuseNotAtDesk:
		return fmt.Sprintf("failed refused: the tablet is %s, not in hand", r.Status)
	case RefuseAtDesk:
		return fmt.Sprintf("employees' track refused: the tablet is already %s", r.Status)
	case RefuseNothingToUndo:
		return "nothing to undo"
	case RefuseNoOfficial:
		return "no such official"
	case RefuseHeld:
		return "issue refused: an official has the device; take it back first"
	case RefuseNotReset:
		return "issue refused: the device was returned and must be reset first"
	case RefuseNotEntitled:
		return fmt.Sprintf("issue refused: the rules give the official no %s", r.Device)
	case RefuseNeedsApproval:
		return fmt.Sprintf("issue refused: a %s needs the approval of the chair of %s", r.Device, r.Body)
	case RefuseHasKind:
		return fmt.Sprintf("issue refused: the official already has a %s", r.Device)
	case RefuseNotHeld:
		return "return refused: nobody has the device"
	case RefuseNotReturned:
		return "reset refused: the device has not been returned"
	case RefuseNoSeat:
		return fmt.Sprintf("approval refused: the official does not sit in %s", r.Body)
	case RefuseNoApprover:
		return "approval refused: say who approved"
	case RefuseNoReturnReason:
		return "return refused: say why (term-end or leaving)"
	case RefuseNoVisitor:
		return "say who came: an official or a name"
	case RefuseNoTopic:
		return "the topic is not on the topics list"
	case RefuseTooLong:
		return "too long: a visit keeps a short note"
	case RefuseNoVisit:
		return "no such visit"
	case RefuseTaken:
		return fmt.Sprintf("%s at %s has this visit", r.Who, r.Where)
	case RefuseVisitClosed:
		return "the visit is already closed"
	case RefuseNotCalled:
		return "call the visit first"
	case RefuseNoOutcome:
		return "say how the visit ended: solved, escalated, training or left"
	case RefuseNoTicket:
		return "escalated needs IT's ticket number"
	case RefuseNoTraining:
		return "a training request needs what and for whom"
	case RefuseNoFollowUp:
		return "only an escalation or a training request is followed up"
	case RefuseNoMeetingBody:
		return "say which body meets"
	}
	return fmt.Sprintf("refused (%s)", r.Code)
}

// Input carries what a step needs besides the tablet.
type Input struct {
	Reason    string     // failed
	Checklist []string   // first-login: the items done
	On        bool       // employee-track: set or clear
	Model     string     // registered
	Official  string     // registered, linked: the official's id
	Ref       string     // undo: the event to cancel; empty for the tablet's last step
	Batch     string     // received: the batch the tablet came in with, if any
	Device    DeviceKind // registered: the kind of device (a tablet when empty)
	Stock     bool       // registered: new equipment into stock, not a hand-in
	Request   Request    // issued: help and training asked for
	// issued: what the official is entitled to and the kinds they have;
	// a nil Entitlement skips the entitlement checks.
	Entitlement *Entitlement
	Holds       []DeviceKind
}

// Check is the workflow: it decides whether the step k may be taken on the
// tablet d, and is the one place that does. The desk, batch steps and the
// roster import all go through it (via Store.apply); events pulled from
// other stations are not re-checked, they already happened.
func Check(d Device, k Kind, in Input) error {
	refuse := func(code RefusalCode) error { return &Refusal{Code: code, Kind: k, Status: d.Status} }
	if k == KindRegistered {
		if d.Known {
			return refuse(RefuseExists)
		}
		return nil
	}
	if !d.Known {
		return refuse(RefuseUnknown)
	}
	switch {
	case ladderKind(k):
		switch {
		case d.Kind != "" && d.Kind != Tablet, d.Stock:
			return &Refusal{Code: RefuseNotTablet, Kind: k, Status: d.Status, Device: d.Kind}
		case d.Status == Failed:
			return refuse(RefuseFailed)
		case d.Status == EmployeeTrack:
			return refuse(RefuseEmployee)
		case k == KindReceived && d.Step == HandedBack:
			return nil // the tablet is back: a new visit
		}
		want, have := Status(k).Rank(), d.Step.Rank()
		switch {
		case want <= have:
			return refuse(RefuseDone)
		case want > have+1:
			return &Refusal{Code: RefuseSkip, Kind: k, Status: d.Status, Need: Ladder[have+1]}
		case k == KindFirstLogin && !checklistDone(in.Checklist):
			return refuse(RefuseChecklist)
		}
		return nil
	case k == KindFailed:
		switch {
		case d.Status == Failed:
			return refuse(RefuseFailed)
		case d.Status == EmployeeTrack:
			return refuse(RefuseEmployee)
		case d.Step == Expected || d.Step == HandedBack:
			return refuse(RefuseNotAtDesk)
		case in.Reason == "":
			return refuse(RefuseNoReason)
		}
		return nil
	case k == KindResolved:
		if d.Status != Failed {
			return refuse(RefuseNotFailed)
		}
		return nil
	case k == KindEmployee:
		if in.On == d.Employee {
			return refuse(RefuseDone)
		}
		if in.On && d.Step != Expected {
			return refuse(RefuseAtDesk)
		}
		return nil
	case k == KindUndo:
		if d.LastStep == "" && in.Ref == "" {
			return refuse(RefuseNothingToUndo)
		}
		return nil
	case k == KindLinked:
		return nil
	case k == KindIssued:
		return checkIssue(d, in)
	case k == KindReturned:
		switch {
		case !d.Custody.WithOfficial():
			return refuse(RefuseNotHeld)
		case in.Reason != ReturnTermEnd && in.Reason != ReturnLeaving:
			return refuse(RefuseNoReturnReason)
		}
		return nil
	case k == KindReset:
		if d.Custody != Returned {
			return refuse(RefuseNotReturned)
		}
		return nil
	}
	return fmt.Errorf("workflow: %q is not a step", k)
}

// NextStep is the step the desk offers on its one "next" key: the next
// rung of the ladder, the way out of a side state, or a new visit for a
// tablet that was handed back.
func NextStep(d Device) (Kind, bool) {
	switch {
	case !d.Known, d.Status == Lifecycle:
		return "", false
	case d.Status == Failed:
		return KindResolved, true
	case d.Status == EmployeeTrack:
		return KindEmployee, true
	case d.Step == HandedBack:
		return KindReceived, true
	}
	return Kind(Ladder[d.Step.Rank()+1]), true
}

// checkIssue: a device goes to an official only from stock (never while
// someone has it, never unreset), in working order, and only when the
// rules entitle the official to its kind and they do not have one.
func checkIssue(d Device, in Input) error {
	refuse := func(code RefusalCode) error {
		return &Refusal{Code: code, Kind: KindIssued, Status: d.Status, Device: d.Kind}
	}
	switch {
	case d.Status == Failed:
		return refuse(RefuseFailed)
	case d.Custody.WithOfficial():
		return refuse(RefuseHeld)
	case d.Custody == Returned:
		return refuse(RefuseNotReset)
	case in.Official == "":
		return refuse(RefuseNoOfficial)
	case in.Entitlement == nil:
		return nil
	case slices.Contains(in.Holds, d.Kind):
		return refuse(RefuseHasKind)
	case in.Entitlement.Allows(d.Kind):
		return nil
	}
	if body, ok := in.Entitlement.Awaits(d.Kind); ok {
		r := refuse(RefuseNeedsApproval).(*Refusal)
		r.Body = body
		return r
	}
	return refuse(RefuseNotEntitled)
}

func checklistDone(items []string) bool {
	have := map[string]bool{}
	for _, it := range items {
		have[it] = true
	}
	for _, it := range Checklist {
		if !have[it] {
			return false
		}
	}
	return true
}
