package bench

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
)

// run is one benchmark run: its settings, client, the streams it made and
// the errors its setup met.
type run struct {
	cfg      Config
	tr       *http.Transport
	client   *kinesis.Client
	ka       *kinesisanalytics.Client
	progress io.Writer

	mu        sync.Mutex       // guards the fields below and progress
	setup     map[string]int64 // setup errors by code
	streams   []*stream        // to delete at the end
	consumers []string         // consumers registered (deleted with their stream)
	apps      []*application   // Data Analytics applications, deleted first
}

func newRun(cfg Config, progress io.Writer) *run {
	tr := newTransport(cfg)
	return &run{cfg: cfg, tr: tr, client: newClient(cfg, tr), ka: newAnalyticsClient(cfg, tr), progress: progress, setup: map[string]int64{}}
}

func (r *run) logf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.progress, "sluice bench: "+format+"\n", args...)
}

// setupError counts an error met while setting up or cleaning up.
func (r *run) setupError(code string) {
	r.mu.Lock()
	r.setup[code]++
	r.mu.Unlock()
}

// tally is what one goroutine counted in one phase.
type tally struct {
	calls, records, bytes int64
	lat                   *recorder
	errs, recErrs         map[string]int64
}

// worker is one client goroutine. measuring says whether the call under way
// counts (it started after the warmup).
type worker struct {
	id        int
	rng       *rand.Rand
	measuring bool
	from      time.Time // when set during a call, its latency counts from here
	pace      *pacer    // for fixed work (each)
	t         tally
}

// newTally returns a tally for one of of goroutines, which share the
// phase's latency samples.
func (r *run) newTally(of int) *tally {
	return &tally{lat: newRecorder(r.cfg.MaxSamples / max(of, 1)), errs: map[string]int64{}, recErrs: map[string]int64{}}
}

func (r *run) newWorker(id, of int) *worker {
	return &worker{id: id, rng: rand.New(rand.NewPCG(rand.Uint64(), uint64(id))), measuring: true, t: *r.newTally(of)}
}

// key returns a random partition key.
func (w *worker) key() *string {
	k := strconv.FormatUint(w.rng.Uint64(), 36)
	return &k
}

// payload returns n random bytes.
func (w *worker) payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(w.rng.Uint32())
	}
	return b
}

// fail counts a failed call (while measuring).
func (w *worker) fail(err error) {
	if w.measuring {
		w.t.errs[errorCode(err)]++
	}
}

// failRecord counts a record a PutRecords call did not write.
func (w *worker) failRecord(code string) {
	if w.measuring {
		w.t.recErrs[code]++
	}
}

// ok counts a successful call.
func (w *worker) ok(records, bytes int, lat time.Duration) {
	if w.measuring {
		w.t.calls++
		w.t.records += int64(records)
		w.t.bytes += int64(bytes)
		w.t.lat.add(lat)
	}
}

// window is a timed workload's timeline: warmup from start, measurement
// from from to end.
type window struct{ start, from, end time.Time }

func (r *run) window() window {
	now := time.Now()
	return window{now, now.Add(r.cfg.Warmup), now.Add(r.cfg.Warmup + r.cfg.Duration)}
}

func (w window) measures(t time.Time) bool { return !t.Before(w.from) && t.Before(w.end) }

// elapsed is the measured window's length, or the part of it that passed
// before an interrupt.
func (w window) elapsed() time.Duration {
	end := w.end
	if now := time.Now(); now.Before(end) {
		end = now
	}
	return max(end.Sub(w.from), 0)
}

// pacer hands out call times: now when unbounded, else a fixed schedule of
// rate calls/s shared by all goroutines (open loop: a call is due at its
// time whether or not earlier calls have returned, and its latency counts
// from that time, so a server that falls behind shows it).
type pacer struct {
	start time.Time
	rate  float64
	n     atomic.Int64
}

// next waits for the next call's time and returns it, or false once that
// time is past end or ctx is done.
func (p *pacer) next(ctx context.Context, end time.Time) (time.Time, bool) {
	if p.rate <= 0 {
		now := time.Now()
		return now, ctx.Err() == nil && now.Before(end)
	}
	t := p.start.Add(time.Duration(float64(p.n.Add(1)-1) * 1e9 / p.rate))
	if !t.Before(end) {
		return t, false
	}
	if d := time.Until(t); d > 0 {
		timer := time.NewTimer(d)
		defer timer.Stop()
		select {
		case <-ctx.Done():
			return t, false
		case <-timer.C:
		}
	}
	return t, ctx.Err() == nil
}

// op is one call of a workload: it returns the records and bytes it moved,
// and may count further failures on w itself.
type op func(ctx context.Context, w *worker) (records, bytes int, err error)

// loop runs a timed phase: n goroutines call their op through the warmup
// and the measured duration. The calls that start in the measured window
// count (those under way at its end finish first), and rates are over the
// window's length.
func (r *run) loop(ctx context.Context, name string, win window, n int, newOp func(w *worker) op) Phase {
	p := &pacer{start: win.start, rate: r.cfg.Rate}
	cpu := startCPU(ctx, r.cfg.ServerPID, win.from)
	workers := make([]*worker, n)
	var wg sync.WaitGroup
	for i := range n {
		w := r.newWorker(i, n)
		workers[i] = w
		f := newOp(w)
		wg.Go(func() {
			for {
				at, ok := p.next(ctx, win.end)
				if !ok {
					return
				}
				w.measuring = !at.Before(win.from)
				r.call(ctx, w, at, f)
			}
		})
	}
	wg.Wait()
	ph := merge(name, win.elapsed(), workers)
	ph.CPU = cpu.stop(ph.Records)
	return ph
}

// call makes one call of f, counts it and pauses after a failure.
func (r *run) call(ctx context.Context, w *worker, at time.Time, f op) bool {
	cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	w.from = time.Time{}
	records, bytes, err := f(cctx, w)
	cancel()
	lat := time.Since(at)
	if w.from.After(at) {
		lat = time.Since(w.from)
	}
	if ctx.Err() != nil {
		return false // interrupted: not the endpoint's doing
	}
	if err != nil {
		w.fail(err)
		r.pause(ctx)
		return false
	}
	w.ok(records, bytes, lat)
	return true
}

// pause sleeps -backoff after a failed call.
func (r *run) pause(ctx context.Context) {
	if r.cfg.Backoff > 0 {
		sleep(ctx, r.cfg.Backoff)
	}
}

// each runs a fixed amount of work: f(i) for i in [0, count) on n
// goroutines, f making its calls with do, at most rate calls/s (0:
// unbounded). It returns the phase with its wall time.
func (r *run) each(ctx context.Context, name string, rate float64, n, count int, f func(ctx context.Context, w *worker, i int)) Phase {
	start := time.Now()
	p := &pacer{start: start, rate: rate}
	n = max(min(n, count), 1)
	workers := make([]*worker, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for g := range n {
		w := r.newWorker(g, n)
		w.pace = p
		workers[g] = w
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= count {
					return
				}
				f(ctx, w, i)
			}
		})
	}
	wg.Wait()
	return merge(name, time.Since(start), workers)
}

// do makes one call of fixed work, paced by -rate, and counts it.
func (r *run) do(ctx context.Context, w *worker, f op) bool {
	at, ok := w.pace.next(ctx, forever)
	return ok && r.call(ctx, w, at, f)
}

// forever is an end that fixed work never reaches.
var forever = time.Unix(1<<62, 0)

// merge adds up the workers' tallies into a phase over elapsed.
func merge(name string, elapsed time.Duration, workers []*worker) Phase {
	ts := make([]*tally, len(workers))
	for i, w := range workers {
		ts[i] = &w.t
	}
	return mergeTallies(name, elapsed, ts)
}

func mergeTallies(name string, elapsed time.Duration, ts []*tally) Phase {
	p := Phase{Name: name, Errors: map[string]int64{}, RecordErrors: map[string]int64{}}
	var recs []*recorder
	for _, t := range ts {
		p.Calls += t.calls
		p.Records += t.records
		p.Bytes += t.bytes
		recs = append(recs, t.lat)
		for code, n := range t.errs {
			p.Errors[code] += n
		}
		for code, n := range t.recErrs {
			p.RecordErrors[code] += n
		}
	}
	p.Latency = summarize(recs)
	p.finish(elapsed)
	return p
}
