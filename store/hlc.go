package store

import "time"

// HLC is a hybrid logical clock value: unix milliseconds in the high 48
// bits, a counter in the low 16. It orders a station's events even when
// the wall clock stalls or steps back, and stays close to real time so it
// can be shown as one.
type HLC int64

// Next returns the clock value after h at wall time now.
func (h HLC) Next(now time.Time) HLC {
	ms := now.UnixMilli()
	if ms > h.Millis() {
		return HLC(ms << 16)
	}
	return h + 1
}

// Millis is the physical part of h.
func (h HLC) Millis() int64 { return int64(h) >> 16 }

// Time is h as a wall-clock time.
func (h HLC) Time() time.Time { return time.UnixMilli(h.Millis()) }

// hlcAt is the first clock value at t; used for "since" queries.
func hlcAt(t time.Time) HLC { return HLC(t.UnixMilli() << 16) }
