package store

import (
	"context"
	"database/sql"
	"dropin/store/migration"
	"embed"
	"fmt"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations are the embedded numbered files, in version order.
func migrations() ([]migration.Migration, error) { return migration.Read(migrationFS, "migrations") }

// migrate brings the schema to the newest version. Each migration and its
// user_version bump commit together, so a failed one leaves no trace.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	return migrateTo(ctx, db, ms)
}

// migrateTo applies those of ms the database has not had.
func migrateTo(ctx context.Context, db *sql.DB, ms []migration.Migration) error {
	var have int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have > len(ms) {
		return fmt.Errorf("database schema version %d is newer than this dropin knows (%d): upgrade dropin", have, len(ms))
	}
	for _, m := range ms[have:] {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version)); err != nil {
			tx.Rollback()
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", m.Name, err)
		}
	}
	return nil
}
