package streams

import (
	"context"
	"errors"
	"sync"
	"time"

	"sluice/internal/metrics"
	"sluice/internal/ratelimit"
	"sluice/internal/storage"
)

// Enhanced fan-out: SubscribeToShard pushes a shard's records to a
// registered consumer as soon as they are durable, for up to five minutes
// per subscription, at up to 2 MiB/s per consumer and shard.
const (
	SubscriptionLifetime = 5 * time.Minute
	// SubscriptionTakeover is how long a subscription is protected from a
	// new one for the same consumer and shard.
	SubscriptionTakeover = 5 * time.Second
	// HeartbeatInterval is the longest a subscriber waits for an event.
	HeartbeatInterval = 5 * time.Second
	subscribeMaxBytes = 1 << 20
)

// ErrSubscriptionEnded reports that a subscription's five minutes are over
// (or the shard ended and its last event was sent).
var ErrSubscriptionEnded = errors.New("streams: subscription ended")

// StartingPosition is where a subscription starts.
type StartingPosition struct {
	Type           string
	SequenceNumber string
	Timestamp      *time.Time
}

// SubscribeEvent is one SubscribeToShardEvent.
type SubscribeEvent struct {
	Stream             *Stream
	Shard              *Shard
	Records            []storage.StoredRecord
	ContinuationSeq    string
	MillisBehindLatest int64
	// ChildShards is set on the last event of a closed shard.
	ChildShards []*Shard

	sealed []bool // which records were stored encrypted (nil: none)
}

// EncryptionType returns the EncryptionType record i of the event was
// written under: KMS if it is stored encrypted, else "".
func (e *SubscribeEvent) EncryptionType(i int) string { return encryptionType(e.sealed, i) }

// SeqNum returns the sequence number of a record of the event.
func (e *SubscribeEvent) SeqNum(r *storage.StoredRecord) string {
	return SeqNum{ShardCreated: e.Shard.Created, ShardIndex: e.Shard.Index, Counter: r.Seq, Arrival: r.ArrivalMillis / 1000}.String()
}

// Subscription is one SubscribeToShard call in progress.
type Subscription struct {
	svc     *Service
	ls      *liveStream
	key     string
	shard   uint32
	counter uint64
	lastArr int64
	started time.Time
	ends    time.Time
	bucket  *ratelimit.Bucket
	state   *shardState // the shard's, for its figures
	// taken is closed when a newer subscription for the same consumer and
	// shard takes over.
	taken chan struct{}
	done  bool
	// first is true until the first event: AWS sends one at once.
	first bool
}

// subscriptions tracks the active subscription of each consumer and shard.
type subscriptions struct {
	mu     sync.Mutex
	active map[string]*Subscription
}

// Subscribe starts a subscription of a consumer to a shard.
func (s *Service) Subscribe(ctx context.Context, c Caller, consumerARN, shardID string, pos StartingPosition) (*Subscription, error) {
	ls, st, cons, err := s.resolveConsumer(c, ConsumerRef{ARN: consumerARN}, "SubscribeToShard")
	if err != nil {
		return nil, err
	}
	if cons.Status != ConsumerActive {
		return nil, errConsumerNotActive(cons, st)
	}
	index, ok := ParseShardID(shardID)
	var sh *Shard
	if ok {
		sh = st.Shard(index)
	}
	if sh == nil || st.Status == StatusCreating {
		return nil, errShardNotFound(canonicalShardID(shardID), st.Name, st.Account)
	}
	counter, err := s.position(ls, st, sh, IteratorParams{ShardID: shardID, Type: pos.Type, StartingSeqNum: pos.SequenceNumber, Timestamp: pos.Timestamp})
	if err != nil {
		return nil, err
	}
	now := s.now()
	sub := &Subscription{
		svc: s, ls: ls, key: consumerARN + "|" + sh.ID(), shard: index, counter: counter,
		started: now, ends: now.Add(SubscriptionLifetime),
		bucket: ratelimit.New(ConsumerBytesPerSec, ConsumerBytesPerSec, now),
		state:  ls.state(st, index, now),
		taken:  make(chan struct{}), first: true,
	}
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	if s.subs.active == nil {
		s.subs.active = map[string]*Subscription{}
	}
	if old := s.subs.active[sub.key]; old != nil {
		if now.Sub(old.started) < SubscriptionTakeover {
			return nil, newErr(KindInUse, "Another active subscription exists for consumer %s and shard %s.", consumerARN, sh.ID())
		}
		close(old.taken)
	}
	s.subs.active[sub.key] = sub
	return sub, nil
}

// ErrTakenOver is returned by Next when a newer subscription replaced this one.
var ErrTakenOver = errors.New("streams: subscription taken over")

// Next waits for the next event: records as soon as they are durable, an
// empty event after HeartbeatInterval without records, and after the last
// event of a closed shard or the subscription's lifetime ErrSubscriptionEnded.
func (sub *Subscription) Next(ctx context.Context) (*SubscribeEvent, error) {
	s := sub.svc
	heartbeat := time.NewTimer(s.cfg.Heartbeat)
	defer heartbeat.Stop()
	for {
		if sub.done {
			return nil, ErrSubscriptionEnded
		}
		select {
		case <-sub.taken:
			return nil, ErrTakenOver
		case <-s.draining:
			return nil, ErrSubscriptionEnded
		case <-sub.ls.gone: // the stream moved: its client subscribes again, at its owner
			return nil, ErrSubscriptionEnded
		default:
		}
		now := s.now()
		if !now.Before(sub.ends) {
			return nil, ErrSubscriptionEnded
		}
		// Watch before reading, so an append between the read and the
		// wait still wakes us.
		changed, meta := sub.ls.log.Watch(), sub.ls.watchMeta()
		ev, err := sub.read(now)
		if err != nil {
			return nil, err
		}
		if ev != nil {
			return ev, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-sub.taken:
			return nil, ErrTakenOver
		case <-s.draining:
			return nil, ErrSubscriptionEnded
		case <-sub.ls.gone:
			return nil, ErrSubscriptionEnded
		case <-changed:
		case <-meta:
		case <-heartbeat.C:
			return sub.event(s.now(), nil, nil), nil
		case <-time.After(time.Until(sub.ends)):
		}
	}
}

// read returns the next event if there is something to send now.
func (sub *Subscription) read(now time.Time) (*SubscribeEvent, error) {
	s := sub.svc
	st := sub.ls.snapshot()
	sh := st.Shard(sub.shard)
	if sh == nil {
		return nil, errShardMissing(ShardID(sub.shard), st.Name, st.Account)
	}
	if s.cfg.Limits {
		if w := sub.bucket.Wait(now, 1); w > 0 {
			return nil, nil // the consumer is ahead of its 2 MiB/s; the heartbeat or next append retries
		}
	}
	recs, next, err := sub.ls.log.Read(sub.shard, sub.counter, MaxGetRecords, subscribeMaxBytes, s.cutoff(st))
	read := len(recs) // before openRecords skips any that do not open
	var sealed []bool
	if err == nil {
		// The subscription's own context is its connection's; a KMS call
		// is bounded by the master keys' client.
		recs, sealed, err = s.openRecords(context.Background(), sub.ls, st, recs)
	}
	if err != nil {
		return nil, err
	}
	if read > 0 {
		sub.counter = next
	}
	if len(recs) > 0 {
		sub.lastArr = recs[len(recs)-1].ArrivalMillis
		bytes := 0
		for i := range recs {
			bytes += len(recs[i].Data) + len(recs[i].PartitionKey)
		}
		if s.cfg.Limits {
			sub.bucket.Take(now, float64(bytes))
		}
		sub.ls.metrics.Add(now, metrics.SubscribeRecords, int64(len(recs)))
		sub.ls.metrics.Add(now, metrics.SubscribeBytes, int64(bytes))
		sub.state.countPush(len(recs), bytes)
		ev := sub.event(now, recs, nil)
		ev.sealed = sealed
		return ev, nil
	}
	if !sh.Open() && sub.counter > sh.EndCounter {
		sub.done = true
		return sub.event(now, nil, st.children(sh.Index)), nil
	}
	if sub.first {
		return sub.event(now, nil, nil), nil
	}
	return nil, nil
}

func (sub *Subscription) event(now time.Time, recs []storage.StoredRecord, children []*Shard) *SubscribeEvent {
	sub.first = false
	st := sub.ls.snapshot()
	sh := st.Shard(sub.shard)
	ev := &SubscribeEvent{Stream: st, Shard: sh, Records: recs, ChildShards: children}
	// The continuation is the last record sent (or the position before the
	// next one), so AFTER_SEQUENCE_NUMBER resumes exactly here.
	arrival := sub.lastArr
	if arrival == 0 {
		arrival = sh.Created * 1000
	}
	ev.ContinuationSeq = SeqNum{ShardCreated: sh.Created, ShardIndex: sh.Index, Counter: sub.counter - 1, Arrival: arrival / 1000}.String()
	if children != nil {
		ev.ContinuationSeq = sh.EndingSeq().String()
	}
	if _, tip := sub.ls.log.Bounds(sub.shard, 0); sub.counter < tip && len(recs) > 0 {
		ev.MillisBehindLatest = max(0, now.UnixMilli()-recs[len(recs)-1].ArrivalMillis)
	}
	return ev
}

// Close ends the subscription and frees its consumer and shard.
func (sub *Subscription) Close() {
	s := sub.svc
	s.subs.mu.Lock()
	defer s.subs.mu.Unlock()
	if s.subs.active[sub.key] == sub {
		delete(s.subs.active, sub.key)
	}
}
