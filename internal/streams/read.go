package streams

import (
	"context"
	"sync"
	"time"

	"sluice/internal/metrics"
	"sluice/internal/ratelimit"
	"sluice/internal/storage"
)

// Shard iterator types.
const (
	AtSequenceNumber    = "AT_SEQUENCE_NUMBER"
	AfterSequenceNumber = "AFTER_SEQUENCE_NUMBER"
	TrimHorizon         = "TRIM_HORIZON"
	Latest              = "LATEST"
	AtTimestamp         = "AT_TIMESTAMP"
)

// IteratorParams are GetShardIterator's inputs.
type IteratorParams struct {
	ShardID        string
	Type           string
	StartingSeqNum string     // "" when absent
	Timestamp      *time.Time // nil when absent
	DryRun         bool
}

// cutoff is the arrival time (epoch ms) before which a stream's records
// have expired.
func (s *Service) cutoff(st *Stream) int64 {
	return s.now().Add(-time.Duration(st.RetentionHours) * time.Hour).UnixMilli()
}

// refName is the stream name a request gives, for messages written before
// the stream is looked up.
func refName(ref StreamRef) string {
	if ref.Name == "" {
		_, _, name, _ := parseStreamARN(ref.ARN)
		return name
	}
	return ref.Name
}

// GetShardIterator returns an iterator at the requested position.
func (s *Service) GetShardIterator(_ context.Context, c Caller, ref StreamRef, p IteratorParams) (string, error) {
	index, ok := ParseShardID(p.ShardID)
	if !ok {
		return "", errShardNotFound(p.ShardID, refName(ref), c.Account)
	}
	shardID := ShardID(index)
	ls, name, err := s.resolve(c, ref, "GetShardIterator")
	if err != nil {
		if KindOf(err) == KindNotFound {
			return "", errShardMissing(shardID, name, c.Account)
		}
		return "", err
	}
	st := ls.snapshot()
	sh := st.Shard(index)
	if sh == nil || st.Status == StatusCreating {
		return "", errShardMissing(shardID, st.Name, c.Account)
	}

	if s.cfg.Limits {
		now := s.now()
		state := ls.state(st, index, now)
		state.mu.Lock()
		if state.iterators == nil {
			state.iterators = ratelimit.New(IteratorCallsPerSec, IteratorCallsPerSec, now)
		}
		ok := state.iterators.Allow(now, 1)
		state.mu.Unlock()
		if !ok {
			return "", errThroughput(shardID, st)
		}
	}
	counter, err := s.position(ls, st, sh, p)
	if err != nil {
		return "", err
	}
	if p.DryRun {
		return "", errDryRun()
	}
	return s.encodeIterator(iterator{
		Created:  s.now(),
		StreamID: st.ID,
		Account:  st.Account,
		Region:   st.Region,
		Name:     st.Name,
		Shard:    index,
		Counter:  counter,
	}), nil
}

// position finds the counter an iterator (or subscription) of the given
// type starts at.
func (s *Service) position(ls *liveStream, st *Stream, sh *Shard, p IteratorParams) (uint64, error) {
	index, shardID := sh.Index, sh.ID()
	var err error
	cutoff := s.cutoff(st)
	var counter uint64
	switch p.Type {
	case AtSequenceNumber, AfterSequenceNumber:
		if p.StartingSeqNum == "" {
			return 0, errIteratorTypeWithoutSeq(p.Type)
		}
		seq, ok := ParseSeqNum(p.StartingSeqNum)
		if !ok {
			return 0, errBadStartingSeq(p.StartingSeqNum, shardID, st.Name, st.Account)
		}
		if seq.ShardIndex != index {
			return 0, errSeqOtherShard(ShardID(seq.ShardIndex), shardID)
		}
		if seq.ShardCreated != sh.Created {
			return 0, errSeqOtherStream(p.StartingSeqNum, shardID, st.Name, st.Account)
		}
		counter = seq.Counter
		if p.Type == AfterSequenceNumber && counter < MaxCounter {
			counter++
		}
	case TrimHorizon, Latest:
		if p.StartingSeqNum != "" {
			return 0, errIteratorTypeWithSeq(p.Type)
		}
		first, next := ls.log.Bounds(index, cutoff)
		counter = first
		if p.Type == Latest {
			counter = next
		}
	case AtTimestamp:
		if p.Timestamp == nil {
			return 0, errNoTimestamp()
		}
		ts, now := p.Timestamp.UnixMilli(), s.now().UnixMilli()
		if ts > now {
			return 0, errFutureTimestamp(ts, now)
		}
		counter, err = ls.log.SeekTime(index, ts, cutoff)
		if err != nil {
			return 0, err
		}
	}
	return counter, nil
}

// RecordsPage is GetRecords' result.
type RecordsPage struct {
	Stream  *Stream
	Shard   *Shard
	Records []storage.StoredRecord
	// NextIterator is "" at the end of a closed shard, where ChildShards
	// says where to go on.
	NextIterator       string
	MillisBehindLatest int64
	ChildShards        []*Shard

	arena  *storage.Arena // holds Records' memory until Release
	sealed []bool         // which records were stored encrypted (nil: none)
	// plain holds the plaintext of the page's sealed records until
	// Release, which hands it back to pool.
	plain *[]byte
	pool  *sync.Pool
}

// Release hands the memory of the page's records back to the log for other
// reads. A caller that has written the page out calls it; one that keeps
// the records must not (they stay valid, and the garbage collector takes
// them when they are dropped).
func (p *RecordsPage) Release() {
	if p != nil && p.arena != nil {
		p.arena.Release()
		p.arena = nil
		p.Records = nil
	}
	if p != nil && p.plain != nil {
		if cap(*p.plain) <= maxPooledPlain {
			p.pool.Put(p.plain)
		}
		p.plain = nil
	}
}

// EncryptionType returns the EncryptionType record i of the page was
// written under: KMS if it is stored encrypted, else "".
func (p *RecordsPage) EncryptionType(i int) string { return encryptionType(p.sealed, i) }

func encryptionType(sealed []bool, i int) string {
	if i < len(sealed) && sealed[i] {
		return EncryptionKMS
	}
	return ""
}

// SeqNum returns the sequence number of a record read from the page's shard.
func (p *RecordsPage) SeqNum(r *storage.StoredRecord) string { return p.SeqNumFor(r).String() }

// SeqNumFor returns the parts of a record's sequence number.
func (p *RecordsPage) SeqNumFor(r *storage.StoredRecord) SeqNum {
	return SeqNum{ShardCreated: p.Shard.Created, ShardIndex: p.Shard.Index, Counter: r.Seq, Arrival: r.ArrivalMillis / 1000}
}

// GetRecords reads from the position of an iterator. streamARN, when the
// request gives one, must name the iterator's stream.
func (s *Service) GetRecords(ctx context.Context, c Caller, token, streamARN string, limit int, dryRun bool) (*RecordsPage, error) {
	it, ok := s.decodeIterator(token)
	if !ok || it.Region != c.Region || it.Account != c.Account && c.Auth == nil {
		return nil, errInvalidIterator()
	}
	if streamARN != "" && streamARN != StreamARN(it.Region, it.Account, it.Name) {
		return nil, errInvalidIterator()
	}
	now := s.now()
	if now.Sub(it.Created) > IteratorLifetime {
		return nil, errExpiredIterator(it.Created, now)
	}
	ls := s.lookup(Caller{Account: it.Account, Region: it.Region}, it.Name)
	if ls == nil {
		if it.Account != c.Account {
			return nil, s.crossAccountMissing(c, "GetRecords", StreamARN(it.Region, it.Account, it.Name), it.Account)
		}
		return nil, errShardMissing(ShardID(it.Shard), it.Name, c.Account)
	}
	if ls.remote {
		return nil, errElsewhere(ls.snapshot().ID, it.Name)
	}
	st := ls.snapshot()
	if err := s.authorize(c, "GetRecords", st.ARN(), st.Account, st.Policy); err != nil {
		return nil, err
	}
	sh := st.Shard(it.Shard)
	if st.ID != it.StreamID || sh == nil {
		return nil, errShardMissing(ShardID(it.Shard), it.Name, c.Account)
	}
	if limit <= 0 || limit > MaxGetRecords {
		limit = MaxGetRecords
	}
	if dryRun {
		return nil, errDryRun()
	}
	state := ls.state(st, it.Shard, now)
	if s.cfg.Limits && !state.admitRead(now) {
		ls.metrics.Add(now, metrics.ReadThrottled, 1)
		return nil, errThroughput(sh.ID(), st)
	}
	arena := new(storage.Arena)
	recs, next, err := ls.log.ReadArena(it.Shard, it.Counter, limit, MaxGetRecordsBytes, s.cutoff(st), arena)
	var plain *[]byte
	var sealed []bool
	if err == nil {
		plain, _ = s.plainBufs.Get().(*[]byte)
		if plain == nil {
			plain = new([]byte)
		}
		recs, sealed, *plain, err = s.openRecordsInto(ctx, ls, st, recs, *plain)
	}
	if err != nil {
		arena.Release()
		return nil, err
	}
	bytes := 0
	for i := range recs {
		bytes += len(recs[i].Data) + len(recs[i].PartitionKey)
	}
	if s.cfg.Limits {
		state.chargeRead(now, bytes)
	}
	page := &RecordsPage{Stream: st, Shard: sh, Records: recs, arena: arena, sealed: sealed}
	if cap(*plain) > 0 {
		page.plain, page.pool = plain, &s.plainBufs
	} else {
		s.plainBufs.Put(plain)
	}
	_, tip := ls.log.Bounds(it.Shard, 0)
	if next < tip && len(recs) > 0 {
		page.MillisBehindLatest = max(0, now.UnixMilli()-recs[len(recs)-1].ArrivalMillis)
	}
	ls.metrics.Add(now, metrics.GetRecordsRecords, int64(len(recs)))
	ls.metrics.Add(now, metrics.GetRecordsBytes, int64(bytes))
	ls.metrics.Max(now, metrics.IteratorAgeMillis, page.MillisBehindLatest)
	state.countRead(len(recs), bytes, page.MillisBehindLatest)
	if !sh.Open() && next > sh.EndCounter {
		page.ChildShards = st.children(sh.Index)
		return page, nil
	}
	it.Created, it.Counter = now, next
	page.NextIterator = s.encodeIterator(it)
	return page, nil
}

// children returns the shards that a closed shard was split or merged into.
func (st *Stream) children(index uint32) []*Shard {
	var out []*Shard
	for i := range st.Shards {
		sh := &st.Shards[i]
		if sh.Parent != nil && *sh.Parent == index || sh.AdjacentParent != nil && *sh.AdjacentParent == index {
			out = append(out, sh)
		}
	}
	return out
}
