package fragments

import (
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"sluice/internal/video/mkv"
)

// PersistBuckets are the upper bounds, in seconds, of the PERSISTED
// latency histogram: from a fragment's first bytes to its PERSISTED ACK.
var PersistBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// Stats are the data plane's figures since start, for metrics.
type Stats struct {
	FragmentsPersisted int64 // fragments stored durably by PutMedia
	BytesIn            int64 // PutMedia body bytes read
	SessionsOpen       int64 // PutMedia sessions in progress
	Readers            int64 // GetMedia sessions in progress
	// AckErrors counts the ERROR ACKs sent, by ErrorId.
	AckErrors map[mkv.ErrorID]int64
	// FragmentsServed and BytesServed count the fragments and their
	// Cluster bytes sent, by API (GetMedia, GetMediaForFragmentList).
	FragmentsServed map[string]int64
	BytesServed     map[string]int64
	// Playback counts playback requests, by kind (CountPlayback).
	Playback map[string]int64
	// Throttled counts calls refused by their per-stream rate, by API.
	Throttled map[string]int64
	// PersistLatency is the PERSISTED latency histogram: cumulative
	// counts per PersistBuckets bound, the count and the sum in seconds.
	PersistCounts []uint64
	PersistCount  uint64
	PersistSum    float64
}

// stats are the counters behind Stats: atomics on the ingest path, a
// mutex for the keyed ones.
type stats struct {
	persisted, bytesIn, sessions, readers atomic.Int64

	mu        sync.Mutex
	ackErrors map[mkv.ErrorID]int64
	served    map[string]int64
	bytesOut  map[string]int64
	playback  map[string]int64
	throttle  map[string]int64
	latency   []uint64 // per bucket, not cumulative; the last is +Inf
	latCount  uint64
	latSum    float64
}

func (st *stats) bump(m *map[string]int64, key string, n int64) {
	st.mu.Lock()
	if *m == nil {
		*m = map[string]int64{}
	}
	(*m)[key] += n
	st.mu.Unlock()
}

func (st *stats) ackError(id mkv.ErrorID) {
	st.mu.Lock()
	if st.ackErrors == nil {
		st.ackErrors = map[mkv.ErrorID]int64{}
	}
	st.ackErrors[id]++
	st.mu.Unlock()
}

func (st *stats) throttled(api string) { st.bump(&st.throttle, api, 1) }

func (st *stats) persistedIn(d time.Duration) {
	sec := d.Seconds()
	i := 0
	for i < len(PersistBuckets) && sec > PersistBuckets[i] {
		i++
	}
	st.mu.Lock()
	if st.latency == nil {
		st.latency = make([]uint64, len(PersistBuckets)+1)
	}
	st.latency[i]++
	st.latCount++
	st.latSum += sec
	st.mu.Unlock()
}

// Stats returns the data plane's figures since start.
func (s *Store) Stats() Stats {
	st := &s.stats
	out := Stats{
		FragmentsPersisted: st.persisted.Load(), BytesIn: st.bytesIn.Load(),
		SessionsOpen: st.sessions.Load(), Readers: st.readers.Load(),
		PersistCounts: make([]uint64, len(PersistBuckets)),
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	out.AckErrors = maps.Clone(st.ackErrors)
	out.FragmentsServed, out.BytesServed = maps.Clone(st.served), maps.Clone(st.bytesOut)
	out.Playback, out.Throttled = maps.Clone(st.playback), maps.Clone(st.throttle)
	var cum uint64
	for i := range PersistBuckets {
		if st.latency != nil {
			cum += st.latency[i]
		}
		out.PersistCounts[i] = cum
	}
	out.PersistCount, out.PersistSum = st.latCount, st.latSum
	return out
}

// Served counts a fragment of size Cluster bytes sent by api.
func (s *Stream) Served(api string, size int) {
	st := &s.store.stats
	st.mu.Lock()
	if st.served == nil {
		st.served, st.bytesOut = map[string]int64{}, map[string]int64{}
	}
	st.served[api]++
	st.bytesOut[api] += int64(size)
	st.mu.Unlock()
}

// CountPlayback counts a playback request of kind (an HLS or DASH
// resource, a session URL, a clip, images).
func (s *Store) CountPlayback(kind string) { s.stats.bump(&s.stats.playback, kind, 1) }
