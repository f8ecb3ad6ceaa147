// Package central is the central store every desk syncs with: PostgreSQL
// through pgx, behind an HTTP service in the same binary (dropin serve).
// Desks hold a station token, never database credentials.
//
// Events are stored per tenant (the group of desks that share tablets)
// with a position a pull can use as its cursor: a push numbers its events
// from its own transaction id (base + xid<<20 + i, see migration 003), and
// a pull returns only positions below the oldest transaction still
// running, so a reader never passes an event that commits later with a
// lower position. No row is shared by the pushes of a tenant: they run
// side by side. A plain sequence would let a reader skip an event whose
// transaction commits late; a counter row (what version 2 had) orders
// them by holding one lock per tenant to commit.
package central

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"dropin/store/wire"
	"encoding/base32"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Central is the central store.
type Central struct {
	pool    *pgxpool.Pool
	planner *plannerStats
}

// Open connects to PostgreSQL and brings the schema to this version's
// (see Migrate).
func Open(ctx context.Context, dsn string) (*Central, error) {
	c, err := Connect(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if _, err := c.Migrate(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// Connect connects to PostgreSQL and changes nothing: for a service that
// must not write the schema (a read-only standby), which checks it with
// CheckSchema.
func Connect(ctx context.Context, dsn string) (*Central, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("central store: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("central store: %w", err)
	}
	return &Central{pool: pool, planner: &plannerStats{}}, nil
}

// Close closes the connections.
func (c *Central) Close() { c.pool.Close() }

// eventHash is what an event is known by when it is pushed again: the
// SHA-256 of its fields, each written as "length:field;". Stored hashes
// are compared with it, so those bytes never change
// (TestAnEventsHashStaysAsStored). They are appended to one buffer, not
// printed: a push hashes thousands of events.
func eventHash(e wire.Event) []byte {
	buf := make([]byte, 0, 160+len(e.Payload))
	for _, f := range [...]string{e.ID, e.Station, e.Actor, strconv.FormatInt(e.HLC, 10), e.Kind, e.Subject,
		strconv.Itoa(e.Cycle), e.Ref, e.Payload} {
		buf = append(strconv.AppendInt(buf, int64(len(f)), 10), ':')
		buf = append(append(buf, f...), ';')
	}
	sum := sha256.Sum256(buf)
	return sum[:]
}

// Errors the service turns into status codes.
var (
	ErrUnauthorized = errors.New("unknown station token")
	ErrRevoked      = errors.New("the station's token is revoked")
	ErrForeign      = errors.New("an event from another station")
	ErrConflict     = errors.New("an event id already known with other content")
	ErrExists       = errors.New("a station by that name exists")
	ErrNoStation    = errors.New("no such station")
	ErrInstance     = errors.New("another database syncs as this station")
)

// ForeignError is a push refused for an event of another station than
// the token's: ErrForeign, with the two names.
type ForeignError struct{ Token, Event string }

func (e *ForeignError) Error() string {
	return fmt.Sprintf("an event of station %q pushed with station %q's token", e.Event, e.Token)
}

func (e *ForeignError) Is(target error) bool { return target == ErrForeign }

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// AddStation registers a station of a tenant and returns its token. Only
// a hash of the token is kept: it is shown this once.
func (c *Central) AddStation(ctx context.Context, name, tenant string) (string, error) {
	name, tenant = strings.TrimSpace(name), strings.TrimSpace(tenant)
	if name == "" || tenant == "" {
		return "", errors.New("a station needs a name and a tenant")
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	token := b32.EncodeToString(raw)
	tag, err := c.pool.Exec(ctx, `INSERT INTO stations (name, tenant, token_hash) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
		name, tenant, tokenHash(token))
	if err != nil {
		return "", err
	}
	if tag.RowsAffected() == 0 {
		return "", ErrExists
	}
	return token, nil
}

// Revoke ends a station's token.
func (c *Central) Revoke(ctx context.Context, name string) error {
	tag, err := c.pool.Exec(ctx, `UPDATE stations SET revoked = true WHERE name = $1`, name)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNoStation
	}
	return err
}

// Station is a registered station.
type Station struct {
	Name, Tenant string
	Revoked      bool
	Bound        bool // a database synced as it (Auth); Release unbinds
	Created      time.Time
}

// Stations lists the stations.
func (c *Central) Stations(ctx context.Context) ([]Station, error) {
	rows, err := c.pool.Query(ctx, `SELECT name, tenant, revoked, instance IS NOT NULL, created_at FROM stations ORDER BY tenant, name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Station, error) {
		var s Station
		err := r.Scan(&s.Name, &s.Tenant, &s.Revoked, &s.Bound, &s.Created)
		return s, err
	})
}

// Auth finds the station a token belongs to. A request that names its
// database (instance; empty from a desk too old to) binds the station to
// it the first time, and is refused with ErrInstance when the station is
// another database's.
func (c *Central) Auth(ctx context.Context, token, instance string) (station, tenant string, err error) {
	if token == "" {
		return "", "", ErrUnauthorized
	}
	var revoked bool
	var bound *string
	err = c.pool.QueryRow(ctx, `SELECT name, tenant, revoked, instance FROM stations WHERE token_hash = $1`, tokenHash(token)).Scan(&station, &tenant, &revoked, &bound)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", ErrUnauthorized
	}
	if err != nil {
		return "", "", err
	}
	if revoked {
		return "", "", ErrRevoked
	}
	if instance != "" && bound == nil {
		// The first database to sync as the station: two racing for it
		// meet at the row's lock, and the one that comes second reads
		// the winner's id.
		err = c.pool.QueryRow(ctx, `UPDATE stations SET instance = coalesce(instance, $2) WHERE name = $1 RETURNING instance`, station, instance).Scan(&bound)
		if err != nil {
			return "", "", err
		}
	}
	if instance != "" && *bound != instance {
		c.refused(ctx, station, wire.RefusedInstance)
		return station, tenant, ErrInstance
	}
	c.seen(ctx, station)
	return station, tenant, nil
}

// Release unbinds a station from its database: the next database to sync
// as it becomes the station's (a desk's new machine). The old database is
// refused from then on.
func (c *Central) Release(ctx context.Context, name string) error {
	tag, err := c.pool.Exec(ctx, `UPDATE stations SET instance = NULL WHERE name = $1`, name)
	if err == nil && tag.RowsAffected() == 0 {
		err = ErrNoStation
	}
	return err
}

// Push stores a station's events, in one transaction, and returns every
// event's sequence number, those it already had included: a push whose
// answer was lost is simply sent again.
//
// Three statements whatever the size: the ids already known are looked
// up at once; the new ones are numbered from this transaction's id (no
// lock, no shared row); they are written with COPY.
func (c *Central) Push(ctx context.Context, station, tenant string, evs []wire.Event) (map[string]int64, error) {
	seqs := make(map[string]int64, len(evs))
	ids := make([]string, 0, len(evs))
	for _, e := range evs {
		if e.Station != station {
			c.refused(ctx, station, wire.RefusedForeign)
			return nil, &ForeignError{Token: station, Event: e.Station}
		}
		ids = append(ids, e.ID)
	}
	var written int
	err := retry(ctx, func() error {
		clear(seqs)
		return pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) (err error) {
			written, err = c.push(ctx, tx, tenant, evs, ids, seqs)
			return err
		})
	})
	if err != nil {
		return nil, err
	}
	c.wrote(written)
	for _, e := range evs { // duplicates within the push get the first's number
		if _, ok := seqs[e.ID]; !ok {
			return nil, fmt.Errorf("push: event %s has no number", e.ID)
		}
	}
	return seqs, nil
}

// knownSQL finds which of a push's events the store already holds.
const knownSQL = `SELECT id::text, seq, hash, tenant FROM events WHERE id = ANY($1::uuid[])`

// push is one attempt at a push, in tx. It returns how many events it
// wrote: those not already there.
func (c *Central) push(ctx context.Context, tx pgx.Tx, tenant string, evs []wire.Event, ids []string, seqs map[string]int64) (int, error) {
	rows, err := tx.Query(ctx, knownSQL, uuids(ids))
	if err != nil {
		return 0, err
	}
	type known struct {
		seq    int64
		hash   []byte
		tenant string
	}
	have := map[string]known{}
	for rows.Next() {
		var id string
		var k known
		if err := rows.Scan(&id, &k.seq, &k.hash, &k.tenant); err != nil {
			rows.Close()
			return 0, err
		}
		have[id] = k
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var fresh []wire.Event
	seen := map[string]bool{}
	for _, e := range evs {
		if k, ok := have[e.ID]; ok {
			if k.tenant != tenant || string(k.hash) != string(eventHash(e)) {
				return 0, ErrConflict
			}
			seqs[e.ID] = k.seq
			continue
		}
		if seen[e.ID] { // the same new event twice in one push
			continue
		}
		seen[e.ID] = true
		fresh = append(fresh, e)
	}
	if len(fresh) == 0 {
		return 0, nil
	}
	if len(fresh) >= 1<<positionBits {
		return 0, fmt.Errorf("push: %d new events in one push; at most %d", len(fresh), 1<<positionBits-1)
	}
	var first int64
	if err := tx.QueryRow(ctx, firstPositionSQL).Scan(&first); err != nil {
		return 0, err
	}
	rowsIn := make([][]any, len(fresh))
	for i, e := range fresh {
		seq := first + int64(i)
		seqs[e.ID] = seq
		rowsIn[i] = eventRow(tenant, seq, e)
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"events"}, eventColumns, pgx.CopyFromRows(rowsIn))
	return len(fresh), err
}

// uuids is ids as a parameter for a uuid[]: as UUIDs, which pgx encodes
// as they are, where all of them are (wire checked them); as they came
// otherwise, for PostgreSQL to refuse.
func uuids(ids []string) any {
	out := make([]pgtype.UUID, len(ids))
	for i, id := range ids {
		u, err := uuid.Parse(id)
		if err != nil {
			return ids
		}
		out[i] = pgtype.UUID{Bytes: u, Valid: true}
	}
	return out
}

// eventColumns are the columns a push writes of an event, in eventRow's
// order.
var eventColumns = []string{"tenant", "seq", "id", "hash", "station", "actor", "hlc", "kind", "subject", "cycle", "ref", "payload"}

// eventRow is the row a push writes for e, tenant's, numbered seq. Its
// id goes as the UUID it is (wire checked it): given as a string, pgx
// encodes it for the uuid column only after a failed try and a parse
// through its type map, 1.6 µs an event.
func eventRow(tenant string, seq int64, e wire.Event) []any {
	var id any = e.ID
	if u, err := uuid.Parse(e.ID); err == nil {
		id = pgtype.UUID{Bytes: u, Valid: true}
	}
	return []any{tenant, seq, id, eventHash(e), e.Station, e.Actor, e.HLC, e.Kind, e.Subject, e.Cycle, e.Ref, e.Payload}
}

// retry runs a transaction again when the engine says it lost a race: a
// serialization failure (SERIALIZABLE, the only level of CockroachDB), a
// deadlock, or the unique violation of two pushes of one new event at
// once (the second then finds it and answers with its number). Bounded in
// time, with a growing pause and jitter; pgx has no loop of its own.
func retry(ctx context.Context, f func() error) error {
	deadline := time.Now().Add(10 * time.Second)
	for attempt := 0; ; attempt++ {
		err := f()
		if err == nil || !retryable(err) || time.Now().After(deadline) {
			return err
		}
		// Growing, capped, with jitter: the transactions that collided do
		// not collide again in step.
		step := time.Duration(5<<min(attempt, 5)) * time.Millisecond
		pause := step/2 + time.Duration(mrand.Int64N(int64(step)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(pause):
		}
	}
}

func retryable(err error) bool {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return false
	}
	switch pe.Code {
	case "40001", "40P01", "23505": // serialization_failure, deadlock_detected, unique_violation
		return true
	}
	return false
}

// positionBits is how many positions one transaction has: its events are
// numbered base + xid<<positionBits + i.
const positionBits = 20

// firstPositionSQL is this transaction's first position; calling
// pg_current_xact_id gives the transaction its id if it had none.
var firstPositionSQL = fmt.Sprintf(`SELECT base + (pg_current_xact_id()::text::bigint << %d) FROM event_positions`, positionBits)

// visibleSQL is the first position a pull may not return yet: that of
// the oldest transaction still running, as the statement's snapshot sees
// it. Every transaction below it has ended, committed or not; one above
// it may still commit events with positions below those of events that
// already have.
var visibleSQL = fmt.Sprintf(`(SELECT base + (pg_snapshot_xmin(pg_current_snapshot())::text::bigint << %d) FROM event_positions)`, positionBits)

// pullSQL is a page of a tenant's events after a position ($2), at most
// $3 of them.
var pullSQL = `SELECT seq, id::text, station, actor, hlc, kind, subject, cycle, ref, payload
FROM events WHERE tenant = $1 AND seq > $2 AND seq < ` + visibleSQL + ` ORDER BY seq LIMIT $3`

// Pull returns a tenant's events after a position, in order, and the
// tenant's head: the last position a pull may return now. Only events
// below the oldest transaction still running are returned (visibleSQL),
// so a cursor never passes an event that is yet to commit.
func (c *Central) Pull(ctx context.Context, tenant string, after int64, limit int) ([]wire.Event, int64, error) {
	var evs []wire.Event
	var head int64
	c.plan(ctx)
	// A read too can lose a race under SERIALIZABLE: it is read again.
	err := retry(ctx, func() error {
		rows, err := c.pool.Query(ctx, pullSQL, tenant, after, limit)
		if err != nil {
			return err
		}
		evs, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (wire.Event, error) {
			var e wire.Event
			err := r.Scan(&e.Seq, &e.ID, &e.Station, &e.Actor, &e.HLC, &e.Kind, &e.Subject, &e.Cycle, &e.Ref, &e.Payload)
			return e, err
		})
		if err != nil {
			return err
		}
		// Its own statement, so a later snapshot: the head is never below
		// the page's last position.
		return c.pool.QueryRow(ctx, `SELECT coalesce(max(seq), 0) FROM events WHERE tenant = $1 AND seq < `+visibleSQL, tenant).Scan(&head)
	})
	return evs, head, err
}
