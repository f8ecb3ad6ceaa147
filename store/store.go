package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"modernc.org/sqlite"
)

// Store is a station's database. Its methods are safe for concurrent use:
// writes queue on the one writer connection, reads run on a separate pool
// that WAL lets proceed during a write.
type Store struct {
	path  string
	write *sql.DB
	read  *sql.DB

	mu    sync.Mutex // guards clock
	clock HLC
	now   func() time.Time

	stmts map[string]*sql.Stmt // prepared at Open; read-only after
	rules *Rules               // entitlement; set before the store is shared
}

func init() {
	// Our DSN is built from a path the user chose; never let a crafted
	// pragma value smuggle a second statement in.
	sqlite.StrictPragmas(true)
}

// dsn builds the connection string. synchronous=FULL syncs the WAL on every
// commit: "saved" on screen must survive a power cut, not only a crash.
// _txlock=immediate takes the write lock at BEGIN, so a read-then-write
// transaction can never fail with SQLITE_BUSY_SNAPSHOT.
func dsn(path string, readOnly bool) string {
	u := url.URL{Scheme: "file", Path: path}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_time_format", "sqlite")
	if readOnly {
		q.Add("mode", "ro")
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		q.Add("_txlock", "immediate")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens (creating it if need be) the database at path and brings its
// schema up to date. A file that is not a dropin database, or a damaged
// one, is refused with an error that says so.
func Open(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("create database folder: %w", err)
		}
	}
	// The database holds personal data: only its owner may read it.
	if f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600); err == nil {
		f.Close()
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	s := &Store{path: path, write: w, now: time.Now, rules: MustDefaultRules()}
	if err := s.init(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s.read = r
	return s, nil
}

// ErrNotDatabase is returned by Open for a file that is not an SQLite
// database or is damaged.
var ErrNotDatabase = errors.New("the file is not a dropin database or it is damaged")

func (s *Store) init(ctx context.Context) error {
	var mode string
	if err := s.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return classify(err)
	}
	var ok string
	if err := s.write.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&ok); err != nil {
		return classify(err)
	}
	if ok != "ok" {
		return fmt.Errorf("%w: %s", ErrNotDatabase, ok)
	}
	if err := migrate(ctx, s.write); err != nil {
		return classify(err)
	}
	var max sql.NullInt64
	if err := s.write.QueryRowContext(ctx, "SELECT max(hlc) FROM events").Scan(&max); err != nil {
		return classify(err)
	}
	s.clock = HLC(max.Int64)
	return s.prepareHot(ctx)
}

// classify turns SQLite's "file is not a database" and "malformed" codes
// into ErrNotDatabase, so callers can say something useful.
func classify(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 26, 11: // SQLITE_NOTADB, SQLITE_CORRUPT
			return fmt.Errorf("%w (%v)", ErrNotDatabase, err)
		}
	}
	return err
}

// Close closes the database.
func (s *Store) Close() error {
	for _, st := range s.stmts {
		st.Close()
	}
	return errors.Join(s.read.Close(), s.write.Close())
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// SetClock replaces the wall clock; tests use it to control time.
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// IntegrityCheck runs SQLite's full integrity check and returns its verdict
// ("ok" when the file is sound).
func (s *Store) IntegrityCheck(ctx context.Context) (string, error) {
	var res string
	err := s.write.QueryRowContext(ctx, "PRAGMA integrity_check(1)").Scan(&res)
	return res, err
}

// tick returns the next hybrid-logical-clock value: wall-clock milliseconds,
// or the last value plus one when the wall clock has not moved on (or went
// backwards).
func (s *Store) tick() HLC {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clock = s.clock.Next(s.now())
	return s.clock
}
