package streams

import (
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/ratelimit"
)

// Per-shard throughput limits (AWS's), enforced with token buckets when
// Config.Limits is on.
const (
	ShardWriteBytesPerSec   = 1 << 20
	ShardWriteRecordsPerSec = 1000
	ShardReadBytesPerSec    = 2 << 20
	ShardReadCallsPerSec    = 5
	ConsumerBytesPerSec     = 2 << 20
	IteratorCallsPerSec     = 5
)

// shardState is a shard's live, unpersisted state: its rate limiters and
// the counters the on-demand scaler and metrics read.
type shardState struct {
	mu           sync.Mutex
	writeBytes   *ratelimit.Bucket
	writeRecords *ratelimit.Bucket
	readBytes    *ratelimit.Bucket
	readCalls    *ratelimit.Bucket
	iterators    *ratelimit.Bucket // GetShardIterator calls, made on first use

	bytesIn, recordsIn atomic.Int64
	// The rest of the shard's figures since start, for Service.Stats: one
	// atomic add per call, so that counting costs the data path nothing.
	gotRecords, gotBytes          atomic.Int64 // returned by GetRecords
	pushedRecords, pushedBytes    atomic.Int64 // sent by SubscribeToShard
	writeThrottled, readThrottled atomic.Int64 // records and GetRecords calls refused
	iteratorAgeMillis             atomic.Int64 // the latest GetRecords call's MillisBehindLatest
	// Scaler bookkeeping (under Service.scaleMu).
	lastBytes, lastRecords int64
	hotSince, coldSince    time.Time
}

// state returns the live state of a shard, creating it on first use; st is
// the caller's snapshot of the stream (for its record size limit).
func (ls *liveStream) state(st *Stream, index uint32, now time.Time) *shardState {
	ls.statesMu.Lock()
	defer ls.statesMu.Unlock()
	if ls.states == nil {
		ls.states = map[uint32]*shardState{}
	}
	state := ls.states[index]
	if state == nil {
		burst := float64(max(ShardWriteBytesPerSec, st.MaxRecordKiB<<10))
		state = &shardState{
			writeBytes:   ratelimit.New(ShardWriteBytesPerSec, burst, now),
			writeRecords: ratelimit.New(ShardWriteRecordsPerSec, ShardWriteRecordsPerSec, now),
			readBytes:    ratelimit.New(ShardReadBytesPerSec, ShardReadBytesPerSec, now),
			readCalls:    ratelimit.New(ShardReadCallsPerSec, ShardReadCallsPerSec, now),
		}
		ls.states[index] = state
	}
	return state
}

// admitWrite takes one record of size bytes from a shard's write buckets,
// or none when either is short.
func (st *shardState) admitWrite(now time.Time, size int) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	// The burst was sized when the shard was first used: grow it to a record
	// that a since-raised MaxRecordSizeInKiB allows, or it never fits.
	st.writeBytes.Burst = max(st.writeBytes.Burst, float64(size))
	if st.writeRecords.Tokens(now) < 1 || st.writeBytes.Tokens(now) < float64(size) {
		st.writeThrottled.Add(1)
		return false
	}
	st.writeRecords.Take(now, 1)
	st.writeBytes.Take(now, float64(size))
	return true
}

// admitRead takes one GetRecords call; the bytes are charged afterwards.
func (st *shardState) admitRead(now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.readCalls.Tokens(now) < 1 || st.readBytes.Tokens(now) <= 0 {
		st.readThrottled.Add(1)
		return false
	}
	st.readCalls.Take(now, 1)
	return true
}

func (st *shardState) chargeRead(now time.Time, bytes int) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.readBytes.Take(now, float64(bytes))
}

func errThroughput(shardID string, st *Stream) *Error {
	return newErr(KindThroughputExceeded, "Rate exceeded for shard %s in stream %s under account %s.", shardID, st.Name, st.Account)
}
