package streams

import "sluice/internal/metrics"

// StreamMetrics returns a stream's figures for the last minutes minutes,
// one point per minute, oldest first (see package metrics). It is not an
// AWS operation (CloudWatch serves these there) and is not rate-limited.
func (s *Service) StreamMetrics(c Caller, ref StreamRef, minutes int) ([]metrics.Point, error) {
	ls, _, err := s.resolve(c, ref, "GetMetricData")
	if err != nil {
		return nil, err
	}
	return ls.metrics.Range(s.now(), minutes), nil
}

// Figures are a shard's (or, summed, a stream's) counts since the server
// started or the stream was created: they live in memory, so a restart
// starts them again from zero. Bytes are those of data and partition keys,
// as the throughput limits count them.
type Figures struct {
	IncomingRecords, IncomingBytes     int64 // accepted by PutRecord and PutRecords
	GetRecordsRecords, GetRecordsBytes int64 // returned by GetRecords
	SubscribeRecords, SubscribeBytes   int64 // sent by SubscribeToShard
	// WriteThrottledRecords are the records PutRecord and PutRecords
	// refused with ProvisionedThroughputExceededException, and
	// ReadThrottledCalls the GetRecords calls refused so (AWS's
	// WriteProvisionedThroughputExceeded and ReadProvisionedThroughputExceeded).
	WriteThrottledRecords, ReadThrottledCalls int64
	// IteratorAgeMillis is the MillisBehindLatest answered by the latest
	// GetRecords call on the shard; for a stream, the largest of its
	// shards'. 0 before the first call.
	IteratorAgeMillis int64
}

// add sums o into f; the iterator age takes the larger.
func (f *Figures) add(o Figures) {
	f.IncomingRecords += o.IncomingRecords
	f.IncomingBytes += o.IncomingBytes
	f.GetRecordsRecords += o.GetRecordsRecords
	f.GetRecordsBytes += o.GetRecordsBytes
	f.SubscribeRecords += o.SubscribeRecords
	f.SubscribeBytes += o.SubscribeBytes
	f.WriteThrottledRecords += o.WriteThrottledRecords
	f.ReadThrottledCalls += o.ReadThrottledCalls
	f.IteratorAgeMillis = max(f.IteratorAgeMillis, o.IteratorAgeMillis)
}

// ShardFigures are one shard's figures.
type ShardFigures struct {
	Shard *Shard
	Figures
}

// StreamStats is one stream's state and figures at one moment.
type StreamStats struct {
	// Stream is the stream's current snapshot (status, shards, consumers,
	// retention, enhanced monitoring); like every snapshot, it must not be
	// modified.
	Stream *Stream
	// Figures are the sums over every shard the stream has had.
	Figures
	// Shards are the figures of each shard of Stream.Shards, in that order.
	Shards []ShardFigures
}

// Stats returns every stream's figures, in no particular order, for
// /metrics. It reads counters the data path keeps anyway and takes no lock
// that the data path waits on for longer than a map look-up.
func (s *Service) Stats() []StreamStats {
	s.mu.RLock()
	lives := make([]*liveStream, 0, len(s.streams))
	for _, ls := range s.streams {
		if ls.remote {
			continue // its owner does this
		}
		lives = append(lives, ls)
	}
	s.mu.RUnlock()
	out := make([]StreamStats, 0, len(lives))
	for _, ls := range lives {
		out = append(out, ls.stats())
	}
	return out
}

func (ls *liveStream) stats() StreamStats {
	st := ls.snapshot()
	out := StreamStats{Stream: st, Shards: make([]ShardFigures, len(st.Shards))}
	ls.statesMu.Lock()
	defer ls.statesMu.Unlock()
	// The totals cover shards no longer in the snapshot too, so that they
	// never go down.
	for _, state := range ls.states {
		out.Figures.add(state.figures())
	}
	for i := range st.Shards {
		out.Shards[i].Shard = &st.Shards[i]
		if state := ls.states[st.Shards[i].Index]; state != nil {
			out.Shards[i].Figures = state.figures()
		}
	}
	return out
}

func (st *shardState) figures() Figures {
	return Figures{
		IncomingRecords:       st.recordsIn.Load(),
		IncomingBytes:         st.bytesIn.Load(),
		GetRecordsRecords:     st.gotRecords.Load(),
		GetRecordsBytes:       st.gotBytes.Load(),
		SubscribeRecords:      st.pushedRecords.Load(),
		SubscribeBytes:        st.pushedBytes.Load(),
		WriteThrottledRecords: st.writeThrottled.Load(),
		ReadThrottledCalls:    st.readThrottled.Load(),
		IteratorAgeMillis:     st.iteratorAgeMillis.Load(),
	}
}

// countRead records one GetRecords answer.
func (st *shardState) countRead(records, bytes int, millisBehind int64) {
	st.gotRecords.Add(int64(records))
	st.gotBytes.Add(int64(bytes))
	st.iteratorAgeMillis.Store(millisBehind)
}

// countPush records one SubscribeToShard event's records.
func (st *shardState) countPush(records, bytes int) {
	st.pushedRecords.Add(int64(records))
	st.pushedBytes.Add(int64(bytes))
}
