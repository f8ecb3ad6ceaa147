package central

import (
	"encoding/hex"
	"testing"

	"dropin/store/wire"
)

// An event's hash is what a pushed event is compared with when it comes
// again: a central store keeps the hashes of every event it took, so the
// bytes hashed may never change. The digests below are the ones the
// first central stores wrote.
func TestAnEventsHashStaysAsStored(t *testing.T) {
	for _, c := range []struct {
		e    wire.Event
		want string
	}{
		{wire.Event{ID: "0192f0c2-7a4e-7cc1-9a57-1f6b3c2d4e5f", Station: "skranke-1", Actor: "KN", HLC: 1733561234567890123,
			Kind: "received", Subject: "DMPXK2ABC123", Cycle: 2, Ref: "", Payload: `{"v":1}`}, "f1da58b6fdda25197429e8dda7d2a6300067262e17362afbe5c00a46c897f7e6"},
		{wire.Event{ID: "0192f0c2-7a4e-7cc1-9a57-000000000001", Station: "sekretariat", Actor: "Åse Ødegård", HLC: 1,
			Kind: "registered", Subject: "åse@kommune.no", Cycle: 0, Ref: "ref;1:x", Payload: `{"v":1,"name":"Åse"}`}, "d936f3fb5b140b09e92176b2a8ae6b00405d30cab198384ed2ea541dc57dbc29"},
	} {
		if got := hex.EncodeToString(eventHash(c.e)); got != c.want {
			t.Errorf("hash of %s: %s, stored as %s", c.e.ID, got, c.want)
		}
	}
}
