package tui

import (
	"errors"

	"dropin/store"
	"dropin/tui/i18n"
)

// SyncErrorText says why a sync failed, in words a desk can act on.
func SyncErrorText(t i18n.Catalog, err error) string {
	switch {
	case errors.Is(err, store.ErrRefused):
		return t.T("sync.refused")
	case errors.Is(err, store.ErrUnreachable):
		return t.T("sync.unreachable")
	case errors.Is(err, store.ErrCentral):
		return t.T("sync.servererror")
	}
	return t.T("sync.failed", errText(err))
}
