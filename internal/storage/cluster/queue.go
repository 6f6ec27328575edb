package cluster

import (
	"context"
	"sync/atomic"
	"time"

	"sluice/internal/storage"

	"sync"
)

// appendReq is one Append waiting for the flusher. Its records are encoded
// when it is queued, so that the flusher never reads the caller's memory
// and Append may return (its ctx ended) at any time.
type appendReq struct {
	batches  []encodedBatch
	bytes    int
	enqueued time.Time
	state    atomic.Int32 // reqQueued, then reqTaken or reqCanceled
	results  []storage.BatchResult
	err      error
	done     chan struct{} // closed when results and err are set
}

// Request states: a request its Append gave up on before the flusher took
// it is never written.
const (
	reqQueued int32 = iota
	reqTaken
	reqCanceled
)

// encodedBatch is a Batch with its records encoded as frame payloads.
type encodedBatch struct {
	shard  uint32
	frames []framePayload
}

// framePayload is the records of one frame to be.
type framePayload struct {
	count   int
	payload []byte
}

// encodeBatch encodes b's records into frame payloads of at most
// maxFrameRecords records and maxFramePayload bytes (one record may be
// larger), all in one allocation.
func encodeBatch(b storage.Batch) encodedBatch {
	total := 0
	for _, r := range b.Records {
		total += recordSize(r)
	}
	buf := make([]byte, 0, total)
	eb := encodedBatch{shard: b.Shard}
	start, count := 0, 0
	for _, r := range b.Records {
		if count == maxFrameRecords || count > 0 && len(buf)-start+recordSize(r) > maxFramePayload {
			eb.frames = append(eb.frames, framePayload{count: count, payload: buf[start:len(buf):len(buf)]})
			start, count = len(buf), 0
		}
		buf = appendRecord(buf, r)
		count++
	}
	if count > 0 {
		eb.frames = append(eb.frames, framePayload{count: count, payload: buf[start:]})
	}
	return eb
}

// queue holds the appends waiting for the next flush. It is bounded by
// bytes, so that a store slower than the appenders blocks them rather than
// growing memory.
type queue struct {
	mu     sync.Mutex
	reqs   []*appendReq
	bytes  int
	closed bool
	space  chan struct{} // closed when the flusher takes requests; nil while nobody waits for room
	wake   chan struct{} // tells the flusher that the queue changed
}

func (q *queue) init() { q.wake = make(chan struct{}, 1) }

// push queues r, waiting for room while more than limit bytes are queued.
// It reports ok false if the queue is closed.
func (q *queue) push(ctx context.Context, r *appendReq, limit int) (ok bool, err error) {
	for {
		q.mu.Lock()
		if q.closed {
			q.mu.Unlock()
			return false, nil
		}
		if q.bytes == 0 || q.bytes+r.bytes <= limit {
			r.enqueued = time.Now()
			q.reqs = append(q.reqs, r)
			q.bytes += r.bytes
			q.mu.Unlock()
			q.signal()
			return true, nil
		}
		if q.space == nil {
			q.space = make(chan struct{})
		}
		space := q.space
		q.mu.Unlock()
		select {
		case <-space:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// signal wakes the flusher.
func (q *queue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// peek returns what is queued: how many requests and bytes, and when the
// oldest was queued.
func (q *queue) peek() (n, bytes int, oldest time.Time, closed bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.reqs) > 0 {
		oldest = q.reqs[0].enqueued
	}
	return len(q.reqs), q.bytes, oldest, q.closed
}

// take removes the oldest requests, up to maxBytes of records (at least
// one request), and wakes Appends waiting for room.
func (q *queue) take(maxBytes int) []*appendReq {
	q.mu.Lock()
	defer q.mu.Unlock()
	n, bytes := 0, 0
	for n < len(q.reqs) && (n == 0 || bytes+q.reqs[n].bytes <= maxBytes) {
		bytes += q.reqs[n].bytes
		n++
	}
	group := q.reqs[:n:n]
	q.reqs = append([]*appendReq(nil), q.reqs[n:]...)
	q.bytes -= bytes
	if q.space != nil {
		close(q.space)
		q.space = nil
	}
	return group
}

// close refuses further pushes and wakes the flusher.
func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	if q.space != nil {
		close(q.space)
		q.space = nil
	}
	q.mu.Unlock()
	q.signal()
}
