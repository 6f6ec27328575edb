package cluster

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/objectstore"
	"sluice/internal/storage"
)

// Compaction rewrites a run of small objects of a log (adjacent in flush
// order, each under compactSmall bytes and older than compactAge) into one,
// each shard's spans in them merged into one span, and swaps the range
// keys in one fenced transaction: per shard, the ranges after the first
// are deleted (one DeleteRange) and the first is overwritten to point at
// the new object. The old objects are retired. So a quiet stream that
// flushes a few records every 20 ms does not leave 50 objects and 50
// range keys per shard per second behind it.
//
// A run is compacted only if none of its objects holds more than half its
// bytes (worthMerging: a compacted object is not rewritten for a few new
// records), and only within compactSpan of arrival times: Expire deletes
// whole ranges, so a merged range keeps its expired records (hidden from
// readers) until its newest record expires; the span bounds that delay
// (an hour) however slowly the stream is written.
//
// The spans of a shard in a run are consecutive in the shard's list,
// because objects are numbered in flush order and a shard's spans are in
// flush order too; a compacted object takes the number of the run's first.

// maxCompactShards bounds the shards of one compaction: two operations
// each in its transaction.
const maxCompactShards = maxTxnOps/2 - 1

// compactRunsPerChore bounds the work of one chore tick.
const compactRunsPerChore = 8

// compactSome compacts a few runs, if there are any.
func (l *clusterLog) compactSome() {
	for range compactRunsPerChore {
		ctx, cancel := l.opContext()
		did, err := l.compact(ctx)
		cancel()
		if err != nil {
			l.log.Warn("compaction failed; trying again later", "err", err)
		}
		if !did || err != nil {
			return
		}
	}
}

// compaction is one planned compaction.
type compaction struct {
	run    []*object
	shards []shardRun // by shard
}

// shardRun is the spans of one shard in the run's objects.
type shardRun struct {
	shard uint32
	spans []*span
}

// compact finds one run to compact and compacts it. It reports whether it
// did.
func (l *clusterLog) compact(ctx context.Context) (bool, error) {
	c := l.planCompaction(time.Now())
	if c == nil {
		return false, nil
	}
	bodies := make(map[*object][]byte, len(c.run))
	for _, o := range c.run {
		body, err := l.objectBytes(ctx, o)
		if err != nil {
			return false, err
		}
		if body == nil {
			return false, nil // damaged: noted; the next plan leaves it out
		}
		bodies[o] = body
	}
	body, merged, ok := l.buildCompacted(c, bodies)
	if !ok {
		return false, nil
	}
	name := objectName(c.run[0].seq, time.Now())
	key := l.b.objectKey(l.id, name)
	if err := l.b.opts.Objects.Put(ctx, objectstore.Object{Bucket: l.b.opts.Bucket, Key: key, Body: body}); err != nil {
		return false, fmt.Errorf("put compacted object %s: %w", key, err)
	}
	l.b.stats.objectsWritten.Add(1)
	l.b.stats.bytesWritten.Add(uint64(len(body)))
	seq, written, _ := parseObjectName(name)
	obj := &object{name: name, seq: seq, written: written, size: int64(len(body)), minArrival: merged[0].minArrival, maxArrival: merged[0].maxArrival}
	for i, sr := range c.shards {
		obj.shards = append(obj.shards, sr.shard)
		obj.minArrival, obj.maxArrival = min(obj.minArrival, merged[i].minArrival), max(obj.maxArrival, merged[i].maxArrival)
		merged[i].obj = obj
	}
	l.b.cache.put(key, wholeObject, body) // dropped again if the swap does not happen
	if swapped, err := l.swap(ctx, c, obj, merged); !swapped {
		return false, err
	}
	l.b.stats.compactions.Add(1)
	l.log.Debug("compacted objects", "objects", len(c.run), "bytes", len(body), "shards", len(c.shards))
	return true, nil
}

// planCompaction picks the first run worth compacting: at least two
// compactable objects, none of them more than half the run's bytes (see
// worthMerging), within compactTarget bytes, maxCompactShards shards and
// compactSpan of arrival times.
func (l *clusterLog) planCompaction(now time.Time) *compaction {
	t := l.b.opts.tuning
	l.mu.RLock()
	defer l.mu.RUnlock()
	eligible := func(o *object) bool {
		return o.size < t.compactSmall && now.Sub(o.written) >= t.compactAge && !o.damaged.Load()
	}
	for i := 0; i < len(l.objects); i++ {
		var run []*object
		size, shards := int64(0), map[uint32]bool{}
		minArrival, maxArrival := int64(0), int64(0)
		for j := i; j < len(l.objects) && eligible(l.objects[j]); j++ {
			o := l.objects[j]
			n := len(shards)
			for _, s := range o.shards {
				if !shards[s] {
					n++
				}
			}
			if len(run) == 0 {
				minArrival, maxArrival = o.minArrival, o.maxArrival
			}
			lo, hi := min(minArrival, o.minArrival), max(maxArrival, o.maxArrival)
			if len(run) >= 1 && hi-lo > t.compactSpan.Milliseconds() {
				break
			}
			if len(run) >= 2 && (size+o.size > t.compactTarget || n > maxCompactShards) {
				break
			}
			if n > maxCompactShards {
				break // one object over the bound alone: leave it
			}
			run = append(run, o)
			size += o.size
			minArrival, maxArrival = lo, hi
			for _, s := range o.shards {
				shards[s] = true
			}
		}
		k := worthMerging(run)
		if k < 2 {
			continue // perhaps from the next object on
		}
		run = run[:k]
		shards = map[uint32]bool{}
		for _, o := range run {
			for _, s := range o.shards {
				shards[s] = true
			}
		}
		if c := l.planShardsLocked(run, slices.Sorted(maps.Keys(shards))); c != nil {
			return c
		}
		i += k - 1 // the next run starts after this one
	}
	return nil
}

// worthMerging returns the length of the longest prefix of run (at least
// two objects, else 0) in which no object holds more than half the bytes.
//
// That bounds the write amplification of compaction: an object is
// rewritten only into one at least twice its size, so a record is
// rewritten at most log2(compactSmall / the size of its flush's object)
// times. Without it, a quiet stream's compacted object, still under
// compactSmall, would be rewritten whole with every few new records
// (every chore once compactAge passed: megabytes written every few seconds
// for a few hundred bytes of records). A compacted object so waits until
// the objects after it hold as many bytes as it does, while those are
// compacted among themselves; the objects left uncompacted then number
// about log2 of the run's size in flushes.
func worthMerging(run []*object) int {
	best, size, largest := 0, int64(0), int64(0)
	for k, o := range run {
		size += o.size
		largest = max(largest, o.size)
		if k >= 1 && 2*largest <= size {
			best = k + 1
		}
	}
	return best
}

// planShardsLocked collects each shard's spans in the run's objects, or
// returns nil if they break the invariants (consecutive, dense counters).
func (l *clusterLog) planShardsLocked(run []*object, shards []uint32) *compaction {
	lo, hi := run[0].seq, run[len(run)-1].seq
	c := &compaction{run: run}
	for _, s := range shards {
		ss := l.shards[s]
		if ss == nil {
			continue
		}
		i := sort.Search(len(ss.spans), func(i int) bool { return ss.spans[i].obj.seq >= lo })
		j := i
		for j < len(ss.spans) && ss.spans[j].obj.seq <= hi {
			if j > i && ss.spans[j].first != ss.spans[j-1].last+1 {
				l.log.Error("compaction: a shard's spans are not dense; leaving the run alone", "shard", s)
				return nil
			}
			j++
		}
		if j > i {
			c.shards = append(c.shards, shardRun{shard: s, spans: ss.spans[i:j:j]})
		}
	}
	if len(c.shards) == 0 {
		return nil
	}
	return c
}

// objectBytes returns a whole object, from the cache or the store; nil if
// it is missing or not an object (noted as damage if the index still
// names it: an Expire or a reload meanwhile may have retired it).
func (l *clusterLog) objectBytes(ctx context.Context, o *object) ([]byte, error) {
	key := l.b.objectKey(l.id, o.name)
	if b, ok := l.b.cache.get(key, 0, o.size); ok {
		return b, nil
	}
	b, err := l.b.opts.Objects.Get(ctx, l.b.opts.Bucket, key)
	if errors.Is(err, objectstore.ErrNoSuchKey) {
		cur, err := l.stillIndexed(ctx, o.name)
		if err != nil {
			return nil, err
		}
		if cur != nil {
			l.noteDamaged(cur, 0, o.size, "the object is missing")
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if checkObjectHeader(b) != nil || int64(len(b)) < o.size {
		l.noteDamaged(o, 0, o.size, "the object's header is damaged or it is shorter than its index says")
		return nil, nil
	}
	return b, nil
}

// buildCompacted encodes the compacted object: per shard, the bytes of its
// spans one after the other, each checked frame by frame first. ok is
// false if a span is damaged (noted; the object is left out next time).
func (l *clusterLog) buildCompacted(c *compaction, bodies map[*object][]byte) (body []byte, merged []span, ok bool) {
	size := objectHeaderSize
	for _, sr := range c.shards {
		for _, sp := range sr.spans {
			size += int(sp.size)
		}
	}
	body = appendObjectHeader(make([]byte, 0, size))
	for _, sr := range c.shards {
		m := span{shard: sr.shard, first: sr.spans[0].first, last: sr.spans[len(sr.spans)-1].last,
			minArrival: sr.spans[0].minArrival, maxArrival: sr.spans[len(sr.spans)-1].maxArrival, off: int64(len(body))}
		for _, sp := range sr.spans {
			data := bodies[sp.obj][sp.off : sp.off+sp.size]
			if !l.spanIntact(sp, data) {
				return nil, nil, false
			}
			body = append(body, data...)
		}
		m.size = int64(len(body)) - m.off
		merged = append(merged, m)
	}
	return body, merged, true
}

// spanIntact checks that data holds exactly sp's records in intact frames.
func (l *clusterLog) spanIntact(sp *span, data []byte) bool {
	want, damaged := sp.first, l.nDamaged.Load()
	l.walkSpan(sp, data, 0, func(h frameHeader, _ []byte) bool {
		if h.first != want {
			l.noteDamaged(sp.obj, sp.off, sp.size, "a span's frames do not follow each other")
			return false
		}
		want = h.last() + 1
		return true
	})
	return l.nDamaged.Load() == damaged && want == sp.last+1 && !sp.obj.damaged.Load()
}

// swap commits the compaction and installs it, and reports whether it
// did. The spans planned must still be the index's (an Expire, a reload
// or another compaction meanwhile cancels it).
func (l *clusterLog) swap(ctx context.Context, c *compaction, obj *object, merged []span) (bool, error) {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	if l.needReload || !l.stillPlanned(c) {
		l.retire(obj.name, time.Now())
		return false, nil
	}
	ops := make([]clientv3.Op, 0, 2*len(c.shards))
	for i, sr := range c.shards {
		spans, m := sr.spans, merged[i]
		if len(spans) > 1 {
			ops = append(ops, clientv3.OpDelete(l.b.keys.rangeKey(l.id, sr.shard, spans[1].first),
				clientv3.WithRange(l.b.keys.rangeKey(l.id, sr.shard, spans[len(spans)-1].first)+"\x00")))
		}
		ops = append(ops, clientv3.OpPut(l.b.keys.rangeKey(l.id, sr.shard, m.first), string(encodeRange(rangeVal{
			object: obj.name, off: m.off, size: m.size, last: m.last, minArrival: m.minArrival, maxArrival: m.maxArrival,
		}))))
	}
	if _, err := l.commit(ctx, nil, ops); err != nil {
		if errors.Is(err, storage.ErrFenced) {
			l.retire(obj.name, time.Now())
		} else {
			l.needReload = true
			l.suspects = append(l.suspects, obj.name)
		}
		return false, fmt.Errorf("commit compaction: %w", err)
	}
	l.installCompaction(c, obj, merged)
	return true, nil
}

// stillPlanned reports whether the spans c planned are still in the index.
// l.commitMu is held.
func (l *clusterLog) stillPlanned(c *compaction) bool {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for _, sr := range c.shards {
		ss := l.shards[sr.shard]
		if ss == nil || spanIndex(ss.spans, sr.spans[0]) < 0 {
			return false
		}
		i := spanIndex(ss.spans, sr.spans[0])
		if i+len(sr.spans) > len(ss.spans) || !slices.Equal(ss.spans[i:i+len(sr.spans)], sr.spans) {
			return false
		}
	}
	return true
}

// spanIndex returns the index of sp in spans (sorted by counter), or -1.
func spanIndex(spans []*span, sp *span) int {
	i := sort.Search(len(spans), func(i int) bool { return spans[i].first >= sp.first })
	if i < len(spans) && spans[i] == sp {
		return i
	}
	return -1
}

// installCompaction replaces the run's spans and objects by the compacted
// ones and retires the run. l.commitMu is held.
func (l *clusterLog) installCompaction(c *compaction, obj *object, merged []span) {
	l.mu.Lock()
	for i, sr := range c.shards {
		ss := l.shards[sr.shard]
		at := spanIndex(ss.spans, sr.spans[0])
		m := merged[i]
		spans := make([]*span, 0, len(ss.spans)-len(sr.spans)+1)
		spans = append(spans, ss.spans[:at]...)
		spans = append(spans, &m)
		ss.spans = append(spans, ss.spans[at+len(sr.spans):]...)
		obj.refs++
		for _, sp := range sr.spans {
			sp.obj.refs--
		}
	}
	objects := make([]*object, 0, len(l.objects))
	for _, o := range l.objects {
		if o.refs > 0 {
			objects = append(objects, o)
		}
	}
	l.objects = insertObject(objects, obj)
	var unused []*object
	for _, o := range c.run {
		if o.refs == 0 {
			unused = append(unused, o)
		} else {
			// Cannot happen: every span of the run moved. Keep it.
			l.log.Error("compaction: an object of the run is still referenced; keeping it", "object", o.name, "refs", o.refs)
		}
	}
	l.mu.Unlock()
	l.retireObjects(unused)
}
