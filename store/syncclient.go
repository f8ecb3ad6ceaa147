package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"dropin/store/wire"
)

// SyncReport says what one sync round did.
type SyncReport struct {
	Pushed  int       // own events the central store acknowledged
	Pulled  int       // events from other stations now here
	Waiting int       // own events still not acknowledged
	InSync  bool      // nothing waiting, and nothing left to pull
	At      time.Time // when the round ended
}

// ErrRefused: the central store does not accept this station's token.
var ErrRefused = errors.New("the central store refused this station's token")

// pullChunk is how many events a pull asks for at a time.
const pullChunk = 1000

// Sync pushes this station's new events to the central store at base and
// pulls everyone else's, until both are done. It is safe to stop at any
// point: a push whose answer is lost is sent again and the central store
// answers with the same numbers; a pulled page and its cursor are stored
// together.
func (s *Store) Sync(ctx context.Context, base, token string, hc *http.Client) (SyncReport, error) {
	var rep SyncReport
	if err := CheckCentral(base); err != nil {
		return rep, err
	}
	unlock, err := s.lockSync(ctx)
	if err != nil {
		return rep, err
	}
	defer unlock()
	if rep.Pushed, err = s.Push(ctx, base, token, hc); err != nil {
		return rep, err
	}
	pulled, inSync, err := s.Pull(ctx, base, token, hc)
	if err != nil {
		return rep, err
	}
	waiting, err := s.Waiting(ctx)
	rep.Pulled, rep.Waiting, rep.InSync, rep.At = pulled, waiting, inSync && waiting == 0, time.Now()
	return rep, err
}

// BadAddressError is a central store's address that cannot be one: no
// http:// or https://, or no host. Sent anyway, it fails as if the
// network were down, and the desk would say so; it is a typo to mend in
// the settings.
type BadAddressError struct{ Address string }

func (e *BadAddressError) Error() string {
	return fmt.Sprintf("%q is not a central store's address (https://host)", e.Address)
}

// CheckCentral refuses an address of the central store that is not an
// http or https URL with a host.
func CheckCentral(base string) error {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return &BadAddressError{Address: base}
	}
	return nil
}

func client(hc *http.Client) *http.Client {
	if hc == nil {
		return &http.Client{Timeout: 30 * time.Second}
	}
	return hc
}

// Push sends this station's events not yet acknowledged, in chunks, until
// none are left, and returns how many the central store acknowledged.
// A chunk is at most wire.MaxPushEvents events and pushBudget bytes: a
// day of signatures (each up to 64 KB with its strokes) waiting behind a
// broken line still goes, a smaller chunk at a time.
func (s *Store) Push(ctx context.Context, base, token string, hc *http.Client) (int, error) {
	instance, err := s.Instance(ctx)
	if err != nil {
		return 0, err
	}
	hc, pushed := client(hc), 0
	u := strings.TrimRight(base, "/") + "/v1/push"
	type answer struct {
		resp wire.PushResponse
		err  error
	}
	send := func(body []byte) chan answer {
		ch := make(chan answer, 1)
		go func() {
			var a answer
			a.err = call(ctx, hc, http.MethodPost, u, token, instance, body, &a.resp)
			ch <- a
		}()
		return ch
	}
	// The pushes go one at a time, in order, but the desk's own work
	// overlaps the service's: the next push is read and encoded while one
	// travels, and goes out while the last answer is acknowledged.
	var after Event // the last event sent: the next push starts past it
	next := func() ([]byte, int, error) {
		out, err := s.outboxAfter(ctx, after, wire.MaxPushEvents)
		if err != nil || len(out) == 0 {
			return nil, 0, err
		}
		body, n := pushBody(out, pushBudget)
		after = out[n-1]
		return body, n, nil
	}
	body, sent, err := next()
	if err != nil || sent == 0 {
		return 0, err
	}
	inflight := send(body)
	for range 100_000 {
		body, n, readErr := next()
		a := <-inflight
		if a.err != nil {
			return pushed, a.err
		}
		inflight = nil
		if readErr == nil && n > 0 {
			inflight = send(body)
		}
		err := s.Acknowledge(ctx, a.resp.Seqs)
		if err == nil {
			pushed += len(a.resp.Seqs)
			if len(a.resp.Seqs) < sent {
				err = fmt.Errorf("push: %d of %d events acknowledged", len(a.resp.Seqs), sent)
			}
		}
		if err == nil {
			err = readErr
		}
		if err != nil {
			if inflight != nil { // its answer is acknowledged too if it can be: fewer to send again
				if b := <-inflight; b.err == nil && s.Acknowledge(ctx, b.resp.Seqs) == nil {
					pushed += len(b.resp.Seqs)
				}
			}
			return pushed, err
		}
		if inflight == nil {
			return pushed, nil
		}
		sent = n
	}
	return pushed, errors.New("push: the outbox does not empty; stopped")
}

// pushBudget is the most one push's body carries: half what the service
// takes (wire.MaxBody), so a push is never refused for its size.
const pushBudget = wire.MaxBody / 2

// pushBody encodes a push request of the first events of out that fit in
// budget bytes (at least one: one event is far below it), and says how
// many it took.
func pushBody(out []Event, budget int) ([]byte, int) {
	buf := append(make([]byte, 0, 64<<10), `{"events":[`...)
	n := 0
	for i, e := range out {
		mark := len(buf)
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = wire.AppendEvent(buf, e.Wire())
		if i > 0 && len(buf)+2 > budget {
			buf = buf[:mark]
			break
		}
		n = i + 1
	}
	return append(buf, "]}"...), n
}

// Pull fetches everyone's events after this station's cursor, page by
// page, until it reaches the central store's head. It returns how many
// were new here and whether the head was reached.
func (s *Store) Pull(ctx context.Context, base, token string, hc *http.Client) (int, bool, error) {
	instance, err := s.Instance(ctx)
	if err != nil {
		return 0, false, err
	}
	hc = client(hc)
	return s.PullFrom(ctx, func(ctx context.Context, after int64, limit int) (wire.PullResponse, error) {
		var resp wire.PullResponse
		u := fmt.Sprintf("%s/v1/pull?after=%d&limit=%d", strings.TrimRight(base, "/"), after, limit)
		err := call(ctx, hc, http.MethodGet, u, token, instance, nil, &resp)
		return resp, err
	})
}

// PullPage fetches one page of events after a sequence number: over HTTP
// for a desk, straight from PostgreSQL for the dashboard's mirror.
type PullPage func(ctx context.Context, after int64, limit int) (wire.PullResponse, error)

// PullFrom applies pages of events after this store's cursor until the
// head, each page with its cursor in one transaction. The next page is
// fetched while one is applied. It returns how many were new here and
// whether the head was reached.
//
// A desk whose log is empty and whose first page is full is catching up
// on a whole tenant: it stores the pages without projecting them and
// rebuilds every projection once at the end (catchUp), which is the same
// result as projecting page by page, at a fraction of the cost.
func (s *Store) PullFrom(ctx context.Context, page PullPage) (int, bool, error) {
	cursor, err := s.Cursor(ctx)
	if err != nil {
		return 0, false, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type fetched struct {
		resp wire.PullResponse
		evs  []SyncedEvent // resp's events, their payloads checked
		err  error
	}
	pages := make(chan fetched, 1)
	// Pages are fetched, read and checked on this goroutine while the
	// last one is written: the writer only writes.
	go func() {
		defer close(pages)
		after := cursor
		for range maxPullPages {
			resp, err := page(ctx, after, pullChunk)
			var evs []SyncedEvent
			if err == nil {
				evs = syncedEvents(resp.Events)
				err = checkPulled(evs)
			}
			select {
			case pages <- fetched{resp, evs, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || len(resp.Events) == 0 || resp.Next >= resp.Head {
				return
			}
			after = resp.Next
		}
	}()
	pulled, first, catchUp := 0, true, false
	done := func(inSync bool, err error) (int, bool, error) {
		if catchUp {
			if rerr := s.Rebuild(ctx); rerr != nil && err == nil {
				return pulled, false, fmt.Errorf("pull: %w", rerr)
			}
		}
		return pulled, inSync, err
	}
	for f := range pages {
		if f.err != nil {
			return done(false, f.err)
		}
		resp := f.resp
		if first {
			first = false
			if cursor == 0 && len(resp.Events) == pullChunk && resp.Next < resp.Head {
				if catchUp, err = s.logEmpty(ctx); err != nil {
					return 0, false, err
				}
			}
		}
		n, err := s.storePage(ctx, f.evs, resp.Next, !catchUp)
		if err != nil {
			return done(false, err)
		}
		pulled += n
		if len(resp.Events) == 0 || resp.Next >= resp.Head {
			return done(true, nil)
		}
	}
	if err := ctx.Err(); err != nil {
		return done(false, err)
	}
	return done(false, errors.New("pull: the central store keeps sending; stopped"))
}

// syncedEvents are a pulled page's events as the desk keeps them.
func syncedEvents(in []wire.Event) []SyncedEvent {
	evs := make([]SyncedEvent, len(in))
	for i, e := range in {
		evs[i] = SyncedEvent{Seq: e.Seq, Event: Event{ID: e.ID, Station: e.Station, Actor: e.Actor, HLC: HLC(e.HLC),
			Kind: Kind(e.Kind), Subject: e.Subject, Cycle: e.Cycle, Ref: e.Ref, Payload: []byte(e.Payload)}}
	}
	return evs
}

// maxPullPages bounds one pull: a central store that never reaches its
// head is not followed for ever.
const maxPullPages = 100_000

// logEmpty tells whether this desk holds no event at all.
func (s *Store) logEmpty(ctx context.Context) (bool, error) {
	var empty bool
	err := s.read.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM events)`).Scan(&empty)
	return empty, err
}

// call sends one request and decodes the answer, turning the status
// codes into errors a desk can explain.
func call(ctx context.Context, hc *http.Client, method, u, token, instance string, body, out any) error {
	var rd io.Reader
	if b, ok := body.([]byte); ok { // already encoded
		rd = bytes.NewReader(b)
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("central store address: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set(wire.InstanceHeader, instance)
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	defer resp.Body.Close()
	switch resp.Header.Get(wire.RefusalHeader) {
	case wire.RefusedRevoked:
		return ErrRevoked
	case wire.RefusedForeign:
		token, _ := url.QueryUnescape(resp.Header.Get(wire.TokenStationHeader))
		event, _ := url.QueryUnescape(resp.Header.Get(wire.EventStationHeader))
		return &ForeignEventsError{Token: token, Event: event}
	case wire.RefusedConflict:
		return ErrConflictingEvent
	case wire.RefusedTooLarge:
		return ErrTooLarge
	case wire.RefusedInstance:
		station, _ := url.QueryUnescape(resp.Header.Get(wire.TokenStationHeader))
		return &OtherDatabaseError{Station: station}
	}
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
		return ErrRefused
	}
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return fmt.Errorf("%w: %s: %s", ErrCentral, resp.Status, strings.TrimSpace(string(msg)))
	}
	// A page of events and a push's answer hold thousands of entries:
	// read whole, then by wire's readers.
	var data []byte
	switch v := out.(type) {
	case *wire.PullResponse:
		if data, err = io.ReadAll(resp.Body); err == nil {
			*v, err = wire.DecodePull(data)
		}
	case *wire.PushResponse:
		if data, err = io.ReadAll(resp.Body); err == nil {
			*v, err = wire.DecodePushResponse(data)
		}
	default:
		err = json.NewDecoder(resp.Body).Decode(out)
	}
	if err != nil {
		var ne net.Error
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.As(err, &ne) {
			// The connection broke mid-answer: the service went away.
			return fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return fmt.Errorf("%w: an answer that does not read: %w", ErrCentral, err)
	}
	return nil
}

// Fingerprint is a hash of what this station shows: every device,
// official, receipt, batch, approval and request as projected. Two stations holding the same
// events have the same fingerprint.
func (s *Store) Fingerprint(ctx context.Context) (string, error) {
	h := newFingerprint()
	for _, q := range []string{
		`SELECT serial, model, official_id, status, step, cycle, failure_id, failure_reason, employee, updated_hlc, updated_station, updated_actor, kind, custody, custody_hlc FROM devices ORDER BY serial`,
		`SELECT id, name, municipality, email_primary, email_secondary, phone, employee, removed FROM officials ORDER BY id`,
		`SELECT official_id, pos, body, role FROM seats ORDER BY official_id, pos`,
		`SELECT station, number, serial, kind, token FROM receipts ORDER BY station, number`,
		`SELECT id, name, closed FROM batches ORDER BY id`,
		`SELECT batch_id, event_id, serial, class, undone FROM batch_reads ORDER BY batch_id, event_id`,
		`SELECT official_id, body, granted, approver, hlc, station, actor FROM approvals ORDER BY official_id, body`,
		`SELECT municipality, body, status, n FROM coverage WHERE n <> 0 ORDER BY municipality, body, status`,
		`SELECT serial, official_id, fold, name, municipality, phone, email, model, seats FROM chase ORDER BY serial`,
		`SELECT event_id, serial, official_id, help, training, note, hlc, station, done_hlc, done_actor FROM requests ORDER BY event_id`,
		`SELECT ` + visitColumns + ` FROM visits ORDER BY id`,
		`SELECT visit_id, event_id, serial, step, pos FROM visit_devices ORDER BY visit_id, event_id`,
		`SELECT ` + conflictColumns + ` FROM conflicts ORDER BY first_id, second_id`,
	} {
		rows, err := s.read.QueryContext(ctx, q)
		if err != nil {
			return "", err
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", err
			}
			fmt.Fprintln(h, vals...)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("%x", h.Sum(nil)), nil
}

// Errors of a sync the desk says in its own words; the detail goes to the
// log. Each refusal is its own: a desk must know whether to ask IT for a
// token, or whether its database holds what it should not.
var (
	ErrRevoked          = errors.New("the central store revoked this station's token")
	ErrForeignEvents    = errors.New("this database holds events of another station")
	ErrConflictingEvent = errors.New("the central store holds one of this station's events with other content")
	ErrTooLarge         = errors.New("the central store refused a push as too large")
	ErrOtherDatabase    = errors.New("the central store knows this station from another database")
	ErrUnreachable      = errors.New("central store unreachable")
	ErrCentral          = errors.New("central store")
)

// OtherDatabaseError is ErrOtherDatabase with the station the token is:
// another database synced as it first (two desks given one name and
// token, or a desk's new machine the station was not released for).
type OtherDatabaseError struct{ Station string }

func (e *OtherDatabaseError) Error() string {
	return fmt.Sprintf("%v (station %q)", ErrOtherDatabase, e.Station)
}

func (e *OtherDatabaseError) Is(target error) bool { return target == ErrOtherDatabase }

// ForeignEventsError is ErrForeignEvents with what the service said: the
// station its token is, and the station of an event it refused (empty
// from a service that does not say).
type ForeignEventsError struct{ Token, Event string }

func (e *ForeignEventsError) Error() string {
	if e.Token == "" || e.Event == "" {
		return ErrForeignEvents.Error()
	}
	return fmt.Sprintf("%s: the token is station %q's, and this database holds events of %q", ErrForeignEvents, e.Token, e.Event)
}

func (e *ForeignEventsError) Is(target error) bool { return target == ErrForeignEvents }
