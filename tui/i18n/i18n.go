// Package i18n is the desk's one catalog of user-facing text: bokmål (the
// default) and English, keyed by message id. Screens never hold literal
// text; adding a language is adding a map here.
package i18n

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"dropin/store"
)

// Lang is a language the desk speaks.
type Lang string

const (
	Bokmal  Lang = "nb"
	Swedish Lang = "sv"
	English Lang = "en"
)

// Langs lists the languages in the catalog.
var Langs = []Lang{Bokmal, Swedish, English}

var catalogs = map[Lang]map[string]string{Bokmal: nb, Swedish: sv, English: en}

// Parse reads a language from a flag or a locale name: "nb", "no",
// "nb_NO.UTF-8", "en", "en_GB" and so on.
func Parse(s string) (Lang, error) {
	tag := strings.ToLower(s)
	if i := strings.IndexAny(tag, "_.-@"); i >= 0 {
		tag = tag[:i]
	}
	switch tag {
	case "nb", "no", "nn", "nob", "":
		return Bokmal, nil
	case "sv", "swe":
		return Swedish, nil
	case "en", "eng":
		return English, nil
	}
	return "", fmt.Errorf("language %q is not available (have: nb, sv, en)", s)
}

// Catalog gives text in one language.
type Catalog struct {
	Lang Lang
	m    map[string]string
	coll *collate.Collator
	num  *message.Printer // numbers in the language's form: 12 345 in nb and sv, 12,345 in en
}

// Collation: x/text has the Norwegian rules (Æ Ø Å after Z, "Aa" as Å)
// under nn only; nb falls back to the root order, which sorts Æ as AE.
// numberTags format numbers: x/text groups digits for nb (not for "no").
var numberTags = map[Lang]language.Tag{Bokmal: language.MustParse("nb"), Swedish: language.Swedish, English: language.English}

var tags = map[Lang]language.Tag{Bokmal: language.MustParse("nn"), Swedish: language.Swedish, English: language.English}

// New returns the catalog for l, or bokmål for a language it lacks.
func New(l Lang) Catalog {
	m, ok := catalogs[l]
	if !ok {
		l, m = Bokmal, nb
	}
	return Catalog{Lang: l, m: m, coll: collator(l), num: message.NewPrinter(numberTags[l])}
}

// collator orders text as a reader of l does: case aside, and numbers by
// their value ("Kommune 2" before "Kommune 10", "Varamedlem 9" before
// "Varamedlem 10").
func collator(l Lang) *collate.Collator {
	return collate.New(tags[l], collate.IgnoreCase, collate.Numeric)
}

// Compare orders names the way the language does: in bokmål Æ, Ø and Å
// come after Z. Not safe for concurrent use; screens call it from
// Update and View only.
//
// Names that start with punctuation ("=Åse", a quoted "Arne") sort by
// their letters, as a reader looks for them; the full text breaks a tie.
func (c Catalog) Compare(a, b string) int {
	if r := c.coll.CompareString(letters(a), letters(b)); r != 0 {
		return r
	}
	return c.coll.CompareString(a, b)
}

// Keys makes sort keys in the language's order: keys compared as strings
// (with <) order their texts as Compare does, and are equal where Compare
// says 0. Sorting a long list by keys made once is far cheaper than
// comparing each pair with the collator (100,000 names: 1 s of Compare
// against a tenth of that), and the keys can be made off the event loop:
// a Keys has a collator of its own and is for one goroutine. It keeps
// each text's key, so a list sorted by several columns, or again, makes
// each once.
type Keys struct {
	coll *collate.Collator
	buf  collate.Buffer
	out  []byte
	made map[string]string
}

// NewKeys makes sort keys in l's order.
func NewKeys(l Lang) *Keys {
	if _, ok := tags[l]; !ok {
		l = Bokmal
	}
	return &Keys{coll: collator(l), made: map[string]string{}}
}

// Key is s's sort key: the collation key of its letters (see Compare),
// then that of its full text. The first is written with each 0x00 as
// 0x00 0x01 and ends in 0x00 0x00, which sorts below anything a longer
// key goes on with, so the second only breaks ties.
func (k *Keys) Key(s string) string {
	if key, ok := k.made[s]; ok {
		return key
	}
	k.out = k.out[:0]
	for _, b := range k.coll.KeyFromString(&k.buf, letters(s)) {
		k.out = append(k.out, b)
		if b == 0 {
			k.out = append(k.out, 1)
		}
	}
	k.out = append(k.out, 0, 0)
	k.buf.Reset()
	k.out = append(k.out, k.coll.KeyFromString(&k.buf, s)...)
	k.buf.Reset()
	key := string(k.out)
	k.made[s] = key
	return key
}

// letters is s from its first letter or digit on.
func letters(s string) string {
	i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) })
	if i < 0 {
		return s
	}
	return s[i:]
}

// T returns the text for key, formatted with args. A key missing from the
// catalog shows as ⟨key⟩ so it is noticed, and a test keeps that from
// shipping.
func (c Catalog) T(key string, args ...any) string {
	s, ok := c.m[key]
	if !ok {
		return "⟨" + key + "⟩"
	}
	if len(args) == 0 {
		return s
	}
	return c.num.Sprintf(s, args...)
}

// Status names a tablet's status.
func (c Catalog) Status(s store.Status) string { return c.T("status." + string(s)) }

// Device names a kind of device.
func (c Catalog) Device(k store.DeviceKind) string { return c.T("device." + string(k)) }

// Custody says who has a device.
func (c Catalog) Custody(k store.Custody) string { return c.T("custody." + string(k)) }

// Holders is the term-end list's title: how many devices officials hold,
// and how many of those are in for their upgrade now (short: "· 17 inne",
// where a narrow screen needs the room for its filters).
func (c Catalog) Holders(n, in int, short bool) string {
	s := c.T(One("equip.holders", n), n)
	switch {
	case in > 0 && short:
		s = c.T("equip.holders.in.short", s, in)
	case in > 0:
		s = c.T("equip.holders.in", s, in)
	}
	return s
}

// Holding says where a device an official holds is: with them, or, for a
// roster's tablet handed in for its upgrade, where it is on the ladder.
func (c Catalog) Holding(h store.Holding) string {
	if h.HandedIn() {
		return c.T("custody.handedin", c.Status(h.Status))
	}
	return c.Custody(h.Custody)
}

// Kind names a step or event.
func (c Catalog) Kind(k store.Kind) string { return c.T("kind." + string(k)) }

// layout picks the language's layout of a time: bokmål, Swedish, English.
func (c Catalog) layout(nb, sv, en string) string {
	switch c.Lang {
	case English:
		return en
	case Swedish:
		return sv
	}
	return nb
}

// One is key's ".one" form for a count of 1: "1 visit", not "1 visits".
// The .one form takes the same arguments as key.
func One(key string, n int) string {
	if n == 1 {
		return key + ".one"
	}
	return key
}

// Clock is a time of day.
func (c Catalog) Clock(t time.Time) string { return t.Format("15:04:05") }

// DateLong is a full date and time, for receipts.
func (c Catalog) DateLong(t time.Time) string {
	return t.Format(c.layout("02.01.2006 kl. 15.04", "2006-01-02 kl. 15:04", "2 January 2006 15:04"))
}

// SheetDateTime is the number format of a date and time in a workbook:
// 04.12.2026 15:10 in bokmål, 2026-12-04 15:10 in Swedish and English.
func (c Catalog) SheetDateTime() string {
	if c.Lang == Bokmal {
		return "dd.mm.yyyy hh:mm"
	}
	return "yyyy-mm-dd hh:mm"
}

// DateTime is a short date and time for timelines.
func (c Catalog) DateTime(t time.Time) string {
	return t.Format(c.layout("02.01. 15:04", "2/1 15:04", "02 Jan 15:04"))
}

// Entry is one timeline line's words: the step, and who or what it
// names. Raw text: a terminal cleans it, a web page escapes it.
func (c Catalog) Entry(e store.Entry) string {
	what := c.Kind(e.Kind)
	switch {
	case e.UndoOf != "":
		what += " " + c.Kind(e.UndoOf)
	case e.Who != "":
		what += ": " + e.Who
		if e.Reason != "" {
			what += ", " + c.T("return."+e.Reason)
		}
	case e.Receipt != "":
		what += " " + c.T("receipt.entry", e.Detail, c.receiptKind(e.Receipt))
	case e.Detail != "":
		what += ": " + e.Detail
	}
	if e.Undone {
		what += " " + c.T("card.undone")
	}
	return what
}

// receiptKind names what a receipt records ("I": a tablet handed in);
// a kind this version does not know is shown as it is.
func (c Catalog) receiptKind(k string) string {
	if w, ok := c.m["receipt.kind."+k]; ok {
		return w
	}
	return k
}

// Conflict says a disagreement between desks in words, times in loc:
// "Uenighet mellom skranker: feil ved skranke-a (KN) 14.04. 10:02;
// oppgradert ved skranke-c (AB) 14.04. 10:05 uten å ha sett det." Raw
// text: a terminal cleans it, a web page escapes it.
func (c Catalog) Conflict(cf store.Conflict, loc *time.Location) string {
	side := func(s store.ConflictStep) string {
		return c.T("conflict.side", s.Station, s.Actor, c.Kind(s.Kind), c.DateTime(s.At.In(loc)))
	}
	return c.T("conflict.text", side(cf.First), side(cf.Second))
}

// Minutes is a duration in whole minutes, rounded: "4 min".
func (c Catalog) Minutes(d time.Duration) string {
	return c.T("visit.minutes", int(max(0, d).Round(time.Minute)/time.Minute))
}

// Outcome is how a visit ended in words; "" is a visit not yet closed.
func (c Catalog) Outcome(code string) string {
	if code == "" {
		code = "open"
	}
	return c.T("visit.outcome." + code)
}

// FollowUp is what a visit left to follow up: IT's ticket, or the
// training asked for and for whom. Raw text: a terminal cleans it.
func (c Catalog) FollowUp(v store.Visit) string {
	if v.Outcome == store.Training {
		return c.T("visit.follow.training", v.TrainingWhat, v.TrainingFor)
	}
	return c.T("visit.follow.escalated", v.Ticket)
}

// Date is a day, as the language writes it.
func (c Catalog) Date(t time.Time) string {
	return t.Format(c.layout("02.01.2006", "2006-01-02", "2 Jan 2006"))
}

// DayMonth is a short day, as a list says when: 3.4. in bokmål, 3/4 in
// Swedish, 3 Apr in English.
func (c Catalog) DayMonth(t time.Time) string { return t.Format(c.layout("2.1.", "2/1", "2 Jan")) }

// Reminded says what an official has been sent: "påminnet 2 ganger, sist
// 3.4.", or "" for nothing.
func (c Catalog) Reminded(n int, last time.Time) string {
	switch {
	case n == 0:
		return ""
	case n == 1:
		return c.T("remind.last.one", c.DayMonth(last))
	}
	return c.T("remind.last", n, c.DayMonth(last))
}
