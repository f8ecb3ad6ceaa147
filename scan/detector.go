package scan

import (
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
)

// DefaultMaxGap is the largest pause between two keys of one scan. Wired
// scanners type a key every 2-30 ms; people rarely type two keys within
// 50 ms, and never a dozen in a row followed by Enter.
const DefaultMaxGap = 50 * time.Millisecond

// Msg is a recognised scan: the text the scanner typed before its Enter
// (unnormalised; see Parse) and how long the burst took.
type Msg struct {
	Code     string
	Duration time.Duration
}

// flushMsg fires MaxGap after the last held key. If no newer key came (seq
// still matches), the held keys were a person typing and are replayed.
type flushMsg struct{ seq uint64 }

// Detector recognises scanner bursts among key presses. Put Intercept in
// front of everything else in Update: it holds printable keys back until
// MaxGap passes with no new key (its flush timer), and either turns a run
// ended by Enter before that into a Msg or replays the held keys, in
// order, as the key presses they were.
//
// A person's keys are thus delayed by at most MaxGap, and a scanned serial
// never reaches a hotkey, whatever letter it starts with.
type Detector struct {
	MaxGap time.Duration // largest gap between two keys of one scan
	MinLen int           // fewest characters that can make a scan

	held    []tea.KeyPressMsg
	first   time.Time
	last    time.Time
	seq     uint64
	lastEnd time.Time // when the last scan ended, to swallow the LF of a CRLF suffix
}

// NewDetector returns a detector with the given gap (DefaultMaxGap when
// gap is zero) that accepts scans of at least MinSerialLen characters.
func NewDetector(gap time.Duration) *Detector {
	if gap <= 0 {
		gap = DefaultMaxGap
	}
	return &Detector{MaxGap: gap, MinLen: MinSerialLen}
}

// printable reports whether k inserts text with no ctrl, alt or super held.
func printable(k tea.KeyPressMsg) bool {
	return k.Text != "" && k.Mod&^(tea.ModShift|tea.ModCapsLock|tea.ModNumLock) == 0
}

// terminator reports whether k ends a scan: Enter (CR), Tab, or LF, which
// arrives as ctrl+j.
func terminator(k tea.KeyPressMsg) bool {
	switch k.String() {
	case "enter", "tab", "ctrl+j":
		return true
	}
	return false
}

// Intercept sees msg before the rest of Update. It returns the messages to
// handle in its place (none while keys are held, the replayed keys, or a
// Msg) and a command that arms the flush timer.
func (d *Detector) Intercept(msg tea.Msg, now time.Time) ([]tea.Msg, tea.Cmd) {
	switch msg := msg.(type) {
	case flushMsg:
		if msg.seq != d.seq || len(d.held) == 0 {
			return nil, nil // a newer key re-armed the timer
		}
		return d.release(), nil

	case tea.KeyPressMsg:
		// A key is part of the burst when it comes before the flush timer
		// of the key before it. That is the order the keys and the timer
		// arrived in, whatever the time Update runs at: a desk busy
		// syncing or printing may take a queued key 100 ms late, and a
		// burst judged by the clock of Update would split there.
		inBurst := len(d.held) > 0
		if printable(msg) {
			var out []tea.Msg
			if len(d.held) == 0 {
				d.first = now
			}
			d.held = append(d.held, msg)
			d.last = now
			d.seq++
			seq := d.seq
			return out, tea.Tick(d.MaxGap, func(time.Time) tea.Msg { return flushMsg{seq} })
		}
		if terminator(msg) && inBurst && len(d.held) >= d.MinLen {
			var b strings.Builder
			for _, k := range d.held {
				b.WriteString(k.Text)
			}
			res := Msg{Code: b.String(), Duration: now.Sub(d.first)}
			d.held = d.held[:0]
			d.seq++
			d.lastEnd = now
			return []tea.Msg{res}, nil
		}
		if msg.String() == "ctrl+j" && len(d.held) == 0 && !d.lastEnd.IsZero() && now.Sub(d.lastEnd) <= d.MaxGap {
			d.lastEnd = time.Time{} // the LF after a scan's CR
			return nil, nil
		}
		return append(d.release(), msg), nil

	case tea.PasteMsg:
		// A paste is the clipboard, not the scanner; keep the order.
		return append(d.release(), msg), nil
	}
	return []tea.Msg{msg}, nil
}

func (d *Detector) release() []tea.Msg {
	out := make([]tea.Msg, 0, len(d.held)+1)
	for _, k := range d.held {
		out = append(out, k)
	}
	d.held = d.held[:0]
	d.seq++
	return out
}

// Flush releases the held keys now, as the flush timer would.
func (d *Detector) Flush() []tea.Msg { return d.release() }

// Pending reports how many keys are held back.
func (d *Detector) Pending() int { return len(d.held) }
