package logstore

import (
	"errors"
	"fmt"
	"sort"
)

// Read returns records of shard with Seq >= from, in order, skipping records
// whose ArrivalMillis < cutoffMillis (expired by retention, not yet deleted).
// It returns at most maxRecords records, and stops before the total of
// len(Data)+len(PartitionKey) would exceed maxBytes, but always returns at
// least one record if any is available. maxRecords or maxBytes <= 0 means no
// limit.
//
// next is the counter to read from next time: the last returned Seq+1 or,
// when nothing was returned, the shard's next counter (every record before
// it being expired or not yet written), never beyond it.
//
// Returned Data slices share memory with each other; the caller may keep and
// modify them.
func (l *Log) Read(shard uint32, from uint64, maxRecords, maxBytes int, cutoffMillis int64) (recs []StoredRecord, next uint64, err error) {
	return l.ReadArena(shard, from, maxRecords, maxBytes, cutoffMillis, nil)
}

// ReadArena is Read with the records' memory taken from a (nil: from the
// heap, as Read): their Data and the memory behind them are valid until
// a.Release. A reader that only writes the records out, as GetRecords
// does, saves allocating (and zeroing, and collecting) that memory.
func (l *Log) ReadArena(shard uint32, from uint64, maxRecords, maxBytes int, cutoffMillis int64, a *Arena) (recs []StoredRecord, next uint64, err error) {
	if l.isDone.Load() {
		return nil, 0, ErrClosed
	}
	from = max(from, 1)
	l.mu.RLock()
	ss := l.shards[shard]
	if ss == nil {
		l.mu.RUnlock()
		return nil, 1, nil
	}
	shardNext, segs := ss.next, ss.segs
	i := sort.Search(len(segs), func(i int) bool { return segs[i].sum.last >= from })
	l.mu.RUnlock()
	if from >= shardNext || i == len(segs) {
		return nil, shardNext, nil
	}

	ents, err := l.entriesOf(segs[i])
	if err != nil {
		return nil, 0, err
	}
	j := sort.Search(len(ents), func(j int) bool { return ents[j].last() >= from })
	if j < len(ents) && ents[j].arrival < cutoffMillis {
		// from points at expired records: jump to the first live one.
		i, j, ents, err = l.seekArrival(segs, cutoffMillis)
		if err != nil {
			return nil, 0, err
		}
	}

	r := reader{l: l, from: from, maxRecords: maxRecords, maxBytes: maxBytes, cutoff: cutoffMillis, arena: a}
	if maxRecords > 0 {
		r.out = make([]StoredRecord, 0, min(maxRecords, 256))
	}
	for i < len(segs) {
		done, err := r.readEntries(segs[i].seg, ents[j:])
		if err != nil {
			return nil, 0, err
		}
		if done {
			break
		}
		if i++; i < len(segs) {
			if ents, err = l.entriesOf(segs[i]); err != nil {
				return nil, 0, err
			}
			j = 0
		}
	}
	if len(r.out) == 0 {
		return nil, shardNext, nil
	}
	return r.out, r.out[len(r.out)-1].Seq + 1, nil
}

// reader accumulates the records of one Read.
type reader struct {
	l          *Log
	from       uint64
	maxRecords int
	maxBytes   int
	cutoff     int64
	bytes      int
	out        []StoredRecord
	keys       []byte // scratch: the keys of the current entry
	keyEnds    []int
	arena      *Arena // nil: the heap
}

// readEntries reads ents, entries of seg, into r.out and reports whether a
// limit was reached.
func (r *reader) readEntries(seg *segment, ents []entryMeta) (bool, error) {
	if len(ents) == 0 {
		return false, nil
	}
	f, err := r.l.files.acquire(seg)
	if errors.Is(err, errSegmentGone) {
		if r.l.isDone.Load() {
			return false, ErrClosed
		}
		return false, nil // expired while we looked: skip it
	}
	if err != nil {
		return false, err
	}
	defer r.l.files.release(seg)
	for _, e := range ents {
		if e.arrival < r.cutoff || e.last() < r.from {
			continue
		}
		buf := r.arena.alloc(int(e.length))
		if err := readFull(f, buf, e.off); err != nil {
			return false, fmt.Errorf("logstore: read segment %d at %d: %w", seg.num, e.off, err)
		}
		h, payload, err := decodeEntry(buf)
		if err != nil || h.first != e.first || h.count != e.count || h.arrival != e.arrival {
			// The disk damaged an entry after it was indexed: skip it, so
			// that readers move on to the records after it.
			r.l.noteDamaged(seg.num, e.off, int64(e.length), "skipping a damaged entry in reads")
			continue
		}
		full := false
		start := len(r.out)
		r.keys = r.keys[:0]
		walkRecords(payload, h.count, func(k int, key, data []byte) {
			seq := h.first + uint64(k)
			if full || seq < r.from {
				return
			}
			size := len(key) + len(data)
			if r.maxBytes > 0 && len(r.out) > 0 && r.bytes+size > r.maxBytes {
				full = true
				return
			}
			r.out = append(r.out, StoredRecord{Seq: seq, ArrivalMillis: h.arrival, Data: data})
			r.keys = append(r.keys, key...)
			r.keyEnds = append(r.keyEnds, len(r.keys))
			r.bytes += size
			if r.maxRecords > 0 && len(r.out) >= r.maxRecords {
				full = true
			}
		})
		// One string for all the keys of the entry, not one per record.
		keys, prev := string(r.keys), 0
		for i, end := range r.keyEnds {
			r.out[start+i].PartitionKey = keys[prev:end]
			prev = end
		}
		r.keyEnds = r.keyEnds[:0]
		if full {
			return true, nil
		}
	}
	return false, nil
}

// entriesOf returns the entries of one shard in one segment: from memory for
// the active segment, else from the cache or the segment's index file.
func (l *Log) entriesOf(sh *segShard) ([]entryMeta, error) {
	l.mu.RLock()
	sealed, ents, sum := sh.seg.sealed, sh.entries, sh.sum
	l.mu.RUnlock()
	if !sealed {
		return ents, nil
	}
	key := cacheKey{seg: sh.seg.num, shard: sh.shard}
	if ents, ok := l.cache.get(key); ok {
		return ents, nil
	}
	f, err := l.fs.Open(sh.seg.idxPath)
	if err == nil {
		ents, err = readShardEntries(f, sum, sh.seg.size)
		f.Close()
	}
	if errors.Is(err, ErrCorrupt) && !sh.seg.removed.Load() {
		l.logger.Warn("index block corrupt, scanning segment", "segment", sh.seg.num, "shard", sh.shard, "err", err)
		ents, err = l.scanShard(sh)
	}
	if err != nil {
		if sh.seg.removed.Load() {
			return nil, nil // expired while we looked: nothing to read
		}
		return nil, fmt.Errorf("logstore: load index of segment %d: %w", sh.seg.num, err)
	}
	l.nIndexLoads.Add(1)
	l.cache.put(key, ents)
	return ents, nil
}

// scanShard rebuilds the entry list of one shard of a sealed segment from the
// segment itself, when its index block is damaged.
func (l *Log) scanShard(sh *segShard) ([]entryMeta, error) {
	f, err := l.files.acquire(sh.seg)
	if err != nil {
		return nil, err
	}
	defer l.files.release(sh.seg)
	var ents []entryMeta
	sc := newScanState()
	_, _, err = scanSegment(f, 0, sh.seg.size, scanCollector{&sc, func(h entryHeader, e entryMeta) {
		if h.shard == sh.shard {
			ents = append(ents, e)
		}
	}}, nil)
	return ents, err
}

// seekArrival finds the first entry of segs with arrival >= ts: segment i,
// entry j of ents (the entries of segs[i]). i == len(segs) if there is none.
func (l *Log) seekArrival(segs []*segShard, ts int64) (i, j int, ents []entryMeta, err error) {
	l.mu.RLock()
	i = sort.Search(len(segs), func(i int) bool { return segs[i].sum.maxArrival >= ts })
	l.mu.RUnlock()
	for ; i < len(segs); i++ {
		if ents, err = l.entriesOf(segs[i]); err != nil {
			return 0, 0, nil, err
		}
		j = sort.Search(len(ents), func(j int) bool { return ents[j].arrival >= ts })
		if j < len(ents) {
			return i, j, ents, nil
		}
	}
	return i, 0, nil, nil
}

// SeekTime returns the counter of the first record of shard with
// ArrivalMillis >= ts and >= cutoffMillis, or the shard's next counter if
// there is none.
func (l *Log) SeekTime(shard uint32, ts int64, cutoffMillis int64) (uint64, error) {
	if l.isDone.Load() {
		return 0, ErrClosed
	}
	ts = max(ts, cutoffMillis)
	l.mu.RLock()
	ss := l.shards[shard]
	if ss == nil {
		l.mu.RUnlock()
		return 1, nil
	}
	next, segs := ss.next, ss.segs
	i := sort.Search(len(segs), func(i int) bool { return segs[i].sum.maxArrival >= ts })
	var sum shardSummary
	if i < len(segs) {
		sum = segs[i].sum
	}
	l.mu.RUnlock()
	if i == len(segs) {
		return next, nil
	}
	if sum.minArrival >= ts {
		return sum.first, nil // no index needed
	}
	_, j, ents, err := l.seekArrival(segs[i:], ts)
	if err != nil {
		return 0, err
	}
	if ents == nil {
		return next, nil
	}
	return ents[j].first, nil
}

// Bounds returns the counter of the oldest record of shard with
// ArrivalMillis >= cutoffMillis (first; == next if there is none), and the
// counter the next appended record will get (next; 1 for a shard never
// written).
func (l *Log) Bounds(shard uint32, cutoffMillis int64) (first, next uint64) {
	l.mu.RLock()
	ss := l.shards[shard]
	if ss == nil {
		l.mu.RUnlock()
		return 1, 1
	}
	next = ss.next
	fallback := next
	if len(ss.segs) > 0 {
		fallback = ss.segs[0].sum.first
	}
	l.mu.RUnlock()
	first, err := l.SeekTime(shard, cutoffMillis, cutoffMillis)
	if err != nil {
		// The index could not be read: err on the side of an older
		// position; Read skips what is expired.
		if !errors.Is(err, ErrClosed) {
			l.logger.Error("bounds: seek by time failed", "shard", shard, "err", err)
		}
		return min(fallback, next), next
	}
	return min(first, next), next
}
