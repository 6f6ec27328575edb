package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/objectstore"
	"sluice/internal/storage"
)

// Defaults for Options.
const (
	DefaultFlushInterval = 20 * time.Millisecond
	DefaultFlushBytes    = 8 << 20
	DefaultCacheBytes    = 256 << 20
)

// ErrFenced is returned (wrapped) by MetaStore.Update and Log.Append once a
// commit found that the backend's Fence no longer holds: another node owns
// the cluster now. A fenced backend stays fenced; its owner must close it.
var ErrFenced = fmt.Errorf("cluster: this node no longer owns the cluster (its fence is gone): %w", storage.ErrFenced)

// Fence is the owner's claim: commits succeed only while Key exists with
// this create revision (the election key of the owner's session:
// election.Key(), election.Rev()).
type Fence struct {
	Key      string
	Revision int64
}

// Objects is what the backend needs from the object store
// (objectstore.S3 implements it).
type Objects interface {
	Put(ctx context.Context, o objectstore.Object) error
	// Get returns a whole object, objectstore.ErrNoSuchKey when absent.
	Get(ctx context.Context, bucket, key string) ([]byte, error)
	GetRange(ctx context.Context, bucket, key string, off, n int64) ([]byte, error)
	// Delete removes an object; an absent one is not an error.
	Delete(ctx context.Context, bucket, key string) error
	// List returns every key with the prefix, paging internally.
	List(ctx context.Context, bucket, prefix string) ([]string, error)
}

// Options configure the cluster backend.
type Options struct {
	Etcd *clientv3.Client // not closed by Close
	// Prefix is the etcd key prefix, e.g. "/sluice/"; objects go under
	// strings.Trim(Prefix, "/") + "/records/".
	Prefix  string
	Objects Objects
	Bucket  string
	Fence   Fence
	Now     func() time.Time // clock of arrival times; default time.Now
	// FlushInterval is the group-commit window: how long the oldest
	// pending append waits for others to share its object.
	FlushInterval time.Duration
	FlushBytes    int   // flush early at this many pending bytes
	CacheBytes    int64 // read cache of object bytes
	Logger        *slog.Logger

	tuning tuning // tests shorten the background work's delays
}

// tuning holds the delays of background work; zero fields take defaults.
type tuning struct {
	maintainEvery time.Duration // how often a log's flusher does its chores
	compactAge    time.Duration // objects younger than this are not compacted
	retireDelay   time.Duration // how long an unreferenced object outlives its last reader
	opTimeout     time.Duration // bound on one S3 or etcd call of background work
	sweepEvery    time.Duration // how often a log looks for orphaned objects
	sweepDelay    time.Duration // when it first does, after it opens
	sweepAge      time.Duration // objects younger than this are never orphans
	compactSmall  int64         // objects smaller than this are compacted
	compactTarget int64         // a compacted object stops growing past this
	compactSpan   time.Duration // a compacted object holds records of at most this span of arrival times
	removeRetry   time.Duration // first delay before a removal that failed is tried again
	closeTimeout  time.Duration // bound on closing the logs (all of them, at once)
	// commitTimeout bounds one flush's wait for etcd (its index reread,
	// each commit). etcd holds a proposal whose leader died for its own
	// request timeout (5 s plus two election timeouts) before it answers;
	// a new leader is elected in about a second. Giving up sooner (the
	// outcome unknown, so the index is reread before the next commit)
	// shortens the writes' outage from about 7 s to 2–3 s.
	commitTimeout time.Duration
}

func (o Options) withDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = DefaultFlushInterval
	}
	if o.FlushBytes <= 0 {
		o.FlushBytes = DefaultFlushBytes
	}
	if o.CacheBytes <= 0 {
		o.CacheBytes = DefaultCacheBytes
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	t := &o.tuning
	t.maintainEvery = orDefault(t.maintainEvery, time.Second)
	t.compactAge = orDefault(t.compactAge, 5*time.Second)
	t.retireDelay = orDefault(t.retireDelay, 30*time.Second)
	t.opTimeout = orDefault(t.opTimeout, 30*time.Second)
	t.sweepEvery = orDefault(t.sweepEvery, 10*time.Minute)
	t.sweepDelay = orDefault(t.sweepDelay, time.Minute)
	t.sweepAge = orDefault(t.sweepAge, 10*time.Minute)
	t.removeRetry = orDefault(t.removeRetry, 5*time.Second)
	t.compactSpan = orDefault(t.compactSpan, time.Hour)
	t.closeTimeout = orDefault(t.closeTimeout, 10*time.Second)
	t.commitTimeout = orDefault(t.commitTimeout, 2*time.Second)
	if t.compactSmall <= 0 {
		t.compactSmall = 1 << 20
	}
	if t.compactTarget <= 0 {
		t.compactTarget = 8 << 20
	}
	return o
}

// orDefault returns d, or def when d is not positive.
func orDefault(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

func (o Options) validate(readOnly bool) error {
	switch {
	case o.Etcd == nil:
		return errors.New("cluster: Options.Etcd is nil")
	case o.Objects == nil:
		return errors.New("cluster: Options.Objects is nil")
	case o.Bucket == "":
		return errors.New("cluster: Options.Bucket is empty")
	case !readOnly && (o.Fence.Key == "" || o.Fence.Revision <= 0):
		return errors.New("cluster: Options.Fence is not set")
	case !strings.HasSuffix(o.Prefix, "/"):
		return fmt.Errorf("cluster: Options.Prefix %q must end with /", o.Prefix)
	}
	return nil
}

// Backend is the cluster storage.Backend: metadata in etcd, records in
// objects. See the package doc.
type Backend struct {
	opts   Options
	etcd   *clientv3.Client
	keys   keys
	log    *slog.Logger
	meta   *etcdMeta
	recs   *records
	cache  *cache
	ctx    context.Context // of background work, cancelled by Close
	cancel context.CancelFunc

	readOnly  bool     // OpenReadOnly: a view of logs that other nodes write
	own       claim    // Options.Fence
	claims    []*claim // own, as every write of the backend's carries it
	closeOnce sync.Once
	stats     counters
}

// Open checks that the fence holds, has the removals a crash interrupted
// finished in the background, and returns the backend. Logs are loaded
// when opened.
func Open(ctx context.Context, o Options) (*Backend, error) {
	if err := o.validate(false); err != nil {
		return nil, err
	}
	b := newBackend(o)
	if err := b.checkFence(ctx); err != nil {
		b.cancel()
		return nil, err
	}
	if err := b.recs.start(ctx); err != nil {
		b.cancel()
		return nil, err
	}
	return b, nil
}

// OpenReadOnly returns a backend that reads the logs other nodes write,
// for a node that does not own them (o.Fence is ignored). Its logs are
// views (see view.go): they read what their owner committed and follow
// its commits through an etcd watch. Every write fails with ErrReadOnly:
// Append, Expire, MetaStore.Update and the RecordStore's writes.
func OpenReadOnly(ctx context.Context, o Options) (*Backend, error) {
	if err := o.validate(true); err != nil {
		return nil, err
	}
	o.Fence = Fence{}
	b := newBackend(o)
	b.readOnly = true
	if _, err := b.etcd.Get(ctx, b.keys.ids(), clientv3.WithPrefix(), clientv3.WithCountOnly()); err != nil {
		b.cancel()
		return nil, fmt.Errorf("cluster: reach etcd: %w", err)
	}
	return b, nil
}

func newBackend(o Options) *Backend {
	o = o.withDefaults()
	b := &Backend{
		opts:  o,
		etcd:  o.Etcd,
		keys:  newKeys(o.Prefix),
		log:   o.Logger.With("component", "storage/cluster"),
		cache: newCache(o.CacheBytes),
	}
	b.own = claim{Fence: o.Fence, lostErr: ErrFenced, log: b.log}
	b.claims = []*claim{&b.own}
	b.ctx, b.cancel = context.WithCancel(context.Background())
	b.meta = &etcdMeta{b: b}
	b.recs = newRecords(b)
	return b
}

// Meta returns the metadata store.
func (b *Backend) Meta() storage.MetaStore { return b.meta }

// Records returns the record store.
func (b *Backend) Records() storage.RecordStore { return b.recs }

// Close flushes and closes every log, at once, within 10 s: appends still
// queued then fail (storage.ErrWriteFailed) and calls to the store and
// etcd still running are cancelled. It leaves the etcd client open.
func (b *Backend) Close() error {
	var err error
	b.closeOnce.Do(func() {
		err = b.recs.Close()
		b.cancel()
		b.recs.bg.Wait() // removals in the background stop at once
	})
	return err
}

// objectKey is the full key of a log's object.
func (b *Backend) objectKey(id, name string) string { return b.keys.objects(id) + name }

// readContext bounds one call of a reader to the store or etcd. Reads
// are not cancelled when their log closes (a handler may still finish
// one), only when the backend does.
func (b *Backend) readContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, b.opts.tuning.opTimeout)
}
