package store

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"
)

// Tally is a count under a key: a day, a topic, a municipality.
type Tally struct {
	Key string
	N   int
}

// Spread is how long something took across visits: how many were
// measured, the median and the 90th percentile, by nearest rank (the
// smallest time at least that share of visits were within).
type Spread struct {
	N           int
	Median, P90 time.Duration
}

// VisitReport is the walk-in desk's figures over a span of days: when
// people come (to staff the desk), what for, from where, how long they
// waited and were helped, and what is still to follow up.
type VisitReport struct {
	From, To time.Time // the span, [From, To); zero: open
	Visits   int       // arrived in the span
	Served   int       // called by a desk
	Left     int       // went away unserved

	ByDay          []Tally // yyyy-mm-dd, in order
	ByHour         [24]int // the hour of arrival, local time
	ByTopic        []Tally // topic codes, most first
	ByOutcome      []Tally // outcome codes, in Outcomes' order; "" for still open
	ByMunicipality []Tally // the official's municipality; "" for visitors not on the roster
	ByBody         []Tally // the meeting's body, else the official's first seat's; "" for none
	AtMeetings     []Tally // "body yyyy-mm-dd" for each meeting the desk was at
	OfficeHours    int     // visits not at a meeting
	Waiting        Spread  // arrival to call, of every visit called
	Handling       Spread  // call to close, of every visit closed after a call
	FollowUps      []Visit // escalations and training requests still open, any day
}

// Visitor is where officials belong: their municipality and first body.
type Visitor struct {
	Municipality map[string]string
	Body         map[string]string
}

// VisitReport reads the visits that arrived in [from, to) (a zero bound
// is open) and counts them, hours in loc.
func (s *Store) VisitReport(ctx context.Context, from, to time.Time, loc *time.Location) (VisitReport, error) {
	vs, err := s.Visits(ctx, from, to)
	if err != nil {
		return VisitReport{}, err
	}
	where := &Visitor{Municipality: map[string]string{}, Body: map[string]string{}}
	err = eachRow(ctx, s.read, func(row scanFunc) error {
		var id, municipality, body string
		err := row(&id, &municipality, &body)
		where.Municipality[id], where.Body[id] = municipality, body
		return err
	}, `SELECT o.id, o.municipality, coalesce((SELECT body FROM seats WHERE official_id = o.id ORDER BY pos LIMIT 1), '')
FROM officials o WHERE o.id IN (SELECT DISTINCT official_id FROM visits WHERE official_id <> '')`)
	if err != nil {
		return VisitReport{}, err
	}
	follow, err := s.FollowUps(ctx, false)
	if err != nil {
		return VisitReport{}, err
	}
	r := CountVisits(vs, where, loc)
	r.From, r.To, r.FollowUps = from, to, follow
	return r, nil
}

// CountVisits makes a report's figures from visits, with where their
// officials belong. It is the whole of the report's arithmetic.
func CountVisits(vs []Visit, where *Visitor, loc *time.Location) VisitReport {
	if loc == nil {
		loc = time.Local
	}
	r := VisitReport{Visits: len(vs)}
	day, topic, outcome, mun, body, meeting := tally{}, tally{}, tally{}, tally{}, tally{}, tally{}
	var waits, handles []time.Duration
	for _, v := range vs {
		at := v.Arrived.In(loc)
		day.add(at.Format(time.DateOnly))
		r.ByHour[at.Hour()]++
		topic.add(v.Topic)
		outcome.add(string(v.Outcome))
		mun.add(where.Municipality[v.Official])
		b := where.Body[v.Official]
		if v.Meeting.Body != "" {
			b = v.Meeting.Body
			meeting.add(v.Meeting.Body + " " + v.Meeting.Day)
		} else {
			r.OfficeHours++
		}
		body.add(b)
		if w, ok := v.Waiting(); ok {
			r.Served++
			waits = append(waits, w)
		}
		if v.Outcome == Left && v.Called.IsZero() {
			r.Left++
		}
		if h, ok := v.Handling(); ok && v.Outcome != Left {
			handles = append(handles, h)
		}
	}
	r.ByDay = day.byKey()
	r.ByTopic, r.ByMunicipality, r.ByBody = topic.byCount(), mun.byCount(), body.byCount()
	r.AtMeetings = meeting.byKey()
	for _, o := range append([]Outcome{""}, Outcomes...) {
		if n := outcome[string(o)]; n > 0 {
			r.ByOutcome = append(r.ByOutcome, Tally{string(o), n})
		}
	}
	r.Waiting, r.Handling = spread(waits), spread(handles)
	return r
}

type tally map[string]int

func (t tally) add(k string) { t[k]++ }

func (t tally) byKey() []Tally {
	out := make([]Tally, 0, len(t))
	for k, n := range t {
		out = append(out, Tally{k, n})
	}
	slices.SortFunc(out, func(a, b Tally) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// byCount: most first, then by key.
func (t tally) byCount() []Tally {
	out := t.byKey()
	slices.SortStableFunc(out, func(a, b Tally) int { return b.N - a.N })
	return out
}

// spread is the median and 90th percentile of ds by nearest rank.
func spread(ds []time.Duration) Spread {
	if len(ds) == 0 {
		return Spread{}
	}
	slices.Sort(ds)
	rank := func(p float64) time.Duration {
		return ds[int(math.Ceil(p*float64(len(ds))))-1]
	}
	return Spread{N: len(ds), Median: rank(0.5), P90: rank(0.9)}
}
