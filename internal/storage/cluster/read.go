package cluster

import (
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
	l.mu.RLock()
	ss := l.shards[shard]
	if ss == nil {
		l.mu.RUnlock()
		return nil, 1, nil
	}
	next, spans := ss.next, ss.spans
	l.mu.RUnlock()
	if from >= next {
		return nil, next, nil
	}
	// The first span holding from, or the first holding records not
	// older than the cutoff if from points at expired ones.
	i := max(sort.Search(len(spans), func(i int) bool { return spans[i].last >= from }),
		sort.Search(len(spans), func(i int) bool { return spans[i].maxArrival >= cutoffMillis }))
	r := reader{l: l, shard: shard, from: from, maxRecords: maxRecords, maxBytes: maxBytes, cutoff: cutoffMillis}
	for ; i < len(spans); i++ {
		full, err := r.readSpan(spans[i])
		if err != nil {
			return nil, 0, err
		}
		if full {
			break
		}
	}
	if len(r.out) == 0 {
		return nil, next, nil
	}
	return r.out, r.out[len(r.out)-1].Seq + 1, nil
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

// readSpan reads the records of sp into r.out and reports whether a limit
// was reached. Damaged frames are skipped (and reported); so is a span
// whose object is gone because Expire or a compaction retired it while
// this read looked.
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
// A span whose object is missing or shorter than the index says is
// reported as damage, unless the object was retired meanwhile, and yields
// what there is (nothing, or the start).
func (l *clusterLog) spanBytes(sp *span) ([]byte, error) {
	key := l.b.objectKey(l.id, sp.obj.name)
	data, err := l.b.cache.load(key, sp.off, sp.size, func() ([]byte, error) {
		ctx, cancel := l.b.opContext()
		defer cancel()
		l.nFetches.Add(1)
		return l.b.opts.Objects.GetRange(ctx, l.b.opts.Bucket, key, sp.off, sp.size)
	})
	switch {
	case errors.Is(err, objectstore.ErrNoSuchKey) || errors.Is(err, objectstore.ErrInvalidRange):
		if !sp.obj.retired.Load() {
			l.noteDamaged(sp.obj, sp.off, sp.size, "the object is missing or shorter than its index says; skipping its records")
		}
		return nil, nil
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
	l.mu.RLock()
	ss := l.shards[shard]
	if ss == nil {
		l.mu.RUnlock()
		return 1, nil
	}
	next, spans := ss.next, ss.spans
	l.mu.RUnlock()
	for i := sort.Search(len(spans), func(i int) bool { return spans[i].maxArrival >= ts }); i < len(spans); i++ {
		sp := spans[i]
		if sp.minArrival >= ts {
			return sp.first, nil // no need to look inside
		}
		// A compacted span holds frames of several arrival times.
		data, err := l.spanBytes(sp)
		if err != nil {
			return 0, err
		}
		found := uint64(0)
		l.walkSpan(sp, data, 0, func(h frameHeader, _ []byte) bool {
			if h.arrival >= ts {
				found = h.first
				return false
			}
			return true
		})
		if found > 0 {
			return found, nil
		}
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
