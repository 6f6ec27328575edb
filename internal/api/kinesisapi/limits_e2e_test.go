package kinesisapi_test

// End-to-end tests of the throughput limits (--limits on): the per-shard
// write rates (1 MiB/s, 1,000 records/s, with a burst of the largest record
// the stream accepts), the per-shard read rates (2 MiB/s, 5 GetRecords/s,
// one large read allowed and paid back), GetShardIterator's 5 calls/s per
// shard, and the control plane's documented call rates. The buckets run on
// the server's clock, a fake one the tests move: nothing here depends on
// wall-clock timings.

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

const (
	throughputExceeded = "ProvisionedThroughputExceededException"
	shard0             = "shardId-000000000000"
	shard1             = "shardId-000000000001"
)

// startLimits starts a server on a fake clock with the limits on or off.
func startLimits(t *testing.T, on bool) (*testserver.Clock, *kinesis.Client) {
	t.Helper()
	clock := testserver.NewClock()
	opts := []testserver.Option{testserver.WithClock(clock.Now)}
	if on {
		opts = append(opts, testserver.WithConfig(func(c *config.Config) { c.Limits = config.LimitsOn }))
	}
	_, c := start(t, opts...)
	return clock, c
}

// createSizedStream creates a provisioned stream accepting records of up to
// maxKiB (0 for the default 1 MiB) and returns its shards.
func createSizedStream(t *testing.T, c *kinesis.Client, name string, shards, maxKiB int32) []types.Shard {
	t.Helper()
	in := &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}
	if maxKiB > 0 {
		in.MaxRecordSizeInKiB = aws.Int32(maxKiB)
	}
	if _, err := c.CreateStream(ctx, in); err != nil {
		t.Fatalf("CreateStream %s: %v", name, err)
	}
	return waitActive(t, c, name).Shards
}

// shardRateExceeded is the message of a throttled data-plane call.
func shardRateExceeded(shard, stream string) string {
	return fmt.Sprintf("Rate exceeded for shard %s in stream %s under account 000000000000.", shard, stream)
}

// record returns a record's data: tag, padded to size bytes together with
// partition key pk (the size the limits count).
func record(tag, pk string, size int) []byte {
	data := make([]byte, size-len(pk))
	copy(data, tag)
	return data
}

// hashKeyOf returns the starting hash key of a stream's shard, so that an
// ExplicitHashKey sends records to it.
func hashKeyOf(shards []types.Shard, id string) *string {
	for _, sh := range shards {
		if *sh.ShardId == id {
			return sh.HashKeyRange.StartingHashKey
		}
	}
	panic("no shard " + id)
}

// putTo writes one record of size bytes (data and partition key) to a shard.
func putTo(c *kinesis.Client, stream string, shards []types.Shard, shard string, size int) error {
	_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName: aws.String(stream), PartitionKey: aws.String("k"), ExplicitHashKey: hashKeyOf(shards, shard),
		Data: record("r", "k", size),
	})
	return err
}

// firstFailure turns a PutRecords answer into the error of its first failed
// record, if any.
func firstFailure(out *kinesis.PutRecordsOutput, err error) error {
	if err != nil {
		return err
	}
	for _, r := range out.Records {
		if r.ErrorCode != nil {
			return &smithy.GenericAPIError{Code: *r.ErrorCode, Message: aws.ToString(r.ErrorMessage)}
		}
	}
	return nil
}

func getRecords(c *kinesis.Client, it string) error {
	_, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
	return err
}

func shardIterator(c *kinesis.Client, stream, shard string) error {
	_, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName: aws.String(stream), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon,
	})
	return err
}

func enableMonitoring(c *kinesis.Client, stream string) error {
	_, err := c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{
		StreamName: aws.String(stream), ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes},
	})
	return err
}

// limitCase is a call that AWS allows a number of times within a second,
// per shard, stream or account. Each case runs on its own server with
// stream "s" (two shards, records up to maxKiB) and stream "other".
type limitCase struct {
	name   string
	maxKiB int32
	// allowed calls succeed within one second; the next one fails with
	// code and msg, and succeeds again after refill (default a second).
	allowed   int
	refill    time.Duration
	code, msg string
	// prepare makes what the calls need (its own calls are refilled before
	// the second starts) and returns the limited call and, when the limit
	// is per shard or stream, the same call on another shard or stream,
	// which is not throttled.
	prepare func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error)
}

var limitCases = []limitCase{
	{
		name: "PutRecord records", allowed: 1000, code: throughputExceeded, msg: shardRateExceeded(shard0, "s"),
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			return func() error { return putTo(c, "s", shards, shard0, 10) },
				func() error { return putTo(c, "s", shards, shard1, 10) }
		},
	},
	{
		name: "PutRecord bytes", allowed: 1, code: throughputExceeded, msg: shardRateExceeded(shard0, "s"),
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			return func() error { return putTo(c, "s", shards, shard0, 600<<10) },
				func() error { return putTo(c, "s", shards, shard1, 600<<10) }
		},
	},
	{
		// A fresh shard's write burst is the largest record the stream
		// accepts; refilling it at 1 MiB/s takes 10 s.
		name: "PutRecord 10 MiB", maxKiB: 10240, allowed: 1, refill: 10 * time.Second,
		code: throughputExceeded, msg: shardRateExceeded(shard0, "s"),
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			return func() error { return putTo(c, "s", shards, shard0, 10<<20) },
				func() error { return putTo(c, "s", shards, shard1, 10<<20) }
		},
	},
	{
		// The records of a throttled PutRecords fail one by one (see
		// TestLimitPutRecordsFailsOnlyRecordsBeyondCapacity); here the
		// third batch of 500 finds none of the 1,000 records/s left.
		name: "PutRecords records", allowed: 2, code: throughputExceeded, msg: shardRateExceeded(shard0, "s"),
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			batch := func(shard string) func() error {
				entries := make([]types.PutRecordsRequestEntry, 500)
				for i := range entries {
					entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("k"), ExplicitHashKey: hashKeyOf(shards, shard), Data: []byte("r")}
				}
				return func() error {
					return firstFailure(c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries}))
				}
			}
			return batch(shard0), batch(shard1)
		},
	},
	{
		name: "GetRecords calls", allowed: 5, code: throughputExceeded, msg: shardRateExceeded(shard0, "s"),
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			it0 := iterator(t, c, "s", shard0, types.ShardIteratorTypeTrimHorizon, nil)
			it1 := iterator(t, c, "s", shard1, types.ShardIteratorTypeTrimHorizon, nil)
			return func() error { return getRecords(c, it0) }, func() error { return getRecords(c, it1) }
		},
	},
	{
		// A 10 MiB read on a 2 MiB/s shard is allowed once and paid back
		// over 4 s (see TestLimitLargeReadIsPaidBack).
		name: "GetRecords 10 MiB", maxKiB: 10240, allowed: 1, refill: 5 * time.Second,
		code: throughputExceeded, msg: shardRateExceeded(shard0, "s"),
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			if err := putTo(c, "s", shards, shard0, 10<<20); err != nil {
				t.Fatal(err)
			}
			it0 := iterator(t, c, "s", shard0, types.ShardIteratorTypeTrimHorizon, nil)
			it1 := iterator(t, c, "s", shard1, types.ShardIteratorTypeTrimHorizon, nil)
			return func() error { return getRecords(c, it0) }, func() error { return getRecords(c, it1) }
		},
	},
	{
		name: "GetShardIterator", allowed: 5, code: throughputExceeded, msg: shardRateExceeded(shard0, "s"),
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			return func() error { return shardIterator(c, "s", shard0) }, func() error { return shardIterator(c, "s", shard1) }
		},
	},
	{
		name: "DescribeLimits", allowed: 1, code: "LimitExceededException", msg: "Rate exceeded for account 000000000000.",
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			return func() error {
				_, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
				return err
			}, nil
		},
	},
	{
		name: "ListStreams", allowed: 5, code: "LimitExceededException", msg: "Rate exceeded for account 000000000000.",
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			return func() error {
				_, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{})
				return err
			}, nil
		},
	},
	{
		name: "EnableEnhancedMonitoring", allowed: 5, code: "LimitExceededException", msg: "Rate exceeded for stream s under account 000000000000.",
		prepare: func(t *testing.T, c *kinesis.Client, shards []types.Shard) (call, other func() error) {
			return func() error { return enableMonitoring(c, "s") }, func() error { return enableMonitoring(c, "other") }
		},
	},
}

// prepareLimitCase starts a server for a case, creates its streams and
// returns the calls, with every bucket the setup used refilled.
func prepareLimitCase(t *testing.T, lc limitCase, on bool) (clock *testserver.Clock, call, other func() error) {
	t.Helper()
	clock, c := startLimits(t, on)
	shards := createSizedStream(t, c, "s", 2, lc.maxKiB)
	createSizedStream(t, c, "other", 1, 0)
	call, other = lc.prepare(t, c, shards)
	clock.Advance(time.Minute)
	return clock, call, other
}

func TestLimitsThrottleEachCall(t *testing.T) {
	for _, lc := range limitCases {
		t.Run(lc.name, func(t *testing.T) {
			clock, call, other := prepareLimitCase(t, lc, true)
			for i := range lc.allowed {
				if err := call(); err != nil {
					t.Fatalf("call %d of the %d allowed in a second: %v", i+1, lc.allowed, err)
				}
			}
			wantAPIError(t, call(), lc.code, lc.msg)
			if other != nil {
				if err := other(); err != nil {
					t.Fatalf("the same call on another shard or stream: %v", err)
				}
			}
			refill := lc.refill
			if refill == 0 {
				refill = time.Second
			}
			clock.Advance(refill)
			if err := call(); err != nil {
				t.Fatalf("after %v: %v", refill, err)
			}
		})
	}
}

func TestLimitsOffNeverThrottle(t *testing.T) {
	for _, lc := range limitCases {
		t.Run(lc.name, func(t *testing.T) {
			_, call, other := prepareLimitCase(t, lc, false)
			for i := range lc.allowed + 1 {
				if err := call(); err != nil {
					t.Fatalf("call %d in a second with --limits off: %v", i+1, err)
				}
			}
			if other != nil {
				if err := other(); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

func TestLimitPutRecordsFailsOnlyRecordsBeyondCapacity(t *testing.T) {
	alternate := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = []string{shard0, shard1}[i%2]
		}
		return out
	}
	cases := []struct {
		name    string
		prefill int      // 10-byte records written to shard 0 first
		size    int      // each record's size, data and partition key
		batch   []string // the shard of each record
		failed  []int    // the records of the batch beyond shard 0's capacity
	}{
		// 990 of 1,000 records/s used: the 11th to 15th for shard 0 fail.
		{"records", 990, 10, alternate(30), []int{20, 22, 24, 26, 28}},
		// 300 KiB records: three fit a shard's 1 MiB/s, the fourth does not.
		{"bytes", 0, 300 << 10, []string{shard0, shard1, shard0, shard0, shard1, shard0, shard0}, []int{5, 6}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, c := startLimits(t, true)
			shards := createSizedStream(t, c, "s", 2, 0)
			var prefill []types.PutRecordsRequestEntry
			for i := range tc.prefill {
				prefill = append(prefill, types.PutRecordsRequestEntry{
					PartitionKey: aws.String("k"), ExplicitHashKey: hashKeyOf(shards, shard0), Data: record(fmt.Sprintf("pre-%d|", i), "k", 10),
				})
			}
			for chunk := range slices.Chunk(prefill, 500) {
				if err := firstFailure(c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: chunk})); err != nil {
					t.Fatalf("prefill: %v", err)
				}
			}

			entries := make([]types.PutRecordsRequestEntry, len(tc.batch))
			for i, shard := range tc.batch {
				entries[i] = types.PutRecordsRequestEntry{
					PartitionKey: aws.String("k"), ExplicitHashKey: hashKeyOf(shards, shard), Data: record(fmt.Sprintf("rec-%d|", i), "k", tc.size),
				}
			}
			out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("s"), Records: entries})
			if err != nil {
				t.Fatal(err)
			}
			if got := aws.ToInt32(out.FailedRecordCount); int(got) != len(tc.failed) {
				t.Errorf("FailedRecordCount %d, want %d", got, len(tc.failed))
			}
			want := map[string][][]byte{}
			for _, e := range prefill {
				want[shard0] = append(want[shard0], e.Data)
			}
			for i, r := range out.Records {
				if slices.Contains(tc.failed, i) {
					if aws.ToString(r.ErrorCode) != throughputExceeded || aws.ToString(r.ErrorMessage) != shardRateExceeded(shard0, "s") ||
						r.ShardId != nil || r.SequenceNumber != nil {
						t.Errorf("record %d: %s %q shard %v seq %v, want it throttled", i, aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage), aws.ToString(r.ShardId), aws.ToString(r.SequenceNumber))
					}
					continue
				}
				if r.ErrorCode != nil || aws.ToString(r.ShardId) != tc.batch[i] || r.SequenceNumber == nil {
					t.Errorf("record %d: %s %q on %s, want it written to %s", i, aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage), aws.ToString(r.ShardId), tc.batch[i])
				}
				want[tc.batch[i]] = append(want[tc.batch[i]], entries[i].Data)
			}
			for _, shard := range []string{shard0, shard1} {
				got := readAll(t, c, iterator(t, c, "s", shard, types.ShardIteratorTypeTrimHorizon, nil))
				if len(got) != len(want[shard]) {
					t.Fatalf("%s holds %d records, want %d", shard, len(got), len(want[shard]))
				}
				for i, r := range got {
					if !bytes.Equal(r.Data, want[shard][i]) {
						t.Fatalf("%s record %d is %.10q, want %.10q", shard, i, r.Data, want[shard][i])
					}
				}
			}
		})
	}
}

func TestLimitLargeRecordBurst(t *testing.T) {
	t.Run("fresh shard", func(t *testing.T) {
		clock, c := startLimits(t, true)
		shards := createSizedStream(t, c, "big", 1, 10240)
		if err := putTo(c, "big", shards, shard0, 10<<20); err != nil {
			t.Fatalf("a 10 MiB record on a fresh shard: %v", err)
		}
		wantAPIError(t, putTo(c, "big", shards, shard0, 1<<10), throughputExceeded, shardRateExceeded(shard0, "big"))
		clock.Advance(time.Second)
		if err := putTo(c, "big", shards, shard0, 1<<10); err != nil {
			t.Fatalf("a 1 KiB record a second later: %v", err)
		}
		// Another 10 MiB record waits until the burst has refilled at 1 MiB/s.
		clock.Advance(9 * time.Second)
		wantAPIError(t, putTo(c, "big", shards, shard0, 10<<20), throughputExceeded, shardRateExceeded(shard0, "big"))
		clock.Advance(time.Second)
		if err := putTo(c, "big", shards, shard0, 10<<20); err != nil {
			t.Fatalf("a 10 MiB record 11 s after the first: %v", err)
		}
	})
	// Raising MaxRecordSizeInKiB on a shard already written to: a record
	// larger than 1 MiB must get through once the shard has had time to
	// gather the tokens, however the burst is sized.
	t.Run("raised after use", func(t *testing.T) {
		clock, c := startLimits(t, true)
		shards := createSizedStream(t, c, "grown", 1, 0)
		if err := putTo(c, "grown", shards, shard0, 1<<10); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UpdateMaxRecordSize(ctx, &kinesis.UpdateMaxRecordSizeInput{
			StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/grown"), MaxRecordSizeInKiB: aws.Int32(10240),
		}); err != nil {
			t.Fatal(err)
		}
		var err error
		for range 20 {
			clock.Advance(time.Second)
			if err = putTo(c, "grown", shards, shard0, 2<<20); err == nil {
				return
			}
			wantAPIError(t, err, throughputExceeded, shardRateExceeded(shard0, "grown"))
		}
		t.Fatalf("a 2 MiB record is still throttled 20 s after MaxRecordSizeInKiB was raised to 10240: %v", err)
	})
}

func TestLimitLargeReadIsPaidBack(t *testing.T) {
	clock, c := startLimits(t, true)
	shards := createSizedStream(t, c, "big", 1, 10240)
	if err := putTo(c, "big", shards, shard0, 10<<20); err != nil {
		t.Fatal(err)
	}
	out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(iterator(t, c, "big", shard0, types.ShardIteratorTypeTrimHorizon, nil))})
	if err != nil {
		t.Fatalf("a 10 MiB read: %v", err)
	}
	if len(out.Records) != 1 || len(out.Records[0].Data) != 10<<20-1 {
		t.Fatalf("read %d records", len(out.Records))
	}
	// 10 MiB read at 2 MiB/s leaves 8 MiB of debt, paid back in 4 s.
	const step = 500 * time.Millisecond
	var waited time.Duration
	for ; ; waited += step {
		err := getRecords(c, *out.NextShardIterator)
		if err == nil {
			break
		}
		wantAPIError(t, err, throughputExceeded, shardRateExceeded(shard0, "big"))
		if waited > 10*time.Second {
			t.Fatalf("reads still throttled %v after a 10 MiB read", waited)
		}
		clock.Advance(step)
	}
	if waited < 4*time.Second || waited > 5*time.Second {
		t.Fatalf("reads allowed again %v after a 10 MiB read, want after 4 s (the debt at 2 MiB/s)", waited)
	}
}

// TestBackoffGetsEverythingThrough is a producer and a consumer that retry
// what was throttled with exponential backoff, sleeping on the fake clock:
// everything gets through, exactly once.
func TestBackoffGetsEverythingThrough(t *testing.T) {
	const (
		total    = 5000
		size     = 1 << 10
		batchLen = 500
		maxWait  = 2 * time.Second
	)
	clock, c := startLimits(t, true)
	createSizedStream(t, c, "flow", 2, 0)
	data := func(i int) []byte { return record(fmt.Sprintf("rec-%05d|", i), fmt.Sprintf("pk-%d", i), size) }
	start := clock.Now()

	// The producer: PutRecords batches, resending the failed records.
	acked := make([]types.PutRecordsResultEntry, total)
	producerThrottled := 0
	for first := 0; first < total; first += batchLen {
		pending := make([]int, 0, batchLen)
		for i := first; i < min(first+batchLen, total); i++ {
			pending = append(pending, i)
		}
		backoff := 50 * time.Millisecond
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 50 {
				t.Fatalf("records %d.. still throttled after %d attempts", first, attempt)
			}
			entries := make([]types.PutRecordsRequestEntry, len(pending))
			for j, i := range pending {
				entries[j] = types.PutRecordsRequestEntry{PartitionKey: aws.String(fmt.Sprintf("pk-%d", i)), Data: data(i)}
			}
			out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("flow"), Records: entries})
			if err != nil {
				t.Fatal(err)
			}
			var failed []int
			for j, r := range out.Records {
				i := pending[j]
				if r.ErrorCode != nil {
					if *r.ErrorCode != throughputExceeded {
						t.Fatalf("record %d: %s %s", i, *r.ErrorCode, aws.ToString(r.ErrorMessage))
					}
					failed = append(failed, i)
					continue
				}
				if acked[i].SequenceNumber != nil {
					t.Fatalf("record %d acknowledged twice", i)
				}
				acked[i] = r
			}
			if int(aws.ToInt32(out.FailedRecordCount)) != len(failed) {
				t.Fatalf("FailedRecordCount %d for %d failed records", aws.ToInt32(out.FailedRecordCount), len(failed))
			}
			if len(failed) > 0 {
				producerThrottled++
				clock.Advance(backoff)
				backoff = min(2*backoff, maxWait)
			}
			pending = failed
		}
	}
	if producerThrottled == 0 {
		t.Fatal("the producer was never throttled: the write limits did not apply")
	}
	t.Logf("producer: throttled %d times, %v of fake time", producerThrottled, clock.Now().Sub(start))

	// The consumer: GetRecords on each shard, backing off when throttled.
	seen := make([]int, total)
	consumerThrottled := 0
	for _, shard := range []string{shard0, shard1} {
		it := iterator(t, c, "flow", shard, types.ShardIteratorTypeTrimHorizon, nil)
		backoff := 50 * time.Millisecond
		for calls := 0; ; calls++ {
			if calls == 200 {
				t.Fatalf("%s not drained after %d calls", shard, calls)
			}
			out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(1000)})
			if err != nil {
				wantAPIError(t, err, throughputExceeded, shardRateExceeded(shard, "flow"))
				consumerThrottled++
				clock.Advance(backoff)
				backoff = min(2*backoff, maxWait)
				continue
			}
			backoff = 50 * time.Millisecond
			for _, r := range out.Records {
				var i int
				if _, err := fmt.Sscanf(string(r.Data), "rec-%05d|", &i); err != nil || i < 0 || i >= total {
					t.Fatalf("unexpected record %.16q", r.Data)
				}
				seen[i]++
				if !bytes.Equal(r.Data, data(i)) || aws.ToString(acked[i].ShardId) != shard || aws.ToString(acked[i].SequenceNumber) != aws.ToString(r.SequenceNumber) {
					t.Fatalf("record %d read from %s at %s, acknowledged on %s at %s", i, shard, aws.ToString(r.SequenceNumber), aws.ToString(acked[i].ShardId), aws.ToString(acked[i].SequenceNumber))
				}
			}
			if len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
				break
			}
			it = aws.ToString(out.NextShardIterator)
		}
	}
	for i, n := range seen {
		if n != 1 {
			t.Fatalf("record %d read %d times", i, n)
		}
	}
	if consumerThrottled == 0 {
		t.Fatal("the consumer was never throttled: the read limits did not apply")
	}
	t.Logf("consumer: throttled %d times", consumerThrottled)
}
