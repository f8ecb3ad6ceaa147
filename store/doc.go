// Package store is dropin's embedded database: the append-only event log,
// the projections the screens read (devices, officials), the workflow that
// decides which step may follow which, and the queries behind the desk.
//
// Every change is an Event appended in the same transaction that updates
// the projections. A projection is a pure function of its subject's events
// (project.go), so Rebuild can always recreate it from the log, and two
// stations holding the same events compute the same state whatever order
// the events came in.
//
// The database is SQLite through modernc.org/sqlite (pure Go): one writer
// connection, WAL, synchronous=FULL, so a method that returns without error
// has made its change durable.
package store
