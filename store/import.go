package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
)

// ImportReport says what an import changed, or with DryRun, would change.
type ImportReport struct {
	DryRun       bool
	New          []Official // officials not seen before
	Updated      []Official // officials whose record changed (back from removed included)
	Unchanged    int
	Disappeared  []Official // in the store for the roster's municipalities, not in the roster
	NewTablets   int        // registered as expected (or on the employees' track)
	Relinked     int        // tablets moved to another official
	ToEmployee   int        // tablets put on the employees' track
	FromEmployee int        // tablets taken off it
}

// ErrRosterInvalid is returned by Import for a roster with bad rows; the
// rows are in the roster's Errors and nothing was changed.
var ErrRosterInvalid = errors.New("the roster has errors; nothing was imported")

// bulkRows is the smallest piece of work (a roster's officials and
// tablets, a batch's reads) that may set the coverage triggers aside.
var bulkRows = 2000

// coverageAsideFor sets the coverage triggers aside for work of rows rows
// in tx when counting coverage once at its end costs less than the
// triggers would: 2,000 rows or more, and at least half as many as the
// desk has tablets (recounting costs about half what the triggers do, a
// tablet). It returns the recount to run before commit, or nil, and
// whether the desk has no tablet yet (work that makes them all can
// tally coverage itself, as a rebuild does, for the recount to write).
func coverageAsideFor(ctx context.Context, tx wtx, rows int) (recount func(*coverageTally) error, none bool, err error) {
	if rows < bulkRows {
		return nil, false, nil
	}
	var tablets int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM devices`).Scan(&tablets); err != nil {
		return nil, false, err
	}
	if rows*2 < tablets {
		return nil, false, nil
	}
	recount, err = setCoverageAside(ctx, tx)
	return recount, tablets == 0, err
}

// Import applies a parsed roster in one transaction: officials are added
// or updated (never duplicated: the primary e-mail is the key), officials
// of the roster's municipalities that it no longer lists are marked as
// gone, and registered tablets become expected, or follow the employees'
// track for municipal employees. A tablet already on its ladder is never
// moved back. With dryRun the same work is done and rolled back.
func (s *Store) Import(ctx context.Context, ros *Roster, by Actor, dryRun bool) (*ImportReport, error) {
	if len(ros.Errors) > 0 {
		return nil, ErrRosterInvalid
	}
	tx, err := s.begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("begin: %w", classify(err))
	}
	defer tx.Rollback()
	// An import writes two events and two to four rows for each official
	// and tablet: gathered, they go many to a statement.
	tx = tx.gathering()
	rep, err := s.importIn(ctx, tx, ros, by, dryRun)
	if err != nil || dryRun {
		return rep, tx.cause(err) // (a dry run: the deferred rollback undoes it all)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("commit: %w", classify(err))
	}
	return rep, nil
}

// importIn is Import's work in tx, up to the commit.
func (s *Store) importIn(ctx context.Context, tx wtx, ros *Roster, by Actor, dryRun bool) (*ImportReport, error) {
	rep := &ImportReport{DryRun: dryRun}

	existing, err := officialIndex(ctx, tx)
	if err != nil {
		return nil, err
	}
	// A roster large beside what the desk holds (the first import of a
	// county, say) writes more rows than the coverage and chase triggers
	// pay for: they are set aside and both counted once at the end.
	recount, none, err := coverageAsideFor(ctx, tx, len(ros.Officials)+len(ros.Tablets))
	if err != nil {
		return nil, err
	}
	// Into a desk with no tablet (a county's first roster) every tablet
	// is the roster's, of the roster's officials: coverage is tallied
	// from them as they are written, not counted again from the tables.
	var tally *coverageTally
	var tablets map[string]Device // each as it ends, for the tally
	if none {
		tally, tablets = newCoverageTally(), map[string]Device{}
	}
	inRoster := map[string]bool{}
	municipalities := map[string]bool{}
	employee := map[string]bool{}
	for _, o := range ros.Officials {
		municipalities[o.Municipality] = true
		employee[o.ID] = o.Employee
		_, known := existing[o.ID]
		changed, err := s.putOfficialKnown(ctx, tx, o, known || inRoster[o.ID], by)
		if err != nil {
			return nil, err
		}
		inRoster[o.ID] = true
		if tally != nil {
			tally.add(subjectWork{official: &o}) // (as it now is, changed or not)
		}
		switch {
		case !known:
			rep.New = append(rep.New, o)
		case changed:
			rep.Updated = append(rep.Updated, o)
		default:
			rep.Unchanged++
		}
	}
	for id, prev := range existing {
		if inRoster[id] || prev.Removed || !municipalities[prev.Municipality] {
			continue
		}
		full, err := officialByID(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		full.Removed = true
		if _, err := s.putOfficial(ctx, tx, *full, by); err != nil {
			return nil, err
		}
		rep.Disappeared = append(rep.Disappeared, *full)
	}
	sort.Slice(rep.Disappeared, func(i, j int) bool { return rep.Disappeared[i].Name < rep.Disappeared[j].Name })

	logged, err := subjectsLogged(ctx, tx, ros.Tablets)
	if err != nil {
		return nil, err
	}
	for _, t := range ros.Tablets {
		d, err := s.importTablet(ctx, tx, t, logged[t.Serial], employee[t.Official], by, rep)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", t.Line, err)
		}
		logged[t.Serial] = true // (a roster lists a serial once; a Roster made otherwise may not)
		if tally != nil {
			tablets[t.Serial] = d
		}
	}
	if dryRun {
		return rep, nil
	}
	if recount != nil {
		for _, d := range tablets {
			tally.add(subjectWork{device: &d})
		}
		if err := recount(tally); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// subjectsLogged are the serials of tablets that have events in the log:
// the others need no read (which would write the gathered rows first).
func subjectsLogged(ctx context.Context, tx wtx, tablets []RosterTablet) (map[string]bool, error) {
	serials := make([]string, len(tablets))
	for i, t := range tablets {
		serials[i] = t.Serial
	}
	logged, err := queryStrings(ctx, tx, `SELECT DISTINCT subject FROM events WHERE subject IN (SELECT value FROM json_each(?))`,
		string(mustJSON(serials)))
	if err != nil {
		return nil, fmt.Errorf("look up the roster's tablets: %w", err)
	}
	out := make(map[string]bool, len(logged))
	for _, serial := range logged {
		out[serial] = true
	}
	return out, nil
}

// importTablet registers, relinks or re-tracks one roster tablet through
// the workflow, like any desk step, and returns it as it now is. A tablet
// not logged has no events to read.
func (s *Store) importTablet(ctx context.Context, tx wtx, t RosterTablet, logged, emp bool, by Actor, rep *ImportReport) (Device, error) {
	var evs []Event
	var err error
	if logged {
		if evs, err = subjectEvents(ctx, tx, t.Serial); err != nil {
			return Device{}, err
		}
	}
	d, err := projectDevice(t.Serial, evs)
	if err != nil {
		return d, err
	}
	step := func(k Kind, in Input) error {
		evs, err = s.apply(ctx, tx, t.Serial, evs, k, in, by)
		if err == nil {
			d, err = projectDevice(t.Serial, evs)
		}
		return err
	}
	if !d.Known {
		if err := step(KindRegistered, Input{Model: t.Model, Official: t.Official}); err != nil {
			return d, err
		}
		rep.NewTablets++
	} else if d.OfficialID != t.Official {
		if err := step(KindLinked, Input{Official: t.Official}); err != nil {
			return d, err
		}
		rep.Relinked++
	}
	switch {
	case emp && !d.Employee && d.Step == Expected:
		rep.ToEmployee++
		err = step(KindEmployee, Input{On: true})
	case !emp && d.Employee:
		rep.FromEmployee++
		err = step(KindEmployee, Input{On: false})
	}
	return d, err
}

// officialIndex lists every official's id with the fields an import
// compares.
func officialIndex(ctx context.Context, q querier) (map[string]Official, error) {
	out := map[string]Official{}
	err := eachRow(ctx, q, func(row scanFunc) error {
		var o Official
		var removed int
		err := row(&o.ID, &o.Name, &o.Municipality, &removed)
		o.Removed = removed == 1
		out[o.ID] = o
		return err
	}, `SELECT id, name, municipality, removed FROM officials`)
	if err != nil {
		return nil, fmt.Errorf("list officials: %w", err)
	}
	return out, nil
}

// ImportFile reads a roster file as Excel saves it and imports it (or,
// with dryRun, says what would change and changes nothing).
func (s *Store) ImportFile(ctx context.Context, path string, by Actor, dryRun bool) (*Roster, *ImportReport, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	// A workbook saved from Excel as it is, or the CSV Excel exports.
	parse := ParseRoster
	switch {
	case IsWorkbook(data):
		parse = ParseWorkbook
	case isOldWorkbook(data):
		return nil, nil, ErrOldWorkbook
	}
	ros, err := parse(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	rep, err := s.Import(ctx, ros, by, dryRun)
	return ros, rep, err
}
