package dashboard

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"dropin/store"
	"dropin/store/central"
	"dropin/store/central/pgtest"
)

// The dashboard's tests run the real thing: a central store on
// PostgreSQL, desks (each its own SQLite store) that sync with it over
// the sync API, and the dashboard beside it in the same server.

func newDatabase(t testing.TB) string { return pgtest.NewDatabase(t) }

var oslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		panic(err)
	}
	return l
}()

type world struct {
	t       testing.TB
	c       *central.Central
	mirrors *Mirrors
	srv     *httptest.Server
	url     string
}

type desk struct {
	st    *store.Store
	token string
	by    store.Actor
	w     *world
}

// newWorld starts a central store and a server with the sync API and the
// dashboard, as dropin serve mounts them.
func newWorld(t testing.TB) *world {
	t.Helper()
	c, err := central.Open(context.Background(), newDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	w := &world{t: t, c: c, mirrors: NewMirrors(filepath.Join(t.TempDir(), "mirror"), c, nil)}
	t.Cleanup(w.mirrors.Close)
	// The cut-over is tomorrow afternoon, as on a migration's last day:
	// on the chart, the desks' work of today, then the cut-over.
	y, m, d := time.Now().In(oslo).AddDate(0, 0, 1).Date()
	dash, err := New(Options{Auth: c, Mirrors: w.mirrors, Location: oslo,
		Cutover: time.Date(y, m, d, 15, 30, 0, 0, oslo), Refresh: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", central.Handler(c, slog.New(slog.DiscardHandler)))
	mux.Handle("/", dash.Handler())
	w.srv = httptest.NewServer(mux)
	t.Cleanup(w.srv.Close)
	w.url = w.srv.URL
	return w
}

func (w *world) desk(name, tenant string) *desk {
	t := w.t
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	token, err := w.c.AddStation(context.Background(), name, tenant)
	if err != nil {
		t.Fatal(err)
	}
	return &desk{st: st, token: token, by: store.Actor{Station: name, Staff: "KN"}, w: w}
}

// sync pushes and pulls until the desk and the central store agree.
func (d *desk) sync() {
	d.w.t.Helper()
	if _, err := d.st.Sync(context.Background(), d.w.url, d.token, nil); err != nil {
		d.w.t.Fatal(err)
	}
}

func (w *world) viewer(name, tenant string) string {
	w.t.Helper()
	pw, err := w.c.AddViewer(context.Background(), name, tenant)
	if err != nil {
		w.t.Fatal(err)
	}
	return pw
}

// browser is a client with cookies that does not follow redirects, so a
// test sees each answer.
func (w *world) browser() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// login logs a browser in and fails the test if it is refused.
func (w *world) login(name, password string) *http.Client {
	w.t.Helper()
	c := w.browser()
	resp := w.post(c, "/login", url.Values{"name": {name}, "password": {password}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/overview" {
		w.t.Fatalf("login %s: %s", name, resp.Status)
	}
	return c
}

func (w *world) post(c *http.Client, path string, form url.Values) *http.Response {
	w.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, w.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", w.url)
	resp, err := c.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// get fetches a page and parses it.
func (w *world) get(c *http.Client, path string) (*http.Response, *html.Node) {
	w.t.Helper()
	resp, err := c.Get(w.url + path)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	doc, err := html.Parse(resp.Body)
	if err != nil {
		w.t.Fatal(err)
	}
	return resp, doc
}

// byID finds an element by its id.
func byID(n *html.Node, id string) *html.Node {
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "id" && a.Val == id {
				return n
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := byID(c, id); f != nil {
			return f
		}
	}
	return nil
}

// findClass is the first element under n with class among its classes.
func findClass(n *html.Node, class string) *html.Node {
	if n.Type == html.ElementNode {
		for _, a := range n.Attr {
			if a.Key == "class" && slices.Contains(strings.Fields(a.Val), class) {
				return n
			}
		}
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if f := findClass(c, class); f != nil {
			return f
		}
	}
	return nil
}

// renderHTML is n written back as HTML ("" for none).
func renderHTML(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	html.Render(&b, n)
	return b.String()
}

// text is an element's text as a browser shows it, spaces folded.
func text(n *html.Node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

// rows is a table's body rows, a cell's text each.
func rows(table *html.Node) [][]string {
	var out [][]string
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, inBody bool) {
		if n.Type == html.ElementNode && n.Data == "tbody" {
			inBody = true
		}
		if inBody && n.Type == html.ElementNode && n.Data == "tr" {
			var row []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "td" || c.Data == "th") {
					row = append(row, text(c))
				}
			}
			out = append(out, row)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inBody)
		}
	}
	if table != nil {
		walk(table, false)
	}
	return out
}

// levanger is a tenant's desk with the secretariat's roster, a batch of
// the pile collected in bulk, and a few tablets further along.
func levanger(w *world, name, tenant string) *desk {
	w.t.Helper()
	ctx := context.Background()
	d := w.desk(name, tenant)
	if _, _, err := d.st.ImportFile(ctx, "../../testdata/roster-levanger.csv", d.by, false); err != nil {
		w.t.Fatal(err)
	}
	raw, err := os.ReadFile("../../testdata/scans-batch1.txt")
	if err != nil {
		w.t.Fatal(err)
	}
	b, err := d.st.OpenBatch(ctx, store.BatchSpec{Name: "Kommunestyret, 2. april", ITDate: "4. april"}, d.by)
	if err != nil {
		w.t.Fatal(err)
	}
	if _, err := d.st.ReadBatch(ctx, b.ID, strings.Split(strings.TrimSpace(string(raw)), "\n"), d.by); err != nil {
		w.t.Fatal(err)
	}
	for _, serial := range []string{"R52NXYGSKYS", "TJYHCY68QHGJ"} {
		d.st.CheckIn(ctx, serial, d.by)
		d.step(serial, store.KindUpgrading, store.KindUpgraded)
	}
	d.step("R52NXYGSKYS", store.KindFirstLogin)
	return d
}

func (d *desk) step(serial string, kinds ...store.Kind) {
	d.w.t.Helper()
	for _, k := range kinds {
		in := store.Input{}
		if k == store.KindFirstLogin {
			in.Checklist = store.Checklist
		}
		if _, err := d.st.Step(context.Background(), serial, k, in, d.by); err != nil {
			d.w.t.Fatalf("%s %s: %v", serial, k, err)
		}
	}
}
