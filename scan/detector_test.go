package scan

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func key(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Text: string(r)} }

var enter = tea.KeyPressMsg{Code: tea.KeyEnter}

// feed types s with gap between keys, then Enter, and returns everything
// the detector let through. Where the gap is longer than MaxGap, the
// flush timer fires in between, as it does in the program.
func feed(d *Detector, start time.Time, s string, gap time.Duration) ([]tea.Msg, time.Time) {
	now := start
	var out []tea.Msg
	for _, r := range s {
		fwd, _ := d.Intercept(key(r), now)
		out = append(out, fwd...)
		if gap > d.MaxGap {
			fwd, _ = d.Intercept(flushMsg{seq: d.seq}, now.Add(d.MaxGap))
			out = append(out, fwd...)
		}
		now = now.Add(gap)
	}
	fwd, _ := d.Intercept(enter, now)
	return append(out, fwd...), now
}

func TestBurstBecomesOneScan(t *testing.T) {
	d := NewDetector(0)
	out, _ := feed(d, time.Unix(0, 0), "fDMPXK2ABC123", 4*time.Millisecond)
	if len(out) != 1 {
		t.Fatalf("want one message, got %d: %v", len(out), out)
	}
	s, ok := out[0].(Msg)
	if !ok || s.Code != "fDMPXK2ABC123" {
		t.Fatalf("got %#v", out[0])
	}
	if s.Duration != 13*4*time.Millisecond {
		t.Fatalf("duration %v", s.Duration)
	}
}

func TestTypingIsReplayedInOrder(t *testing.T) {
	d := NewDetector(0)
	out, _ := feed(d, time.Unix(0, 0), "fuq", 150*time.Millisecond)
	var got string
	for _, m := range out {
		got += m.(tea.KeyPressMsg).String() + " "
	}
	if got != "f u q enter " {
		t.Fatalf("replayed %q", got)
	}
}

func TestShortFastRunIsNotAScan(t *testing.T) {
	d := NewDetector(0)
	out, _ := feed(d, time.Unix(0, 0), "abc", time.Millisecond)
	if len(out) != 4 {
		t.Fatalf("want a, b, c, enter; got %v", out)
	}
}

func TestFlushReleasesAHeldKey(t *testing.T) {
	d := NewDetector(0)
	_, cmd := d.Intercept(key('f'), time.Unix(0, 0))
	if cmd == nil || d.Pending() != 1 {
		t.Fatal("the key should be held with a flush timer armed")
	}
	out, _ := d.Intercept(flushMsg{seq: d.seq}, time.Unix(0, 0).Add(60*time.Millisecond))
	if len(out) != 1 || out[0].(tea.KeyPressMsg).Text != "f" {
		t.Fatalf("want f replayed, got %v", out)
	}
	if out, _ := d.Intercept(flushMsg{seq: d.seq - 3}, time.Unix(1, 0)); out != nil {
		t.Fatalf("a stale timer must do nothing, got %v", out)
	}
}

func TestBackToBackScansStaySeparate(t *testing.T) {
	d := NewDetector(0)
	now := time.Unix(0, 0)
	var scans []string
	for _, s := range []string{"SERIAL0001", "SERIAL0002", "SERIAL0003"} {
		out, end := feed(d, now, s, 3*time.Millisecond)
		for _, m := range out {
			scans = append(scans, m.(Msg).Code)
		}
		now = end.Add(3 * time.Millisecond)
	}
	if len(scans) != 3 || scans[0] != "SERIAL0001" || scans[2] != "SERIAL0003" {
		t.Fatalf("scans = %v", scans)
	}
}

func TestCRLFSuffixIsOneTerminator(t *testing.T) {
	d := NewDetector(0)
	out, end := feed(d, time.Unix(0, 0), "SERIAL0001", 3*time.Millisecond)
	lf := tea.KeyPressMsg{Code: 'j', Mod: tea.ModCtrl}
	more, _ := d.Intercept(lf, end.Add(time.Millisecond))
	if len(out) != 1 || len(more) != 0 {
		t.Fatalf("want one scan and the LF swallowed, got %v then %v", out, more)
	}
	// A ctrl+j long after a scan is a person's key and passes.
	more, _ = d.Intercept(lf, end.Add(time.Second))
	if len(more) != 1 {
		t.Fatalf("a lone ctrl+j must pass, got %v", more)
	}
}

func TestCtrlKeysPassStraightThrough(t *testing.T) {
	d := NewDetector(0)
	out, cmd := d.Intercept(tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}, time.Unix(0, 0))
	if cmd != nil || len(out) != 1 {
		t.Fatalf("ctrl+c must pass, got %v", out)
	}
}

func TestPasteKeepsOrder(t *testing.T) {
	d := NewDetector(0)
	d.Intercept(key('a'), time.Unix(0, 0))
	out, _ := d.Intercept(tea.PasteMsg{Content: "DMPXK2ABC123"}, time.Unix(0, 0))
	if len(out) != 2 || out[0].(tea.KeyPressMsg).Text != "a" {
		t.Fatalf("got %v", out)
	}
	if _, ok := out[1].(tea.PasteMsg); !ok {
		t.Fatalf("the paste must follow the held key, got %v", out)
	}
}

// TestBurstSurvivesABusyProgram replays the program's queue: the scanner
// types a key every 3 ms, and each key's flush timer lands in the queue
// MaxGap after the key was handled; the program stalls at random for up
// to 200 ms between messages (a desk syncing, printing, collecting
// garbage), so keys are handled long after they arrived. Every serial
// must still come out as one scan.
func TestBurstSurvivesABusyProgram(t *testing.T) {
	d := NewDetector(0)
	rng := rand.New(rand.NewPCG(1, 2))
	type queued struct {
		at  time.Duration // when it entered the queue
		msg tea.Msg
	}
	var queue []queued
	var serials []string
	at := time.Duration(0)
	for i := range 200 {
		s := fmt.Sprintf("SERIAL%04d", i)
		serials = append(serials, s)
		for _, r := range s {
			queue = append(queue, queued{at, key(r)})
			at += 3 * time.Millisecond
		}
		queue = append(queue, queued{at, enter})
		at += 300 * time.Millisecond // the next tablet
	}
	var scans []string
	clock := time.Duration(0)
	start := time.Unix(0, 0)
	for len(queue) > 0 {
		// The next message by arrival; the program takes it when free.
		sort.SliceStable(queue, func(i, j int) bool { return queue[i].at < queue[j].at })
		q := queue[0]
		queue = queue[1:]
		clock = max(clock, q.at)
		if rng.IntN(4) == 0 {
			clock += time.Duration(rng.IntN(200)) * time.Millisecond
		}
		out, cmd := d.Intercept(q.msg, start.Add(clock))
		if cmd != nil { // the flush timer: its message arrives MaxGap later
			queue = append(queue, queued{clock + d.MaxGap, flushMsg{seq: d.seq}})
		}
		for _, m := range out {
			if s, ok := m.(Msg); ok {
				scans = append(scans, s.Code)
			} else {
				t.Fatalf("a key leaked out of a burst: %v (scans so far %d)", m, len(scans))
			}
		}
	}
	if len(scans) != len(serials) {
		t.Fatalf("%d scans, want %d", len(scans), len(serials))
	}
	for i := range serials {
		if scans[i] != serials[i] {
			t.Fatalf("scan %d = %q, want %q", i, scans[i], serials[i])
		}
	}
}
