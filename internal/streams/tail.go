package streams

import (
	"context"
	"sync"
	"time"

	"sluice/internal/metrics"
	"sluice/internal/storage"
)

// Sluice's own services read streams as AWS's services do (Data Analytics
// reads an application's input this way): by shard and counter, without
// shard iterators and without the API's per-shard call rates, which limit
// API clients (AWS's services read through their own capacity), and woken
// by WatchStream when records arrive instead of polling. The stream is
// named by its ID as well, so that a stream deleted and created again under
// the same name is never read in its predecessor's place. The reads count
// in the stream's GetRecords figures, as AWS's own readers do in
// CloudWatch's.

// ShardRead is one read of a shard by an internal consumer.
type ShardRead struct {
	// Stream and Shard are the snapshot the read was made under.
	Stream *Stream
	Shard  *Shard
	// Records are the records read, in counter order; they stay valid
	// (nothing reuses their memory).
	Records []storage.StoredRecord
	// Next is the counter to read from next: after the last record read,
	// or past the trim horizon when from was before it.
	Next uint64
	// End is set when the shard is closed and Next is past its last
	// record: it will never hold more.
	End bool
}

// internal resolves the stream an internal consumer reads: it must still
// be the stream with the ID the consumer started on.
func (s *Service) internal(c Caller, ref StreamRef, id string) (*liveStream, *Stream, error) {
	name := ref.Name
	if ref.ARN != "" {
		region, account, arnName, ok := parseStreamARN(ref.ARN)
		if !ok || account != c.Account || region != c.Region {
			return nil, nil, errStreamNotFound(ref.ARN, c.Account)
		}
		name = arnName
	}
	ls := s.lookup(c, name)
	if ls == nil {
		return nil, nil, errStreamNotFound(name, c.Account)
	}
	if ls.remote {
		return nil, nil, errElsewhere(ls.snapshot().ID, name)
	}
	st := ls.snapshot()
	if id != "" && st.ID != id {
		return nil, nil, errStreamNotFound(name, c.Account)
	}
	return ls, st, nil
}

// ReadShard reads up to maxRecords records (and about maxBytes of them,
// at least one) of a shard from counter from; a counter before the trim
// horizon reads from the oldest record the stream keeps. id is the
// stream's ID ("" takes the stream of that name, whichever it is).
func (s *Service) ReadShard(c Caller, ref StreamRef, id string, shard uint32, from uint64, maxRecords, maxBytes int) (ShardRead, error) {
	ls, st, err := s.internal(c, ref, id)
	if err != nil {
		return ShardRead{}, err
	}
	sh := st.Shard(shard)
	if sh == nil || st.Status == StatusCreating {
		return ShardRead{}, errShardMissing(ShardID(shard), st.Name, c.Account)
	}
	if maxRecords <= 0 || maxRecords > MaxGetRecords {
		maxRecords = MaxGetRecords
	}
	recs, next, err := ls.log.Read(shard, from, maxRecords, maxBytes, s.cutoff(st))
	if err == nil {
		recs, _, err = s.openRecords(context.Background(), ls, st, recs)
	}
	if err != nil {
		return ShardRead{}, err
	}
	out := ShardRead{Stream: st, Shard: sh, Records: recs, Next: next}
	if len(recs) > 0 {
		now := s.now()
		bytes := 0
		for i := range recs {
			bytes += len(recs[i].Data) + len(recs[i].PartitionKey)
		}
		behind := int64(0)
		if _, tip := ls.log.Bounds(shard, 0); next < tip {
			behind = max(0, now.UnixMilli()-recs[len(recs)-1].ArrivalMillis)
		}
		ls.metrics.Add(now, metrics.GetRecordsRecords, int64(len(recs)))
		ls.metrics.Add(now, metrics.GetRecordsBytes, int64(bytes))
		ls.state(st, shard, now).countRead(len(recs), bytes, behind)
	}
	out.End = !sh.Open() && next > sh.EndCounter
	return out, nil
}

// ShardBounds returns the counter of the oldest record a shard keeps
// (TRIM_HORIZON) and of the next record it will take (LATEST).
func (s *Service) ShardBounds(c Caller, ref StreamRef, id string, shard uint32) (first, next uint64, err error) {
	ls, st, err := s.internal(c, ref, id)
	if err != nil {
		return 0, 0, err
	}
	if st.Shard(shard) == nil {
		return 0, 0, errShardMissing(ShardID(shard), st.Name, c.Account)
	}
	first, next = ls.log.Bounds(shard, s.cutoff(st))
	return first, next, nil
}

// StreamWatch is what WatchStream returns.
type StreamWatch struct {
	// Records is closed at the next durable append to any shard of the
	// stream; Changes at the next change of its snapshot (shards split or
	// merged, the stream deleted). Wait on both.
	Records, Changes <-chan struct{}
	// LastArrival is the arrival time (Unix ms) of the newest durable
	// record of the stream when the channels were taken, 0 if none.
	LastArrival int64
	// Horizon is a time (Unix ms) every record that arrived at or before
	// it was readable when WatchStream returned: one millisecond before
	// the start of the oldest append then in flight, or before the clock
	// when none was. A reader that reads the shards after WatchStream and
	// takes their records up to Horizon, in arrival order, takes the
	// stream's records in an order no later record can change.
	Horizon int64
}

// appendTracker knows the appends in flight: an append's records get an
// arrival time no earlier than the time it began (the log stamps them as it
// writes them, later), and become readable before it ends.
type appendTracker struct {
	mu     sync.Mutex
	next   uint64
	starts map[uint64]int64 // Unix ms, by append
}

// begin notes an append beginning now and returns what ends it. The clock
// is read under the lock, so that a horizon taken before sees the append
// and one taken after is no later than its start.
func (t *appendTracker) begin(now func() time.Time) (end func()) {
	t.mu.Lock()
	id := t.next
	t.next++
	if t.starts == nil {
		t.starts = map[uint64]int64{}
	}
	t.starts[id] = now().UnixMilli()
	t.mu.Unlock()
	return func() {
		t.mu.Lock()
		delete(t.starts, id)
		t.mu.Unlock()
	}
}

// horizon is the latest arrival time up to which every record is readable.
func (t *appendTracker) horizon(now func() time.Time) int64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	h := now().UnixMilli() - 1
	for _, start := range t.starts {
		h = min(h, start-1)
	}
	return h
}

// WatchStream returns channels to wait on for new records or shard
// changes. To wait without missing any, call it before the reads that
// found nothing new.
func (s *Service) WatchStream(c Caller, ref StreamRef, id string) (StreamWatch, error) {
	ls, _, err := s.internal(c, ref, id)
	if err != nil {
		return StreamWatch{}, err
	}
	// The horizon is taken before the channels and the reads that follow:
	// the appends it waits for end by publishing their records, and every
	// later one stamps its records after it.
	h := ls.appends.horizon(s.cfg.Now)
	w := StreamWatch{Records: ls.log.Watch(), Changes: ls.watchMeta(), Horizon: h}
	st := ls.snapshot()
	for i := range st.Shards {
		w.LastArrival = max(w.LastArrival, ls.log.LastArrival(st.Shards[i].Index))
	}
	return w, nil
}
