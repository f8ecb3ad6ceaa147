package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

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
		{syncedMsg{err: fmt.Errorf("%w: 503 Service Unavailable: could not store the events", store.ErrCentral), at: at.Add(6 * time.Minute)},
			"sentrallageret feiler siden 09:31:00"}, // it answers, with an error: not the network
		{syncedMsg{err: store.ErrRefused, at: at}, "synk avvist: ugyldig token"},
		{syncedMsg{rep: store.SyncReport{InSync: true, At: at.Add(time.Hour)}, at: at.Add(time.Hour)}, "i synk 10:30:00"},
	} {
		h.send(tc.msg)
		h.wantScreen(tc.want)
	}
}

// An address that cannot be the central store's (a typo: no https://, or
// no host) is said to be one, never that the network is down; the
// settings screen does not save it.
func TestAWrongCentralAddressIsCalledOne(t *testing.T) {
	for addr, bad := range map[string]bool{"https://dropin.innherred.no": false, "http://127.0.0.1:8470/": false,
		"htp:/dropin": true, "dropin.innherred.no": true, "https://": true, "https:///v1": true, "": true, "ftp://dropin": true} {
		if err := store.CheckCentral(addr); (err != nil) != bad {
			t.Errorf("CheckCentral(%q) = %v", addr, err)
		}
	}
	h := newHarness(t, 80, 24, i18n.Bokmal)
	h.m.sync.on = true
	_, err := h.store.Sync(context.Background(), "dropin.innherred.no", "token", nil)
	if got := SyncErrorText(h.m.c.t, err); !strings.HasPrefix(got, "«dropin.innherred.no» er ikke en adresse til sentrallageret: den begynner med https://") {
		t.Fatalf("dropin sync says: %s", got)
	}
	h.send(syncedMsg{err: err, at: time.Now()})
	h.wantScreen("synk: feil adresse, se Innstillinger")

	h.open(screenSettings)
	h.special(tea.KeyDown)
	h.special(tea.KeyDown)
	h.press("htp:/dropin.innherred.no")
	h.special(tea.KeyEnter)
	h.wantScreen("«htp:/dropin.innherred.no» er ikke en adresse til")
	if v, _ := h.store.Setting(context.Background(), store.SettingCentral); v != "" {
		t.Fatalf("a wrong address was saved: %q", v)
	}
	h.special(tea.KeyHome)
	h.special(tea.KeyDelete)
	h.special(tea.KeyDelete)
	h.special(tea.KeyDelete)
	h.special(tea.KeyDelete)
	h.press("https:/")
	// An address without the desk's token would sync nothing, silently:
	// it is refused, and the token's field has the cursor.
	h.special(tea.KeyEnter)
	h.wantScreen("Skriv skrankens token også")
	if v, _ := h.store.Setting(context.Background(), store.SettingCentral); v != "" {
		t.Fatalf("an address without a token was saved: %q", v)
	}
	h.press("SECRETTOKEN")
	h.special(tea.KeyEnter)
	if v, _ := h.store.Setting(context.Background(), store.SettingCentral); v != "https://dropin.innherred.no" {
		t.Fatalf("the mended address saved as %q", v)
	}
	// A token without an address is kept, and the desk is said to work
	// alone; emptied too, it is gone.
	emptied := func(typed, key string) {
		h.special(tea.KeyEnd)
		for range len(typed) {
			h.special(tea.KeyBackspace)
		}
		h.special(tea.KeyEnter)
		if v, _ := h.store.Setting(context.Background(), key); v != "" {
			t.Fatalf("the emptied %s saved as %q", key, v)
		}
	}
	h.special(tea.KeyUp)
	emptied("https://dropin.innherred.no", store.SettingCentral)
	h.wantScreen("Uten sentrallagerets adresse arbeider")
	h.special(tea.KeyDown)
	emptied("SECRETTOKEN", store.SettingToken)
	h.wantScreen("✓ Lagret")
}
