package store

import (
	"context"
	"errors"
	"testing"
)

// A pulled page with an event whose payload does not read as its kind's
// is refused whole: nothing of the page is stored, the cursor stays, and
// the error names the event and the station it came from.
func TestAPulledPageWithABadPayloadIsRefusedWhole(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	good := Event{ID: "01JGOOD", Station: "verdal-1", Actor: "AB", HLC: 5 << 16, Kind: KindRegistered, Subject: "SN42XYZ", Cycle: 1,
		Payload: []byte(`{"v":1,"model":"iPad"}`)}
	bad := Event{ID: "01JBAD", Station: "verdal-1", Actor: "AB", HLC: 6 << 16, Kind: KindFailed, Subject: "SN42XYZ", Cycle: 1,
		Payload: []byte(`{"v":1,"reason":["not","a","string"]}`)}
	_, err := s.ApplyPulled(ctx, []SyncedEvent{{Seq: 1, Event: good}, {Seq: 2, Event: bad}}, 2)
	if !errors.Is(err, ErrBadPayload) {
		t.Fatalf("got %v, want ErrBadPayload", err)
	}
	if n := countEvents(t, s); n != 0 {
		t.Fatalf("%d events stored from a refused page", n)
	}
	if c, err := s.Cursor(ctx); err != nil || c != 0 {
		t.Fatalf("cursor %d (%v), want 0", c, err)
	}
	// A kind from a newer desk passes if its payload is an object.
	newer := Event{ID: "01JNEW", Station: "verdal-1", Actor: "AB", HLC: 7 << 16, Kind: "loaned", Subject: "SN42XYZ", Payload: []byte(`{"v":1}`)}
	if _, err := s.ApplyPulled(ctx, []SyncedEvent{{Seq: 1, Event: good}, {Seq: 2, Event: newer}}, 2); err != nil {
		t.Fatal(err)
	}
	if d, err := s.Card(ctx, "SN42XYZ"); err != nil || d.Device.Model != "iPad" {
		t.Fatalf("card %+v, %v", d.Device, err)
	}
}
