package fragments

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"sluice/internal/kms"
	"sluice/internal/sse"
	"sluice/internal/storage"
	"sluice/internal/video"
)

// Defaults of Config's zero fields.
const (
	// DefaultLiveBuffer is how long a stream with no data retention keeps
	// its fragments for live readers: AWS's host buffer is "at most 5
	// minutes".
	DefaultLiveBuffer = 5 * time.Minute
	// DefaultHeaderRefresh is how old the stored copy of a PutMedia
	// connection's header may get before it is stored again with the next
	// fragment (see the package doc: retention).
	DefaultHeaderRefresh = 10 * time.Minute
	// DefaultExpireInterval is how often retention runs.
	DefaultExpireInterval = time.Minute
	// DefaultMaxRecordBytes bounds a media record (the log's limit is
	// 10 MiB).
	DefaultMaxRecordBytes = 8 << 20
	// DefaultMaxReaders is AWS's limit of concurrent GetMedia sessions per
	// stream.
	DefaultMaxReaders = 3
	// DefaultIdleInterval is how often a silent PutMedia producer gets an
	// IDLE ACK; DefaultIdleTimeout ends its session (AWS: 30 s).
	DefaultIdleInterval = 3 * time.Second
	DefaultIdleTimeout  = 30 * time.Second
)

// Errors of the store. The API layer maps them to AWS errors.
var (
	// ErrDeleted: the stream was deleted while in use.
	ErrDeleted = errors.New("fragments: the stream was deleted")
	// ErrClosed: the server is shutting down.
	ErrClosed = errors.New("fragments: the store is closed")
	// ErrNotFound: no live fragment has that number (never stored, or
	// expired).
	ErrNotFound = errors.New("fragments: fragment not found")
	// ErrDamaged: a fragment's stored bytes are damaged or partly missing
	// (the log skipped damaged entries); readers skip it.
	ErrDamaged = errors.New("fragments: the fragment's stored data is damaged")
	// ErrTooManyReaders: the stream already has Config.MaxReaders
	// GetMedia sessions.
	ErrTooManyReaders = errors.New("fragments: too many concurrent readers")
	// ErrConnectionTooLong: a PutMedia session was open longer than
	// Config.MaxConnection (with Config.Limits); ERROR 4003 told it.
	ErrConnectionTooLong = errors.New("fragments: the PutMedia connection was open longer than allowed")
)

// Config configures the Store. Zero fields take the defaults.
type Config struct {
	Now    func() time.Time
	Logger *slog.Logger
	// Lookup returns the current state of a stream by ID, so that
	// retention follows UpdateDataRetention. Without it the store uses the
	// state it was last given (Open).
	Lookup func(id string) (*video.Stream, bool)

	LiveBuffer     time.Duration
	HeaderRefresh  time.Duration
	ExpireInterval time.Duration
	MaxRecordBytes int
	MaxReaders     int
	IdleInterval   time.Duration
	IdleTimeout    time.Duration

	// Limits enforces AWS's data-plane limits (limits.go): per-stream call
	// rates (Stream.Admit), PutMedia's fragment and byte rates, and
	// MaxConnection, the longest a PutMedia connection may stay open
	// (DefaultMaxConnection).
	Limits        bool
	MaxConnection time.Duration

	// Keys and Meta: server-side encryption (sse.go). With both, every
	// fragment's media and header are sealed with data keys its stream's
	// KmsKeyId makes, kept wrapped in Meta; without, stored as they are.
	// DataKeyLifetime and DataKeyRecheck are package sse's Lifetime and
	// Recheck (0: its defaults).
	Keys            kms.MasterKeys
	Meta            storage.MetaStore
	DataKeyLifetime time.Duration
	DataKeyRecheck  time.Duration
}

func (c *Config) defaults() {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.LiveBuffer <= 0 {
		c.LiveBuffer = DefaultLiveBuffer
	}
	if c.HeaderRefresh <= 0 {
		c.HeaderRefresh = DefaultHeaderRefresh
	}
	if c.ExpireInterval <= 0 {
		c.ExpireInterval = DefaultExpireInterval
	}
	if c.MaxRecordBytes <= 0 {
		c.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if c.MaxReaders <= 0 {
		c.MaxReaders = DefaultMaxReaders
	}
	if c.IdleInterval <= 0 {
		c.IdleInterval = DefaultIdleInterval
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxConnection <= 0 {
		c.MaxConnection = DefaultMaxConnection
	}
}

// Store holds the fragment logs of the video streams in use.
type Store struct {
	cfg  Config
	recs storage.RecordStore
	log  *slog.Logger

	mu      sync.Mutex
	streams map[string]*opening // by stream ID
	closed  bool

	stats stats

	stop chan struct{}
	done chan struct{}
}

// New returns a Store over recs and starts its retention loop.
func New(cfg Config, recs storage.RecordStore) *Store {
	cfg.defaults()
	s := &Store{
		cfg: cfg, recs: recs, log: cfg.Logger.With("component", "video-fragments"),
		streams: map[string]*opening{}, stop: make(chan struct{}), done: make(chan struct{}),
	}
	go s.expireLoop()
	return s
}

// opening is a stream's place in the store: the first Open loads it
// (outside the store's lock, so that loading one stream's index holds up
// no other stream), later ones wait for ready.
type opening struct {
	ready chan struct{} // closed once loaded (or failed)
	// Under Store.mu: loaded says fs and err are set; shut is the error
	// Closing or Close left for a stream still loading (the loader shuts
	// it). After ready, fs and err are read without the lock.
	loaded bool
	shut   error
	fs     *Stream
	err    error
}

// Open returns the fragments of st, opening its log and loading its index
// at first use. st's retention becomes the stream's (when Config.Lookup is
// not set). Concurrent first uses of a stream load it once; the loading
// holds no lock other streams need. A stream deleted (Closing) or a store
// closed while it loads gives ErrDeleted or ErrClosed; a stream another
// node owns (st.Remote, or so since st was read) a storage.ErrMoved.
func (s *Store) Open(ctx context.Context, st *video.Stream) (*Stream, error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, ErrClosed
	}
	o := s.streams[st.ID]
	if o == nil {
		o = &opening{ready: make(chan struct{})}
		s.streams[st.ID] = o
		s.mu.Unlock()
		s.load(ctx, st, o)
	} else {
		s.mu.Unlock()
		select {
		case <-o.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if o.err != nil {
		return nil, o.err
	}
	o.fs.setRetention(st.RetentionHours)
	return o.fs, nil
}

// load opens and loads the stream of o, then wakes its waiters. The load
// goes on if the first caller leaves: others may be waiting for it.
func (s *Store) load(ctx context.Context, st *video.Stream, o *opening) {
	fs, err := s.openStream(context.WithoutCancel(ctx), st)
	s.mu.Lock()
	defer s.mu.Unlock()
	defer close(o.ready)
	o.loaded = true
	switch {
	case o.shut != nil:
		// Closing or Close came while loading and already let go of o.
		if fs != nil {
			fs.shut(o.shut) // no session or reader can have it yet
		}
		o.err = o.shut
	case err != nil:
		o.err = err
		if s.streams[st.ID] == o {
			delete(s.streams, st.ID) // the next Open tries again
		}
	default:
		o.fs = fs
	}
}

func (s *Store) openStream(ctx context.Context, st *video.Stream) (*Stream, error) {
	if err := s.elsewhere(st); err != nil {
		return nil, err
	}
	l, err := s.recs.Open(ctx, st.LogID())
	if err != nil {
		return nil, err
	}
	fs := newStream(s, st, l)
	if err := fs.load(); err != nil {
		return nil, err
	}
	return fs, nil
}

// elsewhere refuses a stream another node owns (video.Stream.Remote): its
// log is that node's. The stream's current state (Config.Lookup) is asked
// too, after Open registered the stream: a stream dropped since st was
// read is either seen here or already registered when its Closing comes,
// which shuts it.
func (s *Store) elsewhere(st *video.Stream) error {
	remote := st.Remote
	if s.cfg.Lookup != nil && !remote {
		cur, ok := s.cfg.Lookup(st.ID)
		remote = ok && cur.Remote
	}
	if remote {
		return movedError(st)
	}
	return nil
}

// movedError is what uses of a stream another node owns fail with: a
// storage.ErrMoved, which tells the client to retry (at the owner).
func movedError(st *video.Stream) error {
	return fmt.Errorf("fragments: %w", &storage.Moved{Kind: storage.KindVideoStream, ID: st.ID, Name: st.Name})
}

// release lets go of o, which is out of the map, with err: a loaded
// stream is shut now; one still loading is shut by its loader, and release
// waits for that, so that the log is not in use once it returns.
func (s *Store) release(ctx context.Context, o *opening, err error) {
	s.mu.Lock()
	fs := o.fs
	if !o.loaded {
		o.shut = err
	}
	s.mu.Unlock()
	if fs != nil {
		fs.shut(err)
		return
	}
	select {
	case <-o.ready:
	case <-ctx.Done():
	}
}

// Closing is video.Config.Closing: the stream st was deleted. Its ingest
// sessions end with an ERROR ACK 4008, its readers end, no append reaches
// its log any more, and the store lets go of it (a load in progress ends
// first, and its Open callers get ErrDeleted). A stream handed to another
// node (st.Remote) is let go of the same way, its sessions and readers
// ending with a storage.ErrMoved, and its data keys are kept for the new
// owner.
func (s *Store) Closing(ctx context.Context, st *video.Stream) {
	why := ErrDeleted
	if st.Remote {
		why = movedError(st)
	}
	s.mu.Lock()
	o := s.streams[st.ID]
	delete(s.streams, st.ID)
	s.mu.Unlock()
	if o != nil {
		s.release(ctx, o, why)
	}
	if st.Remote {
		return
	}
	if s.cfg.Meta != nil {
		if err := sse.DeleteAll(ctx, s.cfg.Meta, dataKeyPrefix(st.ID)); err != nil {
			s.log.Error("deleting the data keys of a deleted stream", "stream", st.Name, "err", err)
		}
	}
}

// Close ends every session and reader (their error is ErrClosed), waits
// for loads in progress, and stops retention. The logs are the record
// store's to close.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	all := s.streams
	s.streams = map[string]*opening{}
	s.mu.Unlock()
	close(s.stop)
	<-s.done
	for _, o := range all {
		s.release(context.Background(), o, ErrClosed)
	}
	return nil
}

func (s *Store) expireLoop() {
	defer close(s.done)
	t := time.NewTicker(s.cfg.ExpireInterval)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.ExpireNow()
		}
	}
}

// ExpireNow applies retention to every open stream at once (the loop does
// it every Config.ExpireInterval).
func (s *Store) ExpireNow() {
	s.mu.Lock()
	all := make([]*Stream, 0, len(s.streams))
	for _, o := range s.streams {
		if o.fs != nil {
			all = append(all, o.fs)
		}
	}
	s.mu.Unlock()
	for _, fs := range all {
		if s.cfg.Lookup != nil {
			if st, ok := s.cfg.Lookup(fs.id); ok {
				fs.setRetention(st.RetentionHours)
			}
		}
		if err := fs.expire(); err != nil {
			s.log.Error("applying retention", "stream", fs.name, "err", err)
		}
	}
}
