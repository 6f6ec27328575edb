package firehose

import (
	"context"
	"sync"
	"time"

	"sluice/internal/storage"
)

// Log returns a delivery stream and its own log, for Sluice's services that
// read what the delivery stream takes in (Data Analytics reads a delivery
// stream input this way): shard 0 holds every record accepted, in order,
// with its arrival time, for 24 hours, as it was put (the records
// server-side encryption keeps sealed come back opened); Log.Watch wakes
// a reader when records arrive. The log is the delivery stream's, shared:
// readers must not append to it, and must stop using it once the delivery
// stream is gone (Log answers NotFound then, and a log closed under a
// reader reads nothing more) or served by another node (Log answers an
// error wrapping storage.ErrMoved: see placement.go).
func (s *Service) Log(c Caller, name string) (*DeliveryStream, storage.Log, error) {
	l, err := s.owned(c, name)
	if err != nil {
		return nil, nil, err
	}
	return l.snapshot(), l.log, nil
}

// Horizon returns a time (Unix ms) every record of a delivery stream that
// arrived at or before it is readable from its log: one millisecond before
// the start of the oldest append in flight, or before the clock when none
// is. A reader that reads the log after Horizon and takes its records up
// to the horizon takes them in an order no later record can change.
func (s *Service) Horizon(c Caller, name string) (int64, error) {
	l, err := s.owned(c, name)
	if err != nil {
		return 0, err
	}
	return l.appends.horizon(s.cfg.Now), nil
}

// append appends one batch to the delivery stream's log, noting it in
// flight meanwhile.
func (l *live) append(ctx context.Context, now func() time.Time, batch storage.Batch) ([]storage.BatchResult, error) {
	end := l.appends.begin(now)
	res, err := l.log.Append(ctx, []storage.Batch{batch})
	if err != nil && ctx.Err() != nil {
		// A cancelled append may still be written after Append returns:
		// it stays in flight a while longer, for readers.
		time.AfterFunc(time.Second, end)
	} else {
		end()
	}
	return res, err
}

// appendTracker knows the appends in flight: an append's records get an
// arrival time no earlier than the time it began (the log stamps them as it
// writes them, later), and become readable before it ends.
type appendTracker struct {
	mu     sync.Mutex
	next   uint64
	starts map[uint64]int64 // Unix ms, by append
}

// begin notes an append beginning now and returns what ends it. The clock
// is read under the lock, so that a horizon taken before sees the append
// and one taken after is no later than its start.
func (t *appendTracker) begin(now func() time.Time) (end func()) {
	t.mu.Lock()
	id := t.next
	t.next++
	if t.starts == nil {
		t.starts = map[uint64]int64{}
	}
	t.starts[id] = now().UnixMilli()
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		delete(t.starts, id)
		t.mu.Unlock()
	}
}

// horizon is the latest arrival time up to which every record is readable.
func (t *appendTracker) horizon(now func() time.Time) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := now().UnixMilli() - 1
	for _, start := range t.starts {
		h = min(h, start-1)
	}
	return h
}
