package receipt

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// Receipt is what a receipt says.
type Receipt struct {
	Kind         Kind
	Number       int // per station, from 1
	Issued       time.Time
	Municipality string
	Official     string // the official's name; empty for a tablet nobody is linked to
	Model        string
	Serial       string
	Status       string // the workflow's code: received, handed-back, ...
	Station      string
	Staff        string
	Account      string // the address to log in with now
	Primary      bool   // Account is the primary address

	// Delivery and return receipts only (empty otherwise, and then not
	// part of the content, so older receipts verify as they were).
	Device   string `json:",omitempty"` // tablet, laptop, phone
	Requests string `json:",omitempty"` // asked for at delivery: "help", "training", comma-separated
	Note     string `json:",omitempty"` // the request's free text
	Reason   string `json:",omitempty"` // why it was returned: term-end, leaving

	// A visit's receipt (kind Visit) lists every device handed over in
	// the visit, signed once; empty otherwise, and then not part of the
	// content. Serial is then the first item's, for the token.
	Items []Item `json:",omitempty"`

	// Set once the official has signed. SignedContent is the SHA-256 of the
	// content that was signed (the receipt before signing); Signature the
	// SHA-256 of what was signed with (strokes or typed name).
	Signed        bool   `json:",omitempty"`
	SignedBy      string `json:",omitempty"`
	SignedHow     string `json:",omitempty"` // "pad" or "typed"
	SignedContent string `json:",omitempty"`
	Signature     string `json:",omitempty"`
	// Strokes are drawn on the receipt; not part of the content (the
	// Signature hash binds them), so purging them keeps the receipt valid.
	Strokes []Stroke `json:",omitempty"`
}

// Item is one device on a visit's receipt: what happened to it (the kind
// of receipt its step would have had on its own) and where it stands.
type Item struct {
	Kind   Kind
	Device string // tablet, laptop, phone
	Model  string
	Serial string
	Status string // the workflow's code: received, issued, ...
}

// Stroke is one pen-down-to-pen-up line of a signature, in pad cells.
type Stroke []Point

// Point is a pen position in pad cells.
type Point struct{ X, Y int }

// Content is the receipt's canonical text: the bytes its token's hash and
// any signature bind. One field a line, in a fixed order, line breaks in
// values flattened, so the same receipt always gives the same bytes.
func (r Receipt) Content() []byte {
	var b strings.Builder
	field := func(k, v string) {
		v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
		fmt.Fprintf(&b, "%s=%s\n", k, v)
	}
	b.WriteString(tokenVersion + "\n")
	field("kind", string(r.Kind))
	field("number", fmt.Sprint(r.Number))
	field("issued", fmt.Sprint(r.Issued.Unix()))
	field("municipality", r.Municipality)
	field("official", r.Official)
	field("model", r.Model)
	field("serial", r.Serial)
	field("status", r.Status)
	field("station", r.Station)
	field("staff", r.Staff)
	field("account", r.Account)
	field("primary", fmt.Sprint(r.Primary))
	for _, f := range [][2]string{{"device", r.Device}, {"requests", r.Requests}, {"note", r.Note}, {"reason", r.Reason}} {
		if f[1] != "" {
			field(f[0], f[1])
		}
	}
	for _, it := range r.Items {
		field("item", strings.Join([]string{string(it.Kind), it.Device, it.Model, it.Serial, it.Status}, "|"))
	}
	if r.Signed {
		field("signed_by", r.SignedBy)
		field("signed_how", r.SignedHow)
		field("signed_content", r.SignedContent)
		field("signature", r.Signature)
	}
	return []byte(b.String())
}

// ContentSHA256 is the SHA-256 of the content, in hex: what a signature
// binds.
func (r Receipt) ContentSHA256() string {
	sum := sha256.Sum256(r.Content())
	return hex.EncodeToString(sum[:])
}

// Unsigned is the receipt as it was before it was signed.
func (r Receipt) Unsigned() Receipt {
	r.Signed, r.SignedBy, r.SignedHow, r.SignedContent, r.Signature, r.Strokes = false, "", "", "", "", nil
	return r
}

// SignatureIntact reports whether a signed receipt's content is still
// what was signed.
func (r Receipt) SignatureIntact() bool {
	return r.Signed && r.Unsigned().ContentSHA256() == r.SignedContent
}

// Hash is what the token carries of the content.
func (r Receipt) Hash() [16]byte { return hash16(r.Content()) }

// Labels are the words on a receipt, in the desk's language.
type Labels struct {
	Title       string // "Kvittering for innlevering"
	Number      string // "Kvittering nr."
	Official    string
	Device      string
	Serial      string
	Status      string
	StatusText  string // the status in words
	Time        string
	Place       string // station
	Staff       string
	Account     string // "Logg inn med"
	AccountNote string // "(primærkonto)" or "(sekundærkonto til oppgraderingen)"
	NoOfficial  string
	DeviceText  string            // the kind of device in words, before the model; empty: not shown
	ItemTexts   []string          // a visit receipt's items in words: "Bærbar PC, MacBook Air: utlevert"
	Requests    string            // "Önskar"
	RequestText string            // what was asked for, in words; empty: no line
	Reason      string            // "Orsak"
	ReasonText  string            // why it came back, in words; empty: no line
	Verify      string            // how to verify, under the code
	Signed      string            // "Signert av %s (%s)" with name and how, under the drawing
	Methods     map[string]string // how it was signed, in words: "pad", "typed"
	Date        func(time.Time) string
}

// SignedText is the line under a signed receipt's drawing: who signed it
// and how. Empty for a receipt not signed.
func (l Labels) SignedText(r Receipt) string {
	if !r.Signed {
		return ""
	}
	return fmt.Sprintf(l.Signed, r.SignedBy, l.method(r.SignedHow))
}

func (l Labels) method(how string) string {
	if s, ok := l.Methods[how]; ok {
		return s
	}
	return how
}
