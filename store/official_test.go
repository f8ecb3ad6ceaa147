package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

// seatsOf reads what SQLite writes without encoding/json, and hands
// anything else to it: the two must agree on every valid JSON text.
func FuzzSeatsOfAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`[]`, `[{"body":"Kommunestyret","role":"Leder"}]`,
		`[{"body":"Kommunestyret","role":null},{"body":"Råd for eldre","role":"Medlem"}]`,
		`[{"body":"Kontroll\"utvalget","role":"Leder"}]`, `[{"body":"a\u00e6","role":""}]`,
		`[{"Body":"a","role":"b"}]`, `[{"role":"b","body":"a"}]`, `[{"body":"a","role":"b","x":1}]`,
		`[{"body":"a","role":"b"},]`, `null`, `{}`, `[{"body":"a","role":1}]`, "[{\"body\":\"\xff\",\"role\":\"b\"}]",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !json.Valid([]byte(s)) {
			return // SQLite writes valid JSON
		}
		got, err := seatsOf(s)
		var want []Seat
		jerr := json.Unmarshal([]byte(s), &want)
		if (err != nil) != (jerr != nil) {
			t.Fatalf("%s: seatsOf err %v, encoding/json err %v", s, err, jerr)
		}
		if jerr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%s: seatsOf %#v, encoding/json %#v", s, got, want)
		}
	})
}

// The seats SQLite writes take the fast path.
func TestSeatsAsSQLiteWritesThemNeedNoReflection(t *testing.T) {
	for s, want := range map[string][]Seat{
		`[]`: {},
		`[{"body":"Kommunestyret","role":"Leder"},{"body":"Råd for personer med funksjonsnedsettelse","role":null}]`: {
			{Body: "Kommunestyret", Role: "Leder"}, {Body: "Råd for personer med funksjonsnedsettelse"}},
	} {
		got, ok := seatsFast(s)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("seatsFast(%s) = %#v, %v", s, got, ok)
		}
	}
}
