// Package dashboard is the read-only web dashboard that dropin serve
// serves beside the sync API: management's picture of the migration,
// per tenant, behind a viewer login that is not a station token.
//
// Its numbers come from a mirror per tenant (see Mirrors): a desk's own
// store that has pulled every event, so the overview and the chase list
// are the desks' to the row. Pages are html/template (every datum
// escaped), in the desk's catalog's languages, with a Content-Security-
// Policy that runs no inline script; the one script, embedded like the
// styles, refreshes the page's live part every few seconds.
package dashboard

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"dropin/store"
	"dropin/store/central"
	"dropin/tui/i18n"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Auth is what the dashboard asks of the central store about viewers.
type Auth interface {
	Login(ctx context.Context, name, password string) (string, central.Viewer, error)
	Session(ctx context.Context, id string) (central.Viewer, error)
	Logout(ctx context.Context, id string) error
	TenantStations(ctx context.Context, tenant string) ([]central.TenantStation, error)
}

// Options configure the dashboard.
type Options struct {
	Auth     Auth
	Mirrors  *Mirrors
	Log      *slog.Logger
	Location *time.Location   // the desks' time zone, for days and times; nil: Local
	Cutover  time.Time        // the cut-over, marked on the progress chart; zero: none
	Now      func() time.Time // nil: time.Now
	Refresh  time.Duration    // how often an open page refreshes; 0: 5 s
}

// Server serves the dashboard.
type Server struct {
	o           Options
	pages       map[string]*template.Template
	login       *template.Template
	limit       *limiter
	chases      listCache[[]store.Chase] // by language and order, until the chase list's version moves
	holderLists listCache[*holderList]   // by language, until the log moves
	batchLists  listCache[[]store.Batch]
	days        listCache[[]store.DayProgress]
}

const (
	sessionCookie = "dropin_session"
	langCookie    = "dropin_lang"
	partialHeader = "X-Dropin-Partial"
)

// New prepares the dashboard's templates.
func New(o Options) (*Server, error) {
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Refresh == 0 {
		o.Refresh = 5 * time.Second
	}
	s := &Server{o: o, pages: map[string]*template.Template{}, limit: newLimiter()}
	s.chases.version = (*store.Store).ChaseVersion
	if o.Mirrors != nil {
		o.Mirrors.changed = s.warm
	}
	base, err := template.New("layout.html").ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, err
	}
	for _, p := range navPages {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+p+".html")
		if err != nil {
			return nil, err
		}
		s.pages[p] = t
	}
	for _, p := range []string{"device", "notfound"} {
		t, err := template.Must(base.Clone()).ParseFS(templateFS, "templates/"+p+".html")
		if err != nil {
			return nil, err
		}
		s.pages[p] = t
	}
	if s.login, err = template.New("login.html").ParseFS(templateFS, "templates/login.html"); err != nil {
		return nil, err
	}
	return s, nil
}

// navPages are the pages in the menu, in its order.
var navPages = []string{"overview", "progress", "chase", "desks", "batches", "equipment"}

// Handler serves every page; anything else is 404.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /login", s.loginPage)
	mux.HandleFunc("POST /login", s.loginPost)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/overview", http.StatusSeeOther)
	})
	mux.HandleFunc("GET /overview", s.viewer(s.overview))
	mux.HandleFunc("GET /progress", s.viewer(s.progress))
	mux.HandleFunc("GET /chase", s.viewer(s.chase))
	mux.HandleFunc("GET /chase.csv", s.viewer(s.chaseFile("csv")))
	mux.HandleFunc("GET /chase.xlsx", s.viewer(s.chaseFile("xlsx")))
	mux.HandleFunc("GET /desks", s.viewer(s.desks))
	mux.HandleFunc("GET /batches", s.viewer(s.batches))
	mux.HandleFunc("GET /equipment", s.viewer(s.equipment))
	mux.HandleFunc("GET /device", s.viewer(s.deviceSearch))
	mux.HandleFunc("GET /device/{serial}", s.viewer(s.device))
	mux.HandleFunc("/", s.viewer(func(w http.ResponseWriter, r *http.Request, v *visit) {
		s.notFound(w, r, v)
	}))
	return headers(mux)
}

// headers sets what every answer carries: no script but our own file,
// no framing, no sniffing, no referrer to other sites, nothing cached.
func headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// same-origin, not no-referrer: with no-referrer a browser posts
		// our own forms with "Origin: null", which sameOrigin refuses.
		h.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// visit is one request of a logged-in viewer: who, which tenant, in
// which language.
type visit struct {
	viewer central.Viewer
	t      i18n.Catalog
	lang   i18n.Lang
}

// viewer lets a request through only with a live session, and picks its
// language.
func (s *Server) viewer(page func(http.ResponseWriter, *http.Request, *visit)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang := s.language(w, r)
		var id string
		if c, err := r.Cookie(sessionCookie); err == nil {
			id = c.Value
		}
		v, err := s.o.Auth.Session(r.Context(), id)
		if err != nil {
			if !errors.Is(err, central.ErrNoSession) {
				s.o.Log.Error("dashboard session", "err", err)
				http.Error(w, i18n.New(lang).T("web.error"), http.StatusServiceUnavailable)
				return
			}
			if r.Header.Get(partialHeader) != "" {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			next := r.URL.Path
			if r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		page(w, r, &visit{viewer: v, t: i18n.New(lang), lang: lang})
	}
}

// language is ?lang= (kept in a cookie), else the cookie, else bokmål.
func (s *Server) language(w http.ResponseWriter, r *http.Request) i18n.Lang {
	if q := r.URL.Query().Get("lang"); q != "" {
		if l, err := i18n.Parse(q); err == nil {
			http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
				HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r)})
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, err := i18n.Parse(c.Value); err == nil {
			return l
		}
	}
	return i18n.Bokmal
}

// secure says whether cookies need HTTPS: everywhere but loopback.
func secure(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	host, _, err := net.SplitHostPort(r.Host)
	if err != nil {
		host = r.Host
	}
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}

// sameOrigin refuses a form posted from another site: by the browser's
// word (Sec-Fetch-Site), else by Origin.
func sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "same-origin", "none":
		return true
	case "":
	default:
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

type loginView struct {
	t     i18n.Catalog
	Lang  string
	Next  string
	Name  string
	Error string
	Langs []langLink
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	lang := s.language(w, r)
	s.renderLogin(w, r, lang, "", "", http.StatusOK)
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, lang i18n.Lang, name, msg string, status int) {
	t := i18n.New(lang)
	next := r.FormValue("next")
	if !localPath(next) {
		next = "/overview"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	err := s.login.Execute(w, loginView{t: t, Lang: string(lang), Next: next, Name: name, Error: msg,
		Langs: langLinks(r, lang)})
	if err != nil {
		s.o.Log.Error("dashboard login page", "err", err)
	}
}

// T is the catalog's text for key, for the template.
func (v loginView) T(key string, args ...any) string { return v.t.T(key, args...) }

// localPath is a path on this site, never another (//host, /\host).
func localPath(p string) bool {
	return strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.HasPrefix(p, "/\\")
}

func (s *Server) loginPost(w http.ResponseWriter, r *http.Request) {
	lang := s.language(w, r)
	t := i18n.New(lang)
	if !sameOrigin(r) {
		http.Error(w, "cross-site form", http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if !s.limit.allow(clientIP(r), name) {
		s.renderLogin(w, r, lang, name, t.T("web.login.slow"), http.StatusTooManyRequests)
		return
	}
	id, v, err := s.o.Auth.Login(r.Context(), name, r.PostForm.Get("password"))
	if errors.Is(err, central.ErrBadLogin) {
		s.o.Log.Info("dashboard login refused", "name", name, "from", clientIP(r))
		s.renderLogin(w, r, lang, name, t.T("web.login.bad"), http.StatusUnauthorized)
		return
	}
	if err != nil {
		s.o.Log.Error("dashboard login", "err", err)
		http.Error(w, t.T("web.error"), http.StatusServiceUnavailable)
		return
	}
	s.o.Log.Info("dashboard login", "viewer", v.Name, "tenant", v.Tenant)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: int(central.SessionLife.Seconds()),
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r)})
	next := r.PostForm.Get("next")
	if !localPath(next) {
		next = "/overview"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if !sameOrigin(r) {
		http.Error(w, "cross-site form", http.StatusForbidden)
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.o.Auth.Logout(r.Context(), c.Value); err != nil {
			s.o.Log.Error("dashboard logout", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: secure(r)})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter slows guessing: ten tries from one address, five at one name,
// then one every few seconds.
type limiter struct {
	mu     sync.Mutex
	byIP   map[string]*rate.Limiter
	byName map[string]*rate.Limiter
}

func newLimiter() *limiter {
	return &limiter{byIP: map[string]*rate.Limiter{}, byName: map[string]*rate.Limiter{}}
}

func (l *limiter) allow(ip, name string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	get := func(m map[string]*rate.Limiter, key string, every time.Duration, burst int) *rate.Limiter {
		if len(m) > 10_000 { // a flood of names or addresses: start over
			clear(m)
		}
		lim, ok := m[key]
		if !ok {
			lim = rate.NewLimiter(rate.Every(every), burst)
			m[key] = lim
		}
		return lim
	}
	a, b := get(l.byIP, ip, 6*time.Second, 10), get(l.byName, strings.ToLower(name), 12*time.Second, 5)
	return a.Allow() && b.Allow()
}
