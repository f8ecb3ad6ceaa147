package dashboard

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"dropin/store"
	"dropin/tui/i18n"
)

// The dashboard's overview and chase list are a desk's to the row: a desk
// that pulled everything, drawn by the desk's own rules (order, filters),
// gives the same rows as the pages, in every language; and when a desk
// steps a tablet and syncs, the page moves with it.
func TestDashboardEqualsDesk(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := levanger(w, "levanger-1", "innherred")
	b := w.desk("levanger-2", "innherred")
	a.sync()
	b.sync() // b now has a's events too
	expected, err := b.st.Sample(ctx, store.Expected, 2)
	if err != nil || len(expected) < 2 {
		t.Fatalf("expected tablets: %v %v", expected, err)
	}
	ov0, _ := b.st.Outstanding(ctx)
	if err := b.st.Reminded(ctx, ov0[0].OfficialID, "email", "x@innherred-samkommune.no", "built-in nb", b.by); err != nil {
		t.Fatal(err)
	}
	b.st.CheckIn(ctx, expected[0], b.by)
	b.step(expected[0], store.KindUpgrading)
	b.sync()
	a.sync() // a has pulled everything
	c := w.login("leder", w.viewer("leder", "innherred"))

	for _, lang := range []i18n.Lang{i18n.Bokmal, i18n.Swedish, i18n.English} {
		cat := i18n.New(lang)
		lines, total, err := a.st.Coverage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		store.SortCoverage(lines, cat.Compare)
		_, doc := w.get(c, "/overview?lang="+string(lang))
		if got, want := text(byID(doc, "total")), cat.T("overview.total", total.Collected(), total.Total(), store.Percent(total.Collected(), total.Total())); got != want {
			t.Errorf("%s: total %q, the desk says %q", lang, got, want)
		}
		got := rows(byID(doc, "coverage"))
		if len(got) != len(lines) {
			t.Fatalf("%s: %d coverage rows, the desk has %d", lang, len(got), len(lines))
		}
		for i, l := range lines {
			r := coverageLine(cat, l)
			want := []string{r.Name, fmt.Sprintf("%d %%", r.Percent)}
			for _, n := range r.Counts {
				want = append(want, fmt.Sprint(n))
			}
			if strings.Join(got[i], "|") != strings.Join(want, "|") {
				t.Errorf("%s: row %d is %q, the desk's is %q", lang, i, got[i], want)
			}
		}

		ov, err := a.st.LoadOverview(ctx, -1)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range []store.ChaseFilter{{}, {Municipality: "Levanger", Sort: "body"}, {Body: "Kommunestyret", Query: "aa"}} {
			q := url.Values{"lang": {string(lang)}, "municipality": {f.Municipality}, "body": {f.Body}, "q": {f.Query}, "sort": {f.Sort}}
			if f.Sort == "" {
				f.Sort = "name"
			}
			want := store.FilterChase(ov.Chase, f, i18n.NewKeys(cat.Lang).Key, nil)
			_, doc := w.get(c, "/chase?"+q.Encode())
			got := rows(byID(doc, "chase"))
			if len(want) == 0 {
				t.Fatalf("filter %+v chases nobody: the test proves nothing", f)
			}
			if len(got) != min(len(want), chasePage) {
				t.Fatalf("%s %+v: %d rows, the desk has %d", lang, f, len(got), len(want))
			}
			for i := range got {
				wr := []string{want[i].Name, store.PhoneText(want[i].Phone), want[i].Municipality, want[i].Bodies(), want[i].Email, want[i].Serial,
					cat.Reminded(want[i].Reminded, want[i].RemindedAt.In(oslo))}
				if strings.Join(got[i], "|") != strings.Join(wr, "|") {
					t.Errorf("%s %+v: row %d is %q, the desk's is %q", lang, f, i, got[i], wr)
				}
			}
		}
	}

	// A step at a desk shows on the page once the desk has synced.
	_, doc := w.get(c, "/overview?lang=nb")
	before := text(byID(doc, "total"))
	a.st.CheckIn(ctx, expected[1], a.by)
	a.sync()
	_, doc = w.get(c, "/overview")
	if after := text(byID(doc, "total")); after == before {
		t.Fatalf("the total stayed %q after a check-in was synced", after)
	}

	// The batches page says what the desk says, and is read again (not
	// kept) once a read in a batch has been synced.
	batchRows := func() [][]string {
		t.Helper()
		_, doc := w.get(c, "/batches")
		got := rows(byID(doc, "batches"))
		bs, err := a.st.Batches(ctx)
		if err != nil || len(got) != len(bs) || len(bs) == 0 {
			t.Fatalf("%d batch rows, the desk has %d (%v)", len(got), len(bs), err)
		}
		for i, bt := range bs {
			if want := fmt.Sprintf("%d / %d (%d %%)", bt.Collected, bt.Expected, store.Percent(bt.Collected, bt.Expected)); got[i][4] != want {
				t.Fatalf("batch %s: %q, the desk says %q", bt.Name, got[i][4], want)
			}
		}
		return got
	}
	chart := func() string {
		t.Helper()
		page, err := pageBody(t, c, w.url+"/progress")
		if err != nil || !strings.Contains(page.body, "<figure>") {
			t.Fatalf("the progress page: %v", err)
		}
		return page.body[strings.Index(page.body, "<figure>"):strings.Index(page.body, "</figure>")]
	}
	first, firstChart := batchRows(), chart()
	bs, _ := a.st.Batches(ctx)
	left, err := a.st.Sample(ctx, store.Expected, 1)
	if err != nil || len(left) == 0 {
		t.Fatalf("no expected tablet left: %v", err)
	}
	if _, err := a.st.ReadBatch(ctx, bs[0].ID, left, a.by); err != nil {
		t.Fatal(err)
	}
	a.sync()
	if again := batchRows(); again[0][4] == first[0][4] {
		t.Fatalf("the batch's count stayed %q after a read was synced", again[0][4])
	}
	if chart() == firstChart {
		t.Fatal("the progress chart stayed as it was after a tablet was collected and synced")
	}
}

// A viewer sees one tenant: another tenant's officials never show, and
// its serials are "not found" exactly as a serial nobody has.
func TestTenantsAreApart(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := levanger(w, "levanger-1", "innherred")
	a.sync()
	o := w.desk("ockero-1", "ockero")
	roster := filepath.Join(t.TempDir(), "ockero.csv")
	os.WriteFile(roster, []byte("Navn;Kommune;Organ;Rolle;Primær e-post;Nettbrett serienr;Nettbrett modell\n"+
		"Anna Hägg;Öckerö;Kommunfullmäktige;Ledamot;anna.hagg@ockero.se;OCK0000001;iPad\n"), 0o600)
	if _, _, err := o.st.ImportFile(ctx, roster, o.by, false); err != nil {
		t.Fatal(err)
	}
	o.sync()

	c := w.login("gun", w.viewer("gun", "ockero"))
	_, doc := w.get(c, "/chase")
	if got := rows(byID(doc, "chase")); len(got) != 1 || got[0][0] != "Anna Hägg" {
		t.Fatalf("Öckerö's chase list: %q", got)
	}
	for _, page := range []string{"/overview", "/chase?q=Aasen", "/equipment", "/batches", "/desks", "/device?q=Aasen", "/device?q=R52NXYGSKYS"} {
		resp, err := c.Get(w.url + page)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, other := range []string{"Aasen", "R52NXYGSKYS", "Levanger", "levanger-1", "Kommunestyret, 2. april"} {
			if strings.Contains(string(body), other) && !strings.Contains(page, other) {
				t.Errorf("%s shows the other tenant's %q", page, other)
			}
		}
	}
	theirs, _ := pageBody(t, c, w.url+"/device/R52NXYGSKYS")
	nobodys, _ := pageBody(t, c, w.url+"/device/ZZZZZZZZ99")
	if theirs.status != http.StatusNotFound || nobodys.status != http.StatusNotFound ||
		strings.ReplaceAll(theirs.body, "R52NXYGSKYS", "X") != strings.ReplaceAll(nobodys.body, "ZZZZZZZZ99", "X") {
		t.Fatalf("another tenant's serial answers %d, a serial nobody has %d; the pages must be the same", theirs.status, nobodys.status)
	}
	mine, _ := pageBody(t, c, w.url+"/device/OCK0000001")
	if mine.status != http.StatusOK || !strings.Contains(mine.body, "Anna Hägg") {
		t.Fatalf("own tablet: %d", mine.status)
	}
	// A tenant whose desks have no tablet yet sees that said, not an
	// empty table under "0 of 0".
	empty := w.login("eva", w.viewer("eva", "tjorn"))
	if page, _ := pageBody(t, empty, w.url+"/overview"); !strings.Contains(page.body, `id="notablets"`) || !strings.Contains(page.body, "Ingen nettbrett på listen ennå") {
		t.Fatalf("an empty tenant's overview:\n%.2000s", page.body)
	}
	if page, _ := pageBody(t, c, w.url+"/overview"); strings.Contains(page.body, `id="notablets"`) {
		t.Fatal("a tenant with a tablet has it counted")
	}
}

type answer struct {
	status int
	body   string
	header http.Header
}

func pageBody(t *testing.T, c *http.Client, u string) (answer, error) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return answer{status: resp.StatusCode, body: string(b), header: resp.Header}, err
}

// Names, bodies, models and reasons that carry HTML, script or terminal
// escapes are shown as text; every answer forbids inline script.
func TestHostileDataIsText(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	d := w.desk("skranke-1", "innherred")
	evil := store.Official{ID: "evil@example.no", Name: `<script>alert("navn")</script> Ås`, Municipality: `Lev<b>anger</b>`,
		EmailPrimary: "evil@example.no", Phone: `"><img src=x onerror=alert(1)>`,
		Seats: []store.Seat{{Body: `<img src=x onerror=alert("organ")>`, Role: "\x1b[31mLeder"}}}
	if err := d.st.PutOfficial(ctx, evil, d.by); err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.Register(ctx, "EVIL000001", "iPad <svg onload=alert(3)>\x1b]0;x\x07", evil.ID, d.by); err != nil {
		t.Fatal(err)
	}
	d.st.CheckIn(ctx, "EVIL000001", d.by)
	if _, err := d.st.Step(ctx, "EVIL000001", store.KindFailed, store.Input{Reason: `</li><script>alert("grunn")</script>`}, d.by); err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.Register(ctx, "EVIL000002", "iPad", evil.ID, d.by); err != nil {
		t.Fatal(err)
	}
	d.sync()
	c := w.login("leder", w.viewer("leder", "innherred"))
	for _, page := range []string{"/overview", "/progress", "/chase", "/desks", "/batches", "/equipment", "/device/EVIL000001", "/device?q=script"} {
		a, _ := pageBody(t, c, w.url+page)
		if a.status != http.StatusOK {
			t.Fatalf("%s: %d", page, a.status)
		}
		for _, raw := range []string{"<script>alert", "<img src=x", "<svg onload", "<b>anger", "\x1b"} {
			if strings.Contains(a.body, raw) {
				t.Errorf("%s carries %q raw", page, raw)
			}
		}
		csp := a.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || a.header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: CSP %q, nosniff %q", page, csp, a.header.Get("X-Content-Type-Options"))
		}
	}
	a, _ := pageBody(t, c, w.url+"/device/EVIL000001")
	for _, shown := range []string{`&lt;script&gt;alert(&#34;navn&#34;)&lt;/script&gt; Ås`, `&lt;/li&gt;&lt;script&gt;alert(&#34;grunn&#34;)&lt;/script&gt;`} {
		if !strings.Contains(a.body, shown) {
			t.Errorf("the card does not show %q as text", shown)
		}
	}
}

// Logins: a wrong password, a station token and a revoked viewer are
// refused; a viewer's session never syncs and a station token never opens
// a page; cookies are HttpOnly and SameSite=Strict, Secure off loopback;
// guessing is slowed; logging out ends the session on the server.
func TestLoginsAndSessions(t *testing.T) {
	w := newWorld(t)
	d := w.desk("skranke-1", "innherred")
	pw := w.viewer("leder", "innherred")
	for name, pass := range map[string]string{"leder": "wrong", "skranke-1": d.token, "nobody": pw} {
		resp := w.post(w.browser(), "/login", url.Values{"name": {name}, "password": {pass}})
		if resp.StatusCode != http.StatusUnauthorized || len(resp.Cookies()) > 0 && resp.Cookies()[0].Name == sessionCookie {
			t.Errorf("login %s with %q: %s", name, pass, resp.Status)
		}
	}
	// A station token as a bearer opens no page.
	req, _ := http.NewRequest(http.MethodGet, w.url+"/overview", nil)
	req.Header.Set("Authorization", "Bearer "+d.token)
	resp, err := w.browser().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Fatalf("a station token on /overview: %s", resp.Status)
	}

	c := w.browser()
	resp = w.post(c, "/login", url.Values{"name": {"leder"}, "password": {pw}, "next": {"/chase?municipality=Levanger"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/chase?municipality=Levanger" {
		t.Fatalf("login: %s to %q", resp.Status, resp.Header.Get("Location"))
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == sessionCookie {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || session.SameSite != http.SameSiteStrictMode || session.Secure {
		t.Fatalf("session cookie on loopback: %+v", session)
	}
	// The viewer's session does not sync.
	req, _ = http.NewRequest(http.MethodGet, w.url+"/v1/pull?after=0", nil)
	req.AddCookie(session)
	req.Header.Set("Authorization", "Bearer "+session.Value)
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("a viewer's session on /v1/pull: %s", resp.Status)
	}
	// Off loopback (a name, as behind a proxy) the cookie needs HTTPS.
	r := httptestRequest("dashboard.example.no")
	if !secure(r) || secure(httptestRequest("127.0.0.1:8470")) || secure(httptestRequest("localhost:8470")) {
		t.Fatal("Secure must be set everywhere but loopback")
	}
	// Logout ends the session: the old cookie, replayed, opens nothing.
	if resp := w.post(c, "/logout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %s", resp.Status)
	}
	replay := w.browser()
	u, _ := url.Parse(w.url)
	replay.Jar.SetCookies(u, []*http.Cookie{{Name: sessionCookie, Value: session.Value}})
	if a, _ := pageBody(t, replay, w.url+"/overview"); a.status != http.StatusSeeOther {
		t.Fatalf("a logged-out session still opens the overview: %d", a.status)
	}
	// Revoking a viewer ends its open sessions.
	c = w.login("leder", pw)
	if err := w.c.RevokeViewer(context.Background(), "leder"); err != nil {
		t.Fatal(err)
	}
	if a, _ := pageBody(t, c, w.url+"/overview"); a.status != http.StatusSeeOther {
		t.Fatalf("a revoked viewer's session: %d", a.status)
	}
	// Guessing one name is slowed after five tries, whatever the password.
	w.viewer("gun", "innherred")
	slowed := false
	for i := range 8 {
		resp := w.post(w.browser(), "/login", url.Values{"name": {"gun"}, "password": {fmt.Sprint("guess", i)}})
		if resp.StatusCode == http.StatusTooManyRequests {
			slowed = i >= 5
			break
		}
	}
	if !slowed {
		t.Fatal("six wrong passwords in a row were all tried")
	}
	// A form posted from another site is refused.
	req, _ = http.NewRequest(http.MethodPost, w.url+"/login", strings.NewReader("name=leder&password=x"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site login form: %s", resp.Status)
	}
}

func httptestRequest(host string) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, "http://"+host+"/", nil)
	r.Host = host
	return r
}

// Every page answers in every language with no word missing; the choice
// is kept; unknown pages are 404; the live part comes alone on request.
func TestPagesInEveryLanguage(t *testing.T) {
	w := newWorld(t)
	a := levanger(w, "levanger-1", "innherred")
	a.sync()
	c := w.login("leder", w.viewer("leder", "innherred"))
	pages := []string{"/overview", "/progress", "/chase", "/chase?municipality=Levanger&body=Kommunestyret&q=e&sort=body&page=0",
		"/desks", "/batches", "/equipment", "/device", "/device?q=aasen", "/device/R52NXYGSKYS"}
	words := map[i18n.Lang]string{i18n.Bokmal: "Logg ut", i18n.Swedish: "Logga ut", i18n.English: "Log out"}
	for lang, logout := range words {
		if a, _ := pageBody(t, c, w.url+"/overview?lang="+string(lang)); !strings.Contains(a.body, logout) {
			t.Fatalf("%s: no %q", lang, logout)
		}
		for _, p := range pages {
			a, _ := pageBody(t, c, w.url+p)
			if a.status != http.StatusOK {
				t.Errorf("%s %s: %d", lang, p, a.status)
			}
			if strings.Contains(a.body, "⟨") || !strings.Contains(a.body, logout) {
				t.Errorf("%s %s: a word is missing, or the language was not kept", lang, p)
			}
		}
	}
	for _, p := range []string{"/nothing", "/overview/x", "/device/R52NXYGSKYS/x", "/static/nothing.css"} {
		if a, _ := pageBody(t, c, w.url+p); a.status != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, a.status)
		}
	}
	// A page that is not there says where to go; a tablet that is not
	// there is said to be none, on the search page, the serial in its field.
	if _, doc := w.get(c, "/nothing?lang=nb"); text(byID(doc, "notfound")) != "Velg en side i menyen over." {
		t.Errorf("/nothing says %q", text(byID(doc, "notfound")))
	}
	resp, doc := w.get(c, "/device/R52NXYGSKYZ")
	if resp.StatusCode != http.StatusNotFound || !strings.Contains(text(doc), "Ingen nettbrett har serienummeret «R52NXYGSKYZ».") {
		t.Errorf("a serial nobody has: %d %q", resp.StatusCode, text(doc))
	}
	if a, _ := pageBody(t, c, w.url+"/device/R52NXYGSKYZ"); !strings.Contains(a.body, `name="q" value="R52NXYGSKYZ"`) {
		t.Errorf("a serial nobody has is not in the search field: %s", a.body)
	}
	partial := func() *http.Request {
		req, _ := http.NewRequest(http.MethodGet, w.url+"/overview", nil)
		req.Header.Set(partialHeader, "1")
		return req
	}
	resp, err := c.Do(partial())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(body), "<html") || !strings.Contains(string(body), `id="coverage"`) {
		t.Fatalf("the live part: %.200s", body)
	}
	resp, err = w.browser().Do(partial())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the live part without a session: %s (the script reloads to the login on 401)", resp.Status)
	}
}

// The chart's sentences: the pace of the last seven days, the day it has
// them all, and whether that is before the cut-over.
func TestProgressProjection(t *testing.T) {
	cat := i18n.New(i18n.Bokmal)
	day := func(d int) time.Time { return time.Date(2026, 4, d, 0, 0, 0, 0, oslo) }
	days := []store.DayProgress{{Day: day(1), Collected: 40}, {Day: day(3), Collected: 14, Upgraded: 10}, {Day: day(7), Collected: 14, Upgraded: 20, LoggedIn: 5}}
	now := time.Date(2026, 4, 8, 10, 0, 0, 0, oslo)
	// 28 in the last 7 days (2nd to 8th): 4 a day; 100 expected, 68 in: 32 left, 8 days: the 16th.
	p := buildProgress(cat, days, 100, now, time.Date(2026, 4, 14, 15, 30, 0, 0, oslo), oslo)
	notes := strings.Join(p.Notes, "\n")
	for _, want := range []string{"Tempo siste 7 dager: 4,0 nettbrett per dag.", "Med dette tempoet er alle samlet inn 16.04.2026.",
		"Overgang 14.04.2026 kl. 15.30", "Det rekker ikke til overgangen: med dagens tempo mangler det ennå 8 nettbrett da."} {
		if !strings.Contains(notes, want) {
			t.Errorf("notes lack %q:\n%s", want, notes)
		}
	}
	for _, want := range []string{`class="line-collected"`, `class="line-upgraded"`, `class="line-login"`, `class="line-projection"`, "Overgang 14.04.2026", "<title"} {
		if !strings.Contains(string(p.Chart), want) {
			t.Errorf("the chart lacks %s", want)
		}
	}
	if !strings.Contains(string(p.Chart), `text-anchor="end" font-size="12" fill="#b91c1c">Overgang 14.04.2026`) {
		t.Errorf("the cut-over's label, well into the chart, stands left of its line")
	}
	p = buildProgress(cat, days, 100, now, time.Date(2026, 4, 30, 15, 30, 0, 0, oslo), oslo)
	if !strings.Contains(strings.Join(p.Notes, "\n"), "Det rekker til overgangen.") {
		t.Errorf("a late cut-over is met: %q", p.Notes)
	}
	// A cut-over on the chart's first days: its label, right of the line,
	// stays inside the picture (the browser test measures it).
	p = buildProgress(cat, days, 100, now, time.Date(2026, 4, 1, 15, 30, 0, 0, oslo), oslo)
	if !strings.Contains(string(p.Chart), `text-anchor="start" font-size="12" fill="#b91c1c">Overgang 01.04.2026`) {
		t.Errorf("the cut-over's label at the chart's left edge: %s", p.Chart)
	}
	p = buildProgress(cat, nil, 10, now, time.Time{}, oslo)
	if p.Empty == "" || !strings.Contains(strings.Join(p.Notes, "\n"), "Ingen overgangsdato") {
		t.Errorf("nothing collected, no cut-over: %+v", p.Notes)
	}
}

// The chart's count axis steps in round numbers up to just above the most
// there is: 0, 50, … 200 for 185 expected, never 46 or 138.
func TestTheChartCountsInRoundSteps(t *testing.T) {
	for most, want := range map[int]int{1: 1, 3: 1, 7: 2, 100: 20, 185: 50, 1234: 500, 100_000: 20_000} {
		if got := niceStep(most, 5); got != want {
			t.Errorf("niceStep(%d) = %d, want %d", most, got, want)
		}
	}
	cat := i18n.New(i18n.Bokmal)
	day := time.Date(2026, 12, 6, 0, 0, 0, 0, oslo)
	p := buildProgress(cat, []store.DayProgress{{Day: day, Collected: 69}}, 185, day.Add(10*time.Hour), time.Time{}, oslo)
	for _, label := range []string{">0</text>", ">50</text>", ">100</text>", ">150</text>", ">200</text>"} {
		if !strings.Contains(string(p.Chart), label) {
			t.Errorf("the count axis lacks %s", label)
		}
	}
	if strings.Contains(string(p.Chart), ">46</text>") || strings.Contains(string(p.Chart), ">250</text>") {
		t.Errorf("the count axis is not in round steps up to 200")
	}
	// The dotted line at 185 is in the legend, as drawn.
	if !slices.Contains(p.Legend, legendItem{colorExpected, "alle som ventes (185)", dashExpected}) ||
		!strings.Contains(string(p.Chart), `class="expected"`) {
		t.Errorf("the legend does not name the line of all expected: %+v", p.Legend)
	}
}

// In a migration's first week the pace is of the days it has run, not a
// week's worth of days: 60 in on its first day is 60 a day, and at that
// pace the 180 expected are in on the third day, before a cut-over on
// the fifth. Divided by seven, the page said it would not make it. A
// quiet third day brings the pace down with it.
func TestProgressFirstDays(t *testing.T) {
	day := func(d int) time.Time { return time.Date(2026, 4, d, 0, 0, 0, 0, oslo) }
	cutover := time.Date(2026, 4, 5, 15, 30, 0, 0, oslo)
	for _, c := range []struct {
		lang     i18n.Lang
		days     []store.DayProgress
		expected int
		now      time.Time
		cutover  time.Time
		notes    []string
	}{
		{i18n.Bokmal, []store.DayProgress{{Day: day(1), Collected: 60}}, 180, time.Date(2026, 4, 1, 16, 0, 0, 0, oslo), cutover,
			[]string{"Tempo så langt (1 dag): 60,0 nettbrett per dag.", "Med dette tempoet er alle samlet inn 03.04.2026.", "Det rekker til overgangen."}},
		{i18n.Swedish, []store.DayProgress{{Day: day(1), Collected: 60}, {Day: day(2), Collected: 30}}, 180, time.Date(2026, 4, 2, 16, 0, 0, 0, oslo), cutover,
			[]string{"Takt hittills (2 dagar): 45,0 surfplattor per dag.", "2026-04-04", "Det hinns till övergången."}},
		{i18n.English, []store.DayProgress{{Day: day(1), Collected: 60}}, 180, time.Date(2026, 4, 3, 16, 0, 0, 0, oslo), cutover,
			[]string{"Pace so far (3 days): 20.0 tablets a day.", "by 9 Apr 2026", "will not be met"}},
		// Slow, and one short at the cut-over: one tablet, not "1 tablets".
		{i18n.English, []store.DayProgress{{Day: day(1), Collected: 3}}, 4, time.Date(2026, 4, 6, 10, 0, 0, 0, oslo), time.Date(2026, 4, 7, 12, 0, 0, 0, oslo),
			[]string{"Pace so far (6 days): 0.5 tablets a day.", "by 8 Apr 2026", "at the current pace 1 tablet will still be missing then."}},
	} {
		p := buildProgress(i18n.New(c.lang), c.days, c.expected, c.now, c.cutover, oslo)
		notes := strings.Join(p.Notes, "\n")
		for _, want := range c.notes {
			if !strings.Contains(notes, want) {
				t.Errorf("%s, %s: the notes lack %q:\n%s", c.lang, c.now.Format("Jan 2"), want, notes)
			}
		}
	}
}

// The downloads are the desk's exports of the list as filtered: the same
// workbook (text cells, the desk's words) and the same CSV.
func TestChaseDownloads(t *testing.T) {
	w := newWorld(t)
	a := levanger(w, "levanger-1", "innherred")
	a.sync()
	c := w.login("leder", w.viewer("leder", "innherred"))
	ov, err := a.st.LoadOverview(context.Background(), -1)
	if err != nil {
		t.Fatal(err)
	}
	f := store.ChaseFilter{Body: "Kommunestyret", Sort: "name"}
	want := store.FilterChase(ov.Chase, f, i18n.NewKeys(i18n.Bokmal).Key, nil)

	xlsx, _ := pageBody(t, c, w.url+"/chase.xlsx?body=Kommunestyret")
	if xlsx.status != http.StatusOK || !strings.Contains(xlsx.header.Get("Content-Disposition"), "utestaende-") {
		t.Fatalf("workbook: %d %q", xlsx.status, xlsx.header.Get("Content-Disposition"))
	}
	wb, err := excelize.OpenReader(strings.NewReader(xlsx.body))
	if err != nil {
		t.Fatal(err)
	}
	defer wb.Close()
	got, err := wb.GetRows(wb.GetSheetList()[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want)+1 || got[0][0] != "navn" {
		t.Fatalf("workbook: %d rows, want a header and %d", len(got), len(want))
	}
	for i, ch := range want {
		if got[i+1][0] != ch.Name || got[i+1][5] != ch.Serial {
			t.Fatalf("workbook row %d: %q, want %s %s", i+1, got[i+1], ch.Name, ch.Serial)
		}
	}
	csv, _ := pageBody(t, c, w.url+"/chase.csv?body=Kommunestyret&lang=sv")
	lines := strings.Split(strings.TrimSpace(csv.body), "\n")
	if csv.status != http.StatusOK || len(lines) != len(want)+1 || !strings.HasPrefix(lines[0], "namn,") {
		t.Fatalf("CSV: %d, %d lines, header %q", csv.status, len(lines), lines[0])
	}
}

// The desks page names who worked at a desk today by their initials, and
// what a command run without --staff did (the roster's import, a file of
// batch reads) in words after them, never as if "import" were someone.
func TestTheDesksPageTellsPeopleFromCommands(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	d := w.desk("levanger-1", "innherred")
	if _, _, err := d.st.ImportFile(ctx, "../../testdata/roster-levanger.csv", store.Actor{Station: "levanger-1", Staff: store.CommandImport}, false); err != nil {
		t.Fatal(err)
	}
	if _, err := d.st.CheckIn(ctx, "R52NXYGSKYS", d.by); err != nil {
		t.Fatal(err)
	}
	d.sync()
	c := w.login("ivar", w.viewer("ivar", "innherred"))
	for lang, want := range map[string]string{"nb": "KN · kommandoer: import av liste", "sv": "KN · kommandon: import av förteckning", "en": "KN · commands: roster import"} {
		_, doc := w.get(c, "/desks?lang="+lang)
		if got := text(byID(doc, "desks")); !strings.Contains(got, want) || strings.Contains(got, "KN, import") {
			t.Errorf("%s: the desks page says %q, want %q", lang, got, want)
		}
	}
}

// A desk whose sync the service refuses says so on its own screen; the
// desks page says it too, for IT and management, who do not sit at it:
// a second database with a desk's name and token, and a database with
// another station's events.
func TestTheDesksPageSaysWhoseSyncIsRefused(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	d := w.desk("levanger-1", "innherred")
	d.sync()
	twin, err := store.Open(ctx, filepath.Join(t.TempDir(), "twin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer twin.Close()
	if _, err := twin.Sync(ctx, w.url, d.token, nil); !errors.Is(err, store.ErrOtherDatabase) {
		t.Fatalf("the twin's sync: %v", err)
	}
	other := w.desk("verdal-1", "innherred")
	if _, err := other.st.Register(ctx, "FOREIGN0001", "iPad", "", store.Actor{Station: "levanger-9", Staff: "KN"}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.st.Sync(ctx, w.url, other.token, nil); !errors.Is(err, store.ErrForeignEvents) {
		t.Fatalf("the sync of another station's events: %v", err)
	}
	c := w.login("ivar", w.viewer("ivar", "innherred"))
	_, doc := w.get(c, "/desks")
	got := rows(byID(doc, "desks"))
	if len(got) != 2 || !strings.Contains(got[0][1], "synk avvist ") || !strings.Contains(got[0][1], ": en annen database synker som denne skranken") ||
		!strings.Contains(got[1][1], ": databasen har en annen stasjons hendelser") {
		t.Fatalf("the desks page: %q", got)
	}
	// Synced as itself again, levanger-1 still shows the refusal of the
	// day: the twin is still out there.
	d.sync()
	if _, doc := w.get(c, "/desks"); !strings.Contains(text(byID(doc, "desks")), "en annen database synker som denne skranken") {
		t.Fatal("a sync of the desk itself hid that its twin was refused")
	}
}

// A roster's tablet in for its upgrade is still on the term-end list, and
// the list says where it is: in, at its step, not with the official.
func TestTheTermEndListSaysWhatIsInForItsUpgrade(t *testing.T) {
	w := newWorld(t)
	d := levanger(w, "levanger-1", "innherred") // its batch read 60 tablets in; two of them went on up the ladder
	d.sync()
	c := w.login("ivar", w.viewer("ivar", "innherred"))
	_, doc := w.get(c, "/equipment?q=oystein+aasen")
	got := rows(byID(doc, "holders"))
	if h := text(byID(doc, "holders-heading")); h != "1 enhet ute hos folkevalgte · 1 inne til oppgradering" || len(got) != 1 {
		t.Fatalf("Øystein Aasen's tablet: %q, %d rows", h, len(got))
	}
	if got[0][5] != "R52NXYGSKYS" || got[0][7] != "inne til oppgradering: første pålogging" {
		t.Fatalf("Øystein Aasen's tablet, in for its upgrade, reads %q", got[0])
	}
	_, doc = w.get(c, "/equipment")
	heading := text(byID(doc, "holders-heading"))
	if !strings.Contains(heading, " inne til oppgradering") {
		t.Fatalf("the list's heading: %q", heading)
	}
	for _, r := range rows(byID(doc, "holders")) {
		if r[7] != "hos den folkevalgte" && !strings.HasPrefix(r[7], "inne til oppgradering: ") {
			t.Fatalf("a holding reads %q", r)
		}
	}
}

// Two desks that disagreed about a tablet without seeing each other's
// step: the desks page lists it and the tablet's page says it, as the
// desks' cards do.
func TestDisagreementsOnTheDashboard(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	a := levanger(w, "levanger-1", "innherred")
	a.sync()
	b := w.desk("verdal-1", "innherred")
	b.sync()
	if _, err := a.st.Step(ctx, "TJYHCY68QHGJ", store.KindFailed, store.Input{Reason: "<b>knust</b>"}, a.by); err != nil {
		t.Fatal(err)
	}
	b.step("TJYHCY68QHGJ", store.KindFirstLogin)
	a.sync()
	b.sync()
	a.sync()
	c := w.login("ivar", w.viewer("ivar", "innherred"))
	_, doc := w.get(c, "/desks")
	list := text(byID(doc, "conflicts"))
	if !strings.Contains(list, "TJYHCY68QHGJ") || !strings.Contains(list, "feil ved levanger-1 (KN)") || !strings.Contains(list, "første pålogging ved verdal-1 (KN)") {
		t.Fatalf("the desks page's disagreements: %q", list)
	}
	_, doc = w.get(c, "/device/TJYHCY68QHGJ")
	if got := text(byID(doc, "conflicts")); !strings.Contains(got, "uten å ha sett det") {
		t.Fatalf("the tablet's page: %q", got)
	}
	_, doc = w.get(c, "/device/R52NXYGSKYS")
	if byID(doc, "conflicts") != nil {
		t.Fatal("a tablet nobody disagreed about shows a disagreement")
	}
}

// A tablet is found by its serial's beginning, as read off a label or
// half remembered, with whose it is; by a name as before.
func TestFindATabletByTheBeginningOfItsSerial(t *testing.T) {
	w := newWorld(t)
	d := levanger(w, "levanger-1", "innherred")
	d.sync()
	c := w.login("ivar", w.viewer("ivar", "innherred"))
	_, doc := w.get(c, "/device?q=r52n")
	got := rows(byID(doc, "found"))
	if len(got) == 0 {
		t.Fatalf("r52n finds nothing: %q", text(doc))
	}
	var aasen bool
	for _, r := range got {
		if !strings.HasPrefix(r[2], "R52N") {
			t.Errorf("r52n finds %q", r)
		}
		aasen = aasen || r[0] == "Øystein Aasen" && r[2] == "R52NXYGSKYS"
	}
	if !aasen {
		t.Errorf("r52n does not find Øystein Aasen's R52NXYGSKYS: %q", got)
	}
	if _, doc := w.get(c, "/device?q=aasen"); !strings.Contains(text(byID(doc, "found")), "R52NXYGSKYS") {
		t.Errorf("a name no longer finds the tablet")
	}
}

// The term-end list of who holds what is paged, a hundred devices at a
// time, in the language's name order, and narrows to a municipality and
// to the names holding every word searched (diacritics aside), the
// filters kept from page to page.
func TestTheTermEndListPagesAndNarrows(t *testing.T) {
	w := newWorld(t)
	d := w.desk("county-1", "county")
	if err := d.st.ImportBenchRoster(context.Background(), 500, d.by); err != nil { // 250 officials with a tablet each, in 40 municipalities
		t.Fatal(err)
	}
	d.sync()
	c := w.login("fylke", w.viewer("fylke", "county"))
	cat := i18n.New(i18n.Bokmal)
	var names []string
	for page, want := range []string{"Viser 1–100 av 250", "Viser 101–200 av 250", "Viser 201–250 av 250"} {
		u := "/equipment"
		if page > 0 {
			u += fmt.Sprintf("?page=%d", page)
		}
		_, doc := w.get(c, u)
		if got := text(byID(doc, "holders-heading")); got != "250 enheter ute hos folkevalgte" {
			t.Fatalf("%s: heading %q", u, got)
		}
		if got := text(findClass(doc, "paging")); !strings.HasPrefix(got, want) {
			t.Fatalf("%s: %q, want %q", u, got, want)
		}
		for _, r := range rows(byID(doc, "holders")) {
			names = append(names, r[0])
		}
	}
	if len(names) != 250 || !slices.IsSortedFunc(names, cat.Compare) {
		t.Fatalf("%d devices over the pages, in name order: %v", len(names), slices.IsSortedFunc(names, cat.Compare))
	}
	_, doc := w.get(c, "/equipment?municipality=Kommune+3")
	got := rows(byID(doc, "holders"))
	if text(byID(doc, "holders-heading")) != "7 enheter ute hos folkevalgte" || len(got) != 7 {
		t.Fatalf("Kommune 3: %q, %d rows", text(byID(doc, "holders-heading")), len(got))
	}
	for _, r := range got {
		if r[1] != "Kommune 3" {
			t.Fatalf("a device of %s under Kommune 3", r[1])
		}
	}
	for q, want := range map[string]string{"oystein as 249": "Øystein Ås 249", "ås 24&municipality=Kommune+9": "Øystein Ås 249"} {
		_, doc := w.get(c, "/equipment?q="+strings.ReplaceAll(q, " ", "+"))
		if got := rows(byID(doc, "holders")); len(got) != 1 || got[0][0] != want || got[0][5] != "TAB00000249" {
			t.Fatalf("q=%s: %q", q, got)
		}
	}
	_, doc = w.get(c, "/equipment?q=zzz")
	if text(byID(doc, "holders-heading")) != "0 enheter ute hos folkevalgte" || !strings.Contains(text(doc), "Ingenting her.") {
		t.Fatalf("nothing found: %q", text(byID(doc, "holders-heading")))
	}
	// The next page keeps the filters.
	_, doc = w.get(c, "/equipment?q=%C3%B8ystein")
	next := findClass(doc, "paging")
	if !strings.Contains(renderHTML(next), "page=1") || !strings.Contains(renderHTML(next), "q=%C3%B8ystein") {
		t.Fatalf("the next page's link: %s", renderHTML(next))
	}
	// A tablet handed back at a desk leaves the list once the desk has
	// synced: the list kept between requests is not kept past a change.
	if _, err := d.st.Return(context.Background(), "TAB00000249", store.ReturnTermEnd, d.by); err != nil {
		t.Fatal(err)
	}
	d.sync()
	_, doc = w.get(c, "/equipment?q=249")
	if got := text(byID(doc, "holders-heading")); got != "0 enheter ute hos folkevalgte" {
		t.Fatalf("after the return: %q", got)
	}
	if _, doc = w.get(c, "/equipment"); text(byID(doc, "holders-heading")) != "249 enheter ute hos folkevalgte" {
		t.Fatalf("after the return: %q", text(byID(doc, "holders-heading")))
	}
}
