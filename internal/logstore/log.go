package logstore

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/vfs"
)

// Record is one record to append.
type Record struct {
	PartitionKey string
	Data         []byte
}

// Batch is the records of one shard in one Append.
type Batch struct {
	Shard   uint32 // shard index within the stream
	Records []Record
}

// BatchResult tells where a Batch went.
type BatchResult struct {
	FirstSeq      uint64 // counter of Records[0]; record i has FirstSeq+i
	ArrivalMillis int64  // arrival time assigned to every record of the batch
}

// StoredRecord is a record read back.
type StoredRecord struct {
	Seq           uint64
	ArrivalMillis int64
	PartitionKey  string
	Data          []byte
}

// Stats describes a log, for metrics.
type Stats struct {
	Segments   int    // segment files, the active one included
	Bytes      int64  // bytes of segment and index files
	Shards     int    // shards ever written (that the log remembers)
	Records    uint64 // records appended since Open
	Entries    uint64 // entries (shard batches) written since Open
	Syncs      uint64 // fdatasyncs of segment data since Open
	IndexLoads uint64 // index blocks of sealed segments read since Open
	// Damaged counts the damaged entries or byte ranges found since Open
	// (by recovery or by reads), each once. Readers skip them.
	Damaged uint64
}

// Log is one append-only segmented log: one per Kinesis stream, shared by
// its shards. Its methods are safe for concurrent use.
type Log struct {
	opts    Options
	fs      vfs.FS
	dir     string
	logger  *slog.Logger
	relaxed bool

	// mu guards the fields below and the Log.mu fields of segments and
	// segShards. The writer goroutine takes it only to publish.
	mu          sync.RWMutex
	segs        []*segment // oldest first; the last is active
	active      *segment
	shards      map[uint32]*shardState
	lastArrival int64         // newest published arrival
	nextSegNum  uint64        // number of the next segment to create
	watch       chan struct{} // closed at the next publish; nil if nobody watches

	files fileTable
	cache *indexCache
	w     writer // owned by the writer goroutine

	queue      chan *appendReq
	ctl        chan ctlReq
	stop       chan struct{}
	writerDone chan struct{}

	closeMu sync.RWMutex // guards closed against enqueuers
	closed  bool
	isDone  atomic.Bool // closed, for readers

	failMu      sync.Mutex
	failErr     error     // set while appends are refused
	failedSince time.Time // when the failure began; zero once a write succeeded after healing

	stateMu  sync.Mutex // serialises state file writes
	expireMu sync.Mutex // serialises Expire

	nRecords    atomic.Uint64
	nEntries    atomic.Uint64
	nSyncs      atomic.Uint64
	nIndexLoads atomic.Uint64

	damageMu sync.Mutex
	damaged  map[damageKey]bool // damage reported, so each is counted and logged once
	nDamaged atomic.Uint64
}

// damageKey locates damage in the log.
type damageKey struct {
	segment uint64
	off     int64
}

// shardState is what the log knows of one shard.
type shardState struct {
	next        uint64 // counter of the next record to publish
	lastArrival int64
	segs        []*segShard // oldest first
}

// Open opens the log in opts.Dir, creating it if missing and recovering it
// if it was not closed cleanly.
func Open(opts Options) (*Log, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	dir := filepath.Clean(opts.Dir)
	l := &Log{
		opts:       opts,
		fs:         opts.FS,
		dir:        dir,
		logger:     opts.Logger.With("component", "logstore", "dir", dir),
		relaxed:    opts.SyncInterval > 0,
		shards:     map[uint32]*shardState{},
		files:      fileTable{fs: opts.FS, max: maxOpenSealed},
		cache:      newIndexCache(defaultCacheEntries),
		queue:      make(chan *appendReq, queueLen),
		ctl:        make(chan ctlReq),
		stop:       make(chan struct{}),
		writerDone: make(chan struct{}),
	}
	start := time.Now()
	if err := l.recover(); err != nil {
		l.closeFiles()
		return nil, fmt.Errorf("logstore: open %s: %w", dir, err)
	}
	l.logger.Debug("opened", "segments", len(l.segs), "shards", len(l.shards), "took", time.Since(start))
	go l.run()
	return l, nil
}

// Close shuts the log down cleanly: it finishes queued appends, persists the
// active segment's index and the counters, so that the next Open reads no
// segment data, and closes every file.
func (l *Log) Close() error { return l.close(true) }

// Delete closes the log and removes its directory and every file in it.
func (l *Log) Delete() error {
	err := l.close(false)
	if errors.Is(err, ErrClosed) {
		err = nil
	}
	if rerr := l.fs.RemoveAll(l.dir); rerr != nil {
		return errors.Join(err, rerr)
	}
	return errors.Join(err, l.fs.SyncDir(filepath.Dir(l.dir)))
}

func (l *Log) close(persist bool) error {
	l.closeMu.Lock()
	if l.closed {
		l.closeMu.Unlock()
		return ErrClosed
	}
	l.closed = true
	l.closeMu.Unlock()

	l.w.persist = persist
	close(l.stop)
	<-l.writerDone
	err := l.w.closeErr
	if persist {
		if serr := l.writeState(); serr != nil {
			err = errors.Join(err, serr)
		}
	}
	l.isDone.Store(true)
	l.mu.Lock()
	if l.watch != nil {
		close(l.watch)
		l.watch = nil
	}
	l.mu.Unlock()
	l.closeFiles()
	return err
}

func (l *Log) closeFiles() {
	l.mu.RLock()
	segs := slices.Clone(l.segs)
	l.mu.RUnlock()
	for _, s := range segs {
		l.files.retire(s)
	}
}

// Watch returns a channel that is closed at the next durable append to any
// shard, or when the log closes. To wait for new records without missing
// any, call Watch before the Read that found nothing.
func (l *Log) Watch() <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.isDone.Load() {
		ch := make(chan struct{})
		close(ch)
		return ch
	}
	if l.watch == nil {
		l.watch = make(chan struct{})
	}
	return l.watch
}

// LastArrival returns the arrival time of the newest durable record of
// shard, 0 if the shard was never written. The value outlives retention:
// after every record of the shard expired it is still the newest one's.
func (l *Log) LastArrival(shard uint32) int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if ss := l.shards[shard]; ss != nil {
		return ss.lastArrival
	}
	return 0
}

// Stats returns counters for metrics.
func (l *Log) Stats() Stats {
	l.mu.RLock()
	st := Stats{Segments: len(l.segs), Shards: len(l.shards)}
	for _, s := range l.segs {
		st.Bytes += s.size + s.idxBytes
	}
	l.mu.RUnlock()
	st.Records = l.nRecords.Load()
	st.Entries = l.nEntries.Load()
	st.Syncs = l.nSyncs.Load()
	st.IndexLoads = l.nIndexLoads.Load()
	st.Damaged = l.nDamaged.Load()
	return st
}

// noteDamaged reports n damaged bytes at off in segment seg, once: at
// ERROR in the log and in Stats.Damaged. what says what is done about it.
func (l *Log) noteDamaged(seg uint64, off, n int64, what string) {
	k := damageKey{seg, off}
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
	l.logger.Error("damaged data in a segment: "+what, "segment", seg, "offset", off, "bytes", n)
}

// err returns the error that failed the log, if any.
func (l *Log) err() error {
	l.failMu.Lock()
	defer l.failMu.Unlock()
	return l.failErr
}

// fail marks the log failed: Appends are refused until heal reopens it.
func (l *Log) fail(err error) error {
	l.failMu.Lock()
	defer l.failMu.Unlock()
	if l.failErr == nil {
		l.failErr = fmt.Errorf("%w: %w", ErrWriteFailed, err)
		if l.failedSince.IsZero() {
			l.failedSince = time.Now()
			l.logger.Error("log failed: appends are refused until it can be reopened from its durable state", "err", err)
		} else {
			l.logger.Debug("log still failing", "err", err)
		}
	}
	return l.failErr
}

// Failure returns since when the log has been failing and why, or a nil
// error while it accepts appends.
func (l *Log) Failure() (since time.Time, err error) {
	l.failMu.Lock()
	defer l.failMu.Unlock()
	if l.failErr != nil {
		return l.failedSince, l.failErr
	}
	return time.Time{}, nil
}

// shardLocked returns shard's state, creating it. l.mu must be held for
// writing.
func (l *Log) shardLocked(shard uint32) *shardState {
	ss := l.shards[shard]
	if ss == nil {
		ss = &shardState{next: 1}
		l.shards[shard] = ss
	}
	return ss
}

// writeState persists the counters' high-water marks, in both state files
// one after the other.
func (l *Log) writeState() error {
	l.stateMu.Lock()
	defer l.stateMu.Unlock()
	l.mu.RLock()
	st := stateFile{
		lastSegment: l.nextSegNum - 1,
		lastArrival: l.lastArrival,
		shards:      make(map[uint32]shardMark, len(l.shards)),
	}
	for s, ss := range l.shards {
		st.shards[s] = shardMark{next: ss.next, lastArrival: ss.lastArrival}
	}
	l.mu.RUnlock()
	b := encodeState(st)
	if err := writeFileAtomic(l.fs, l.dir, stateName, b); err != nil {
		return err
	}
	return writeFileAtomic(l.fs, l.dir, stateCopyName, b)
}
