package central

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
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
		var req PushRequest
		dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
				return
			}
			http.Error(w, "malformed request: "+err.Error(), http.StatusBadRequest)
			return
		}
		if len(req.Events) > MaxPushEvents {
			http.Error(w, "too many events in one push (max "+strconv.Itoa(MaxPushEvents)+")", http.StatusRequestEntityTooLarge)
			return
		}
		for _, e := range req.Events {
			if e.ID == "" || e.Kind == "" || e.Subject == "" || !json.Valid([]byte(e.Payload)) {
				http.Error(w, "malformed event "+e.ID, http.StatusBadRequest)
				return
			}
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
		after, err := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
		if err != nil || after < 0 {
			http.Error(w, "after must be a sequence number", http.StatusBadRequest)
			return
		}
		limit := MaxPullEvents
		if l := r.URL.Query().Get("limit"); l != "" {
			if limit, err = strconv.Atoi(l); err != nil || limit <= 0 || limit > MaxPullEvents {
				http.Error(w, "bad limit", http.StatusBadRequest)
				return
			}
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

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}
