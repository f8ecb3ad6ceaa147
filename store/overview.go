package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Coverage is how far one municipality, or one body in it, has come.
// A tablet whose official sits in two bodies counts in both body lines,
// once in the municipality's.
type Coverage struct {
	Municipality string
	Body         string // empty for the municipality's own line
	Counts       map[Status]int
}

// Total is the tablets the desk handles: all but the employees' track.
func (c Coverage) Total() int {
	n := 0
	for s, k := range c.Counts {
		if s != EmployeeTrack {
			n += k
		}
	}
	return n
}

// Percent is done of total in whole per cent; none of none is 0.
func Percent(done, total int) int {
	if total == 0 {
		return 0
	}
	return done * 100 / total
}

// OverviewColumns are the overview's columns, in order: the desk's
// Oversikt and the dashboard draw the same.
var OverviewColumns = []Status{Expected, Received, Upgrading, Upgraded, FirstLogin, Failed, EmployeeTrack}

// Column is the number the overview shows in a column: the first-login
// column counts the tablets handed back too (they passed it).
func (c Coverage) Column(s Status) int {
	if s == FirstLogin {
		return c.LoggedIn()
	}
	return c.Counts[s]
}

// Collected is the tablets handed in: anything past expected.
func (c Coverage) Collected() int { return c.Total() - c.Counts[Expected] }

// LoggedIn is the tablets whose official has done the first login.
func (c Coverage) LoggedIn() int { return c.Counts[FirstLogin] + c.Counts[HandedBack] }

// Coverage lists every municipality followed by its bodies, by name, and
// returns the grand total too.
func (s *Store) Coverage(ctx context.Context) ([]Coverage, Coverage, error) {
	total := Coverage{Counts: map[Status]int{}}
	lines := map[[2]string]*Coverage{}
	// Kept up to date by triggers (migration 0008): a few hundred rows
	// however many tablets there are.
	err := eachRow(ctx, s.read, func(row scanFunc) error {
		var mun, body, status string
		var n int
		if err := row(&mun, &body, &status, &n); err != nil {
			return err
		}
		k := [2]string{mun, body}
		c := lines[k]
		if c == nil {
			c = &Coverage{Municipality: mun, Body: body, Counts: map[Status]int{}}
			lines[k] = c
		}
		c.Counts[Status(status)] += n
		if body == "" {
			total.Counts[Status(status)] += n
		}
		return nil
	}, `SELECT municipality, body, status, n FROM coverage WHERE n > 0 AND status <> 'lifecycle'`)
	if err != nil {
		return nil, total, fmt.Errorf("coverage: %w", err)
	}
	out := make([]Coverage, 0, len(lines))
	for _, c := range lines {
		out = append(out, *c)
	}
	folded := map[string]string{} // each name folded once, not per comparison
	fold := func(s string) string {
		f, ok := folded[s]
		if !ok {
			f = Fold(s)
			folded[s] = f
		}
		return f
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Municipality != b.Municipality {
			return fold(a.Municipality) < fold(b.Municipality)
		}
		return a.Body == "" || (b.Body != "" && fold(a.Body) < fold(b.Body))
	})
	return out, total, nil
}

// Chase is an official whose registered tablet has not been handed in.
type Chase struct {
	OfficialID   string
	Name         string
	Municipality string
	Phone        string
	Email        string
	Seats        []Seat
	Serial       string
	Model        string
	Reminded     int       // reminders sent
	RemindedAt   time.Time // the last one; zero: never
	Folded       string    // Fold(Name), kept with the list: search needs no folding per load
}

// Bodies is the official's bodies and roles on one line.
func (c Chase) Bodies() string { return SeatsText(c.Seats) }

// SeatsText is bodies and roles on one line: "Kommunestyret (Leder); Formannskapet".
func SeatsText(seats []Seat) string {
	parts := make([]string, len(seats))
	for i, s := range seats {
		parts[i] = s.Body
		if s.Role != "" {
			parts[i] += " (" + s.Role + ")"
		}
	}
	return strings.Join(parts, "; ")
}

// Overview is what the overview screen shows.
type Overview struct {
	Lines        []Coverage
	Total        Coverage
	Chase        []Chase // nil when ChaseSame
	ChaseVersion int64
	ChaseSame    bool // the list to chase is the one of version have: keep it
}

// LoadOverview reads the coverage and, unless the list to chase is still
// the one of version have (-1: none held), the list too. A refresh after a
// step that moved no tablet in or out of "expected" reads a few hundred
// counts, whatever the county's size.
func (s *Store) LoadOverview(ctx context.Context, have int64) (Overview, error) {
	var ov Overview
	var err error
	if ov.ChaseVersion, err = s.ChaseVersion(ctx); err != nil {
		return ov, fmt.Errorf("overview: %w", err)
	}
	if ov.Lines, ov.Total, err = s.Coverage(ctx); err != nil {
		return ov, err
	}
	if ov.ChaseVersion == have {
		ov.ChaseSame = true
		return ov, nil
	}
	ov.Chase, err = s.Outstanding(ctx)
	return ov, err
}

// ChaseVersion changes whenever the list Outstanding returns may have: a
// screen that holds the list reads it again only then.
func (s *Store) ChaseVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.read.QueryRowContext(ctx, `SELECT v FROM chase_version`).Scan(&v)
	return v, err
}

// LogHead moves whenever an event is written to this store's log (its
// last row's number): a cache of anything projected from the log, kept
// while it stands still, is still true. One look-up, at any size.
func (s *Store) LogHead(ctx context.Context) (int64, error) {
	var v int64
	err := s.read.QueryRowContext(ctx, `SELECT coalesce(max(rowid), 0) FROM events`).Scan(&v)
	return v, err
}

// Outstanding lists the officials to chase, by name (folded), then
// official and serial: their tablet is on the roster and still expected.
// Officials gone from the roster are left out, and so are employees, who
// go through their unit.
//
// The list is kept by triggers (migration 0011). It is read through in
// its stored order and sorted here, the reminders joined from a map: on a
// county's first morning, 100,000 to chase, walking its index in name
// order read the table a row at a time, at twice the time.
func (s *Store) Outstanding(ctx context.Context) ([]Chase, error) {
	tx, err := s.read.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("outstanding: %w", err)
	}
	defer tx.Rollback()
	type reminded struct {
		count int
		last  int64
	}
	reminders := map[string]reminded{}
	err = eachRow(ctx, tx, func(row scanFunc) error {
		var id string
		var r reminded
		if err := row(&id, &r.count, &r.last); err != nil {
			return err
		}
		reminders[id] = r
		return nil
	}, `SELECT official_id, count, last_hlc FROM reminders`)
	if err != nil {
		return nil, fmt.Errorf("outstanding: %w", err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM chase`).Scan(&n); err != nil {
		return nil, fmt.Errorf("outstanding: %w", err)
	}
	list := make([]Chase, 0, n)
	err = eachRow(ctx, tx, func(row scanFunc) error {
		var c Chase
		var seats string
		if err := row(&c.OfficialID, &c.Name, &c.Municipality, &c.Phone, &c.Email, &c.Serial, &c.Model, &seats, &c.Folded); err != nil {
			return err
		}
		if r, ok := reminders[c.OfficialID]; ok {
			c.Reminded = r.count
			if r.last != 0 {
				c.RemindedAt = HLC(r.last).Time()
			}
		}
		var err error
		if c.Seats, err = seatsOf(seats); err != nil {
			return fmt.Errorf("seats of %s: %w", c.OfficialID, err)
		}
		list = append(list, c)
		return nil
	}, `SELECT official_id, name, municipality, phone, email, serial, model, seats, fold FROM chase NOT INDEXED`)
	if err != nil {
		return nil, fmt.Errorf("outstanding: %w", err)
	}
	return InOrder(list, SortOrder(len(list), func(a, b int) int {
		x, y := &list[a], &list[b]
		return cmp.Or(strings.Compare(x.Folded, y.Folded), strings.Compare(x.OfficialID, y.OfficialID), strings.Compare(x.Serial, y.Serial))
	})), nil
}

// DayProgress is how many tablets reached each mark on one day: handed
// in, upgraded, through the first login.
type DayProgress struct {
	Day                           time.Time // midnight, in the location asked for
	Collected, Upgraded, LoggedIn int
}

// Progress is the tablets' marks day by day in loc, oldest first, from
// the times the projection keeps (the current visit's first step past
// each mark). Days without a mark are left out.
func (s *Store) Progress(ctx context.Context, loc *time.Location) ([]DayProgress, error) {
	days := map[time.Time]*DayProgress{}
	at := func(h HLC) *DayProgress {
		t := h.Time().In(loc)
		d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
		p := days[d]
		if p == nil {
			p = &DayProgress{Day: d}
			days[d] = p
		}
		return p
	}
	err := eachRow(ctx, s.read, func(row scanFunc) error {
		var rec, upg, login int64
		if err := row(&rec, &upg, &login); err != nil {
			return err
		}
		at(HLC(rec)).Collected++
		if upg > 0 {
			at(HLC(upg)).Upgraded++
		}
		if login > 0 {
			at(HLC(login)).LoggedIn++
		}
		return nil
	}, `SELECT received_hlc, upgraded_hlc, login_hlc FROM devices WHERE received_hlc > 0 AND kind = 'tablet'`)
	out := make([]DayProgress, 0, len(days))
	for _, p := range days {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Day.Before(out[j].Day) })
	return out, err
}

// StationDay is what one station did since a time: how many events it
// made and who made them.
type StationDay struct {
	Events int
	Staff  []string // initials, in order
}

// stationsCTE names the stations of the log, one seek of events_station
// each: a loose scan of the index, where DISTINCT would read every event.
const stationsCTE = `RECURSIVE stations(name) AS (
    SELECT (SELECT min(station) FROM events)
    UNION ALL
    SELECT (SELECT min(station) FROM events WHERE station > stations.name) FROM stations WHERE name IS NOT NULL
)`

// StationsSince is each station's events since a time (the start of a
// day, for the dashboard's Desks page), from the log this store holds.
func (s *Store) StationsSince(ctx context.Context, since time.Time) (map[string]StationDay, error) {
	out := map[string]StationDay{}
	err := eachRow(ctx, s.read, func(row scanFunc) error {
		var station, actor string
		var n int
		if err := row(&station, &actor, &n); err != nil {
			return err
		}
		d := out[station]
		d.Events += n
		if actor != "" {
			d.Staff = append(d.Staff, actor)
		}
		out[station] = d
		return nil
	}, `WITH `+stationsCTE+`
SELECT e.station, e.actor, count(*) FROM stations s CROSS JOIN events e INDEXED BY events_station ON e.station = s.name AND e.hlc >= ?
GROUP BY e.station, e.actor ORDER BY e.station, e.actor`, int64(hlcAt(since)))
	return out, err
}
