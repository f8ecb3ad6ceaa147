package store

import "fmt"

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
	Kind   Kind   // the step asked for
	Status Status // where the tablet stood
	Need   Status // for RefuseSkip: the step that must come first
}

// RefusalCode is the reason for a Refusal.
type RefusalCode int

const (
	RefuseUnknown       RefusalCode = iota + 1 // no such tablet
	RefuseExists                               // already registered
	RefuseDone                                 // the tablet is already at or past that step
	RefuseSkip                                 // an earlier step must come first (see Need)
	RefuseFailed                               // an open failure must be resolved first
	RefuseEmployee                             // the tablet follows the employees' track
	RefuseNoReason                             // failed needs a reason
	RefuseChecklist                            // first-login needs every checklist item
	RefuseNotFailed                            // nothing to resolve
	RefuseNotAtDesk                            // failed needs the tablet in hand
	RefuseAtDesk                               // employees' track only before the desk has it
	RefuseNothingToUndo                        // no step to undo
	RefuseNoOfficial                           // link to an official that is not known
)

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
	}
	return fmt.Sprintf("refused (%d)", r.Code)
}

// Input carries what a step needs besides the tablet.
type Input struct {
	Reason    string   // failed
	Checklist []string // first-login: the items done
	On        bool     // employee-track: set or clear
	Model     string   // registered
	Official  string   // registered, linked: the official's id
	Ref       string   // undo: the event to cancel; empty for the tablet's last step
	Batch     string   // received: the batch the tablet came in with, if any
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
	}
	return fmt.Errorf("workflow: %q is not a step", k)
}

// NextStep is the step the desk offers on its one "next" key: the next
// rung of the ladder, the way out of a side state, or a new visit for a
// tablet that was handed back.
func NextStep(d Device) (Kind, bool) {
	switch {
	case !d.Known:
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
