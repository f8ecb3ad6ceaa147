package central

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Limits of one request: a push of more is refused, not half taken.
const (
	MaxBody       = 8 << 20
	MaxPushEvents = 5000
	MaxPullEvents = 5000
)

// PushRequest is what a station sends to /v1/push.
type PushRequest struct {
	Events []Event `json:"events"`
}

// PushResponse answers every event id with its sequence number.
type PushResponse struct {
	Seqs map[string]int64 `json:"seqs"`
}

// PullResponse carries events after the cursor, the next cursor and the
// tenant's head: the station is in sync when next == head.
type PullResponse struct {
	Events []Event `json:"events"`
	Next   int64   `json:"next"`
	Head   int64   `json:"head"`
}

// Handler serves the sync API:
//
//	POST /v1/push             {"events": [...]}  -> {"seqs": {id: seq}}
//	GET  /v1/pull?after=N     -> {"events": [...], "next": N, "head": N}
//
// Every request carries "Authorization: Bearer TOKEN". A station sees only
// its tenant's events and may push only its own.
func Handler(c *Central, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	auth := func(w http.ResponseWriter, r *http.Request) (string, string, bool) {
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		station, tenant, err := c.Auth(r.Context(), strings.TrimSpace(token))
		if err != nil {
			if !errors.Is(err, ErrUnauthorized) {
				log.Error("auth", "err", err)
				http.Error(w, "internal error", http.StatusInternalServerError)
				return "", "", false
			}
			http.Error(w, "unknown or revoked station token", http.StatusUnauthorized)
			return "", "", false
		}
		return station, tenant, true
	}
	mux.HandleFunc("POST /v1/push", func(w http.ResponseWriter, r *http.Request) {
		station, tenant, ok := auth(w, r)
		if !ok {
			return
		}
		req, err := DecodePush(http.MaxBytesReader(w, r.Body, MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			var bad *RequestError
			switch {
			case errors.As(err, &tooBig):
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
			case errors.As(err, &bad):
				http.Error(w, bad.Msg, bad.Status)
			default:
				http.Error(w, "malformed request", http.StatusBadRequest)
			}
			return
		}
		seqs, err := c.Push(r.Context(), station, tenant, req.Events)
		switch {
		case errors.Is(err, ErrForeign):
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		case errors.Is(err, ErrConflict):
			http.Error(w, err.Error(), http.StatusConflict)
			return
		case err != nil:
			log.Error("push", "station", station, "err", err)
			http.Error(w, "could not store the events; try again", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, PushResponse{Seqs: seqs})
	})
	mux.HandleFunc("GET /v1/pull", func(w http.ResponseWriter, r *http.Request) {
		_, tenant, ok := auth(w, r)
		if !ok {
			return
		}
		after, limit, err := ParsePull(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		evs, head, err := c.Pull(r.Context(), tenant, after, limit)
		if err != nil {
			log.Error("pull", "tenant", tenant, "err", err)
			http.Error(w, "could not read the events; try again", http.StatusServiceUnavailable)
			return
		}
		next := after
		if len(evs) > 0 {
			next = evs[len(evs)-1].Seq
		}
		if evs == nil {
			evs = []Event{}
		}
		writeJSON(w, PullResponse{Events: evs, Next: next, Head: head})
	})
	return mux
}

// RequestError is a request the service refuses, with the status it
// answers.
type RequestError struct {
	Status int
	Msg    string
}

func (e *RequestError) Error() string { return e.Msg }

// Limits of one event's fields: enough for every event a desk writes, and
// what PostgreSQL's text type takes (valid UTF-8, no NUL).
const (
	maxField   = 256
	maxPayload = 64 << 10
)

// DecodePush reads and checks a push request: well-formed JSON with no
// unknown fields, at most MaxPushEvents events, each with a UUID, a
// station, a kind, a subject, a positive clock and a JSON payload, every
// string valid UTF-8 without NUL. Anything else is a *RequestError (or
// the reader's own error, such as *http.MaxBytesError).
func DecodePush(r io.Reader) (PushRequest, error) {
	var req PushRequest
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return req, err
		}
		return req, &RequestError{http.StatusBadRequest, "malformed request: " + err.Error()}
	}
	if dec.More() {
		return req, &RequestError{http.StatusBadRequest, "malformed request: more than one JSON value"}
	}
	if len(req.Events) > MaxPushEvents {
		return req, &RequestError{http.StatusRequestEntityTooLarge, "too many events in one push (max " + strconv.Itoa(MaxPushEvents) + ")"}
	}
	for i, e := range req.Events {
		if why := checkEvent(e); why != "" {
			return req, &RequestError{http.StatusBadRequest, fmt.Sprintf("malformed event %d: %s", i, why)}
		}
	}
	return req, nil
}

func checkEvent(e Event) string {
	if _, err := uuid.Parse(e.ID); err != nil || len(e.ID) != 36 {
		return "id is not a UUID"
	}
	for _, f := range []struct{ name, v string }{{"station", e.Station}, {"kind", e.Kind}, {"subject", e.Subject}} {
		if f.v == "" {
			return f.name + " is empty"
		}
	}
	for _, f := range []struct{ name, v string }{{"station", e.Station}, {"actor", e.Actor}, {"kind", e.Kind}, {"subject", e.Subject}, {"ref", e.Ref}} {
		if len(f.v) > maxField || !utf8.ValidString(f.v) || strings.ContainsRune(f.v, 0) {
			return f.name + " is too long or not text"
		}
	}
	switch {
	case e.HLC <= 0:
		return "hlc must be positive"
	case e.Cycle < 0:
		return "cycle must not be negative"
	case e.Seq != 0:
		return "seq is the service's to give"
	case len(e.Payload) > maxPayload || !json.Valid([]byte(e.Payload)) || strings.ContainsRune(e.Payload, 0):
		return "payload is not JSON text"
	}
	return ""
}

// ParsePull reads a pull's query: after, a sequence number, and an
// optional limit up to MaxPullEvents.
func ParsePull(q url.Values) (after int64, limit int, err error) {
	after, err = strconv.ParseInt(q.Get("after"), 10, 64)
	if err != nil || after < 0 {
		return 0, 0, errors.New("after must be a sequence number")
	}
	limit = MaxPullEvents
	if l := q.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit <= 0 || limit > MaxPullEvents {
			return 0, 0, errors.New("bad limit")
		}
	}
	return after, limit, nil
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
