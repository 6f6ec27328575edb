package firehose

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sluice/internal/firehose/convert"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/kms"
	"sluice/internal/objectstore"
	"sluice/internal/sse"
	"sluice/internal/storage"
)

// Config configures the Service.
type Config struct {
	Now         func() time.Time
	CreateDelay time.Duration
	DeleteDelay time.Duration
	// Store receives the delivered objects.
	Store objectstore.Store
	// Lambda runs the Lambda processors of data transformation; nil
	// refuses them.
	Lambda LambdaInvoker
	// Source reads Sluice data streams for KinesisStreamAsSource; nil
	// refuses that type.
	Source SourceReader
	// Tick is how often a deliverer looks at its buffer's age when no
	// record arrives (default 100 ms): the interval hint is checked against
	// Now, so a test clock moves deliveries without sleeping.
	Tick time.Duration
	// SourcePoll is how often a KinesisStreamAsSource delivery stream
	// reads each shard (default 1 s, as AWS: GetRecords once per second per
	// shard, within the shard's 5 reads per second).
	SourcePoll time.Duration
	// RetryFor is how long a failing delivery is retried before its records
	// are dropped (AWS: 24 hours for S3).
	RetryFor time.Duration
	// Tables are the Glue tables record format conversion takes its
	// schemas from (--glue-tables); nil refuses conversion.
	Tables *convert.Catalog
	// HTTPClient is the client the HTTP endpoint, OpenSearch and Splunk
	// destinations use (nil: their own, with the system's roots); tests and
	// --firehose-ca-file give one that trusts a private CA.
	HTTPClient *http.Client
	// IcebergDir keeps the Iceberg tables' metadata files (the object store
	// only takes writes); "" refuses Iceberg destinations.
	IcebergDir string
	// Errors receives delivery errors; nil drops them.
	Errors ErrorLog
	// Quotas enforces AWS's DirectPut throughput quotas per delivery stream
	// (quota.go; --limits on).
	Quotas bool
	// RetryPause is how long a deliverer waits before trying again a batch
	// whose objects could not be built (default 5 s).
	RetryPause time.Duration
	// StreamLimit is the delivery streams allowed per account and region.
	StreamLimit int
	// Keys are the master keys of server-side encryption (sse.go); nil
	// refuses encryption with InvalidKMSResourceException.
	Keys kms.MasterKeys
	// UpdateDelay is how long encryption stays ENABLING or DISABLING
	// before it is ENABLED or DISABLED (0: settled within the call).
	UpdateDelay time.Duration
	// DataKeyLifetime and DataKeyRecheck are package sse's Lifetime and
	// Recheck (0: its defaults).
	DataKeyLifetime time.Duration
	DataKeyRecheck  time.Duration
	Logger          *slog.Logger
	// Owns, when set, says which delivery streams (by ID) this node owns
	// at start, in a cluster whose delivery streams are spread over nodes;
	// the others are remote (placement.go). Nil owns every one.
	Owns func(deliveryStreamID string) bool
	// Place, when set, is called with a new delivery stream's ID before
	// anything of it is written, so that a cluster places it on the node
	// that creates it (and its log writes under that placement's fence).
	Place func(ctx context.Context, deliveryStreamID string) error
}

// Service is the Firehose domain for every account and region.
type Service struct {
	cfg  Config
	meta storage.MetaStore
	recs storage.RecordStore
	log  *slog.Logger

	mu      sync.RWMutex
	streams map[streamKey]*live
	dest    destinations
	timers  map[string]*time.Timer

	stop chan struct{}
	wg   sync.WaitGroup

	// remote are the IDs of the delivery streams another node owns
	// (placement.go); releaser hands a dropped one's log over, if the
	// backend can.
	remote   storage.RemoteIDs
	releaser storage.Releaser
}

type streamKey struct{ account, region, name string }

// live is a delivery stream in memory.
type live struct {
	mu   sync.RWMutex
	meta *DeliveryStream
	// log is the delivery stream's log, read through openLog (sse.go);
	// log.Log is the backend's, as stored.
	log *openLog
	// ring holds the data keys of server-side encryption (sse.go), made
	// at first use; lastPrune is when old ones were last pruned (Unix ns).
	ringOnce  sync.Once
	ring      *sse.Keyring
	lastPrune atomic.Int64
	// stop ends the deliverer (and the source reader).
	stop    chan struct{}
	done    chan struct{}
	metrics Metrics
	quota   quotaBuckets
	// appends are the appends to log in flight, for its readers' horizon
	// (consumer.go).
	appends appendTracker
	// remote is set for a delivery stream another node owns
	// (placement.go): metadata only, nothing runs. Puts hold writes (read)
	// while they append; moved, under it, is set for a remote one and when
	// the delivery stream is dropped, for Puts that found it owned before.
	remote bool
	writes sync.RWMutex
	moved  bool
}

// newLive makes the live delivery stream of ds over its log.
func (s *Service) newLive(ds *DeliveryStream, lg storage.Log) *live {
	l := &live{meta: ds}
	l.log = &openLog{Log: lg, s: s, l: l}
	return l
}

func (l *live) snapshot() *DeliveryStream {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.meta
}

// Metadata keys and log IDs. Log IDs start with LogPrefix so that the Data
// Streams service leaves them alone when it reconciles its own logs.
const (
	keyStreams  = "firehose/streams/"
	keyPosition = "firehose/position/"
	keySource   = "firehose/source/"
	LogPrefix   = "firehose-"
)

func metaKey(ds *DeliveryStream) string {
	return keyStreams + ds.Account + "/" + ds.Region + "/" + ds.Name
}

// New loads the delivery streams, resumes their transitions and deliveries,
// and removes logs whose delivery stream is gone.
func New(ctx context.Context, cfg Config, backend storage.Backend) (*Service, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RetryPause <= 0 {
		cfg.RetryPause = 5 * time.Second
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 100 * time.Millisecond
	}
	if cfg.SourcePoll <= 0 {
		cfg.SourcePoll = time.Second
	}
	if cfg.RetryFor <= 0 {
		cfg.RetryFor = 24 * time.Hour
	}
	if cfg.StreamLimit <= 0 {
		cfg.StreamLimit = 50
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Store == nil {
		return nil, errors.New("firehose: no object store")
	}
	s := &Service{
		cfg:     cfg,
		meta:    backend.Meta(),
		recs:    backend.Records(),
		log:     cfg.Logger.With("component", "firehose"),
		streams: map[streamKey]*live{},
		timers:  map[string]*time.Timer{},
		stop:    make(chan struct{}),
		dest:    newDestinations(cfg),
	}
	s.releaser, _ = backend.(storage.Releaser)
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Service) now() time.Time { return s.cfg.Now() }

func (s *Service) load(ctx context.Context) error {
	known := map[string]bool{}
	var all []*DeliveryStream
	err := s.meta.Scan(ctx, keyStreams, func(key string, value []byte) error {
		ds := new(DeliveryStream)
		if err := json.Unmarshal(value, ds); err != nil || ds.ID == "" || metaKey(ds) != key {
			// Its log, if any, is quarantined below, never deleted.
			s.log.Error("delivery stream metadata damaged: the delivery stream is not served; its records are kept in quarantine",
				"key", key, "err", err)
			return nil
		}
		all = append(all, ds)
		known[LogPrefix+ds.ID] = true
		return nil
	})
	if err != nil {
		return err
	}
	for _, ds := range all {
		if s.owns(ds.ID) {
			s.addLive(ctx, ds)
		} else {
			s.addRemoteLocked(ds)
		}
	}
	// Logs without metadata: see package storage and streams.Service.load.
	// With delivery streams spread over nodes, no node here can tell whose
	// such a log is: they are left alone.
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

// addLive opens a loaded delivery stream's log and starts it. A log that
// cannot be opened costs only its own delivery stream (storage.FailedLog).
func (s *Service) addLive(ctx context.Context, ds *DeliveryStream) {
	lg, err := s.recs.Open(ctx, LogPrefix+ds.ID)
	if err != nil {
		s.log.Error("cannot open the delivery stream's log: its writes and deliveries fail until the cause is fixed and Sluice restarts",
			"name", ds.Name, "account", ds.Account, "region", ds.Region, "log_id", LogPrefix+ds.ID, "err", err)
		lg = storage.NewFailedLog(err)
	} else if err := s.describe(ctx, ds); err != nil {
		s.log.Error("writing the delivery stream's manifest", "name", ds.Name, "err", err)
	}
	migrateEncryption(ds)
	l := s.newLive(ds, lg)
	s.streams[streamKey{ds.Account, ds.Region, ds.Name}] = l
	s.start(l)
	if ds.Status != StatusActive {
		s.schedule(ds, s.delayFor(ds.Status))
	}
	s.resumeEncryption(ds)
}

// adopt writes back the metadata of log id from its manifest, when an
// operator asked to restore it, and starts the delivery stream. Its
// delivery position was in the metadata too: delivery starts again from
// the oldest record the log holds, so some objects may be delivered twice.
func (s *Service) adopt(ctx context.Context, id string, m storage.Manifest) error {
	ds := new(DeliveryStream)
	if err := json.Unmarshal(m.Value, ds); err != nil {
		return fmt.Errorf("its manifest does not hold a delivery stream: %w", err)
	}
	if LogPrefix+ds.ID != id || metaKey(ds) != m.Key {
		return fmt.Errorf("its manifest describes delivery stream %s (%s), not this log", ds.Name, ds.ID)
	}
	if s.streams[streamKey{ds.Account, ds.Region, ds.Name}] != nil {
		return fmt.Errorf("a delivery stream named %s exists in account %s, region %s", ds.Name, ds.Account, ds.Region)
	}
	if err := s.persist(ctx, ds); err != nil {
		return err
	}
	s.addLive(ctx, ds)
	return nil
}

func (s *Service) delayFor(status string) time.Duration {
	if status == StatusDeleting {
		return s.cfg.DeleteDelay
	}
	return s.cfg.CreateDelay
}

// Close stops every deliverer and source reader.
func (s *Service) Close() error {
	s.mu.Lock()
	select {
	case <-s.stop:
		s.mu.Unlock()
		return nil
	default:
	}
	close(s.stop)
	for _, t := range s.timers {
		t.Stop()
	}
	lives := make([]*live, 0, len(s.streams))
	for _, l := range s.streams {
		lives = append(lives, l)
	}
	s.mu.Unlock()
	for _, l := range lives {
		l.halt()
	}
	s.wg.Wait()
	s.dest.close()
	return nil
}

func (l *live) halt() {
	if l.stop == nil {
		return
	}
	select {
	case <-l.stop:
	default:
		close(l.stop)
	}
	<-l.done
}

// persist writes a delivery stream's state, then the manifest its log
// keeps (see streams.Service.persist).
func (s *Service) persist(ctx context.Context, ds *DeliveryStream) error {
	if err := s.refuseRemote(ds); err != nil {
		return err
	}
	b, err := json.Marshal(ds)
	if err != nil {
		return err
	}
	if err := s.meta.Update(ctx, func(tx storage.MetaTx) error { return tx.Put(metaKey(ds), b) }); err != nil {
		return err
	}
	if err := s.recs.Describe(ctx, LogPrefix+ds.ID, storage.Manifest{Key: metaKey(ds), Value: b}); err != nil {
		s.log.Error("writing the delivery stream's manifest", "name", ds.Name, "err", err)
	}
	return nil
}

// deleteMeta deletes a delivery stream's state and delivery position.
func (s *Service) deleteMeta(ctx context.Context, ds *DeliveryStream) error {
	if err := s.refuseRemote(ds); err != nil {
		return err
	}
	return s.meta.Update(ctx, func(tx storage.MetaTx) error {
		tx.Delete(keyPosition + ds.ID)
		return tx.Delete(metaKey(ds))
	})
}

// describe writes the manifest of a loaded delivery stream, if it changed.
func (s *Service) describe(ctx context.Context, ds *DeliveryStream) error {
	b, err := json.Marshal(ds)
	if err != nil {
		return err
	}
	return s.recs.Describe(ctx, LogPrefix+ds.ID, storage.Manifest{Key: metaKey(ds), Value: b})
}

// schedule ends a CREATING or DELETING state after d.
func (s *Service) schedule(ds *DeliveryStream, d time.Duration) {
	key := streamKey{ds.Account, ds.Region, ds.Name}
	id := ds.ID
	s.timers[id] = time.AfterFunc(max(d, 0), func() { s.finish(key, id) })
}

func (s *Service) finish(key streamKey, id string) {
	ctx := context.Background()
	s.mu.Lock()
	select {
	case <-s.stop:
		s.mu.Unlock()
		return
	default:
	}
	delete(s.timers, id)
	l := s.streams[key]
	if l == nil || l.snapshot().ID != id || l.remote {
		s.mu.Unlock()
		return
	}
	ds := *l.snapshot()
	switch ds.Status {
	case StatusCreating:
		ds.Status = StatusActive
		if err := s.persist(ctx, &ds); err != nil {
			s.log.Error("activating delivery stream", "name", ds.Name, "err", err)
			s.schedule(&ds, time.Second)
			s.mu.Unlock()
			return
		}
		l.mu.Lock()
		l.meta = &ds
		l.mu.Unlock()
		s.mu.Unlock()
		if ds.Encryption.Status == EncryptionEnabling {
			s.settleLater(&ds)
		}
	case StatusDeleting:
		delete(s.streams, key)
		s.mu.Unlock()
		l.halt()
		// Marked first: a log without metadata is otherwise quarantined
		// at the next start, not removed.
		err := s.recs.MarkRemoving(ctx, LogPrefix+ds.ID)
		if err == nil {
			err = s.deleteMeta(ctx, &ds)
		}
		if err == nil {
			err = s.deleteSourcePositions(ctx, ds.ID)
		}
		if err == nil {
			err = sse.DeleteAll(ctx, s.meta, dataKeyPrefix(ds.ID))
		}
		if err == nil {
			err = s.recs.Remove(ctx, LogPrefix+ds.ID)
		}
		if err != nil {
			s.log.Error("deleting delivery stream", "name", ds.Name, "err", err)
		}
	default:
		s.mu.Unlock()
	}
}

func (s *Service) lookup(c Caller, name string) *live {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.streams[streamKey{c.Account, c.Region, name}]
}

// get returns a delivery stream that exists (in any state), owned here or
// not: descriptions answer for either; other operations use owned (or,
// as Put does, check moved themselves).
func (s *Service) get(c Caller, name string) (*live, error) {
	l := s.lookup(c, name)
	if l == nil {
		return nil, errNotFound(name, c.Account)
	}
	return l, nil
}

// owned returns a delivery stream that exists and that this node owns;
// one another node owns fails with errElsewhere.
func (s *Service) owned(c Caller, name string) (*live, error) {
	l, err := s.get(c, name)
	if err != nil {
		return nil, err
	}
	if l.remote {
		return nil, errElsewhere(l.snapshot().ID, name)
	}
	return l, nil
}

// update applies fn to a copy of the delivery stream's state, persists it
// and publishes it.
func (s *Service) update(ctx context.Context, c Caller, name string, fn func(ds *DeliveryStream) error) (*DeliveryStream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.streams[streamKey{c.Account, c.Region, name}]
	if l == nil {
		return nil, errNotFound(name, c.Account)
	}
	if l.remote {
		return nil, errElsewhere(l.snapshot().ID, name)
	}
	ds := *l.snapshot()
	ds.Tags = append([]Tag(nil), ds.Tags...)
	if err := fn(&ds); err != nil {
		return nil, err
	}
	if err := s.persist(ctx, &ds); err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.meta = &ds
	l.mu.Unlock()
	return &ds, nil
}
