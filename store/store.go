package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
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

	mu     sync.Mutex // guards clock
	syncMu sync.Mutex // one sync at a time where there is no file lock
	clock  HLC
	now    func() time.Time

	stmts     map[string]*sql.Stmt // prepared at Open; read-only after
	rules     *Rules               // entitlement; set before the store is shared
	topics    *Topics              // what visits are filed under; set before the store is shared
	receipter Receipter            // makes the receipts steps promise; set before the store is shared

	checked   chan struct{} // closed when the check of every page is done
	damage    error         // what it found; read after checked is closed
	stopCheck context.CancelFunc
}

func init() {
	// Our DSN is built from a path the user chose; never let a crafted
	// pragma value smuggle a second statement in.
	sqlite.StrictPragmas(true)
}

// dsn builds the connection string for the database at path, which
// must be absolute: a relative path in a file: URI reads its first folder
// as the URI's authority ("lo/x.db" is host "lo"), and url.URL escapes
// what SQLite's URI parser would otherwise take as query or fragment (a
// '?', '#' or '%' in a file name). synchronous=FULL syncs the WAL on every
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
		q.Add("_pragma", "temp_store(MEMORY)")
		// The writer's big transactions (a rebuild, a pulled page, an
		// import) read the pages they change through a map rather than a
		// system call each, and keep up to 64 MB of them before spilling
		// to the WAL and reading them back. Both are only used as needed:
		// a check-in touches a few pages. Readers keep the defaults, so
		// the start-up check of every page does not map the whole file.
		q.Add("_pragma", "mmap_size(1073741824)")
		q.Add("_pragma", "cache_size(-65536)")
		q.Add("_txlock", "immediate")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens (creating it if need be) the database at path and brings its
// schema up to date. A file that is not a dropin database, or a damaged
// one, is refused with an error that says so.
func Open(ctx context.Context, path string) (*Store, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoFolder, err)
	}
	if info, err := os.Stat(path); err == nil && info.IsDir() {
		return nil, fmt.Errorf("%w: %s", ErrIsFolder, path)
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
	s := &Store{path: path, write: w, now: time.Now, rules: MustDefaultRules(), topics: defaultTopics()}
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
	s.startHealthCheck()
	if err := s.putCoverageBack(ctx); err != nil { // work stopped with its triggers set aside
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := s.owedRebuild(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return s, nil
}

// checkLength refuses a database file shorter than its header says: a
// truncated copy or a disk that filled up under a copy. Cheap (the header
// and the file's size), so it runs on every open; the full check of every
// page runs after open (see Health).
func (s *Store) checkLength(ctx context.Context) error {
	var pageSize int64
	if err := s.write.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
		return classify(err)
	}
	f, err := os.Open(s.path)
	if err != nil {
		return err
	}
	defer f.Close()
	head := make([]byte, 100)
	n, _ := io.ReadFull(f, head)
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if n < 100 {
		if info.Size() == 0 {
			return nil // a new database
		}
		return fmt.Errorf("%w: the file is %d bytes, shorter than a database header", ErrNotDatabase, info.Size())
	}
	// The in-header page count is valid when "version-valid-for" equals
	// the change counter (SQLite file format, offsets 24, 28 and 92).
	// Only with no WAL to replay: a checkpoint cut short (a full disk)
	// leaves the header ahead of the file, and the WAL still holds the
	// pages; SQLite recovers from it, and the check of every page follows.
	if wal, err := os.Stat(s.path + "-wal"); err == nil && wal.Size() > 0 {
		return nil
	}
	pages := int64(binary.BigEndian.Uint32(head[28:32]))
	if binary.BigEndian.Uint32(head[92:96]) == binary.BigEndian.Uint32(head[24:28]) && info.Size() < pages*pageSize {
		return fmt.Errorf("%w: the file is truncated (%d of %d bytes)", ErrNotDatabase, info.Size(), pages*pageSize)
	}
	return nil
}

// startHealthCheck runs SQLite's quick_check of every page in the
// background, so a county-sized database opens at once. Writes wait for
// its verdict (see begin) and a damaged database takes none; Health says
// what it found.
func (s *Store) startHealthCheck() {
	s.checked = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	s.stopCheck = cancel
	go func() {
		defer close(s.checked)
		var ok string
		err := s.read.QueryRowContext(ctx, "PRAGMA quick_check(1)").Scan(&ok)
		switch {
		case ctx.Err() != nil:
		case err != nil:
			s.damage = fmt.Errorf("check %s: %w", s.path, classify(err))
		case ok != "ok":
			s.damage = fmt.Errorf("%w: %s", ErrNotDatabase, ok)
		}
	}()
}

// Health waits for the check of every page that started at open and
// returns what it found: nil for a sound database.
func (s *Store) Health(ctx context.Context) error {
	select {
	case <-s.checked:
		return s.damage
	case <-ctx.Done():
		return ctx.Err()
	}
}

// ErrDiskFull: the disk refused a write (full, or a file size limit).
// The change was rolled back; everything saved before is intact.
var ErrDiskFull = errors.New("the disk is full: nothing more can be saved until there is room")

// ErrReadOnly: the database or its folder cannot be written.
var ErrReadOnly = errors.New("the database or its folder is read-only")

// ErrNoFolder: the folder the database goes in does not exist and cannot
// be made (a file stands in its way, or no permission).
var ErrNoFolder = errors.New("the database's folder cannot be made")

// ErrIsFolder: the database path names a folder, not a file.
var ErrIsFolder = errors.New("the database path is a folder, not a file")

// ErrNotDatabase is returned by Open for a file that is not an SQLite
// database or is damaged.
var ErrNotDatabase = errors.New("the file is not a dropin database or it is damaged")

func (s *Store) init(ctx context.Context) error {
	var mode string
	if err := s.write.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return classify(err)
	}
	if err := s.checkLength(ctx); err != nil {
		return err
	}
	if err := migrate(ctx, s.write); err != nil {
		return classify(err)
	}
	var max sql.NullInt64
	if err := s.write.QueryRowContext(ctx, `WITH `+stationsCTE+`
SELECT max((SELECT max(hlc) FROM events WHERE station = stations.name)) FROM stations WHERE name IS NOT NULL`).Scan(&max); err != nil {
		return classify(err)
	}
	s.clock = HLC(max.Int64)
	return s.prepareHot(ctx)
}

// owedRebuild runs the rebuild a migration that added to the projections
// asked for; the rebuild deletes the request in its own transaction.
func (s *Store) owedRebuild(ctx context.Context) error {
	var pending int
	if err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM pending WHERE what = 'rebuild'`).Scan(&pending); err != nil {
		return classify(err)
	}
	if pending == 0 {
		return nil
	}
	return s.Rebuild(ctx)
}

// classify turns SQLite's "file is not a database" and "malformed" codes
// into ErrNotDatabase, so callers can say something useful.
func classify(err error) error {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case 26, 11: // SQLITE_NOTADB, SQLITE_CORRUPT
			return fmt.Errorf("%w (%v)", ErrNotDatabase, err)
		case 13: // SQLITE_FULL
			return fmt.Errorf("%w (%v)", ErrDiskFull, err)
		case 10: // SQLITE_IOERR: a write the disk refused
			if se.Code() == 10|3<<8 || se.Code() == 10|13<<8 { // IOERR_WRITE, IOERR_TRUNCATE
				return fmt.Errorf("%w (%v)", ErrDiskFull, err)
			}
		case 8, 14: // SQLITE_READONLY, SQLITE_CANTOPEN
			return fmt.Errorf("%w (%v)", ErrReadOnly, err)
		}
	}
	return err
}

// Close closes the database.
func (s *Store) Close() error {
	if s.stopCheck != nil {
		s.stopCheck()
		<-s.checked
	}
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
