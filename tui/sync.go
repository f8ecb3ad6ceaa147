package tui

import (
	"context"
	"errors"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"dropin/store"
)

// syncedMsg is one background sync round's outcome.
type syncedMsg struct {
	rep     store.SyncReport
	err     error
	at      time.Time
	waiting int // after a failed round: this desk's events not yet pushed (-1: unknown)
	// url and token are where the round synced; a round that began before
	// the settings changed them says nothing of the new target.
	url, token string
}

// syncState is what the status bar says about sync.
type syncState struct {
	on           bool // a central store is configured
	last         store.SyncReport
	err          error
	offlineSince time.Time
}

// SyncTarget is where the desk syncs: the service's URL and this
// station's token. The settings screen can change it while the desk runs.
type SyncTarget struct {
	mu         sync.Mutex
	url, token string
	changed    chan struct{} // SyncLoop syncs at once when the target changes
}

// NewSyncTarget returns a target; empty means the desk works alone.
func NewSyncTarget(url, token string) *SyncTarget {
	return &SyncTarget{url: url, token: token, changed: make(chan struct{}, 1)}
}

// Get returns the URL and token.
func (t *SyncTarget) Get() (string, string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.url, t.token
}

// Set changes them, and a change wakes SyncLoop: a desk given its central
// store on the settings screen syncs now, not at the next tick.
func (t *SyncTarget) Set(url, token string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.url == url && t.token == token {
		return
	}
	t.url, t.token = url, token
	select {
	case t.changed <- struct{}{}:
	default: // a wake-up is already waiting
	}
}

// On reports whether there is somewhere to sync.
func (t *SyncTarget) On() bool {
	if t == nil {
		return false
	}
	u, k := t.Get()
	return u != "" && k != ""
}

// SyncLoop syncs the desk with the central store now and every interval
// until ctx ends, and tells the program each outcome. It runs beside the
// program (the long-lived producer feeds it through send), so the desk
// never waits for the network. Each round reads the target afresh.
func SyncLoop(ctx context.Context, send func(tea.Msg), st *store.Store, target *SyncTarget, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		if target.On() {
			url, token := target.Get()
			rctx, cancel := context.WithTimeout(ctx, 2*every+10*time.Second)
			rep, err := st.Sync(rctx, url, token, nil)
			cancel()
			if ctx.Err() != nil {
				return
			}
			msg := syncedMsg{rep: rep, err: err, at: time.Now(), waiting: -1, url: url, token: token}
			if err != nil { // read here, never in Update
				if n, werr := st.Waiting(ctx); werr == nil {
					msg.waiting = n
				}
			}
			send(msg)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-target.changed:
		}
	}
}

func (m *Model) synced(msg syncedMsg) tea.Cmd {
	if t := m.settings.target; t != nil && msg.url != "" {
		if url, token := t.Get(); url != msg.url || token != msg.token {
			return nil // a round for the target the settings just replaced
		}
	}
	s := &m.sync
	s.on = true
	s.err = msg.err
	if msg.err != nil {
		if s.offlineSince.IsZero() {
			s.offlineSince = msg.at
		}
		if msg.waiting >= 0 {
			s.last.Waiting = msg.waiting
		}
		return nil
	}
	s.offlineSince, s.last = time.Time{}, msg.rep
	if msg.rep.Pulled > 0 {
		// Another desk's work arrived: the numbers, the open card and the
		// overview show it.
		return tea.Batch(changed, m.desk.reload())
	}
	return nil
}

// syncText is the status bar's word on sync: in sync (with time), N
// waiting, offline since when, or refused.
func (m *Model) syncText() string {
	s, t := m.sync, m.c.t
	switch {
	case !s.on:
		return ""
	case errors.As(s.err, new(*store.BadAddressError)):
		return t.T("bar.sync.badaddress")
	case errors.Is(s.err, store.ErrRefused):
		return t.T("bar.sync.refused")
	case errors.Is(s.err, store.ErrRevoked):
		return t.T("bar.sync.revoked")
	case errors.Is(s.err, store.ErrOtherDatabase):
		return t.T("bar.sync.otherdb")
	case errors.Is(s.err, store.ErrForeignEvents), errors.Is(s.err, store.ErrConflictingEvent), errors.Is(s.err, store.ErrTooLarge):
		return t.T("bar.sync.refusedpush")
	case errors.Is(s.err, store.ErrCentral):
		// It answered, with an error (its database down, say): not the
		// network, and nothing the desk can mend.
		return t.T("bar.sync.failing", t.Clock(s.offlineSince), s.last.Waiting)
	case s.err != nil:
		return t.T("bar.sync.offline", t.Clock(s.offlineSince), s.last.Waiting)
	case s.last.At.IsZero():
		return t.T("bar.sync.starting")
	case s.last.InSync:
		return t.T("bar.sync.insync", t.Clock(s.last.At))
	}
	return t.T("bar.sync.waiting", s.last.Waiting)
}
