package store

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// The overview's order and the chase list's filters, shared by the desk's
// Oversikt and the dashboard so both show the same rows in the same order.

// SortCoverage puts coverage lines in the language's order (cmp, the
// catalog's collation): each municipality, then its bodies. Åfjord comes
// after Aure in bokmål, as the secretariat reads a list.
func SortCoverage(lines []Coverage, cmp func(a, b string) int) {
	sort.SliceStable(lines, func(i, j int) bool {
		a, b := lines[i], lines[j]
		if a.Municipality != b.Municipality {
			return cmp(a.Municipality, b.Municipality) < 0
		}
		return a.Body == "" || (b.Body != "" && cmp(a.Body, b.Body) < 0)
	})
}

// CoverageMunicipalities is the municipalities of sorted coverage lines.
func CoverageMunicipalities(lines []Coverage) []string {
	var out []string
	for _, l := range lines {
		if l.Body == "" && l.Municipality != "" {
			out = append(out, l.Municipality)
		}
	}
	return out
}

// CoverageBodies is the bodies of the coverage lines, of one municipality
// or ("") of all, once each, in the language's order.
func CoverageBodies(lines []Coverage, municipality string, cmp func(a, b string) int) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		if l.Body != "" && (municipality == "" || l.Municipality == municipality) && !seen[l.Body] {
			seen[l.Body] = true
			out = append(out, l.Body)
		}
	}
	sort.Slice(out, func(i, j int) bool { return cmp(out[i], out[j]) < 0 })
	return out
}

// ChaseSorts are the orders of the chase list.
var ChaseSorts = []string{"name", "municipality", "body"}

// ChaseFilter narrows and orders the chase list: a municipality and a body
// ("" for all), words every one of which the name must hold (diacritics
// aside: "aase" finds Åse), and one of ChaseSorts.
type ChaseFilter struct {
	Municipality, Body, Query, Sort string
}

// FilterChase appends to out the officials of list that pass f, in f's
// order: key gives a text's sort key in the reader's language (see
// i18n.Keys; keys compared with < order their texts).
func FilterChase(list []Chase, f ChaseFilter, key func(string) string, out []Chase) []Chase {
	out = MatchChase(list, f, out)
	SortChase(out, f.Sort, key)
	return out
}

// MatchChase appends to out the officials of list that pass f's
// municipality, body and words, in list's order. A list sorted once by
// SortChase and then matched gives what FilterChase gives: both sorts
// are stable.
func MatchChase(list []Chase, f ChaseFilter, out []Chase) []Chase {
	match := f.Matcher()
	for _, c := range list {
		if match(c) {
			out = append(out, c)
		}
	}
	return out
}

// Matcher says which officials pass f's municipality, body and words
// (the query folded once, here). The name search reads each row's Folded
// name (Outstanding fills it from the table); a row without one is
// folded as it is matched.
func (f ChaseFilter) Matcher() func(Chase) bool {
	words := NewNameQuery(f.Query)
	return func(c Chase) bool {
		if f.Municipality != "" && c.Municipality != f.Municipality {
			return false
		}
		if f.Body != "" && !c.HasBody(f.Body) {
			return false
		}
		name := c.Folded
		if name == "" && len(words) > 0 {
			name = Fold(c.Name)
		}
		return words.Matches(name)
	}
}

// SortChase orders a chase list by one of ChaseSorts (then by name, and
// namesakes by municipality), stably, by the sort keys key gives.
func SortChase(list []Chase, by string, key func(string) string) {
	copy(list, InOrder(list, OrderChase(list, by, key)))
}

// OrderChase is list's order by one of ChaseSorts (then by name, and
// namesakes by municipality: a county has many an Anne Bakken), stable:
// the position in list of its first row, its second, and so on. key is
// asked once a row for each text it sorts by (i18n.Keys keeps what it
// made): 100,000 names sort in a tenth of the time a collator's
// comparisons take.
func OrderChase(list []Chase, by string, key func(string) string) []int {
	type keyed struct {
		first, name, then string
		at                int
	}
	keys := make([]keyed, len(list))
	for i, c := range list {
		keys[i] = keyed{name: key(c.Name), at: i}
		switch by {
		case "municipality":
			keys[i].first = key(c.Municipality)
		case "body":
			keys[i].first = key(c.Bodies())
			keys[i].then = key(c.Municipality)
		default:
			keys[i].then = key(c.Municipality)
		}
	}
	// Stable by its last key, the position: an unstable sort with no
	// swaps of a reflected slice, twice as fast as sort.SliceStable.
	slices.SortFunc(keys, func(a, b keyed) int {
		return cmp.Or(strings.Compare(a.first, b.first), strings.Compare(a.name, b.name), strings.Compare(a.then, b.then), cmp.Compare(a.at, b.at))
	})
	order := make([]int, len(keys))
	for i, k := range keys {
		order[i] = k.at
	}
	return order
}

// SortOrder is the positions 0 to n-1 sorted by cmp of two positions,
// equal ones in position order: a list's order worked out on positions,
// not by moving its rows, which for rows as wide as a chase line or a
// holding is most of what a sort costs.
func SortOrder(n int, cmp func(a, b int) int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp(a, b); c != 0 {
			return c
		}
		return a - b
	})
	return order
}

// InKeyOrder is list sorted by the texts keys gives each row (sort keys
// in a language's order, as i18n.Keys makes them): by the first, where
// equal by the next, then as they came. Each row's keys are made once.
func InKeyOrder[T any](list []T, keys ...func(T) string) []T {
	cols := make([][]string, len(keys))
	for k, key := range keys {
		cols[k] = make([]string, len(list))
		for i, v := range list {
			cols[k][i] = key(v)
		}
	}
	return InOrder(list, SortOrder(len(list), func(a, b int) int {
		for _, col := range cols {
			if c := strings.Compare(col[a], col[b]); c != 0 {
				return c
			}
		}
		return 0
	}))
}

// InOrder is list's rows in order (positions, as SortOrder gives them),
// in a new slice.
func InOrder[T any](list []T, order []int) []T {
	out := make([]T, len(order))
	for i, at := range order {
		out[i] = list[at]
	}
	return out
}

// HasBody says whether the official sits in body.
func (c Chase) HasBody(body string) bool {
	for _, s := range c.Seats {
		if s.Body == body {
			return true
		}
	}
	return false
}
