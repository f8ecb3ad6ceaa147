package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// SeedOptions shape a generated data set: a county's officials and their
// tablets, taken through a migration the way desks and the secretariat
// take them, for measuring dropin at scale.
type SeedOptions struct {
	Tablets  int    // officials and tablets, one each (default 100,000)
	Events   int    // at least this many events in the log (default 10 per tablet)
	Stations int    // desks (default 12)
	Seed     uint64 // the same seed gives the same data set
	Progress func(stage string, done, total int)
}

// CacheName is the file a county seeded with o is kept in between runs
// of `dropin bench` and the benchmarks that read it. Its last part is
// the layout of what Seed makes, so that a change to it seeds anew.
func (o SeedOptions) CacheName() string {
	return fmt.Sprintf("bench-%d-%d-%d-v%d.db", o.Tablets, o.Events, o.Seed, seedLayout)
}

// seedLayout: 2, each batch collects its municipality's tablets (as a
// secretariat opens one), where in 1 it expected the whole county's.
const seedLayout = 2

// BenchCounty is the county `dropin bench` seeds by default: 100,000
// tablets, 1,000,000 events, seed 1.
var BenchCounty = SeedOptions{Tablets: 100_000, Events: 1_000_000, Seed: 1}

// SeedReport says what Seed made.
type SeedReport struct {
	Municipalities, Officials, Tablets, Batches, Events int
}

// Municipality names for generated data; beyond the list a number is added.
var seedMunicipalities = []string{"Levanger", "Verdal", "Steinkjer", "Stjørdal", "Malvik", "Frosta", "Inderøy", "Snåsa",
	"Namsos", "Grong", "Lierne", "Røyrvik", "Høylandet", "Overhalla", "Flatanger", "Osen", "Åfjord", "Ørland",
	"Indre Fosen", "Frøya", "Hitra", "Orkland", "Skaun", "Melhus", "Midtre Gauldal", "Holtålen", "Røros", "Tydal",
	"Selbu", "Oppdal", "Rennebu", "Heim", "Trondheim", "Meråker", "Nærøysund", "Leka", "Rindal", "Surnadal", "Aure", "Smøla"}

// seedBody is a body of generated officials: how many seats of a hundred
// are in it, and its roles.
type seedBody struct {
	name  string
	share int
	role  []string
}

var seedBodies = []seedBody{
	{"Kommunestyret", 45, []string{"Medlem", "Varamedlem", "Leder"}},
	{"Formannskapet", 10, []string{"Medlem", "Leder", "Nestleder"}},
	{"Hovedutvalg for oppvekst", 10, []string{"Medlem", "Varamedlem"}},
	{"Hovedutvalg for helse og velferd", 10, []string{"Medlem", "Varamedlem"}},
	{"Plan- og miljøutvalget", 10, []string{"Medlem", "Varamedlem"}},
	{"Kontrollutvalget", 5, []string{"Medlem", "Leder"}},
	{"Eldrerådet", 5, []string{"Medlem"}},
	{"Ungdomsrådet", 5, []string{"Medlem"}},
}

var seedFirst = []string{"Kari", "Ola", "Øystein", "Åse", "Ærlend", "Ingrid", "Per", "Siri", "Bjørn", "Solveig", "Håkon",
	"Marit", "Tor", "Liv", "Geir", "Anne", "Jørgen", "Ragnhild", "Eirik", "Tone", "Knut", "Mona", "Nils", "Berit"}
var seedLast = []string{"Nordmann", "Aasen", "Ødegård", "Fløan", "Hansen", "Johansen", "Lund", "Strand", "Bakken", "Østby",
	"Haugen", "Moe", "Sæther", "Kvål", "Vold", "Myhre", "Grønning", "Berg", "Dahl", "Åsheim"}
var seedModels = []string{"iPad (9. gen)", "iPad (10. gen)", "iPad Air", "Galaxy Tab S6 Lite", "Galaxy Tab A8", "Surface Go 3"}

// Seed fills an empty store with a county's migration: officials with
// their seats from a roster import, tablets collected in batches (about
// 70 %), sent to IT and upgraded with a few failures, the rest checked in
// at desks, first logins and hand-backs, repairs, undone mistakes, and
// tablets that come back, until the log holds opt.Events events. Every
// change goes through the same code as the desk's: the import, the batch
// steps and the workflow, many steps to a transaction.
func (s *Store) Seed(ctx context.Context, opt SeedOptions) (SeedReport, error) {
	if opt.Tablets <= 0 {
		opt.Tablets = 100_000
	}
	if opt.Events <= 0 {
		opt.Events = 10 * opt.Tablets
	}
	if opt.Stations <= 0 {
		opt.Stations = 12
	}
	progress := opt.Progress
	if progress == nil {
		progress = func(string, int, int) {}
	}
	var rep SeedReport
	if n, err := s.countEvents(ctx); err != nil || n > 0 {
		return rep, fmt.Errorf("seed: the database must be empty (it has %d events)", n)
	}
	// Every step goes through the workflow, but coverage and the chase
	// list are counted once at the end, not kept step by step: their
	// triggers were two fifths of the seeding.
	if err := s.setCoverageAsideUntilBack(ctx); err != nil {
		return rep, fmt.Errorf("seed: %w", err)
	}
	rep, err := s.seed(ctx, opt, progress)
	if back := s.putCoverageBack(ctx); back != nil && err == nil {
		err = fmt.Errorf("seed: %w", back)
	}
	return rep, err
}

func (s *Store) seed(ctx context.Context, opt SeedOptions, progress func(string, int, int)) (SeedReport, error) {
	var rep SeedReport
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	// A migration's weeks, a second or so between steps.
	at := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	realNow := s.now
	s.now = func() time.Time { at = at.Add(time.Duration(200+rng.IntN(1600)) * time.Millisecond); return at }
	defer func() { s.now = realNow }()
	desk := func(i int) Actor {
		return Actor{Station: fmt.Sprintf("skranke-%d", i%opt.Stations+1), Staff: string(rune('A'+i%26)) + string(rune('A'+i/26%26))}
	}
	secretariat := Actor{Station: "sekretariatet", Staff: "SEK"}

	// 1. The roster: a municipality per 2,500 officials.
	muns := max(1, opt.Tablets/2500)
	ros := &Roster{}
	serials := make([]string, opt.Tablets)
	munOf := make([]int, opt.Tablets)
	employee := make([]bool, opt.Tablets)
	seen := map[string]bool{}
	for i := range opt.Tablets {
		m := i % muns
		mun := seedMunicipalities[m%len(seedMunicipalities)]
		if m >= len(seedMunicipalities) {
			mun = fmt.Sprintf("%s %d", mun, m/len(seedMunicipalities)+1)
		}
		first, last := seedFirst[rng.IntN(len(seedFirst))], seedLast[rng.IntN(len(seedLast))]
		local := strings.ToLower(Fold(first) + "." + Fold(last) + fmt.Sprint(i))
		domain := strings.ReplaceAll(strings.ToLower(Fold(mun)), " ", "-")
		o := Official{
			ID: local + "@" + domain + ".kommune.no", Name: first + " " + last, Municipality: mun,
			EmailPrimary: local + "@" + domain + ".kommune.no", EmailSecondary: local + "@samkommune.no",
			Phone: fmt.Sprintf("%03d %02d %03d", 400+rng.IntN(600), rng.IntN(100), rng.IntN(1000)), Employee: rng.IntN(100) < 5,
		}
		for range 1 + rng.IntN(3) {
			b := pickBody(rng)
			if !slices.ContainsFunc(o.Seats, func(st Seat) bool { return st.Body == b.name }) {
				o.Seats = append(o.Seats, Seat{Body: b.name, Role: b.role[rng.IntN(len(b.role))]})
			}
		}
		serial := seedSerial(rng)
		for seen[serial] {
			serial = seedSerial(rng)
		}
		seen[serial] = true
		ros.Officials = append(ros.Officials, o)
		ros.Tablets = append(ros.Tablets, RosterTablet{Serial: serial, Model: seedModels[rng.IntN(len(seedModels))], Official: o.ID, Line: i + 2})
		serials[i], munOf[i], employee[i] = serial, m, o.Employee
	}
	progress("roster", 0, opt.Tablets)
	if _, err := s.Import(ctx, ros, secretariat, false); err != nil {
		return rep, fmt.Errorf("seed roster: %w", err)
	}
	rep.Municipalities, rep.Officials, rep.Tablets = muns, len(ros.Officials), len(ros.Tablets)
	progress("roster", opt.Tablets, opt.Tablets)

	// 2. Batches: about 70 % collected in bulk, a batch per municipality
	// and round of about 500 tablets, read as the scanner reads (a few
	// double reads), sent to IT, upgraded with 2 % failing.
	collected := make([]bool, opt.Tablets)
	byMun := make([][]int, muns)
	for i := range opt.Tablets {
		if !employee[i] && rng.IntN(100) < 70 {
			byMun[munOf[i]] = append(byMun[munOf[i]], i)
		}
	}
	done := 0
	for _, idx := range byMun {
		for start := 0; start < len(idx); start += 500 {
			part := idx[start:min(len(idx), start+500)]
			// The batch as the desk opens it, less the counts it shows.
			mun := ros.Officials[idx[0]].Municipality
			id, err := s.openBatch(ctx, BatchSpec{Name: fmt.Sprintf("%s, runde %d", mun, start/500+1), ITDate: "14. april", Municipality: mun}, secretariat)
			if err != nil {
				return rep, err
			}
			raws := make([]string, 0, len(part)+len(part)/50)
			for _, i := range part {
				raws = append(raws, serials[i])
				if rng.IntN(100) < 2 {
					raws = append(raws, serials[i]) // read twice
				}
				collected[i] = true
			}
			if _, err := s.ReadBatch(ctx, id, raws, secretariat); err != nil {
				return rep, err
			}
			if _, err := s.SentToIT(ctx, id, secretariat); err != nil {
				return rep, err
			}
			failed := map[string]string{}
			for _, i := range part {
				if rng.IntN(100) < 2 {
					failed[serials[i]] = "oppdateringen stoppet"
				}
			}
			if _, err := s.Upgraded(ctx, id, failed, secretariat); err != nil {
				return rep, err
			}
			if err := s.CloseBatch(ctx, id, secretariat); err != nil {
				return rep, err
			}
			rep.Batches++
			done += len(part)
			progress("batches", done, opt.Tablets*7/10)
		}
	}

	// 3. The desks: the rest are checked in and upgraded there, failures
	// repaired, every tablet's first login and hand-back, now and then a
	// step undone by mistake.
	plan := func(i int, d Device) []Kind {
		var ks []Kind
		switch {
		case d.Status == EmployeeTrack:
			return nil
		case d.Status == Failed && rng.IntN(100) < 20:
			return nil // waiting for a part
		case d.Status == Failed:
			ks = append(ks, KindResolved)
		case !collected[i] && rng.IntN(100) < 10:
			return nil // never came: still to chase
		}
		stop := len(Ladder)
		if rng.IntN(100) < 8 {
			stop = d.Step.Rank() + 1 + rng.IntN(len(Ladder)-d.Step.Rank()) // still on its way
		}
		for r := d.Step.Rank() + 1; r < stop; r++ {
			ks = append(ks, Kind(Ladder[r]))
			if rng.IntN(100) < 3 {
				ks = append(ks, KindUndo, Kind(Ladder[r])) // a slip, undone and taken again
			}
			if Ladder[r] == Upgrading && rng.IntN(100) < 3 {
				ks = append(ks, KindFailed, KindResolved)
			}
		}
		return ks
	}
	if err := s.seedSteps(ctx, serials, desk, plan, progress, "desks"); err != nil {
		return rep, err
	}
	// 4. Tablets come back: a new visit each until the log is full.
	for round := 1; ; round++ {
		n, err := s.countEvents(ctx)
		if err != nil {
			return rep, err
		}
		if n >= opt.Events {
			rep.Events = n
			break
		}
		want := (opt.Events - n) / 5 // a visit is about five steps
		var back []string
		for _, i := range rng.Perm(len(serials)) {
			if len(back) >= max(1, want+want/10) {
				break
			}
			back = append(back, serials[i])
		}
		again := func(_ int, d Device) []Kind {
			if d.Step != HandedBack || d.Status != HandedBack {
				return nil
			}
			return []Kind{KindReceived, KindUpgrading, KindUpgraded, KindFirstLogin, KindHandedBack}
		}
		if err := s.seedSteps(ctx, back, desk, again, progress, fmt.Sprintf("returns %d", round)); err != nil {
			return rep, err
		}
		if round > 20 {
			return rep, fmt.Errorf("seed: the log stays at %d events", n)
		}
	}
	return rep, nil
}

// seedSteps takes the steps plan gives each tablet through the workflow,
// a thousand tablets to a transaction.
func (s *Store) seedSteps(ctx context.Context, serials []string, desk func(int) Actor, plan func(int, Device) []Kind, progress func(string, int, int), stage string) error {
	const chunk = 1000
	for start := 0; start < len(serials); start += chunk {
		err := s.inTx(ctx, func(tx wtx) error {
			for i := start; i < min(len(serials), start+chunk); i++ {
				serial := serials[i]
				evs, err := subjectEvents(ctx, tx, serial)
				if err != nil {
					return err
				}
				by := desk(i)
				d, err := projectDevice(serial, evs)
				if err != nil {
					return err
				}
				for _, k := range plan(i, d) {
					in := Input{}
					switch k {
					case KindFirstLogin:
						in.Checklist = Checklist
					case KindFailed:
						in.Reason = "skjermen er knust"
					}
					if evs, err = s.apply(ctx, tx, serial, evs, k, in, by); err != nil {
						return fmt.Errorf("seed %s %s: %w", serial, k, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		progress(stage, min(len(serials), start+chunk), len(serials))
	}
	return nil
}

func (s *Store) countEvents(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT count(*) FROM events`).Scan(&n)
	return n, err
}

func pickBody(rng *rand.Rand) seedBody {
	n := rng.IntN(100)
	for _, b := range seedBodies {
		if n < b.share {
			return b
		}
		n -= b.share
	}
	return seedBodies[0]
}

func seedSerial(rng *rand.Rand) string {
	const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
	b := make([]byte, 12)
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}
