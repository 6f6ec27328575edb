// Package streams is the Kinesis Data Streams domain: streams and their
// lifecycle, shards and hash-key routing, sequence numbers, shard iterators,
// retention, tags and per-account settings. It stores metadata and records
// through package storage and never sees HTTP; package kinesisapi maps the
// wire operations onto it.
//
// Concurrency: Service.mu guards the map of live streams; each liveStream's
// mu guards its metadata snapshot. A snapshot (*Stream) is never mutated once
// published: control-plane operations build a copy, persist it, then swap it
// in under the stream's write lock. Writes to the log hold the stream's read
// lock, so a control-plane change (a shard closing, later) waits for in-flight
// appends and sees every record they wrote. Lock order: Service.mu before
// liveStream.mu.
package streams

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/kms"
	"sluice/internal/metrics"
	"sluice/internal/policy"
	"sluice/internal/sse"
	"sluice/internal/storage"
)

// Config configures the Service.
type Config struct {
	// Now is the clock; tests inject one to expire iterators and retention.
	Now func() time.Time
	// Delays of the transitional states, so that CREATING, UPDATING and
	// DELETING can be observed as on AWS. 0 makes transitions immediate.
	CreateDelay, DeleteDelay, UpdateDelay time.Duration
	// ShardLimit is the number of open shards an account may have in a
	// region; OnDemandStreamLimit the number of on-demand streams.
	ShardLimit          int
	OnDemandStreamLimit int
	// RetentionInterval is how often expired segments are deleted.
	RetentionInterval time.Duration
	// Limits enforces AWS's throughput and call-rate limits.
	Limits bool
	// Scaler is the on-demand scaling policy.
	Scaler ScalerConfig
	// Heartbeat is the longest a subscription goes without an event
	// (AWS: 5 s); tests shorten it.
	Heartbeat time.Duration
	Logger    *slog.Logger
	// Keys are the master keys of server-side encryption (package server
	// injects the key file's or a KMS endpoint's); nil refuses
	// StartStreamEncryption.
	Keys kms.MasterKeys
	// DataKeyLifetime is how long one data key seals a stream's records;
	// DataKeyRecheck how long an unwrapped data key is used before the
	// master key is asked again (0: package sse's defaults, 5 minutes).
	DataKeyLifetime time.Duration
	DataKeyRecheck  time.Duration
	// Owns, when set, says which streams (by ID) this node owns at start,
	// in a cluster whose streams are spread over nodes; the others are
	// remote (placement.go). Nil owns every stream.
	Owns func(streamID string) bool
	// Place, when set, is called with a new stream's ID before anything
	// of it is written: a cluster node places the stream on itself (its
	// placement key, and the log's own fence), so that it is never written
	// without that fence nor loaded by another node meanwhile.
	Place func(ctx context.Context, streamID string) error
}

// Defaults returns AWS's defaults (us-east-1 shard quota).
func Defaults() Config {
	return Config{
		Now:                 time.Now,
		CreateDelay:         500 * time.Millisecond,
		DeleteDelay:         500 * time.Millisecond,
		UpdateDelay:         500 * time.Millisecond,
		ShardLimit:          20000,
		OnDemandStreamLimit: 50,
		RetentionInterval:   time.Minute,
		Limits:              true,
		Scaler:              DefaultScaler(),
		Heartbeat:           HeartbeatInterval,
	}
}

// Caller is the account and region a request acts in.
type Caller struct {
	Account string
	Region  string
	// Auth is the principal and its policies; nil is Sluice acting for
	// the account itself (a Firehose source, an Analytics input), which
	// no policy restricts.
	Auth *policy.Caller
}

// Service is the Data Streams domain for every account and region.
type Service struct {
	cfg    Config
	meta   storage.MetaStore
	recs   storage.RecordStore
	sealer *sealer
	log    *slog.Logger

	mu       sync.RWMutex
	streams  map[streamKey]*liveStream
	accounts map[accountKey]*AccountSettings
	timers   map[string]*time.Timer // pending transitions, by stream ID or consumer ARN
	calls    callBuckets
	policies policyCache
	subs     subscriptions
	// remote are the IDs of the streams another node owns (placement.go);
	// releaser hands a dropped stream's log over, if the backend can.
	remote   storage.RemoteIDs
	releaser storage.Releaser

	// plainBufs recycles the plaintext buffers of GetRecords pages of
	// encrypted records (RecordsPage.Release).
	plainBufs sync.Pool

	scaleMu   sync.Mutex // one scaling pass at a time
	scaleLast time.Time

	stop chan struct{}
	wg   sync.WaitGroup
	// draining closes when the server is stopping: subscriptions end at
	// once (clients subscribe again, elsewhere or later) rather than hold
	// the shutdown for their 5 minutes.
	draining  chan struct{}
	drainOnce sync.Once
}

type streamKey struct{ account, region, name string }

type accountKey struct{ account, region string }

// liveStream is a stream in memory: its current snapshot and its log.
type liveStream struct {
	mu   sync.RWMutex
	meta *Stream
	log  storage.Log
	// remote is set for a stream another node owns (placement.go); gone
	// closes when this liveStream stops standing for its stream (the
	// stream moved to or from this node), ending its subscriptions.
	remote bool
	gone   chan struct{}
	// routes are the open shards ordered by hash range, for routing puts.
	routes []*Shard
	// next spreads records over the open shards under the AUTO
	// distribution strategy.
	next atomic.Uint64

	statesMu sync.Mutex
	states   map[uint32]*shardState

	// metrics are the stream's per-minute figures (for the console).
	metrics metrics.Series

	// changed is closed (and replaced) whenever a new snapshot is
	// published, so that subscriptions notice a shard closing at once.
	changed chan struct{}

	// appends are the appends in flight, for internal consumers' horizon
	// (tail.go).
	appends appendTracker

	// ring holds the stream's data keys (sse.go), made on first use;
	// lastPrune is when its old keys were last pruned (Unix ns).
	ringOnce  sync.Once
	ring      *sse.Keyring
	lastPrune atomic.Int64
}

// newLiveStream returns the owned stream st, its records in l.
func newLiveStream(l storage.Log, st *Stream) *liveStream {
	ls := &liveStream{log: l, gone: make(chan struct{})}
	ls.publish(st)
	return ls
}

// watchMeta returns a channel closed at the next published change.
func (ls *liveStream) watchMeta() <-chan struct{} {
	ls.mu.RLock()
	defer ls.mu.RUnlock()
	return ls.changed
}

func (ls *liveStream) snapshot() *Stream {
	ls.mu.RLock()
	defer ls.mu.RUnlock()
	return ls.meta
}

// publish swaps in a new snapshot; the caller holds ls.mu.
func (ls *liveStream) publish(st *Stream) {
	ls.meta = st
	if ls.changed != nil {
		close(ls.changed)
	}
	ls.changed = make(chan struct{})
	ls.routes = append(ls.routes[:0], st.OpenShards()...)
	sort.Slice(ls.routes, func(i, j int) bool {
		return ls.routes[i].HashRange.Start.Cmp(ls.routes[j].HashRange.Start) < 0
	})
}

// route returns the open shard whose range holds h; the caller holds ls.mu.
func (ls *liveStream) route(h HashKey) *Shard {
	i := sort.Search(len(ls.routes), func(i int) bool {
		return ls.routes[i].HashRange.End.Cmp(h) >= 0
	})
	if i < len(ls.routes) && ls.routes[i].HashRange.Contains(h) {
		return ls.routes[i]
	}
	return nil
}

// Metadata keys.
const (
	keyStreams  = "streams/"
	keyAccounts = "accounts/"
	keyToken    = "keys/token"
)

func streamMetaKey(st *Stream) string {
	return keyStreams + st.Account + "/" + st.Region + "/" + st.Name
}

// New loads every stream from the backend, resumes pending transitions,
// settles logs without metadata (see package storage), and starts the
// retention loop.
func New(ctx context.Context, cfg Config, backend storage.Backend) (*Service, error) {
	def := Defaults()
	if cfg.Now == nil {
		cfg.Now = def.Now
	}
	if cfg.ShardLimit <= 0 {
		cfg.ShardLimit = def.ShardLimit
	}
	if cfg.OnDemandStreamLimit <= 0 {
		cfg.OnDemandStreamLimit = def.OnDemandStreamLimit
	}
	if cfg.RetentionInterval <= 0 {
		cfg.RetentionInterval = def.RetentionInterval
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = def.Heartbeat
	}
	if cfg.Scaler.Interval <= 0 {
		cfg.Scaler.Interval = def.Scaler.Interval
	}
	if cfg.Scaler.ScaleUpAfter <= 0 {
		cfg.Scaler.ScaleUpAfter = def.Scaler.ScaleUpAfter
	}
	if cfg.Scaler.ScaleDownAfter <= 0 {
		cfg.Scaler.ScaleDownAfter = def.Scaler.ScaleDownAfter
	}
	if cfg.Scaler.HotFraction <= 0 {
		cfg.Scaler.HotFraction = def.Scaler.HotFraction
	}
	if cfg.Scaler.ColdFraction <= 0 {
		cfg.Scaler.ColdFraction = def.Scaler.ColdFraction
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Service{
		cfg:      cfg,
		meta:     backend.Meta(),
		recs:     backend.Records(),
		log:      cfg.Logger.With("component", "streams"),
		streams:  map[streamKey]*liveStream{},
		accounts: map[accountKey]*AccountSettings{},
		timers:   map[string]*time.Timer{},
		stop:     make(chan struct{}),
		draining: make(chan struct{}),
	}
	s.releaser, _ = backend.(storage.Releaser)
	key, err := s.tokenKey(ctx)
	if err != nil {
		return nil, err
	}
	if s.sealer, err = newSealer(key); err != nil {
		return nil, err
	}
	if err := s.load(ctx); err != nil {
		return nil, err
	}
	s.wg.Add(2)
	go s.retentionLoop()
	go s.scalerLoop()
	return s, nil
}

// tokenKey returns the key that seals iterators and pagination tokens,
// creating it on first start.
func (s *Service) tokenKey(ctx context.Context) ([]byte, error) {
	var key []byte
	err := s.meta.Update(ctx, func(tx storage.MetaTx) error {
		k, err := tx.Get(keyToken)
		if err == nil && len(k) == 32 {
			key = k
			return nil
		}
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return err
		}
		key = make([]byte, 32)
		rand.Read(key)
		return tx.Put(keyToken, key)
	})
	return key, err
}

func (s *Service) load(ctx context.Context) error {
	live := map[string]bool{}
	err := s.meta.Scan(ctx, keyStreams, func(key string, value []byte) error {
		var st Stream
		if err := json.Unmarshal(value, &st); err != nil || st.ID == "" || streamMetaKey(&st) != key {
			// Its log, if any, is quarantined below, never deleted.
			s.log.Error("stream metadata damaged: the stream is not served; its records are kept in quarantine",
				"key", key, "err", err)
			return nil
		}
		if s.owns(st.ID) {
			s.addLive(ctx, &st)
		} else {
			s.addRemoteLocked(&st)
		}
		live[st.ID] = true
		return nil
	})
	if err != nil {
		return err
	}
	err = s.meta.Scan(ctx, keyAccounts, func(key string, value []byte) error {
		var a AccountSettings
		if err := json.Unmarshal(value, &a); err != nil {
			s.log.Error("account settings damaged: the defaults apply", "key", key, "err", err)
			return nil
		}
		s.accounts[accountKey{a.Account, a.Region}] = &a
		return nil
	})
	if err != nil {
		return err
	}
	// With streams spread over nodes, the cluster's coordinator settles the
	// logs without metadata (DisownOrphans), knowing which are being
	// created.
	if s.cfg.Owns == nil {
		if err := s.disownOrphans(ctx, live, func(string) bool { return false }); err != nil {
			return err
		}
	}
	s.resumeTransitions()
	return nil
}

// DisownOrphans settles the stream logs that have no metadata, except
// those creating says are being created: see disownOrphans. A cluster's
// coordinator calls it as it takes over (its Service was built with
// Config.Owns, which leaves them alone).
//
// It holds the service's lock throughout (a restored stream is added to
// the service): it is meant for before the service takes requests.
func (s *Service) DisownOrphans(ctx context.Context, creating func(id string) bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	live := make(map[string]bool, len(s.streams))
	for _, ls := range s.streams {
		live[ls.snapshot().ID] = true
	}
	return s.disownOrphans(ctx, live, creating)
}

// disownOrphans settles every log without metadata (not in live): a crash
// between DeleteStream's removal of the metadata and of the log (the log
// was marked first, and goes now), a restore an operator asked for, or
// metadata that was lost (the log is quarantined). See package storage.
func (s *Service) disownOrphans(ctx context.Context, live map[string]bool, creating func(id string) bool) error {
	ids, err := s.recs.IDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		// Other services keep their logs in the same store (Firehose's are
		// firehose-...): only stream IDs are this service's.
		if live[id] || !isStreamID(id) || creating(id) {
			continue
		}
		disp, err := s.recs.Disown(ctx, id, func(m storage.Manifest) error { return s.adopt(ctx, id, m) })
		if err != nil {
			return err
		}
		if disp == storage.Removed {
			// A deletion finished: its data keys go too. A quarantined
			// log keeps them, for its restore.
			if err := sse.DeleteAll(ctx, s.meta, dataKeyPrefix(id)); err != nil {
				s.log.Error("deleting the data keys of a removed stream", "stream_id", id, "err", err)
			}
		}
	}
	return nil
}

// resumeTransitions schedules the end of the owned streams' transitional
// states, at start.
func (s *Service) resumeTransitions() {
	for _, ls := range s.streams {
		st := ls.meta
		if ls.remote {
			continue
		}
		if st.Status != StatusActive {
			s.scheduleTransition(st)
		}
		for _, cons := range st.Consumers {
			if cons.Status != ConsumerActive {
				s.scheduleConsumer(st, cons)
			}
		}
	}
}

// addLive opens a loaded stream's log and makes the stream live. A log
// that cannot be opened costs only its own stream: it is served by a
// storage.FailedLog, whose calls fail with the cause.
func (s *Service) addLive(ctx context.Context, st *Stream) {
	l, err := s.recs.Open(ctx, st.ID)
	if err != nil {
		s.log.Error("cannot open the stream's log: its reads and writes fail until the cause is fixed and Sluice restarts",
			"stream", st.Name, "account", st.Account, "region", st.Region, "stream_id", st.ID, "err", err)
		l = storage.NewFailedLog(err)
	} else if err := s.describe(ctx, st); err != nil {
		s.log.Error("writing the stream's manifest", "stream", st.Name, "err", err)
	}
	s.streams[streamKey{st.Account, st.Region, st.Name}] = newLiveStream(l, st)
}

// adopt writes back the metadata of log id from its manifest, when an
// operator asked to restore it (sluice recover --restore), and makes the
// stream live.
func (s *Service) adopt(ctx context.Context, id string, m storage.Manifest) error {
	var st Stream
	if err := json.Unmarshal(m.Value, &st); err != nil {
		return fmt.Errorf("its manifest does not hold a stream: %w", err)
	}
	if st.ID != id || streamMetaKey(&st) != m.Key {
		return fmt.Errorf("its manifest describes stream %s (%s), not this log", st.Name, st.ID)
	}
	if ls := s.streams[streamKey{st.Account, st.Region, st.Name}]; ls != nil {
		return fmt.Errorf("a stream named %s exists in account %s, region %s: delete it, or restore under another data directory", st.Name, st.Account, st.Region)
	}
	if err := s.persist(ctx, &st); err != nil {
		return err
	}
	s.addLive(ctx, &st)
	return nil
}

// Close stops timers and background work. The backend is the caller's.
// EndSubscriptions ends every subscription (and every one started after)
// as if its 5 minutes were up: the server calls it first when it stops.
func (s *Service) EndSubscriptions() {
	s.drainOnce.Do(func() { close(s.draining) })
}

func (s *Service) Close() error {
	close(s.stop)
	s.mu.Lock()
	for id, t := range s.timers {
		t.Stop()
		delete(s.timers, id)
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

func (s *Service) now() time.Time { return s.cfg.Now() }

// newStreamID returns an ID in the shape AWS gives StreamId: 20 characters,
// a dash, 3 characters (lowercase hex here).
// isStreamID reports whether id has newStreamID's form.
func isStreamID(id string) bool {
	if len(id) != 24 || id[20] != '-' {
		return false
	}
	for i := range len(id) {
		if c := id[i]; i != 20 && !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

func newStreamID() string {
	var b [12]byte
	rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:20] + "-" + h[20:23]
}

// persist writes a stream's metadata, then the copy its log keeps (the
// manifest, from which the metadata can be restored if meta.db is lost; a
// failure to write it is logged, not the operation's failure, and it is
// written again at the next change or start).
func (s *Service) persist(ctx context.Context, st *Stream) error {
	if err := s.refuseRemote(st); err != nil {
		return err
	}
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	err = s.meta.Update(ctx, func(tx storage.MetaTx) error {
		return tx.Put(streamMetaKey(st), b)
	})
	if err != nil {
		return err
	}
	if err := s.recs.Describe(ctx, st.ID, storage.Manifest{Key: streamMetaKey(st), Value: b}); err != nil {
		s.log.Error("writing the stream's manifest", "stream", st.Name, "err", err)
	}
	return nil
}

// describe writes the manifest of a loaded stream, if it changed.
func (s *Service) describe(ctx context.Context, st *Stream) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return s.recs.Describe(ctx, st.ID, storage.Manifest{Key: streamMetaKey(st), Value: b})
}

// lookup finds a live stream by caller and name.
func (s *Service) lookup(c Caller, name string) *liveStream {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.streams[streamKey{c.Account, c.Region, name}]
}

// StreamRef names a stream the ways the API allows: by name, by ARN, or both.
type StreamRef struct {
	Name string
	ARN  string
}

// resolve finds the stream a request addresses and checks that the caller
// may perform action on it. action names the operation, as IAM does.
func (s *Service) resolve(c Caller, ref StreamRef, action string) (*liveStream, string, error) {
	ls, name, err := s.find(c, ref, action)
	if err != nil {
		return nil, name, err
	}
	st := ls.snapshot()
	if err := s.authorize(c, action, st.ARN(), st.Account, st.Policy); err != nil {
		return nil, name, err
	}
	return ls, name, nil
}

// find finds the stream a request addresses, leaving authorization to
// its caller. An ARN may name another account's stream; if there is no
// such stream the answer is the access denial a missing policy gives, so
// that another account cannot probe which streams exist.
func (s *Service) find(c Caller, ref StreamRef, action string) (*liveStream, string, error) {
	name, owner := ref.Name, c
	if ref.ARN != "" {
		region, account, arnName, ok := parseStreamARN(ref.ARN)
		if !ok {
			return nil, "", errStreamNotFound(ref.ARN, c.Account)
		}
		if name != "" && name != arnName {
			return nil, "", errNameARNMismatch(name, ref.ARN)
		}
		if region != c.Region {
			return nil, "", errStreamNotFound(arnName, c.Account)
		}
		name, owner = arnName, Caller{Account: account, Region: region}
	}
	if name == "" {
		return nil, "", errNameOrARN()
	}
	if err := s.admit(c, action, name); err != nil {
		return nil, name, err
	}
	ls := s.lookup(owner, name)
	if ls == nil {
		if owner.Account != c.Account {
			return nil, name, s.crossAccountMissing(c, action, ref.ARN, owner.Account)
		}
		return nil, name, errStreamNotFound(name, c.Account)
	}
	if ls.remote && !remoteReadable[action] {
		return nil, name, errElsewhere(ls.snapshot().ID, name)
	}
	return ls, name, nil
}

// crossAccountMissing answers a request for another account's resource
// that does not exist as one that exists without a policy would be.
func (s *Service) crossAccountMissing(c Caller, action, arn, account string) error {
	if c.Auth == nil {
		return errAccessDenied(c.Account, action, arn)
	}
	if err := s.authorize(c, action, arn, account, ""); err != nil {
		return err
	}
	return errAccessDenied(c.Account, action, arn)
}

// parseStreamARN splits arn:aws:kinesis:<region>:<account>:stream/<name>.
func parseStreamARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "kinesis" {
		return "", "", "", false
	}
	rest, found := strings.CutPrefix(parts[5], "stream/")
	if !found || rest == "" || strings.Contains(rest, "/") {
		return "", "", "", false
	}
	return parts[3], parts[4], rest, true
}
