package bench

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"
)

// Memory is the server's resident set size (VmRSS of -server-pid, from
// /proc/<pid>/status) sampled every IntervalSeconds through the run. Each
// sample is [seconds since the first, MiB]. The figures after PeakMiB are
// over the measured window of the run's timed phase (MeasuredFrom to
// MeasuredTo, in the samples' seconds): its first and last sample, and the
// means of its first and last quarter, which tell whether memory grows
// with running time (a collector's sawtooth moves single samples, less so
// the means).
type Memory struct {
	ServerPID        int          `json:"server_pid"`
	IntervalSeconds  float64      `json:"interval_seconds"`
	Samples          [][2]float64 `json:"samples"`
	PeakMiB          float64      `json:"peak_mib"`
	MeasuredFrom     float64      `json:"measured_from"`
	MeasuredTo       float64      `json:"measured_to"`
	StartMiB         float64      `json:"start_mib"`
	EndMiB           float64      `json:"end_mib"`
	FirstQuarterMiB  float64      `json:"first_quarter_mean_mib"`
	LastQuarterMiB   float64      `json:"last_quarter_mean_mib"`
	ServerMeasureErr string       `json:"server_error,omitempty"`
}

// procRSS returns the resident set size of process pid from
// /proc/<pid>/status.
func procRSS(pid int) (int64, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, err
	}
	return parseRSS(b)
}

// parseRSS reads the VmRSS line ("VmRSS:     12345 kB") of a status file.
func parseRSS(b []byte) (int64, error) {
	for line := range bytes.Lines(b) {
		rest, ok := bytes.CutPrefix(line, []byte("VmRSS:"))
		if !ok {
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return 0, fmt.Errorf("VmRSS line %q", bytes.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil || kb < 0 {
			return 0, fmt.Errorf("VmRSS line %q", bytes.TrimSpace(line))
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("no VmRSS line (a kernel thread, or not Linux)")
}

// edgeSlack is how late (in seconds) the sample at the measured window's
// end may be.
const edgeSlack = 0.1

// memMeter samples a process's RSS in the background.
type memMeter struct {
	pid      int
	interval time.Duration
	start    time.Time
	stopped  chan struct{}
	done     chan struct{}

	mu       sync.Mutex // guards the fields below
	samples  [][2]float64
	err      error
	from, to time.Time // the measured window
}

// startMemory samples pid's RSS every interval until stop; nil without a
// pid.
func startMemory(ctx context.Context, pid int, interval time.Duration) *memMeter {
	if pid <= 0 {
		return nil
	}
	m := &memMeter{pid: pid, interval: interval, start: time.Now(), stopped: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(m.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			m.sample()
			select {
			case <-ctx.Done():
				return
			case <-m.stopped:
				return
			case <-t.C:
			}
		}
	}()
	return m
}

func (m *memMeter) sample() {
	rss, err := procRSS(m.pid)
	at := time.Since(m.start).Seconds()
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		if m.err == nil {
			m.err = err
		}
		return
	}
	m.samples = append(m.samples, [2]float64{round(at, 3), round(float64(rss)/(1<<20), 1)})
	slices.SortFunc(m.samples, func(a, b [2]float64) int { return cmp.Compare(a[0], b[0]) })
}

// measure names the measured window the summary is over, and samples at
// its start and end too.
func (m *memMeter) measure(from, to time.Time) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.from, m.to = from, to
	m.mu.Unlock()
	go func() {
		for _, at := range []time.Time{from, to} {
			t := time.NewTimer(time.Until(at))
			select {
			case <-m.stopped:
				t.Stop()
				return
			case <-t.C:
				m.sample()
			}
		}
	}()
}

// stop takes a last sample and returns the report (nil when there was no
// pid to sample).
func (m *memMeter) stop() *Memory {
	if m == nil {
		return nil
	}
	close(m.stopped)
	<-m.done
	m.sample()
	m.mu.Lock()
	defer m.mu.Unlock()
	mem := &Memory{ServerPID: m.pid, IntervalSeconds: m.interval.Seconds(), Samples: m.samples}
	if mem.Samples == nil {
		mem.Samples = [][2]float64{}
	}
	if m.err != nil {
		mem.ServerMeasureErr = m.err.Error()
	}
	var from, to float64
	if !m.from.IsZero() {
		from, to = round(m.from.Sub(m.start).Seconds(), 3), round(m.to.Sub(m.start).Seconds(), 3)
	}
	mem.summarize(from, to)
	return mem
}

// summarize computes the peak over all samples and the rest over those in
// [from, to] (all of them when to is 0). The sample taken at to comes a
// little after it.
func (mem *Memory) summarize(from, to float64) {
	var in []float64
	for _, s := range mem.Samples {
		mem.PeakMiB = max(mem.PeakMiB, s[1])
		if to == 0 || (s[0] >= from && s[0] <= to+edgeSlack) {
			in = append(in, s[1])
		}
	}
	if to == 0 && len(mem.Samples) > 0 {
		from, to = mem.Samples[0][0], mem.Samples[len(mem.Samples)-1][0]
	}
	mem.MeasuredFrom, mem.MeasuredTo = from, to
	if len(in) == 0 {
		return
	}
	mem.StartMiB, mem.EndMiB = in[0], in[len(in)-1]
	q := max(len(in)/4, 1)
	mean := func(xs []float64) float64 {
		var s float64
		for _, x := range xs {
			s += x
		}
		return round(s/float64(len(xs)), 1)
	}
	mem.FirstQuarterMiB, mem.LastQuarterMiB = mean(in[:q]), mean(in[len(in)-q:])
}
