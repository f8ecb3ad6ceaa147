package store

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

// Bare is the floor a check-in is measured against: single-row inserts,
// each its own committed transaction, with the store's own connection
// settings (WAL, synchronous=FULL), into a fresh database shaped like the
// log. A measurer interleaves its inserts with the check-ins, so that both
// see the machine at the same speed.
type Bare struct {
	db *sql.DB
	n  int
}

// OpenBare makes the floor's database in dir.
func OpenBare(ctx context.Context, dir string) (*Bare, error) {
	db, err := openBare(ctx, dir)
	if err != nil {
		return nil, err
	}
	return &Bare{db: db}, nil
}

// After times step, then one insert: a check-in and its floor measured
// back to back, at the same speed of the machine.
func (b *Bare) After(ctx context.Context, step func() error) (stepTook, insertTook time.Duration, err error) {
	start := time.Now()
	if err := step(); err != nil {
		return 0, 0, err
	}
	stepTook, start = time.Since(start), time.Now()
	b.n++
	if err := insertBare(ctx, b.db, b.n); err != nil {
		return 0, 0, err
	}
	return stepTook, time.Since(start), nil
}

// Close closes the floor's database.
func (b *Bare) Close() error { return b.db.Close() }

// openBare makes the floor's database: one table shaped like the log.
func openBare(ctx context.Context, dir string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, "bare.db"), false))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, `CREATE TABLE t (id TEXT PRIMARY KEY, subject TEXT NOT NULL, payload TEXT NOT NULL) STRICT`); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// insertBare is one single-row insert in its own committed transaction.
func insertBare(ctx context.Context, db *sql.DB, i int) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO t VALUES (?, ?, '{"v":1}')`, fmt.Sprintf("%016d", i), "TAB"); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Sample lists up to n tablets in status st, for measuring steps on them.
func (s *Store) Sample(ctx context.Context, st Status, n int) ([]string, error) {
	out, err := queryRows(ctx, s.read, func(row scanFunc) (string, error) {
		var serial string
		if err := row(&serial); err != nil {
			return serial, err
		}
		return serial, nil
	}, `SELECT serial FROM devices WHERE status = ? ORDER BY serial LIMIT ?`, string(st), n)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Counts of the log and the tablets, for a benchmark's heading.
func (s *Store) Size(ctx context.Context) (events, tablets, officials int, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM devices), (SELECT count(*) FROM officials)`).
		Scan(&events, &tablets, &officials)
	return
}

// BenchRoster is a roster export of n rows as the secretariat's Excel
// writes it (BOM, CRLF, `;`): two rows (two bodies) for each official,
// each with a tablet TAB%08d.
func BenchRoster(n int) []byte {
	var b strings.Builder
	b.WriteString("\ufeffNavn;Kommune;Organ;Rolle;Primær e-post;Sekundær e-post;Mobil;Ansatt i kommunen;Nettbrett serienr;Nettbrett modell\r\n")
	bodies := []string{"Kommunestyret", "Formannskapet", "Hovedutvalg for oppvekst", "Eldrerådet", "Kontrollutvalget"}
	for i := range n {
		p := i / 2
		emp := "Nei"
		if p%10 == 0 {
			emp = "Ja"
		}
		fmt.Fprintf(&b, "Øystein Ås %d;Kommune %d;%s;Medlem;person%d@kommune%d.no;person%d@innherred-samkommune.no;9%07d;%s;TAB%08d;iPad (10. gen)\r\n",
			p, p%40, bodies[i%len(bodies)], p, p%40, p, p, emp, p)
	}
	return []byte(b.String())
}

// ImportBenchRoster imports BenchRoster(rows) into s: the county the
// benchmarks and tests that need many officials start from.
func (s *Store) ImportBenchRoster(ctx context.Context, rows int, by Actor) error {
	ros, err := ParseRoster(bytes.NewReader(BenchRoster(rows)))
	if err != nil {
		return err
	}
	if len(ros.Errors) > 0 {
		return fmt.Errorf("the bench roster does not read: %v", ros.Errors)
	}
	_, err = s.Import(ctx, ros, by, false)
	return err
}

// MeasureImport times parsing and importing a roster of rows rows into a
// new database in dir, as `dropin import` does.
func MeasureImport(ctx context.Context, dir string, rows int) (time.Duration, error) {
	data := BenchRoster(rows)
	s, err := Open(ctx, filepath.Join(dir, "import.db"))
	if err != nil {
		return 0, err
	}
	defer s.Close()
	start := time.Now()
	ros, err := ParseRoster(bytes.NewReader(data))
	if err != nil {
		return 0, err
	}
	if _, err := s.Import(ctx, ros, Actor{Station: "bench", Staff: "BN"}, false); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// MeasureBatch times `dropin batch import` of reads reads into an open
// batch on a roster of that many tablets (in dir): 95 % tablets on the
// roster, 3 % read twice, 1.5 % unknown, 0.5 % cut-off misreads.
func MeasureBatch(ctx context.Context, dir string, reads int) (time.Duration, error) {
	s, err := Open(ctx, filepath.Join(dir, "batch.db"))
	if err != nil {
		return 0, err
	}
	defer s.Close()
	by := Actor{Station: "bench", Staff: "BN"}
	ros, err := ParseRoster(bytes.NewReader(BenchRoster(2 * reads)))
	if err != nil {
		return 0, err
	}
	if _, err := s.Import(ctx, ros, by, false); err != nil {
		return 0, err
	}
	var raws []string
	for i := range reads * 95 / 100 {
		raws = append(raws, fmt.Sprintf("tab%08d", i)) // lower case, as scanners are set
	}
	for i := range reads * 3 / 100 {
		raws = append(raws, fmt.Sprintf("TAB%08d", i*7))
	}
	for i := range reads * 15 / 1000 {
		raws = append(raws, fmt.Sprintf("NEW%08d", i))
	}
	for i := range reads - len(raws) {
		raws = append(raws, fmt.Sprintf("TAB%d", i))
	}
	b, err := s.OpenBatch(ctx, BatchSpec{Name: "bench"}, by)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	if _, err := s.ReadBatch(ctx, b.ID, raws, by); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
