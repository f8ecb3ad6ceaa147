// Package benchcpu adds the CPU time a benchmark's process spent to its
// figures. A durable commit waits on the disk, and a sync waits on
// PostgreSQL and the network; on a shared machine those waits vary from
// run to run far more than the work does, and CPU time shows a change in
// the work itself. PostgreSQL's own CPU, in its own processes, is not
// counted.
package benchcpu

import (
	"syscall"
	"testing"
	"time"
)

// Meter counts the process's CPU time (user and system, every thread)
// while it runs, and stops and starts the benchmark's timer with it, so
// the two count the same stretches.
type Meter struct {
	b       *testing.B
	spent   time.Duration
	since   time.Duration
	running bool
}

// Start returns a running meter.
func Start(b *testing.B) *Meter {
	m := &Meter{b: b}
	m.Resume()
	return m
}

// Pause stops counting, and the benchmark's timer (b.StopTimer).
func (m *Meter) Pause() {
	m.b.StopTimer()
	if m.running {
		m.spent += used(m.b) - m.since
		m.running = false
	}
}

// Resume counts again, and starts the benchmark's timer (b.StartTimer).
func (m *Meter) Resume() {
	if !m.running {
		m.since, m.running = used(m.b), true
	}
	m.b.StartTimer()
}

// Report adds the CPU time counted per operation as cpu-µs/op.
func (m *Meter) Report() {
	m.Pause()
	m.b.ReportMetric(float64(m.spent.Microseconds())/float64(m.b.N), "cpu-µs/op")
}

// Report counts from now until the returned function runs, and reports:
// defer benchcpu.Report(b)().
func Report(b *testing.B) func() { return Start(b).Report }

func used(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
