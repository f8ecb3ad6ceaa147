package i18n

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"dropin/store"
)

// The languages hold the same keys, with the same formatting verbs, so a
// translation can never crash a Sprintf or drop a number.
func TestLanguagesAgree(t *testing.T) {
	verbs := regexp.MustCompile(`%(\[\d+\])?[a-z]`)
	for _, lang := range Langs {
		for k, s := range catalogs[lang] {
			ref, ok := nb[k]
			if !ok {
				t.Errorf("%s has %q, bokmål does not", lang, k)
				continue
			}
			if a, b := verbs.FindAllString(ref, -1), verbs.FindAllString(s, -1); len(a) != len(b) {
				t.Errorf("%s %q: verbs %v, bokmål has %v", lang, k, b, a)
			}
		}
		for k := range nb {
			if _, ok := catalogs[lang][k]; !ok {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
}

// The desk and the dashboard name the same things with the same words:
// a Swedish secretariat reading "Buntar" at the desk reads it on the web.
func TestTheDeskAndTheDashboardAgreeOnNames(t *testing.T) {
	for _, lang := range []Lang{Bokmal, Swedish, English} {
		c := New(lang)
		for desk, web := range map[string]string{"title.overview": "web.nav.overview", "title.batch": "web.nav.batches", "title.equipment": "web.nav.equipment"} {
			if c.T(desk) != c.T(web) {
				t.Errorf("%s: the desk says %q, the dashboard %q", lang, c.T(desk), c.T(web))
			}
		}
		if c.T("sheet.batch") != c.T("web.batches.name") {
			t.Errorf("%s: a batch's sheet is %q, the dashboard's column %q", lang, c.T("sheet.batch"), c.T("web.batches.name"))
		}
	}
}

func TestParse(t *testing.T) {
	for in, want := range map[string]Lang{"": Bokmal, "nb": Bokmal, "nb_NO.UTF-8": Bokmal, "no": Bokmal, "en": English, "en_GB.UTF-8": English} {
		if got, err := Parse(in); err != nil || got != want {
			t.Errorf("Parse(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := Parse("de"); err == nil {
		t.Error("an unknown language must be refused")
	}
}

func TestBokmalSortsNordicLettersLast(t *testing.T) {
	c := New(Bokmal)
	names := []string{"Åse", "Arne", "Øien", "Olsen", "Ærlig", "Zeta"}
	sort.Slice(names, func(i, j int) bool { return c.Compare(names[i], names[j]) < 0 })
	if got := strings.Join(names, " "); got != "Arne Olsen Zeta Ærlig Øien Åse" {
		t.Fatalf("sorted: %s", got)
	}
}

func TestSwedishSortsÅÄÖLast(t *testing.T) {
	c := New(Swedish)
	names := []string{"Östen", "Åsa", "Ärla", "Anders", "Zorn"}
	sort.Slice(names, func(i, j int) bool { return c.Compare(names[i], names[j]) < 0 })
	if got := strings.Join(names, " "); got != "Anders Zorn Åsa Ärla Östen" {
		t.Fatalf("sorted: %s", got)
	}
	if l, err := Parse("sv_SE.UTF-8"); err != nil || l != Swedish {
		t.Fatalf("Parse: %v %v", l, err)
	}
}

// Numbers in names sort by their value, in every language, by Compare and
// by Keys alike.
func TestNumbersInNamesSortByValue(t *testing.T) {
	want := []string{"Kommune 2", "Kommune 9", "Kommune 10", "Kommune 100", "Varamedlem 1", "Varamedlem 12"}
	for _, lang := range Langs {
		c, k := New(lang), NewKeys(lang)
		got := slices.Clone(want)
		slices.Reverse(got)
		sort.SliceStable(got, func(i, j int) bool { return c.Compare(got[i], got[j]) < 0 })
		if !slices.Equal(got, want) {
			t.Errorf("%s by Compare: %q", lang, got)
		}
		slices.Reverse(got)
		sort.SliceStable(got, func(i, j int) bool { return k.Key(got[i]) < k.Key(got[j]) })
		if !slices.Equal(got, want) {
			t.Errorf("%s by Keys: %q", lang, got)
		}
	}
}

// Numbers and dates in each language's form.
func TestNumbersAndDatesByLocale(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 5, 0, 0, time.UTC)
	for lang, want := range map[Lang][2]string{
		Bokmal:  {"12\u00a0345", "23.11. 09:05"},
		Swedish: {"12\u00a0345", "23/11 09:05"},
		English: {"12,345", "23 Nov 09:05"},
	} {
		c := New(lang)
		if got := c.T("equip.count", 12345); !strings.HasPrefix(got, want[0]+" ") {
			t.Errorf("%s: %q, want it to start %q", lang, got, want[0])
		}
		if got := c.DateTime(at); got != want[1] {
			t.Errorf("%s: date %q, want %q", lang, got, want[1])
		}
	}
}

// Names sort as a reader looks for them: Æ, Ø, Å last in bokmål (and
// "Aa" as Å), Å, Ä, Ö last in Swedish, and a name that starts with "=",
// a quote or an apostrophe by its letters.
func TestNamesSortAsReadersLook(t *testing.T) {
	for lang, want := range map[Lang]string{
		Bokmal:  `"Arne|'Bjørn|Ola|Zorro|Ærlig|Øystein|=Åse|Åse|Aase`,
		Swedish: `Aase|"Arne|'Bjørn|Ola|Zorro|=Åse|Åse|Ärlig|Öberg`,
	} {
		c := New(lang)
		names := strings.Split(want, "|")
		got := append([]string(nil), names...)
		slices.Reverse(got)
		sort.SliceStable(got, func(i, j int) bool { return c.Compare(got[i], got[j]) < 0 })
		if strings.Join(got, "|") != want {
			t.Errorf("%s: %s, want %s", lang, strings.Join(got, "|"), want)
		}
	}
}

// Sorting by Keys gives what sorting by Compare gives, ties included,
// in every language: names with Nordic letters, "Aa", case, punctuation
// in front and digits.
func TestKeysSortAsCompare(t *testing.T) {
	parts := []string{"Åse", "Aase", "aase", "Arne", "=Åse", `"Arne`, "'Bjørn", "Ola", "Øystein", "Ærlig",
		"Ärla", "Östen", "Zorro", "Åsa", "Ødegård", "Oda", "Aasen", "Asen", "12", "Ola2", "ola", "", "-", "É", "E"}
	var names []string
	for _, a := range parts {
		names = append(names, a)
		for _, b := range parts[:8] {
			names = append(names, a+" "+b, a+b)
		}
	}
	for _, lang := range Langs {
		c, k := New(lang), NewKeys(lang)
		byCompare := slices.Clone(names)
		sort.SliceStable(byCompare, func(i, j int) bool { return c.Compare(byCompare[i], byCompare[j]) < 0 })
		keys := map[string]string{}
		for _, n := range names {
			keys[n] = k.Key(n)
		}
		byKey := slices.Clone(names)
		sort.SliceStable(byKey, func(i, j int) bool { return keys[byKey[i]] < keys[byKey[j]] })
		if !slices.Equal(byKey, byCompare) {
			t.Errorf("%s: by key\n%q\nby Compare\n%q", lang, byKey, byCompare)
		}
		for _, a := range names[:40] {
			for _, b := range names[:40] {
				if (keys[a] == keys[b]) != (c.Compare(a, b) == 0) {
					t.Errorf("%s: %q and %q: keys equal %v, Compare %d", lang, a, b, keys[a] == keys[b], c.Compare(a, b))
				}
			}
		}
	}
}

// A receipt's timeline line says what it records in words, in every
// language, never its token's one-letter kind; a kind this version does
// not know is shown as it came.
func TestAReceiptsLineSaysWhatItRecords(t *testing.T) {
	for _, c := range []struct {
		lang Lang
		kind string
		want string
	}{
		{Bokmal, "I", "kvittering 7: innlevering"},
		{Bokmal, "O", "kvittering 7: utlevering"},
		{Swedish, "D", "kvitto 7: utlämnad utrustning"},
		{English, "R", "receipt 7: equipment returned"},
		{English, "V", "receipt 7: equipment handed over"},
		{Bokmal, "Z", "kvittering 7: Z"},
	} {
		if got := New(c.lang).Entry(store.Entry{Kind: store.KindReceipt, Detail: "7", Receipt: c.kind}); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.lang, c.kind, got, c.want)
		}
	}
}
