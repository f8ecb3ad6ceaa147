package receipt

import (
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
}

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
	return []byte(b.String())
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
	Verify      string // how to verify, under the code
	Date        func(time.Time) string
}
