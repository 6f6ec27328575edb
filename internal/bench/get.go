package bench

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// get: preload -preload records with PutRecords (its own phase), then
// -concurrency readers GetRecords (-limit) from TRIM_HORIZON, following
// NextShardIterator, each reader taking its turn over its shards (every
// shard has a reader; with more readers than shards, several read one
// shard). A reader that reaches a shard's end (an empty answer, or a short
// one with MillisBehindLatest 0) starts it again from TRIM_HORIZON: the
// readers never run out of records, however long the run. Latency is per
// GetRecords call, without the GetShardIterator before it.
func (r *run) get(ctx context.Context, res *Result) error {
	ss, err := r.createStreams(ctx, r.names(1))
	if err != nil {
		return err
	}
	s := ss[0]
	n := r.cfg.Preload
	if n == 0 {
		n = max(min(10000*len(s.shards), (256<<20)/r.cfg.RecordSize), 1)
	}
	r.logf("preloading %d records", n)
	res.add(r.preload(ctx, s, n), false)
	if ctx.Err() != nil {
		return nil
	}
	r.announce("GetRecords")
	readers := r.cfg.Concurrency
	res.add(r.loop(ctx, "get", r.window(), readers, func(w *worker) op {
		var cur []*cursor
		for i, sh := range s.shards {
			if i%readers == w.id || (readers > len(s.shards) && w.id%len(s.shards) == i) {
				cur = append(cur, &cursor{shard: sh.ShardId})
			}
		}
		next := 0
		return func(ctx context.Context, w *worker) (int, int, error) {
			c := cur[next%len(cur)]
			next++
			return r.read(ctx, w, s, c)
		}
	}), true)
	return nil
}

// cursor is a reader's place in a shard.
type cursor struct {
	shard *string
	iter  *string
}

// read makes one GetRecords call on c's shard (getting a TRIM_HORIZON
// iterator first if c has none), counting from the GetRecords call.
func (r *run) read(ctx context.Context, w *worker, s *stream, c *cursor) (int, int, error) {
	if c.iter == nil {
		out, err := r.client.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(s.name), ShardId: c.shard,
			ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			return 0, 0, err
		}
		c.iter = out.ShardIterator
		w.from = time.Now()
	}
	out, err := r.client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: c.iter, Limit: aws.Int32(int32(r.cfg.Limit))})
	if err != nil {
		if !throttling(errorCode(err)) {
			c.iter = nil // expired, or gone: start again
		}
		return 0, 0, err
	}
	bytes := 0
	for _, rec := range out.Records {
		bytes += len(rec.Data)
	}
	c.iter = out.NextShardIterator
	if n := len(out.Records); n == 0 || (n < r.cfg.Limit && out.MillisBehindLatest != nil && *out.MillisBehindLatest == 0) {
		c.iter = nil // at the end: wrap
	}
	return len(out.Records), bytes, nil
}

// preload writes n records with random partition keys in PutRecords
// batches on -concurrency goroutines, retrying failed records, as fast as
// it can (-rate is for the reads).
func (r *run) preload(ctx context.Context, s *stream, n int) Phase {
	batches := (n + r.cfg.Batch - 1) / r.cfg.Batch
	return r.each(ctx, "preload", 0, r.cfg.Concurrency, batches, func(ctx context.Context, w *worker, i int) {
		data := w.payload(r.cfg.RecordSize)
		entries := make([]types.PutRecordsRequestEntry, min(r.cfg.Batch, n-i*r.cfg.Batch))
		for j := range entries {
			entries[j] = types.PutRecordsRequestEntry{Data: data, PartitionKey: w.key()}
		}
		r.putAll(ctx, w, s, entries)
	})
}

// writtenBytes returns the data bytes of the n entries a PutRecords call
// wrote: those its answer has no ErrorCode for, or, for an answer without
// an entry per record, n records of the mean size.
func writtenBytes(entries []types.PutRecordsRequestEntry, out *kinesis.PutRecordsOutput, n int) int {
	bytes := 0
	for j, e := range entries {
		if len(out.Records) != len(entries) || out.Records[j].ErrorCode == nil {
			bytes += len(e.Data)
		}
	}
	if len(out.Records) != len(entries) {
		bytes = bytes * n / max(len(entries), 1)
	}
	return bytes
}

// putAll writes entries with PutRecords, sending failed records again (up
// to 20 times, pausing 50 ms doubling to 1 s) and returns how many were
// written. A call that failed as a whole (a timeout, say) is sent again
// too, so it may have written its records twice.
func (r *run) putAll(ctx context.Context, w *worker, s *stream, entries []types.PutRecordsRequestEntry) int64 {
	var written int64
	wait := 50 * time.Millisecond
	for try := 0; len(entries) > 0 && try < 20; try++ {
		var out *kinesis.PutRecordsOutput
		ok := r.do(ctx, w, func(ctx context.Context, w *worker) (int, int, error) {
			var err error
			out, err = r.client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(s.name), Records: entries})
			if err != nil {
				return 0, 0, err
			}
			n := countFailed(w, len(entries), out)
			return n, writtenBytes(entries, out, n), nil
		})
		if ctx.Err() != nil {
			break
		}
		if ok {
			var again []types.PutRecordsRequestEntry
			if len(out.Records) == len(entries) {
				for j, e := range out.Records {
					if e.ErrorCode != nil {
						again = append(again, entries[j])
					}
				}
			}
			written += int64(len(entries) - len(again))
			entries = again
			if len(entries) == 0 {
				break
			}
		}
		if sleep(ctx, wait) != nil {
			break
		}
		wait = min(2*wait, time.Second)
	}
	return written
}
