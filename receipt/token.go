package receipt

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A token is what the QR code holds: the receipt's identity and key facts
// in upper-case text, then the station's Ed25519 signature of that text.
//
//	R1.I.KEYID.NUMBER.UNIXTIME.SERIAL.HASH.SIGNATURE
//
// I (hand-in), O (hand-back), D (delivery), R (return) or V (a visit's
// devices, SERIAL the first of them); the key id names
// the station's public key; HASH is the first 16 bytes of SHA-256 of the
// receipt's full content, so name, account and station are bound without
// being spelled out. Every character is in the QR alphanumeric set, which
// keeps the code small (version 7 at level M), and a changed character
// breaks the signature. The signed message is the text before the last
// dot: no canonicalisation to get wrong.
const tokenVersion = "R1"

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// Kind is what a receipt records.
type Kind byte

const (
	HandIn   Kind = 'I' // the official left the tablet at the desk
	HandBack Kind = 'O' // the tablet went back to the official
	Delivery Kind = 'D' // a device was issued to the official for the term
	Return   Kind = 'R' // the official gave an issued device back
	Visit    Kind = 'V' // devices handed over in one visit, signed once
)

// Known reports whether k is a kind of receipt dropin makes.
func (k Kind) Known() bool {
	return k == HandIn || k == HandBack || k == Delivery || k == Return || k == Visit
}

// Token is a parsed token.
type Token struct {
	Kind   Kind
	KeyID  string
	Number int
	Issued time.Time
	Serial string
	Signed bool     // the official signed the receipt this token belongs to
	Hash   [16]byte // of the receipt's content
	text   string
}

func (t Token) String() string { return t.text }

// Problem is why a token does not verify: a stable code, which also names
// its words in the catalogs ("receipt.refused.<code>"). "" is no problem.
type Problem string

const (
	Malformed  Problem = "malformed"   // not a dropin receipt token at all, or damaged
	UnknownKey Problem = "unknown-key" // signed by a station whose key we do not have
	Altered    Problem = "altered"     // the signature does not match: a character changed
)

// Problems is every problem, for the catalogs' test.
var Problems = []Problem{Malformed, UnknownKey, Altered}

// TokenError is a token that does not verify.
type TokenError struct {
	Problem Problem
	Detail  string
}

func (e *TokenError) Error() string {
	switch e.Problem {
	case Malformed:
		return "malformed receipt token: " + e.Detail
	case UnknownKey:
		return "receipt signed with an unknown station key " + e.Detail
	case Altered:
		return "the receipt token was altered: its signature does not match"
	}
	return "bad receipt token"
}

// ProblemOf returns why err refused a token, or "".
func ProblemOf(err error) Problem {
	var te *TokenError
	if errors.As(err, &te) {
		return te.Problem
	}
	return ""
}

// LooksLikeToken reports whether s is meant as a receipt token (rather than
// a serial): it starts with the format's prefix.
func LooksLikeToken(s string) bool {
	return strings.HasPrefix(strings.ToUpper(strings.TrimSpace(s)), tokenVersion+".")
}

// Sign makes the token for r with the station key k.
func Sign(k Key, r Receipt) string {
	h := r.Hash()
	kind := string(r.Kind)
	if r.Signed {
		kind += "S" // signed by the official
	}
	msg := fmt.Sprintf("%s.%s.%s.%d.%d.%s.%s", tokenVersion, kind, k.ID, r.Number, r.Issued.Unix(), r.Serial, b32.EncodeToString(h[:]))
	return msg + "." + b32.EncodeToString(ed25519.Sign(k.Private, []byte(msg)))
}

// ParseToken reads a token without checking its signature.
func ParseToken(s string) (Token, error) {
	s = strings.TrimSpace(s)
	bad := func(why string) (Token, error) { return Token{}, &TokenError{Problem: Malformed, Detail: why} }
	if len(s) > 400 {
		return bad("too long")
	}
	f := strings.Split(s, ".")
	if len(f) != 8 || f[0] != tokenVersion {
		return bad("not an " + tokenVersion + " token")
	}
	t := Token{text: s, KeyID: f[2], Serial: f[5]}
	kind, signed := strings.CutSuffix(f[1], "S")
	if len(kind) != 1 || !Kind(kind[0]).Known() {
		return bad("unknown kind")
	}
	t.Kind, t.Signed = Kind(kind[0]), signed
	if !keyIDOK(t.KeyID) {
		return bad("bad key id")
	}
	n, err := strconv.Atoi(f[3])
	if err != nil || n <= 0 || f[3] != strconv.Itoa(n) {
		return bad("bad receipt number")
	}
	t.Number = n
	unix, err := strconv.ParseInt(f[4], 10, 64)
	if err != nil || unix <= 0 || f[4] != strconv.FormatInt(unix, 10) {
		return bad("bad time")
	}
	t.Issued = time.Unix(unix, 0)
	if !serialOK(t.Serial) {
		return bad("bad serial")
	}
	h, err := b32.DecodeString(f[6])
	if err != nil || len(h) != len(t.Hash) || b32.EncodeToString(h) != f[6] {
		return bad("bad content hash")
	}
	copy(t.Hash[:], h)
	sig, err := b32.DecodeString(f[7])
	if err != nil || len(sig) != ed25519.SignatureSize || b32.EncodeToString(sig) != f[7] {
		return bad("bad signature encoding")
	}
	return t, nil
}

// Verify parses a token and checks its signature against the known keys.
func Verify(s string, keys Keyring) (Token, error) {
	t, err := ParseToken(s)
	if err != nil {
		return t, err
	}
	pub, ok := keys[t.KeyID]
	if !ok {
		return t, &TokenError{Problem: UnknownKey, Detail: t.KeyID}
	}
	i := strings.LastIndexByte(t.text, '.')
	sig, _ := b32.DecodeString(t.text[i+1:])
	if !ed25519.Verify(pub, []byte(t.text[:i]), sig) {
		return t, &TokenError{Problem: Altered}
	}
	return t, nil
}

// Matches reports whether the token was made for exactly this content.
func (t Token) Matches(r Receipt) bool { return t.Hash == r.Hash() }

func keyIDOK(s string) bool {
	if len(s) != keyIDLen {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '2' && c <= '7') {
			return false
		}
	}
	return true
}

func serialOK(s string) bool {
	if len(s) < 6 || len(s) > 20 {
		return false
	}
	for _, c := range s {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// hash16 is the first 16 bytes of SHA-256.
func hash16(b []byte) [16]byte {
	sum := sha256.Sum256(b)
	var h [16]byte
	copy(h[:], sum[:16])
	return h
}
