package export

import (
	"context"
	"fmt"
	"strings"
	"time"

	"dropin/store"
	"dropin/store/remind"
)

// Devices is every known tablet: its official and status.
func Devices(ctx context.Context, st *store.Store, words Words) (Table, error) {
	b := newTable("devices", words, "serial", "model", "official", "official_email", "status", "updated_at", "station")
	err := st.Devices(ctx, func(r store.DeviceRow) error {
		b.row(r.Serial, r.Model, r.Official, r.OfficialID, b.word("status.", string(r.Status)), r.Updated, r.Station)
		return nil
	})
	return b.t, err
}

// Officials is every official, a row each: bodies, contact, employee,
// whether still on the roster, their tablets and the tablets' statuses.
func Officials(ctx context.Context, st *store.Store, words Words) (Table, error) {
	b := newTable("officials", words, "name", "municipality", "bodies", "email_primary", "email_secondary", "phone", "employee", "on_roster", "serial", "status")
	err := st.OfficialRows(ctx, func(o store.OfficialRow) error {
		statuses := make([]string, len(o.Statuses))
		for i, s := range o.Statuses {
			statuses[i] = b.word("status.", string(s))
		}
		b.row(o.Name, o.Municipality, store.SeatsText(o.Seats), o.EmailPrimary, o.EmailSecondary, o.Phone,
			b.yesNo(o.Employee), b.yesNo(!o.Removed), strings.Join(o.Serials, " "), b.list(statuses))
		return nil
	})
	return b.t, err
}

// Outstanding is the officials to chase: their tablet is still expected.
func Outstanding(ctx context.Context, st *store.Store, words Words) (Table, error) {
	list, err := st.Outstanding(ctx)
	return OutstandingOf(words, list), err
}

// OutstandingOf is the chase list as a table: the desk's Oversikt writes
// the officials it shows, filtered as the user filtered them.
func OutstandingOf(words Words, list []store.Chase) Table {
	b := newTable("outstanding", words, "name", "municipality", "bodies", "phone", "email", "serial", "model")
	for _, c := range list {
		b.row(c.Name, c.Municipality, c.Bodies(), c.Phone, c.Email, c.Serial, c.Model)
	}
	return b.t
}

// Equipment is every official's entitlement, devices and what is missing.
func Equipment(ctx context.Context, st *store.Store, words Words) (Table, error) {
	rows, err := st.Equipment(ctx)
	return EquipmentOf(words, rows), err
}

// EquipmentOf is officials' equipment rows as a table.
func EquipmentOf(words Words, rows []store.EquipmentRow) Table {
	b := newTable("equipment", words, "name", "bodies", "email", "phone", "entitled", "awaiting_approval", "has", "serial", "missing")
	kinds := func(ks []store.DeviceKind) string {
		out := make([]string, len(ks))
		for i, k := range ks {
			out[i] = b.word("device.", string(k))
		}
		return b.list(out)
	}
	for _, r := range rows {
		var has, serials, awaiting []string
		for _, h := range r.Has {
			has, serials = append(has, b.word("device.", string(h.Kind))), append(serials, h.Serial)
		}
		for _, p := range r.Entitlement.Pending {
			awaiting = append(awaiting, b.word("device.", string(p.Kind))+" ("+p.Body+")")
		}
		b.row(r.Official.Name, store.SeatsText(r.Official.Seats), r.Official.EmailPrimary, r.Official.Phone,
			kinds(r.Entitlement.Kinds), b.list(awaiting), b.list(has), strings.Join(serials, " "), kinds(r.Missing))
	}
	return b.t
}

// Holders is the term-end list: every device an official has.
func Holders(ctx context.Context, st *store.Store, words Words) (Table, error) {
	hs, err := st.Holders(ctx)
	return HoldersOf(words, hs), err
}

// HoldersOf is holdings as the term-end table.
func HoldersOf(words Words, hs []store.Holding) Table {
	b := newTable("holders", words, "name", "bodies", "phone", "email", "device", "serial", "model", "custody", "since")
	for _, h := range hs {
		b.row(h.Official, store.SeatsText(h.Seats), h.Phone, h.OfficialID, b.word("device.", string(h.Kind)), h.Serial, h.Model,
			b.custody(h), h.Since)
	}
	return b.t
}

// custody is where a holding is: its custody, or for a roster's tablet in
// for its upgrade, that and its step (words only; codes say the custody).
func (b *builder) custody(h store.Holding) string {
	if b.words == nil || !h.HandedIn() {
		return b.word("custody.", string(h.Custody))
	}
	return fmt.Sprintf(b.words("custody.handedin"), b.words("status."+string(h.Status)))
}

// Requests is the help and training asked for at deliveries: the open
// ones, or with all every one.
func Requests(ctx context.Context, st *store.Store, words Words, all bool) (Table, error) {
	reqs, err := st.Requests(ctx, all)
	return RequestsOf(words, reqs), err
}

// RequestsOf is help and training requests as a table.
func RequestsOf(words Words, reqs []store.RequestRow) Table {
	b := newTable("requests", words, "requested_at", "name", "phone", "email", "device", "serial", "help", "training", "note", "done_at", "done_by", "id")
	for _, r := range reqs {
		var doneAt time.Time
		if r.Done {
			doneAt = r.DoneAt
		}
		b.row(r.At, r.Official, r.Phone, r.OfficialID, b.word("device.", string(r.Kind)), r.Serial,
			b.yesNo(r.Help), b.yesNo(r.Training), r.Note, doneAt, r.DoneBy, r.ID)
	}
	return b.t
}

// Batch is a batch's report: a row per tablet in the batch (kind
// "tablet", or "unknown" for one not on the roster) and one per official
// still missing (kind "missing").
func Batch(ctx context.Context, st *store.Store, words Words, bt store.Batch) (Table, error) {
	b := newTable("batch", words, "kind", "serial", "model", "official", "status", "bodies", "phone", "email")
	members, err := st.Members(ctx, bt.ID)
	if err != nil {
		return b.t, err
	}
	missing, err := st.Missing(ctx, bt)
	for _, m := range members {
		kind := "tablet"
		if m.Unknown {
			kind = "unknown"
		}
		b.row(b.word("csv.read.", kind), m.Serial, m.Model, m.Official, b.word("status.", string(m.Status)), "", "", "")
	}
	for _, c := range missing {
		b.row(b.word("csv.read.", "missing"), c.Serial, c.Model, c.Name, b.word("status.", string(store.Expected)), c.Bodies(), c.Phone, c.Email)
	}
	return b.t, err
}

// BatchParts is a batch's report in three parts, for a workbook's three
// sheets: the counts (the batch's reads, then its tablets per status),
// the tablets it took in, and the officials still missing.
func BatchParts(ctx context.Context, st *store.Store, words Words, bt store.Batch) ([]Table, error) {
	members, err := st.Members(ctx, bt.ID)
	if err != nil {
		return nil, err
	}
	missing, err := st.Missing(ctx, bt)
	if err != nil {
		return nil, err
	}
	counts := newTable("batch_counts", words, "count_of", "count")
	for _, c := range []struct {
		code string
		n    int
	}{{"expected", bt.Expected}, {"collected", bt.Collected}, {"elsewhere", bt.Elsewhere(len(missing))}, {"others", bt.Others()},
		{"unknown", bt.Unknown}, {"duplicates", bt.Duplicates}, {"invalid", bt.Invalid}} {
		counts.row(counts.word("csv.count.", c.code), c.n)
	}
	outcome := map[store.Status]int{}
	for _, m := range members {
		outcome[m.Status]++
	}
	for _, s := range store.Statuses {
		if n := outcome[s]; n > 0 {
			counts.row(counts.word("status.", string(s)), n)
		}
	}
	tablets := newTable("batch_tablets", words, "serial", "model", "official", "status", "kind")
	for _, m := range members {
		kind := "tablet"
		if m.Unknown {
			kind = "unknown"
		}
		tablets.row(m.Serial, m.Model, m.Official, tablets.word("status.", string(m.Status)), tablets.word("csv.read.", kind))
	}
	still := newTable("batch_missing", words, "name", "municipality", "bodies", "phone", "email", "serial", "model")
	for _, c := range missing {
		still.row(c.Name, c.Municipality, c.Bodies(), c.Phone, c.Email, c.Serial, c.Model)
	}
	return []Table{counts.t, tablets.t, still.t}, nil
}

// Reminders is the list for what e-mail cannot reach, and for the
// municipality's SMS tool or a mail merge: each official to chase, their
// phone, the address a reminder goes to (or none: call) and why, and
// what they have been sent.
func Reminders(words Words, rs []remind.Recipient) Table {
	b := newTable("reminders", words, "name", "municipality", "bodies", "phone", "address", "why", "reminded", "last_reminded", "serial")
	for _, r := range rs {
		o := r.Official
		b.row(o.Name, o.Municipality, store.SeatsText(o.Seats), o.Phone, r.Address, b.word("remind.why.", string(r.Why)),
			r.Last.Count, r.Last.Last, strings.Join(r.Serials, " "))
	}
	return b.t
}

// Visits is the walk-in desk's log: a row per visit, oldest first. topic
// names a topic code in the export's words (nil: the code).
func Visits(words Words, topic func(string) string, vs []store.Visit) Table {
	b := newTable("visits", words, "arrived_at", "name", "official", "topic", "note", "meeting", "called_at", "station", "staff",
		"waited_min", "closed_at", "outcome", "handled_min", "ticket", "training_what", "training_for", "followed_up_at", "devices")
	for _, v := range vs {
		meeting := ""
		if v.Meeting.Body != "" {
			meeting = v.Meeting.Body + " " + v.Meeting.Day
		}
		var waited, handled any = "", "" // minutes, as numbers; empty when not measured
		if w, ok := v.Waiting(); ok {
			waited = minutesInt(w)
		}
		if h, ok := v.Handling(); ok {
			handled = minutesInt(h)
		}
		var devices []string
		for _, d := range v.Devices {
			devices = append(devices, d.Serial)
		}
		b.row(v.Arrived, v.Name, v.Official, topicWord(topic, v.Topic), v.Note, meeting, v.Called, v.Station, v.Staff,
			waited, v.Closed, b.word("visit.outcome.", string(v.Outcome)), handled, v.Ticket, v.TrainingWhat, v.TrainingFor,
			v.FollowedUp, b.list(devices))
	}
	return b.t
}

// VisitReport is the walk-in desk's report as tables, a workbook's
// sheets: the figures (visits, served, left, at meetings, waiting and
// handling times), visits by day, by hour, by topic, by outcome, by
// municipality and body, at each meeting, and the follow-ups still open.
func VisitReport(words Words, topic func(string) string, r store.VisitReport) []Table {
	figures := newTable("visit_figures", words, "count_of", "count")
	for _, f := range []struct {
		code string
		n    int
	}{{"visits", r.Visits}, {"served", r.Served}, {"left", r.Left}, {"office_hours", r.OfficeHours}, {"at_meetings", r.Visits - r.OfficeHours},
		{"waiting_median_min", minutesInt(r.Waiting.Median)}, {"waiting_p90_min", minutesInt(r.Waiting.P90)},
		{"handling_median_min", minutesInt(r.Handling.Median)}, {"handling_p90_min", minutesInt(r.Handling.P90)}} {
		figures.row(figures.word("csv.count.", f.code), f.n)
	}
	tally := func(name, col string, ts []store.Tally, key func(string) string) Table {
		b := newTable(name, words, col, "count")
		for _, t := range ts {
			b.row(key(t.Key), t.N)
		}
		return b.t
	}
	same := func(s string) string { return s }
	hours := newTable("visits_by_hour", words, "hour", "count")
	for h, n := range r.ByHour {
		if n > 0 {
			hours.row(fmt.Sprintf("%02d", h), n)
		}
	}
	place := newTable("visits_by_place", words, "municipality", "body", "count")
	for _, m := range r.ByMunicipality {
		place.row(m.Key, "", m.N)
	}
	for _, bd := range r.ByBody {
		place.row("", bd.Key, bd.N)
	}
	outcome := func(code string) string {
		if code == "" {
			code = "open"
		}
		if words == nil {
			return code
		}
		return words("visit.outcome." + code)
	}
	return []Table{figures.t, tally("visits_by_day", "day", r.ByDay, same), hours.t,
		tally("visits_by_topic", "topic", r.ByTopic, func(c string) string { return topicWord(topic, c) }),
		tally("visits_by_outcome", "outcome", r.ByOutcome, outcome), place.t,
		tally("visits_at_meetings", "meeting", r.AtMeetings, same), FollowUps(words, r.FollowUps)}
}

// FollowUps is the escalations and training requests of visits, with who
// asked and when, and who took the visit.
func FollowUps(words Words, vs []store.Visit) Table {
	b := newTable("follow_ups", words, "closed_at", "name", "outcome", "ticket", "training_what", "training_for", "staff", "station")
	for _, v := range vs {
		b.row(v.Closed, v.Name, b.word("visit.outcome.", string(v.Outcome)), v.Ticket, v.TrainingWhat, v.TrainingFor, v.Staff, v.Station)
	}
	return b.t
}

func topicWord(topic func(string) string, code string) string {
	if topic == nil {
		return code
	}
	return topic(code)
}

// minutesInt is a duration in whole minutes, rounded.
func minutesInt(d time.Duration) int { return int(d.Round(time.Minute) / time.Minute) }
