package dashboard

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"dropin/scan"
	"dropin/store"
	"dropin/store/export"
	"dropin/tui/i18n"
)

// view is what the layout draws around a page.
type view struct {
	t       i18n.Catalog
	Lang    string
	Langs   []langLink
	Nav     []navLink
	Title   string
	Viewer  string
	Tenant  string
	Updated string
	Refresh int // milliseconds
	Data    any
}

// T is the catalog's text for key, for the templates.
func (v view) T(key string, args ...any) string { return v.t.T(key, args...) }

type langLink struct {
	Code, Name, URL string
	Active          bool
}

type navLink struct {
	URL, Label string
	Active     bool
}

var langNames = []struct {
	lang i18n.Lang
	name string
}{{i18n.Bokmal, "Bokmål"}, {i18n.Swedish, "Svenska"}, {i18n.English, "English"}}

// langLinks are the page itself in each language, its filters kept.
func langLinks(r *http.Request, cur i18n.Lang) []langLink {
	var out []langLink
	for _, l := range langNames {
		q := r.URL.Query()
		q.Set("lang", string(l.lang))
		out = append(out, langLink{Code: string(l.lang), Name: l.name, URL: r.URL.Path + "?" + q.Encode(), Active: l.lang == cur})
	}
	return out
}

// render draws a page, or only its live part for the page's own refresh.
func (s *Server) render(w http.ResponseWriter, r *http.Request, v *visit, name string, status int, data any) {
	title := v.t.T("web.nav." + name)
	if name == "notfound" {
		title = v.t.T("web.notfound")
	}
	nav := make([]navLink, 0, len(navPages)+1)
	for _, p := range append(navPages, "device") {
		nav = append(nav, navLink{URL: "/" + p, Label: v.t.T("web.nav." + p), Active: p == name})
	}
	vw := view{t: v.t, Lang: string(v.lang), Langs: langLinks(r, v.lang), Nav: nav, Title: title,
		Viewer: v.viewer.Name, Tenant: v.viewer.Tenant,
		Updated: v.t.T("web.updated", s.o.Now().In(s.o.Location).Format("15:04:05")),
		Refresh: int(s.o.Refresh / time.Millisecond), Data: data}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	tpl, which := s.pages[name], "layout.html"
	if r.Header.Get(partialHeader) != "" {
		which = "live"
	}
	if err := tpl.ExecuteTemplate(w, which, vw); err != nil {
		s.o.Log.Error("dashboard page", "page", name, "err", err)
	}
}

// mirror is the viewer's tenant's store, caught up; on failure the
// answer is written and nil returned.
func (s *Server) mirror(w http.ResponseWriter, r *http.Request, v *visit) *store.Store {
	st, err := s.o.Mirrors.Store(r.Context(), v.viewer.Tenant)
	if err != nil {
		s.fail(w, r, v, err)
		return nil
	}
	return st
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	if r.Context().Err() != nil {
		return // the browser went away
	}
	s.o.Log.Error("dashboard", "path", r.URL.Path, "tenant", v.viewer.Tenant, "err", err)
	http.Error(w, v.t.T("web.error"), http.StatusServiceUnavailable)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request, v *visit) {
	s.render(w, r, v, "notfound", http.StatusNotFound, nil)
}

// ---- Overview

type coverageRow struct {
	Name    string
	Body    bool
	Percent int
	Counts  []int
}

type colHead struct{ Short, Long string }

type overviewData struct {
	Heading string
	Total   string
	Cols    []colHead
	Lines   []coverageRow
	Sum     coverageRow
}

func coverageLine(t i18n.Catalog, l store.Coverage) coverageRow {
	row := coverageRow{Name: scan.Clean(l.Municipality), Percent: store.Percent(l.Collected(), l.Total())}
	if l.Body != "" {
		row.Name, row.Body = scan.Clean(l.Body), true
	}
	if row.Name == "" {
		row.Name = t.T("overview.nomunicipality")
	}
	for _, c := range store.OverviewColumns {
		row.Counts = append(row.Counts, l.Column(c))
	}
	return row
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, v *visit) {
	st := s.mirror(w, r, v)
	if st == nil {
		return
	}
	lines, total, err := st.Coverage(r.Context())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	t := v.t
	store.SortCoverage(lines, t.Compare)
	d := overviewData{Heading: t.T("overview.coverage"),
		Total: t.T("overview.total", total.Collected(), total.Total(), store.Percent(total.Collected(), total.Total())),
		Sum:   coverageLine(t, total)}
	d.Sum.Name = ""
	for _, c := range store.OverviewColumns {
		d.Cols = append(d.Cols, colHead{Short: t.T("overview.col." + string(c)), Long: t.Status(c)})
	}
	for _, l := range lines {
		d.Lines = append(d.Lines, coverageLine(t, l))
	}
	s.render(w, r, v, "overview", http.StatusOK, d)
}

// ---- To chase

const chasePage = 100

type option struct {
	Value, Label string
	Selected     bool
}

// chaseRow is one official to chase, as shown: every field cleaned of
// control characters and terminal escapes (html/template escapes the rest).
type chaseRow struct {
	Name, Municipality, Bodies, Phone, Serial string
	Email                                     address
	Reminded                                  string // "påminnet 2 ganger, sist 3.4."
}

// address is an e-mail address as shown: a narrow column breaks it
// before its @ (the page offers the break there), not mid-word.
type address string

// User is the address up to its @; Domain the @ and what follows.
func (a address) User() string {
	if i := strings.LastIndexByte(string(a), '@'); i > 0 {
		return string(a[:i])
	}
	return string(a)
}

func (a address) Domain() string { return strings.TrimPrefix(string(a), a.User()) }

type chaseData struct {
	Heading                string
	Query                  string
	Municipalities, Bodies []option
	Sorts                  []option
	Rows                   []chaseRow
	Shown                  string
	Prev, Next, CSV, Excel string
	Empty                  bool
}

// chaseFilter reads the list's filters from the query, as the desk's keys
// set them.
func chaseFilter(q url.Values) store.ChaseFilter {
	f := store.ChaseFilter{Municipality: q.Get("municipality"), Body: q.Get("body"), Query: q.Get("q"), Sort: q.Get("sort")}
	valid := false
	for _, s := range store.ChaseSorts {
		valid = valid || s == f.Sort
	}
	if !valid {
		f.Sort = store.ChaseSorts[0]
	}
	return f
}

func (s *Server) chaseList(w http.ResponseWriter, r *http.Request, v *visit) ([]store.Chase, []store.Coverage, store.ChaseFilter, bool) {
	st := s.mirror(w, r, v)
	if st == nil {
		return nil, nil, store.ChaseFilter{}, false
	}
	lines, _, err := st.Coverage(r.Context())
	if err != nil {
		s.fail(w, r, v, err)
		return nil, nil, store.ChaseFilter{}, false
	}
	store.SortCoverage(lines, v.t.Compare)
	f := chaseFilter(r.URL.Query())
	sorted, err := s.chaseSorted(r.Context(), v.viewer.Tenant, st, v.t.Lang, f.Sort)
	if err != nil {
		s.fail(w, r, v, err)
		return nil, nil, store.ChaseFilter{}, false
	}
	if f.Municipality == "" && f.Body == "" && strings.TrimSpace(f.Query) == "" {
		return sorted, lines, f, true // everyone: the sorted list itself, not a copy of it
	}
	return store.MatchChase(sorted, f, nil), lines, f, true
}

// chaseSorted is the tenant's chase list in lang's order by one of
// store.ChaseSorts, sorted once per change of the list (its own version,
// store.ChaseVersion): a county's names are not sorted on every request,
// only matched.
func (s *Server) chaseSorted(ctx context.Context, tenant string, st *store.Store, lang i18n.Lang, by string) ([]store.Chase, error) {
	return s.chases.get(ctx, tenant, string(lang)+"/"+by, st, func() ([]store.Chase, error) {
		list, err := st.Outstanding(ctx)
		if err != nil {
			return nil, err
		}
		store.SortChase(list, by, i18n.NewKeys(lang).Key)
		return list, nil
	})
}

func (s *Server) chase(w http.ResponseWriter, r *http.Request, v *visit) {
	list, lines, f, ok := s.chaseList(w, r, v)
	if !ok {
		return
	}
	t := v.t
	d := chaseData{Heading: t.T("overview.chase", len(list)), Query: f.Query, Empty: len(list) == 0}
	d.Municipalities = append(d.Municipalities, option{Value: "", Label: t.T("overview.all"), Selected: f.Municipality == ""})
	for _, m := range store.CoverageMunicipalities(lines) {
		d.Municipalities = append(d.Municipalities, option{Value: m, Label: scan.Clean(m), Selected: m == f.Municipality})
	}
	d.Bodies = append(d.Bodies, option{Value: "", Label: t.T("overview.all"), Selected: f.Body == ""})
	for _, b := range store.CoverageBodies(lines, f.Municipality, t.Compare) {
		d.Bodies = append(d.Bodies, option{Value: b, Label: scan.Clean(b), Selected: b == f.Body})
	}
	for _, so := range store.ChaseSorts {
		d.Sorts = append(d.Sorts, option{Value: so, Label: t.T("overview.sort." + so), Selected: so == f.Sort})
	}
	pg := paged(r, t, "/chase", len(list), chasePage)
	for _, c := range list[pg.from:pg.to] {
		d.Rows = append(d.Rows, chaseRow{Name: scan.Clean(c.Name), Municipality: scan.Clean(c.Municipality), Bodies: scan.Clean(c.Bodies()),
			Phone: scan.Clean(store.PhoneText(c.Phone)), Email: address(scan.Clean(c.Email)), Serial: c.Serial, Reminded: t.Reminded(c.Reminded, c.RemindedAt.In(s.o.Location))})
	}
	d.Shown, d.Prev, d.Next = pg.shown, pg.prev, pg.next
	d.CSV, d.Excel = pageLink(r, "/chase.csv", 0), pageLink(r, "/chase.xlsx", 0)
	s.render(w, r, v, "chase", http.StatusOK, d)
}

// page is one page of a list of n rows: the rows from and to, what it
// shows in words ("Viser 101–200 av 250"; "" for an empty list), and the
// links to the pages either side ("" where there is none).
type page struct {
	from, to          int
	shown, prev, next string
}

// paged is the page the request asks for (?page=, 0 the first, a page
// past the last the last) of n rows, size to a page, at path.
func paged(r *http.Request, t i18n.Catalog, path string, n, size int) page {
	no, _ := strconv.Atoi(r.URL.Query().Get("page"))
	no = max(0, min(no, (n-1)/size))
	pg := page{from: no * size, to: min(n, (no+1)*size)}
	if n > 0 {
		pg.shown = t.T("web.chase.page", pg.from+1, pg.to, n)
	}
	if no > 0 {
		pg.prev = pageLink(r, path, no-1)
	}
	if pg.to < n {
		pg.next = pageLink(r, path, no+1)
	}
	return pg
}

// pageLink is path with the request's filters and page (0: the first,
// left out); the language is the session's, not the link's.
func pageLink(r *http.Request, path string, page int) string {
	q := r.URL.Query()
	q.Del("lang")
	q.Del("page")
	if page > 0 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// ---- Desks

type deskRow struct {
	Name, LastSync, Staff string
	Commands              string // what commands run without --staff did
	Refused               string // its sync refused today, when and why, in words
	Revoked               bool
	Events                int
}

// desksData is the desks page: each desk's day, and where desks have
// disagreed about a device.
type desksData struct {
	Desks     []deskRow
	Conflicts []conflictRow
}

type conflictRow struct {
	Serial, URL, Text string
}

func (s *Server) desks(w http.ResponseWriter, r *http.Request, v *visit) {
	st := s.mirror(w, r, v)
	if st == nil {
		return
	}
	stations, err := s.o.Auth.TenantStations(r.Context(), v.viewer.Tenant)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	since := midnight(s.o.Now(), s.o.Location)
	today, err := st.StationsSince(r.Context(), since)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	var rows []deskRow
	for _, sn := range stations {
		d := today[sn.Name]
		// People by their initials; what commands did without --staff
		// (an import, a file of batch reads) in words, after them.
		var people, commands []string
		for _, a := range d.Staff {
			if store.IsCommand(a) {
				commands = append(commands, v.t.T("web.desks.cmd."+a))
			} else {
				people = append(people, a)
			}
		}
		row := deskRow{Name: scan.Clean(sn.Name), Revoked: sn.Revoked, Events: d.Events, Staff: scan.Clean(strings.Join(people, ", ")), LastSync: v.t.T("web.desks.never")}
		if commands != nil {
			row.Commands = v.t.T("web.desks.commands", strings.Join(commands, ", "))
		}
		if !sn.LastSync.IsZero() {
			row.LastSync = v.t.DateTime(sn.LastSync.In(s.o.Location))
		}
		if at := sn.RefusedAt.In(s.o.Location); sn.Refused != "" && !at.Before(since) {
			// What the refused desk says on its own screen, for IT, who
			// does not sit at it: today's, as the rest of the row.
			row.Refused = v.t.T("web.desks.refused."+sn.Refused, v.t.DateTime(at))
		}
		rows = append(rows, row)
	}
	conflicts, err := st.Conflicts(r.Context())
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	data := desksData{Desks: rows}
	for _, cf := range conflicts {
		data.Conflicts = append(data.Conflicts, conflictRow{Serial: scan.Clean(cf.Serial), URL: "/device/" + url.PathEscape(cf.Serial),
			Text: scan.Clean(v.t.Conflict(cf, s.o.Location))})
	}
	s.render(w, r, v, "desks", http.StatusOK, data)
}

// ---- Batches

type batchRow struct {
	Name, Opened, ITDate, Body, Collected, State string
	Others, Unknown                              int
	Closed                                       bool
}

func (s *Server) batches(w http.ResponseWriter, r *http.Request, v *visit) {
	st := s.mirror(w, r, v)
	if st == nil {
		return
	}
	list, err := s.batchList(r.Context(), v.viewer.Tenant, st)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	t := v.t
	var rows []batchRow
	for _, b := range list {
		row := batchRow{Name: scan.Clean(b.Name), Opened: t.DateTime(b.Opened.In(s.o.Location)), ITDate: scan.Clean(b.ITDate), Body: scan.Clean(b.Scope()),
			Collected: fmt.Sprintf("%d / %d (%d %%)", b.Collected, b.Expected, store.Percent(b.Collected, b.Expected)),
			Others:    b.Others(), Unknown: b.Unknown, Closed: b.Closed, State: t.T("web.batches.open")}
		if b.Scope() == "" {
			row.Body = t.T("overview.all")
		}
		if b.Closed {
			row.State = t.T("web.batches.closed")
		}
		rows = append(rows, row)
	}
	s.render(w, r, v, "batches", http.StatusOK, rows)
}

// ---- Equipment

// holdersPage is how many devices a page of the term-end list shows: a
// county's 100,000 in one page would be a document no browser wants.
const holdersPage = 100

type holderRow struct {
	Name, Municipality, Bodies, Phone, Device, Serial, Model, Custody, Since string
}

// equipmentData is the term-end list: who holds what, narrowed to a
// municipality and the names holding every word searched, a page at a
// time.
type equipmentData struct {
	Heading        string
	Query          string
	Municipalities []option
	Rows           []holderRow
	None           bool // no device is out with anyone
	Shown          string
	Prev, Next     string
}

func (s *Server) equipment(w http.ResponseWriter, r *http.Request, v *visit) {
	st := s.mirror(w, r, v)
	if st == nil {
		return
	}
	list, err := s.holders(r.Context(), v.viewer.Tenant, st, v.t.Lang)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	t, q := v.t, r.URL.Query()
	mun := q.Get("municipality")
	d := equipmentData{Query: q.Get("q"), None: len(list.rows) == 0}
	d.Municipalities = append(d.Municipalities, option{Value: "", Label: t.T("overview.all"), Selected: mun == ""})
	for _, m := range list.municipalities {
		d.Municipalities = append(d.Municipalities, option{Value: m, Label: scan.Clean(m), Selected: m == mun})
	}
	words := store.NewNameQuery(d.Query)
	var shown []int
	in := 0
	for i := range list.rows {
		if (mun == "" || list.rows[i].Municipality == mun) && words.Matches(list.folds[i]) {
			shown = append(shown, i)
			if list.in[i] {
				in++
			}
		}
	}
	d.Heading = t.Holders(len(shown), in, false)
	pg := paged(r, t, "/equipment", len(shown), holdersPage)
	for _, i := range shown[pg.from:pg.to] {
		h := list.rows[i]
		d.Rows = append(d.Rows, holderRow{Name: scan.Clean(h.Official), Municipality: scan.Clean(h.Municipality), Bodies: scan.Clean(store.SeatsText(h.Seats)),
			Phone: scan.Clean(store.PhoneText(h.Phone)), Device: t.Device(h.Kind), Serial: h.Serial, Model: scan.Clean(h.Model),
			Custody: t.Holding(h), Since: t.Date(h.Since.In(s.o.Location))})
	}
	d.Shown, d.Prev, d.Next = pg.shown, pg.prev, pg.next
	s.render(w, r, v, "equipment", http.StatusOK, d)
}

// listCache keeps a value per tenant and key (a language, an order) until
// the tenant's version moves: by default its log's head (store.LogHead,
// one look-up), for the chase list the list's own version. A page that
// refreshes itself every few seconds works out a county's list once per
// change, not once per refresh. Warmed when a mirror takes in events.
type listCache[T any] struct {
	version func(*store.Store, context.Context) (int64, error) // nil: (*store.Store).LogHead
	mu      sync.Mutex
	tenants map[string]*listEntry[T]
}

type listEntry[T any] struct {
	version int64
	vals    map[string]T
}

// get is the tenant's value for key, made by make when the version moved
// since it was made, or it never was.
func (c *listCache[T]) get(ctx context.Context, tenant, key string, st *store.Store, make func() (T, error)) (T, error) {
	var zero T
	versionOf := c.version
	if versionOf == nil {
		versionOf = (*store.Store).LogHead
	}
	version, err := versionOf(st, ctx)
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	if e := c.tenants[tenant]; e != nil && e.version == version {
		if v, ok := e.vals[key]; ok {
			c.mu.Unlock()
			return v, nil
		}
	}
	c.mu.Unlock()
	v, err := make()
	if err != nil {
		return zero, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.tenants == nil {
		c.tenants = map[string]*listEntry[T]{}
	}
	e := c.tenants[tenant]
	if e == nil || e.version != version {
		e = &listEntry[T]{version: version, vals: map[string]T{}}
		c.tenants[tenant] = e
	}
	e.vals[key] = v
	return v, nil
}

// keys are the keys a tenant's values were asked for, to warm again.
func (c *listCache[T]) keys(tenant string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	if e := c.tenants[tenant]; e != nil {
		for k := range e.vals {
			out = append(out, k)
		}
	}
	return out
}

// holderList is the holders in one language's name order, each name
// folded for the search, and their municipalities in that order.
type holderList struct {
	rows           []store.Holding
	folds          []string
	in             []bool // in for its upgrade: read once, not from each row at every request
	municipalities []string
}

// holders is the tenant's term-end list in lang's order, read and sorted
// once per change of its log: a county's 100,000 take a second to read.
func (s *Server) holders(ctx context.Context, tenant string, st *store.Store, lang i18n.Lang) (*holderList, error) {
	return s.holderLists.get(ctx, tenant, string(lang), st, func() (*holderList, error) {
		hs, err := st.Holders(ctx)
		if err != nil {
			return nil, err
		}
		key := i18n.NewKeys(lang).Key
		hs = store.HoldersInOrder(hs, key)
		l := &holderList{rows: hs, folds: make([]string, len(hs)), in: make([]bool, len(hs))}
		seen := map[string]bool{"": true}
		for i, h := range hs {
			l.folds[i], l.in[i] = store.Fold(h.Official), h.HandedIn()
			if !seen[h.Municipality] {
				seen[h.Municipality] = true
				l.municipalities = append(l.municipalities, h.Municipality)
			}
		}
		l.municipalities = store.InKeyOrder(l.municipalities, key)
		return l, nil
	})
}

// batchList is the tenant's batches with their counts, read once per
// change of its log: each of a county's 160 batches counts its reads
// against the roster (1.5 s in all).
func (s *Server) batchList(ctx context.Context, tenant string, st *store.Store) ([]store.Batch, error) {
	return s.batchLists.get(ctx, tenant, "", st, func() ([]store.Batch, error) { return st.Batches(ctx) })
}

// progressDays is the tenant's marks day by day, read once per change of
// its log: a county's million events, not at every refresh of the chart.
func (s *Server) progressDays(ctx context.Context, tenant string, st *store.Store) ([]store.DayProgress, error) {
	return s.days.get(ctx, tenant, "", st, func() ([]store.DayProgress, error) { return st.Progress(ctx, s.o.Location) })
}

// warm makes again, after a tenant's mirror took in events, the lists
// viewers asked for before: the next page finds them ready instead of
// working out a county's list while the viewer waits.
func (s *Server) warm(ctx context.Context, tenant string, st *store.Store) {
	for _, k := range s.chases.keys(tenant) {
		lang, by, _ := strings.Cut(k, "/")
		if _, err := s.chaseSorted(ctx, tenant, st, i18n.Lang(lang), by); err != nil {
			return
		}
	}
	for _, lang := range s.holderLists.keys(tenant) {
		if _, err := s.holders(ctx, tenant, st, i18n.Lang(lang)); err != nil {
			return
		}
	}
	if len(s.batchLists.keys(tenant)) > 0 {
		if _, err := s.batchList(ctx, tenant, st); err != nil {
			return
		}
	}
	if len(s.days.keys(tenant)) > 0 {
		s.progressDays(ctx, tenant, st)
	}
}

// ---- A tablet

type deviceData struct {
	Query   string
	Heading string
	Found   []foundRow
	None    string
	Card    *cardView
}

type foundRow struct {
	Name, Municipality, Serial, Model, Status, URL string
}

type cardView struct {
	Serial, Model, Status, Kind           string
	Official, Municipality, Bodies, Phone string
	Email                                 address
	Conflicts                             []string // desks that disagreed about it, in words
	Timeline                              []entryRow
}

type entryRow struct {
	At, What, Who string
	Undone        bool
}

// exists says whether this tenant's log knows the tablet at all.
func exists(c store.Card) bool { return c.Device.Known || len(c.Timeline) > 0 }

// deviceSearch finds a tablet by serial, or officials' tablets by name.
func (s *Server) deviceSearch(w http.ResponseWriter, r *http.Request, v *visit) {
	st := s.mirror(w, r, v)
	if st == nil {
		return
	}
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	d := deviceData{Query: q}
	if q == "" {
		s.render(w, r, v, "device", http.StatusOK, d)
		return
	}
	ctx, t := r.Context(), v.t
	if serial, err := scan.Parse(q); err == nil {
		if c, err := st.Card(ctx, serial); err == nil && exists(c) {
			http.Redirect(w, r, "/device/"+url.PathEscape(serial), http.StatusSeeOther)
			return
		}
	}
	seen := map[string]bool{}
	found := func(c store.Card) {
		if seen[c.Device.Serial] {
			return
		}
		seen[c.Device.Serial] = true
		row := foundRow{Serial: c.Device.Serial, Model: scan.Clean(c.Device.Model), Status: t.Status(c.Device.Status), URL: "/device/" + url.PathEscape(c.Device.Serial)}
		if o := c.Official; o != nil {
			row.Name, row.Municipality = scan.Clean(o.Name), scan.Clean(o.Municipality)
		}
		d.Found = append(d.Found, row)
	}
	// The beginning of a serial (three characters or more, one word):
	// the tablets whose serial begins so.
	if prefix, ok := scan.Prefix(q); ok {
		serials, err := st.SerialsFrom(ctx, prefix, 20)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		for _, serial := range serials {
			if c, err := st.Card(ctx, serial); err == nil {
				found(c)
			}
		}
	}
	officials, err := st.SearchOfficialsBy(ctx, q, 20, i18n.NewKeys(t.Lang).Key)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	for _, o := range officials {
		devs, err := st.DevicesOf(ctx, o.ID)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		for _, h := range devs {
			if c, err := st.Card(ctx, h.Serial); err == nil {
				found(c)
			}
		}
	}
	d.Heading = t.T("web.device.results", scan.Clean(q))
	if len(d.Found) == 0 {
		d.None = t.T("web.device.none", scan.Clean(q))
	}
	s.render(w, r, v, "device", http.StatusOK, d)
}

// device is one tablet's card and its timeline from every desk. A serial
// this tenant does not have is "not found", whoever else has it.
func (s *Server) device(w http.ResponseWriter, r *http.Request, v *visit) {
	st := s.mirror(w, r, v)
	if st == nil {
		return
	}
	// A serial this tenant does not have (mistyped in an address, or
	// another tenant's) is said to be none, on the search page with the
	// serial in its field, answered 404.
	noSuch := func(serial string) {
		serial = scan.Clean(serial)
		s.render(w, r, v, "device", http.StatusNotFound, &deviceData{Query: serial, None: v.t.T("web.device.noserial", serial)})
	}
	serial, err := scan.Parse(r.PathValue("serial"))
	if err != nil {
		noSuch(r.PathValue("serial"))
		return
	}
	c, err := st.Card(r.Context(), serial)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	if !exists(c) {
		noSuch(serial)
		return
	}
	t := v.t
	cv := &cardView{Serial: c.Device.Serial, Model: scan.Clean(c.Device.Model), Status: t.Status(c.Device.Status), Kind: t.Device(c.Device.Kind)}
	if o := c.Official; o != nil {
		cv.Official, cv.Municipality, cv.Bodies = scan.Clean(o.Name), scan.Clean(o.Municipality), scan.Clean(store.SeatsText(o.Seats))
		cv.Phone, cv.Email = scan.Clean(store.PhoneText(o.Phone)), address(scan.Clean(o.EmailPrimary))
	}
	for _, cf := range c.Conflicts {
		cv.Conflicts = append(cv.Conflicts, scan.Clean(t.Conflict(cf, s.o.Location)))
	}
	for i := len(c.Timeline) - 1; i >= 0; i-- { // newest first
		e := c.Timeline[i]
		cv.Timeline = append(cv.Timeline, entryRow{At: t.DateTime(e.At.In(s.o.Location)), What: scan.Clean(t.Entry(e)),
			Who: scan.Clean(e.Staff + " · " + e.Station), Undone: e.Undone})
	}
	s.render(w, r, v, "device", http.StatusOK, deviceData{Card: cv})
}

// chaseFile is the chase list as filtered, as the desk's exports write
// it: CSV, or an Excel workbook.
func (s *Server) chaseFile(kind string) func(http.ResponseWriter, *http.Request, *visit) {
	return func(w http.ResponseWriter, r *http.Request, v *visit) {
		list, _, _, ok := s.chaseList(w, r, v)
		if !ok {
			return
		}
		t := v.t
		table := export.OutstandingOf(func(key string) string { return t.T(key) }, list)
		name := t.T("file.outstanding") + "-" + s.o.Now().In(s.o.Location).Format("2006-01-02") + "." + kind
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		var err error
		if kind == "csv" {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			err = export.WriteCSV(w, table)
		} else {
			w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
			err = export.WriteXLSX(w, export.Format{Location: s.o.Location, DateTime: t.SheetDateTime()}, table)
		}
		if err != nil && r.Context().Err() == nil {
			s.o.Log.Error("dashboard export", "err", err)
		}
	}
}
