package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Official is an elected official as the roster describes them.
type Official struct {
	ID             string `json:"-"` // the primary e-mail, lower-cased
	Name           string `json:"name"`
	Municipality   string `json:"municipality,omitempty"`
	EmailPrimary   string `json:"email_primary,omitempty"`
	EmailSecondary string `json:"email_secondary,omitempty"`
	Phone          string `json:"phone,omitempty"`
	Employee       bool   `json:"employee,omitempty"`
	Seats          []Seat `json:"seats,omitempty"`
	Removed        bool   `json:"removed,omitempty"` // gone from the latest roster
}

// Seat is one body an official sits in, and the role they hold there.
type Seat struct {
	Body string `json:"body"`
	Role string `json:"role,omitempty"`
}

// projectOfficial: an official's record is the latest live event's.
func projectOfficial(id string, evs []Event) (Official, error) {
	o := Official{ID: id}
	for _, e := range sortedEvents(evs) {
		if e.Kind != KindOfficial {
			continue
		}
		p, err := readPayload[officialPayload](e)
		if err != nil {
			return o, err
		}
		o = p.Official
		o.ID = id
	}
	return o, nil
}

const (
	saveOfficialSQL = `INSERT INTO officials
  (id, name, fold, municipality, email_primary, email_secondary, phone, employee, removed, updated_hlc)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)
ON CONFLICT (id) DO UPDATE SET name = excluded.name, fold = excluded.fold, municipality = excluded.municipality,
  email_primary = excluded.email_primary, email_secondary = excluded.email_secondary, phone = excluded.phone,
  employee = excluded.employee, removed = excluded.removed`
	deleteSeatsSQL = `DELETE FROM seats WHERE official_id = ?`
	deleteWordsSQL = `DELETE FROM name_words WHERE official_id = ?`
	// An official with their seats, in one read.
	officialSQL = `SELECT name, municipality, email_primary, email_secondary, phone, employee, removed,
  (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = ?1 ORDER BY pos))
FROM officials WHERE id = ?1`
)

func saveOfficial(ctx context.Context, tx wtx, o Official, fresh bool) error {
	if fresh && tx.g != nil {
		return tx.g.officials.addOfficial(ctx, tx, o)
	}
	if _, err := tx.ExecContext(ctx, saveOfficialSQL, officialValues(o)...); err != nil {
		return fmt.Errorf("save official %s: %w", o.ID, err)
	}
	if !fresh { // an official seen before: their seats and words go first
		if _, err := tx.ExecContext(ctx, deleteSeatsSQL, o.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, deleteWordsSQL, o.ID); err != nil {
			return err
		}
	}
	// Words and seats go in a statement of several rows: a statement
	// costs more than the rows it writes (and than parsing them as JSON).
	words, seats := wordAndSeatValues(o, nil, nil)
	if err := wordsInsert.exec(ctx, tx, words); err != nil {
		return fmt.Errorf("save official %s: %w", o.ID, err)
	}
	if err := seatsInsert.exec(ctx, tx, seats); err != nil {
		return fmt.Errorf("save official %s: %w", o.ID, err)
	}
	return nil
}

// officialValues are an official's values in the order of saveOfficialSQL
// and officialsInsert.
func officialValues(o Official) []any {
	return []any{o.ID, o.Name, Fold(o.Name), o.Municipality, o.EmailPrimary, o.EmailSecondary, o.Phone, boolInt(o.Employee), boolInt(o.Removed)}
}

// wordAndSeatValues appends an official's name words and seats to words
// and seats, as rows of wordsInsert and seatsInsert.
func wordAndSeatValues(o Official, words, seats []any) ([]any, []any) {
	for _, w := range nameWords(o.Name) {
		words = append(words, w, o.ID)
	}
	for i, st := range o.Seats {
		seats = append(seats, o.ID, i, st.Body, st.Role)
	}
	return words, seats
}

// Fold makes a name searchable without diacritics or case: "Øystein Ærø"
// becomes "oystein aero". Letters that Unicode does not decompose (ø, æ,
// ß, ð, þ, ł) are spelled out the way a Nordic keyboard-less user would,
// and "aa", the old spelling of å, folds like å: "aase" finds Åse and
// "asen" finds Aasen.
func Fold(s string) string {
	s = strings.ToLower(s)
	if ascii(s) { // most names and every code: nothing to decompose or spell out
		return strings.ReplaceAll(s, "aa", "a")
	}
	var b strings.Builder
	for _, r := range s {
		switch r {
		case 'ø':
			b.WriteByte('o')
		case 'æ':
			b.WriteString("ae")
		case 'ß':
			b.WriteString("ss")
		case 'ð':
			b.WriteByte('d')
		case 'þ':
			b.WriteString("th")
		case 'ł':
			b.WriteByte('l')
		default:
			b.WriteRune(r)
		}
	}
	t := unaccent.Get().(transform.Transformer)
	defer unaccent.Put(t)
	t.Reset()
	out, _, err := transform.String(t, b.String())
	if err != nil {
		out = b.String()
	}
	return strings.ReplaceAll(out, "aa", "a")
}

// unaccent holds transformers that take the marks off letters: a chain
// keeps state, so each call takes its own, and making one is dearer than
// folding a name.
var unaccent = sync.Pool{New: func() any { return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC) }}

func ascii(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Official returns the official with the given id, or nil if none.
func (s *Store) Official(ctx context.Context, id string) (*Official, error) {
	return officialByID(ctx, s.read, id)
}

func officialByID(ctx context.Context, q querier, id string) (*Official, error) {
	if id == "" {
		return nil, nil
	}
	o := Official{ID: id}
	var emp, rem int
	var seats string
	err := q.QueryRowContext(ctx, officialSQL, id).Scan(&o.Name, &o.Municipality, &o.EmailPrimary, &o.EmailSecondary, &o.Phone, &emp, &rem, &seats)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read official %s: %w", id, err)
	}
	o.Employee, o.Removed = emp == 1, rem == 1
	if o.Seats, err = seatsOf(seats); err != nil {
		return nil, fmt.Errorf("read seats of %s: %w", id, err)
	}
	if len(o.Seats) == 0 {
		o.Seats = nil
	}
	return &o, nil
}

// putOfficial records an official's record if it differs from what the
// log holds. It reports whether it wrote an event.
func (s *Store) putOfficial(ctx context.Context, tx wtx, o Official, by Actor) (bool, error) {
	return s.putOfficialKnown(ctx, tx, o, true, by)
}

// putOfficialKnown is putOfficial where the caller knows whether the
// official is among the projected officials: one that is not has no
// event in the log to read (an import knows, for every row).
func (s *Store) putOfficialKnown(ctx context.Context, tx wtx, o Official, known bool, by Actor) (bool, error) {
	var evs []Event
	if known {
		var err error
		if evs, err = subjectEvents(ctx, tx, o.ID); err != nil {
			return false, err
		}
	}
	if len(evs) > 0 {
		was, err := projectOfficial(o.ID, evs)
		if err != nil {
			return false, err
		}
		if sameOfficial(was, o) {
			return false, nil
		}
	}
	e := s.newEvent(by, KindOfficial, o.ID, 0, "", officialPayload{V: 1, Official: o})
	if err := insertEvent(ctx, tx, e); err != nil {
		return false, err
	}
	if len(evs) == 0 {
		// Their first event: they are what it says (read back from its
		// payload, the same rows; an import of a county makes 100,000).
		return true, saveOfficial(ctx, tx, o, true)
	}
	now, err := projectOfficial(o.ID, append(evs, e))
	if err != nil {
		return false, err
	}
	return true, saveOfficial(ctx, tx, now, false)
}

func sameOfficial(a, b Official) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// PutOfficial records one official (creating or updating them).
func (s *Store) PutOfficial(ctx context.Context, o Official, by Actor) error {
	return s.inTx(ctx, func(tx wtx) error {
		_, err := s.putOfficial(ctx, tx, o, by)
		return err
	})
}

// SearchOfficialsBy is SearchOfficials in a reader's order: key is a
// language's sort key of a name (i18n.Keys). The officials found come in
// its order: first those whose name begins with q as typed (case aside:
// "å" finds Åse before Arne), then those whose folded name begins with
// q's ("ase" finds Åse), then those with a word that does.
//
// The folded order the search reads in puts Åse among the A's, where a
// reader of bokmål or Swedish looks for her after Z: so it reads a window
// of several times limit in that order, sorts the window by key and keeps
// limit. Where the window holds every match (a desk's roster, or a few
// letters typed on a county's), that is exact; on a county's roster a
// letter or two typed can match more than the window holds, and names
// that fold beyond it are not among those shown until more is typed.
func (s *Store) SearchOfficialsBy(ctx context.Context, q string, limit int, key func(string) string) ([]Official, error) {
	out, err := s.SearchOfficials(ctx, q, max(limit*searchWindow, 64))
	if err != nil {
		return nil, err
	}
	typed := strings.ToLower(strings.Join(strings.Fields(q), " "))
	folded := searchPrefix(q)
	type ranked struct {
		group int // 0: begins with q as typed; 1: folded; 2: a word does
		key   string
	}
	ranks := make(map[string]ranked, len(out))
	for _, o := range out {
		r := ranked{group: 2, key: key(o.Name)}
		switch {
		case strings.HasPrefix(strings.ToLower(o.Name), typed):
			r.group = 0
		case strings.HasPrefix(Fold(o.Name), folded):
			r.group = 1
		}
		ranks[o.ID] = r
	}
	slices.SortStableFunc(out, func(a, b Official) int {
		ra, rb := ranks[a.ID], ranks[b.ID]
		if ra.group != rb.group {
			return ra.group - rb.group
		}
		return strings.Compare(ra.key, rb.key)
	})
	return out[:min(limit, len(out))], nil
}

// searchPrefix is what the folded names a search finds first begin
// with: q folded, its words one space apart. SearchOfficialsBy ranks by
// the same prefix SearchOfficials reads by.
func searchPrefix(q string) string { return strings.Join(strings.Fields(Fold(q)), " ") }

// searchWindow: how many times what is shown SearchOfficialsBy reads.
const searchWindow = 8

// SearchOfficials finds officials whose name holds every word of q,
// ignoring case and diacritics ("oystein" finds "Øystein"). An empty q
// lists officials by name. Officials gone from the roster are left out.
func (s *Store) SearchOfficials(ctx context.Context, q string, limit int) ([]Official, error) {
	// First the names that begin with what was typed ("nils nil" puts
	// Nils Nilsson first), in name order straight from the index; then
	// names where every typed word begins a word of the name ("nordmann",
	// "kari nord", "oystein" for Øystein, "aase" for Åse).
	prefix := searchPrefix(q)
	out, err := s.searchRows(ctx, `SELECT id, name, municipality, email_primary, email_secondary, phone FROM officials
WHERE fold >= ? AND fold < ? AND removed = 0 ORDER BY fold, id LIMIT ?`, prefix, prefix+"\U0010FFFF", limit)
	words := nameWords(q)
	if err != nil || len(out) >= limit || len(words) == 0 {
		return out, err
	}
	var where []string
	args := []any{}
	for _, w := range words {
		where = append(where, `o.id IN (SELECT official_id FROM name_words WHERE word >= ? AND word < ?)`)
		args = append(args, w, w+"\U0010FFFF")
	}
	args = append(args, limit+len(out))
	more, err := s.searchRows(ctx, `SELECT o.id, o.name, o.municipality, o.email_primary, o.email_secondary, o.phone FROM officials o
WHERE o.removed = 0 AND `+strings.Join(where, " AND ")+` ORDER BY o.fold, o.id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	for _, o := range more {
		if len(out) == limit {
			break
		}
		if !slices.ContainsFunc(out, func(p Official) bool { return p.ID == o.ID }) {
			out = append(out, o)
		}
	}
	return out, nil
}

func (s *Store) searchRows(ctx context.Context, q string, args ...any) ([]Official, error) {
	out, err := queryRows(ctx, s.read, func(row scanFunc) (Official, error) {
		var o Official
		if err := row(&o.ID, &o.Name, &o.Municipality, &o.EmailPrimary, &o.EmailSecondary, &o.Phone); err != nil {
			return o, err
		}
		return o, nil
	}, q, args...)
	if err != nil {
		return nil, fmt.Errorf("search officials: %w", err)
	}
	return out, nil
}

// NameQuery is a name search as typed, folded into its words: a name
// matches when its folded form (Fold) holds every word, anywhere ("oy
// aas" finds Øystein Aasen). The Oversikt's list, the Utstyr screen and
// the dashboard's lists search names so.
type NameQuery []string

// NewNameQuery folds q into its words.
func NewNameQuery(q string) NameQuery { return strings.Fields(Fold(q)) }

// Matches says whether folded, a name folded with Fold, holds every word
// of the query (an empty query matches every name).
func (w NameQuery) Matches(folded string) bool {
	for _, x := range w {
		if !strings.Contains(folded, x) {
			return false
		}
	}
	return true
}

// nameWords are a name's words, folded, as the search index keeps them.
func nameWords(name string) []string {
	return strings.FieldsFunc(Fold(name), func(r rune) bool { return r == ' ' || r == '-' })
}

// OfficialRow is an official as the officials export lists them: the
// record with its seats, and the tablets on them with their statuses.
type OfficialRow struct {
	Official
	Serials  []string
	Statuses []Status
}

// OfficialRows calls fn for every official, by name (folded).
func (s *Store) OfficialRows(ctx context.Context, fn func(OfficialRow) error) error {
	err := eachRow(ctx, s.read, func(row scanFunc) error {
		var o OfficialRow
		var seats, serials, statuses string
		if err := row(&o.ID, &o.Name, &o.Municipality, &o.EmailPrimary, &o.EmailSecondary, &o.Phone, &o.Employee, &o.Removed, &seats, &serials, &statuses); err != nil {
			return err
		}
		var err error
		if o.Seats, err = seatsOf(seats); err != nil {
			return fmt.Errorf("%s's bodies: %w", o.ID, err)
		}
		o.Serials = strings.Fields(serials)
		for _, st := range strings.Fields(statuses) {
			o.Statuses = append(o.Statuses, Status(st))
		}
		return fn(o)
	}, `
SELECT o.id, o.name, o.municipality, o.email_primary, o.email_secondary, o.phone, o.employee, o.removed,
       (SELECT json_group_array(json_object('body', body, 'role', role)) FROM (SELECT body, role FROM seats WHERE official_id = o.id ORDER BY pos)),
       coalesce((SELECT group_concat(serial, ' ') FROM (SELECT serial FROM devices WHERE official_id = o.id ORDER BY serial)), ''),
       coalesce((SELECT group_concat(status, ' ') FROM (SELECT status FROM devices WHERE official_id = o.id ORDER BY serial)), '')
FROM officials o ORDER BY o.fold, o.id`)
	if err != nil {
		return fmt.Errorf("officials: %w", err)
	}
	return nil
}

// seatsOf reads an official's seats as SQLite's json_group_array of
// json_object('body', …, 'role', …) writes them: [{"body":"…","role":"…"}],
// a role null where it has none. Those are read here without reflection
// (the chase list reads one per official, and encoding/json was a third
// of the overview's first load); anything else, an escape in a name
// included, goes to encoding/json, which the fast path agrees with
// (FuzzSeatsOfAgreesWithEncodingJSON).
func seatsOf(s string) ([]Seat, error) {
	if seats, ok := seatsFast(s); ok {
		return seats, nil
	}
	var seats []Seat
	err := json.Unmarshal([]byte(s), &seats)
	return seats, err
}

func seatsFast(s string) ([]Seat, bool) {
	if !utf8.ValidString(s) {
		return nil, false // encoding/json puts U+FFFD in its place
	}
	rest, ok := strings.CutPrefix(s, "[")
	if !ok {
		return nil, false
	}
	if rest == "]" {
		return []Seat{}, true
	}
	// plain reads a JSON string with nothing to unescape, up to its quote.
	plain := func(r string) (string, string, bool) {
		for i := 0; i < len(r); i++ {
			switch c := r[i]; {
			case c == '"':
				return r[:i], r[i+1:], true
			case c == '\\' || c < 0x20:
				return "", "", false
			}
		}
		return "", "", false
	}
	seats := make([]Seat, 0, 2)
	for {
		var seat Seat
		if rest, ok = strings.CutPrefix(rest, `{"body":"`); !ok {
			return nil, false
		}
		if seat.Body, rest, ok = plain(rest); !ok {
			return nil, false
		}
		if rest, ok = strings.CutPrefix(rest, `,"role":`); !ok {
			return nil, false
		}
		if r, isNull := strings.CutPrefix(rest, "null"); isNull {
			rest = r
		} else if r, isString := strings.CutPrefix(rest, `"`); isString {
			if seat.Role, rest, ok = plain(r); !ok {
				return nil, false
			}
		} else {
			return nil, false
		}
		if rest, ok = strings.CutPrefix(rest, "}"); !ok {
			return nil, false
		}
		seats = append(seats, seat)
		if rest == "]" {
			return seats, true
		}
		if rest, ok = strings.CutPrefix(rest, ","); !ok {
			return nil, false
		}
	}
}
