package tui

import (
	"errors"

	"dropin/scan"
	"dropin/store"
	"dropin/tui/i18n"
)

// SyncErrorText says why a sync failed, in words a desk can act on.
func SyncErrorText(t i18n.Catalog, err error) string {
	var bad *store.BadAddressError
	switch {
	case errors.As(err, &bad):
		return t.T("sync.badaddress", scan.Clean(bad.Address))
	case errors.Is(err, store.ErrRefused):
		return t.T("sync.refused")
	case errors.Is(err, store.ErrRevoked):
		return t.T("sync.revoked")
	case errors.Is(err, store.ErrForeignEvents):
		if fe := (*store.ForeignEventsError)(nil); errors.As(err, &fe) && fe.Token != "" && fe.Event != "" {
			token, event := scan.Clean(fe.Token), scan.Clean(fe.Event)
			return t.T("sync.foreign.named", token, event, event)
		}
		return t.T("sync.foreign")
	case errors.Is(err, store.ErrOtherDatabase):
		station := ""
		if od := (*store.OtherDatabaseError)(nil); errors.As(err, &od) {
			station = scan.Clean(od.Station)
		}
		return t.T("sync.otherdb", station, shellWord(station))
	case errors.Is(err, store.ErrConflictingEvent):
		return t.T("sync.conflict")
	case errors.Is(err, store.ErrTooLarge):
		return t.T("sync.toolarge")
	case errors.Is(err, store.ErrUnreachable):
		return t.T("sync.unreachable")
	case errors.Is(err, store.ErrCentral):
		return t.T("sync.servererror")
	}
	return t.T("sync.failed", errText(err))
}
