package store

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"dropin/scan"
)

// Roster is a parsed roster: the officials it names, the tablets they are
// registered with, and what was wrong with it.
type Roster struct {
	Officials []Official     // in file order, one per primary e-mail
	Tablets   []RosterTablet // one per serial
	Encoding  Encoding
	Comma     rune
	Sheet     string     // the sheet read, for a workbook
	Rows      int        // data rows read
	Notices   []Notice   // things worth knowing that are not errors (ignored columns)
	Errors    []RowError // bad rows; a roster with errors is not imported
}

// Notice is a column the importer did not use.
type Notice struct {
	Column string // as the header spells it
	Repeat string // for a repeated column: the column it repeats; empty for an unknown one
}

func (n Notice) String() string {
	if n.Repeat != "" {
		return fmt.Sprintf("column %q repeats %q and was ignored", n.Column, n.Repeat)
	}
	return fmt.Sprintf("column %q is not used and was ignored", n.Column)
}

// Encoding is how a roster file was written.
type Encoding string

const (
	UTF8        Encoding = "utf-8"
	UTF8BOM     Encoding = "utf-8-bom"    // Excel's "CSV UTF-8"
	Windows1252 Encoding = "windows-1252" // Excel's "CSV (semikolondelt)" on Norwegian Windows
)

// RosterTablet is a tablet as the roster registers it.
type RosterTablet struct {
	Serial, Model, Official string
	Line                    int
}

// RowError is one bad row, by its line in the file (the header is line 1).
type RowError struct {
	Line      int
	Problem   RowProblem
	Name      string // the official the row names, if any
	Value     string // the offending value
	Other     string // RowSerialTwice: the other person
	OtherLine int    // RowSerialTwice: the other person's line
}

// RowProblem is what is wrong with a row: a stable code, which also names
// its words in the catalogs ("row.<code>").
type RowProblem string

const (
	RowUnreadable    RowProblem = "unreadable"      // not CSV (a stray quote); Value is one of CSVProblems
	RowTooManyFields RowProblem = "too-many-fields" // more fields than the header; Value holds the count
	RowNoName        RowProblem = "no-name"         // no name
	RowBadPrimary    RowProblem = "bad-primary"     // malformed primary e-mail
	RowBadSecondary  RowProblem = "bad-secondary"   // malformed secondary e-mail
	RowBadEmployee   RowProblem = "bad-employee"    // the employee column is neither yes nor no
	RowBadSerial     RowProblem = "bad-serial"      // not a valid serial
	RowSerialTwice   RowProblem = "serial-twice"    // one tablet on two different people
	RowBadEncoding   RowProblem = "bad-encoding"    // not valid UTF-8 in a UTF-8 file; Value holds the field, bad bytes as "?"
)

// RowProblems is every row problem, for the catalogs' test.
var RowProblems = []RowProblem{RowUnreadable, RowTooManyFields, RowNoName, RowBadPrimary, RowBadSecondary,
	RowBadEmployee, RowBadSerial, RowSerialTwice, RowBadEncoding}

// Reason says what is wrong, in English, for logs and tests.
func (e RowError) Reason() string {
	switch e.Problem {
	case RowUnreadable:
		return "unreadable CSV: " + e.Value
	case RowTooManyFields:
		return e.Value + " fields, more than the header has"
	case RowNoName:
		return "no name"
	case RowBadPrimary:
		return fmt.Sprintf("%s: malformed primary e-mail %q", e.Name, e.Value)
	case RowBadSecondary:
		return fmt.Sprintf("%s: malformed secondary e-mail %q", e.Name, e.Value)
	case RowBadEmployee:
		return fmt.Sprintf("%s: %q is neither Ja nor Nei", e.Name, e.Value)
	case RowBadSerial:
		return fmt.Sprintf("%s: invalid tablet serial %q", e.Name, e.Value)
	case RowSerialTwice:
		return fmt.Sprintf("tablet %s is on two people: %s here and %s on line %d", e.Value, e.Name, e.Other, e.OtherLine)
	case RowBadEncoding:
		return fmt.Sprintf("not valid UTF-8: %q", e.Value)
	}
	return fmt.Sprintf("problem %s", e.Problem)
}

func (e RowError) String() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason()) }

// column is a field the importer understands.
type column int

const (
	colName column = iota
	colMunicipality
	colBody
	colRole
	colPrimary
	colSecondary
	colPhone
	colEmployee
	colSerial
	colModel
	numColumns
)

var columnNames = [numColumns]string{"Navn", "Kommune", "Organ", "Rolle", "Primær e-post", "Sekundær e-post", "Mobil", "Ansatt i kommunen", "Nettbrett serienr", "Nettbrett modell"}

// headerAliases maps a folded header (lower case, no diacritics, no
// spaces or punctuation) to its column: the secretariat's Norwegian
// headers, Swedish ones (Namn, Uppdrag, Organ, E-post, Mobil) and English.
var headerAliases = map[string]column{
	"navn": colName, "name": colName, "fulltnavn": colName, "fullname": colName, "namn": colName,
	"kommune": colMunicipality, "municipality": colMunicipality, "kommun": colMunicipality,
	"organ": colBody, "body": colBody, "utvalg": colBody, "committee": colBody,
	"rolle": colRole, "role": colRole, "verv": colRole, "uppdrag": colRole, "roll": colRole,
	"primaerepost": colPrimary, "primarepost": colPrimary, "primaryemail": colPrimary, "epost": colPrimary, "email": colPrimary,
	"sekundaerepost": colSecondary, "sekundarepost": colSecondary, "secondaryemail": colSecondary,
	"mobil": colPhone, "telefon": colPhone, "mobile": colPhone, "phone": colPhone,
	"ansattikommunen": colEmployee, "ansatt": colEmployee, "employee": colEmployee, "municipalemployee": colEmployee,
	"anstalldikommunen": colEmployee, "anstalld": colEmployee,
	"nettbrettserienr": colSerial, "nettbrettserienummer": colSerial, "serienr": colSerial, "serienummer": colSerial,
	"tabletserial": colSerial, "serial": colSerial, "serialnumber": colSerial,
	"nettbrettmodell": colModel, "modell": colModel, "tabletmodel": colModel, "model": colModel,
}

var requiredColumns = []column{colName, colBody, colPrimary}

func foldHeader(s string) string {
	var b strings.Builder
	for _, r := range Fold(strings.TrimSpace(s)) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// decode returns the file as UTF-8 text. Excel writes "CSV UTF-8" with a
// byte-order mark and "CSV (semikolondelt)" in Windows-1252. A file is
// read as Windows-1252 (which maps every byte) only when that is the one
// encoding it can be in: no byte-order mark, not valid UTF-8, and not one
// UTF-8 letter in it. A file with UTF-8 letters and bytes that are not
// UTF-8 mixes two encodings; it is read as UTF-8 and ParseRoster refuses
// the rows that are not, rather than garble the others.
func decode(data []byte) (string, Encoding) {
	if rest, ok := bytes.CutPrefix(data, []byte("\xef\xbb\xbf")); ok {
		return string(rest), UTF8BOM
	}
	if utf8.Valid(data) || hasUTF8Letter(data) {
		return string(data), UTF8
	}
	text, err := charmap.Windows1252.NewDecoder().Bytes(data)
	if err != nil {
		return string(data), UTF8 // cannot happen: every byte maps
	}
	return string(text), Windows1252
}

// hasUTF8Letter reports whether data holds a multi-byte UTF-8 sequence
// (such as "ø", C3 B8): Windows-1252 text almost never does.
func hasUTF8Letter(data []byte) bool {
	for len(data) > 0 {
		_, n := utf8.DecodeRune(data)
		if n > 1 {
			return true
		}
		data = data[n:]
	}
	return false
}

// sniffComma picks the separator the header line uses most, outside
// quotes: ';' (Norwegian Excel), ',' or a tab.
func sniffComma(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	counts := map[rune]int{}
	quoted := false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ';'
	for _, r := range []rune{';', ',', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// ErrNoHeader is returned for a roster without a usable header row.
var ErrNoHeader = errors.New("the file has no header row")

// ErrOldWorkbook is an Excel file in the format before 2007 (.xls), which
// dropin does not read; saved as .xlsx or CSV it reads.
var ErrOldWorkbook = errors.New("an old Excel workbook (.xls): save it as .xlsx or CSV")

// MissingColumnsError is a file without a column every roster needs,
// named as the secretariat's header names it.
type MissingColumnsError struct{ Columns []string }

func (e *MissingColumnsError) Error() string {
	return "the roster lacks the column " + strings.Join(e.Columns, ", ")
}

// ParseRoster reads a roster as Excel exports it. It never fails on a bad
// row: those are collected in Errors with their line numbers, and the
// rows that are fine are still parsed so a dry run can show them. It
// fails for a file it cannot read as a roster at all (no header, a
// required column missing).
func ParseRoster(r io.Reader) (*Roster, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	text, enc := decode(data)
	ros := &Roster{Encoding: enc, Comma: sniffComma(text)}
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = ros.Comma
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err == io.EOF {
		return nil, ErrNoHeader
	}
	if err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	err = ros.parse(header, func() ([]string, int, *RowError, error) {
		rec, err := cr.Read()
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, 0, &RowError{Line: pe.StartLine, Problem: RowUnreadable, Value: csvProblem(pe.Err)}, nil
			}
			return nil, 0, nil, err
		}
		line, _ := cr.FieldPos(0)
		return rec, line, nil, nil
	})
	if err != nil {
		return nil, err
	}
	return ros, nil
}

// parse reads the roster's rows under header: next gives each record and
// its line, or a row that cannot be read at all, until io.EOF.
func (ros *Roster) parse(header []string, next func() ([]string, int, *RowError, error)) error {
	idx := [numColumns]int{}
	for i := range idx {
		idx[i] = -1
	}
	for i, h := range header {
		c, ok := headerAliases[foldHeader(h)]
		switch {
		case !ok && strings.TrimSpace(h) != "":
			ros.Notices = append(ros.Notices, Notice{Column: scan.Clean(h)})
		case ok && idx[c] >= 0:
			ros.Notices = append(ros.Notices, Notice{Column: scan.Clean(h), Repeat: columnNames[c]})
		case ok:
			idx[c] = i
		}
	}
	var missing []string
	for _, c := range requiredColumns {
		if idx[c] < 0 {
			missing = append(missing, columnNames[c])
		}
	}
	if len(missing) > 0 {
		return &MissingColumnsError{Columns: missing}
	}

	byEmail := map[string]int{}   // official id -> index in Officials
	bySerial := map[string]int{}  // serial -> index in Tablets
	seatSeen := map[string]bool{} // id|body|role
	for {
		rec, line, unreadable, err := next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if unreadable != nil {
			ros.Errors = append(ros.Errors, *unreadable)
			continue
		}
		if blank(rec) {
			continue
		}
		ros.Rows++
		if ros.Encoding != Windows1252 {
			if i := slices.IndexFunc(rec, func(f string) bool { return !utf8.ValidString(f) }); i >= 0 {
				// Never stored with U+FFFD in place of a letter: the row
				// is in another encoding than the file says.
				ros.Errors = append(ros.Errors, RowError{Line: line, Problem: RowBadEncoding, Value: strings.ToValidUTF8(rec[i], "?")})
				continue
			}
		}
		if len(rec) > len(header) {
			ros.Errors = append(ros.Errors, RowError{Line: line, Problem: RowTooManyFields, Value: fmt.Sprint(len(rec))})
			continue
		}
		get := func(c column) string {
			if idx[c] < 0 || idx[c] >= len(rec) {
				return ""
			}
			return strings.TrimSpace(scan.Clean(rec[idx[c]]))
		}
		o := Official{
			Name: get(colName), Municipality: get(colMunicipality), Phone: get(colPhone),
			EmailPrimary: strings.ToLower(get(colPrimary)), EmailSecondary: strings.ToLower(get(colSecondary)),
		}
		o.ID = o.EmailPrimary
		bad := func(p RowProblem, value string) {
			ros.Errors = append(ros.Errors, RowError{Line: line, Problem: p, Name: o.Name, Value: value})
		}
		if o.Name == "" {
			bad(RowNoName, "")
			continue
		}
		if !validEmail(o.EmailPrimary) {
			bad(RowBadPrimary, o.EmailPrimary)
			continue
		}
		if o.EmailSecondary != "" && !validEmail(o.EmailSecondary) {
			bad(RowBadSecondary, o.EmailSecondary)
			continue
		}
		emp, ok := parseYesNo(get(colEmployee))
		if !ok {
			bad(RowBadEmployee, get(colEmployee))
			continue
		}
		o.Employee = emp
		var serial string
		if raw := get(colSerial); raw != "" {
			if serial, err = scan.Parse(raw); err != nil {
				bad(RowBadSerial, raw)
				continue
			}
		}
		if i, ok := bySerial[serial]; ok && serial != "" && ros.Tablets[i].Official != o.ID {
			ros.Errors = append(ros.Errors, RowError{Line: line, Problem: RowSerialTwice, Name: o.ID, Value: serial,
				Other: ros.Tablets[i].Official, OtherLine: ros.Tablets[i].Line})
			continue
		}
		body, role := get(colBody), get(colRole)
		if i, ok := byEmail[o.ID]; ok {
			prev := &ros.Officials[i]
			prev.Employee = prev.Employee || o.Employee
			for _, f := range []struct {
				dst *string
				v   string
			}{{&prev.Municipality, o.Municipality}, {&prev.Phone, o.Phone}, {&prev.EmailSecondary, o.EmailSecondary}} {
				if *f.dst == "" {
					*f.dst = f.v
				}
			}
		} else {
			byEmail[o.ID] = len(ros.Officials)
			ros.Officials = append(ros.Officials, o)
		}
		if body != "" && !seatSeen[o.ID+"|"+body+"|"+role] {
			seatSeen[o.ID+"|"+body+"|"+role] = true
			p := &ros.Officials[byEmail[o.ID]]
			p.Seats = append(p.Seats, Seat{Body: body, Role: role})
		}
		if serial != "" {
			if _, ok := bySerial[serial]; !ok {
				bySerial[serial] = len(ros.Tablets)
				ros.Tablets = append(ros.Tablets, RosterTablet{Serial: serial, Model: get(colModel), Official: o.ID, Line: line})
			}
		}
	}
	return nil
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func validEmail(s string) bool {
	if s == "" || strings.ContainsAny(s, " <>\"") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	local, domain, ok := strings.Cut(s, "@")
	return ok && local != "" && strings.Contains(domain, ".") && !strings.HasSuffix(domain, ".")
}

func parseYesNo(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "ja", "j", "yes", "y", "true", "1", "x":
		return true, true
	case "nei", "n", "no", "false", "0", "":
		return false, true
	}
	return false, false
}

// CSVProblems are why a row is not CSV, as codes for the catalog: a quote
// inside a field that does not start with one, a quoted field that is
// never closed, and anything else the reader finds.
var CSVProblems = []string{"bare-quote", "quote", "other"}

func csvProblem(err error) string {
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		return "bare-quote"
	case errors.Is(err, csv.ErrQuote):
		return "quote"
	}
	return "other"
}
