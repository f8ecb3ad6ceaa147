package central

import (
	"dropin/store/wire"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

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
		instance := r.Header.Get(wire.InstanceHeader)
		if len(instance) > wire.MaxInstance {
			http.Error(w, "instance too long", http.StatusBadRequest)
			return "", "", false
		}
		station, tenant, err := c.Auth(r.Context(), strings.TrimSpace(token), instance)
		if errors.Is(err, ErrRevoked) {
			refuse(w, wire.RefusedRevoked, err.Error(), http.StatusUnauthorized)
			return "", "", false
		}
		if errors.Is(err, ErrInstance) {
			w.Header().Set(wire.TokenStationHeader, url.QueryEscape(station))
			refuse(w, wire.RefusedInstance, err.Error(), http.StatusConflict)
			return "", "", false
		}
		if err != nil {
			if !errors.Is(err, ErrUnauthorized) {
				if gone(r, log, "auth", "") {
					return "", "", false
				}
				log.Error("auth", "err", err)
				http.Error(w, "internal error", http.StatusInternalServerError)
				return "", "", false
			}
			refuse(w, wire.RefusedToken, "unknown station token", http.StatusUnauthorized)
			return "", "", false
		}
		return station, tenant, true
	}
	mux.HandleFunc("POST /v1/push", func(w http.ResponseWriter, r *http.Request) {
		station, tenant, ok := auth(w, r)
		if !ok {
			return
		}
		req, err := wire.DecodePush(http.MaxBytesReader(w, r.Body, wire.MaxBody))
		if err != nil {
			var tooBig *http.MaxBytesError
			var bad *wire.RequestError
			switch {
			case errors.As(err, &tooBig):
				refuse(w, wire.RefusedTooLarge, "request too large", http.StatusRequestEntityTooLarge)
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
			if fe := (*ForeignError)(nil); errors.As(err, &fe) {
				w.Header().Set(wire.TokenStationHeader, url.QueryEscape(fe.Token))
				w.Header().Set(wire.EventStationHeader, url.QueryEscape(fe.Event))
			}
			refuse(w, wire.RefusedForeign, err.Error(), http.StatusForbidden)
			return
		case errors.Is(err, ErrConflict):
			refuse(w, wire.RefusedConflict, err.Error(), http.StatusConflict)
			return
		case err != nil && gone(r, log, "push", station):
			return
		case err != nil:
			log.Error("push", "station", station, "err", err)
			http.Error(w, "could not store the events; try again", http.StatusServiceUnavailable)
			return
		}
		writeJSON(w, wire.AppendPushResponse(nil, wire.PushResponse{Seqs: seqs}))
	})
	mux.HandleFunc("GET /v1/pull", func(w http.ResponseWriter, r *http.Request) {
		_, tenant, ok := auth(w, r)
		if !ok {
			return
		}
		after, limit, err := wire.ParsePull(r.URL.Query())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		evs, head, err := c.Pull(r.Context(), tenant, after, limit)
		if err != nil && gone(r, log, "pull", tenant) {
			return
		}
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
			evs = []wire.Event{}
		}
		writeJSON(w, wire.AppendPull(nil, wire.PullResponse{Events: evs, Next: next, Head: head}))
	})
	return mux
}

// gone reports whether the client hung up before its answer: an expected
// disconnect (a desk closed, a laptop asleep), logged as such and not as
// an error. Nothing is answered; a push's transaction was rolled back, and
// the desk sends it again.
func gone(r *http.Request, log *slog.Logger, what, who string) bool {
	if r.Context().Err() == nil {
		return false
	}
	log.Info("client went away", "during", what, "who", who)
	return true
}

// refuse answers a refusal with its code in a header, so a desk can say
// which it is in its own words; the text is for people with curl.
func refuse(w http.ResponseWriter, code, text string, status int) {
	w.Header().Set(wire.RefusalHeader, code)
	http.Error(w, text, status)
}

// writeJSON answers with body, JSON that wire wrote by hand as
// encoding/json would have: a pull's page holds thousands of events and a
// push's answer thousands of ids, too many for reflection on each.
func writeJSON(w http.ResponseWriter, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(body)
}
