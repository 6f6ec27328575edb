package fragments

import (
	"context"
	"errors"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/ratelimit"
	"sluice/internal/video/mkv"
)

// ACK event types of a PutMedia session.
const (
	EventBuffering = "BUFFERING"
	EventReceived  = "RECEIVED"
	EventPersisted = "PERSISTED"
	EventError     = "ERROR"
	EventIdle      = "IDLE"
)

// ACK ErrorIds this package sends besides the mkv reader's (mkv.ErrorID),
// and the ErrorCode of every ErrorId (the names the KVS producer SDKs use).
const (
	ErrorFragmentTooLong   mkv.ErrorID = 4002
	ErrorConnectionTooLong mkv.ErrorID = 4003
	ErrorTimecodeBackwards mkv.ErrorID = 4004
	ErrorStreamDeleted     mkv.ErrorID = 4008
	ErrorFramesMissing     mkv.ErrorID = 4011
	ErrorInternal          mkv.ErrorID = 5000
	ErrorPersist           mkv.ErrorID = 5001
	MaxFragmentMillis                  = 10_000
	msPerSecond                        = 1000
	nsPerMillisecond                   = 1_000_000
	relativeTimecodes                  = "RELATIVE"
	absoluteTimecodes                  = "ABSOLUTE"
)

// ErrorCodes are the ErrorCode strings of the ACK ErrorIds.
var ErrorCodes = map[mkv.ErrorID]string{
	mkv.ErrorStreamRead:       "STREAM_READ_ERROR",
	mkv.ErrorFragmentTooLarge: "MAX_FRAGMENT_SIZE_REACHED",
	ErrorFragmentTooLong:      "MAX_FRAGMENT_DURATION_REACHED",
	ErrorConnectionTooLong:    "MAX_CONNECTION_DURATION_REACHED",
	ErrorTimecodeBackwards:    "FRAGMENT_TIMECODE_LESSER_THAN_PREVIOUS",
	mkv.ErrorInvalidMKV:       "INVALID_MKV_DATA",
	ErrorStreamDeleted:        "STREAM_NOT_ACTIVE",
	mkv.ErrorMetadataLimit:    "FRAGMENT_METADATA_LIMIT_REACHED",
	mkv.ErrorTrackMismatch:    "TRACK_NUMBER_MISMATCH",
	ErrorFramesMissing:        "FRAMES_MISSING_FOR_TRACK",
	mkv.ErrorTooManyTracks:    "MORE_THAN_ALLOWED_TRACKS_FOUND",
	ErrorInternal:             "INTERNAL_ERROR",
	ErrorPersist:              "ARCHIVAL_ERROR",
	ErrorKMSAccessDenied:      "KMS_KEY_ACCESS_DENIED",
	ErrorKMSDisabled:          "KMS_KEY_DISABLED",
	ErrorKMSValidation:        "KMS_KEY_VALIDATION_ERROR",
	ErrorKMSUnavailable:       "KMS_KEY_UNAVAILABLE",
	ErrorKMSInvalidUsage:      "KMS_KEY_INVALID_USAGE",
	ErrorKMSInvalidState:      "KMS_KEY_INVALID_STATE",
	ErrorKMSNotFound:          "KMS_KEY_NOT_FOUND",
}

// Ack is one PutMedia acknowledgement.
type Ack struct {
	EventType string
	// HasTimecode says whether FragmentTimecode is set (IDLE and errors
	// outside any fragment have none).
	HasTimecode      bool
	FragmentTimecode int64  // the cluster's timecode, in ticks, as sent
	FragmentNumber   string // "" when there is none
	ErrorID          mkv.ErrorID
	ErrorCode        string
	// Detail says what was wrong, for the server's log (not sent).
	Detail string
}

// IngestParams are a PutMedia request's headers, checked.
type IngestParams struct {
	// Relative: fragment timecodes count from ProducerStart (RELATIVE);
	// otherwise they are absolute (ABSOLUTE).
	Relative      bool
	ProducerStart time.Time
	// Interrupt makes a Read of the body in progress return (and later
	// ones fail): the session calls it to end early (stream deleted, idle
	// timeout, server shutdown).
	Interrupt func()
}

// ParseTimecodeType checks x-amzn-fragment-timecode-type.
func ParseTimecodeType(v string) (relative, ok bool) {
	switch v {
	case relativeTimecodes:
		return true, true
	case absoluteTimecodes:
		return false, true
	}
	return false, false
}

type session struct {
	s      *Stream
	p      IngestParams
	ack    func(Ack) error
	ackMu  sync.Mutex
	ackErr error

	lastRead  atomic.Int64 // UnixNano of the last body bytes
	idleEnded atomic.Bool

	// With Config.Limits: the stream's PutMedia rate buckets, and the cut
	// of a connection open longer than Config.MaxConnection.
	frags, bytes *ratelimit.Bucket
	cut          chan struct{} // closed when cut
	cutOnce      sync.Once
	tooLong      atomic.Bool

	// The fragment being received (set by the reader's OnClusterStart).
	cur struct {
		active   bool
		seq      uint64
		serverMs int64
		timecode int64
		started  time.Time // when its first bytes arrived, for the PERSISTED latency
	}
	header    *sessionHeader
	prevLast  int64 // producer ms of the latest frame stored in this session
	havePrev  bool
	persisted bool
}

// Ingest runs a PutMedia session: it reads body as Matroska, sends ack
// the ACKs (calls are serialised; an error from ack ends the session) and
// stores each valid fragment. It returns nil when the body ends cleanly,
// ErrDeleted, ErrClosed, or the error that ended the session (an ERROR
// ACK has then been sent, when it is one a producer can act on).
//
// Per fragment: BUFFERING when its Timecode arrives (with its fragment
// number), RECEIVED once it is whole and valid, PERSISTED once durable
// (only for a stream with data retention). Errors in a fragment that the
// reader can step over (timecode going backwards 4004, longer than 10 s
// 4002, a track without frames 4011, not led by a key frame on the video
// track 4006) drop that fragment and the session goes on; errors of the
// body itself (not Matroska 4006, too large 4001, track mismatch 4010, too
// many tracks 4012, tags too large 4009, read error 4000), a failed write
// (5001), the stream's KMS key refusing to seal (4500-4506, KMSError) and
// the stream's deletion (4008) end it. After
// Config.IdleInterval without bytes, IDLE; after Config.IdleTimeout the
// session ends.
//
// With Config.Limits, the stream's fragments (all sessions together) are
// read at most PutMediaFragmentsPerSec and its bytes PutMediaBytesPerSec:
// a faster producer is read slower (backpressure, no ACK). A session open
// longer than Config.MaxConnection ends with ERROR 4003 and
// ErrConnectionTooLong.
func (s *Stream) Ingest(ctx context.Context, body io.Reader, p IngestParams, ack func(Ack) error) error {
	ss := &session{s: s, p: p, ack: ack, persisted: s.RetentionHours() > 0, cut: make(chan struct{})}
	if p.Interrupt == nil {
		ss.p.Interrupt = func() {}
	}
	s.mu.Lock()
	if s.shutErr != nil {
		err := s.shutErr
		s.mu.Unlock()
		if err == ErrDeleted {
			ss.send(Ack{EventType: EventError, ErrorID: ErrorStreamDeleted})
		}
		return err
	}
	s.sessions[ss] = ss.p.Interrupt
	s.mu.Unlock()
	stats := &s.store.stats
	stats.sessions.Add(1)
	defer func() {
		s.mu.Lock()
		delete(s.sessions, ss)
		s.mu.Unlock()
		stats.sessions.Add(-1)
	}()
	if s.store.cfg.Limits {
		ss.frags, ss.bytes = s.ingestBuckets()
		t := time.AfterFunc(s.store.cfg.MaxConnection, ss.cutTooLong)
		defer t.Stop()
	}

	ss.lastRead.Store(time.Now().UnixNano())
	stop := make(chan struct{})
	defer close(stop)
	go ss.idle(stop)

	onCluster := func(timecode int64) {
		if ss.frags != nil {
			// An error (cut, shut, client gone) ends the session at its
			// next read.
			_ = s.throttle(ctx, ss.cut, ss.frags, 1, true)
		}
		ss.clusterStart(timecode)
	}
	r := mkv.NewReader(readFunc(func(p []byte) (int, error) { return ss.read(ctx, body, p) }), mkv.Limits{OnClusterStart: onCluster})
	for {
		if ss.tooLong.Load() {
			return ss.ended(errCut)
		}
		h, c, err := r.Next()
		if err != nil {
			return ss.ended(err)
		}
		if h != nil {
			ss.header = &sessionHeader{raw: h.Raw}
			continue
		}
		if err := ss.fragment(ctx, r.Header(), c); err != nil {
			return err
		}
		if ss.ackFailed() != nil {
			return ss.ackFailed()
		}
	}
}

// ended decides what a reader error means.
func (ss *session) ended(err error) error {
	if serr := ss.s.shutError(); serr != nil {
		if serr == ErrDeleted {
			ss.sendErr(ErrorStreamDeleted, "the stream was deleted")
		}
		return serr
	}
	if ss.tooLong.Load() {
		ss.sendErr(ErrorConnectionTooLong, "the connection was open longer than allowed")
		return ErrConnectionTooLong
	}
	if ss.idleEnded.Load() {
		return nil
	}
	if err == io.EOF {
		return nil
	}
	if ss.ackFailed() != nil {
		return ss.ackFailed()
	}
	id := mkv.ErrorIDOf(err)
	ss.sendErr(id, err.Error())
	return err
}

func (ss *session) clusterStart(timecode int64) {
	ss.cur.active = true
	ss.cur.seq = ss.s.reserve()
	ss.cur.serverMs = ss.s.store.cfg.Now().UnixMilli()
	ss.cur.timecode = timecode
	ss.cur.started = time.Now()
	ss.send(Ack{EventType: EventBuffering, HasTimecode: true, FragmentTimecode: timecode, FragmentNumber: ss.number()})
}

func (ss *session) number() string { return FormatNumber(ss.cur.seq, ss.s.salt) }

// toMillis converts ticks of scale nanoseconds to milliseconds.
func toMillis(ticks int64, scale uint64) int64 {
	if scale%nsPerMillisecond == 0 && scale/nsPerMillisecond < 1<<20 {
		return ticks * int64(scale/nsPerMillisecond)
	}
	return int64(float64(ticks) * float64(scale) / nsPerMillisecond)
}

// fragment checks and stores a complete cluster. A non-nil error ends the
// session.
func (ss *session) fragment(ctx context.Context, h *mkv.Header, c *mkv.Cluster) error {
	if !ss.cur.active || ss.cur.timecode != c.Timecode {
		// The reader always calls OnClusterStart first; be safe anyway.
		ss.clusterStart(c.Timecode)
	}
	defer func() { ss.cur.active = false }()
	if h == nil || ss.header == nil {
		ss.sendErr(mkv.ErrorInvalidMKV, "a cluster before any header")
		return errors.New("fragments: a cluster before any header")
	}
	scale := h.TimecodeScale
	if scale == 0 {
		scale = mkv.DefaultTimecodeScale
	}
	base := int64(0)
	if ss.p.Relative {
		base = ss.p.ProducerStart.UnixMilli()
	}
	for _, t := range h.Tracks {
		if c.FrameCount(t.Number) == 0 {
			ss.sendErr(ErrorFramesMissing, "track has no frame in the fragment")
			return nil
		}
	}
	if v := h.FirstTrack(mkv.TrackVideo); v != nil && !c.StartsWithKeyFrame(v.Number) {
		ss.sendErr(mkv.ErrorInvalidMKV, "the fragment does not start with a key frame on the video track")
		return nil
	}
	first, last, _ := c.Span()
	firstMs, lastMs := base+toMillis(first, scale), base+toMillis(last, scale)
	if ss.havePrev && firstMs <= ss.prevLast {
		ss.sendErr(ErrorTimecodeBackwards, "the fragment's earliest frame is not after the previous fragment's latest")
		return nil
	}
	dur := toMillis(c.Duration(h), scale)
	if dur > MaxFragmentMillis {
		ss.sendErr(ErrorFragmentTooLong, "the fragment is longer than 10 seconds")
		return nil
	}
	ss.send(Ack{EventType: EventReceived, HasTimecode: true, FragmentTimecode: c.Timecode, FragmentNumber: ss.number()})
	rec := indexRecord{
		seq: ss.cur.seq, producerMs: base + toMillis(c.Timecode, scale), serverMs: ss.cur.serverMs,
		durationMs: dur, timecode: c.Timecode,
	}
	if _, err := ss.s.commit(ctx, ss.header, c.Raw, rec); err != nil {
		if err == ErrDeleted {
			ss.sendErr(ErrorStreamDeleted, "the stream was deleted")
			return err
		}
		if err == ErrClosed {
			return err
		}
		if ke := (*KMSError)(nil); errors.As(err, &ke) {
			ss.s.store.log.Warn("the stream's KMS key refuses to seal a fragment", "stream", ss.s.name, "err", err)
			ss.sendErr(ke.ID, ke.Msg)
			return err
		}
		ss.s.store.log.Error("storing a fragment", "stream", ss.s.name, "err", err)
		ss.sendErr(ErrorPersist, err.Error())
		return err
	}
	ss.prevLast, ss.havePrev = lastMs, true
	ss.s.store.stats.persisted.Add(1)
	ss.s.store.stats.persistedIn(time.Since(ss.cur.started))
	if ss.persisted {
		ss.send(Ack{EventType: EventPersisted, HasTimecode: true, FragmentTimecode: c.Timecode, FragmentNumber: ss.number()})
	}
	return nil
}

// sendErr sends an ERROR ACK, about the current fragment if there is one.
func (ss *session) sendErr(id mkv.ErrorID, detail string) {
	a := Ack{EventType: EventError, ErrorID: id, ErrorCode: ErrorCodes[id], Detail: detail}
	if a.ErrorCode == "" {
		a.ErrorCode = ErrorCodes[ErrorInternal]
	}
	if ss.cur.active {
		a.HasTimecode, a.FragmentTimecode, a.FragmentNumber = true, ss.cur.timecode, ss.number()
	}
	ss.send(a)
}

func (ss *session) send(a Ack) {
	ss.ackMu.Lock()
	defer ss.ackMu.Unlock()
	if ss.ackErr != nil {
		return
	}
	if a.EventType == EventError {
		ss.s.store.stats.ackError(a.ErrorID)
	}
	if err := ss.ack(a); err != nil {
		ss.ackErr = err
		ss.p.Interrupt() // the producer is gone: stop reading
	}
}

func (ss *session) ackFailed() error {
	ss.ackMu.Lock()
	defer ss.ackMu.Unlock()
	return ss.ackErr
}

// idle sends IDLE while the producer is silent and ends the session after
// Config.IdleTimeout of silence.
func (ss *session) idle(stop <-chan struct{}) {
	cfg := ss.s.store.cfg
	t := time.NewTicker(cfg.IdleInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		silent := time.Since(time.Unix(0, ss.lastRead.Load()))
		if silent >= cfg.IdleTimeout {
			ss.idleEnded.Store(true)
			ss.p.Interrupt()
			return
		}
		if silent >= cfg.IdleInterval {
			ss.send(Ack{EventType: EventIdle})
		}
	}
}

// cutTooLong ends a session open longer than Config.MaxConnection.
func (ss *session) cutTooLong() {
	ss.cutOnce.Do(func() {
		ss.tooLong.Store(true)
		close(ss.cut)
		ss.p.Interrupt()
	})
}

// read reads the body: it notes when bytes last arrived, counts them, and
// with Config.Limits waits for the stream's byte rate.
func (ss *session) read(ctx context.Context, body io.Reader, p []byte) (int, error) {
	if ss.bytes != nil {
		if err := ss.s.throttle(ctx, ss.cut, ss.bytes, 0, false); err != nil {
			return 0, err
		}
	}
	n, err := body.Read(p)
	if n > 0 {
		ss.lastRead.Store(time.Now().UnixNano())
		ss.s.store.stats.bytesIn.Add(int64(n))
		if ss.bytes != nil {
			ss.s.charge(ss.bytes, n)
		}
	}
	return n, err
}

type readFunc func(p []byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }
