package channels

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	"sluice/internal/firehose"
	"sluice/internal/ratelimit"
	"sluice/internal/storage"
)

// Config configures the Service.
type Config struct {
	Now func() time.Time
	// CreateDelay, UpdateDelay and DeleteDelay are how long a channel is
	// CREATING, UPDATING and DELETING (the delays streams and delivery
	// streams use).
	CreateDelay time.Duration
	UpdateDelay time.Duration
	DeleteDelay time.Duration
	// Streams looks up source streams; Deliveries delivers them.
	Streams    Streams
	Deliveries Deliveries
	// Limits applies AWS's control-plane rate: 5 calls per second per
	// operation, account and region.
	Limits bool
	Logger *slog.Logger
}

// Service is the channels of every account and region.
type Service struct {
	cfg  Config
	meta storage.MetaStore
	log  *slog.Logger
	// tokenKey signs ListChannels tokens (a restart invalidates them).
	tokenKey [32]byte

	mu       sync.Mutex
	channels map[chanKey]*Channel
	timers   map[string]*time.Timer // by channel ID
	buckets  map[string]*ratelimit.Bucket
	stopped  bool
}

type chanKey struct{ account, region, name string }

const keyChannels = "channels/"

func metaKey(ch *Channel) string {
	return keyChannels + ch.Account + "/" + ch.Region + "/" + ch.Name
}

// New loads the channels, resumes their transitions and reconciles their
// delivery streams: one missing (a crash between the channel's write and
// the delivery stream's) is created again, one whose channel is gone is
// deleted.
func New(ctx context.Context, cfg Config, meta storage.MetaStore) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Streams == nil || cfg.Deliveries == nil {
		return nil, errors.New("channels: Streams and Deliveries are required")
	}
	s := &Service{
		cfg:      cfg,
		meta:     meta,
		log:      cfg.Logger.With("component", "channels"),
		channels: map[chanKey]*Channel{},
		timers:   map[string]*time.Timer{},
		buckets:  map[string]*ratelimit.Bucket{},
	}
	rand.Read(s.tokenKey[:])
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Service) now() time.Time { return s.cfg.Now() }

func (s *Service) load(ctx context.Context) error {
	var all []*Channel
	err := s.meta.Scan(ctx, keyChannels, func(key string, value []byte) error {
		ch := new(Channel)
		if err := json.Unmarshal(value, ch); err != nil || ch.ID == "" || metaKey(ch) != key {
			s.log.Error("channel metadata damaged: the channel is not served", "key", key, "err", err)
			return nil
		}
		all = append(all, ch)
		return nil
	})
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	owners := map[string]bool{}
	for _, ch := range all {
		s.channels[chanKey{ch.Account, ch.Region, ch.Name}] = ch
		owners[Owner(ch.ID)] = true
		if ch.Status == StatusDeleting {
			s.dropDeliveries(ctx, ch)
		} else if ch.Status != StatusFailed {
			s.ensureDeliveries(ctx, ch)
		}
		if ch.Status == StatusCreating || ch.Status == StatusUpdating || ch.Status == StatusDeleting {
			s.schedule(ch, ch.StatusUntil.Sub(s.now()))
		}
	}
	var orphans []*firehose.DeliveryStream
	s.cfg.Deliveries.Each(func(ds *firehose.DeliveryStream, _ *firehose.Metrics) {
		if strings.HasPrefix(ds.Owner, "channel/") && !owners[ds.Owner] && ds.Status != firehose.StatusDeleting {
			orphans = append(orphans, ds)
		}
	})
	for _, ds := range orphans {
		s.log.Info("deleting the delivery stream of a channel that is gone", "delivery_stream", ds.Name, "owner", ds.Owner)
		if err := s.cfg.Deliveries.DeleteDeliveryStream(ctx, firehose.Caller{Account: ds.Account, Region: ds.Region}, ds.Name); err != nil {
			s.log.Error("deleting an orphaned channel delivery stream", "delivery_stream", ds.Name, "err", err)
		}
	}
	return nil
}

// Close stops the pending transitions.
func (s *Service) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopped = true
	for _, t := range s.timers {
		t.Stop()
	}
	return nil
}

// persist writes a channel's state.
func (s *Service) persist(ctx context.Context, ch *Channel) error {
	b, err := json.Marshal(ch)
	if err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Put(metaKey(ch), b) })
}

// schedule ends a CREATING, UPDATING or DELETING status after d. Called
// with s.mu held.
func (s *Service) schedule(ch *Channel, d time.Duration) {
	if t := s.timers[ch.ID]; t != nil {
		t.Stop()
	}
	key := chanKey{ch.Account, ch.Region, ch.Name}
	id := ch.ID
	s.timers[ch.ID] = time.AfterFunc(max(d, 0), func() { s.finish(key, id) })
}

// retryFinish is how soon a channel whose delivery stream is not ACTIVE
// yet looks again.
const retryFinish = 20 * time.Millisecond

func (s *Service) finish(key chanKey, id string) {
	ctx := context.Background()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return
	}
	delete(s.timers, id)
	cur := s.channels[key]
	if cur == nil || cur.ID != id {
		return
	}
	ch := cur.clone()
	switch ch.Status {
	case StatusCreating, StatusUpdating:
		// ACTIVE once every delivery stream is (they share the delay, but
		// their timers may fire after this one).
		for i := range ch.Streams {
			ds, err := s.cfg.Deliveries.DescribeDeliveryStream(fhCaller(ch), DeliveryStreamName(ch.ID, i))
			switch {
			case err != nil:
				ch.Status, ch.StatusReason = StatusFailed, "The channel's delivery of "+ch.Streams[i].ARN+" is gone: "+err.Error()
			case ds.Status != firehose.StatusActive:
				s.schedule(ch, retryFinish)
				return
			}
		}
		if ch.Status != StatusFailed {
			ch.Status = StatusActive
		}
		ch.StatusUntil = time.Time{}
		if err := s.persist(ctx, ch); err != nil {
			s.log.Error("activating channel", "name", ch.Name, "err", err)
			s.schedule(ch, time.Second)
			return
		}
		s.channels[key] = ch
	case StatusDeleting:
		if err := s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Delete(metaKey(ch)) }); err != nil {
			s.log.Error("deleting channel", "name", ch.Name, "err", err)
			s.schedule(ch, time.Second)
			return
		}
		delete(s.channels, key)
	}
}

// admit charges one call of op against the caller's rate.
func (s *Service) admit(c Caller, op string) error {
	if !s.cfg.Limits {
		return nil
	}
	key := c.Account + "/" + c.Region + "/" + op
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.buckets[key]
	if b == nil {
		b = ratelimit.New(5, 5, now)
		s.buckets[key] = b
	}
	if !b.Allow(now, 1) {
		return errRate(c.Account)
	}
	return nil
}

func fhCaller(ch *Channel) firehose.Caller {
	return firehose.Caller{Account: ch.Account, Region: ch.Region}
}
