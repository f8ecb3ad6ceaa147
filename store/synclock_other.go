//go:build !unix

package store

import "context"

// lockSync: without flock, syncs in one process take turns.
func (s *Store) lockSync(ctx context.Context) (func(), error) {
	s.syncMu.Lock()
	return s.syncMu.Unlock, nil
}
