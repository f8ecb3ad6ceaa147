package tui

import (
	"errors"

	"dropin/store"
	"dropin/tui/i18n"
)

// SyncErrorText says why a sync failed, in words a desk can act on.
func SyncErrorText(t i18n.Catalog, err error) string {
	if errors.Is(err, store.ErrRefused) {
		return t.T("sync.refused")
	}
	return t.T("sync.failed", errText(err))
}
