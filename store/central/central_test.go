package central_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"dropin/receipt"
	stationreceipts "dropin/receipt/station"
	"dropin/store"
	"dropin/store/central"
	"dropin/store/central/pgtest"
	"dropin/store/wire"
)

func testDSN() string { return pgtest.DSN() }

// newCentral makes a fresh central store for one test, and drops it after.
func newCentral(t testing.TB) *central.Central {
	t.Helper()
	c, err := central.Open(context.Background(), pgtest.NewStoreDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

func newDatabase(t testing.TB) string { return pgtest.NewDatabase(t) }

func serve(t testing.TB, c *central.Central) string {
	srv := httptest.NewServer(central.Handler(c, slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return srv.URL
}

type station struct {
	name  string
	st    *store.Store
	token string
	by    store.Actor
}

func newStation(t testing.TB, c *central.Central, name, tenant string) *station {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), name+".db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	token, err := c.AddStation(context.Background(), name, tenant)
	if err != nil {
		t.Fatal(err)
	}
	return &station{name: name, st: st, token: token, by: store.Actor{Station: name, Staff: "T"}}
}

// faulty is a transport that drops requests, drops answers after the
// server has acted on them, and delivers requests twice.
type faulty struct {
	rng *rand.Rand
}

var errDropped = errors.New("dropped by the faulty transport")

func (f faulty) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		body, _ = io.ReadAll(req.Body)
	}
	send := func() (*http.Response, error) {
		r := req.Clone(req.Context())
		r.Body = io.NopCloser(bytes.NewReader(body))
		return http.DefaultTransport.RoundTrip(r)
	}
	switch f.rng.IntN(6) {
	case 0: // the request never arrives
		return nil, errDropped
	case 1: // the server acts, the answer is lost
		if resp, err := send(); err == nil {
			resp.Body.Close()
		}
		return nil, errDropped
	case 2: // delivered twice; the second answer comes back
		if resp, err := send(); err == nil {
			resp.Body.Close()
		}
	}
	return send()
}

const roster = "Navn;Kommune;Organ;Primær e-post;Nettbrett serienr\n"

func rosterOf(n int) string {
	var b strings.Builder
	b.WriteString(roster)
	for i := range n {
		fmt.Fprintf(&b, "Person %d;Levanger;Kommunestyret;p%d@levanger.kommune.no;TAB%06d\n", i, i, i)
	}
	return b.String()
}

// TestStationsConverge: three stations make random steps on shared
// tablets, syncing in random orders; once all have synced, all show the
// same state, and the central log holds every event once, numbered
// without gaps.
func TestStationsConverge(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	url := serve(t, c)
	stations := []*station{newStation(t, c, "levanger-1", "innherred"), newStation(t, c, "verdal-1", "innherred"), newStation(t, c, "sekretariat", "innherred")}
	ros, _ := store.ParseRoster(strings.NewReader(rosterOf(12)))
	if _, err := stations[0].st.Import(ctx, ros, stations[0].by, false); err != nil {
		t.Fatal(err)
	}
	sync := func(s *station) {
		t.Helper()
		if _, err := s.st.Sync(ctx, url, s.token, nil); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	for _, s := range stations {
		sync(s)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	lossy := &http.Client{Transport: faulty{rng: rng}, Timeout: 10 * time.Second}
	failures := 0
	// The secretariat's batch: its reads and bulk steps sync like any event.
	batch, err := stations[2].st.OpenBatch(ctx, store.BatchSpec{Name: "KS"}, stations[2].by)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []store.Kind{store.KindUpgrading, store.KindUpgraded, store.KindFirstLogin, store.KindHandedBack, store.KindFailed, store.KindResolved, store.KindUndo}
	reached := map[store.Status]bool{}    // what the random steps took tablets through
	visits := map[store.VisitState]bool{} // and the walk-in visits
	for range 400 {
		s := stations[rng.IntN(len(stations))]
		serial := fmt.Sprintf("TAB%06d", rng.IntN(12))
		switch r := rng.IntN(24); {
		case r == 20: // someone joins the walk-in queue at this desk
			s.st.Arrive(ctx, store.VisitInput{Name: fmt.Sprintf("Visitor %d", rng.IntN(1000)), Topic: "teams"}, s.by)
		case r == 21: // the next one is called: two desks may call the same one before they sync
			if v, err := s.st.CallNext(ctx, s.by); err == nil {
				visits[v.State] = true
			}
		case r == 22, r == 23: // a desk closes its visit, or marks a queued one as gone
			open, _ := s.st.OpenVisits(ctx)
			queue, _ := s.st.Queue(ctx)
			for _, v := range open {
				if v.Station == s.name {
					if v, _, err := s.st.CloseVisit(ctx, v.ID, store.VisitInput{Outcome: store.Solved}, s.by); err == nil {
						visits[v.State] = true
					}
					break
				}
			}
			if r == 23 && len(queue) > 0 {
				s.st.CloseVisit(ctx, queue[len(queue)-1].ID, store.VisitInput{Outcome: store.Left}, s.by)
			}
		case r < 4:
			if res, err := s.st.CheckIn(ctx, serial, s.by); err == nil {
				reached[res.Card.Device.Status] = true
			}
		case r == 4:
			stations[2].st.ReadBatch(ctx, batch.ID, []string{serial}, stations[2].by)
		case r == 5:
			stations[2].st.SentToIT(ctx, batch.ID, stations[2].by)
		default:
			k := kinds[rng.IntN(len(kinds))]
			if card, err := s.st.Step(ctx, serial, k, store.Input{Reason: "random", Checklist: store.Checklist}, s.by); err == nil {
				reached[card.Device.Status] = true
			}
		}
		if rng.IntN(4) == 0 {
			s := stations[rng.IntN(len(stations))]
			if _, err := s.st.Sync(ctx, url, s.token, lossy); err != nil {
				failures++ // expected now and then: the next round mends it
			}
		}
	}
	if failures == 0 {
		t.Fatal("the faulty transport never failed a round: it proved nothing")
	}
	for range 2 {
		for _, i := range rng.Perm(len(stations)) {
			sync(stations[i])
		}
	}
	// Every station equals a rebuild from the central log alone.
	fresh := newStation(t, c, "rebuild", "innherred")
	sync(fresh)
	want, _ := fresh.st.Fingerprint(ctx)
	for _, s := range stations {
		if got, _ := s.st.Fingerprint(ctx); got != want {
			t.Fatalf("%s differs from a rebuild from the central log", s.name)
		}
		if err := s.st.Rebuild(ctx); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.st.Fingerprint(ctx); got != want {
			t.Fatalf("%s's own rebuild differs from the central log's", s.name)
		}
	}
	for _, s := range stations {
		rep, err := s.st.Sync(ctx, url, s.token, nil)
		if err != nil || !rep.InSync || rep.Waiting != 0 {
			t.Fatalf("%s not in sync: %+v %v", s.name, rep, err)
		}
	}
	centralLog(t, c, "innherred")
	// The run proves something only if the tablets went through the
	// ladder, failures and undos (the end state alone is a matter of luck).
	if len(reached) < 4 {
		t.Fatalf("the random steps reached too few statuses to prove much: %v", reached)
	}
	// Desks stepping the same tablets offline disagree now and then: the
	// conflicts are part of what converged (the fingerprint holds them).
	if cs, _ := stations[0].st.Conflicts(ctx); len(cs) > 0 {
		t.Logf("%d disagreements between desks, told alike everywhere", len(cs))
	}
	if !visits[store.VisitOpen] || !visits[store.VisitClosed] {
		t.Fatalf("the random steps called and closed too few visits to prove much: %v", visits)
	}
	// The queue is the same at every desk, in the same order.
	queue, _ := stations[0].st.Queue(ctx)
	for _, s := range stations[1:] {
		got, _ := s.st.Queue(ctx)
		if len(got) != len(queue) {
			t.Fatalf("%s's queue has %d, %s's %d", s.name, len(got), stations[0].name, len(queue))
		}
		for i := range got {
			if got[i].ID != queue[i].ID {
				t.Fatalf("%s's queue differs at %d", s.name, i)
			}
		}
	}
}

// TestDisagreementsAreTold: a tablet failed at two desks and upgraded at a
// third, none of them having synced in between. The merge decides as
// always; every desk, and a rebuild, tells the same two disagreements,
// and a step taken after seeing the others is none.
func TestDisagreementsAreTold(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	url := serve(t, c)
	a, b, cc := newStation(t, c, "skranke-a", "innherred"), newStation(t, c, "skranke-b", "innherred"), newStation(t, c, "skranke-c", "innherred")
	ros, _ := store.ParseRoster(strings.NewReader(rosterOf(2)))
	if _, err := a.st.Import(ctx, ros, a.by, false); err != nil {
		t.Fatal(err)
	}
	sync := func(s *station) {
		t.Helper()
		if _, err := s.st.Sync(ctx, url, s.token, nil); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
	}
	for _, s := range []*station{a, b, cc} {
		sync(s)
	}
	const serial = "TAB000000"
	for _, s := range []*station{a, b, cc} {
		if _, err := s.st.CheckIn(ctx, serial, s.by); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []*station{a, b, cc} {
		sync(s)
	}
	step := func(s *station, k store.Kind) {
		t.Helper()
		if _, err := s.st.Step(ctx, serial, k, store.Input{Reason: "skjermen er knust"}, s.by); err != nil {
			t.Fatalf("%s %s: %v", s.name, k, err)
		}
	}
	step(a, store.KindFailed)
	step(b, store.KindFailed)
	step(cc, store.KindUpgrading)
	for range 2 {
		for _, s := range []*station{a, b, cc} {
			sync(s)
		}
	}
	want := map[string]bool{"skranke-a failed / skranke-c upgrading": true, "skranke-b failed / skranke-c upgrading": true}
	for _, s := range []*station{a, b, cc} {
		cs, err := s.st.Conflicts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, k := range cs {
			got[k.First.Station+" "+string(k.First.Kind)+" / "+k.Second.Station+" "+string(k.Second.Kind)] = true
		}
		if len(got) != len(want) || !got["skranke-a failed / skranke-c upgrading"] || !got["skranke-b failed / skranke-c upgrading"] {
			t.Fatalf("%s tells %v, want %v", s.name, got, want)
		}
		card, _ := s.st.Card(ctx, serial)
		if len(card.Conflicts) != 2 {
			t.Fatalf("%s's card shows %d conflicts", s.name, len(card.Conflicts))
		}
	}
	// C, having seen both failures, resolves the tablet: no new conflict.
	step(cc, store.KindResolved)
	sync(cc)
	sync(a)
	if cs, _ := a.st.Conflicts(ctx); len(cs) != 2 {
		t.Fatalf("a step taken knowingly counted as a conflict: %d", len(cs))
	}
	fa, _ := a.st.Fingerprint(ctx)
	if err := a.st.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if fb, _ := a.st.Fingerprint(ctx); fa != fb {
		t.Fatal("a rebuild tells other conflicts than the desk did")
	}
}

func TestPushIsIdempotentAndRefusesAChangedEvent(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	token, _ := c.AddStation(ctx, "a", "t1")
	station, tenant, err := c.Auth(ctx, token, "")
	if err != nil || station != "a" || tenant != "t1" {
		t.Fatalf("auth: %s %s %v", station, tenant, err)
	}
	ev := wire.Event{ID: "0190f8a0-0000-7000-8000-000000000001", Station: "a", Actor: "T", HLC: 1, Kind: "received", Subject: "TAB000001", Cycle: 1, Payload: `{"v":1}`}
	first, err := c.Push(ctx, "a", "t1", []wire.Event{ev})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.Push(ctx, "a", "t1", []wire.Event{ev}) // the answer was lost; the desk sends it again
	if err != nil || again[ev.ID] != first[ev.ID] {
		t.Fatalf("re-push: %v %v", again, err)
	}
	changed := ev
	changed.Payload = `{"v":1,"x":2}`
	if _, err := c.Push(ctx, "a", "t1", []wire.Event{changed}); err != central.ErrConflict {
		t.Fatalf("same id, other content: %v", err)
	}
	if _, err := c.Push(ctx, "a", "t1", []wire.Event{{ID: "0190f8a0-0000-7000-8000-000000000002", Station: "b", Kind: "x", Subject: "y", Payload: "{}"}}); !errors.Is(err, central.ErrForeign) {
		t.Fatalf("another station's event: %v", err)
	}
	evs, head, _ := c.Pull(ctx, "t1", 0, 100)
	if len(evs) != 1 || head != evs[0].Seq {
		t.Fatalf("the log: %d events, head %d", len(evs), head)
	}
}

func TestAuthAndBadRequests(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	url := serve(t, c)
	good, _ := c.AddStation(ctx, "a", "t1")
	other, _ := c.AddStation(ctx, "b", "t2")
	gone, _ := c.AddStation(ctx, "c", "t1")
	c.Revoke(ctx, "c")
	c.Push(ctx, "a", "t1", []wire.Event{{ID: "0190f8a0-0000-7000-8000-00000000000a", Station: "a", Actor: "T", HLC: 1, Kind: "received", Subject: "SECRET01", Payload: `{"v":1}`}})

	do := func(method, path, token, body string) (int, string) {
		req, _ := http.NewRequest(method, url+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		name, method, path, token, body string
		want                            int
	}{
		{"no token", "GET", "/v1/pull?after=0", "", "", 401},
		{"wrong token", "GET", "/v1/pull?after=0", "NOTATOKEN", "", 401},
		{"revoked token", "GET", "/v1/pull?after=0", gone, "", 401},
		{"malformed JSON", "POST", "/v1/push", good, `{"events": [`, 400},
		{"unknown field", "POST", "/v1/push", good, `{"events": [], "extra": 1}`, 400},
		{"bad cursor", "GET", "/v1/pull?after=-1", good, "", 400},
		{"oversized", "POST", "/v1/push", good, `{"events": "` + strings.Repeat("x", wire.MaxBody) + `"}`, 413},
	} {
		if code, body := do(tc.method, tc.path, tc.token, tc.body); code != tc.want || strings.Contains(body, "SECRET01") {
			t.Errorf("%s: %d %.80q, want %d and no data", tc.name, code, body, tc.want)
		}
	}
	// Another tenant sees nothing of t1's.
	if code, body := do("GET", "/v1/pull?after=0", other, ""); code != 200 || strings.Contains(body, "SECRET01") {
		t.Fatalf("another tenant: %d %s", code, body)
	}
	// And the service keeps serving.
	if code, body := do("GET", "/v1/pull?after=0", good, ""); code != 200 || !strings.Contains(body, "SECRET01") {
		t.Fatalf("after the bad requests: %d %s", code, body)
	}
	// A desk with a wrong token is told so in a way it can say.
	st, _ := store.Open(ctx, filepath.Join(t.TempDir(), "x.db"))
	defer st.Close()
	if _, err := st.Sync(ctx, url, "WRONG", nil); err != store.ErrRefused {
		t.Fatalf("sync with a wrong token: %v", err)
	}
	// Each refusal says what it is: a revoked token is not an unknown one,
	// and a database with another station's events (dropin dev seed makes
	// such) is not a token problem at all.
	if _, err := st.Sync(ctx, url, gone, nil); !errors.Is(err, store.ErrRevoked) {
		t.Fatalf("sync with a revoked token: %v", err)
	}
	if _, err := st.Register(ctx, "TAB0000009", "iPad", "", store.Actor{Station: "Skranke Ærø 2", Staff: "X"}); err != nil {
		t.Fatal(err)
	}
	// It names the token's station and the events', so the desk can say
	// which token it needs.
	_, err := st.Sync(ctx, url, good, nil)
	if fe := (*store.ForeignEventsError)(nil); !errors.Is(err, store.ErrForeignEvents) || !errors.As(err, &fe) || fe.Token != "a" || fe.Event != "Skranke Ærø 2" {
		t.Fatalf("sync of another station's events: %v", err)
	}
}

func TestSyncOverTLS(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	srv := httptest.NewTLSServer(central.Handler(c, slog.New(slog.DiscardHandler)))
	defer srv.Close()
	a, b := newStation(t, c, "a", "t"), newStation(t, c, "b", "t")
	a.st.Register(ctx, "DMPXK2ABC123", "iPad", "", a.by)
	if _, err := a.st.Sync(ctx, srv.URL, a.token, srv.Client()); err != nil {
		t.Fatal(err)
	}
	if _, err := b.st.Sync(ctx, srv.URL, b.token, srv.Client()); err != nil {
		t.Fatal(err)
	}
	if card, _ := b.st.Card(ctx, "DMPXK2ABC123"); card.Device.Status != store.Received {
		t.Fatalf("over TLS: %+v", card.Device)
	}
	// A desk that does not trust the certificate refuses to talk.
	if _, err := b.st.Sync(ctx, srv.URL, b.token, nil); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("untrusted certificate: %v", err)
	}
}

// A desk that hangs up mid-request (closed, asleep) is an expected
// disconnect: the service logs it as such, never at ERROR level.
func TestAClientThatHangsUpIsNotAnError(t *testing.T) {
	c := newCentral(t)
	token, err := c.AddStation(context.Background(), "a", "t1")
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	h := central.Handler(c, slog.New(slog.NewTextHandler(&logs, nil)))
	body := `{"events":[{"id":"0190f8a0-0000-7000-8000-000000000001","station":"a","actor":"T","hlc":1,"kind":"received","subject":"TAB000001","cycle":1,"ref":"","payload":"{\"v\":1}"}]}`
	for _, r := range []*http.Request{
		httptest.NewRequest(http.MethodPost, "/v1/push", strings.NewReader(body)),
		httptest.NewRequest(http.MethodGet, "/v1/pull?after=0", nil),
	} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // the client is gone before the service answers
		r = r.WithContext(ctx)
		r.Header.Set("Authorization", "Bearer "+token)
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if strings.Contains(logs.String(), "level=ERROR") || !strings.Contains(logs.String(), "client went away") {
		t.Fatalf("logs:\n%s", logs.String())
	}
}

// Two syncs of one station's database at once (the desk's loop and a
// dropin sync) take turns: between them every waiting event is sent once,
// and each says what it sent itself.
func TestTwoSyncsOfOneDatabaseTakeTurns(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	url := serve(t, c)
	a := newStation(t, c, "levanger-1", "innherred")
	ros, err := store.ParseRoster(strings.NewReader(rosterOf(1500)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Import(ctx, ros, a.by, false); err != nil {
		t.Fatal(err)
	}
	waiting, _ := a.st.Waiting(ctx)
	other, err := store.Open(ctx, a.st.Path())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	reps := make([]store.SyncReport, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, st := range []*store.Store{a.st, other} {
		wg.Go(func() { reps[i], errs[i] = st.Sync(ctx, url, a.token, nil) })
	}
	wg.Wait()
	if errs[0] != nil || errs[1] != nil {
		t.Fatal(errs)
	}
	if reps[0].Pushed+reps[1].Pushed != waiting || (reps[0].Pushed != waiting && reps[1].Pushed != waiting) {
		t.Fatalf("%d waited; the syncs say they sent %d and %d", waiting, reps[0].Pushed, reps[1].Pushed)
	}
}

// Under SERIALIZABLE (what CockroachDB always runs), stations pushing at
// once, one of them twice at once, lose the races the engine reports and
// retry: every event stored once, numbered 1..N without a gap.
func TestConcurrentPushesUnderSerializable(t *testing.T) {
	ctx := context.Background()
	dsn := newDatabase(t) + "&default_transaction_isolation=serializable"
	c, err := central.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	db, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var level string
	db.QueryRow(ctx, "SHOW default_transaction_isolation").Scan(&level)
	if level != "serializable" {
		t.Fatalf("the test runs at %q", level)
	}
	var stations []*station
	total := 0
	for i := range 4 {
		s := newStation(t, c, fmt.Sprintf("desk-%d", i), "innherred")
		var b strings.Builder
		b.WriteString(roster)
		for j := range 150 {
			fmt.Fprintf(&b, "Person %d-%d;Levanger;Kommunestyret;p%d-%d@levanger.kommune.no;T%d%06d\n", i, j, i, j, i, j)
		}
		ros, err := store.ParseRoster(strings.NewReader(b.String()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.st.Import(ctx, ros, s.by, false); err != nil {
			t.Fatal(err)
		}
		n, _ := s.st.Waiting(ctx)
		total += n
		stations = append(stations, s)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i, s := range append(stations, stations[0]) { // the first pushes twice at once
		evs, err := s.st.Outbox(ctx, 100_000)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]wire.Event, len(evs))
		for k, e := range evs {
			out[k] = e.Wire()
		}
		wg.Go(func() {
			for from := 0; from < len(out); from += 50 { // small pushes: many races
				if _, err := c.Push(ctx, s.name, "innherred", out[from:min(len(out), from+50)]); err != nil {
					errs <- fmt.Errorf("push %d: %w", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var n, distinct int64
	db.QueryRow(ctx, "SELECT count(*), count(DISTINCT seq) FROM events WHERE tenant = 'innherred'").Scan(&n, &distinct)
	if n != int64(total) || distinct != int64(total) {
		t.Fatalf("%d events stored at %d positions, want %d of each", n, distinct, total)
	}
}

// The service's database connections killed mid-push (pg_terminate_backend,
// as a failover or an operator does): the push fails, the desk says why
// and tries again, and in the end every event is in the central log once.
func TestConnectionsKilledMidPush(t *testing.T) {
	ctx := context.Background()
	dsn := newDatabase(t)
	c, url, a := deskWithWork(t, dsn)
	waiting, _ := a.st.Waiting(ctx)
	admin, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	stop := make(chan struct{})
	killed := make(chan int, 1)
	go func() {
		n := 0
		defer func() { killed <- n }()
		until := time.Now().Add(1500 * time.Millisecond) // then let the desk through
		for time.Now().Before(until) {
			select {
			case <-stop:
				return
			case <-time.After(15 * time.Millisecond):
			}
			var k int
			admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&k)
			n += k
		}
	}()
	failures := 0
	for range 200 {
		_, err := a.st.Sync(ctx, url, a.token, nil)
		if err == nil {
			break
		}
		// What the desk can say in words: the service answered with an error.
		if !errors.Is(err, store.ErrCentral) && !errors.Is(err, store.ErrUnreachable) {
			t.Fatalf("a push cut by the database: %v", err)
		}
		failures++
	}
	close(stop)
	if n := <-killed; n == 0 || failures == 0 {
		t.Fatalf("%d connections killed, %d syncs failed: the test proved nothing", n, failures)
	}
	if _, err := a.st.Sync(ctx, url, a.token, nil); err != nil {
		t.Fatalf("after the kills: %v", err)
	}
	if left, _ := a.st.Waiting(ctx); left != 0 {
		t.Fatalf("%d events still waiting", left)
	}
	if evs := centralLog(t, c, "innherred"); len(evs) != waiting {
		t.Fatalf("%d events centrally, %d were waiting", len(evs), waiting)
	}
}

// Ten stations step shared tablets and sync at the same time, for a
// bounded time, each in its own goroutine as ten desks would: afterwards
// every station shows what a station rebuilt from the central log shows.
func TestTenStationsAtOnce(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	url := serve(t, c)
	var stations []*station
	for i := range 10 {
		stations = append(stations, newStation(t, c, fmt.Sprintf("desk-%02d", i), "innherred"))
	}
	ros, _ := store.ParseRoster(strings.NewReader(rosterOf(40)))
	if _, err := stations[0].st.Import(ctx, ros, stations[0].by, false); err != nil {
		t.Fatal(err)
	}
	for _, s := range stations {
		if _, err := s.st.Sync(ctx, url, s.token, nil); err != nil {
			t.Fatal(err)
		}
	}
	kinds := []store.Kind{store.KindUpgrading, store.KindUpgraded, store.KindFirstLogin, store.KindHandedBack, store.KindFailed, store.KindResolved}
	// Three seconds, or until the stations have taken 50 steps between
	// them where the machine is slow (the race detector on two cores),
	// for at most a minute.
	until, limit := time.Now().Add(3*time.Second), time.Now().Add(time.Minute)
	var wg sync.WaitGroup
	steps := make([]int, len(stations))
	var taken atomic.Int64
	for i, s := range stations {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(i)))
			for now := time.Now(); now.Before(until) || taken.Load() < 50 && now.Before(limit); now = time.Now() {
				serial := fmt.Sprintf("TAB%06d", rng.IntN(40))
				if rng.IntN(3) == 0 {
					s.st.CheckIn(ctx, serial, s.by)
				} else if _, err := s.st.Step(ctx, serial, kinds[rng.IntN(len(kinds))], store.Input{Reason: "random", Checklist: store.Checklist}, s.by); err == nil {
					steps[i]++
					taken.Add(1)
				}
				if rng.IntN(5) == 0 {
					s.st.Sync(ctx, url, s.token, nil) // a failure mends at the next
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, n := range steps {
		total += n
	}
	if total < 50 {
		t.Fatalf("only %d steps in a minute: the test proved little", total)
	}
	for range 2 {
		for _, s := range stations {
			if _, err := s.st.Sync(ctx, url, s.token, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	fresh := newStation(t, c, "rebuilt", "innherred")
	if _, err := fresh.st.Sync(ctx, url, fresh.token, nil); err != nil {
		t.Fatal(err)
	}
	want, _ := fresh.st.Fingerprint(ctx)
	for _, s := range stations {
		if got, _ := s.st.Fingerprint(ctx); got != want {
			t.Fatalf("%s differs from the central log after %d steps", s.name, total)
		}
	}
}

// PostgreSQL itself stopped at once (as a crash or a power cut would) in
// the middle of a desk's pushes, and started again: while it is down the
// desk says so in words and goes on working; after, every event is in the
// central log once, numbered without gaps.
func TestPostgresStoppedMidPush(t *testing.T) {
	ctx := context.Background()
	pg := pgtest.NewServer(t)
	c, url, a := deskWithWork(t, pg.DSN())
	total, _ := a.st.Waiting(ctx)
	atCrash := -1 // how many still waited when the first sync failed
	crashed := make(chan struct{})
	// Into the pushes: PostgreSQL stops once the first push is in, as the
	// second goes out (a desk sends its next push when the last one's
	// answer is back). Watching the desk's outbox for the first answer
	// instead, the crash came too late once pushes got faster: the second
	// was in too.
	var pushes sync.Mutex
	n := 0
	hc := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/v1/push") {
			pushes.Lock()
			if n++; n == 2 {
				pg.Crash()
				close(crashed)
			}
			pushes.Unlock()
		}
		return http.DefaultTransport.RoundTrip(r)
	})}
	failures, worked := 0, 0
	for range 500 {
		_, err := a.st.Sync(ctx, url, a.token, hc)
		if err == nil {
			select {
			case <-crashed:
			default:
				continue // not crashed yet: push on
			}
			if failures > 0 {
				break
			}
			continue
		}
		if !errors.Is(err, store.ErrCentral) && !errors.Is(err, store.ErrUnreachable) {
			t.Fatalf("a push with the database down: %v", err)
		}
		if failures == 0 {
			atCrash, _ = a.st.Waiting(ctx)
		}
		failures++
		// The desk goes on working while the central store is away.
		if _, err := a.st.CheckIn(ctx, fmt.Sprintf("TAB%06d", worked), a.by); err != nil {
			t.Fatalf("a check-in with the central store down: %v", err)
		}
		worked++
		if failures == 3 {
			<-crashed // stopped for good, not only cut off
			pg.Start()
		}
	}
	<-crashed
	if failures < 3 || atCrash <= 0 || atCrash >= total {
		t.Fatalf("%d syncs failed, %d of %d waiting then: the crash missed the pushes", failures, atCrash, total)
	}
	if _, err := a.st.Sync(ctx, url, a.token, nil); err != nil {
		t.Fatalf("after the restart: %v", err)
	}
	if left, _ := a.st.Waiting(ctx); left != 0 {
		t.Fatalf("%d events still waiting", left)
	}
	evs := centralLog(t, c, "innherred")
	// Nothing lost: a desk made from the central log alone shows what the
	// desk shows, the check-ins made while the database was down included.
	fresh := newStation(t, c, "rebuild", "innherred")
	if _, err := fresh.st.Sync(ctx, url, fresh.token, nil); err != nil {
		t.Fatal(err)
	}
	fa, _ := a.st.Fingerprint(ctx)
	ff, _ := fresh.st.Fingerprint(ctx)
	if fa != ff {
		t.Fatal("the central log does not hold what the desk does")
	}
	t.Logf("crashed with %d of %d events pushed; %d syncs failed while PostgreSQL was down, %d check-ins made meanwhile; %d events centrally, once each",
		total-atCrash, total, failures, worked, len(evs))
}

// roundTrip is a function as an http.RoundTripper.
type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// deskWithWork opens the central store at dsn behind the service and a
// desk with a roster of 4,000 rows imported, its 8,000 events waiting to
// be pushed: work enough to cut a push in the middle.
func deskWithWork(t *testing.T, dsn string) (*central.Central, string, *station) {
	t.Helper()
	c, err := central.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	url := serve(t, c)
	a := newStation(t, c, "levanger-1", "innherred")
	ros, err := store.ParseRoster(strings.NewReader(rosterOf(4000)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.st.Import(context.Background(), ros, a.by, false); err != nil {
		t.Fatal(err)
	}
	return c, url, a
}

// centralLog pulls a tenant's whole central log and checks it: numbered
// 1, 2, 3, ... without a gap, every event once, the head its last number.
func centralLog(t *testing.T, c *central.Central, tenant string) []wire.Event {
	t.Helper()
	var evs []wire.Event
	var cursor, head int64
	for {
		page, h, err := c.Pull(context.Background(), tenant, cursor, wire.MaxPullEvents)
		if err != nil {
			t.Fatal(err)
		}
		evs, head = append(evs, page...), h
		if len(page) > 0 {
			cursor = page[len(page)-1].Seq
		}
		if len(page) == 0 || cursor >= head {
			break
		}
	}
	seen := map[string]bool{}
	var last int64
	for i, e := range evs {
		if e.Seq <= last || seen[e.ID] {
			t.Fatalf("central log: event %d has position %d after %d (twice: %v)", i, e.Seq, last, seen[e.ID])
		}
		seen[e.ID], last = true, e.Seq
	}
	if head != last {
		t.Fatalf("%d events centrally, the last at %d, head %d", len(evs), last, head)
	}
	return evs
}

// TestPullsNeverSkip: eight stations push small batches as fast as they
// can while three readers pull from their cursors. A reader must never
// be given a position before a lower one has committed (a cursor moved
// past an event that commits later would skip it for good): every page
// runs on from its cursor, and in the end every reader holds every event
// once.
func TestPullsNeverSkip(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	const stations, pushes, per = 8, 40, 25
	var wg sync.WaitGroup
	done := make(chan struct{})
	for s := range stations {
		name := fmt.Sprintf("skranke-%d", s)
		if _, err := c.AddStation(ctx, name, "innherred"); err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range pushes {
				evs := make([]wire.Event, per)
				for i := range evs {
					id, _ := uuid.NewV7()
					evs[i] = wire.Event{ID: id.String(), Station: name, Actor: "T", HLC: int64(p*per + i + 1), Kind: "received",
						Subject: fmt.Sprintf("TAB%02d%04d", s, p*per+i), Cycle: 1, Payload: `{"v":1}`}
				}
				if _, err := c.Push(ctx, name, "innherred", evs); err != nil {
					t.Errorf("%s push %d: %v", name, p, err)
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	type reader struct {
		cursor int64
		ids    map[string]bool
	}
	readers := make([]*reader, 3)
	var rg sync.WaitGroup
	for i := range readers {
		r := &reader{ids: map[string]bool{}}
		readers[i] = r
		rg.Add(1)
		go func() {
			defer rg.Done()
			for {
				finished := false
				select {
				case <-done:
					finished = true
				default:
				}
				page, head, err := c.Pull(ctx, "innherred", r.cursor, 100)
				if err != nil {
					t.Errorf("pull: %v", err)
					return
				}
				for _, e := range page {
					if e.Seq <= r.cursor {
						t.Errorf("after %d the reader got %d: out of order", r.cursor, e.Seq)
						return
					}
					if r.ids[e.ID] {
						t.Errorf("event %s twice", e.ID)
						return
					}
					r.ids[e.ID], r.cursor = true, e.Seq
				}
				if finished && len(page) == 0 && r.cursor == head {
					return
				}
			}
		}()
	}
	rg.Wait()
	for i, r := range readers {
		if len(r.ids) != stations*pushes*per {
			t.Fatalf("reader %d holds %d events, want %d", i, len(r.ids), stations*pushes*per)
		}
	}
}

// cutAfter is a transport that lets n pull requests through and refuses
// every later one, as a network that goes away in the middle of a pull.
type cutAfter struct {
	n    int
	seen *int
}

func (c cutAfter) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.Contains(req.URL.Path, "/pull") {
		*c.seen++
		if *c.seen > c.n {
			return nil, errDropped
		}
	}
	return http.DefaultTransport.RoundTrip(req)
}

// TestAFreshDeskCatchesUp: a new desk pulls a tenant whose log is larger
// than a page. It stores the pages and rebuilds once, and ends exactly
// where the desk that made the events is, steps, undos, seats, batch and
// all. A pull cut off after its first page leaves a desk that shows what
// it has (its projections equal a rebuild of its log, no rebuild owed)
// and goes on from its cursor at the next pull. (A desk killed during a
// catch-up rebuilds when it opens: store's TestACatchUpStoppedHalfWay.)
func TestAFreshDeskCatchesUp(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	url := serve(t, c)
	src := newStation(t, c, "sekretariat", "innherred")
	ros, err := store.ParseRoster(strings.NewReader(rosterOf(1200)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.st.Import(ctx, ros, src.by, false); err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		serial := fmt.Sprintf("TAB%06d", i)
		if _, err := src.st.CheckIn(ctx, serial, src.by); err != nil {
			t.Fatal(err)
		}
		if _, err := src.st.Step(ctx, serial, store.KindUpgrading, store.Input{}, src.by); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			if _, err := src.st.Step(ctx, serial, store.KindUndo, store.Input{}, src.by); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := src.st.Sync(ctx, url, src.token, nil); err != nil {
		t.Fatal(err)
	}
	want, _ := src.st.Fingerprint(ctx)
	whole := newStation(t, c, "levanger-1", "innherred")
	n, inSync, err := whole.st.Pull(ctx, url, whole.token, nil)
	if err != nil || !inSync {
		t.Fatalf("pull: %d, in sync %v: %v", n, inSync, err)
	}
	if got, _ := whole.st.Fingerprint(ctx); got != want {
		t.Fatal("a fresh desk's catch-up differs from the desk that made the events")
	}

	cut := newStation(t, c, "verdal-1", "innherred")
	seen := 0
	if _, _, err := cut.st.Pull(ctx, url, cut.token, &http.Client{Transport: cutAfter{n: 1, seen: &seen}}); !errors.Is(err, store.ErrUnreachable) {
		t.Fatalf("a pull cut off after a page: %v", err)
	}
	half, _ := cut.st.Fingerprint(ctx)
	if err := cut.st.Rebuild(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := cut.st.Fingerprint(ctx); again != half {
		t.Fatal("a catch-up cut off left projections that are not its log's")
	}
	if _, devices, officials, _ := cut.st.Size(ctx); devices+officials == 0 {
		t.Fatal("the page that arrived before the cut is not shown")
	}
	if _, inSync, err := cut.st.Pull(ctx, url, cut.token, nil); err != nil || !inSync {
		t.Fatalf("the next pull: in sync %v: %v", inSync, err)
	}
	if got, _ := cut.st.Fingerprint(ctx); got != want {
		t.Fatal("a desk whose catch-up was cut off differs once it pulled the rest")
	}
}

// The floor push and pull are measured against writes its rows in a table
// of its own like the events table and drops it: the tenant's events
// are as they were, and no table is left behind.
func TestTheCopyFloorLeavesTheStoreAsItWas(t *testing.T) {
	ctx := context.Background()
	dsn := newDatabase(t)
	c, err := central.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	evs := []wire.Event{
		{ID: "0192f0c2-7a4e-7cc1-9a57-1f6b3c2d4e5f", Station: "skranke-a", Actor: "KN", HLC: 1 << 40, Kind: "received", Subject: "TAB1", Payload: `{"v":1}`},
		{ID: "0192f0c2-7a4e-7cc1-9a57-1f6b3c2d4e60", Station: "skranke-a", Actor: "KN", HLC: 1<<40 + 1, Kind: "upgrading", Subject: "TAB1", Payload: `{"v":1}`},
	}
	took, err := c.CopyFloor(ctx, "innherred", evs)
	if err != nil || took <= 0 {
		t.Fatalf("CopyFloor: %v, %v", took, err)
	}
	db, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	var tables, events int
	if err := db.QueryRow(ctx, `SELECT (SELECT count(*) FROM pg_tables WHERE tablename LIKE 'copy_floor%'), (SELECT count(*) FROM events)`).Scan(&tables, &events); err != nil {
		t.Fatal(err)
	}
	if tables != 0 || events != 0 {
		t.Fatalf("after the floor: %d floor tables, %d events", tables, events)
	}
}

// Two databases as one station (two desks set up with the same name and
// token): each numbers its receipts from 1, and a pull of the other's
// receipt 1 took the place of its own. The service binds a station to the
// first database that syncs as it and refuses the second in words, before
// it sends or takes anything; released, the station is the next
// database's, and the old one is refused.
func TestASecondDatabaseAsTheStationIsRefused(t *testing.T) {
	ctx := context.Background()
	c := newCentral(t)
	url := serve(t, c)
	first := newStation(t, c, "skranke-1", "innherred")
	twinDB, err := store.Open(ctx, filepath.Join(t.TempDir(), "twin.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer twinDB.Close()
	twin := &station{name: first.name, st: twinDB, token: first.token, by: first.by}

	for i, s := range []*station{first, twin} {
		dir := t.TempDir()
		rs, err := stationreceipts.OpenReceipts(filepath.Join(dir, "keys"), filepath.Join(dir, "receipts"), receipt.Printer{})
		if err != nil {
			t.Fatal(err)
		}
		s.st.SetReceipter(rs)
		if _, _, err := s.st.ImportFile(ctx, "../testdata/roster-levanger.csv", s.by, false); err != nil {
			t.Fatal(err)
		}
		if _, err := s.st.CheckIn(ctx, []string{"R52NXYGSKYS", "TJYHCY68QHGJ"}[i], s.by); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := first.st.Sync(ctx, url, first.token, nil); err != nil {
		t.Fatal(err)
	}
	_, err = twin.st.Sync(ctx, url, twin.token, nil)
	var other *store.OtherDatabaseError
	if !errors.Is(err, store.ErrOtherDatabase) || !errors.As(err, &other) || other.Station != "skranke-1" {
		t.Fatalf("the second database's sync: %v", err)
	}
	// Nothing moved either way: the first keeps its receipt 1, and the
	// central store has none of the twin's events.
	if rep, err := first.st.Sync(ctx, url, first.token, nil); err != nil || rep.Pulled != 0 {
		t.Fatalf("the first database's sync after the twin's: %+v %v", rep, err)
	}
	if rec, err := first.st.Receipt(ctx, "skranke-1", 1); err != nil || rec.Serial != "R52NXYGSKYS" {
		t.Fatalf("the first database's receipt 1: %+v %v", rec, err)
	}
	if rec, err := twin.st.Receipt(ctx, "skranke-1", 1); err != nil || rec.Serial != "TJYHCY68QHGJ" {
		t.Fatalf("the twin's receipt 1: %+v %v", rec, err)
	}
	if waiting, _ := twin.st.Waiting(ctx); waiting == 0 {
		t.Fatal("the twin's events count as sent")
	}

	// Released for a desk's new machine: the next database to sync is
	// the station's, and the old one is refused from then on.
	if err := c.Release(ctx, "skranke-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := twin.st.Sync(ctx, url, twin.token, nil); err != nil {
		t.Fatalf("after the release: %v", err)
	}
	if _, err := first.st.Sync(ctx, url, first.token, nil); !errors.Is(err, store.ErrOtherDatabase) {
		t.Fatalf("the old database after the release: %v", err)
	}
	if err := c.Release(ctx, "skranke-9"); !errors.Is(err, central.ErrNoStation) {
		t.Fatalf("releasing a station that is none: %v", err)
	}
	// An id longer than any desk's is not kept.
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/v1/pull?after=0", nil)
	req.Header.Set("Authorization", "Bearer "+twin.token)
	req.Header.Set(wire.InstanceHeader, strings.Repeat("x", wire.MaxInstance+1))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a pull with a database id of %d characters: %v %v", wire.MaxInstance+1, resp, err)
	} else {
		resp.Body.Close()
	}
}
