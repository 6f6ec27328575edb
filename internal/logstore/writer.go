package logstore

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"
)

// Group commit: Append validates its batches and queues one request; the
// writer goroutine (run) takes the first queued request, drains whatever else
// is queued up to maxGroupBytes, encodes it all into one buffer, writes it
// with one WriteAt, fdatasyncs once, publishes the new entries to readers
// and only then releases every waiter. The queue is bounded (queueLen), so a
// disk slower than the appenders blocks them rather than growing memory.
const (
	queueLen      = 256
	maxGroupBytes = 8 << 20
	// keepBufBytes is the largest write buffer kept between groups.
	keepBufBytes = 16 << 20
)

type appendReq struct {
	batches []Batch
	bytes   int
	results []BatchResult
	err     error
	state   atomic.Int32  // reqQueued, then reqTaken and reqCopied, or reqCanceled
	copied  chan struct{} // closed once the writer no longer reads batches
	done    chan struct{} // closed when results and err are set
}

// Request states. An Append whose ctx ends cancels its request if the writer
// has not taken it yet; otherwise it waits until the writer has copied the
// records (microseconds, not a whole fdatasync), so that Append never
// returns while the writer still reads the caller's memory.
const (
	reqQueued int32 = iota
	reqTaken
	reqCopied
	reqCanceled
)

// release tells a cancelled Append that the writer is done with its batches.
func (r *appendReq) release() {
	if r.state.Load() == reqTaken {
		r.state.Store(reqCopied)
		close(r.copied)
	}
}

func (r *appendReq) finish(err error) {
	if err != nil {
		r.results = nil
	}
	r.err = err
	close(r.done)
}

// ctlReq runs fn on the writer goroutine, between groups.
type ctlReq struct {
	fn   func() error
	done chan error
}

// writer is the state owned by the writer goroutine.
type writer struct {
	next        map[uint32]uint64 // per shard: counter of the next record to assign
	lastArrival int64
	off         int64 // bytes written to the active segment
	synced      int64 // bytes of the active segment known durable
	dirty       bool  // relaxed mode: written since the last fdatasync
	buf         []byte
	pending     []pendingEntry

	healed bool // heal let appends in again; cleared by the first write that succeeds

	persist  bool  // set by close before stopping the writer
	closeErr error // set by the writer on its way out
}

type pendingEntry struct {
	shard uint32
	meta  entryMeta
}

// Append writes the batches as one group, waits until they are durable (see
// Options.SyncInterval), and returns one result per batch.
//
// Counters are per shard, start at 1, are dense (+1 per record) and strictly
// increasing forever, across restarts and retention. ArrivalMillis comes from
// Options.Now, made non-decreasing per log. A batch with no records gets the
// shard's next counter and uses none.
//
// If ctx ends while waiting, Append returns ctx.Err(): if the writer had not
// taken the request yet, nothing is written; otherwise the records may still
// be written, but were not acknowledged. Either way, Append keeps no
// reference to batches once it returns. After a write or sync error the log
// is failed: this and every later Append return the error.
func (l *Log) Append(ctx context.Context, batches []Batch) ([]BatchResult, error) {
	size := 0
	for _, b := range batches {
		for _, r := range b.Records {
			if len(r.Data) > MaxRecordBytes || len(r.PartitionKey) > MaxPartitionKeyBytes {
				return nil, fmt.Errorf("%w: %d bytes of data, %d of partition key (limits %d, %d)",
					ErrRecordTooLarge, len(r.Data), len(r.PartitionKey), MaxRecordBytes, MaxPartitionKeyBytes)
			}
			size += len(r.Data) + len(r.PartitionKey)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	req := &appendReq{batches: batches, bytes: size, copied: make(chan struct{}), done: make(chan struct{})}

	l.closeMu.RLock()
	if l.closed {
		l.closeMu.RUnlock()
		return nil, ErrClosed
	}
	if err := l.err(); err != nil {
		l.closeMu.RUnlock()
		return nil, err
	}
	select {
	case l.queue <- req:
	case <-ctx.Done():
		l.closeMu.RUnlock()
		return nil, ctx.Err()
	}
	l.closeMu.RUnlock()

	select {
	case <-req.done:
		return req.results, req.err
	case <-ctx.Done():
		if !req.state.CompareAndSwap(reqQueued, reqCanceled) {
			<-req.copied
		}
		return nil, ctx.Err()
	}
}

// control runs fn on the writer goroutine and returns its error.
func (l *Log) control(fn func() error) error {
	c := ctlReq{fn: fn, done: make(chan error, 1)}
	select {
	case l.ctl <- c:
		return <-c.done
	case <-l.writerDone:
		return ErrClosed
	}
}

// run is the writer goroutine.
func (l *Log) run() {
	defer close(l.writerDone)
	var tick <-chan time.Time
	if l.relaxed {
		t := time.NewTicker(l.opts.SyncInterval)
		defer t.Stop()
		tick = t.C
	}
	// While the log is failed, heal retries reopening it every HealInterval.
	var heal <-chan time.Time
	var healTicker *time.Ticker
	defer func() {
		if healTicker != nil {
			healTicker.Stop()
		}
	}()
	group := make([]*appendReq, 0, queueLen)
	for {
		failed := l.err() != nil
		if failed && healTicker == nil {
			healTicker = time.NewTicker(l.opts.HealInterval)
			heal = healTicker.C
		} else if !failed && healTicker != nil {
			healTicker.Stop()
			healTicker, heal = nil, nil
		}
		select {
		case r := <-l.queue:
			l.commit(l.gather(group[:0], r))
		case c := <-l.ctl:
			c.done <- c.fn()
		case <-tick:
			if err := l.syncDirty(); err != nil {
				l.fail(err)
			}
		case <-heal:
			l.heal()
		case <-l.stop:
			// No Append can enqueue any more: finish what is queued.
			for {
				select {
				case r := <-l.queue:
					l.commit(l.gather(group[:0], r))
					continue
				default:
				}
				break
			}
			l.w.closeErr = l.shutdown()
			return
		}
	}
}

// gather appends r and whatever else is queued, up to maxGroupBytes, to group.
func (l *Log) gather(group []*appendReq, r *appendReq) []*appendReq {
	group = append(group, r)
	bytes := r.bytes
	for bytes < maxGroupBytes {
		select {
		case r := <-l.queue:
			group = append(group, r)
			bytes += r.bytes
		default:
			return group
		}
	}
	return group
}

// commit writes one group and releases its waiters.
func (l *Log) commit(group []*appendReq) {
	err := l.writeGroup(group)
	if err != nil {
		err = l.fail(err)
	}
	for _, r := range group {
		r.release() // if writeGroup stopped half-way through r
		r.finish(err)
	}
	clear(group)
}

func (l *Log) writeGroup(group []*appendReq) error {
	if err := l.err(); err != nil {
		return err
	}
	w := &l.w
	arrival := max(l.opts.Now().UnixMilli(), w.lastArrival)
	w.lastArrival = arrival
	if a := l.active; w.off > 0 && arrival-a.minArrival >= l.opts.SegmentMaxAge.Milliseconds() {
		if err := l.roll(); err != nil {
			return err
		}
	}
	for _, r := range group {
		if !r.state.CompareAndSwap(reqQueued, reqTaken) {
			continue // cancelled while queued: not written
		}
		r.results = make([]BatchResult, len(r.batches))
		for i, b := range r.batches {
			next := w.next[b.Shard]
			if next == 0 {
				next = 1
			}
			r.results[i] = BatchResult{FirstSeq: next, ArrivalMillis: arrival}
			for recs := b.Records; len(recs) > 0; {
				n, payload := 0, 0
				for n < len(recs) && n < maxEntryRecords {
					rs := recordSize(recs[n])
					if n > 0 && payload+rs > maxEntryPayload {
						break
					}
					payload += rs
					n++
				}
				size := entryHeaderSize + payload
				if end := w.off + int64(len(w.buf)); end > 0 && end+int64(size) > l.opts.SegmentBytes {
					if err := l.flush(); err != nil {
						return err
					}
					if err := l.roll(); err != nil {
						return err
					}
				} else if len(w.buf) >= keepBufBytes {
					// Bound the buffer when one request is huge.
					if err := l.flush(); err != nil {
						return err
					}
				}
				off := w.off + int64(len(w.buf))
				w.buf = appendEntry(w.buf, b.Shard, next, arrival, recs[:n], payload)
				w.pending = append(w.pending, pendingEntry{shard: b.Shard, meta: entryMeta{
					first: next, arrival: arrival, off: off, count: uint32(n), length: uint32(size),
				}})
				next += uint64(n)
				recs = recs[n:]
			}
			w.next[b.Shard] = next
		}
		r.release()
	}
	return l.flush()
}

// flush writes the buffered entries, syncs them unless relaxed, and
// publishes them.
func (l *Log) flush() error {
	w := &l.w
	if len(w.buf) == 0 {
		return nil
	}
	if _, err := l.active.f.WriteAt(w.buf, w.off); err != nil {
		return err
	}
	w.off += int64(len(w.buf))
	if l.relaxed {
		w.dirty = true
	} else {
		if err := l.active.f.Sync(); err != nil {
			return err
		}
		l.nSyncs.Add(1)
		w.synced = w.off
	}
	l.publish(w.pending)
	if w.healed {
		l.wroteAfterHeal()
	}
	if cap(w.buf) > keepBufBytes {
		w.buf = nil
	} else {
		w.buf = w.buf[:0]
	}
	clear(w.pending)
	w.pending = w.pending[:0]
	return nil
}

// publish makes written entries visible to readers and wakes watchers.
func (l *Log) publish(entries []pendingEntry) {
	var records uint64
	l.mu.Lock()
	for _, p := range entries {
		ss := l.shardLocked(p.shard)
		if sh, isNew := l.active.addEntry(p.shard, p.meta); isNew {
			ss.segs = append(ss.segs, sh)
		}
		ss.next = p.meta.last() + 1
		ss.lastArrival = p.meta.arrival
		l.lastArrival = p.meta.arrival
		records += uint64(p.meta.count)
	}
	l.active.size = l.w.off
	if l.watch != nil {
		close(l.watch)
		l.watch = nil
	}
	l.mu.Unlock()
	l.nRecords.Add(records)
	l.nEntries.Add(uint64(len(entries)))
}

// syncDirty fdatasyncs the active segment if relaxed mode left it dirty.
func (l *Log) syncDirty() error {
	if !l.w.dirty {
		return nil
	}
	if err := l.active.f.Sync(); err != nil {
		return err
	}
	l.nSyncs.Add(1)
	l.w.dirty = false
	l.w.synced = l.w.off
	return nil
}

// roll seals the active segment (its data synced, its index written) and
// starts a new one.
func (l *Log) roll() error {
	if err := l.syncDirty(); err != nil {
		return err
	}
	old := l.active
	if err := l.writeIndex(old, l.w.off); err != nil {
		return err
	}
	l.mu.RLock()
	num := l.nextSegNum
	l.mu.RUnlock()
	seg, err := l.createSegment(num)
	if err != nil {
		return err
	}
	l.mu.Lock()
	old.sealed = true
	for _, sh := range old.shards {
		sh.entries = nil
	}
	l.segs = append(l.segs, seg)
	l.active = seg
	l.nextSegNum = num + 1
	l.mu.Unlock()
	l.files.sealed(old)
	l.w.off, l.w.synced = 0, 0
	l.logger.Debug("rolled segment", "sealed", old.num, "bytes", old.size, "entries", old.entries)
	return nil
}

// createSegment creates an empty segment file, durably, and makes it the
// writer's file.
func (l *Log) createSegment(num uint64) (*segment, error) {
	seg := newSegment(l.dir, num)
	f, err := l.fs.Create(seg.path)
	if err != nil {
		return nil, err
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		f.Close()
		return nil, err
	}
	l.files.setActive(seg, f)
	return seg, nil
}

// writeIndex writes the index of the first covered bytes of seg (all of
// its entries) durably, and records where each shard's block went.
func (l *Log) writeIndex(seg *segment, covered int64) error {
	shards := sortedShards(seg.shards)
	sums := make([]shardSummary, len(shards))
	entries := make([][]entryMeta, len(shards))
	for i, s := range shards {
		sums[i] = seg.shards[s].sum
		entries[i] = seg.shards[s].entries
	}
	b := encodeIndex(seg.num, covered, shards, sums, entries)
	if err := writeFileAtomic(l.fs, l.dir, indexName(seg.num), b); err != nil {
		return err
	}
	l.mu.Lock()
	for i, s := range shards {
		seg.shards[s].sum = sums[i]
	}
	seg.idxBytes = int64(len(b))
	l.mu.Unlock()
	return nil
}

// shutdown runs on the writer goroutine when the log closes.
func (l *Log) shutdown() error {
	if l.err() != nil || !l.w.persist {
		return nil
	}
	if err := l.syncDirty(); err != nil {
		return l.fail(err)
	}
	if l.w.off == 0 {
		return nil
	}
	return l.writeIndex(l.active, l.w.off)
}
