package cluster

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"

	"sluice/internal/storage"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Expire deletes the ranges whose newest record is older than cutoffMillis,
// oldest first, with each shard's counter mark (its next counter and last
// arrival) in the same transaction, so that counters never go back even
// once every range of a shard is gone. Objects no longer referenced are
// deleted once readers that may still hold them are done.
//
// Records not older than cutoffMillis are never deleted; older ones in a
// range that also holds newer ones stay until the whole range expires
// (Read and Bounds hide them).
func (l *clusterLog) Expire(cutoffMillis int64) error {
	if l.closed.Load() {
		return errClosed
	}
	if err := l.writable(); err != nil {
		return fmt.Errorf("cluster: expire %s: %w", l.id, err)
	}
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	if l.closed.Load() {
		return errClosed // closed meanwhile: a log Release closed must not commit after it returns
	}
	ctx, cancel := l.opContext()
	defer cancel()
	if err := l.reloadIfNeeded(ctx); err != nil {
		return err
	}
	cuts := l.expiredSpans(cutoffMillis)
	for chunk := range slices.Chunk(cuts, maxTxnOps/2-1) {
		ops := make([]clientv3.Op, 0, 2*len(chunk))
		for _, c := range chunk {
			first, last := c.spans[0].first, c.spans[len(c.spans)-1].first
			ops = append(ops,
				clientv3.OpDelete(l.b.keys.rangeKey(l.id, c.shard, first),
					clientv3.WithRange(l.b.keys.rangeKey(l.id, c.shard, last)+"\x00")),
				clientv3.OpPut(l.b.keys.mark(l.id, c.shard), string(encodeMark(c.mark))))
		}
		if _, err := l.commit(ctx, nil, ops); err != nil {
			if !errors.Is(err, storage.ErrFenced) {
				l.needReload = true
			}
			return fmt.Errorf("cluster: expire %s: %w", l.id, err)
		}
		l.dropSpans(chunk)
	}
	if len(cuts) > 0 {
		l.log.Debug("expired ranges", "shards", len(cuts), "cutoff", cutoffMillis)
	}
	return nil
}

// expiry is what Expire removes from one shard: its oldest spans.
type expiry struct {
	shard uint32
	spans []*span
	mark  shardMark
}

// expiredSpans returns, per shard, the leading spans older than cutoff.
// l.commitMu is held.
func (l *clusterLog) expiredSpans(cutoff int64) []expiry {
	l.mu.RLock()
	defer l.mu.RUnlock()
	var cuts []expiry
	for shard, ss := range l.shards {
		k := 0
		for k < len(ss.spans) && ss.spans[k].maxArrival < cutoff {
			k++
		}
		if k > 0 {
			cuts = append(cuts, expiry{shard: shard, spans: ss.spans[:k], mark: shardMark{next: ss.next, lastArrival: ss.lastArrival}})
		}
	}
	slices.SortFunc(cuts, func(a, b expiry) int { return cmp.Compare(a.shard, b.shard) })
	return cuts
}

// dropSpans removes committed expiries from the index and retires the
// objects nothing references any more. l.commitMu is held.
func (l *clusterLog) dropSpans(cuts []expiry) {
	var unused []*object
	l.mu.Lock()
	for _, c := range cuts {
		ss := l.shards[c.shard]
		ss.spans = slices.Clone(ss.spans[len(c.spans):])
		for _, sp := range c.spans {
			if sp.obj.refs--; sp.obj.refs == 0 {
				unused = append(unused, sp.obj)
			}
		}
	}
	if len(unused) > 0 {
		l.objects = slices.DeleteFunc(slices.Clone(l.objects), func(o *object) bool { return o.refs == 0 })
	}
	l.mu.Unlock()
	l.retireObjects(unused)
}

// retireObjects retires objects that nothing references any more: they are
// deleted after retireDelay, when reads that found them in the index
// before have most likely finished (one that has not finds them missing
// and reads a fresh snapshot of the index: see lostSpan). l.commitMu is
// held.
func (l *clusterLog) retireObjects(objs []*object) {
	due := time.Now().Add(l.b.opts.tuning.retireDelay)
	for _, o := range objs {
		l.retire(o.name, due)
	}
}

// retire schedules the deletion of an object at due. l.commitMu is held.
func (l *clusterLog) retire(name string, due time.Time) {
	l.b.cache.drop(l.b.objectKey(l.id, name))
	l.retired = append(l.retired, retiredObject{name: name, due: due})
}
