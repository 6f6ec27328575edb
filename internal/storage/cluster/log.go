package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/logstore"
	"sluice/internal/storage"
)

// clusterLog is one stream's log: an in-memory index of where each run of
// a shard's records lies, loaded from etcd when the log opens and kept up
// to date by its own commits (this node is the only writer while it holds
// the fence).
type clusterLog struct {
	b      *Backend
	id     string
	log    *slog.Logger
	claims []*claim // the fences its writes carry: the backend's, and its own if placed

	// commitMu serialises the changes of the index, in etcd and in memory:
	// a flush's commit, Expire, a compaction's swap and reloads. Heavy work
	// (building and putting objects) is done without it.
	commitMu   sync.Mutex
	needReload bool            // a commit's outcome is unknown: reread the index before the next
	suspects   []string        // objects of such commits, deleted if the reload shows them unused
	nextObject atomic.Uint64   // sequence number of the next object
	retired    []retiredObject // unreferenced objects waiting for readers to finish

	// mu guards the index below; readers take it shortly to copy what they
	// need. Spans are never modified once published, nor the part of a
	// shard's slice of spans a reader may hold: a flush appends past it,
	// other changes install new slices.
	mu          sync.RWMutex
	shards      map[uint32]*shardIndex
	objects     []*object // referenced objects, in sequence order
	lastArrival int64
	watch       chan struct{} // closed at the next commit; nil if nobody watches
	indexRev    int64         // a view's: the etcd revision its index is up to date with

	// A view's rereads of its whole index (refresh): rereadMu serialises
	// them; rereadsBegun counts those begun, rereadsDone is the number of
	// the last one finished (under rereadMu).
	rereadMu     sync.Mutex
	rereadsBegun atomic.Uint64
	rereadsDone  uint64

	q queue // appends waiting for the flusher

	ctx       context.Context // of the log's calls to the store and etcd; cancelled when it closes
	cancel    context.CancelFunc
	stop      chan struct{} // closed by close
	abandon   atomic.Bool   // close without flushing (Remove; tests: a crash)
	giveUp    atomic.Bool   // the close took too long: fail what is queued
	done      sync.WaitGroup
	closed    atomic.Bool
	closeOnce sync.Once

	failMu      sync.Mutex
	failErr     error
	failedSince time.Time

	damageMu sync.Mutex
	damaged  map[damageKey]bool

	nRecords, nFrames, nFlushes, nFetches, nDamaged atomic.Uint64
}

// shardIndex is what the log knows of one shard.
type shardIndex struct {
	next        uint64 // counter of the next record
	lastArrival int64
	spans       []*span // in counter order
}

// span is one run of a shard's records, consecutive frames in one object:
// the in-memory form of a range key.
type span struct {
	shard                  uint32
	first, last            uint64
	minArrival, maxArrival int64
	obj                    *object
	off, size              int64
}

// object is one object of the log that spans point into.
type object struct {
	name    string
	seq     uint64
	written time.Time
	size    int64
	shards  []uint32    // shards it was written with (some may have expired since)
	refs    int         // spans pointing here; guarded by clusterLog.mu
	damaged atomic.Bool // a reader found damage: compaction leaves it alone

	minArrival, maxArrival int64 // arrival times of its oldest and newest records, as written
}

type retiredObject struct {
	name string
	due  time.Time
}

type damageKey struct {
	object string
	off    int64
}

// openLog loads the index of log id from etcd and starts its flusher and
// its chores.
func openLog(ctx context.Context, b *Backend, id string, claims []*claim) (*clusterLog, error) {
	l := &clusterLog{
		b:      b,
		id:     id,
		log:    b.log.With("stream", id),
		claims: claims,
		stop:   make(chan struct{}),
	}
	l.q.init()
	l.ctx, l.cancel = context.WithCancel(b.ctx)
	idx, err := l.loadIndex(ctx)
	if err != nil {
		l.cancel()
		return nil, err
	}
	l.install(idx)
	if b.readOnly {
		l.done.Add(1)
		go l.follow()
		return l, nil
	}
	l.done.Add(2)
	go l.flusher()
	go l.chores()
	return l, nil
}

// logIndex is a log's index as read from etcd.
type logIndex struct {
	shards      map[uint32]*shardIndex
	objects     []*object
	lastArrival int64
	nextObject  uint64
	rev         int64 // the etcd revision it was read at
}

// loadIndex reads the counter marks and range keys of the log, at one
// revision.
func (l *clusterLog) loadIndex(ctx context.Context) (*logIndex, error) {
	k := l.b.keys
	idx := &logIndex{shards: map[uint32]*shardIndex{}, nextObject: 1}
	marks := map[uint32]shardMark{}
	rev, err := l.b.scan(ctx, k.marks(l.id), 0, func(kv *mvccpb.KeyValue) error {
		shard, err := k.parseMarkKey(l.id, string(kv.Key))
		if err != nil {
			return err
		}
		m, err := decodeMark(kv.Value)
		if err != nil {
			return fmt.Errorf("cluster: counter mark %s: %w", kv.Key, err)
		}
		marks[shard] = m
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: load log %s: %w", l.id, err)
	}
	idx.rev = rev
	objects := map[string]*object{}
	_, err = l.b.scan(ctx, k.ranges(l.id), rev, func(kv *mvccpb.KeyValue) error {
		shard, first, err := k.parseRangeKey(l.id, string(kv.Key))
		if err != nil {
			return err
		}
		v, err := decodeRange(kv.Value)
		if err != nil || v.last < first {
			return fmt.Errorf("cluster: range %s: %w", kv.Key, errBadValue)
		}
		obj := objects[v.object]
		if obj == nil {
			seq, written, ok := parseObjectName(v.object)
			if !ok {
				return fmt.Errorf("cluster: range %s names object %q: %w", kv.Key, v.object, errBadValue)
			}
			obj = &object{name: v.object, seq: seq, written: written, minArrival: v.minArrival, maxArrival: v.maxArrival}
			objects[v.object] = obj
			idx.objects = append(idx.objects, obj)
			idx.nextObject = max(idx.nextObject, seq+1)
		}
		obj.refs++
		obj.size = max(obj.size, v.off+v.size)
		obj.minArrival, obj.maxArrival = min(obj.minArrival, v.minArrival), max(obj.maxArrival, v.maxArrival)
		if n := len(obj.shards); n == 0 || obj.shards[n-1] != shard {
			obj.shards = append(obj.shards, shard) // range keys come in shard order
		}
		ss := idx.shard(shard)
		ss.spans = append(ss.spans, &span{
			shard: shard, first: first, last: v.last, minArrival: v.minArrival, maxArrival: v.maxArrival,
			obj: obj, off: v.off, size: v.size,
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: load log %s: %w", l.id, err)
	}
	sortObjects(idx.objects)
	for shard, m := range marks {
		ss := idx.shard(shard)
		ss.next = max(ss.next, m.next)
		ss.lastArrival = max(ss.lastArrival, m.lastArrival)
	}
	for _, ss := range idx.shards {
		if n := len(ss.spans); n > 0 {
			ss.next = max(ss.next, ss.spans[n-1].last+1)
			ss.lastArrival = max(ss.lastArrival, ss.spans[n-1].maxArrival)
		}
		idx.lastArrival = max(idx.lastArrival, ss.lastArrival)
	}
	return idx, nil
}

func (idx *logIndex) shard(shard uint32) *shardIndex {
	ss := idx.shards[shard]
	if ss == nil {
		ss = &shardIndex{next: 1}
		idx.shards[shard] = ss
	}
	return ss
}

// install makes idx the log's index.
func (l *clusterLog) install(idx *logIndex) {
	l.mu.Lock()
	l.shards = idx.shards
	l.objects = idx.objects
	l.lastArrival = max(l.lastArrival, idx.lastArrival)
	l.indexRev = max(l.indexRev, idx.rev)
	l.mu.Unlock()
	for {
		cur := l.nextObject.Load()
		if cur >= idx.nextObject || l.nextObject.CompareAndSwap(cur, idx.nextObject) {
			break
		}
	}
}

// reloadIfNeeded rereads the index after a commit whose outcome was
// unknown, and deletes the objects of such commits that nothing uses.
// l.commitMu is held.
func (l *clusterLog) reloadIfNeeded(ctx context.Context) error {
	if !l.needReload {
		return nil
	}
	idx, err := l.loadIndex(ctx)
	if err != nil {
		return err
	}
	l.install(idx)
	l.needReload = false
	used := map[string]bool{}
	for _, o := range idx.objects {
		used[o.name] = true
	}
	for _, name := range l.suspects {
		if !used[name] {
			l.retire(name, time.Now())
		}
	}
	l.suspects = nil
	l.log.Info("reloaded the log's index after a commit with an unknown outcome")
	return nil
}

// shardLocked returns a shard's index, creating it. l.mu is held for
// writing.
func (l *clusterLog) shardLocked(shard uint32) *shardIndex {
	ss := l.shards[shard]
	if ss == nil {
		ss = &shardIndex{next: 1}
		l.shards[shard] = ss
	}
	return ss
}

// Watch returns a channel closed at the next commit, or when the log
// closes.
func (l *clusterLog) Watch() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed.Load() {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	if l.watch == nil {
		l.watch = make(chan struct{})
	}
	return l.watch
}

// wakeWatchersLocked closes the watch channel. l.mu is held.
func (l *clusterLog) wakeWatchersLocked() {
	if l.watch != nil {
		close(l.watch)
		l.watch = nil
	}
}

// LastArrival returns the arrival time of the shard's newest record (it
// outlives retention), 0 for a shard never written.
func (l *clusterLog) LastArrival(shard uint32) int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if ss := l.shards[shard]; ss != nil {
		return ss.lastArrival
	}
	return 0
}

// Stats describes the log: objects are its segments.
func (l *clusterLog) Stats() storage.LogStats {
	l.mu.RLock()
	st := storage.LogStats{Segments: len(l.objects), Shards: len(l.shards)}
	for _, o := range l.objects {
		st.Bytes += o.size
	}
	l.mu.RUnlock()
	st.Records = l.nRecords.Load()
	st.Entries = l.nFrames.Load()
	st.Syncs = l.nFlushes.Load()
	st.IndexLoads = l.nFetches.Load()
	st.Damaged = l.nDamaged.Load()
	return st
}

// Failure returns since when flushes have been failing and why, or a nil
// error while they succeed.
func (l *clusterLog) Failure() (since time.Time, err error) {
	l.failMu.Lock()
	defer l.failMu.Unlock()
	if since, err := lostSince(l.claims); err != nil {
		return since, fmt.Errorf("cluster: log %s: %w", l.id, err)
	}
	return l.failedSince, l.failErr
}

// flushFailed records a failed flush.
func (l *clusterLog) flushFailed(err error) {
	l.b.stats.failedFlushes.Add(1)
	l.failMu.Lock()
	defer l.failMu.Unlock()
	if l.failErr == nil {
		l.failedSince = time.Now()
		l.log.Error("flush failed: appends fail until one succeeds", "err", err)
	}
	l.failErr = err
}

// flushSucceeded clears the failure.
func (l *clusterLog) flushSucceeded() {
	l.failMu.Lock()
	defer l.failMu.Unlock()
	if l.failErr != nil {
		l.log.Info("the object store and etcd work again", "failing_for", time.Since(l.failedSince))
		l.failErr, l.failedSince = nil, time.Time{}
	}
}

// noteDamaged reports n damaged bytes at off in obj, once: at ERROR and in
// Stats.Damaged.
func (l *clusterLog) noteDamaged(obj *object, off, n int64, what string) {
	obj.damaged.Store(true)
	k := damageKey{obj.name, off}
	l.damageMu.Lock()
	seen := l.damaged[k]
	if !seen {
		if l.damaged == nil {
			l.damaged = map[damageKey]bool{}
		}
		l.damaged[k] = true
	}
	l.damageMu.Unlock()
	if seen {
		return
	}
	l.nDamaged.Add(1)
	l.log.Error("damaged records in an object: "+what, "object", l.b.objectKey(l.id, obj.name), "offset", off, "bytes", n)
}

// close stops the log: pending appends are flushed (or, abandoned, failed
// with ErrClosed). If that is not done by deadline (the store or etcd
// does not answer), the log's calls to them are cancelled and what is
// still queued fails with storage.ErrWriteFailed. Retired objects are left
// alone, even those due: reads of the log may still run (a GetRecords
// handler outlives the service that closed the log), and they hold spans
// into them. The orphan sweep of whichever node opens the log next
// deletes them.
func (l *clusterLog) close(abandon bool, deadline time.Time) {
	l.closeOnce.Do(func() {
		l.abandon.Store(abandon)
		l.q.close()
		close(l.stop)
		stopped := make(chan struct{})
		go func() { l.done.Wait(); close(stopped) }()
		timer := time.NewTimer(time.Until(deadline))
		select {
		case <-stopped:
		case <-timer.C:
			n, _, _, _ := l.q.peek()
			l.log.Error("the log did not close in time: the object store or etcd does not answer; "+
				"cancelling its calls to them and failing the appends still queued", "queued", n)
			l.giveUp.Store(true)
			l.cancel()
			l.q.signal()
			<-stopped
		}
		timer.Stop()
		l.cancel()
		l.closed.Store(true)
		l.mu.Lock()
		l.wakeWatchersLocked()
		l.mu.Unlock()
	})
}

// commit runs one transaction under the log's fences (see commitUnder).
func (l *clusterLog) commit(ctx context.Context, cmps []clientv3.Cmp, ops []clientv3.Op) (ok bool, err error) {
	return l.b.commitUnder(ctx, l.claims, cmps, ops)
}

// writable returns why the log cannot be written now, or nil.
func (l *clusterLog) writable() error { return l.b.writableUnder(l.claims) }

// opContext bounds one call of the log to the store or etcd.
func (l *clusterLog) opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(l.ctx, l.b.opts.tuning.opTimeout)
}

// errClosed is what the methods of a closed log return.
var errClosed = logstore.ErrClosed
