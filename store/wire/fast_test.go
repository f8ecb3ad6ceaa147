package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// realEvents are events as desks write them: Norwegian letters, a name
// with & and <, which encoding/json writes as \u0026 and \u003c, a
// payload of JSON inside a string, the largest clock, a sequence number.
func realEvents() []Event {
	return []Event{
		{ID: "0192f0c2-7a4e-7cc1-9a57-1f6b3c2d4e5f", Station: "skranke-1", Actor: "KN", HLC: 1733561234567890123,
			Kind: "received", Subject: "DMPXK2ABC123", Cycle: 2, Payload: `{"v":1}`, Seq: 17},
		{ID: "0192f0c2-7a4e-7cc1-9a57-000000000001", Station: "sekretariat", Actor: "Åse Ødegård", HLC: 9223372036854775807,
			Kind: "registered", Subject: "åse@kommune.no", Ref: `a "quoted" ref\with\backslash`,
			Payload: `{"v":1,"name":"Åse & Bjørn <Ærlig>","note":"line\nbreak\ttab"}`},
		{ID: "0192f0c2-7a4e-7cc1-9a57-000000000002", Station: "s", Kind: "k", Subject: "x", HLC: 1, Payload: "{}", Seq: -1},
	}
}

// What desks and the service send is read by the fast readers, not by
// encoding/json: the speed is not lost without a test noticing.
func TestWhatDesksSendTakesTheFastReaders(t *testing.T) {
	evs := realEvents()
	push, err := json.Marshal(PushRequest{Events: evs})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := fastPush(push); !ok || !reflect.DeepEqual(got.Events, evs) {
		t.Fatalf("push read fast %v: %+v", ok, got)
	}
	var pull bytes.Buffer
	if err := json.NewEncoder(&pull).Encode(PullResponse{Events: evs, Next: 42, Head: 99}); err != nil {
		t.Fatal(err)
	}
	got, ok := fastPull(pull.Bytes())
	if !ok || !reflect.DeepEqual(got, PullResponse{Events: evs, Next: 42, Head: 99}) {
		t.Fatalf("pull read fast %v: %+v", ok, got)
	}
	seqs := PushResponse{Seqs: map[string]int64{evs[0].ID: 1 << 40, evs[1].ID: 7, "åx": -3}}
	answer, err := json.Marshal(seqs)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := fastPushResponse(answer); !ok || !reflect.DeepEqual(got, seqs) {
		t.Fatalf("push's answer read fast %v: %+v", ok, got)
	}
	empty, ok := fastPull([]byte(`{"events":[],"next":0,"head":0}`))
	if !ok || empty.Events == nil {
		t.Fatalf("an empty page reads as %#v (%v); encoding/json makes an empty slice", empty.Events, ok)
	}
}

// What the fast readers cannot read as encoding/json would is left to
// encoding/json, which then decides: the answer is the same either way.
func TestTheFastReadersLeaveTheRestToEncodingJSON(t *testing.T) {
	for _, body := range []string{
		`{"events":null}`,                           // null
		`{"Events":[]}`,                             // a key in another case
		`{"events":[{"ID":"x"}]}`,                   // likewise, in an event
		`{"events":[{"hlc":1.0}]}`,                  // a fraction
		`{"events":[{"hlc":1e3}]}`,                  // an exponent
		`{"events":[{"hlc":01}]}`,                   // a leading zero
		`{"events":[{"hlc":99999999999999999999}]}`, // too large
		`{"events":[{"ref":"\ud83d\ude00"}]}`,       // an escaped surrogate pair
		"{\"events\":[{\"ref\":\"\xff\"}]}",         // not UTF-8
		`{"events":[{"ref":"a` + "\n" + `"}]}`,      // a raw control character
		`{"events":[]} {"events":[]}`,               // trailing data
		`{"events":[],"events":[{"id":"x"}]}`,       // the array twice
		`{"events":[{"id":"x","extra":1}]}`,         // an unknown key
		`{"\u0065vents":[]}`,                        // an escaped key
		`{"events":[{"payload":"{\"a\":\"\u00e6\"}"}]}`,
		`{"events":[{"id":"0192f0c2-7a4e-7cc1-9a57-1f6b3c2d4e5f","station":"s","actor":"\ud83d\ude00","hlc":1,"kind":"k","subject":"x","cycle":0,"ref":"","payload":"{}"}]}`, // valid, by encoding/json // a plain \u escape: this one is read fast
	} {
		fast, ok := fastPush([]byte(body))
		want, werr := decodeSlow([]byte(body))
		if ok && !strings.Contains(body, `\u00e6`) {
			t.Errorf("%s: read fast, should be left to encoding/json", body)
		}
		if ok && (werr != nil || !reflect.DeepEqual(fast, want)) {
			t.Errorf("%s: fast %+v, encoding/json %+v (%v)", body, fast, want, werr)
		}
		got, err := DecodePush(strings.NewReader(body))
		if werr == nil {
			for i, e := range want.Events {
				if why := CheckEvent(e); why != "" {
					werr = fmt.Errorf("malformed event %d: %s", i, why)
					break
				}
			}
		}
		if (err == nil) != (werr == nil) || err == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("%s: DecodePush %+v (%v), encoding/json %+v (%v)", body, got, err, want, werr)
		}
	}
}

// decodeSlow is how a push was read before the fast reader.
func decodeSlow(body []byte) (PushRequest, error) {
	var req PushRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, err
	}
	if dec.More() {
		return req, errMore
	}
	return req, nil
}

var errMore = &RequestError{400, "more than one JSON value"}

// FuzzFastReadersAgreeWithEncodingJSON: whatever the fast readers accept,
// encoding/json accepts too and reads to the same value.
func FuzzFastReadersAgreeWithEncodingJSON(f *testing.F) {
	push, _ := json.Marshal(PushRequest{Events: realEvents()})
	pull, _ := json.Marshal(PullResponse{Events: realEvents(), Next: 3, Head: 4})
	answer, _ := json.Marshal(PushResponse{Seqs: map[string]int64{"a": 1, "b\u00e6": 2}})
	for _, s := range []string{string(push), string(pull), string(answer), `{"seqs":{}}`, `{"seqs":{"a":1,"a":2}}`, `{}`, `{"events":[]}`, ` { "events" : [ { } ] } `,
		`{"events":[{"hlc":-9223372036854775808,"cycle":-0}]}`, `{"next":1,"head":2,"events":[{"seq":5}]}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, ok := fastPush(body); ok {
			want, err := decodeSlow(body)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("push %q: fast %+v, encoding/json %+v (%v)", body, got, want, err)
			}
		}
		if got, ok := fastPushResponse(body); ok {
			var want PushResponse
			dec := json.NewDecoder(bytes.NewReader(body))
			if err := dec.Decode(&want); err != nil || dec.More() || !reflect.DeepEqual(got, want) {
				t.Fatalf("push's answer %q: fast %+v, encoding/json %+v (%v)", body, got, want, err)
			}
		}
		if got, ok := fastPull(body); ok {
			var want PullResponse
			dec := json.NewDecoder(bytes.NewReader(body))
			if err := dec.Decode(&want); err != nil || dec.More() || !reflect.DeepEqual(got, want) {
				t.Fatalf("pull %q: fast %+v, encoding/json %+v (%v)", body, got, want, err)
			}
		}
	})
}

// FuzzAppendEventWritesWhatEncodingJSONWrites: the hand-written encoder
// writes the bytes encoding/json writes, for any event, text that is not
// UTF-8 included.
func FuzzAppendEventWritesWhatEncodingJSONWrites(f *testing.F) {
	for _, e := range realEvents() {
		f.Add(e.ID, e.Station, e.Actor, e.HLC, e.Kind, e.Subject, e.Cycle, e.Ref, e.Payload, e.Seq)
	}
	f.Add("\xff\xfe", "\u2028\u2029", "\x00\x01\x7f", int64(-1), "<&>", "\b\f", -7, "\\\"", "a\xe2\x80", int64(0))
	f.Fuzz(func(t *testing.T, id, station, actor string, hlc int64, kind, subject string, cycle int, ref, payload string, seq int64) {
		e := Event{id, station, actor, hlc, kind, subject, cycle, ref, payload, seq}
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := AppendEvent(nil, e); !bytes.Equal(got, want) {
			t.Fatalf("AppendEvent %s\nencoding/json %s", got, want)
		}
		page := PullResponse{Events: []Event{e, e}, Next: seq, Head: hlc}
		var enc bytes.Buffer
		if err := json.NewEncoder(&enc).Encode(page); err != nil {
			t.Fatal(err)
		}
		if got := AppendPull(nil, page); !bytes.Equal(got, enc.Bytes()) {
			t.Fatalf("AppendPull %s\njson.Encoder %s", got, enc.Bytes())
		}
		answer := PushResponse{Seqs: map[string]int64{id: seq, station: hlc, actor: int64(cycle), kind: 0}}
		enc.Reset()
		if err := json.NewEncoder(&enc).Encode(answer); err != nil {
			t.Fatal(err)
		}
		if got := AppendPushResponse(nil, answer); !bytes.Equal(got, enc.Bytes()) {
			t.Fatalf("AppendPushResponse %s\njson.Encoder %s", got, enc.Bytes())
		}
	})
}

func TestAnEmptyAnswerIsWrittenAsEncodingJSONWritesIt(t *testing.T) {
	for _, answer := range []PushResponse{{}, {Seqs: map[string]int64{}}} {
		var enc bytes.Buffer
		if err := json.NewEncoder(&enc).Encode(answer); err != nil {
			t.Fatal(err)
		}
		if got := AppendPushResponse(nil, answer); !bytes.Equal(got, enc.Bytes()) {
			t.Errorf("AppendPushResponse %s, json.Encoder %s", got, enc.Bytes())
		}
	}
}

func TestAnEmptyPageIsWrittenAsEncodingJSONWritesIt(t *testing.T) {
	for _, page := range []PullResponse{{}, {Events: []Event{}, Next: 3, Head: 3}} {
		var enc bytes.Buffer
		if err := json.NewEncoder(&enc).Encode(page); err != nil {
			t.Fatal(err)
		}
		if got := AppendPull(nil, page); !bytes.Equal(got, enc.Bytes()) {
			t.Errorf("AppendPull %s, json.Encoder %s", got, enc.Bytes())
		}
	}
}
