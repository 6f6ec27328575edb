package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sluice/internal/logstore"
	"sluice/internal/objectstore"
	"sluice/internal/storage"
)

// Append queues the batches for the next flush and waits until it is
// committed: its object written and its ranges committed in etcd under
// the fence. Counters and the arrival time are assigned at the flush (see
// storage.Log). If ctx ends first, Append returns ctx.Err(): nothing is
// written if the flusher had not taken the batches yet, otherwise they
// may still be committed, unacknowledged.
func (l *clusterLog) Append(ctx context.Context, batches []storage.Batch) ([]storage.BatchResult, error) {
	size := 0
	for _, b := range batches {
		for _, r := range b.Records {
			if len(r.Data) > logstore.MaxRecordBytes || len(r.PartitionKey) > logstore.MaxPartitionKeyBytes {
				return nil, fmt.Errorf("%w: %d bytes of data, %d of partition key (limits %d, %d)",
					logstore.ErrRecordTooLarge, len(r.Data), len(r.PartitionKey), logstore.MaxRecordBytes, logstore.MaxPartitionKeyBytes)
			}
			size += len(r.Data) + len(r.PartitionKey)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := l.writable(); err != nil {
		return nil, fmt.Errorf("cluster: append to %s: %w", l.id, err)
	}
	req := &appendReq{batches: make([]encodedBatch, len(batches)), bytes: size, done: make(chan struct{})}
	for i, b := range batches {
		req.batches[i] = encodeBatch(b)
	}
	ok, err := l.q.push(ctx, req, 4*l.b.opts.FlushBytes)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errClosed
	}
	select {
	case <-req.done:
		return req.results, req.err
	case <-ctx.Done():
		req.state.CompareAndSwap(reqQueued, reqCanceled)
		return nil, ctx.Err()
	}
}

// flusher is the log's writer goroutine: it waits until the oldest queued
// append has waited FlushInterval (or FlushBytes are queued), then writes
// everything queued as one object. One flush is in flight at a time;
// whatever is queued meanwhile goes into the next object.
func (l *clusterLog) flusher() {
	defer l.done.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		n, bytes, oldest, closed := l.q.peek()
		if n > 0 {
			if closed && l.abandon.Load() {
				l.failQueued(errClosed)
				return
			}
			if closed && l.giveUp.Load() {
				l.failQueued(fmt.Errorf("%w: cluster: log %s: %w", storage.ErrWriteFailed, l.id,
					remoteWriteError{err: errCloseTimeout, reason: "the object store or etcd did not answer before the log closed"}))
				return
			}
			wait := l.b.opts.FlushInterval - time.Since(oldest)
			if closed || bytes >= l.b.opts.FlushBytes || wait <= 0 {
				l.flush(l.q.take(l.b.opts.FlushBytes))
				continue
			}
			timer.Reset(wait)
		} else if closed {
			return
		}
		select {
		case <-timer.C:
		case <-l.q.wake:
		case <-l.stop:
		}
		timer.Stop()
	}
}

// failQueued fails every queued append.
func (l *clusterLog) failQueued(err error) {
	for {
		group := l.q.take(1 << 62)
		if len(group) == 0 {
			return
		}
		for _, r := range group {
			r.err = err
			close(r.done)
		}
	}
}

// flush writes one group of appends and releases their waiters.
func (l *clusterLog) flush(group []*appendReq) {
	live := group[:0]
	for _, r := range group {
		if r.state.CompareAndSwap(reqQueued, reqTaken) {
			live = append(live, r)
		}
	}
	if len(live) == 0 {
		return
	}
	err := l.write(live)
	for _, r := range live {
		if err != nil {
			r.results = nil
		}
		r.err = err
		close(r.done)
	}
}

// shardWrite is what one flush writes for one shard: consecutive frames,
// one span.
type shardWrite struct {
	shard  uint32
	first  uint64 // counter of the first record
	next   uint64 // counter after the last
	frames []frameRef
	off    int64 // the span in the object
	size   int64
}

type frameRef struct {
	first uint64
	frame framePayload
}

// write assigns counters and the arrival time to the group, puts its
// object and commits its ranges. It sets the requests' results.
func (l *clusterLog) write(group []*appendReq) error {
	if err := l.writable(); err != nil {
		return fmt.Errorf("cluster: append to %s: %w", l.id, err)
	}
	ctx, cancel := l.opContext()
	defer cancel()
	if err := l.reload(ctx); err != nil {
		return l.failed(err)
	}
	writes, arrival := l.assign(group)
	if len(writes) == 0 {
		return nil // only empty batches
	}
	name, body := l.buildObject(writes, arrival)
	key := l.b.objectKey(l.id, name)
	if err := l.b.opts.Objects.Put(ctx, objectstore.Object{Bucket: l.b.opts.Bucket, Key: key, Body: body}); err != nil {
		return l.failed(fmt.Errorf("put object %s: %w", key, err))
	}
	l.b.stats.objectsWritten.Add(1)
	l.b.stats.bytesWritten.Add(uint64(len(body)))
	// Cached before it is published: readers of the tail never fetch it.
	l.b.cache.put(key, wholeObject, body)
	seq, written, _ := parseObjectName(name)
	obj := &object{name: name, seq: seq, written: written, size: int64(len(body)), minArrival: arrival, maxArrival: arrival}
	for _, w := range writes {
		obj.shards = append(obj.shards, w.shard)
	}
	if err := l.commitWrites(ctx, obj, writes, arrival); err != nil {
		return l.failed(err)
	}
	l.flushSucceeded()
	l.nFlushes.Add(1)
	return nil
}

// reload rereads the index if a commit's outcome was unknown.
func (l *clusterLog) reload(ctx context.Context) error {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	return l.reloadIfNeeded(ctx)
}

// failed records a failed flush and returns its error for the appenders.
func (l *clusterLog) failed(err error) error {
	if errors.Is(err, storage.ErrFenced) {
		return fmt.Errorf("cluster: append to %s: %w", l.id, err)
	}
	err = fmt.Errorf("%w: cluster: flush of log %s: %w", storage.ErrWriteFailed, l.id, remoteWriteError{err: err})
	l.flushFailed(err)
	return err
}

// assign gives every batch of the group its counters, from each shard's
// next, and the flush's arrival time: now, or the log's last arrival if
// the clock went back.
func (l *clusterLog) assign(group []*appendReq) ([]*shardWrite, int64) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	arrival := max(l.b.opts.Now().UnixMilli(), l.lastArrival)
	byShard := map[uint32]*shardWrite{}
	var order []*shardWrite
	for _, r := range group {
		r.results = make([]storage.BatchResult, len(r.batches))
		for i, b := range r.batches {
			w := byShard[b.shard]
			if w == nil {
				next := uint64(1)
				if ss := l.shards[b.shard]; ss != nil {
					next = ss.next
				}
				w = &shardWrite{shard: b.shard, first: next, next: next}
				byShard[b.shard] = w
				order = append(order, w)
			}
			r.results[i] = storage.BatchResult{FirstSeq: w.next, ArrivalMillis: arrival}
			for _, f := range b.frames {
				w.frames = append(w.frames, frameRef{first: w.next, frame: f})
				w.next += uint64(f.count)
			}
		}
	}
	writes := order[:0]
	for _, w := range order {
		if len(w.frames) > 0 { // a shard with only empty batches writes nothing
			writes = append(writes, w)
		}
	}
	return writes, arrival
}

// buildObject encodes the object of one flush: each shard's frames
// together, one span per shard.
func (l *clusterLog) buildObject(writes []*shardWrite, arrival int64) (name string, body []byte) {
	size := objectHeaderSize
	for _, w := range writes {
		for _, f := range w.frames {
			size += frameHeaderSize + len(f.frame.payload)
		}
	}
	body = appendObjectHeader(make([]byte, 0, size))
	for _, w := range writes {
		w.off = int64(len(body))
		for _, f := range w.frames {
			body = appendFrame(body, w.shard, f.first, f.frame.count, arrival, f.frame.payload)
		}
		w.size = int64(len(body)) - w.off
	}
	return objectName(l.nextObject.Add(1)-1, time.Now()), body
}

// errCloseTimeout fails the appends still queued when a log's close gives
// up on flushing them.
var errCloseTimeout = errors.New("the log closed before they could be flushed: the object store or etcd did not answer in time")

// remoteWriteError words a failed flush for clients: the records went to
// the object store and etcd, not to a disk of this node.
type remoteWriteError struct {
	err    error
	reason string // for StorageReason; a default if empty
}

func (e remoteWriteError) Error() string { return e.err.Error() }
func (e remoteWriteError) Unwrap() error { return e.err }

// StorageReason is what storage.FailureReason says of it.
func (e remoteWriteError) StorageReason() string {
	var m *maybeCommitted
	switch {
	case errors.As(e.err, &m):
		return m.reason
	case e.reason != "":
		return e.reason
	}
	return "the object store or etcd did not take the write"
}

// MaybeStored reports whether some or all of the write may be stored
// although it failed (see maybeCommitted).
func (e remoteWriteError) MaybeStored() bool {
	var m *maybeCommitted
	return errors.As(e.err, &m)
}
