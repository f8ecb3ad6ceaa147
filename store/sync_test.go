package store

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"dropin/store/wire"
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

// A pull checks each page as it comes, off the writer: a bad page is
// refused whole with the pages before it kept, and the pull says why.
// Here the desk is catching up (an empty desk, a full first page), where
// nothing reads a payload until the rebuild at the end: the check is all
// that keeps the bad event out of the log.
func TestAPullStopsAtABadPageAndKeepsThoseBefore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ev := func(seq int64, kind Kind, payload string) wire.Event {
		return wire.Event{ID: fmt.Sprintf("01JPAGE%d", seq), Station: "verdal-1", Actor: "AB", HLC: seq << 16, Kind: string(kind),
			Subject: fmt.Sprintf("SN%06d", seq), Cycle: 1, Payload: payload, Seq: seq}
	}
	first := wire.PullResponse{Next: pullChunk, Head: pullChunk + 2}
	for seq := range int64(pullChunk) {
		first.Events = append(first.Events, ev(seq+1, KindRegistered, `{"v":1,"model":"iPad"}`))
	}
	pages := map[int64]wire.PullResponse{
		0: first,
		pullChunk: {Events: []wire.Event{ev(pullChunk+1, KindReceived, `{"v":1}`), ev(pullChunk+2, KindFailed, `{"v":1,"reason":["not","a","string"]}`)},
			Next: pullChunk + 2, Head: pullChunk + 2},
	}
	n, inSync, err := s.PullFrom(ctx, func(_ context.Context, after int64, _ int) (wire.PullResponse, error) {
		return pages[after], nil
	})
	bad := fmt.Sprintf("01JPAGE%d", pullChunk+2)
	if !errors.Is(err, ErrBadPayload) || !strings.Contains(err.Error(), bad) || inSync || n != pullChunk {
		t.Fatalf("pulled %d (in sync %v): %v; want the first page's %d, then ErrBadPayload naming %s", n, inSync, err, pullChunk, bad)
	}
	if got := countEvents(t, s); got != pullChunk {
		t.Fatalf("%d events stored, want the first page's %d", got, pullChunk)
	}
	if c, err := s.Cursor(ctx); err != nil || c != pullChunk {
		t.Fatalf("cursor %d (%v), want %d", c, err, pullChunk)
	}
	if d, err := s.Card(ctx, "SN000001"); err != nil || d.Device.Model != "iPad" {
		t.Fatalf("the first page is not rebuilt: %+v, %v", d.Device, err)
	}
}

// TestACatchUpStoppedHalfWay: a desk catching up stores pages without
// projecting them and owes a rebuild in the same transactions. Stopped
// before its end (killed, say), it shows nothing it could not rebuild:
// the next open rebuilds, and the desk shows what the desk that made the
// events shows.
func TestACatchUpStoppedHalfWay(t *testing.T) {
	ctx := context.Background()
	a := openTest(t)
	seedExpected(t, a, 40)
	by := Actor{Station: "a", Staff: "KN"}
	for i := range 10 {
		if _, err := a.CheckIn(ctx, fmt.Sprintf("TAB%06d", i), by); err != nil {
			t.Fatal(err)
		}
	}
	evs, err := a.Outbox(ctx, 1000)
	if err != nil {
		t.Fatal(err)
	}
	pulled := make([]SyncedEvent, len(evs))
	for i, e := range evs {
		pulled[i] = SyncedEvent{Event: e, Seq: int64(i + 1)}
	}
	path := filepath.Join(t.TempDir(), "b.db")
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.applyPulled(ctx, pulled[:30], 30, false); err != nil {
		t.Fatal(err)
	}
	if _, err := b.applyPulled(ctx, pulled[30:], int64(len(pulled)), false); err != nil {
		t.Fatal(err)
	}
	if _, devices, _, _ := b.Size(ctx); devices != 0 {
		t.Fatalf("a catch-up projected %d tablets before its end", devices)
	}
	b.Close() // stopped before the rebuild that ends a catch-up
	b, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	fa, _ := a.Fingerprint(ctx)
	if fb, _ := b.Fingerprint(ctx); fb != fa {
		t.Fatal("the desk opened after a stopped catch-up does not show what the other desk shows")
	}
	if c, _ := b.Cursor(ctx); c != int64(len(pulled)) {
		t.Fatalf("cursor %d, want %d", c, len(pulled))
	}
}

// An answer's numbers reach SQLite as the JSON object encoding/json
// would write, whatever the ids.
func TestAnAcknowledgementReadsAsItsNumbers(t *testing.T) {
	seqs := map[string]int64{"0192f0c2-7a4e-7cc1-9a57-1f6b3c2d4e5f": 1 << 45, "01JPLAIN": 1, `odd "id" \ å`: -2}
	var got map[string]int64
	if err := json.Unmarshal([]byte(ackJSON(seqs)), &got); err != nil || !reflect.DeepEqual(got, seqs) {
		t.Fatalf("%s reads as %v (%v)", ackJSON(seqs), got, err)
	}
	if ackJSON(map[string]int64{}) != "{}" {
		t.Fatalf("no numbers: %s", ackJSON(map[string]int64{}))
	}
}

// A push reads the outbox a page at a time, each page after the last
// event of the one before, in clock order and by id where clocks tie (a
// seeded database holds several stations' events, and two stations can
// stamp the same time). Every waiting event comes once, in that order,
// whatever the page size, and an acknowledged one is not read again.
func TestTheOutboxIsReadPageAfterPageInPushOrder(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var evs []Event
	for i := range 30 { // clocks tie in fours, ids run against the order written
		evs = append(evs, Event{ID: fmt.Sprintf("ev-%02d", 29-i), Station: fmt.Sprintf("desk-%d", i%3), Actor: "KN",
			HLC: HLC(1_000_000 + int64(i/4)), Kind: KindOfficial, Subject: fmt.Sprintf("o%d@x.no", i), Payload: []byte(`{"v":1}`)})
	}
	err := s.inTx(ctx, func(tx wtx) error {
		for _, e := range evs {
			if err := insertEvent(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(evs, func(a, b Event) int { return cmp.Or(cmp.Compare(a.HLC, b.HLC), strings.Compare(a.ID, b.ID)) })
	var want []string
	for _, e := range evs {
		want = append(want, e.ID)
	}
	for _, size := range []int{1, 2, 3, 4, 7, 30, 31} {
		var got []string
		var after Event
		for {
			page, err := s.outboxAfter(ctx, after, size)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, e := range page {
				got = append(got, e.ID)
			}
			after = page[len(page)-1]
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("pages of %d read\n%v\nwant\n%v", size, got, want)
		}
	}
	// The first four acknowledged: the outbox starts at the fifth.
	if err := s.Acknowledge(ctx, map[string]int64{want[0]: 1, want[1]: 2, want[2]: 3, want[3]: 4}); err != nil {
		t.Fatal(err)
	}
	page, err := s.outboxAfter(ctx, Event{}, 2)
	if err != nil || len(page) != 2 || page[0].ID != want[4] || page[1].ID != want[5] {
		t.Fatalf("after the acknowledgement the outbox starts %v (%v), want %v", page, err, want[4:6])
	}
}
