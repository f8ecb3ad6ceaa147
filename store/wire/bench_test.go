package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
)

// benchPage is a full page of events as a roster import makes them: an
// official's registration, its payload JSON inside a string.
func benchPage() []Event {
	evs := make([]Event, MaxPullEvents)
	for i := range evs {
		evs[i] = Event{ID: fmt.Sprintf("0192f0c2-7a4e-7cc1-9a57-%012d", i), Station: "sekretariat", Actor: "BN",
			HLC: 1_800_000_000_000_000_000 + int64(i), Kind: "official_registered", Subject: fmt.Sprintf("person%d@kommune%d.no", i, i%40),
			Payload: fmt.Sprintf(`{"v":1,"id":"person%d@kommune%d.no","name":"Øystein Ås %d","municipality":"Kommune %d","email_primary":"person%d@kommune%d.no","phone":"9%07d","seats":[{"body":"Kommunestyret","role":"Medlem"},{"body":"Formannskapet","role":"Medlem"}]}`, i, i%40, i, i%40, i, i%40, i),
			Seq:     int64(i + 1)}
	}
	return evs
}

// The reading and writing of one full page, by this package and by
// encoding/json side by side:
//
//	go test ./store/wire -run '^$' -bench Page
func BenchmarkReadPage(b *testing.B) {
	body := AppendPull(nil, PullResponse{Events: benchPage(), Next: 5000, Head: 9000})
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := DecodePull(body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadPageEncodingJSON(b *testing.B) {
	body := AppendPull(nil, PullResponse{Events: benchPage(), Next: 5000, Head: 9000})
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		var resp PullResponse
		if err := json.NewDecoder(bytes.NewReader(body)).Decode(&resp); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWritePage(b *testing.B) {
	page := PullResponse{Events: benchPage(), Next: 5000, Head: 9000}
	for b.Loop() {
		AppendPull(make([]byte, 0, 64<<10), page)
	}
}

func BenchmarkWritePageEncodingJSON(b *testing.B) {
	page := PullResponse{Events: benchPage(), Next: 5000, Head: 9000}
	for b.Loop() {
		var buf bytes.Buffer
		if err := json.NewEncoder(&buf).Encode(page); err != nil {
			b.Fatal(err)
		}
	}
}
