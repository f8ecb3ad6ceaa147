package central

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// Errors of viewers and their sessions.
var (
	ErrBadLogin   = errors.New("unknown viewer, wrong password, or revoked")
	ErrNoSession  = errors.New("no such session, or it has ended")
	ErrNoViewer   = errors.New("no such viewer")
	ErrViewerName = errors.New("a viewer by that name exists")
)

// SessionLife is how long a dashboard login lasts.
const SessionLife = 12 * time.Hour

// Viewer is a dashboard login: it reads one tenant's pages.
type Viewer struct {
	Name, Tenant string
	Revoked      bool
	Created      time.Time
	LastLogin    time.Time // zero: never
}

// secret is 160 random bits, base32 in lower case: a password nobody
// guesses, so a fast hash of it is as safe as a slow one would be.
func secret() (string, error) {
	raw := make([]byte, 20)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return strings.ToLower(b32.EncodeToString(raw)), nil
}

func passwordHash(name, password string) []byte {
	sum := sha256.Sum256([]byte("dropin viewer\x00" + name + "\x00" + password))
	return sum[:]
}

// AddViewer makes a dashboard login for a tenant and returns its
// password, shown this once; only a hash of it is kept.
func (c *Central) AddViewer(ctx context.Context, name, tenant string) (string, error) {
	name, tenant = strings.TrimSpace(name), strings.TrimSpace(tenant)
	if name == "" || tenant == "" {
		return "", errors.New("a viewer needs a name and a tenant")
	}
	password, err := secret()
	if err != nil {
		return "", err
	}
	tag, err := c.pool.Exec(ctx, `INSERT INTO viewers (name, tenant, password_hash) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING`,
		name, tenant, passwordHash(name, password))
	if err != nil {
		return "", err
	}
	if tag.RowsAffected() == 0 {
		return "", ErrViewerName
	}
	return password, nil
}

// RevokeViewer ends a viewer's login and every session it has open.
func (c *Central) RevokeViewer(ctx context.Context, name string) error {
	return pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE viewers SET revoked = true WHERE name = $1`, name)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNoViewer
		}
		_, err = tx.Exec(ctx, `DELETE FROM viewer_sessions WHERE viewer = $1`, name)
		return err
	})
}

// Viewers lists the dashboard logins.
func (c *Central) Viewers(ctx context.Context) ([]Viewer, error) {
	rows, err := c.pool.Query(ctx, `SELECT name, tenant, revoked, created_at, coalesce(last_login, 'epoch') FROM viewers ORDER BY tenant, name`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Viewer, error) {
		var v Viewer
		err := r.Scan(&v.Name, &v.Tenant, &v.Revoked, &v.Created, &v.LastLogin)
		if v.LastLogin.Unix() == 0 {
			v.LastLogin = time.Time{}
		}
		return v, err
	})
}

// Login checks a viewer's password and opens a session: it returns the
// session's id for the cookie (only its hash is kept) and the viewer.
func (c *Central) Login(ctx context.Context, name, password string) (string, Viewer, error) {
	name = strings.TrimSpace(name)
	var v Viewer
	var hash []byte
	err := c.pool.QueryRow(ctx, `SELECT name, tenant, password_hash FROM viewers WHERE name = $1 AND NOT revoked`, name).Scan(&v.Name, &v.Tenant, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		hash = make([]byte, sha256.Size) // compare anyway: the answer takes as long
	} else if err != nil {
		return "", Viewer{}, err
	}
	want := passwordHash(name, strings.TrimSpace(password))
	if subtle.ConstantTimeCompare(hash, want) != 1 || v.Name == "" {
		return "", Viewer{}, ErrBadLogin
	}
	id, err := secret()
	if err != nil {
		return "", Viewer{}, err
	}
	err = pgx.BeginFunc(ctx, c.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM viewer_sessions WHERE expires < now()`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO viewer_sessions (id_hash, viewer, expires) VALUES ($1, $2, now() + $3::interval)`,
			tokenHash(id), v.Name, SessionLife.String()); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE viewers SET last_login = now() WHERE name = $1`, v.Name)
		return err
	})
	return id, v, err
}

// Session finds the viewer of a live session.
func (c *Central) Session(ctx context.Context, id string) (Viewer, error) {
	var v Viewer
	if id == "" {
		return v, ErrNoSession
	}
	err := c.pool.QueryRow(ctx, `SELECT v.name, v.tenant FROM viewer_sessions s JOIN viewers v ON v.name = s.viewer
WHERE s.id_hash = $1 AND s.expires > now() AND NOT v.revoked`, tokenHash(id)).Scan(&v.Name, &v.Tenant)
	if errors.Is(err, pgx.ErrNoRows) {
		return v, ErrNoSession
	}
	return v, err
}

// Logout ends a session.
func (c *Central) Logout(ctx context.Context, id string) error {
	_, err := c.pool.Exec(ctx, `DELETE FROM viewer_sessions WHERE id_hash = $1`, tokenHash(id))
	return err
}

// TenantStation is a station as the dashboard shows it.
type TenantStation struct {
	Name     string
	Revoked  bool
	LastSync time.Time // zero: never
	// The last sync refused, and why (a wire.Refused* code); zero and
	// empty: none.
	RefusedAt time.Time
	Refused   string
}

// TenantStations lists a tenant's stations and when each last synced.
func (c *Central) TenantStations(ctx context.Context, tenant string) ([]TenantStation, error) {
	rows, err := c.pool.Query(ctx, `SELECT name, revoked, coalesce(last_sync, 'epoch'), coalesce(refused_at, 'epoch'), coalesce(refused, '')
FROM stations WHERE tenant = $1 ORDER BY name`, tenant)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (TenantStation, error) {
		var s TenantStation
		err := r.Scan(&s.Name, &s.Revoked, &s.LastSync, &s.RefusedAt, &s.Refused)
		if s.LastSync.Unix() == 0 {
			s.LastSync = time.Time{}
		}
		if s.RefusedAt.Unix() == 0 {
			s.RefusedAt = time.Time{}
		}
		return s, err
	})
}

// refused notes that a station's sync was refused, and why (a
// wire.Refused* code), for the Desks page. Best effort, as seen.
func (c *Central) refused(ctx context.Context, station, why string) {
	c.pool.Exec(ctx, `UPDATE stations SET refused_at = now(), refused = $2 WHERE name = $1 AND (refused_at IS NULL OR refused_at < now() - interval '2 seconds' OR refused IS DISTINCT FROM $2)`, station, why)
}

// seen notes that a station synced. Best effort: a read-only standby
// cannot write it, and a sync must not fail for it.
func (c *Central) seen(ctx context.Context, station string) {
	c.pool.Exec(ctx, `UPDATE stations SET last_sync = now() WHERE name = $1 AND (last_sync IS NULL OR last_sync < now() - interval '2 seconds')`, station)
}
