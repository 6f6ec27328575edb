package kinesisapi_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// arenaRecord is the data of record i of a shard: its own bytes, of a size
// that varies from a few bytes to 400 KB, so that pages span several of the
// log's pooled read blocks (1 MiB) and some entries cross a block's end.
func arenaRecord(shard, i int) []byte {
	size := 1 + (i*7919)%(400<<10)
	if i%10 != 0 {
		size %= 3000
	}
	b := bytes.Repeat([]byte{byte('a' + shard)}, size)
	copy(b, fmt.Sprintf("%d/%d/", shard, i))
	return b
}

// TestConcurrentGetRecordsKeepTheirBytes reads every shard from TRIM_HORIZON
// again and again on several goroutines at once and checks every byte. The
// log reads GetRecords pages into pooled memory that goes back to the pool
// once the answer is written; were it given back any earlier, another
// read would overwrite records still being sent, and the data here would
// not match. One shard also holds an entry larger than a pooled block.
func TestConcurrentGetRecordsKeepTheirBytes(t *testing.T) {
	_, c := start(t)
	const shards, perShard = 4, 300
	desc := createStream(t, c, "arena", shards)
	sortShardsByHash(desc.Shards)
	for s := range shards {
		hash := desc.Shards[s].HashKeyRange.StartingHashKey
		for from := 0; from < perShard; from += 50 {
			var entries []types.PutRecordsRequestEntry
			for i := from; i < from+50; i++ {
				entries = append(entries, types.PutRecordsRequestEntry{Data: arenaRecord(s, i), PartitionKey: aws.String("k"), ExplicitHashKey: hash})
			}
			out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("arena"), Records: entries})
			if err != nil || aws.ToInt32(out.FailedRecordCount) != 0 {
				t.Fatalf("PutRecords: %v", err)
			}
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := range 8 {
		wg.Go(func() {
			s := g % shards
			for range 3 {
				it := iterator(t, c, "arena", *desc.Shards[s].ShardId, types.ShardIteratorTypeTrimHorizon, nil)
				n := 0
				for calls := 0; n < perShard; calls++ {
					if calls == 100 {
						errs <- fmt.Errorf("shard %d: %d records after %d calls, want %d", s, n, calls, perShard)
						return
					}
					out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(int32(40 + g*20))})
					if err != nil {
						errs <- err
						return
					}
					for _, r := range out.Records {
						if want := arenaRecord(s, n); !bytes.Equal(r.Data, want) {
							errs <- fmt.Errorf("shard %d record %d: %d bytes starting %q, want %d starting %q", s, n, len(r.Data), r.Data[:min(len(r.Data), 12)], len(want), want[:min(len(want), 12)])
							return
						}
						n++
					}
					it = *out.NextShardIterator
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
