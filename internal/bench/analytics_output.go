package bench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// outputs is the Data Analytics workloads' reader of the destination
// stream (a receiver for follow): it counts the output records, notes when
// each marker's row arrived, and with -rate accounts for the rows of
// records sent while measuring (see delivery, which it follows).
type outputs struct {
	q          query
	win        atomic.Pointer[window] // set by rate runs once the producers start
	count      atomic.Int64           // output records
	unreadable atomic.Int64
	sent       atomic.Int64 // filter, rate runs: rows passed, sent while measuring
	received   atomic.Int64 // rate runs: of those, received

	mu      sync.Mutex
	markers map[string]time.Time // marker ticker → arrival of its first row
	marked  map[int]time.Time    // phase → when its marker could first show
	changed chan struct{}        // closed when a marker arrives
}

func newOutputs(q query) *outputs {
	return &outputs{q: q, markers: map[string]time.Time{}, marked: map[int]time.Time{}, changed: make(chan struct{})}
}

// arrived implements receiver.
func (o *outputs) arrived(t *tally, recs []types.Record, now time.Time) {
	o.count.Add(int64(len(recs)))
	win := o.win.Load()
	if win != nil && win.measures(now) {
		t.calls++
	}
	for _, rec := range recs {
		r, ok := o.q.parseRow(rec.Data)
		switch {
		case !ok:
			o.unreadable.Add(1)
			continue
		case strings.HasPrefix(r.ticker, "END"):
			o.noteMarker(r.ticker, now)
			continue
		case r.ticker == closer || win == nil || !win.measures(r.sent):
			continue
		}
		lat := now.Sub(r.sent)
		if o.q.window > 0 {
			lat = now.Sub(windowEnd(o.q.window, r.sent, now))
		}
		o.received.Add(1)
		t.records++
		t.bytes += int64(len(rec.Data))
		t.lat.add(lat)
	}
}

// failed implements receiver: a subscription's failure, counted once the
// producers have started.
func (o *outputs) failed(t *tally, err error) {
	if o.win.Load() != nil {
		t.errs[errorCode(err)]++
	}
}

func (o *outputs) noteMarker(ticker string, now time.Time) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.markers[ticker]; ok {
		return // delivered again
	}
	o.markers[ticker] = now
	close(o.changed)
	o.changed = make(chan struct{})
}

// setMarked notes when phase i's marker could first show in the output.
func (o *outputs) setMarked(i int, at time.Time) {
	o.mu.Lock()
	o.marked[i] = at
	o.mu.Unlock()
}

func (o *outputs) markedAt(i int) time.Time {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.marked[i]
}

// wait returns when the row of the marker ticker arrived, waiting for it
// up to timeout.
func (o *outputs) wait(ctx context.Context, ticker string, timeout time.Duration) (time.Time, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		o.mu.Lock()
		at, ok := o.markers[ticker]
		changed := o.changed
		o.mu.Unlock()
		if ok {
			return at, nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-timer.C:
			return time.Time{}, fmt.Errorf("no output row for the marker %s within %v", ticker, timeout)
		}
	}
}

// finish reports a rate run's deliver phase (from the subscriptions'
// tallies, once they have stopped) and, for the filter, the delivery
// account.
func (o *outputs) finish(res *Result, ts []*tally) {
	win := o.win.Load()
	if win == nil {
		return
	}
	res.add(mergeTallies("deliver", win.elapsed(), ts), true)
	if o.q.window > 0 {
		return
	}
	sent, got := o.sent.Load(), o.received.Load()
	res.Delivery = &Delivery{Sent: sent, Received: got, Missing: max(sent-got, 0)}
	if sent > got {
		res.note("%d of the %d rows the filter passed of records sent while measuring did not reach the subscriber", sent-got, sent)
	}
}

// writeText writes the application's lines of the human report.
func (a *Analytics) writeText(b *strings.Builder) {
	what := fmt.Sprintf("the guide's tumbling window of %gs", a.WindowSeconds)
	if a.Query == "filter" {
		what = fmt.Sprintf("the guide's filter, %d%% of rows passing", a.SelectivityPercent)
	}
	fmt.Fprintf(b, "\napplication %s: %s, %d tickers, %.1f-byte input records; RUNNING %.3fs after StartApplication\n",
		a.Application, what, a.Tickers, a.InputRecordBytesAvg, a.StartSeconds)
	fmt.Fprintf(b, "behind when the input stopped: %.3fs; output records read: %d", a.BehindSeconds, a.OutputRecords)
	if a.ExpectedOutput > 0 {
		fmt.Fprintf(b, " (%d expected)", a.ExpectedOutput)
	}
	b.WriteString("\n")
}

// writeText writes the memory line of the human report.
func (m *Memory) writeText(b *strings.Builder) {
	if m.ServerMeasureErr != "" && len(m.Samples) == 0 {
		fmt.Fprintf(b, "\nserver memory: pid %d: %s\n", m.ServerPID, m.ServerMeasureErr)
		return
	}
	fmt.Fprintf(b, "\nserver memory (RSS, pid %d, %d samples): peak %.1f MiB; measured window (%.0fs to %.0fs): %.1f MiB at its start, %.1f at its end, "+
		"mean %.1f in its first quarter and %.1f in its last\n",
		m.ServerPID, len(m.Samples), m.PeakMiB, m.MeasuredFrom, m.MeasuredTo, m.StartMiB, m.EndMiB, m.FirstQuarterMiB, m.LastQuarterMiB)
}
