package store

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"dropin/store/wire"
)

// A day of signatures waiting behind a broken line is more than the
// service takes in one push (wire.MaxBody): the desk splits it by size,
// every body reads as a push the service accepts, and no event is left
// out or sent twice.
func TestPushBodiesStayUnderTheServicesLimit(t *testing.T) {
	strokes := strings.Repeat(`{"X":12,"Y":3},`, 2000) // 30 KB, a long signature, stored twice
	var out []Event
	for i := range 600 { // 36 MB in all
		out = append(out, Event{ID: fmt.Sprintf("0190f8a0-0000-7000-8000-%012d", i), Station: "skranke-1", Actor: "KN", HLC: HLC(i + 1),
			Kind: KindSigned, Subject: "SN1", Payload: []byte(`{"v":1,"strokes":[` + strokes + `{"X":1,"Y":1}],"content":{"Strokes":[` + strokes + `{"X":1,"Y":1}]}}`)})
	}
	sent := 0
	for sent < len(out) {
		body, n := pushBody(out[sent:], pushBudget)
		if n == 0 {
			t.Fatalf("no event fits after %d", sent)
		}
		if len(body) > wire.MaxBody {
			t.Fatalf("a push of %d bytes; the service takes %d", len(body), wire.MaxBody)
		}
		req, err := wire.DecodePush(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("the service refuses the body: %v", err)
		}
		if len(req.Events) != n || req.Events[0].ID != out[sent].ID || req.Events[n-1].ID != out[sent+n-1].ID {
			t.Fatalf("body of %d events, said %d", len(req.Events), n)
		}
		sent += n
	}
	// Small events go as many as a push may carry.
	if _, n := pushBody(out[:1], pushBudget); n != 1 {
		t.Fatalf("one event: %d", n)
	}
}
