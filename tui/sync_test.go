package tui

import (
	"errors"
	"testing"
	"time"

	"dropin/store"
	"dropin/tui/i18n"
)

func TestStatusBarSaysHowSyncStands(t *testing.T) {
	h := newHarness(t, 120, 30, i18n.Bokmal)
	h.m.sync.on = true
	at := time.Date(2026, 4, 14, 9, 30, 0, 0, time.Local)
	for _, tc := range []struct {
		msg  syncedMsg
		want string
	}{
		{syncedMsg{rep: store.SyncReport{InSync: true, At: at}, at: at}, "i synk 09:30:00"},
		{syncedMsg{rep: store.SyncReport{Waiting: 3, At: at}, at: at}, "3 venter på synk"},
		{syncedMsg{err: errors.New("central store unreachable: connection refused"), at: at.Add(time.Minute)}, "frakoblet siden 09:31:00"},
		{syncedMsg{err: errors.New("still down"), at: at.Add(5 * time.Minute)}, "frakoblet siden 09:31:00"}, // since the first failure
		{syncedMsg{err: store.ErrRefused, at: at}, "synk avvist: ugyldig token"},
		{syncedMsg{rep: store.SyncReport{InSync: true, At: at.Add(time.Hour)}, at: at.Add(time.Hour)}, "i synk 10:30:00"},
	} {
		h.send(tc.msg)
		h.wantScreen(tc.want)
	}
}
