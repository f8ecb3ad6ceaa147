package scan

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		raw    string
		want   string
		reason Reason
	}{
		{"DMPXK2ABC123", "DMPXK2ABC123", 0},
		{"  dmpxk2abc123 \r\n", "DMPXK2ABC123", 0},
		{"]C0DMPXK2ABC123", "DMPXK2ABC123", 0},
		{"]Q1r52n-40 xyz", "R52N40XYZ", 0},
		{"GG7-DK-12345", "GG7DK12345", 0},
		{"490154203237518", "490154203237518", 0}, // a valid IMEI
		{"490154203237517", "", ReasonLuhn},       // one digit off
		{"12345678901234", "12345678901234", 0},   // 14 digits: not an IMEI, no Luhn
		{"", "", ReasonEmpty},
		{"  \t ", "", ReasonEmpty},
		{"DMPX", "", ReasonTooShort},
		{"ABCDEFGHIJKLMNOPQRSTU", "", ReasonTooLong},
		{"DMP/XK2ABC", "", ReasonBadChar},
		{"DMPØK2ABC", "", ReasonBadChar},
		{"DMP\x1b[31mXK2", "", ReasonBadChar},
	}
	for _, tt := range tests {
		got, err := Parse(tt.raw)
		if r := ReasonOf(err); r != tt.reason {
			t.Errorf("Parse(%q) reason = %v, want %v (err %v)", tt.raw, r, tt.reason, err)
		}
		if got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.raw, got, tt.want)
		}
	}
}

func TestErrorMessageIsSafe(t *testing.T) {
	_, err := Parse("AB\x1b]0;pwned\x07C")
	if err == nil {
		t.Fatal("want an error")
	}
	if strings.ContainsAny(err.Error(), "\x1b\x07") {
		t.Fatalf("error message carries control characters: %q", err.Error())
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Kari Nordmann", "Kari Nordmann"},
		{"Øystein Å. Ærlig", "Øystein Å. Ærlig"},
		{"red\x1b[31mtext\x1b[0m", "redtext"},
		{"title\x1b]0;evil\x07end", "titleend"},
		{"bell\x07 and\x00 nul", "bell and nul"},
		{"two\nlines\ttab", "two lines tab"},
		{"c1\u009bcsi", "c1csi"},
		{"\ufeffBOM", "BOM"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in); got != tt.want {
			t.Errorf("Clean(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzParse checks the properties every caller relies on: an accepted
// serial is canonical (parsing it again gives itself), within bounds, and
// made of A-Z0-9 only; a refusal carries a reason; nothing panics.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"DMPXK2ABC123", "]C0dmpxk2abc123", "490154203237518", "R52N-40 XYZ", "", "\x1b[2J", "ÆØÅ123456", "]", "]C", "]C0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := Parse(raw)
		if err != nil {
			if ReasonOf(err) == 0 {
				t.Fatalf("refusal without a reason: %v", err)
			}
			if strings.ContainsAny(err.Error(), "\x1b\x07\x00") {
				t.Fatalf("unsafe error text %q", err.Error())
			}
			return
		}
		if n := utf8.RuneCountInString(s); n < MinSerialLen || n > MaxSerialLen {
			t.Fatalf("accepted %q of length %d", s, n)
		}
		for _, r := range s {
			if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				t.Fatalf("accepted %q with %q", s, r)
			}
		}
		if again, err := Parse(s); err != nil || again != s {
			t.Fatalf("Parse(Parse(%q)) = %q, %v; not canonical", raw, again, err)
		}
	})
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"Kari", "\x1b[31mx", "\x9b2J", "a\x1b]8;;http://x\x07b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Clean(s)
		for _, r := range out {
			if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
				t.Fatalf("Clean(%q) = %q keeps control %U", s, out, r)
			}
		}
	})
}

// The beginning of a serial, typed to find one: one word of three or
// more characters a serial holds, normalised as Parse normalises.
func TestPrefix(t *testing.T) {
	for raw, want := range map[string]string{"r52n": "R52N", " kc7k ": "KC7K", "R52-NX": "R52NX", "abc": "ABC"} {
		if got, ok := Prefix(raw); !ok || got != want {
			t.Errorf("Prefix(%q) = %q %v, want %q", raw, got, ok, want)
		}
	}
	for _, raw := range []string{"r5", "", "anne grethe", "r52\tn", "øystein", "R52N!"} {
		if got, ok := Prefix(raw); ok {
			t.Errorf("Prefix(%q) = %q, want refused", raw, got)
		}
	}
}
