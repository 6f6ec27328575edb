package runtime

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/analytics/record"
	"sluice/internal/analytics/value"
)

// An output sends the rows of one in-application stream to its
// destination. The application's goroutine formats each row as it is made
// (add) and queues it; the output's own goroutine delivers the queue in
// order, in batches, retrying a failed batch with backoff until it is
// delivered, as AWS retries a destination indefinitely (the queue then
// fills and holds back the input: the application falls behind but keeps
// running). After each delivered batch the output's mark moves: how far
// its rows are delivered, which checkpoints keep.

// outRecord is a formatted row waiting to be delivered.
type outRecord struct {
	t    int64  // ROWTIME
	r    int64  // replay point of the call that made the row
	hash uint64 // of the row's record, for the mark
	// key is a stable 128-bit name of the row: the output, its ROWTIME and
	// its rank among the output's rows at that ROWTIME. It makes the
	// partition key of a data stream output and the recordId of a Lambda
	// output, the same when the row is sent again.
	key  [16]byte
	data []byte
}

// deliverer writes records to one kind of destination. deliver returns
// once every record is written, retrying the ones that fail, or when ctx
// ends (false).
type deliverer interface {
	deliver(ctx context.Context, recs []outRecord) bool
}

// Queue bounds: past them the application stops taking input in until the
// output catches up (back pressure).
const (
	outputMaxPending      = 20000
	outputMaxPendingBytes = 32 << 20
)

type output struct {
	cfg     analytics.Output
	appID   string
	format  *record.Formatter
	deliver deliverer
	metrics *OutputMetrics
	log     *slog.Logger
	// batchRecords and batchBytes bound one delivery.
	batchRecords, batchBytes int
	// interval is the least time between deliveries (Lambda outputs are
	// invoked about once a second, as AWS does); 0 for none.
	interval time.Duration

	// Owned by the application's goroutine.
	scratch []byte
	lastT   int64
	rank    uint64
	resume  *resumeFilter

	mu       sync.Mutex
	queue    []outRecord
	bytes    int
	inflight []outRecord
	mark     outputMark
	wake     chan struct{} // a record was queued
	progress chan struct{} // shared: a batch was delivered (back pressure waits on it)
}

// add formats one row of the output's stream and queues it, unless the
// resume filter knows it was delivered before the restart.
func (o *output) add(t, r int64, vals []value.Value) {
	if t != o.lastT {
		o.lastT, o.rank = t, 0
	} else {
		o.rank++
	}
	o.scratch = o.format.AppendRecord(o.scratch[:0], vals)
	rec := outRecord{t: t, r: r, data: append([]byte(nil), o.scratch...)}
	rec.hash = rowHash(t, rec.data)
	rec.key = rowKey(o.appID, o.cfg.ID, t, o.rank)
	if o.resume != nil {
		keep := o.resume.take(rec, o)
		for _, k := range keep {
			o.enqueue(k)
		}
		if o.resume.done {
			o.resume = nil
		}
		return
	}
	o.enqueue(rec)
}

func (o *output) enqueue(rec outRecord) {
	o.mu.Lock()
	o.queue = append(o.queue, rec)
	o.bytes += len(rec.data)
	n := len(o.queue) + len(o.inflight)
	o.mu.Unlock()
	o.metrics.Pending.Store(int64(n))
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

// full reports whether the queue is past its bounds.
func (o *output) full() bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queue) >= outputMaxPending || o.bytes >= outputMaxPendingBytes
}

// state returns the output's mark and the least replay point of the rows
// not yet delivered (ok false when there are none). The mark first moves
// up to the ROWTIME of the first row not delivered, or with none to clock,
// the application's time: every row before it was delivered, and every
// row still to come is at it or later (a program emits in time order), so
// a replay drops what it makes before it: rows the output has, and rows
// the program never made, which a replay over partly rebuilt windows can
// make (exec's doc, Recovery). The caller is the application's goroutine,
// the only one that adds rows.
func (o *output) state(clock int64) (mark outputMark, pendingR int64, ok bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	next := clock
	for _, q := range [][]outRecord{o.inflight, o.queue} {
		for i := range q {
			if !ok {
				next = q[i].t // the first row not delivered
			}
			if !ok || q[i].r < pendingR {
				pendingR, ok = q[i].r, true
			}
		}
	}
	if o.resume == nil && next > o.mark.T {
		o.mark = outputMark{T: next, R: next}
	}
	return o.mark, pendingR, ok
}

// pending counts the rows not yet delivered.
func (o *output) pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.queue) + len(o.inflight)
}

// resetMark restarts the count of rows delivered at t (see resumeFilter).
func (o *output) resetMark(t, r int64) {
	o.mu.Lock()
	o.mark = outputMark{T: t, R: r}
	o.mu.Unlock()
}

// run delivers the queue until ctx ends.
func (o *output) run(ctx context.Context) {
	var last time.Time
	for {
		o.mu.Lock()
		n, size := 0, 0
		for n < len(o.queue) && n < o.batchRecords && (n == 0 || size+len(o.queue[n].data) <= o.batchBytes) {
			size += len(o.queue[n].data)
			n++
		}
		o.inflight = append(o.inflight[:0], o.queue[:n]...)
		o.queue = o.queue[n:]
		if len(o.queue) == 0 {
			o.queue = nil // let the delivered records go
		}
		o.bytes -= size
		o.mu.Unlock()
		if n == 0 {
			select {
			case <-ctx.Done():
				return
			case <-o.wake:
			}
			continue
		}
		if o.interval > 0 {
			if wait := o.interval - time.Since(last); wait > 0 && n < o.batchRecords {
				t := time.NewTimer(wait)
				select {
				case <-ctx.Done():
					t.Stop()
					o.requeue()
					return
				case <-t.C:
				}
				o.requeue() // take what came meanwhile too
				continue
			}
			last = time.Now()
		}
		if !o.deliver.deliver(ctx, o.inflight) {
			o.requeue()
			return
		}
		o.delivered(size)
	}
}

// requeue puts the records in flight back at the head of the queue.
func (o *output) requeue() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.inflight {
		o.bytes += len(o.inflight[i].data)
	}
	o.queue = append(o.inflight[:len(o.inflight):len(o.inflight)], o.queue...)
	o.inflight = nil
}

// delivered moves the mark past the records in flight.
func (o *output) delivered(size int) {
	o.mu.Lock()
	for i := range o.inflight {
		r := &o.inflight[i]
		if r.t > o.mark.T || o.mark.N == 0 {
			// (A mark moved up to the clock has no rows at its time: the
			// first row there starts its count.)
			o.mark = outputMark{T: r.t, N: 1, Sum: r.hash, R: r.r}
		} else {
			o.mark.N++
			o.mark.Sum += r.hash
			o.mark.R = min(o.mark.R, r.r)
		}
	}
	n := len(o.inflight)
	o.inflight = o.inflight[:0]
	pending := len(o.queue)
	o.mu.Unlock()
	o.metrics.Records.Add(int64(n))
	o.metrics.Bytes.Add(int64(size))
	o.metrics.Pending.Store(int64(pending))
	select {
	case o.progress <- struct{}{}:
	default:
	}
}

// rowHash is FNV-1a (64 bits) over a row's ROWTIME and record: stable
// across runs, as the marks it makes are kept.
func rowHash(t int64, data []byte) uint64 {
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	var tb [8]byte
	binary.BigEndian.PutUint64(tb[:], uint64(t))
	for _, c := range tb {
		h = (h ^ uint64(c)) * prime
	}
	for _, c := range data {
		h = (h ^ uint64(c)) * prime
	}
	return h
}

// rowKey names a row: two FNV-1a hashes (different offsets) over the
// application, output, ROWTIME and rank.
func rowKey(appID, outputID string, t int64, rank uint64) [16]byte {
	const prime = 1099511628211
	h1, h2 := uint64(14695981039346656037), uint64(0x6c62272e07bb0142)
	mix := func(b []byte) {
		for _, c := range b {
			h1 = (h1 ^ uint64(c)) * prime
			h2 = (h2 ^ uint64(c)) * prime
		}
	}
	mix([]byte(appID))
	mix([]byte{0})
	mix([]byte(outputID))
	var nb [16]byte
	binary.BigEndian.PutUint64(nb[:8], uint64(t))
	binary.BigEndian.PutUint64(nb[8:], rank)
	mix(nb[:])
	var out [16]byte
	binary.BigEndian.PutUint64(out[:8], h1)
	binary.BigEndian.PutUint64(out[8:], h2)
	return out
}

// partitionKey is a data stream output record's partition key: 32 hex
// digits of the row's key, which spread the rows over the shards as random
// keys would while a row sent again lands in the same shard.
func (r *outRecord) partitionKey() string { return hex.EncodeToString(r.key[:]) }
