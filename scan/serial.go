package scan

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Serial length bounds. Apple, Samsung and Lenovo serials are 8-15
// characters; IMEIs are 15 digits. Anything outside 6-20 is a misread.
const (
	MinSerialLen = 6
	MaxSerialLen = 20
)

// Reason says why a read was refused. The screens translate it by its
// Code; the package itself speaks no human language. A batch's invalid
// reads keep the number in the event log, so each number is fixed: a new
// reason takes the next one, and none is ever reused.
type Reason int

const (
	ReasonEmpty    Reason = 1 // nothing left after normalising
	ReasonTooShort Reason = 2 // fewer than MinSerialLen characters (a truncated read)
	ReasonTooLong  Reason = 3 // more than MaxSerialLen characters
	ReasonBadChar  Reason = 4 // a character other than A-Z and 0-9
	ReasonLuhn     Reason = 5 // a 15-digit IMEI whose check digit is wrong
	ReasonCutOff   Reason = 6 // a cut-off read of a known serial (decided by the store, which knows them)
)

// Reasons is every reason, for the catalogs' test.
var Reasons = []Reason{ReasonEmpty, ReasonTooShort, ReasonTooLong, ReasonBadChar, ReasonLuhn, ReasonCutOff}

// Code is the reason's stable name, which names its words in the catalogs
// ("reason.<code>").
func (r Reason) Code() string {
	switch r {
	case ReasonEmpty:
		return "empty"
	case ReasonTooShort:
		return "too-short"
	case ReasonTooLong:
		return "too-long"
	case ReasonBadChar:
		return "bad-char"
	case ReasonLuhn:
		return "luhn"
	case ReasonCutOff:
		return "cut-off"
	}
	return fmt.Sprintf("unknown-%d", int(r))
}

func (r Reason) String() string {
	switch r {
	case ReasonEmpty:
		return "empty"
	case ReasonTooShort:
		return "too short"
	case ReasonTooLong:
		return "too long"
	case ReasonBadChar:
		return "invalid character"
	case ReasonLuhn:
		return "IMEI check digit is wrong"
	case ReasonCutOff:
		return "cut off"
	}
	return fmt.Sprintf("reason(%d)", int(r))
}

// Error is a refused read. Raw is the read as it came, which may hold
// anything: never print it without cleaning it first (see Clean).
type Error struct {
	Raw    string
	Reason Reason
	Len    int  // length after normalising
	Char   rune // the offending character for ReasonBadChar
}

func (e *Error) Error() string {
	switch e.Reason {
	case ReasonTooShort, ReasonTooLong:
		return fmt.Sprintf("serial %q: %s (%d characters, want %d-%d)", Clean(e.Raw), e.Reason, e.Len, MinSerialLen, MaxSerialLen)
	case ReasonBadChar:
		return fmt.Sprintf("serial %q: %s %q", Clean(e.Raw), e.Reason, Clean(string(e.Char)))
	}
	return fmt.Sprintf("serial %q: %s", Clean(e.Raw), e.Reason)
}

// ReasonOf returns the Reason of a refused read, or 0 when err is not one.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return 0
}

// Normalize turns what a scanner or keyboard typed into a canonical serial:
// surrounding white space and control characters trimmed, an AIM symbology
// identifier ("]C0", "]Q1", ...) removed, inner spaces and dashes dropped,
// letters upper-cased. It does not validate; see Parse.
func Normalize(raw string) string {
	s := strings.TrimFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f })
	// An AIM identifier is "]" + a symbology letter + a modifier character.
	if len(s) >= 3 && s[0] == ']' && isASCIIAlpha(s[1]) {
		s = s[3:]
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == ' ' || r == '-' || r == '\t':
			continue
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Parse normalises raw and validates it: 6-20 characters from A-Z and 0-9,
// and a 15-digit number must be an IMEI with a valid Luhn check digit.
// A refused read returns an *Error.
func Parse(raw string) (string, error) {
	s := Normalize(raw)
	if !utf8.ValidString(s) {
		return "", &Error{Raw: raw, Reason: ReasonBadChar, Char: utf8.RuneError}
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return "", &Error{Raw: raw, Reason: ReasonEmpty}
	case n < MinSerialLen:
		return "", &Error{Raw: raw, Reason: ReasonTooShort, Len: n}
	case n > MaxSerialLen:
		return "", &Error{Raw: raw, Reason: ReasonTooLong, Len: n}
	}
	digits := true
	for _, r := range s {
		if !serialRune(r) {
			return "", &Error{Raw: raw, Reason: ReasonBadChar, Len: n, Char: r}
		}
		digits = digits && r <= '9'
	}
	if digits && n == 15 && !luhn(s) {
		return "", &Error{Raw: raw, Reason: ReasonLuhn, Len: n}
	}
	return s, nil
}

// serialRune reports whether r may stand in a serial: 0-9 or A-Z.
func serialRune(r rune) bool { return r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' }

// Prefix is the beginning of a serial as typed to find one, normalised:
// one word of at least three characters, each one a serial may hold.
// ok is false for anything else (a name, a phrase, a stray character).
func Prefix(raw string) (prefix string, ok bool) {
	if strings.ContainsAny(strings.TrimSpace(raw), " \t") {
		return "", false
	}
	s := Normalize(raw)
	if len(s) < 3 || strings.ContainsFunc(s, func(r rune) bool { return !serialRune(r) }) {
		return "", false
	}
	return s, true
}

// luhn reports whether the decimal string s ends in a valid Luhn check digit.
func luhn(s string) bool {
	sum := 0
	double := false
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

func isASCIIAlpha(c byte) bool { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') }
