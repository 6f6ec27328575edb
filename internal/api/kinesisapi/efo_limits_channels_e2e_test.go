package kinesisapi_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/config"
	"sluice/internal/streams"
	"sluice/internal/testserver"
)

// TestSubscribePacedAt2MiBPerSecond: with limits on, a consumer gets at
// most 2 MiB/s per shard; the rest waits (it does not fail).
func TestSubscribePacedAt2MiBPerSecond(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now),
		testserver.WithConfig(func(cfg *config.Config) { cfg.Limits = config.LimitsOn }),
		testserver.WithStreams(func(cfg *streams.Config) { cfg.Heartbeat = 30 * time.Millisecond }))
	_, consumer := efoStream(t, c, "paced", 1)
	mib := bytes.Repeat([]byte("m"), 1<<20-1)
	for range 4 {
		if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("paced"), PartitionKey: aws.String("k"), Data: mib}); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second) // within the 1 MiB/s write limit
	}
	sub, err := subscribe(t, c, consumer, "0", types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	if got := sub.records(t, 2); len(got) != 2 {
		t.Fatalf("first two MiB: %d records", len(got))
	}
	// The third MiB waits for the bucket: only empty events meanwhile.
	for range 5 {
		if ev := sub.next(t); len(ev.Records) != 0 {
			t.Fatal("a third MiB within the same second")
		}
	}
	clock.Advance(time.Second)
	if got := sub.records(t, 1); len(got) != 1 {
		t.Fatal("no record after the bucket refilled")
	}
}
