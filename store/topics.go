package store

import (
	_ "embed"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"

	"dropin/scan"
)

// DefaultTopics is the list of visit topics dropin uses when the
// municipality has not written its own.
//
//go:embed topics_default.txt
var DefaultTopics string

// BuiltinTopics are the codes the catalogs have words for, so a topics
// file may name them without words of its own.
var BuiltinTopics = []string{"login", "email", "teams", "agenda", "password", "new-device", "other"}

// Topic is one thing people come to the walk-in desk for.
type Topic struct {
	Code  string
	Words string // as the file gives them; empty: the catalog's for Code
}

// Topics is the list the desk offers, in the file's order.
type Topics struct {
	Source string // the file the list came from, or "default"
	List   []Topic
}

// Has reports whether code is on the list.
func (t *Topics) Has(code string) bool {
	return slices.ContainsFunc(t.List, func(tp Topic) bool { return tp.Code == code })
}

// Words are the file's words for code, if it gave any.
func (t *Topics) Words(code string) string {
	for _, tp := range t.List {
		if tp.Code == code {
			return tp.Words
		}
	}
	return ""
}

var topicCode = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// ParseTopics reads a topics file. A file with any bad line is refused
// whole, every bad line named (as RulesError): a half-read list would file
// visits under topics nobody chose.
func ParseTopics(r io.Reader, source string) (*Topics, error) {
	ts := &Topics{Source: source}
	seen := map[string]int{}
	err := eachLine(r, source, func(n int, line string, fail func(string, ...any)) {
		code, words, _ := strings.Cut(line, ";")
		code, words = strings.TrimSpace(code), strings.TrimSpace(words)
		switch {
		case !topicCode.MatchString(code):
			fail("%q is not a topic code: lower-case letters, digits and dashes, at most 32", scan.Clean(code))
		case seen[code] > 0:
			fail("topic %s is already on line %d", code, seen[code])
		case words == "" && !slices.Contains(BuiltinTopics, code):
			fail("topic %s needs its words (code ; words): dropin has none for it", code)
		case strings.ContainsFunc(words, isControl):
			fail("topic %s: the words hold a control character", code)
		case len([]rune(words)) > 40:
			fail("topic %s: the words are longer than 40 characters", code)
		default:
			seen[code] = n
			ts.List = append(ts.List, Topic{Code: code, Words: words})
		}
	})
	if err != nil {
		return nil, err
	}
	if len(ts.List) == 0 {
		return nil, RulesErrors{&RulesError{source, 1, "the file names no topic"}}
	}
	return ts, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// SetTopics sets the list visits are filed under; nil is the default.
// Call it before the store is shared between goroutines.
func (s *Store) SetTopics(t *Topics) {
	if t == nil {
		t = defaultTopics()
	}
	s.topics = t
}

// Topics is the list visits are filed under.
func (s *Store) Topics() *Topics { return s.topics }

// defaultTopics is DefaultTopics parsed, once: it is part of the program,
// so a failure is a bug the tests catch.
var defaultTopics = sync.OnceValue(func() *Topics {
	t, err := ParseTopics(strings.NewReader(DefaultTopics), "default")
	if err != nil {
		panic(err)
	}
	return t
})
