package fragments

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/kms"
	"sluice/internal/sse"
	"sluice/internal/storage"
	"sluice/internal/video"
)

// Shards of a video stream's log.
const (
	shardMedia  = 0
	shardIndex  = 1
	shardHeader = 2
)

// Fragment is one stored fragment as the in-memory index describes it.
type Fragment struct {
	// Seq is the fragment number's sequence (Number formats it).
	Seq uint64
	// Pos is the fragment's index position: the counter of its index
	// record, which orders fragments as they were stored.
	Pos            uint64
	ProducerMillis int64 // producer timestamp, Unix milliseconds
	ServerMillis   int64 // server timestamp: when its first bytes arrived
	DurationMillis int64
	Size           int64 // bytes of its Cluster element
	Timecode       int64 // the cluster's timecode in ticks, as sent
	ArrivalMillis  int64 // when it was stored (retention counts from it)

	media  uint64
	parts  uint32
	header uint64
	salt   uint64
}

// Number is the fragment number: 47 decimal digits.
func (f *Fragment) Number() string { return FormatNumber(f.Seq, f.salt) }

// ProducerTime and ServerTime are the timestamps as times.
func (f *Fragment) ProducerTime() time.Time { return time.UnixMilli(f.ProducerMillis) }
func (f *Fragment) ServerTime() time.Time   { return time.UnixMilli(f.ServerMillis) }

// Stream is the fragments of one video stream: its log and the index of
// its live fragments, in memory.
type Stream struct {
	store *Store
	id    string
	name  string
	salt  uint64
	log   storage.Log

	retention atomic.Int64 // hours

	mu       sync.RWMutex
	frags    []Fragment          // live fragments by Pos
	bySeq    map[uint64]uint64   // Seq → Pos
	edge     uint64              // Pos the next stored fragment will get (at least)
	lastSeq  uint64              // highest sequence handed out
	changed  chan struct{}       // closed at the next change (new fragment, shutdown)
	shutErr  error               // ErrDeleted, ErrClosed or a storage.ErrMoved once shut
	done     chan struct{}       // closed once shut
	headers  map[uint64][]byte   // header records read or written, by counter
	readers  int                 // GetMedia sessions
	sessions map[*session]func() // ingest sessions and their interrupts

	limits limiter

	appendMu   sync.Mutex // serialises appends; guards the predictions
	nextMedia  uint64
	nextHeader uint64

	// Server-side encryption (sse.go): the stream's KmsKeyId, the account
	// and region it is resolved in, the stream's ARN (the data keys'
	// encryption context), its keyring, made at first use, and when old
	// data keys were last pruned (Unix ns).
	kmsKey    string
	scope     kms.Scope
	arn       string
	ringOnce  sync.Once
	ring      *sse.Keyring
	lastPrune atomic.Int64
}

func newStream(s *Store, st *video.Stream, l storage.Log) *Stream {
	fs := &Stream{
		store: s, id: st.ID, name: st.Name, salt: saltOf(st.ID), log: l,
		bySeq: map[uint64]uint64{}, changed: make(chan struct{}), done: make(chan struct{}),
		headers: map[uint64][]byte{}, sessions: map[*session]func(){},
		kmsKey: st.KmsKeyID, scope: kms.Scope{Account: st.Account, Region: st.Region}, arn: st.ARN(),
	}
	fs.retention.Store(st.RetentionHours)
	return fs
}

// Name is the stream's name; Salt is what its fragment numbers carry.
func (s *Stream) Name() string { return s.name }
func (s *Stream) Salt() uint64 { return s.salt }

func (s *Stream) setRetention(hours int64) { s.retention.Store(hours) }

// RetentionHours is the stream's DataRetentionInHours as last seen.
func (s *Stream) RetentionHours() int64 { return s.retention.Load() }

// cutoff returns the arrival time before which fragments are expired:
// DataRetentionInHours ago, or Config.LiveBuffer ago with no retention.
func (s *Stream) cutoff() int64 {
	keep := s.store.cfg.LiveBuffer
	if h := s.retention.Load(); h > 0 {
		keep = time.Duration(h) * time.Hour
	}
	return s.store.cfg.Now().Add(-keep).UnixMilli()
}

// load reads the index (shard 1) into memory: the live fragments'
// records, skipping damaged or unreadable ones (logged).
func (s *Stream) load() error {
	cut := s.cutoff()
	first, next := s.log.Bounds(shardIndex, cut)
	var frags []Fragment
	for from := first; from < next; {
		recs, nxt, err := s.log.Read(shardIndex, from, 1024, 4<<20, cut)
		if err != nil {
			return fmt.Errorf("reading the fragment index of video stream %s: %w", s.name, err)
		}
		for _, r := range recs {
			ir, err := parseRecord(r.Data)
			if err != nil {
				s.store.log.Error("skipping a malformed fragment index record", "stream", s.name, "pos", r.Seq, "err", err)
				continue
			}
			frags = append(frags, s.fragment(ir, r.Seq, r.ArrivalMillis))
		}
		if len(recs) == 0 || nxt <= from {
			break
		}
		from = nxt
	}
	// A record written again (its first prediction was wrong, see commit)
	// replaces the earlier one of the same sequence.
	seen := map[uint64]int{}
	keep := frags[:0]
	for _, f := range frags {
		if i, ok := seen[f.Seq]; ok {
			keep[i] = f
			continue
		}
		seen[f.Seq] = len(keep)
		keep = append(keep, f)
	}
	slices.SortFunc(keep, func(a, b Fragment) int { return cmpUint(a.Pos, b.Pos) })
	s.frags = keep
	for _, f := range keep {
		s.bySeq[f.Seq] = f.Pos
		s.lastSeq = max(s.lastSeq, f.Seq)
	}
	s.edge = next
	_, s.nextMedia = s.log.Bounds(shardMedia, math.MaxInt64)
	_, s.nextHeader = s.log.Bounds(shardHeader, math.MaxInt64)
	return nil
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Stream) fragment(r indexRecord, pos uint64, arrival int64) Fragment {
	return Fragment{
		Seq: r.seq, Pos: pos, ProducerMillis: r.producerMs, ServerMillis: r.serverMs, DurationMillis: r.durationMs,
		Size: r.size, Timecode: r.timecode, ArrivalMillis: arrival,
		media: r.media, parts: r.parts, header: r.header, salt: s.salt,
	}
}

// reserve hands out the sequence of a new fragment (its number is in the
// BUFFERING ACK, before it is stored).
func (s *Stream) reserve() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastSeq = nextSeq(s.lastSeq, s.store.cfg.Now().UnixMilli())
	return s.lastSeq
}

// sessionHeader is the header of an ingest session's current document and
// where it is stored.
type sessionHeader struct {
	raw     []byte
	counter uint64    // its header record; 0 while not stored
	stored  time.Time // when it was last stored
}

// commit stores a fragment in one Append (media records, the header when
// needed, the index record last), durable when it returns.
func (s *Stream) commit(ctx context.Context, h *sessionHeader, cluster []byte, r indexRecord) (Fragment, error) {
	ctx = context.WithoutCancel(ctx) // an Append is never abandoned: the predictions below depend on it
	s.appendMu.Lock()
	defer s.appendMu.Unlock()
	if err := s.shutError(); err != nil {
		return Fragment{}, err
	}
	now := s.store.cfg.Now()
	key := strconv.FormatUint(r.seq, 10)
	var media []storage.Record
	for off := 0; off < len(cluster); off += s.store.cfg.MaxRecordBytes {
		end := min(off+s.store.cfg.MaxRecordBytes, len(cluster))
		media = append(media, storage.Record{PartitionKey: key, Data: cluster[off:end]})
	}
	r.media, r.parts, r.size = s.nextMedia, uint32(len(media)), int64(len(cluster))
	batches := []storage.Batch{{Shard: shardMedia, Records: media}}
	writeHeader := h.counter == 0 || now.Sub(h.stored) >= s.store.cfg.HeaderRefresh
	if writeHeader {
		r.header = s.nextHeader
		batches = append(batches, storage.Batch{Shard: shardHeader, Records: []storage.Record{{Data: h.raw}}})
	} else {
		r.header = h.counter
	}
	if s.sealing() {
		// Media and header; the index record (metadata) stays as it is.
		if err := s.seal(ctx, batches); err != nil {
			return Fragment{}, err
		}
	}
	batches = append(batches, storage.Batch{Shard: shardIndex, Records: []storage.Record{{Data: r.append(nil)}}})
	res, err := s.log.Append(ctx, batches)
	if err != nil {
		// Counters may have moved (a failed write is never reused): ask
		// the log again, and store the header again next time.
		_, s.nextMedia = s.log.Bounds(shardMedia, math.MaxInt64)
		_, s.nextHeader = s.log.Bounds(shardHeader, math.MaxInt64)
		h.counter = 0
		return Fragment{}, err
	}
	mediaAt, indexRes := res[0].FirstSeq, res[len(res)-1]
	s.nextMedia = mediaAt + uint64(len(media))
	headerAt := r.header
	if writeHeader {
		headerAt = res[1].FirstSeq
		s.nextHeader = headerAt + 1
		h.counter, h.stored = headerAt, now
	}
	if mediaAt != r.media || headerAt != r.header {
		// The log's counters were not where predicted: store the index
		// record again with the right ones. At load, the later record of
		// a sequence replaces the earlier.
		s.store.log.Warn("fragment index record written again", "stream", s.name, "seq", r.seq)
		r.media, r.header = mediaAt, headerAt
		res2, err := s.log.Append(ctx, []storage.Batch{{Shard: shardIndex, Records: []storage.Record{{Data: r.append(nil)}}}})
		if err != nil {
			h.counter = 0
			return Fragment{}, err
		}
		indexRes = res2[0]
	}
	f := s.fragment(r, indexRes.FirstSeq, indexRes.ArrivalMillis)
	s.mu.Lock()
	s.frags = append(s.frags, f)
	s.bySeq[f.Seq] = f.Pos
	s.edge = f.Pos + 1
	if writeHeader {
		s.headers[headerAt] = h.raw
	}
	s.notifyLocked()
	s.mu.Unlock()
	return f, nil
}

func (s *Stream) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Stream) shutError() error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.shutErr
}

// shut ends the stream's use: no append after it, sessions interrupted,
// readers woken up (they get err).
func (s *Stream) shut(err error) {
	s.appendMu.Lock()
	s.mu.Lock()
	if s.shutErr != nil {
		s.mu.Unlock()
		s.appendMu.Unlock()
		return
	}
	s.shutErr = err
	close(s.done)
	s.notifyLocked()
	interrupts := make([]func(), 0, len(s.sessions))
	for _, f := range s.sessions {
		interrupts = append(interrupts, f)
	}
	s.mu.Unlock()
	s.appendMu.Unlock()
	for _, f := range interrupts {
		if f != nil {
			f()
		}
	}
}

// Done is closed once the stream is deleted or the store closed; Err then
// says which.
func (s *Stream) Done() <-chan struct{} { return s.done }

// Err is ErrDeleted, ErrClosed or a storage.ErrMoved (the stream moved
// to another node) once Done is closed, nil before.
func (s *Stream) Err() error { return s.shutError() }

// Changed returns a channel closed at the next change: a fragment stored,
// the stream deleted or the store closed.
func (s *Stream) Changed() <-chan struct{} {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.changed
}

// expire drops the fragments retention expired from the index and lets
// the log delete what no live fragment needs. Headers are stored again at
// least every Config.HeaderRefresh, so the log keeps that much more.
func (s *Stream) expire() error {
	cut := s.cutoff()
	s.mu.Lock()
	if s.shutErr != nil {
		s.mu.Unlock()
		return nil
	}
	n := sort.Search(len(s.frags), func(i int) bool { return s.frags[i].ArrivalMillis >= cut })
	for _, f := range s.frags[:n] {
		delete(s.bySeq, f.Seq)
	}
	s.frags = slices.Delete(s.frags, 0, n)
	if n > 0 {
		s.frags = slices.Clip(s.frags)
	}
	oldest := uint64(math.MaxUint64)
	for _, f := range s.frags {
		oldest = min(oldest, f.header)
	}
	for c := range s.headers {
		if c < oldest {
			delete(s.headers, c)
		}
	}
	s.mu.Unlock()
	margin := s.store.cfg.HeaderRefresh + time.Minute
	err := s.log.Expire(cut - margin.Milliseconds())
	if errors.Is(err, storage.ErrUnavailable) {
		return nil
	}
	if err == nil {
		s.pruneDataKeys(context.Background())
	}
	return err
}

// Fragments returns the live fragments, in the order they were stored.
func (s *Stream) Fragments() []Fragment {
	var out []Fragment
	s.withLive(func(frags []Fragment) { out = slices.Clone(frags) })
	return out
}

// withLive calls fn with the live fragments, in stored order, under the
// read lock: fn must not keep the slice nor call back into s. The lookups
// below scan in place rather than copy a day's index per call.
func (s *Stream) withLive(fn func(frags []Fragment)) {
	cut := s.cutoff()
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := sort.Search(len(s.frags), func(i int) bool { return s.frags[i].ArrivalMillis >= cut })
	fn(s.frags[i:])
}

// TimestampKind picks a fragment's timestamp.
type TimestampKind int

// The timestamps of a fragment.
const (
	ServerTimestamp TimestampKind = iota + 1
	ProducerTimestamp
)

func (f *Fragment) millis(k TimestampKind) int64 {
	if k == ProducerTimestamp {
		return f.ProducerMillis
	}
	return f.ServerMillis
}

// Select returns the live fragments whose (start) timestamp of kind is
// within [start, end], both included, in the order they were stored.
func (s *Stream) Select(kind TimestampKind, start, end time.Time) []Fragment {
	lo, hi := start.UnixMilli(), end.UnixMilli()
	var out []Fragment
	s.withLive(func(frags []Fragment) {
		for i := range frags {
			if t := frags[i].millis(kind); t >= lo && t <= hi {
				out = append(out, frags[i])
			}
		}
	})
	return out
}

// Lookup returns the live fragment numbered number: ErrBadNumber if it is
// not a fragment number of this stream, ErrNotFound if there is no such
// live fragment.
func (s *Stream) Lookup(number string) (Fragment, error) {
	seq, err := ParseNumber(number, s.salt)
	if err != nil {
		return Fragment{}, err
	}
	cut := s.cutoff()
	s.mu.RLock()
	defer s.mu.RUnlock()
	pos, ok := s.bySeq[seq]
	if !ok {
		return Fragment{}, ErrNotFound
	}
	i, found := s.findLocked(pos)
	if !found || s.frags[i].ArrivalMillis < cut {
		return Fragment{}, ErrNotFound
	}
	return s.frags[i], nil
}

// findLocked returns the index in frags of the first fragment at Pos >= pos
// and whether it is at pos exactly.
func (s *Stream) findLocked(pos uint64) (int, bool) {
	i := sort.Search(len(s.frags), func(i int) bool { return s.frags[i].Pos >= pos })
	return i, i < len(s.frags) && s.frags[i].Pos == pos
}

// Earliest is the position of the oldest live fragment (the live edge if
// there is none); Edge is the position the next fragment stored will be
// at or after.
func (s *Stream) Earliest() uint64 {
	cut := s.cutoff()
	s.mu.RLock()
	defer s.mu.RUnlock()
	i := sort.Search(len(s.frags), func(i int) bool { return s.frags[i].ArrivalMillis >= cut })
	if i < len(s.frags) {
		return s.frags[i].Pos
	}
	return s.edge
}

func (s *Stream) Edge() uint64 {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.edge
}

// Latest returns the most recently stored live fragment; ok is false if
// there is none.
func (s *Stream) Latest() (f Fragment, ok bool) {
	cut := s.cutoff()
	s.mu.RLock()
	defer s.mu.RUnlock()
	if n := len(s.frags); n > 0 && s.frags[n-1].ArrivalMillis >= cut {
		return s.frags[n-1], true
	}
	return Fragment{}, false
}

// SeekTime returns the position GetMedia's SERVER_TIMESTAMP and
// PRODUCER_TIMESTAMP selectors start at: the first fragment, in stored
// order, whose span [timestamp, timestamp+duration) holds t; else the
// first one whose timestamp is at or after t; else the live edge.
func (s *Stream) SeekTime(kind TimestampKind, t time.Time) uint64 {
	ms := t.UnixMilli()
	var pos uint64
	s.withLive(func(frags []Fragment) {
		pos = s.edge
		for i := range frags {
			if st := frags[i].millis(kind); st <= ms && ms < st+max(frags[i].DurationMillis, 1) {
				pos = frags[i].Pos
				return
			}
		}
		for i := range frags {
			if frags[i].millis(kind) >= ms {
				pos = frags[i].Pos
				return
			}
		}
	})
	return pos
}

// Next returns the first live fragment at position pos or after, waiting
// for one to be stored. It returns ctx's error, or ErrDeleted or ErrClosed
// once the stream is shut.
func (s *Stream) Next(ctx context.Context, pos uint64) (Fragment, error) {
	for {
		cut := s.cutoff()
		s.mu.RLock()
		err, ch := s.shutErr, s.changed
		i, _ := s.findLocked(pos)
		for i < len(s.frags) && s.frags[i].ArrivalMillis < cut {
			i++
		}
		var f Fragment
		ok := i < len(s.frags)
		if ok {
			f = s.frags[i]
		}
		s.mu.RUnlock()
		if err != nil {
			return Fragment{}, err
		}
		if ok {
			return f, nil
		}
		select {
		case <-ctx.Done():
			return Fragment{}, ctx.Err()
		case <-ch:
		}
	}
}

// AcquireReader counts a GetMedia session against Config.MaxReaders;
// release ends it. ErrTooManyReaders when the stream has its maximum.
func (s *Stream) AcquireReader() (release func(), err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.readers >= s.store.cfg.MaxReaders {
		return nil, ErrTooManyReaders
	}
	s.readers++
	s.store.stats.readers.Add(1)
	var once sync.Once
	return func() {
		once.Do(func() {
			s.mu.Lock()
			s.readers--
			s.mu.Unlock()
			s.store.stats.readers.Add(-1)
		})
	}, nil
}

// Media returns a fragment's header (Header.Raw of its PutMedia document)
// and Cluster element as they were put (sealed records opened).
// ErrDamaged (wrapped) if its records are damaged, missing or do not open
// for want of their data key; a *KMSError if the stream's KMS key refuses
// to open them (with the header nonetheless when it could be read, for
// the error chunk GetMedia ends with); ErrDeleted or ErrClosed once the
// stream is shut.
func (s *Stream) Media(f Fragment) (header, cluster []byte, err error) {
	if err := s.shutError(); err != nil {
		return nil, nil, err
	}
	header, err = s.header(f.header)
	if err != nil {
		return nil, nil, s.readError(f, "header", err)
	}
	recs, _, err := s.log.Read(shardMedia, f.media, int(f.parts), 0, 0)
	if err != nil {
		return nil, nil, s.readError(f, "media", err)
	}
	key := strconv.FormatUint(f.Seq, 10)
	parts := make([][]byte, len(recs))
	total := 0
	for i := range recs {
		if recs[i].Seq != f.media+uint64(i) {
			return nil, nil, s.readError(f, "media", fmt.Errorf("record %d is not the fragment's", recs[i].Seq))
		}
		if parts[i], err = s.open(context.Background(), &recs[i], key); err != nil {
			err = s.readError(f, "media", err)
			if ke := (*KMSError)(nil); errors.As(err, &ke) {
				return header, nil, err
			}
			return nil, nil, err
		}
		total += len(parts[i])
	}
	if len(recs) != int(f.parts) || int64(total) != f.Size {
		return nil, nil, s.readError(f, "media", fmt.Errorf("%d of %d records, %d of %d bytes", len(recs), f.parts, total, f.Size))
	}
	if len(parts) == 1 {
		return header, parts[0], nil
	}
	cluster = make([]byte, 0, total)
	for _, p := range parts {
		cluster = append(cluster, p...)
	}
	return header, cluster, nil
}

// readError is what a fragment that cannot be read answers: the stream's
// shutdown, a KMS refusal as it is, or ErrDamaged (logged).
func (s *Stream) readError(f Fragment, what string, err error) error {
	if e := s.shutError(); e != nil {
		return e
	}
	if ke := (*KMSError)(nil); errors.As(err, &ke) {
		s.store.log.Warn("the stream's KMS key refuses to open a fragment", "stream", s.name, "fragment", f.Number(), "part", what, "err", err)
		return ke
	}
	s.store.log.Error("a stored fragment cannot be read", "stream", s.name, "fragment", f.Number(), "part", what, "err", err)
	return fmt.Errorf("%w: fragment %s, %s: %w", ErrDamaged, f.Number(), what, err)
}

func (s *Stream) header(counter uint64) ([]byte, error) {
	s.mu.RLock()
	raw, ok := s.headers[counter]
	s.mu.RUnlock()
	if ok {
		return raw, nil
	}
	recs, _, err := s.log.Read(shardHeader, counter, 1, 0, 0)
	if err != nil {
		return nil, err
	}
	if len(recs) != 1 || recs[0].Seq != counter {
		return nil, fmt.Errorf("header record %d is missing", counter)
	}
	raw, err = s.open(context.Background(), &recs[0], "")
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.headers[counter] = raw
	s.mu.Unlock()
	return raw, nil
}

// AfterSeq returns the position of the first live fragment, in stored
// order, whose sequence is above seq (GetMedia's FRAGMENT_NUMBER selector:
// the fragment after a number, even one expired or never stored), or the
// live edge.
func (s *Stream) AfterSeq(seq uint64) uint64 {
	var pos uint64
	s.withLive(func(frags []Fragment) {
		pos = s.edge
		for i := range frags {
			if frags[i].Seq > seq {
				pos = frags[i].Pos
				return
			}
		}
	})
	return pos
}
