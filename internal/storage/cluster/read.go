package cluster

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"sluice/internal/objectstore"
	"sluice/internal/storage"
)

// Read returns records of shard from counter from, as logstore.Log.Read.
func (l *clusterLog) Read(shard uint32, from uint64, maxRecords, maxBytes int, cutoffMillis int64) ([]storage.StoredRecord, uint64, error) {
	return l.ReadArena(shard, from, maxRecords, maxBytes, cutoffMillis, nil)
}

// ReadArena is Read. The records' memory always comes from the heap: an
// Arena hands out memory only inside package logstore.
func (l *clusterLog) ReadArena(shard uint32, from uint64, maxRecords, maxBytes int, cutoffMillis int64, _ *storage.Arena) ([]storage.StoredRecord, uint64, error) {
	if l.closed.Load() {
		return nil, 0, errClosed
	}
	from = max(from, 1)
	next, spans, ok := l.snapshot(shard)
	if !ok {
		return nil, 1, nil
	}
	if from >= next {
		return nil, next, nil
	}
	r := reader{l: l, shard: shard, from: from, maxRecords: maxRecords, maxBytes: maxBytes, cutoff: cutoffMillis}
	moved := 0
	for i := r.firstSpan(spans); i < len(spans); {
		sp := spans[i]
		full, err := r.readSpan(sp)
		if errors.Is(err, errObjectGone) {
			// Records of sp were taken up to the limits or not at all:
			// readSpan takes nothing from a span it cannot read.
			var damaged bool
			next, spans, damaged, err = l.lostSpan(shard, sp, next)
			if err != nil {
				return nil, 0, err
			}
			if damaged {
				r.from = max(r.from, sp.last+1)
			} else if moved++; moved > maxMoves {
				return nil, 0, fmt.Errorf("cluster: read shard %d of %s: %w", shard, l.id, errKeepsMoving)
			}
			i = r.firstSpan(spans)
			continue
		}
		if err != nil {
			return nil, 0, err
		}
		if full {
			break
		}
		r.from = max(r.from, sp.last+1) // every record of sp is read, hidden or skipped
		i++
	}
	if len(r.out) == 0 {
		return nil, next, nil
	}
	return r.out, r.out[len(r.out)-1].Seq + 1, nil
}

// snapshot returns what a reader needs of a shard's index: its next
// counter and its spans, which are never modified. ok is false for a shard
// never written.
func (l *clusterLog) snapshot(shard uint32) (next uint64, spans []*span, ok bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	ss := l.shards[shard]
	if ss == nil {
		return 0, nil, false
	}
	return ss.next, ss.spans, true
}

// maxMoves bounds how often one Read or SeekTime starts again from a fresh
// snapshot because the records it was reading moved meanwhile (each
// needs a compaction or an Expire to have retired their object and the
// retire delay to have passed).
const maxMoves = 8

var (
	// errObjectGone is what spanBytes returns for a span whose object the
	// store does not have (or not all of): lostSpan tells whether the
	// records moved or are damaged.
	errObjectGone  = errors.New("cluster: the object is missing or shorter than its index says")
	errKeepsMoving = errors.New("cluster: the records being read kept moving to other objects (compaction); retry")
)

// lostSpan handles a span whose object the store does not have. A reader
// works from a snapshot of the index; the object may have been retired
// since, by a compaction (its records are in another object now) or
// Expire (they expired), and deleted once the retire delay passed (a
// read of many uncached ranges, or a reader that kept spans from before a
// reload). So it counts damage only if the index still names the object
// (see stillIndexed; damaged is then true: skip the span), and returns a
// fresh snapshot of the shard (next is kept if the shard is gone).
func (l *clusterLog) lostSpan(shard uint32, sp *span, next uint64) (newNext uint64, spans []*span, damaged bool, err error) {
	if l.closed.Load() {
		return 0, nil, false, errClosed
	}
	ctx, cancel := l.b.readContext()
	defer cancel()
	cur, err := l.stillIndexed(ctx, sp.obj.name)
	if err != nil {
		return 0, nil, false, fmt.Errorf("cluster: read shard %d of %s: %w", shard, l.id, err)
	}
	l.mu.RLock()
	if ss := l.shards[shard]; ss != nil {
		next, spans = ss.next, ss.spans
	}
	l.mu.RUnlock()
	if cur == nil {
		return next, spans, false, nil
	}
	l.noteDamaged(cur, sp.off, sp.size, "the object is missing or shorter than its index says; skipping its records")
	return next, spans, true, nil
}

// stillIndexed returns the object of the index named name, or nil, for
// one that the store does not have: if the index names it, it is damaged.
// That holds only for a current index: an owner checks that it still
// holds its fence (a new owner's compactions retire objects too), a view
// rereads the index from etcd (it lags its owner's).
func (l *clusterLog) stillIndexed(ctx context.Context, name string) (*object, error) {
	if l.b.readOnly {
		if err := l.refresh(ctx); err != nil {
			return nil, fmt.Errorf("object %s is missing, and rereading the index failed: %w", name, err)
		}
	}
	l.mu.RLock()
	cur := l.objectLocked(name)
	l.mu.RUnlock()
	if cur == nil || l.b.readOnly {
		return cur, nil
	}
	if err := l.b.checkClaims(ctx, l.claims); err != nil {
		return nil, fmt.Errorf("object %s is missing, and: %w", name, err)
	}
	return cur, nil
}

// objectLocked returns the object of the index named name, or nil. l.mu
// is held.
func (l *clusterLog) objectLocked(name string) *object {
	seq, _, ok := parseObjectName(name)
	if !ok {
		return nil
	}
	// A compacted object takes the sequence number of its run's first:
	// two objects may share one while a reader holds old spans.
	for i := sort.Search(len(l.objects), func(i int) bool { return l.objects[i].seq >= seq }); i < len(l.objects) && l.objects[i].seq == seq; i++ {
		if l.objects[i].name == name {
			return l.objects[i]
		}
	}
	return nil
}

// reader accumulates the records of one Read.
type reader struct {
	l          *clusterLog
	shard      uint32
	from       uint64
	maxRecords int
	maxBytes   int
	cutoff     int64
	bytes      int
	out        []storage.StoredRecord
	keys       []byte // scratch: the keys of the current frame
	keyEnds    []int
}

// firstSpan returns the index of the first of spans holding r.from, or
// the first holding records not older than the cutoff if r.from points at
// expired ones.
func (r *reader) firstSpan(spans []*span) int {
	return max(sort.Search(len(spans), func(i int) bool { return spans[i].last >= r.from }),
		sort.Search(len(spans), func(i int) bool { return spans[i].maxArrival >= r.cutoff }))
}

// readSpan reads the records of sp into r.out and reports whether a limit
// was reached. Damaged frames are skipped (and reported). A span whose
// object is missing yields errObjectGone, and nothing.
func (r *reader) readSpan(sp *span) (bool, error) {
	data, err := r.l.spanBytes(sp)
	if err != nil {
		return false, err
	}
	full := false
	r.l.walkSpan(sp, data, r.from, func(h frameHeader, payload []byte) bool {
		if h.arrival < r.cutoff || h.last() < r.from {
			return true
		}
		full = r.take(h, payload)
		return !full
	})
	return full, nil
}

// take appends the records of one frame from r.from on, within the
// limits, and reports whether a limit was reached. The records' Data are
// copied out of the cached bytes, one allocation for the frame, and their
// keys share one string.
func (r *reader) take(h frameHeader, payload []byte) bool {
	if r.out == nil && r.maxRecords > 0 {
		r.out = make([]storage.StoredRecord, 0, min(r.maxRecords, 256))
	}
	buf := make([]byte, len(payload))
	copy(buf, payload)
	full := false
	start := len(r.out)
	r.keys, r.keyEnds = r.keys[:0], r.keyEnds[:0]
	walkRecords(buf, h.count, func(i int, key, data []byte) {
		seq := h.first + uint64(i)
		if full || seq < r.from {
			return
		}
		size := len(key) + len(data)
		if r.maxBytes > 0 && len(r.out) > 0 && r.bytes+size > r.maxBytes {
			full = true
			return
		}
		r.out = append(r.out, storage.StoredRecord{Seq: seq, ArrivalMillis: h.arrival, Data: data})
		r.keys = append(r.keys, key...)
		r.keyEnds = append(r.keyEnds, len(r.keys))
		r.bytes += size
		if r.maxRecords > 0 && len(r.out) >= r.maxRecords {
			full = true
		}
	})
	keys, prev := string(r.keys), 0
	for i, end := range r.keyEnds {
		r.out[start+i].PartitionKey = keys[prev:end]
		prev = end
	}
	return full
}

// spanBytes returns the bytes of sp's frames: from the cache, or fetched.
// A span whose object is missing, or shorter than the span, yields
// errObjectGone (see lostSpan); an object shorter than the index says is
// damage, reported, and yields what there is.
func (l *clusterLog) spanBytes(sp *span) ([]byte, error) {
	key := l.b.objectKey(l.id, sp.obj.name)
	data, err := l.b.cache.load(key, sp.off, sp.size, func() ([]byte, error) {
		ctx, cancel := l.b.readContext()
		defer cancel()
		l.nFetches.Add(1)
		return l.b.opts.Objects.GetRange(ctx, l.b.opts.Bucket, key, sp.off, sp.size)
	})
	switch {
	case errors.Is(err, objectstore.ErrNoSuchKey) || errors.Is(err, objectstore.ErrInvalidRange):
		return nil, errObjectGone
	case err != nil:
		if l.closed.Load() {
			return nil, errClosed
		}
		return nil, fmt.Errorf("cluster: read object %s: %w", key, err)
	case int64(len(data)) < sp.size:
		l.noteDamaged(sp.obj, sp.off+int64(len(data)), sp.size-int64(len(data)), "the object is shorter than its index says")
	}
	return data, nil
}

// walkSpan calls fn for each intact frame of sp in data (its bytes) with
// records from counter from on, until fn returns false. Damaged bytes, and
// frames that are not the span's (another shard, counters outside it), are
// reported and skipped.
func (l *clusterLog) walkSpan(sp *span, data []byte, from uint64, fn func(h frameHeader, payload []byte) bool) {
	walkFrames(data, from, func(off int, h frameHeader, payload []byte) bool {
		if h.shard != sp.shard || h.first < sp.first || h.last() > sp.last {
			l.noteDamaged(sp.obj, sp.off+int64(off), int64(h.size()), "a frame is not the one its index describes; skipping it")
			return true
		}
		return fn(h, payload)
	}, func(off, n int) {
		l.noteDamaged(sp.obj, sp.off+int64(off), int64(n), "skipping damaged bytes")
	})
}

// SeekTime returns the counter of the shard's first record with an arrival
// time >= ts and >= cutoffMillis, or the shard's next counter.
func (l *clusterLog) SeekTime(shard uint32, ts int64, cutoffMillis int64) (uint64, error) {
	if l.closed.Load() {
		return 0, errClosed
	}
	ts = max(ts, cutoffMillis)
	next, spans, ok := l.snapshot(shard)
	if !ok {
		return 1, nil
	}
	// Spans (and frames) before pos hold no record at or after ts, or are
	// damaged: arrival times do not go down along a shard.
	pos, moved := uint64(0), 0
	first := func(spans []*span) int {
		return max(sort.Search(len(spans), func(i int) bool { return spans[i].maxArrival >= ts }),
			sort.Search(len(spans), func(i int) bool { return spans[i].last >= pos }))
	}
	for i := first(spans); i < len(spans); {
		sp := spans[i]
		if sp.minArrival >= ts {
			return max(sp.first, pos), nil // no need to look inside
		}
		// A compacted span holds frames of several arrival times.
		data, err := l.spanBytes(sp)
		if errors.Is(err, errObjectGone) {
			var damaged bool
			next, spans, damaged, err = l.lostSpan(shard, sp, next)
			if err != nil {
				return 0, err
			}
			if damaged {
				pos = max(pos, sp.last+1)
			} else if moved++; moved > maxMoves {
				return 0, fmt.Errorf("cluster: seek in shard %d of %s: %w", shard, l.id, errKeepsMoving)
			}
			i = first(spans)
			continue
		}
		if err != nil {
			return 0, err
		}
		found := uint64(0)
		l.walkSpan(sp, data, pos, func(h frameHeader, _ []byte) bool {
			if h.arrival >= ts {
				found = max(h.first, pos)
				return false
			}
			return true
		})
		if found > 0 {
			return found, nil
		}
		pos = max(pos, sp.last+1)
		i++
	}
	return next, nil
}

// Bounds returns the counter of the shard's oldest record not older than
// cutoffMillis (first; == next if none) and the counter of the next one
// appended.
func (l *clusterLog) Bounds(shard uint32, cutoffMillis int64) (first, next uint64) {
	l.mu.RLock()
	ss := l.shards[shard]
	if ss == nil {
		l.mu.RUnlock()
		return 1, 1
	}
	next = ss.next
	fallback := next
	if len(ss.spans) > 0 {
		fallback = ss.spans[0].first
	}
	l.mu.RUnlock()
	first, err := l.SeekTime(shard, cutoffMillis, cutoffMillis)
	if err != nil {
		// The store could not be read: err on the side of an older
		// position; Read skips what is expired.
		if !errors.Is(err, errClosed) {
			l.log.Error("bounds: seek by time failed", "shard", shard, "err", err)
		}
		return min(fallback, next), next
	}
	return min(first, next), next
}
