package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// Migration 0020 keys the chase list by official: a desk's list is the
// same after it as before, and its tablets' triggers keep it after.
func TestTheChaseListKeyedByOfficialKeepsTheList(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", dsn(filepath.Join(t.TempDir(), "old.db"), false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if err := migrateTo(ctx, db, ms[:19]); err != nil {
		t.Fatal(err)
	}
	// A desk as 0019 left it, written as the store writes: its triggers
	// make the list.
	for i, o := range []Official{
		{ID: "kari@levanger.kommune.no", Name: "Kari Nordmann", Municipality: "Levanger", Seats: []Seat{{Body: "Kommunestyret", Role: "Medlem"}}},
		{ID: "ola@levanger.kommune.no", Name: "Ola Ås", Municipality: "Levanger", Seats: []Seat{{Body: "Formannskapet"}}},
	} {
		if _, err := db.Exec(saveOfficialSQL, officialValues(o)...); err != nil {
			t.Fatal(err)
		}
		for pos, st := range o.Seats {
			if _, err := db.Exec(`INSERT INTO seats (official_id, pos, body, role) VALUES (?, ?, ?, ?)`, o.ID, pos, st.Body, st.Role); err != nil {
				t.Fatal(err)
			}
		}
		for j, status := range []Status{Expected, Expected, Received} {
			d := Device{Serial: fmt.Sprintf("TAB%d%d", i, j), Known: true, Model: "iPad", OfficialID: o.ID, Status: status, Step: Expected, Cycle: 1, Custody: "official"}
			if _, err := db.Exec(saveDeviceSQL, deviceValues(d)...); err != nil {
				t.Fatal(err)
			}
		}
	}
	list := func() [][]string {
		var out [][]string
		rows, err := db.Query(`SELECT serial, official_id, fold, name, model, seats FROM chase ORDER BY fold, official_id, serial`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			r := make([]string, 6)
			if err := rows.Scan(&r[0], &r[1], &r[2], &r[3], &r[4], &r[5]); err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
		return out
	}
	before := list()
	if len(before) != 4 {
		t.Fatalf("before the migration: %v", before)
	}
	if err := migrateTo(ctx, db, ms[:20]); err != nil {
		t.Fatal(err)
	}
	if after := list(); !reflect.DeepEqual(after, before) {
		t.Fatalf("the chase list changed with the migration:\n%v\n%v", after, before)
	}
	// Its tablets' triggers find their rows by official and serial.
	if _, err := db.Exec(`UPDATE devices SET status = 'received' WHERE serial = 'TAB00'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM devices WHERE serial = 'TAB11'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`UPDATE devices SET official_id = 'ola@levanger.kommune.no' WHERE serial = 'TAB01'`); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range list() {
		got = append(got, r[0]+" "+r[1])
	}
	if want := []string{"TAB01 ola@levanger.kommune.no", "TAB10 ola@levanger.kommune.no"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("after the tablets moved: %v, want %v", got, want)
	}
}

// Migration 0021 on a desk stopped while its coverage triggers were set
// aside (a seed): the new trigger takes the set-aside one's place, the
// others come back when the desk opens, and a step counts as before.
func TestTheOneUpsertTriggerReplacesASetAsideOne(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "aside.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	importRoster(t, s, parseFile(t, "roster-levanger.csv"), false)
	count := func() (n int) {
		if err := s.read.QueryRow(`SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'coverage\_%' ESCAPE '\'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	triggers := count()
	if err := s.setCoverageAsideUntilBack(ctx); err != nil {
		t.Fatal(err)
	}
	// Back to how 0020 left it: the old trigger is what was set aside.
	const old = `CREATE TRIGGER coverage_device_change AFTER UPDATE OF status, official_id ON devices BEGIN SELECT 1; END`
	for _, q := range []string{`UPDATE set_aside SET sql = '` + old + `' WHERE name = 'coverage_device_change'`,
		`ALTER TABLE batches DROP COLUMN municipality`, `PRAGMA user_version = 20`} {
		if _, err := s.write.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var aside int
	var made string
	if err := s.read.QueryRow(`SELECT (SELECT count(*) FROM set_aside), (SELECT sql FROM sqlite_master WHERE name = 'coverage_device_change')`).Scan(&aside, &made); err != nil {
		t.Fatal(err)
	}
	if aside != 0 || !strings.Contains(made, "UNION ALL") || count() != triggers {
		t.Fatalf("after the migration and open: %d set aside, %d of %d triggers, trigger %q", aside, count(), triggers, made)
	}
	_, before, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CheckIn(ctx, "R52NXYGSKYS", desk); err != nil {
		t.Fatal(err)
	}
	_, after, err := s.Coverage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Collected() != before.Collected()+1 {
		t.Fatalf("a check-in after the migration: %d collected, was %d", after.Collected(), before.Collected())
	}
}

// Migration 0023 gives a database made before a database was one
// station's the station of its outbox, when its own unpushed events are
// all of one; a database whose outbox is empty, or of two, is left for
// the next command to claim.
func TestADatabaseTakesTheStationOfItsOutbox(t *testing.T) {
	ctx := context.Background()
	for _, c := range []struct {
		name     string
		stations []string
		pushed   bool
		want     string
	}{
		{"one station", []string{"skranke-1", "skranke-1"}, false, "skranke-1"},
		{"two stations", []string{"skranke-1", "sekretariat"}, false, ""},
		{"all pushed", []string{"skranke-1"}, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			for i, station := range c.stations {
				if _, err := s.Register(ctx, fmt.Sprintf("TAB%d", i), "iPad", "", Actor{Station: station, Staff: "KN"}); err != nil {
					t.Fatal(err)
				}
			}
			// As 0022 left it.
			for _, q := range []string{`ALTER TABLE batches DROP COLUMN municipality`, `PRAGMA user_version = 22`} {
				if _, err := s.write.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			if c.pushed {
				if _, err := s.write.ExecContext(ctx, `UPDATE events SET server_seq = rowid`); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			if s, err = Open(ctx, path); err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if got, err := s.Setting(ctx, SettingStation); err != nil || got != c.want {
				t.Fatalf("the database's station is %q (%v), want %q", got, err, c.want)
			}
		})
	}
}

// Migration 0025 drops the conflicts the projection no longer makes: of a
// desk's several steps against one step of another, all but its last.
// What is left is what a rebuild projects.
func TestADisagreementIsOneConflictAfterTheMigration(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// As the projection before 0025 wrote them: failed at A; upgrading,
	// then upgraded, at C (on TAB3 the failure falls between C's steps);
	// and one conflict alone.
	for _, r := range [][5]any{
		{"TAB1", "f", "u1", "A", "C"}, {"TAB1", "f", "u2", "A", "C"},
		{"TAB2", "g", "x", "A", "D"},
		{"TAB3", "v1", "h", "C", "A"}, {"TAB3", "h", "v2", "A", "C"},
	} {
		hlc := map[string]int64{"f": 10, "u1": 11, "u2": 12, "g": 10, "x": 11, "v1": 10, "h": 11, "v2": 12}
		if _, err := s.write.ExecContext(ctx, `INSERT INTO conflicts (serial, first_id, second_id, first_kind, second_kind,
  first_station, second_station, first_actor, second_actor, first_hlc, second_hlc) VALUES (?, ?, ?, 'failed', 'upgraded', ?, ?, 'X', 'Y', ?, ?)`,
			r[0], r[1], r[2], r[3], r[4], hlc[r[1].(string)]<<16, hlc[r[2].(string)]<<16); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.write.ExecContext(ctx, `PRAGMA user_version = 24`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	cs, err := s.Conflicts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.Serial+":"+c.First.ID+"-"+c.Second.ID)
	}
	if want := []string{"TAB1:f-u2", "TAB3:h-v2", "TAB2:g-x"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("conflicts after the migration %v, want %v", got, want)
	}
}
