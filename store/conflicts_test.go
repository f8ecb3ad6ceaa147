package store

import (
	"encoding/json"
	"slices"
	"testing"
)

// conflictEvent makes a device event for the conflict tests: a kind, a desk, a
// place in the agreed order (hlc), what the desk had seen of the central
// log, and the event's own central number (0: not yet pushed).
func conflictEvent(id, station string, kind Kind, hlc HLC, seen int64, seq int64, payload string) Event {
	return Event{ID: id, Station: station, Actor: "S" + station, HLC: hlc << 16, Kind: kind, Subject: "TAB1", Cycle: 1,
		Payload: withSeen([]byte(payload), seen), ServerSeq: seq}
}

// Two desks that had not seen each other's step disagree; a step taken
// knowing the other is no conflict, nor are two desks climbing the
// ladder, nor an undone step, nor a desk with itself.
func TestProjectConflicts(t *testing.T) {
	reg := Event{ID: "r", Station: "A", HLC: 1 << 16, Kind: KindRegistered, Subject: "TAB1", Cycle: 1, Payload: []byte(`{"v":1}`), ServerSeq: 1}
	for _, tc := range []struct {
		name string
		evs  []Event
		want [][2]string
	}{
		{"failed at A, upgraded at C, neither had seen the other", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 1, 5, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u", "C", KindUpgraded, 11, 1, 6, `{"v":1}`)}, [][2]string{{"f", "u"}}},
		{"C had pulled A's failure before upgrading", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 1, 5, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u", "C", KindUpgraded, 11, 5, 6, `{"v":1}`)}, nil},
		{"A had seen C's step, though A's clock sorts first", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 6, 7, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u", "C", KindUpgraded, 11, 1, 6, `{"v":1}`)}, nil},
		{"two steps written in one database, neither pushed yet", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 0, 0, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u", "C", KindUpgraded, 11, 0, 0, `{"v":1}`)}, nil},
		{"C's step not yet pushed: A cannot have seen it", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 1, 5, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u", "C", KindUpgraded, 11, 1, 0, `{"v":1}`)}, [][2]string{{"f", "u"}}},
		{"a desk's steps against one failure are one conflict, its last step's", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 1, 5, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u1", "C", KindUpgrading, 11, 1, 6, `{"v":1}`),
			conflictEvent("u2", "C", KindUpgraded, 12, 1, 7, `{"v":1}`)}, [][2]string{{"f", "u2"}}},
		{"so are they where the failure falls between them", []Event{reg,
			conflictEvent("u1", "C", KindUpgrading, 10, 1, 5, `{"v":1}`),
			conflictEvent("f", "A", KindFailed, 11, 1, 6, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u2", "C", KindUpgraded, 12, 1, 7, `{"v":1}`)}, [][2]string{{"f", "u2"}}},
		{"two desks against one failure are two conflicts", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 1, 5, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u", "C", KindUpgraded, 11, 1, 6, `{"v":1}`),
			conflictEvent("v", "D", KindUpgraded, 12, 1, 7, `{"v":1}`)}, [][2]string{{"f", "u"}, {"f", "v"}}},
		{"two desks climbing the ladder agree", []Event{reg,
			conflictEvent("a", "A", KindUpgrading, 10, 1, 5, `{"v":1}`),
			conflictEvent("b", "C", KindUpgraded, 11, 1, 6, `{"v":1}`)}, nil},
		{"one device issued to two officials", []Event{reg,
			conflictEvent("a", "A", KindIssued, 10, 1, 5, `{"v":1,"official":"kari@x"}`),
			conflictEvent("b", "C", KindIssued, 11, 1, 6, `{"v":1,"official":"ola@x"}`)}, [][2]string{{"a", "b"}}},
		{"an undone step no longer speaks", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 1, 5, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u", "C", KindUpgraded, 11, 1, 6, `{"v":1}`),
			{ID: "x", Station: "A", HLC: 12 << 16, Kind: KindUndo, Subject: "TAB1", Ref: "f", Payload: []byte(`{"v":1}`)}}, nil},
		{"steps from before desks said what they had seen", []Event{reg,
			{ID: "f", Station: "A", HLC: 10 << 16, Kind: KindFailed, Subject: "TAB1", Cycle: 1, Payload: []byte(`{"v":1,"reason":"x"}`), ServerSeq: 5},
			{ID: "u", Station: "C", HLC: 11 << 16, Kind: KindUpgraded, Subject: "TAB1", Cycle: 1, Payload: []byte(`{"v":1}`), ServerSeq: 6}}, nil},
		{"one desk never disagrees with itself", []Event{reg,
			conflictEvent("f", "A", KindFailed, 10, 0, 0, `{"v":1,"reason":"skjerm"}`),
			conflictEvent("u", "A", KindResolved, 11, 0, 0, `{"v":1}`)}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs, err := projectConflicts("TAB1", tc.evs)
			if err != nil {
				t.Fatal(err)
			}
			var got [][2]string
			for _, c := range cs {
				got = append(got, [2]string{c.First.ID, c.Second.ID})
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("conflicts %v, want %v", got, tc.want)
			}
		})
	}
}

// withSeen keeps a payload JSON: an empty object and one with fields.
func TestWithSeen(t *testing.T) {
	for in, want := range map[string]string{`{}`: `{"seen":7}`, `{"v":1}`: `{"seen":7,"v":1}`, `{ }`: `{"seen":7 }`} {
		if got := string(withSeen([]byte(in), 7)); got != want {
			t.Errorf("withSeen(%s) = %s, want %s", in, got, want)
		}
	}
}

// A step's "seen" reads as encoding/json reads it, whether it is read
// from the front of the payload, where withSeen puts it, or not.
func TestSeenReadsAsEncodingJSON(t *testing.T) {
	for _, c := range []struct {
		payload string
		seen    int64
		ok      bool
	}{
		{`{"seen":42,"v":1,"reason":"skjerm"}`, 42, true},
		{`{"seen":0}`, 0, true},
		{`{"seen":7} `, 7, true},
		{`{"v":1,"seen":9}`, 9, true},                 // not first: encoding/json
		{`{"seen":3,"seen":4}`, 4, true},              // the last of two, as encoding/json
		{`{"seen":3,"SEEN":5}`, 5, true},              // another case of the name
		{`{"seen":3,"x":{"seen":8}}`, 3, true},        // a nested one is not it
		{`{"seen":3,"note":"s\u00e5 seen"}`, 3, true}, // escapes and words
		{`{"seen":null,"v":1}`, 0, false},             // none
		{`{"v":1}`, 0, false},                         // none
		{`{"seen":12,"navn":"Åse"}`, 12, true},        // outside ASCII: encoding/json
	} {
		seen, ok, err := seenOf([]byte(c.payload))
		if err != nil || seen != c.seen || ok != c.ok {
			t.Errorf("seenOf(%s) = %d, %v, %v; want %d, %v", c.payload, seen, ok, err, c.seen, c.ok)
		}
	}
	for _, bad := range []string{`{"seen":5`, `{"seen":"5"}`, `{"seen":1e2}`, `{"seen":99999999999999999999}`, `[1]`} {
		if _, _, err := seenOf([]byte(bad)); err == nil {
			t.Errorf("seenOf(%s) took it", bad)
		}
	}
}

// FuzzSeenOfAgreesWithEncodingJSON holds seenOf to encoding/json on any
// valid JSON: the same "seen", or the same refusal.
func FuzzSeenOfAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{`{"seen":42,"v":1}`, `{"seen":3,"Seen":4}`, `{"seen":0}`, `{"seen":01}`, `{"seen":1,"x":"ſeen"}`,
		`{"seen":5,"x":[{"seen":1}]}`, `{"seen":18446744073709551615}`, `{"seen":5}`, `{}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		if !json.Valid(payload) {
			return // a payload is valid JSON when it is written
		}
		seen, ok, err := seenOf(payload)
		var p seenPayload
		jerr := json.Unmarshal(payload, &p)
		if (err != nil) != (jerr != nil) {
			t.Fatalf("%s: seenOf err %v, encoding/json err %v", payload, err, jerr)
		}
		if jerr == nil && (ok != (p.Seen != nil) || ok && seen != *p.Seen) {
			t.Fatalf("%s: seenOf %d %v, encoding/json %v", payload, seen, ok, p.Seen)
		}
	})
}
