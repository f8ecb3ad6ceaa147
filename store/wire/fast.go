package wire

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// A push or a pull carries thousands of events, and encoding/json reads
// them at some 7 µs an event (reflection, a scan to check the value, then
// a second pass to decode it): a tenth of a second for every 15,000
// events, on each side of every sync. The readers here take the messages
// as desks and the service write them: lower-case keys, each once,
// strings, whole numbers. Anything else (a null, a key in other case, an
// unknown key, a fraction, an escaped surrogate, bytes that are not
// UTF-8, trailing data) makes them give up, and encoding/json reads the
// message as before. So whatever they accept, they read exactly as
// encoding/json does (FuzzFastReadersAgreeWithEncodingJSON).

// fastPush reads a push request, or says it cannot.
func fastPush(b []byte) (PushRequest, bool) {
	var req PushRequest
	s := scanner{b: b}
	ok := s.object(func(key []byte) bool {
		if string(key) != "events" || req.Events != nil { // the array twice: encoding/json's to judge
			return false
		}
		var ok bool
		req.Events, ok = s.events()
		return ok
	})
	return req, ok && s.end()
}

// fastPull reads a pull's answer, or says it cannot.
func fastPull(b []byte) (PullResponse, bool) {
	var resp PullResponse
	s := scanner{b: b}
	ok := s.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "events":
			if resp.Events == nil {
				resp.Events, ok = s.events()
			}
		case "next":
			resp.Next, ok = s.int()
		case "head":
			resp.Head, ok = s.int()
		}
		return ok
	})
	return resp, ok && s.end()
}

// fastPushResponse reads a push's answer, or says it cannot. An id given
// twice keeps its last number, as in encoding/json.
func fastPushResponse(b []byte) (PushResponse, bool) {
	var resp PushResponse
	s := scanner{b: b}
	ok := s.object(func(key []byte) bool {
		if string(key) != "seqs" || resp.Seqs != nil {
			return false
		}
		resp.Seqs = make(map[string]int64, 64)
		return s.object(func(id []byte) bool {
			if !utf8.Valid(id) { // encoding/json would put U+FFFD in
				return false
			}
			seq, ok := s.int()
			resp.Seqs[string(id)] = seq
			return ok
		})
	})
	return resp, ok && s.end()
}

// object reads an object, handing each key to member with the scanner at
// its value; member reads the value and says whether it could. An escaped
// key is not read (encoding/json would unescape it).
func (s *scanner) object(member func(key []byte) bool) bool {
	if !s.byte('{') {
		return false
	}
	if s.byte('}') {
		return true
	}
	for {
		key, ok := s.key()
		if !ok || !s.byte(':') || !member(key) {
			return false
		}
		if !s.byte(',') {
			return s.byte('}')
		}
	}
}

// scanner reads JSON from b at i.
type scanner struct {
	b []byte
	i int
}

// ws skips white space.
func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// byte takes c, after white space, if it comes next.
func (s *scanner) byte(c byte) bool {
	s.ws()
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// end says whether only white space is left.
func (s *scanner) end() bool {
	s.ws()
	return s.i == len(s.b)
}

// events reads an array of events; [] is an empty slice, not nil, as
// encoding/json makes it.
func (s *scanner) events() ([]Event, bool) {
	if !s.byte('[') {
		return nil, false
	}
	evs := make([]Event, 0, 64)
	if s.byte(']') {
		return evs, true
	}
	for {
		e, ok := s.event()
		if !ok {
			return nil, false
		}
		evs = append(evs, e)
		if s.byte(',') {
			continue
		}
		return evs, s.byte(']')
	}
}

// event reads one event. A key given twice keeps its last value, as in
// encoding/json.
func (s *scanner) event() (Event, bool) {
	var e Event
	ok := s.object(func(key []byte) bool {
		var ok bool
		switch string(key) {
		case "id":
			e.ID, ok = s.str()
		case "station":
			e.Station, ok = s.str()
		case "actor":
			e.Actor, ok = s.str()
		case "hlc":
			e.HLC, ok = s.int()
		case "kind":
			e.Kind, ok = s.str()
		case "subject":
			e.Subject, ok = s.str()
		case "cycle":
			var n int64
			n, ok = s.int()
			e.Cycle = int(n)
			ok = ok && int64(e.Cycle) == n
		case "ref":
			e.Ref, ok = s.str()
		case "payload":
			e.Payload, ok = s.str()
		case "seq":
			e.Seq, ok = s.int()
		}
		return ok
	})
	return e, ok
}

// key reads an object's key: plain text, no escapes (encoding/json would
// unescape one, and match it in any case).
func (s *scanner) key() ([]byte, bool) {
	if !s.byte('"') {
		return nil, false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			s.i++
			return s.b[start : s.i-1], true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		s.i++
	}
	return nil, false
}

// str reads a string value.
func (s *scanner) str() (string, bool) {
	if !s.byte('"') {
		return "", false
	}
	start := s.i
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case c == '"':
			v := s.b[start:s.i]
			s.i++
			if !utf8.Valid(v) { // encoding/json would put U+FFFD in
				return "", false
			}
			return string(v), true
		case c == '\\':
			return s.escaped(start)
		case c < 0x20:
			return "", false
		}
		s.i++
	}
	return "", false
}

// escaped reads the rest of a string that holds an escape, from its
// first at s.i; the string began at start.
func (s *scanner) escaped(start int) (string, bool) {
	out := make([]byte, 0, s.i-start+64)
	out = append(out, s.b[start:s.i]...)
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			s.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			s.i++
			continue
		}
		if s.i+1 >= len(s.b) {
			return "", false
		}
		esc := s.b[s.i+1]
		s.i += 2
		switch esc {
		case '"', '\\', '/':
			out = append(out, esc)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if s.i+4 > len(s.b) {
				return "", false
			}
			r, ok := hex4(s.b[s.i : s.i+4])
			if !ok || utf16.IsSurrogate(r) { // a pair, or half of one: encoding/json's to judge
				return "", false
			}
			out = utf8.AppendRune(out, r)
			s.i += 4
		default:
			return "", false
		}
	}
	return "", false
}

func hex4(b []byte) (rune, bool) {
	var r rune
	for _, c := range b {
		switch {
		case '0' <= c && c <= '9':
			r = r<<4 | rune(c-'0')
		case 'a' <= c && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case 'A' <= c && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

// int reads a whole number that fits an int64, written as JSON writes
// one: no fraction, no exponent, no leading zero.
func (s *scanner) int() (int64, bool) {
	s.ws()
	neg := s.i < len(s.b) && s.b[s.i] == '-'
	if neg {
		s.i++
	}
	start := s.i
	var u uint64
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		d := uint64(s.b[s.i] - '0')
		if u > (math.MaxUint64-d)/10 {
			return 0, false
		}
		u = u*10 + d
		s.i++
	}
	n := s.i - start
	if n == 0 || n > 1 && s.b[start] == '0' {
		return 0, false
	}
	if s.i < len(s.b) {
		switch s.b[s.i] {
		case '.', 'e', 'E':
			return 0, false
		}
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true // -(1<<63) wraps to itself: math.MinInt64
	case !neg && u <= math.MaxInt64:
		return int64(u), true
	}
	return 0, false
}

// AppendEvent appends e as encoding/json writes it, byte for byte
// (FuzzAppendEventWritesWhatEncodingJSONWrites), without its reflection:
// a push's body and a pull's page are thousands of events.
func AppendEvent(buf []byte, e Event) []byte {
	buf = appendString(append(buf, `{"id":`...), e.ID)
	buf = appendString(append(buf, `,"station":`...), e.Station)
	buf = appendString(append(buf, `,"actor":`...), e.Actor)
	buf = strconv.AppendInt(append(buf, `,"hlc":`...), e.HLC, 10)
	buf = appendString(append(buf, `,"kind":`...), e.Kind)
	buf = appendString(append(buf, `,"subject":`...), e.Subject)
	buf = strconv.AppendInt(append(buf, `,"cycle":`...), int64(e.Cycle), 10)
	buf = appendString(append(buf, `,"ref":`...), e.Ref)
	buf = appendString(append(buf, `,"payload":`...), e.Payload)
	if e.Seq != 0 {
		buf = strconv.AppendInt(append(buf, `,"seq":`...), e.Seq, 10)
	}
	return append(buf, '}')
}

// AppendPull appends a pull's answer as json.Encoder writes it, the
// closing newline included.
func AppendPull(buf []byte, resp PullResponse) []byte {
	buf = slices.Grow(buf, 64+EventsSize(resp.Events))
	buf = append(buf, `{"events":`...)
	if resp.Events == nil {
		buf = append(buf, "null"...)
	} else {
		buf = append(buf, '[')
		for i, e := range resp.Events {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = AppendEvent(buf, e)
		}
		buf = append(buf, ']')
	}
	buf = strconv.AppendInt(append(buf, `,"next":`...), resp.Next, 10)
	buf = strconv.AppendInt(append(buf, `,"head":`...), resp.Head, 10)
	return append(buf, "}\n"...)
}

// AppendPushResponse appends a push's answer as json.Encoder writes it,
// the ids in order and the closing newline included. encoding/json gets
// there through reflection on every one of the 5,000 ids.
func AppendPushResponse(buf []byte, resp PushResponse) []byte {
	if resp.Seqs == nil {
		return append(buf, `{"seqs":null}`+"\n"...)
	}
	ids := slices.Sorted(maps.Keys(resp.Seqs))
	buf = slices.Grow(buf, 16+len(ids)*(40+20))
	buf = append(buf, `{"seqs":{`...)
	for i, id := range ids {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = strconv.AppendInt(append(appendString(buf, id), ':'), resp.Seqs[id], 10)
	}
	return append(buf, "}}\n"...)
}

// EventsSize is about the bytes AppendEvent writes for evs, a little
// over where nothing needs escaping: grown to it once, a buffer is not
// copied as it doubles through a page.
func EventsSize(evs []Event) int {
	n := 0
	for _, e := range evs {
		n += len(e.ID) + len(e.Station) + len(e.Actor) + len(e.Kind) + len(e.Subject) + len(e.Ref) + len(e.Payload)*9/8 + 160
	}
	return n
}

const hexDigits = "0123456789abcdef"

// plain are the bytes encoding/json writes as they are: ASCII but
// control characters, the quote, the backslash and HTML's <, > and &.
var plain = func() (t [256]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\' && b != '<' && b != '>' && b != '&'
	}
	return t
}()

// appendString writes s as encoding/json does: HTML's <, > and & escaped,
// bytes that are not UTF-8 as U+FFFD, U+2028 and U+2029 escaped.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if plain[b] {
				i++
				continue
			}
			buf = append(buf, s[start:i]...)
			switch b {
			case '\\', '"':
				buf = append(buf, '\\', b)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size == 1:
			buf = append(append(buf, s[start:i]...), `\ufffd`...)
		case c == '\u2028' || c == '\u2029':
			buf = append(append(buf, s[start:i]...), '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(append(buf, s[start:]...), '"')
}
