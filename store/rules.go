package store

import (
	"bufio"
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

// DefaultRules is the guideline's entitlement rules, the file dropin uses
// when the municipality has not written its own.
//
//go:embed rules_default.txt
var DefaultRules string

// Rules says which devices an official is entitled to, from their seats.
type Rules struct {
	Source string // the file the rules came from, or "default"
	rules  []rule
}

type rule struct {
	line     int
	role     string // folded pattern
	body     string // folded pattern
	kinds    []DeviceKind
	approval bool
}

// RulesError is one bad line of a rules file.
type RulesError struct {
	Source string
	Line   int
	Msg    string
}

func (e *RulesError) Error() string { return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, e.Msg) }

// deviceWords are the words a rules file may use for each kind of device.
// Keys are folded, without spaces.
var deviceWords = map[string]DeviceKind{}

func init() {
	for k, words := range map[DeviceKind][]string{
		Tablet: {"tablet", "surfplatta", "nettbrett", "ipad"},
		Laptop: {"laptop", "dator", "bærbar", "bærbar pc", "pc", "computer"},
		Phone:  {"phone", "mobil", "mobiltelefon", "telefon", "mobile"},
	} {
		for _, w := range words {
			deviceWords[strings.ReplaceAll(Fold(w), " ", "")] = k
		}
	}
}

var approvalWords = []string{"approval", Fold("godkännande"), "godkjenning", "godkjent", Fold("godkänd")}

// ParseRules reads a rules file. A file with any bad line is refused as a
// whole, with every bad line named: half a rule set would hand out the
// wrong devices.
func ParseRules(r io.Reader, source string) (*Rules, error) {
	rs := &Rules{Source: source}
	err := eachLine(r, source, func(n int, line string, fail func(string, ...any)) {
		f := strings.Split(line, ";")
		if len(f) < 3 || len(f) > 4 {
			fail("want role ; body ; devices [; approval], found %d fields", len(f))
			return
		}
		ru := rule{line: n, role: Fold(strings.TrimSpace(f[0])), body: Fold(strings.TrimSpace(f[1]))}
		if ru.role == "" || ru.body == "" {
			fail("role and body may not be empty (use * for any)")
			return
		}
		for _, w := range strings.Split(f[2], ",") {
			k, ok := deviceWords[strings.ReplaceAll(Fold(strings.TrimSpace(w)), " ", "")]
			switch {
			case !ok:
				fail("%q is not a device (tablet, laptop, phone)", strings.TrimSpace(w))
			case !slices.Contains(ru.kinds, k):
				ru.kinds = append(ru.kinds, k)
			}
		}
		if len(f) == 4 {
			switch w := Fold(strings.TrimSpace(f[3])); {
			case slices.Contains(approvalWords, w):
				ru.approval = true
			case w != "":
				fail("%q: the fourth field may only say approval", strings.TrimSpace(f[3]))
			}
		}
		rs.rules = append(rs.rules, ru)
	})
	if err != nil {
		return nil, err
	}
	return rs, nil
}

// eachLine reads a file the municipality writes (rules, topics): each is
// called with every line that is not blank or a # comment, spaces and a
// BOM trimmed, and fail records that line as bad. A file with any bad line
// is refused whole: eachLine returns them all as RulesErrors, or the
// error reading it.
func eachLine(r io.Reader, source string, each func(n int, line string, fail func(format string, a ...any))) error {
	var bad []error
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff"))
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		each(n, line, func(format string, a ...any) { bad = append(bad, &RulesError{source, n, fmt.Sprintf(format, a...)}) })
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", source, err)
	}
	if len(bad) > 0 {
		return RulesErrors(bad)
	}
	return nil
}

// RulesErrors is every bad line of a rules file.
type RulesErrors []error

func (es RulesErrors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

func (es RulesErrors) Unwrap() []error { return es }

// MustDefaultRules is DefaultRules parsed, once: it is part of the
// program, so a failure is a bug caught by the tests. Rules do not change
// once read, so every store shares them.
func MustDefaultRules() *Rules { return defaultRules() }

var defaultRules = sync.OnceValue(func() *Rules {
	rs, err := ParseRules(strings.NewReader(DefaultRules), "default")
	if err != nil {
		panic(err)
	}
	return rs
})

// Entitlement is what an official may be issued, and why.
type Entitlement struct {
	Kinds   []DeviceKind // what they may be issued now
	Seat    Seat         // the seat that decided it
	Line    int          // the rule that decided it; 0 when none did
	Pending []Pending    // devices waiting for a body chair's approval
}

// Pending is a device an official gets once the body's chair approves.
type Pending struct {
	Kind DeviceKind
	Body string
}

// Allows reports whether the entitlement covers a device of kind k.
func (e Entitlement) Allows(k DeviceKind) bool { return slices.Contains(e.Kinds, k) }

// Awaits is the body whose chair must approve a device of kind k, if any.
func (e Entitlement) Awaits(k DeviceKind) (string, bool) {
	for _, p := range e.Pending {
		if p.Kind == k {
			return p.Body, true
		}
	}
	return "", false
}

// Entitle decides an official's entitlement from their seats. Each seat
// is decided by the first rule that matches it; the official gets what
// the seat with the earliest such rule gives. A seat whose rule needs
// approval gives nothing until approved says the body's chair gave it.
func (rs *Rules) Entitle(seats []Seat, approved func(body string) bool) Entitlement {
	var e Entitlement
	best := -1
	for _, st := range seats {
		role, body := Fold(st.Role), Fold(st.Body) // once a seat, not once a rule
		i := slices.IndexFunc(rs.rules, func(ru rule) bool {
			return globMatch(ru.role, role) && globMatch(ru.body, body)
		})
		if i < 0 {
			continue
		}
		ru := rs.rules[i]
		if ru.approval && (approved == nil || !approved(st.Body)) {
			for _, k := range ru.kinds {
				if _, dup := e.Awaits(k); !dup {
					e.Pending = append(e.Pending, Pending{Kind: k, Body: st.Body})
				}
			}
			continue
		}
		if best < 0 || i < best {
			best, e.Kinds, e.Seat, e.Line = i, ru.kinds, st, ru.line
		}
	}
	e.Pending = slices.DeleteFunc(e.Pending, func(p Pending) bool { return e.Allows(p.Kind) })
	return e
}

// globMatch matches s against a pattern where * stands for any text.
func globMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
