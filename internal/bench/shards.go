package bench

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// manyShards (the shards workload): create -streams streams of -shards
// shards (phase create: its time is from the first CreateStream to the last
// stream ACTIVE with its shards listed), write -records-per-shard records
// to every shard with PutRecords batches aimed by ExplicitHashKey at the
// shard's starting hash key (phase write), then read every shard back from
// TRIM_HORIZON (phase read) and check that each holds exactly what was
// written. Failed records are sent again; a call that failed as a whole
// is sent again too, which can duplicate records and show as a mismatch.
// The work is fixed: -duration and -warmup do not apply.
func (r *run) manyShards(ctx context.Context, res *Result) error {
	names := r.names(r.cfg.Streams)
	r.logf("creating %d stream(s) x %d shard(s)", len(names), r.cfg.Shards)
	start := time.Now()
	ss, err := r.createStreams(ctx, names)
	if err != nil {
		return err
	}
	create := Phase{Name: "create", Calls: int64(len(ss)), Errors: map[string]int64{}, RecordErrors: map[string]int64{}}
	create.finish(time.Since(start))
	res.add(create, false)
	check := &ShardCheck{CreateSeconds: create.Seconds}
	res.ShardCheck = check

	type target struct {
		s     *stream
		shard types.Shard
	}
	var targets []target
	for _, s := range ss {
		for _, sh := range s.shards {
			targets = append(targets, target{s, sh})
		}
	}
	check.TotalShards = len(targets)
	want := int64(r.cfg.RecordsPerShard)
	written := make([]int64, len(targets))
	r.logf("writing %d records to each of %d shards", want, len(targets))
	res.add(r.each(ctx, "write", r.cfg.Rate, r.cfg.Concurrency, len(targets), func(ctx context.Context, w *worker, i int) {
		t := targets[i]
		data := w.payload(r.cfg.RecordSize)
		for done := 0; done < r.cfg.RecordsPerShard && ctx.Err() == nil; {
			entries := make([]types.PutRecordsRequestEntry, min(r.cfg.Batch, r.cfg.RecordsPerShard-done))
			for j := range entries {
				entries[j] = types.PutRecordsRequestEntry{Data: data, PartitionKey: w.key(), ExplicitHashKey: t.shard.HashKeyRange.StartingHashKey}
			}
			written[i] += r.putAll(ctx, w, t.s, entries)
			done += len(entries)
		}
	}), true)

	read := make([]int64, len(targets))
	r.logf("reading every shard back")
	res.add(r.each(ctx, "read", r.cfg.Rate, r.cfg.Concurrency, len(targets), func(ctx context.Context, w *worker, i int) {
		read[i] = r.readShard(ctx, w, targets[i].s, targets[i].shard.ShardId, want)
	}), false)

	for i, t := range targets {
		check.Written += written[i]
		check.Read += read[i]
		if written[i] == want && read[i] == want {
			continue
		}
		check.Mismatched++
		if check.Mismatched <= 5 {
			res.note("shard %s of %s: %d records written of %d, %d read back", aws.ToString(t.shard.ShardId), t.s.name, written[i], want, read[i])
		}
	}
	check.Verified = check.Mismatched == 0 && ctx.Err() == nil
	return nil
}

// readShard reads a shard from TRIM_HORIZON until it has want records and
// the reader is at the tip (or answers stay empty, or the shard ends), and
// returns how many records it read. After a failure it waits (50 ms
// doubling to 1 s) and, unless throttled, resumes after the last record
// read; it gives up after 20 failures.
func (r *run) readShard(ctx context.Context, w *worker, s *stream, shard *string, want int64) int64 {
	in := &kinesis.GetShardIteratorInput{StreamName: aws.String(s.name), ShardId: shard, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
	var it *string
	var got int64
	wait := 50 * time.Millisecond
	for fails, empties := 0, 0; ctx.Err() == nil && fails < 20 && empties < 5; {
		var out *kinesis.GetRecordsOutput
		ok := r.do(ctx, w, func(ctx context.Context, w *worker) (int, int, error) {
			if it == nil {
				o, err := r.client.GetShardIterator(ctx, in)
				if err != nil {
					return 0, 0, err
				}
				it = o.ShardIterator
				w.from = time.Now()
			}
			o, err := r.client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(int32(r.cfg.Limit))})
			if err != nil {
				if !throttling(errorCode(err)) {
					it = nil
				}
				return 0, 0, err
			}
			out = o
			bytes := 0
			for _, rec := range o.Records {
				bytes += len(rec.Data)
			}
			return len(o.Records), bytes, nil
		})
		if !ok {
			fails++
			sleep(ctx, wait)
			wait = min(2*wait, time.Second)
			continue
		}
		n := len(out.Records)
		got += int64(n)
		if n > 0 {
			in.ShardIteratorType = types.ShardIteratorTypeAfterSequenceNumber
			in.StartingSequenceNumber = out.Records[n-1].SequenceNumber
			empties = 0
		} else {
			empties++
		}
		atTip := out.MillisBehindLatest != nil && *out.MillisBehindLatest == 0
		if it = out.NextShardIterator; it == nil || (got >= want && (n == 0 || atTip)) {
			break
		}
	}
	return got
}
