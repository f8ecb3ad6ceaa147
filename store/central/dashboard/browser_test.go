package dashboard

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"dropin/store"
	"dropin/tui/i18n"
)

// chromium finds Debian's chromium: CI installs it, elsewhere the test
// says how to get it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is required in CI (apt-get install chromium)")
	}
	t.Skip("no chromium here: apt-get install chromium, then run again")
	return ""
}

// browse starts a headless chromium for one test.
func browse(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(t)), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.WindowSize(1280, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancel3)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// shot takes a screenshot of the whole page, checks it is a real image,
// and keeps it in DROPIN_SCREENSHOTS when that is set (to look at).
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil || img.Bounds().Dx() < 300 || img.Bounds().Dy() < 200 {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if dir := os.Getenv("DROPIN_SCREENSHOTS"); dir != "" {
		os.MkdirAll(dir, 0o755)
		os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	}
}

// text reads an element's text; the test stops if it is not there.
func textOf(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// TestInABrowser drives the dashboard in a real chromium: a wrong
// password and a station token are refused; a viewer logs in, reads the
// overview's numbers (the desk's), opens every page in every language and
// on a phone's width, watches a page update by itself without losing
// what was typed, and logs out.
func TestInABrowser(t *testing.T) {
	w := newWorld(t)
	d := levanger(w, "levanger-1", "innherred")
	d.sync()
	pw := w.viewer("leder", "innherred")
	ctx := browse(t)
	location := func() string {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		return loc
	}
	login := func(name, password string) {
		do(t, ctx, chromedp.Navigate(w.url+"/overview"), chromedp.WaitVisible(chromedp.CSS("#name")),
			chromedp.SetValue(chromedp.CSS("#name"), name), chromedp.SetValue(chromedp.CSS("#password"), password),
			chromedp.Click(chromedp.CSS("#submit")))
	}
	for name, password := range map[string]string{"leder": "feil-passord", "levanger-1": d.token} {
		login(name, password)
		do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#error")))
		if got := textOf(t, ctx, "#error"); got != "Feil brukernavn eller passord." || !strings.Contains(location(), "/login") {
			t.Fatalf("login as %s with %q: %q at %s", name, password, got, location())
		}
	}
	shot(t, ctx, "login-refused")

	login("leder", pw)
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#total")))
	_, sum, err := d.st.Coverage(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := textOf(t, ctx, "#total"), i18n.New(i18n.Bokmal).T("overview.total", sum.Collected(), sum.Total(), store.Percent(sum.Collected(), sum.Total())); got != want {
		t.Fatalf("the browser shows %q, the desk %q", got, want)
	}
	shot(t, ctx, "overview-nb")

	pages := []string{"overview", "progress", "chase", "desks", "batches", "equipment", "device?q=aasen", "device/R52NXYGSKYS"}
	heads := map[string]map[string]string{
		"nb": {"overview": "Oversikt", "progress": "Framdrift", "chase": "Å følge opp", "equipment": "Utstyr"},
		"sv": {"overview": "Översikt", "progress": "Framsteg", "chase": "Att följa upp", "equipment": "Utrustning"},
		"en": {"overview": "Overview", "progress": "Progress", "chase": "To chase", "equipment": "Equipment"},
	}
	for _, lang := range []string{"nb", "sv", "en"} {
		for _, p := range pages {
			u := w.url + "/" + p
			if strings.Contains(p, "?") {
				u += "&lang=" + lang
			} else {
				u += "?lang=" + lang
			}
			do(t, ctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("h1")))
			if want, ok := heads[lang][p]; ok && textOf(t, ctx, "h1") != want {
				t.Errorf("%s %s: heading %q, want %q", lang, p, textOf(t, ctx, "h1"), want)
			}
			if strings.Contains(textOf(t, ctx, "body"), "⟨") {
				t.Errorf("%s %s: a word is missing from the catalog", lang, p)
			}
			shot(t, ctx, lang+"-"+strings.NewReplacer("?", "-", "=", "-", "/", "-").Replace(p))
		}
	}
	do(t, ctx, chromedp.Navigate(w.url+"/progress?lang=nb"), chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	if n := eval[int](t, ctx, `document.querySelectorAll("svg.chart polyline").length`); n < 3 {
		t.Fatalf("the chart draws %d lines, want collected, upgraded and first login", n)
	}
	// The chart shown (a laptop's drawing; a phone's has fewer dates and
	// larger words) marks the cut-over, and every word on it is inside
	// the picture, as chromium lays it out (the rotated axis title aside:
	// its box is before its turn).
	chartShown := func(want string) {
		t.Helper()
		if got := eval[string](t, ctx, `[...document.querySelectorAll("svg.chart")].filter(s => s.getBoundingClientRect().width > 0).map(s => s.classList[1]).join()`); got != want {
			t.Fatalf("the chart shown is %q, want %q", got, want)
		}
		if out := eval[string](t, ctx, `[...document.querySelectorAll("svg.chart."+`+jsString(want)+`+" text:not([transform])")].filter(e => {
			const b = e.getBBox(), w = e.ownerSVGElement.viewBox.baseVal.width;
			return b.x < 0 || b.x + b.width > w;
		}).map(e => e.textContent).join(" | ")`); out != "" {
			t.Errorf("%s: words cut off at the chart's edge: %s", want, out)
		}
		if eval[int](t, ctx, `document.querySelectorAll("svg.chart.`+want+` text.cutover").length`) != 1 {
			t.Errorf("%s: the chart does not mark the cut-over", want)
		}
	}
	chartShown("wide")
	do(t, ctx, chromedp.EmulateViewport(320, 640, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("svg.chart.narrow")))
	chartShown("narrow")
	// Its words are as large on a phone as the page's small print.
	if px := eval[float64](t, ctx, `(() => { const s = document.querySelector("svg.chart.narrow"); return s.getBoundingClientRect().width / s.viewBox.baseVal.width * 15; })()`); px < 10 {
		t.Errorf("the phone's chart writes its words %.1f px high", px)
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 900))

	// A county's counts: in both drawings the six-digit labels of the
	// count axis stand clear of its turned title and inside the picture.
	day := time.Date(2026, 4, 1, 0, 0, 0, 0, time.Local)
	county := buildProgress(i18n.New(i18n.Bokmal), []store.DayProgress{{Day: day, Collected: 60_000}}, 100_000, day.Add(10*time.Hour), time.Time{}, time.Local)
	do(t, ctx, chromedp.Navigate("data:text/html;charset=utf-8,"+url.PathEscape(`<!doctype html><body style="margin:0;width:400px">`+string(county.Chart))),
		chromedp.WaitVisible(chromedp.CSS("svg.chart.narrow")))
	if out := eval[string](t, ctx, `[...document.querySelectorAll("svg.chart")].map(s => {
		const title = s.querySelector("text[transform]").getBoundingClientRect(), box = s.getBoundingClientRect();
		const labels = [...s.querySelectorAll("text[text-anchor=end]:not(.cutover)")].filter(e => /^\d+$/.test(e.textContent));
		return labels.filter(e => { const r = e.getBoundingClientRect(); return r.left < title.right || r.left < box.left; })
			.map(e => s.classList[1] + ": " + e.textContent).join(" | ");
	}).filter(x => x).join(" | ")`); out != "" {
		t.Errorf("count labels over the axis title or off the picture: %s", out)
	}

	// A phone, a small one (320 px): the pages fit its width (measured
	// against the phone: an emulated phone widens its layout viewport to
	// the page). A list is a card a row, each value under its column's
	// name, none off the side; the coverage table scrolls sideways inside
	// itself under its names; a body's long name does not widen a filter.
	for _, p := range []string{"overview", "chase", "progress", "equipment", "device?q=aasen", "device/R52NXYGSKYS", "batches", "desks"} {
		do(t, ctx, chromedp.EmulateViewport(320, 640, chromedp.EmulateScale(2), chromedp.EmulateMobile),
			chromedp.Navigate(w.url+"/"+p), chromedp.WaitVisible(chromedp.CSS("h1")))
		if eval[bool](t, ctx, `document.documentElement.scrollWidth > 321`) {
			t.Errorf("%s is wider than a phone (320 px): %d px", p, eval[int](t, ctx, `document.documentElement.scrollWidth`))
		}
		if wide := eval[[]string](t, ctx, `[...document.querySelectorAll("table.cards")].filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).map(t => t.id)`); len(wide) > 0 {
			t.Errorf("%s: lists %v run off the side of a phone", p, wide)
		}
		// Every list is cards there; only the coverage table scrolls.
		if tables := eval[[]string](t, ctx, `[...document.querySelectorAll("table:not(.cards):not(#coverage)")].map(t => t.id)`); len(tables) > 0 {
			t.Errorf("%s: tables %v are not a card a row on a phone", p, tables)
		}
		if p == "chase" {
			if got := eval[string](t, ctx, `(() => {
				const td = document.querySelector("#chase tbody td");
				return getComputedStyle(td, "::before").content + " " + td.textContent;
			})()`); !strings.HasPrefix(got, `"Telefon: " `) {
				t.Errorf("a phone's chase list does not name what each value is: %q", got)
			}
		}
		// The page links scroll sideways; the one open is in sight.
		if !eval[bool](t, ctx, `(() => {
			const a = document.querySelector("nav.pages a[aria-current]");
			if (!a) return false;
			const n = a.parentElement.getBoundingClientRect(), r = a.getBoundingClientRect();
			return r.left >= n.left - 1 && r.right <= n.right + 1;
		})()`) {
			t.Errorf("%s: its own link is scrolled out of sight", p)
		}
		shot(t, ctx, "phone-"+strings.NewReplacer("?", "-", "=", "-", "/", "-").Replace(p))
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 900))

	// Who holds what, searched from its form: the names that hold the
	// words typed, diacritics and all.
	do(t, ctx, chromedp.Navigate(w.url+"/equipment"), chromedp.WaitVisible(chromedp.CSS("#holders-heading")))
	all := textOf(t, ctx, "#holders-heading")
	// The answer is a new page: its field holds the search as the server
	// wrote it (typing sets the old page's field, not its attribute), so
	// nothing is read from the page being left.
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`form.filters input[name="q"]`), "øystein"),
		chromedp.Click(chromedp.CSS(`form.filters button`)),
		chromedp.WaitVisible(chromedp.CSS(`form.filters input[name="q"][value="øystein"]`)), chromedp.WaitVisible(chromedp.CSS("#holders")))
	if got := textOf(t, ctx, "#holders-heading"); got == all {
		t.Fatalf("the search did not narrow who holds what: %q", got)
	}
	names := eval[[]string](t, ctx, `Array.from(document.querySelectorAll("#holders tbody th")).map(th => th.textContent)`)
	if len(names) == 0 || slices.ContainsFunc(names, func(n string) bool { return !strings.HasPrefix(n, "Øystein") }) {
		t.Fatalf("searched for øystein, the list shows %q", names)
	}
	shot(t, ctx, "equipment-searched")

	// A morning after the reminders went out: every row has something in
	// each column, the longest addresses too.
	chasing, _ := d.st.Outstanding(context.Background())
	for _, c := range chasing {
		if err := d.st.Reminded(context.Background(), c.OfficialID, "email", c.Email, "nb", d.by); err != nil {
			t.Fatal(err)
		}
	}
	d.sync()

	// The page follows the desks by itself; what is typed stays.
	do(t, ctx, chromedp.Navigate(w.url+"/chase?municipality=Levanger"), chromedp.WaitVisible(chromedp.CSS("#chase-heading")),
		chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "Øys"))
	if got := eval[string](t, ctx, `getComputedStyle(document.querySelector("#chase tbody td")).display`); got != "table-cell" {
		t.Errorf("on a laptop the chase list is a table, its cells are %q", got)
	}
	// Every column in sight on a laptop: a long address breaks at its @.
	if eval[bool](t, ctx, `(() => { const t = document.getElementById("chase"); return t.scrollWidth > t.parentElement.clientWidth + 1; })()`) {
		t.Errorf("on a laptop the chase list runs off the side")
	}
	before := textOf(t, ctx, "#chase-heading")
	chased, _ := d.st.Outstanding(context.Background())
	d.st.CheckIn(context.Background(), chased[0].Serial, d.by)
	d.sync()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("chase-heading").textContent !== `+jsString(before),
		chromedp.WithPollingTimeout(10*time.Second))); err != nil {
		t.Fatalf("the chase list did not follow a check-in (%q): %v", before, err)
	}
	typed, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`input[name="q"]`)))
	if err != nil || typed != "Øys" {
		t.Fatalf("the refresh lost what was typed: %q %v", typed, err)
	}
	t.Logf("%s → %s", before, textOf(t, ctx, "#chase-heading"))

	do(t, ctx, chromedp.Click(chromedp.CSS(`form.logout button`)), chromedp.WaitVisible(chromedp.CSS("#name")),
		chromedp.Navigate(w.url+"/overview"), chromedp.WaitVisible(chromedp.CSS("#name")))
	if loc := location(); !strings.Contains(loc, "/login") {
		t.Fatalf("after logging out the overview opens at %s", loc)
	}
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			b.WriteString(strings.ToLower(string([]rune{'\\', 'u'})))
			b.WriteString(hex4(r))
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func hex4(r rune) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[r>>12&15], digits[r>>8&15], digits[r>>4&15], digits[r&15]})
}
