package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// wtx is a write transaction that reuses prepared statements. modernc
// prepares every statement it is given afresh; the hot statements are
// prepared once on the writer connection when the store opens, and bound
// to each transaction with Tx.StmtContext, which reuses them because the
// writer has one connection. It made the roster import a third faster.
//
// They cannot be prepared lazily: preparing on the DB inside a
// transaction would wait for the one connection the transaction holds.
type wtx struct {
	*sql.Tx
	s     *Store
	g     *gathered            // rows written many to a statement; nil: each as it comes
	bound map[string]*sql.Stmt // the hot statements bound to this transaction, as they are first run
}

// newWTx is a write transaction of s.
func newWTx(tx *sql.Tx, s *Store) wtx {
	return wtx{Tx: tx, s: s, bound: map[string]*sql.Stmt{}}
}

// stmt is the hot statement q bound to tx, or nil. database/sql binds a
// statement to a transaction anew at every call (and keeps each binding
// to close at commit): bound once, a rebuild's 100,000 statements make
// one binding each, not 100,000.
func (t wtx) stmt(ctx context.Context, q string) *sql.Stmt {
	if st, ok := t.bound[q]; ok {
		return st
	}
	st, ok := t.s.stmts[q]
	if !ok {
		return nil
	}
	st = t.Tx.StmtContext(ctx, st)
	if ctx.Err() == nil { // bound with a context already done, it fails for good: not kept
		t.bound[q] = st
	}
	return st
}

// gathering is tx writing its events and new officials many to a
// statement (see gathered).
func (t wtx) gathering() wtx {
	t.g = &gathered{}
	return t
}

// ungathered is tx for a read of rows nothing was gathered into: it
// writes nothing first. Only reads go through it.
func (t wtx) ungathered() wtx {
	t.g = nil
	return t
}

// cause is err, or what made it when gathered rows could not be written:
// a read after them fails with its context's error, which says nothing.
func (t wtx) cause(err error) error {
	if t.g != nil && t.g.err != nil {
		return t.g.err
	}
	return err
}

// flush writes what tx gathered.
func (t wtx) flush(ctx context.Context) error {
	if t.g == nil {
		return nil
	}
	return t.g.flush(ctx, t)
}

// hotQueries are the statements every write runs.
var hotQueries = slices.Concat([]string{
	insertEventSQL, saveDeviceSQL, stepDeviceSQL, deleteDeviceSQL, subjectEventsSQL,
	saveOfficialSQL, deleteSeatsSQL, officialSQL, deleteWordsSQL,
	insertReadSQL, pulledInsert.sql(rowsAtOnce), ackSQL, cursorSQL,
	officialsInsert.sql(rowsAtOnce), eventsInsert.sql(rowsAtOnce), devicesInsert.sql(rowsAtOnce), readsInsert.sql(rowsAtOnce), // (gathered)
	remindedSQL, receiptCountSQL, // (a card, read in the step's transaction)
}, wordsInsert.hot(), seatsInsert.hot())

func (s *Store) prepareHot(ctx context.Context) error {
	s.stmts = make(map[string]*sql.Stmt, len(hotQueries))
	for _, q := range hotQueries {
		st, err := s.write.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare: %w", err)
		}
		s.stmts[q] = st
	}
	return nil
}

func (t wtx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if st := t.stmt(ctx, q); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.Tx.ExecContext(ctx, q, args...)
}

func (t wtx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := t.flush(ctx); err != nil {
		return nil, err
	}
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.Tx.QueryContext(ctx, q, args...)
}

func (t wtx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if err := t.flush(ctx); err != nil {
		// A Row cannot be made with an error: this one fails with the
		// context's, and the transaction's flush (before it commits)
		// returns the cause.
		done, cancel := context.WithCancel(ctx)
		cancel()
		ctx = done
	}
	if st := t.stmt(ctx, q); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.Tx.QueryRowContext(ctx, q, args...)
}

// Commit writes what tx gathered, then commits.
func (t wtx) Commit() error {
	if err := t.flush(context.Background()); err != nil {
		t.Tx.Rollback() // nothing of it is written, and the writer is free
		return err
	}
	return t.Tx.Commit()
}

// begin starts a write transaction (BEGIN IMMEDIATE, from the DSN).
func (s *Store) begin(ctx context.Context) (wtx, error) {
	// Nothing is written to a database before it is known to be sound.
	if err := s.Health(ctx); err != nil {
		return wtx{s: s}, err
	}
	tx, err := s.write.BeginTx(ctx, nil)
	return newWTx(tx, s), err
}
