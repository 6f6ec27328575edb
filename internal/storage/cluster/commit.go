package cluster

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"sluice/internal/storage"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// maxShardsPerTxn bounds the shards of one flush's transaction: one
// compare and one put each, plus the fence compare, within maxTxnOps.
const maxShardsPerTxn = maxTxnOps - 8

// commitWrites commits the ranges of one flush, in transactions of at most
// maxShardsPerTxn shards (each shard's range in one of them), publishing
// each committed part. Each range key must not exist yet: if it does, the
// index in memory is behind etcd (a commit whose answer was lost did
// apply), and the flush fails and the index is reread. A failed part fails
// the whole flush; the parts committed before it stay, their counters used.
// An error after which some or all of the flush may be stored (a part was
// committed, or a commit was not answered) is a *maybeCommitted.
func (l *clusterLog) commitWrites(ctx context.Context, obj *object, writes []*shardWrite, arrival int64) error {
	l.commitMu.Lock()
	defer l.commitMu.Unlock()
	committed := false
	for chunk := range slices.Chunk(writes, maxShardsPerTxn) {
		cmps := make([]clientv3.Cmp, 0, len(chunk))
		ops := make([]clientv3.Op, 0, len(chunk))
		for _, w := range chunk {
			k := l.b.keys.rangeKey(l.id, w.shard, w.first)
			cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(k), "=", 0))
			ops = append(ops, clientv3.OpPut(k, string(encodeRange(rangeVal{
				object: obj.name, off: w.off, size: w.size, last: w.next - 1, minArrival: arrival, maxArrival: arrival,
			}))))
		}
		cctx, cancel := context.WithTimeout(ctx, l.b.opts.tuning.commitTimeout)
		ok, err := l.commit(cctx, cmps, ops)
		cancel()
		switch {
		case err == nil && ok:
			l.publish(obj, chunk, arrival)
			committed = true
			continue
		case err == nil: // a range key exists already
			l.needReload = true
			err = errors.New("its ranges exist in etcd already: the index in memory was behind; it is reread")
		case !errors.Is(err, storage.ErrFenced):
			// The transaction may have been applied: reread the index
			// before the next commit, and keep the object until then.
			l.needReload = true
			if !committed {
				l.suspects = append(l.suspects, obj.name)
			}
			return &maybeCommitted{err: fmt.Errorf("commit: %w", err),
				reason: "etcd did not answer the commit of the write's index, which may have been applied"}
		}
		if !committed {
			l.retire(obj.name, time.Now())
			return err
		}
		if errors.Is(err, storage.ErrFenced) {
			return &maybeCommitted{err: err, reason: "this node stopped owning the cluster after part of the write was committed"}
		}
		return &maybeCommitted{err: fmt.Errorf("commit of a part: %w", err),
			reason: "etcd took only part of the write (a write to over 120 shards is committed in parts)"}
	}
	return nil
}

// maybeCommitted is the error of a flush that failed after part of it was
// committed, or whose commit was not answered (it may have been applied):
// its appends were told nothing of their counters, yet some or all of
// their records may be stored, and retrying may store them twice.
type maybeCommitted struct {
	err    error
	reason string // for clients, as StorageReason
}

func (e *maybeCommitted) Error() string { return e.err.Error() }
func (e *maybeCommitted) Unwrap() error { return e.err }

// MaybeStored tells storage.ClientMessage that some or all of the write
// may be stored.
func (e *maybeCommitted) MaybeStored() bool { return true }

// StorageReason is what storage.FailureReason says of it.
func (e *maybeCommitted) StorageReason() string { return e.reason }

// publish makes the committed spans of a flush visible to readers and
// wakes watchers. l.commitMu is held.
func (l *clusterLog) publish(obj *object, writes []*shardWrite, arrival int64) {
	var records, frames uint64
	l.mu.Lock()
	if obj.refs == 0 {
		l.objects = insertObject(l.objects, obj)
	}
	for _, w := range writes {
		ss := l.shardLocked(w.shard)
		ss.spans = append(ss.spans, &span{
			shard: w.shard, first: w.first, last: w.next - 1, minArrival: arrival, maxArrival: arrival,
			obj: obj, off: w.off, size: w.size,
		})
		obj.refs++
		ss.next = w.next
		ss.lastArrival = arrival
		records += w.next - w.first
		frames += uint64(len(w.frames))
	}
	l.lastArrival = max(l.lastArrival, arrival)
	l.wakeWatchersLocked()
	l.mu.Unlock()
	l.nRecords.Add(records)
	l.nFrames.Add(frames)
}

// insertObject inserts obj into objects, kept in sequence order. Every
// reader of l.objects holds l.mu, so the slice may change in place.
func insertObject(objects []*object, obj *object) []*object {
	if len(objects) == 0 || objects[len(objects)-1].seq < obj.seq {
		return append(objects, obj) // a flush: the newest object
	}
	i := sort.Search(len(objects), func(i int) bool { return objects[i].seq > obj.seq })
	out := make([]*object, 0, len(objects)+1)
	out = append(out, objects[:i]...)
	out = append(out, obj)
	return append(out, objects[i:]...)
}

// sortObjects sorts objects by sequence number.
func sortObjects(objects []*object) {
	slices.SortFunc(objects, func(a, b *object) int {
		switch {
		case a.seq < b.seq:
			return -1
		case a.seq > b.seq:
			return 1
		}
		return 0
	})
}
