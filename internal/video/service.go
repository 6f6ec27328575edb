package video

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"sluice/internal/kms"
	"sluice/internal/storage"
)

// Config configures the Service.
type Config struct {
	Now         func() time.Time
	CreateDelay time.Duration
	UpdateDelay time.Duration
	DeleteDelay time.Duration
	// PublicURL is the base URL GetDataEndpoint answers
	// (scheme://host[:port], no path); empty leaves it to the API layer.
	PublicURL string
	// StreamLimit and ChannelLimit bound the streams and signaling
	// channels of an account in a region (default 10,000 each).
	StreamLimit  int
	ChannelLimit int
	// Closing, when set, is called once a deleted stream has left the
	// service and before its log is marked for removal and removed: the
	// data plane stops the stream's writers and readers and lets go of its
	// log there. It is called without the service's lock held. It is
	// called too for a stream handed to another node (DropVideoStream),
	// with s.Remote set: the data plane then ends the stream's sessions
	// the same way and lets go of its log, but keeps what the new owner
	// goes on with (its data keys).
	Closing func(ctx context.Context, s *Stream)
	Logger  *slog.Logger
	// Limits enforces AWS's control-plane call rates (calls.go).
	Limits bool
	// Keys are the master keys of server-side encryption: CreateStream
	// checks its KmsKeyId with them (the data plane, package fragments,
	// seals with it). Nil checks nothing.
	Keys kms.MasterKeys
	// Owns, when set, says which video streams (by Stream.ID) this node
	// owns at start, in a cluster whose streams are spread over nodes; the
	// others are remote (placement.go). Nil owns every stream.
	Owns func(streamID string) bool
	// Place, when set, is called with a new stream's ID before anything of
	// it is written, so that a cluster places it on the node that creates
	// it (and its fragment log writes under that placement's fence).
	Place func(ctx context.Context, streamID string) error
}

// Service is the Video Streams control plane for every account and region.
type Service struct {
	cfg  Config
	meta storage.MetaStore
	recs storage.RecordStore
	log  *slog.Logger

	calls callBuckets
	// remote are the IDs of the streams another node owns (placement.go);
	// releaser hands a dropped stream's log over, if the backend can.
	remote   storage.RemoteIDs
	releaser storage.Releaser

	mu       sync.Mutex
	streams  map[key]*Stream
	channels map[key]*Channel
	timers   map[string]*time.Timer // by stream or channel ID
	closed   bool
	wg       sync.WaitGroup
}

type key struct{ account, region, name string }

// Metadata key prefixes.
const (
	keyStreams  = "video/streams/"
	keyChannels = "video/channels/"
)

func streamKey(s *Stream) string {
	return keyStreams + s.Account + "/" + s.Region + "/" + s.Name
}

func channelKey(c *Channel) string {
	return keyChannels + c.Account + "/" + c.Region + "/" + c.Name
}

// New loads the streams and channels, resumes their transitions, and
// disowns video logs without metadata.
func New(ctx context.Context, cfg Config, backend storage.Backend) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.StreamLimit <= 0 {
		cfg.StreamLimit = DefaultStreamLimit
	}
	if cfg.ChannelLimit <= 0 {
		cfg.ChannelLimit = DefaultChannelLimit
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.PublicURL = strings.TrimSuffix(cfg.PublicURL, "/")
	s := &Service{
		cfg:      cfg,
		meta:     backend.Meta(),
		recs:     backend.Records(),
		log:      cfg.Logger.With("component", "video"),
		streams:  map[key]*Stream{},
		channels: map[key]*Channel{},
		timers:   map[string]*time.Timer{},
	}
	s.releaser, _ = backend.(storage.Releaser)
	if err := s.load(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Service) now() time.Time { return s.cfg.Now() }

func (s *Service) load(ctx context.Context) error {
	known := map[string]bool{}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.meta.Scan(ctx, keyStreams, func(k string, value []byte) error {
		st := new(Stream)
		if err := json.Unmarshal(value, st); err != nil || st.ID == "" || streamKey(st) != k {
			s.log.Error("video stream metadata damaged: the stream is not served; its fragments are kept in quarantine", "key", k, "err", err)
			return nil
		}
		if !s.owns(st.ID) {
			s.addRemoteLocked(st)
			return nil
		}
		s.streams[key{st.Account, st.Region, st.Name}] = st
		known[st.LogID()] = true
		return nil
	})
	if err != nil {
		return err
	}
	err = s.meta.Scan(ctx, keyChannels, func(k string, value []byte) error {
		ch := new(Channel)
		if err := json.Unmarshal(value, ch); err != nil || ch.ID == "" || channelKey(ch) != k {
			s.log.Error("signaling channel metadata damaged: the channel is not served", "key", k, "err", err)
			return nil
		}
		s.channels[key{ch.Account, ch.Region, ch.Name}] = ch
		return nil
	})
	if err != nil {
		return err
	}
	for _, st := range s.streams {
		if st.Remote {
			continue // its owner does this
		}
		if err := s.describe(ctx, st); err != nil {
			s.log.Error("writing the video stream's manifest", "name", st.Name, "err", err)
		}
		if st.Status != StatusActive {
			s.scheduleStream(st)
		}
	}
	for _, ch := range s.channels {
		if ch.Status != StatusActive {
			s.scheduleChannel(ch)
		}
	}
	// Logs without metadata: see package storage. With streams spread
	// over nodes, no node here can tell whose such a log is: they are left
	// alone.
	if s.cfg.Owns != nil {
		return nil
	}
	ids, err := s.recs.IDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if !strings.HasPrefix(id, LogPrefix) || known[id] {
			continue
		}
		if _, err := s.recs.Disown(ctx, id, func(m storage.Manifest) error { return s.adopt(ctx, id, m) }); err != nil {
			return err
		}
	}
	return nil
}

// adopt writes back the metadata of log id from its manifest, when an
// operator asked to restore it. Called with s.mu held.
func (s *Service) adopt(ctx context.Context, id string, m storage.Manifest) error {
	st := new(Stream)
	if err := json.Unmarshal(m.Value, st); err != nil {
		return fmt.Errorf("its manifest does not hold a video stream: %w", err)
	}
	if st.LogID() != id || streamKey(st) != m.Key {
		return fmt.Errorf("its manifest describes video stream %s (%s), not this log", st.Name, st.ID)
	}
	k := key{st.Account, st.Region, st.Name}
	if s.streams[k] != nil {
		return fmt.Errorf("a video stream named %s exists in account %s, region %s", st.Name, st.Account, st.Region)
	}
	if st.Status != StatusDeleting {
		st.Status = StatusActive
	}
	if err := s.persistStream(ctx, st); err != nil {
		return err
	}
	s.streams[k] = st
	if st.Status != StatusActive {
		s.scheduleStream(st)
	}
	return nil
}

// Close stops the pending transitions (they resume at the next start).
func (s *Service) Close() error {
	s.mu.Lock()
	s.closed = true
	for id, t := range s.timers {
		if t.Stop() {
			s.wg.Done()
		}
		delete(s.timers, id)
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// persistStream writes a stream's state, then the manifest its log keeps.
// Every write of a stream's metadata goes through it or removeStream,
// which refuse a stream another node owns.
func (s *Service) persistStream(ctx context.Context, st *Stream) error {
	if err := s.refuseRemote(st); err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Put(streamKey(st), b) }); err != nil {
		return err
	}
	if err := s.recs.Describe(ctx, st.LogID(), storage.Manifest{Key: streamKey(st), Value: b}); err != nil {
		s.log.Error("writing the video stream's manifest", "name", st.Name, "err", err)
	}
	return nil
}

// describe writes the manifest of a loaded stream, if it changed.
func (s *Service) describe(ctx context.Context, st *Stream) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.recs.Describe(ctx, st.LogID(), storage.Manifest{Key: streamKey(st), Value: b})
}

func (s *Service) persistChannel(ctx context.Context, ch *Channel) error {
	b, err := json.Marshal(ch)
	if err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Put(channelKey(ch), b) })
}

func (s *Service) delayFor(status string) time.Duration {
	switch status {
	case StatusCreating:
		return s.cfg.CreateDelay
	case StatusUpdating:
		return s.cfg.UpdateDelay
	}
	return s.cfg.DeleteDelay
}

// after runs fn after d, unless the service closes first. Called with
// s.mu held.
func (s *Service) after(id string, d time.Duration, fn func()) {
	if s.closed {
		return
	}
	if t := s.timers[id]; t != nil && t.Stop() {
		s.wg.Done()
	}
	s.wg.Add(1)
	var t *time.Timer
	t = time.AfterFunc(max(d, 0), func() {
		defer s.wg.Done()
		s.mu.Lock()
		if s.timers[id] != t {
			s.mu.Unlock()
			return
		}
		delete(s.timers, id)
		s.mu.Unlock()
		fn()
	})
	s.timers[id] = t
}

// scheduleStream ends a stream's CREATING, UPDATING or DELETING state
// after its delay. Called with s.mu held.
func (s *Service) scheduleStream(st *Stream) {
	k, id := key{st.Account, st.Region, st.Name}, st.ID
	s.after(id, s.delayFor(st.Status), func() { s.finishStream(k, id) })
}

func (s *Service) finishStream(k key, id string) {
	ctx := context.Background()
	s.mu.Lock()
	cur := s.streams[k]
	if cur == nil || cur.ID != id || cur.Remote || s.closed {
		s.mu.Unlock()
		return
	}
	switch cur.Status {
	case StatusCreating, StatusUpdating:
		st := cur.clone()
		st.Status = StatusActive
		if err := s.persistStream(ctx, st); err != nil {
			s.log.Error("activating video stream", "name", st.Name, "err", err)
			s.after(id, time.Second, func() { s.finishStream(k, id) })
			s.mu.Unlock()
			return
		}
		s.streams[k] = st
		s.mu.Unlock()
	case StatusDeleting:
		delete(s.streams, k)
		s.mu.Unlock()
		s.removeStream(ctx, cur)
	default:
		s.mu.Unlock()
	}
}

// removeStream lets the data plane go of a deleted stream, then removes
// its log and metadata: the log is marked first, so that a crash before it
// is removed finishes the removal at the next start instead of
// quarantining it.
func (s *Service) removeStream(ctx context.Context, st *Stream) {
	if err := s.refuseRemote(st); err != nil {
		s.log.Error("deleting video stream", "name", st.Name, "err", err)
		return
	}
	if s.cfg.Closing != nil {
		s.cfg.Closing(ctx, st)
	}
	err := s.recs.MarkRemoving(ctx, st.LogID())
	if err == nil {
		err = s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Delete(streamKey(st)) })
	}
	if err == nil {
		err = s.recs.Remove(ctx, st.LogID())
	}
	if err != nil {
		s.log.Error("deleting video stream", "name", st.Name, "err", err)
	}
}

// scheduleChannel ends a channel's transitional state after its delay.
// Called with s.mu held.
func (s *Service) scheduleChannel(ch *Channel) {
	k, id := key{ch.Account, ch.Region, ch.Name}, ch.ID
	s.after(id, s.delayFor(ch.Status), func() { s.finishChannel(k, id) })
}

func (s *Service) finishChannel(k key, id string) {
	ctx := context.Background()
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.channels[k]
	if cur == nil || cur.ID != id || s.closed {
		return
	}
	var err error
	switch cur.Status {
	case StatusCreating, StatusUpdating:
		ch := cur.clone()
		ch.Status = StatusActive
		if err = s.persistChannel(ctx, ch); err == nil {
			s.channels[k] = ch
		}
	case StatusDeleting:
		if err = s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Delete(channelKey(cur)) }); err == nil {
			delete(s.channels, k)
		}
	}
	if err != nil {
		s.log.Error("finishing signaling channel transition", "name", cur.Name, "err", err)
		s.after(id, time.Second, func() { s.finishChannel(k, id) })
	}
}
