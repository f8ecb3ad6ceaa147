package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"time"
)

// BareInsert is the floor a check-in is measured against: n single-row
// inserts, each its own committed transaction, with the store's own
// connection settings (WAL, synchronous=FULL), into a fresh database in
// dir shaped like the log. It returns the time per insert.
func BareInsert(ctx context.Context, dir string, n int) (time.Duration, error) {
	db, err := openBare(ctx, dir)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	start := time.Now()
	for i := range n {
		if err := insertBare(ctx, db, i); err != nil {
			return 0, err
		}
	}
	return time.Since(start) / time.Duration(n), nil
}

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
