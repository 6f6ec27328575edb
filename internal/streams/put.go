package streams

import (
	"context"
	"strconv"
	"time"

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
// sequence number Sluice could have issued; since every shard's sequence
// numbers already increase strictly, it needs no further effect.
func (s *Service) PutRecord(ctx context.Context, c Caller, ref StreamRef, e PutEntry, seqForOrdering string, dryRun bool) (*Stream, PutResult, error) {
	ls, name, err := s.writable(c, ref, "PutRecord")
	if err != nil {
		return nil, PutResult{}, err
	}
	st := ls.snapshot()
	if size := len(e.Data) + len(e.PartitionKey); int64(size) > st.MaxRecordKiB<<10 {
		return nil, PutResult{}, errRecordsTooLarge([]string{recordTooLargeItem("data", size, st.MaxRecordKiB<<10)})
	}
	if seqForOrdering != "" {
		seq, ok := ParseSeqNum(seqForOrdering)
		if !ok || time.Unix(seq.Arrival, 0).After(s.now()) {
			return nil, PutResult{}, errOrderingSeq(seqForOrdering, name, c.Account)
		}
	}
	results, err := s.put(ctx, ls, []PutEntry{e}, dryRun)
	if err != nil {
		return nil, PutResult{}, err
	}
	return st, results[0], nil
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
	results, err := s.put(ctx, ls, entries, dryRun)
	if err != nil {
		return nil, nil, err
	}
	return st, results, nil
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

// put routes the entries to shards and appends them as one group.
func (s *Service) put(ctx context.Context, ls *liveStream, entries []PutEntry, dryRun bool) ([]PutResult, error) {
	keys := make([]HashKey, len(entries))
	for i, e := range entries {
		if e.ExplicitHashKey != "" {
			h, ok := ParseHashKey(e.ExplicitHashKey)
			if !ok {
				return nil, errExplicitHashKey(e.ExplicitHashKey)
			}
			keys[i] = h
		} else {
			keys[i] = HashPartitionKey(e.PartitionKey)
		}
	}

	// Holding the read lock across the append keeps the shards' layout
	// fixed until the records are in the log (see the package doc).
	ls.mu.RLock()
	defer ls.mu.RUnlock()
	shards := make([]*Shard, len(entries))
	slot := make([]int, len(entries)) // index into batches
	pos := make([]int, len(entries))  // index within the batch
	var batches []storage.Batch
	batchOf := map[uint32]int{}
	for i, e := range entries {
		sh := ls.route(keys[i])
		if sh == nil {
			// The open shards always cover the whole hash space.
			return nil, errStreamNotFound(ls.meta.Name, ls.meta.Account)
		}
		shards[i] = sh
		b, ok := batchOf[sh.Index]
		if !ok {
			b = len(batches)
			batchOf[sh.Index] = b
			batches = append(batches, storage.Batch{Shard: sh.Index})
		}
		slot[i], pos[i] = b, len(batches[b].Records)
		batches[b].Records = append(batches[b].Records, storage.Record{PartitionKey: e.PartitionKey, Data: e.Data})
	}
	if dryRun {
		return nil, errDryRun()
	}
	res, err := ls.log.Append(ctx, batches)
	if err != nil {
		return nil, err
	}
	out := make([]PutResult, len(entries))
	for i, sh := range shards {
		r := res[slot[i]]
		out[i] = PutResult{
			ShardID: sh.ID(),
			SeqNum: SeqNum{
				ShardCreated: sh.Created,
				ShardIndex:   sh.Index,
				Counter:      r.FirstSeq + uint64(pos[i]),
				Arrival:      r.ArrivalMillis / 1000,
			}.String(),
		}
	}
	return out, nil
}
