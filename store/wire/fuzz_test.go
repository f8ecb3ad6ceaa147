package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// FuzzDecodePush: whatever a station (or anyone with a token) sends, the
// decoder answers with a request or a refusal, never a panic, and what it
// accepts is what the store can take: every event checked.
func FuzzDecodePush(f *testing.F) {
	good := `{"events":[{"id":"0192f0c2-7a4e-7cc1-9a57-1f6b3c2d4e5f","station":"skranke-1","actor":"KN","hlc":1,"kind":"received","subject":"DMPXK2ABC123","cycle":1,"ref":"","payload":"{\"v\":1}"}]}`
	for _, s := range []string{good, `{"events":[]}`, `{}`, `{"events":null}`, `[]`, ``, `{"events":[{}]}`,
		strings.Replace(good, `"hlc":1`, `"hlc":-1`, 1), strings.Replace(good, `{\"v\":1}`, `{`, 1),
		strings.Replace(good, `skranke-1`, `a\u0000b`, 1), good + good, `{"events":[],"extra":1}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		req, err := DecodePush(bytes.NewReader(body))
		if err != nil {
			var re *RequestError
			if !errors.As(err, &re) || re.Status < 400 || re.Msg == "" {
				t.Fatalf("refusal without a status: %v", err)
			}
			return
		}
		if len(req.Events) > MaxPushEvents {
			t.Fatalf("%d events accepted", len(req.Events))
		}
		for _, e := range req.Events {
			if why := CheckEvent(e); why != "" {
				t.Fatalf("accepted a bad event (%s): %+v", why, e)
			}
			if !json.Valid([]byte(e.Payload)) {
				t.Fatalf("payload not JSON: %q", e.Payload)
			}
		}
	})
}

// FuzzParsePull: any query gives a cursor and a limit in range, or an error.
func FuzzParsePull(f *testing.F) {
	for _, s := range []string{"after=0", "after=12&limit=100", "after=-1", "after=x", "", "after=1&limit=0", "after=1&limit=99999", "after=9223372036854775808"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		after, limit, err := ParsePull(q)
		if err == nil && (after < 0 || limit <= 0 || limit > MaxPullEvents) {
			t.Fatalf("%q: after %d limit %d", raw, after, limit)
		}
	})
}
