package fragments

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

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
}

// Store holds the fragment logs of the video streams in use.
type Store struct {
	cfg  Config
	recs storage.RecordStore
	log  *slog.Logger

	mu      sync.Mutex
	streams map[string]*Stream // by stream ID
	closed  bool

	stop chan struct{}
	done chan struct{}
}

// New returns a Store over recs and starts its retention loop.
func New(cfg Config, recs storage.RecordStore) *Store {
	cfg.defaults()
	s := &Store{
		cfg: cfg, recs: recs, log: cfg.Logger.With("component", "video-fragments"),
		streams: map[string]*Stream{}, stop: make(chan struct{}), done: make(chan struct{}),
	}
	go s.expireLoop()
	return s
}

// Open returns the fragments of st, opening its log and loading its index
// at first use. st's retention becomes the stream's (when Config.Lookup is
// not set).
func (s *Store) Open(ctx context.Context, st *video.Stream) (*Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrClosed
	}
	if fs := s.streams[st.ID]; fs != nil {
		fs.setRetention(st.RetentionHours)
		return fs, nil
	}
	l, err := s.recs.Open(ctx, st.LogID())
	if err != nil {
		return nil, err
	}
	fs := newStream(s, st, l)
	if err := fs.load(); err != nil {
		return nil, err
	}
	s.streams[st.ID] = fs
	return fs, nil
}

// Closing is video.Config.Closing: the stream st was deleted. Its ingest
// sessions end with an ERROR ACK 4008, its readers end, no append reaches
// its log any more, and the store lets go of it.
func (s *Store) Closing(_ context.Context, st *video.Stream) {
	s.mu.Lock()
	fs := s.streams[st.ID]
	delete(s.streams, st.ID)
	s.mu.Unlock()
	if fs != nil {
		fs.shut(ErrDeleted)
	}
}

// Close ends every session and reader (their error is ErrClosed) and stops
// retention. The logs are the record store's to close.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	all := s.streams
	s.streams = map[string]*Stream{}
	s.mu.Unlock()
	close(s.stop)
	<-s.done
	for _, fs := range all {
		fs.shut(ErrClosed)
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
	for _, fs := range s.streams {
		all = append(all, fs)
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
