package kinesisapi_test

import (
	"encoding/binary"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/testserver"
)

// BenchmarkSubscribePushLatency measures enhanced fan-out's push latency:
// from just before PutRecord is sent to the SubscribeToShardEvent carrying
// the record reaching the subscriber, with producers writing 1,000
// records/s in all (durable writes: every record is fsynced before it is
// acknowledged and pushed). It reports the median and 99th percentile.
//
//	go test ./internal/api/kinesisapi -run '^$' -bench SubscribePushLatency -benchtime 3000x
func BenchmarkSubscribePushLatency(b *testing.B) {
	srv := testserver.Start(b)
	c := srv.Kinesis()
	d := createStreamB(b, c, "bench", 1)
	cons, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: d.StreamARN, ConsumerName: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	out, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: cons.Consumer.ConsumerARN, ShardId: aws.String("0"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeLatest}})
	if err != nil {
		b.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()

	latencies := make([]time.Duration, 0, b.N)
	got := make(chan struct{})
	go func() {
		for ev := range stream.Events() {
			e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
			if !ok {
				continue
			}
			now := time.Now()
			for _, r := range e.Value.Records {
				sent := time.Unix(0, int64(binary.BigEndian.Uint64(r.Data)))
				latencies = append(latencies, now.Sub(sent))
			}
			if len(latencies) >= b.N {
				close(got)
				return
			}
		}
	}()

	const producers, perSecond = 4, 1000
	b.ResetTimer()
	var wg sync.WaitGroup
	for p := range producers {
		n := b.N / producers
		if p < b.N%producers {
			n++
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			tick := time.NewTicker(time.Second * producers / perSecond)
			defer tick.Stop()
			data := make([]byte, 100)
			for range n {
				<-tick.C
				binary.BigEndian.PutUint64(data, uint64(time.Now().UnixNano()))
				if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("bench"), PartitionKey: aws.String("k"), Data: data}); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	select {
	case <-got:
	case <-time.After(30 * time.Second):
		b.Fatalf("only %d of %d records pushed", len(latencies), b.N)
	}
	b.StopTimer()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) float64 {
		return float64(latencies[int(p*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(pct(1), "max-ms")
}

func createStreamB(b *testing.B, c *kinesis.Client, name string, shards int32) *types.StreamDescription {
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		b.Fatal(err)
	}
	out, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)})
	if err != nil {
		b.Fatal(err)
	}
	return out.StreamDescription
}
