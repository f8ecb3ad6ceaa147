//go:build unix

package store

import (
	"context"
	"os"
	"syscall"
	"time"
)

// lockSync takes the station's sync lock, a file beside the database
// locked with flock: two syncs of one database (the desk's loop and a
// `dropin sync`, or two of those) take turns, so each reports what it did.
// The lock goes with the process: a killed sync holds nothing.
func (s *Store) lockSync(ctx context.Context) (func(), error) {
	f, err := os.OpenFile(s.path+".sync-lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN); f.Close() }, nil
		}
		if err != syscall.EWOULDBLOCK {
			f.Close()
			return nil, err
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
