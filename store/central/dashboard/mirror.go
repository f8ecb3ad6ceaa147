package dashboard

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"

	"dropin/store"
	"dropin/store/central"
	"dropin/store/wire"
)

// mirrorPage is how many events a mirror takes in one transaction.
const mirrorPage = 10_000

// Mirrors keeps, per tenant, a desk's own store that pulls every event of
// the tenant straight from PostgreSQL: the dashboard reads its numbers
// from the very projections a desk that pulled everything holds, made by
// the same code, so they cannot drift from the desks'.
type Mirrors struct {
	dir    string
	source func(tenant string) store.PullPage
	log    *slog.Logger

	mu sync.Mutex
	m  map[string]*mirror

	// changed, when set, is told of a mirror that took in new events in
	// the background loop.
	changed func(ctx context.Context, tenant string, st *store.Store)
}

type mirror struct {
	mu sync.Mutex // one catch-up at a time
	st *store.Store
}

// NewMirrors keeps the tenants' mirrors in dir (made if missing), pulling
// from the central store c.
func NewMirrors(dir string, c *central.Central, log *slog.Logger) *Mirrors {
	return newMirrors(dir, func(tenant string) store.PullPage {
		return func(ctx context.Context, after int64, limit int) (wire.PullResponse, error) {
			// Pages ten times a desk's: one transaction (one sync to disk)
			// and one projection of a busy batch per 10,000 events, not ten.
			evs, head, err := c.Pull(ctx, tenant, after, max(limit, mirrorPage))
			next := after
			if len(evs) > 0 {
				next = evs[len(evs)-1].Seq
			}
			return wire.PullResponse{Events: evs, Next: next, Head: head}, err
		}
	}, log)
}

func newMirrors(dir string, source func(string) store.PullPage, log *slog.Logger) *Mirrors {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Mirrors{dir: dir, source: source, log: log, m: map[string]*mirror{}}
}

// path is a tenant's mirror file: named by a hash, since a tenant's name
// is any text.
func (ms *Mirrors) path(tenant string) string {
	sum := sha256.Sum256([]byte(tenant))
	return filepath.Join(ms.dir, "tenant-"+hex.EncodeToString(sum[:8])+".db")
}

func (ms *Mirrors) get(ctx context.Context, tenant string) (*mirror, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if m, ok := ms.m[tenant]; ok {
		return m, nil
	}
	if err := os.MkdirAll(ms.dir, 0o700); err != nil {
		return nil, fmt.Errorf("dashboard mirror: %w", err)
	}
	st, err := store.Open(ctx, ms.path(tenant))
	if err != nil {
		return nil, fmt.Errorf("dashboard mirror of %q: %w", tenant, err)
	}
	m := &mirror{st: st}
	ms.m[tenant] = m
	return m, nil
}

// Store is the tenant's mirror, caught up with the central store first:
// a page shows every event committed before it was asked for.
func (ms *Mirrors) Store(ctx context.Context, tenant string) (*store.Store, error) {
	m, err := ms.get(ctx, tenant)
	if err != nil {
		return nil, err
	}
	if _, err := ms.catchUp(ctx, tenant, m); err != nil {
		return nil, err
	}
	return m.st, nil
}

// CatchUp pulls what the tenant's mirror lacks and says how many events
// were new.
func (ms *Mirrors) CatchUp(ctx context.Context, tenant string) (int, error) {
	m, err := ms.get(ctx, tenant)
	if err != nil {
		return 0, err
	}
	return ms.catchUp(ctx, tenant, m)
}

func (ms *Mirrors) catchUp(ctx context.Context, tenant string, m *mirror) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, _, err := m.st.PullFrom(ctx, ms.source(tenant))
	if err != nil {
		return n, fmt.Errorf("dashboard mirror of %q: %w", tenant, err)
	}
	return n, nil
}

// Run keeps every opened mirror caught up, every interval, until ctx
// ends: a page then rarely waits for more than the last few events.
func (ms *Mirrors) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		ms.mu.Lock()
		tenants := make([]string, 0, len(ms.m))
		for tenant := range ms.m {
			tenants = append(tenants, tenant)
		}
		ms.mu.Unlock()
		for _, tenant := range tenants {
			n, err := ms.CatchUp(ctx, tenant)
			if err != nil && ctx.Err() == nil {
				ms.log.Warn("dashboard catch-up", "tenant", tenant, "err", err)
			}
			if n > 0 && ms.changed != nil {
				if m, err := ms.get(ctx, tenant); err == nil {
					ms.changed(ctx, tenant, m.st)
				}
			}
		}
	}
}

// Close closes every mirror.
func (ms *Mirrors) Close() {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	for tenant, m := range ms.m {
		m.mu.Lock()
		m.st.Close()
		m.mu.Unlock()
		delete(ms.m, tenant)
	}
}
