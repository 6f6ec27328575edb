package cluster

import (
	"context"
	"errors"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// A read-only backend's logs are views: a node that does not own a log
// reads what its owner committed. The view loads the log's index from
// etcd like an owner does, then follows the owner's commits through an
// etcd watch on the log's keys. A flush (range keys created at the tail
// of their shards) is applied as it comes, so a view lags its owner by
// one watch event; anything else (Expire, a compaction's swap, the
// owner's reread after a lost answer, a removal) has the view reread the
// whole index: once per compaction swap or Expire of the owner's (its
// chores run once a second, a few swaps at most each), and when readers
// find objects missing (they share rereads, see refresh). Records come
// from the bucket through the view's own cache.
//
// A view lags, so a missing object is not damage until etcd says the
// index still names it: a reader that finds one rereads the index first
// (see lostSpan), where an owner checks its fence instead.

// followRetry is the first delay before a view whose watch broke tries
// again; it doubles up to maxFollowRetry.
const (
	followRetry    = 100 * time.Millisecond
	maxFollowRetry = 5 * time.Second
)

// follow keeps a view's index up to date until the log closes.
func (l *clusterLog) follow() {
	defer l.done.Done()
	ctx, cancel := context.WithCancel(l.ctx)
	defer cancel()
	go func() {
		<-l.stop
		cancel()
	}()
	delay := followRetry
	for {
		err := l.watchIndex(ctx)
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("following the log's owner: the etcd watch broke; rereading the index", "err", err, "retry_in", delay)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return
		}
		delay = min(2*delay, maxFollowRetry)
		if err := l.refresh(ctx); err != nil {
			continue
		}
		delay = followRetry
	}
}

// watchIndex watches the log's keys from the revision after the index's
// and applies what changes, until the watch breaks (etcd compacted the
// revisions it needed, lost its leader, or could not be reached).
func (l *clusterLog) watchIndex(ctx context.Context) error {
	l.mu.RLock()
	from := l.indexRev + 1
	l.mu.RUnlock()
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	wch := l.b.etcd.Watch(wctx, l.b.keys.log(l.id), clientv3.WithPrefix(), clientv3.WithRev(from))
	for resp := range wch {
		if err := resp.Err(); err != nil {
			return err
		}
		if len(resp.Events) == 0 {
			continue
		}
		if !l.applyFlushes(resp.Events) {
			if err := l.refresh(ctx); err != nil {
				return err
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.New("the watch ended")
}

// refresh rereads the whole index and installs it unless the view is
// already past it. Callers at once share rereads: one that finds that a
// reread which began after it was called has finished returns at once, so
// many readers missing objects together cost two rereads, not one each.
func (l *clusterLog) refresh(ctx context.Context) error {
	want := l.rereadsBegun.Load() + 1 // the first reread to begin after this call
	l.rereadMu.Lock()
	defer l.rereadMu.Unlock()
	if l.rereadsDone >= want {
		return nil
	}
	n := l.rereadsBegun.Add(1)
	idx, err := l.loadIndex(ctx)
	if err != nil {
		return err
	}
	l.rereadsDone = n
	l.mu.Lock()
	defer l.mu.Unlock()
	if idx.rev <= l.indexRev {
		return nil
	}
	l.shards, l.objects, l.indexRev = idx.shards, idx.objects, idx.rev
	l.lastArrival = max(l.lastArrival, idx.lastArrival)
	l.wakeWatchersLocked()
	return nil
}

// flushedRange is a range key created at the tail of its shard.
type flushedRange struct {
	shard uint32
	first uint64
	v     rangeVal
}

// applyFlushes applies events the view has not seen if every one is a
// flush's (a range key created at its shard's tail) or leaves the index
// alone (the manifest, the removal and restore marks), and returns true.
// It changes nothing and returns false for any other event: the index is
// then reread.
func (l *clusterLog) applyFlushes(events []*clientv3.Event) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	var flushed []flushedRange
	next := map[uint32]uint64{}
	rev := l.indexRev
	for _, ev := range events {
		kv := ev.Kv
		if kv.ModRevision <= l.indexRev {
			continue // in the index already (a reread got past it)
		}
		rev = max(rev, kv.ModRevision)
		key := string(kv.Key)
		if key == l.b.keys.manifest(l.id) || key == l.b.keys.removing(l.id) || key == l.b.keys.restore(l.id) {
			continue
		}
		if ev.Type != clientv3.EventTypePut || !ev.IsCreate() {
			return false
		}
		shard, first, err := l.b.keys.parseRangeKey(l.id, key)
		if err != nil {
			return false // a counter mark: Expire
		}
		v, err := decodeRange(kv.Value)
		if err != nil || v.last < first {
			return false // the reread reports it
		}
		n, ok := next[shard]
		if !ok {
			n = 1
			if ss := l.shards[shard]; ss != nil {
				n = ss.next
			}
		}
		if first != n {
			return false
		}
		if _, _, ok := parseObjectName(v.object); !ok {
			return false
		}
		next[shard] = v.last + 1
		flushed = append(flushed, flushedRange{shard: shard, first: first, v: v})
	}
	l.publishFlushed(flushed)
	l.indexRev = rev
	return true
}

// publishFlushed adds the spans of flushed ranges to the view's index and
// wakes its watchers, as publish does for an owner. l.mu is held.
func (l *clusterLog) publishFlushed(flushed []flushedRange) {
	if len(flushed) == 0 {
		return
	}
	var records uint64
	for _, f := range flushed {
		obj := l.objectLocked(f.v.object)
		if obj == nil {
			seq, written, _ := parseObjectName(f.v.object)
			obj = &object{name: f.v.object, seq: seq, written: written, minArrival: f.v.minArrival, maxArrival: f.v.maxArrival}
			l.objects = insertObject(l.objects, obj)
		}
		obj.refs++
		obj.size = max(obj.size, f.v.off+f.v.size)
		obj.minArrival, obj.maxArrival = min(obj.minArrival, f.v.minArrival), max(obj.maxArrival, f.v.maxArrival)
		if n := len(obj.shards); n == 0 || obj.shards[n-1] != f.shard {
			obj.shards = append(obj.shards, f.shard)
		}
		ss := l.shardLocked(f.shard)
		ss.spans = append(ss.spans, &span{
			shard: f.shard, first: f.first, last: f.v.last, minArrival: f.v.minArrival, maxArrival: f.v.maxArrival,
			obj: obj, off: f.v.off, size: f.v.size,
		})
		ss.next = f.v.last + 1
		ss.lastArrival = max(ss.lastArrival, f.v.maxArrival)
		l.lastArrival = max(l.lastArrival, f.v.maxArrival)
		records += f.v.last + 1 - f.first
	}
	l.nRecords.Add(records)
	l.wakeWatchersLocked()
}
