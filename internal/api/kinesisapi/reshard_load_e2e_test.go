package kinesisapi_test

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// TestReshardUnderLoad reshards a stream again and again while producers
// write and a consumer reads it the way the KCL does: a shard is read only
// after all its parents have been read to their end. It proves that no
// acknowledged record is lost or duplicated and that, per partition key,
// records are read in the order they were written across parent → child.
func TestReshardUnderLoad(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "load", 2)

	// Producers: each owns its keys and writes "key:n" with n = 0, 1, 2 …
	// per key, waiting for the acknowledgement before the next.
	const producers, keysEach = 4, 8
	var stop atomic.Bool
	var acked sync.Map // key → number of acknowledged records
	var pwg sync.WaitGroup
	for p := range producers {
		pwg.Add(1)
		go func() {
			defer pwg.Done()
			next := make([]int, keysEach)
			for round := 0; !stop.Load(); round++ {
				k := round % keysEach
				key := fmt.Sprintf("p%d-k%d", p, k)
				if round%3 == 0 {
					// A batch of 5 records of the same key, in order.
					var entries []types.PutRecordsRequestEntry
					for i := range 5 {
						entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(key), Data: []byte(fmt.Sprintf("%s:%d", key, next[k]+i))})
					}
					out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("load"), Records: entries})
					if err != nil || *out.FailedRecordCount != 0 {
						t.Errorf("PutRecords: %v", err)
						return
					}
					next[k] += 5
				} else {
					if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("load"), PartitionKey: aws.String(key), Data: []byte(fmt.Sprintf("%s:%d", key, next[k]))}); err != nil {
						t.Errorf("PutRecord: %v", err)
						return
					}
					next[k]++
				}
				acked.Store(key, next[k])
			}
		}()
	}

	// The consumer follows lineage while everything runs.
	cons := newLineageConsumer(t, c, "load")
	cwg := cons.run()

	// Reshard repeatedly.
	steps := []func() error{
		func() error { return scaleTo(c, "load", 4) },
		func() error { return splitWidest(c, "load") },
		func() error { return scaleTo(c, "load", 3) },
		func() error { return mergeFirstPair(c, "load") },
		func() error { return scaleTo(c, "load", 4) },
		func() error { return scaleTo(c, "load", 3) },
		func() error { return splitWidest(c, "load") },
		func() error { return scaleTo(c, "load", 7) },
	}
	for i, step := range steps {
		time.Sleep(60 * time.Millisecond)
		if err := step(); err != nil {
			t.Fatalf("reshard step %d: %v", i, err)
		}
	}
	time.Sleep(60 * time.Millisecond)
	stop.Store(true)
	pwg.Wait()
	cons.finish()
	cwg.Wait()

	total := 0
	acked.Range(func(k, v any) bool {
		n := v.(int)
		total += n
		if got := cons.seen(k.(string)); got != n {
			t.Errorf("key %s: %d acknowledged, %d read", k, n, got)
		}
		return true
	})
	if total == 0 {
		t.Fatal("nothing was written")
	}
	t.Logf("%d records over %d shards, all read once and in order per key", total, len(listAll(t, c, "load", nil)))
}

func scaleTo(c *kinesis.Client, stream string, n int32) error {
	_, err := c.UpdateShardCount(ctx, &kinesis.UpdateShardCountInput{StreamName: aws.String(stream), TargetShardCount: aws.Int32(n), ScalingType: types.ScalingTypeUniformScaling})
	return err
}

func splitWidest(c *kinesis.Client, stream string) error {
	out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})
	if err != nil {
		return err
	}
	sh := out.Shards[0]
	mid := addOne(*sh.HashKeyRange.StartingHashKey)
	mid = addOne(mid) + "000" // well inside a wide range
	_, err = c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String(stream), ShardToSplit: sh.ShardId, NewStartingHashKey: aws.String(mid)})
	return err
}

func mergeFirstPair(c *kinesis.Client, stream string) error {
	out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})
	if err != nil {
		return err
	}
	open := out.Shards
	sortShardsByHash(open)
	_, err = c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String(stream), ShardToMerge: open[0].ShardId, AdjacentShardToMerge: open[1].ShardId})
	return err
}

// lineageConsumer reads a stream as the KCL does: every shard from its
// start, a child only after all its parents were read to their end.
type lineageConsumer struct {
	t      *testing.T
	c      *kinesis.Client
	stream string

	mu       sync.Mutex
	started  map[string]bool
	finished map[string]bool
	last     map[string]int // key → last n read
	done     atomic.Bool
}

func newLineageConsumer(t *testing.T, c *kinesis.Client, stream string) *lineageConsumer {
	return &lineageConsumer{t: t, c: c, stream: stream, started: map[string]bool{}, finished: map[string]bool{}, last: map[string]int{}}
}

// finish tells the consumer the producers are done: open shards are read
// until they are caught up, then the consumer stops.
func (lc *lineageConsumer) finish() { lc.done.Store(true) }

func (lc *lineageConsumer) seen(key string) int {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	if n, ok := lc.last[key]; ok {
		return n + 1
	}
	return 0
}

func (lc *lineageConsumer) run() *sync.WaitGroup {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var readers sync.WaitGroup
		for {
			caughtUp := lc.done.Load()
			shards := listAll(lc.t, lc.c, lc.stream, nil)
			lc.mu.Lock()
			for _, sh := range shards {
				id := *sh.ShardId
				if lc.started[id] || !lc.parentsDone(sh) {
					continue
				}
				lc.started[id] = true
				readers.Add(1)
				go func() {
					defer readers.Done()
					lc.read(id)
				}()
			}
			lc.mu.Unlock()
			if caughtUp {
				readers.Wait()
				// After the producers stopped, one more pass picks up
				// children whose parents finished meanwhile.
				if lc.allStarted(listAll(lc.t, lc.c, lc.stream, nil)) {
					return
				}
				continue
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	return &wg
}

func (lc *lineageConsumer) parentsDone(sh types.Shard) bool {
	for _, p := range []*string{sh.ParentShardId, sh.AdjacentParentShardId} {
		if p != nil && !lc.finished[*p] {
			return false
		}
	}
	return true
}

func (lc *lineageConsumer) allStarted(shards []types.Shard) bool {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	for _, sh := range shards {
		if !lc.started[*sh.ShardId] {
			return false
		}
	}
	return true
}

func (lc *lineageConsumer) read(shardID string) {
	it := iterator(lc.t, lc.c, lc.stream, shardID, types.ShardIteratorTypeTrimHorizon, nil)
	for {
		wasDone := lc.done.Load()
		out, err := lc.c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
		if err != nil {
			lc.t.Errorf("GetRecords %s: %v", shardID, err)
			return
		}
		lc.mu.Lock()
		for _, r := range out.Records {
			key, nstr, _ := strings.Cut(string(r.Data), ":")
			n, _ := strconv.Atoi(nstr)
			prev, ok := lc.last[key]
			if !ok {
				prev = -1
			}
			if n != prev+1 {
				lc.t.Errorf("key %s: read %d after %d (shard %s)", key, n, prev, shardID)
			}
			lc.last[key] = n
		}
		if out.NextShardIterator == nil {
			lc.finished[shardID] = true
			lc.mu.Unlock()
			return
		}
		lc.mu.Unlock()
		if len(out.Records) == 0 {
			if wasDone {
				return // open shard, caught up after the producers stopped
			}
			time.Sleep(10 * time.Millisecond)
		}
		it = *out.NextShardIterator
	}
}
