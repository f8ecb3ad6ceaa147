package store

import (
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
// order under cmp.
func FilterChase(list []Chase, f ChaseFilter, cmp func(a, b string) int, out []Chase) []Chase {
	out = MatchChase(list, f, out)
	SortChase(out, f.Sort, cmp)
	return out
}

// MatchChase appends to out the officials of list that pass f's
// municipality, body and words, in list's order. A list sorted once by
// SortChase and then matched gives what FilterChase gives: both sorts
// are stable. The name search reads each row's Folded name (Outstanding
// fills it from the table); a row without one is folded here.
func MatchChase(list []Chase, f ChaseFilter, out []Chase) []Chase {
	words := strings.Fields(Fold(f.Query))
	for _, c := range list {
		if f.Municipality != "" && c.Municipality != f.Municipality {
			continue
		}
		if f.Body != "" && !c.HasBody(f.Body) {
			continue
		}
		name := c.Folded
		if name == "" && len(words) > 0 {
			name = Fold(c.Name)
		}
		match := true
		for _, w := range words {
			if !strings.Contains(name, w) {
				match = false
				break
			}
		}
		if match {
			out = append(out, c)
		}
	}
	return out
}

// SortChase orders a chase list by one of ChaseSorts (then by name) under
// cmp, stably.
func SortChase(list []Chase, by string, cmp func(a, b string) int) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		switch by {
		case "municipality":
			if c := cmp(a.Municipality, b.Municipality); c != 0 {
				return c < 0
			}
		case "body":
			if c := cmp(a.Bodies(), b.Bodies()); c != 0 {
				return c < 0
			}
		}
		return cmp(a.Name, b.Name) < 0
	})
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
