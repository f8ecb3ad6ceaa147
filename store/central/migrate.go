package central

import (
	"context"
	"dropin/store/migration"
	"embed"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations are the embedded numbered files, in version order.
func migrations() ([]migration.Migration, error) { return migration.Read(migrationFS, "migrations") }

// SchemaVersion is the newest schema this dropin knows.
func SchemaVersion() int {
	ms, err := migrations()
	if err != nil {
		panic(err) // the embedded files are checked by the tests
	}
	return len(ms)
}

// Errors of the schema's version.
var (
	ErrSchemaOld = errors.New("the central store's schema is older than this dropin's: run dropin serve migrate")
	ErrSchemaNew = errors.New("the central store's schema is newer than this dropin knows: upgrade dropin")
)

const migrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version    int PRIMARY KEY,
    name       text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)`

// Version is the schema version the central store has: the highest
// migration applied, 0 for an empty database.
func (c *Central) Version(ctx context.Context) (int, error) {
	var v int
	err := c.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v)
	var pe *pgconn.PgError
	if errors.As(err, &pe) && pe.Code == "42P01" { // undefined_table: nothing applied yet
		return 0, nil
	}
	return v, err
}

// Migrate applies the migrations the central store lacks, each with its
// row in schema_migrations in one transaction, and returns the names of
// those it applied. Two services migrating at once do not both apply one:
// the version row is written first, so the second waits on it and then
// finds it taken. A schema newer than this dropin's is ErrSchemaNew.
func (c *Central) Migrate(ctx context.Context) ([]string, error) {
	ms, err := migrations()
	if err != nil {
		return nil, err
	}
	if _, err := c.pool.Exec(ctx, migrationsTable); err != nil {
		return nil, fmt.Errorf("central store schema: %w", err)
	}
	have, err := c.Version(ctx)
	if err != nil {
		return nil, err
	}
	if have > len(ms) {
		return nil, fmt.Errorf("%w (it has %d, this dropin %d)", ErrSchemaNew, have, len(ms))
	}
	var applied []string
	for _, m := range ms[have:] {
		done, err := c.apply(ctx, m)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if done {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}

// apply runs one migration unless another service has; it reports
// whether it ran it.
func (c *Central) apply(ctx context.Context, m migration.Migration) (bool, error) {
	ran := false
	err := pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2) ON CONFLICT (version) DO NOTHING`, m.Version, m.Name)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return err
		}
		ran = true
		return nil
	})
	return ran, err
}

// CheckSchema says whether the central store's schema is this dropin's:
// nil, ErrSchemaOld or ErrSchemaNew.
func (c *Central) CheckSchema(ctx context.Context) error {
	have, err := c.Version(ctx)
	if err != nil {
		return err
	}
	switch want := SchemaVersion(); {
	case have < want:
		return fmt.Errorf("%w (it has %d, this dropin %d)", ErrSchemaOld, have, want)
	case have > want:
		return fmt.Errorf("%w (it has %d, this dropin %d)", ErrSchemaNew, have, want)
	}
	return nil
}
