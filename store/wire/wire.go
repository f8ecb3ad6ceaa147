// Package wire is the sync protocol between a desk and the central store:
// the events as they travel, the push and pull messages, their limits, and
// the checks the service makes of what a station sends. Both sides import
// it, so a desk's store never links the central store's PostgreSQL driver.
package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// Event is an event as it travels between stations and the central store.
type Event struct {
	ID      string `json:"id"`
	Station string `json:"station"`
	Actor   string `json:"actor"`
	HLC     int64  `json:"hlc"`
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Cycle   int    `json:"cycle"`
	Ref     string `json:"ref"`
	Payload string `json:"payload"`
	Seq     int64  `json:"seq,omitempty"`
}

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
	MaxPayload = 64 << 10 // bytes of one event's payload
)

// DecodePush reads and checks a push request: well-formed JSON with no
// unknown fields, at most MaxPushEvents events, each with a UUID, a
// station, a kind, a subject, a positive clock and a JSON payload, every
// string valid UTF-8 without NUL. Anything else is a *RequestError (or
// the reader's own error, such as *http.MaxBytesError).
func DecodePush(r io.Reader) (PushRequest, error) {
	var req PushRequest
	body, err := io.ReadAll(r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return req, err
		}
		return req, &RequestError{http.StatusBadRequest, "malformed request: " + err.Error()}
	}
	req, fast := fastPush(body)
	if !fast {
		req = PushRequest{}
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			return req, &RequestError{http.StatusBadRequest, "malformed request: " + err.Error()}
		}
		if dec.More() {
			return req, &RequestError{http.StatusBadRequest, "malformed request: more than one JSON value"}
		}
	}
	if len(req.Events) > MaxPushEvents {
		return req, &RequestError{http.StatusRequestEntityTooLarge, "too many events in one push (max " + strconv.Itoa(MaxPushEvents) + ")"}
	}
	for i, e := range req.Events {
		if why := CheckEvent(e); why != "" {
			return req, &RequestError{http.StatusBadRequest, fmt.Sprintf("malformed event %d: %s", i, why)}
		}
	}
	return req, nil
}

// DecodePull reads a pull's answer as json.Decoder reads it.
func DecodePull(body []byte) (PullResponse, error) { return decode(body, fastPull) }

// DecodePushResponse reads a push's answer as json.Decoder reads it.
func DecodePushResponse(body []byte) (PushResponse, error) { return decode(body, fastPushResponse) }

// decode reads body with fast, or with encoding/json where fast cannot.
func decode[T any](body []byte, fast func([]byte) (T, bool)) (T, error) {
	if v, ok := fast(body); ok {
		return v, nil
	}
	var v T
	err := json.NewDecoder(bytes.NewReader(body)).Decode(&v)
	return v, err
}

// CheckEvent says what is wrong with an event a station pushes, or "".
func CheckEvent(e Event) string {
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
	case len(e.Payload) > MaxPayload || !json.Valid([]byte(e.Payload)) || strings.ContainsRune(e.Payload, 0):
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

// Refusals the sync service names in the RefusalHeader of its answer.
const (
	RefusalHeader   = "X-Dropin-Refusal"
	RefusedToken    = "unknown-token"  // no station has this token
	RefusedRevoked  = "revoked"        // the station's token was revoked
	RefusedForeign  = "foreign-events" // the push carries another station's events
	RefusedConflict = "conflict"       // an event id already known with other content
	RefusedTooLarge = "too-large"      // the push is larger than MaxBody
	RefusedInstance = "other-database" // another database is the token's station
)

// InstanceHeader carries the desk's database id (store.Instance) on every
// request. The service binds a station to the first database that syncs
// as it, and refuses another with RefusedInstance, naming the station in
// TokenStationHeader. A request without it (an older desk) is not bound.
const InstanceHeader = "X-Dropin-Instance"

// MaxInstance is the longest database id the service keeps (a desk's is
// 32 hex digits).
const MaxInstance = 64

// With RefusedForeign, the two stations, query-escaped: the one the token
// is, and the one the first event of another station names.
const (
	TokenStationHeader = "X-Dropin-Token-Station"
	EventStationHeader = "X-Dropin-Event-Station"
)
