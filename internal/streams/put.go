package streams

import (
	"context"
	"strconv"
	"time"

	"sluice/internal/metrics"
	"sluice/internal/sse"
	"sluice/internal/storage"
)

// PutEntry is one record to write.
type PutEntry struct {
	PartitionKey string
	// ExplicitHashKey overrides the partition key's hash when not empty.
	ExplicitHashKey string
	Data            []byte
}

// PutResult is where one record landed.
type PutResult struct {
	ShardID string
	SeqNum  string
	// ErrCode and ErrMessage are set for a record PutRecords could not
	// write (throughput exceeded); the other records still succeed.
	ErrCode, ErrMessage string
}

// PutRecord writes one record. seqForOrdering, when given, must be a
// sequence number Sluice could have issued (validOrderingSeq); since every
// shard's sequence numbers already increase strictly, it needs no further
// effect.
func (s *Service) PutRecord(ctx context.Context, c Caller, ref StreamRef, e PutEntry, seqForOrdering string, dryRun bool) (*Stream, PutResult, error) {
	ls, name, err := s.writable(c, ref, "PutRecord")
	if err != nil {
		return nil, PutResult{}, err
	}
	st := ls.snapshot()
	if size := len(e.Data) + len(e.PartitionKey); int64(size) > st.MaxRecordKiB<<10 {
		return nil, PutResult{}, errRecordsTooLarge([]string{recordTooLargeItem("data", size, st.MaxRecordKiB<<10)})
	}
	if seqForOrdering != "" && !s.validOrderingSeq(ls, st, seqForOrdering) {
		return nil, PutResult{}, errOrderingSeq(seqForOrdering, name, c.Account)
	}
	results, used, err := s.put(ctx, ls, []PutEntry{e}, dryRun, true)
	if err != nil {
		return nil, PutResult{}, err
	}
	return used, results[0], nil
}

// validOrderingSeq reports whether v can be a SequenceNumberForOrdering: a
// sequence number that some shard could have issued by now. In the layout
// of seqnum.go that is a well-formed version-2 number
//
//   - whose shard creation time and record arrival time are not in the
//     future (to the second, the numbers' precision): "from the future"
//     means either, such as the all-f number (a shard created in the year
//     4147), which AWS refuses;
//   - whose arrival is not before its shard's creation;
//   - and which, when it names a shard of this stream (that shard's index
//     and creation time), that shard has already issued: a counter at or
//     above the shard's next would promise an order the log cannot give.
//
// A number from another stream, or from another shard of this one, is
// accepted: AWS accepts the all-zero number (kinesalite's recorded answer),
// and after a reshard a client's previous record may well sit in the parent
// of the shard its next one goes to.
func (s *Service) validOrderingSeq(ls *liveStream, st *Stream, v string) bool {
	seq, ok := ParseSeqNum(v)
	if !ok {
		return false
	}
	now := s.now().Unix()
	if seq.ShardCreated > now || seq.Arrival > now || seq.Arrival < seq.ShardCreated {
		return false
	}
	if sh := st.Shard(seq.ShardIndex); sh != nil && sh.Created == seq.ShardCreated {
		if _, next := ls.log.Bounds(sh.Index, 0); seq.Counter >= next {
			return false
		}
	}
	return true
}

// PutRecords writes up to 500 records in one durable group.
func (s *Service) PutRecords(ctx context.Context, c Caller, ref StreamRef, entries []PutEntry, dryRun bool) (*Stream, []PutResult, error) {
	ls, _, err := s.writable(c, ref, "PutRecords")
	if err != nil {
		return nil, nil, err
	}
	st := ls.snapshot()
	limit := st.MaxRecordKiB << 10
	var tooLarge []string
	total := 0
	for i, e := range entries {
		size := len(e.Data) + len(e.PartitionKey)
		total += size
		if int64(size) > limit && len(tooLarge) < 10 {
			tooLarge = append(tooLarge, recordTooLargeItem("records."+strconv.Itoa(i+1)+".member.data", size, limit))
		}
	}
	if len(tooLarge) > 0 {
		return nil, nil, errRecordsTooLarge(tooLarge)
	}
	if total > MaxPutRecordsBytes {
		return nil, nil, errPutRecordsTooLarge()
	}
	results, used, err := s.put(ctx, ls, entries, dryRun, false)
	if err != nil {
		return nil, nil, err
	}
	return used, results, nil
}

// writable resolves a stream that accepts records: ACTIVE or UPDATING, and
// DELETING until it is gone (as AWS allows).
func (s *Service) writable(c Caller, ref StreamRef, action string) (*liveStream, string, error) {
	ls, name, err := s.resolve(c, ref, action)
	if err != nil {
		return nil, name, err
	}
	if st := ls.snapshot(); st.Status == StatusCreating {
		return nil, name, errStreamNotFound(st.Name, st.Account)
	}
	return ls, name, nil
}

// put routes the entries to shards, applies the shards' write limits, and
// appends what was admitted as one group. single makes a throttled record
// fail the whole call (PutRecord) rather than just its own result
// (PutRecords). It returns the snapshot of the stream the records were
// written under (whose EncryptionType is theirs).
func (s *Service) put(ctx context.Context, ls *liveStream, entries []PutEntry, dryRun, single bool) ([]PutResult, *Stream, error) {
	keys := make([]HashKey, len(entries))
	for i, e := range entries {
		if e.PartitionKey == "" {
			// An empty partition key marks a sealed record (sse.go); the
			// API's validation never lets one through.
			return nil, nil, errEmptyPartitionKey()
		}
		if e.ExplicitHashKey != "" {
			h, ok := ParseHashKey(e.ExplicitHashKey)
			if !ok {
				return nil, nil, errExplicitHashKey(e.ExplicitHashKey)
			}
			keys[i] = h
		} else {
			keys[i] = HashPartitionKey(e.PartitionKey)
		}
	}

	// An encrypted stream's data key is got before the lock: making a new
	// one asks the master key, and must not hold up the control plane.
	var sealer *sse.Sealer
	var st *Stream
	for {
		enc := ls.snapshot()
		sealer = nil
		if enc.EncryptionType == EncryptionKMS && !dryRun {
			var err error
			if sealer, err = s.dataSealer(ctx, ls, enc); err != nil {
				return nil, nil, err
			}
		}
		// Holding the read lock across the append keeps the shards' layout
		// fixed until the records are in the log (see the package doc).
		ls.mu.RLock()
		st = ls.meta
		if st.EncryptionType == enc.EncryptionType && st.KeyID == enc.KeyID {
			break
		}
		ls.mu.RUnlock() // encryption changed meanwhile: again
	}
	defer ls.mu.RUnlock()
	now := s.now()
	auto := st.Distribution == DistributionAuto
	out := make([]PutResult, len(entries))
	shards := make([]*Shard, len(entries))
	slot := make([]int, len(entries)) // index into batches, -1 when throttled
	pos := make([]int, len(entries))  // index within the batch
	var batches []storage.Batch
	var batchBytes []int // plaintext bytes of each batch, for the metrics
	batchOf := map[uint32]int{}
	for i, e := range entries {
		var sh *Shard
		if auto && len(ls.routes) > 0 {
			sh = ls.routes[ls.next.Add(1)%uint64(len(ls.routes))]
		} else {
			sh = ls.route(keys[i])
		}
		if sh == nil {
			// The open shards always cover the whole hash space.
			return nil, nil, errStreamNotFound(st.Name, st.Account)
		}
		shards[i] = sh
		if s.cfg.Limits && !dryRun && !ls.state(st, sh.Index, now).admitWrite(now, len(e.Data)+len(e.PartitionKey)) {
			ls.metrics.Add(now, metrics.WriteThrottled, 1)
			err := errThroughput(sh.ID(), st)
			if single {
				return nil, nil, err
			}
			out[i], slot[i] = PutResult{ErrCode: "ProvisionedThroughputExceededException", ErrMessage: err.Msg}, -1
			continue
		}
		b, ok := batchOf[sh.Index]
		if !ok {
			b = len(batches)
			batchOf[sh.Index] = b
			batches = append(batches, storage.Batch{Shard: sh.Index})
			batchBytes = append(batchBytes, 0)
		}
		slot[i], pos[i] = b, len(batches[b].Records)
		batches[b].Records = append(batches[b].Records, storage.Record{PartitionKey: e.PartitionKey, Data: e.Data})
		batchBytes[b] += len(e.Data) + len(e.PartitionKey)
	}
	if dryRun {
		return nil, nil, errDryRun()
	}
	if len(batches) == 0 {
		return out, st, nil
	}
	if sealer != nil {
		sealBatches(sealer, batches)
	}
	end := ls.appends.begin(s.cfg.Now)
	res, err := ls.log.Append(ctx, batches)
	if err != nil && ctx.Err() != nil {
		// A cancelled append may still be written after Append returns:
		// it stays in flight a while longer, for internal consumers.
		time.AfterFunc(time.Second, end)
	} else {
		end()
	}
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, len(batches)) // one string per shard, not per record
	for i, sh := range shards {
		if slot[i] < 0 {
			continue
		}
		r := res[slot[i]]
		if ids[slot[i]] == "" {
			ids[slot[i]] = sh.ID()
		}
		out[i] = PutResult{
			ShardID: ids[slot[i]],
			SeqNum: SeqNum{
				ShardCreated: sh.Created,
				ShardIndex:   sh.Index,
				Counter:      r.FirstSeq + uint64(pos[i]),
				Arrival:      r.ArrivalMillis / 1000,
			}.String(),
		}
	}
	var records, bytes int64
	for i, b := range batches {
		state := ls.state(st, b.Shard, now)
		n := batchBytes[i]
		state.bytesIn.Add(int64(n))
		state.recordsIn.Add(int64(len(b.Records)))
		records, bytes = records+int64(len(b.Records)), bytes+int64(n)
	}
	ls.metrics.Add(now, metrics.IncomingRecords, records)
	ls.metrics.Add(now, metrics.IncomingBytes, bytes)
	return out, st, nil
}
