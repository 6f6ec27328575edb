package kinesisapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// TestEverythingSurvivesRestart stops the server cleanly and starts a new
// one on the same data directory.
func TestEverythingSurvivesRestart(t *testing.T) {
	dir := testserver.TempDir(t)
	srv, c := start(t, testserver.WithDir(dir))
	d := createStream(t, c, "keep", 3)
	c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("keep"), Tags: map[string]string{"owner": "me"}})
	c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("keep"), RetentionPeriodHours: aws.Int32(72)})
	c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("keep"), ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingRecords}})
	c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: types.MinimumThroughputBillingCommitmentInputStatusEnabled}})
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
	if err != nil {
		t.Fatal(err)
	}
	type rec struct{ shard, seq, data string }
	var written []rec
	for i := range 200 {
		out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("keep"), PartitionKey: aws.String(fmt.Sprint(i)), Data: []byte(fmt.Sprintf("data-%d", i))})
		if err != nil {
			t.Fatal(err)
		}
		written = append(written, rec{*out.ShardId, *out.SequenceNumber, fmt.Sprintf("data-%d", i)})
	}
	before, _ := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("keep")})
	it := iterator(t, c, "keep", "shardId-000000000001", types.ShardIteratorTypeTrimHorizon, nil)
	srv.Stop()

	srv2, c2 := start(t, testserver.WithDir(dir))
	_ = srv2
	d2 := waitActive(t, c2, "keep")
	if dumpShards(d2.Shards) != dumpShards(d.Shards) || *d2.RetentionPeriodHours != 72 || len(d2.EnhancedMonitoring[0].ShardLevelMetrics) != 1 {
		t.Fatalf("stream after restart: %+v", d2)
	}
	after, _ := c2.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("keep")})
	if *after.StreamDescriptionSummary.StreamId != *before.StreamDescriptionSummary.StreamId || !after.StreamDescriptionSummary.StreamCreationTimestamp.Equal(*before.StreamDescriptionSummary.StreamCreationTimestamp) {
		t.Fatal("stream identity changed across restart")
	}
	tags, _ := c2.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("keep")})
	if len(tags.Tags) != 1 || *tags.Tags[0].Value != "me" {
		t.Fatalf("tags after restart: %+v", tags.Tags)
	}
	acct, _ := c2.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
	if acct.MinimumThroughputBillingCommitment.Status != types.MinimumThroughputBillingCommitmentOutputStatusEnabled {
		t.Fatal("account settings lost")
	}
	if od := waitActive(t, c2, "od"); od.StreamModeDetails.StreamMode != types.StreamModeOnDemand {
		t.Fatal("on-demand stream lost")
	}
	// An iterator handed out before the restart still works.
	if recs := readAll(t, c2, it); len(recs) == 0 {
		t.Fatal("old iterator reads nothing")
	}
	got := map[string]rec{}
	for _, sh := range d2.Shards {
		for _, r := range readAll(t, c2, iterator(t, c2, "keep", *sh.ShardId, types.ShardIteratorTypeTrimHorizon, nil)) {
			got[*r.SequenceNumber] = rec{*sh.ShardId, *r.SequenceNumber, string(r.Data)}
		}
	}
	for _, w := range written {
		if got[w.seq] != w {
			t.Fatalf("record %+v after restart: %+v", w, got[w.seq])
		}
	}
	if len(got) != len(written) {
		t.Fatalf("%d records after restart, wrote %d", len(got), len(written))
	}
	// New records continue each shard's sequence.
	last := map[string]string{}
	for _, w := range written {
		last[w.shard] = w.seq
	}
	for i := range 20 {
		out, err := c2.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("keep"), PartitionKey: aws.String(fmt.Sprint(i)), Data: []byte("new")})
		if err != nil {
			t.Fatal(err)
		}
		if !seqLess(last[*out.ShardId], *out.SequenceNumber) {
			t.Fatalf("sequence %s after restart is not above %s", *out.SequenceNumber, last[*out.ShardId])
		}
	}
}

func dumpShards(shards []types.Shard) string {
	var out string
	for _, sh := range shards {
		out += fmt.Sprintf("%s %s-%s %s|", *sh.ShardId, *sh.HashKeyRange.StartingHashKey, *sh.HashKeyRange.EndingHashKey, *sh.SequenceNumberRange.StartingSequenceNumber)
	}
	return out
}

// TestReshardAndConsumersSurviveRestart: lineage, closed shards' end
// sequence numbers, consumers, and an update still pending when the server
// stopped (it completes after the restart).
func TestReshardAndConsumersSurviveRestart(t *testing.T) {
	dir := testserver.TempDir(t)
	slow := testserver.WithConfig(func(cfg *config.Config) { cfg.UpdateDelay = 400 * time.Millisecond })
	srv, c := start(t, testserver.WithDir(dir), slow)
	d := createStream(t, c, "rr", 2)
	cons := registerConsumer(t, c, *d.StreamARN, "keeper")
	c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("rr"), PartitionKey: aws.String("k"), Data: []byte("x"), ExplicitHashKey: aws.String("0")})
	c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("rr"), ShardToSplit: aws.String("0"), NewStartingHashKey: aws.String("1000")})
	before := dumpShards(listAll(t, c, "rr", nil))
	waitActive(t, c, "rr")
	if _, err := c.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("rr"), ShardToMerge: aws.String("2"), AdjacentShardToMerge: aws.String("3")}); err != nil {
		t.Fatal(err)
	}
	srv.Stop() // with the merge still pending

	_, c2 := start(t, testserver.WithDir(dir), slow)
	got, err := c2.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: cons.ConsumerARN})
	if err != nil || got.ConsumerDescription.ConsumerStatus != types.ConsumerStatusActive {
		t.Fatalf("consumer after restart: %v %v", got, err)
	}
	after := waitActive(t, c2, "rr")
	all := listAll(t, c2, "rr", nil)
	if len(all) != 5 || !strings.HasPrefix(dumpShards(all), before) {
		t.Fatalf("shards after restart:\n%s\nbefore:\n%s", dumpShards(all), before)
	}
	if *all[4].ParentShardId != "shardId-000000000002" || *all[4].AdjacentParentShardId != "shardId-000000000003" {
		t.Fatal("the pending merge did not complete after the restart")
	}
	if all[0].SequenceNumberRange.EndingSequenceNumber == nil || len(after.Shards) != 5 {
		t.Fatal("closed shard lost its end")
	}
	out, _ := c2.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(iterator(t, c2, "rr", "0", types.ShardIteratorTypeTrimHorizon, nil))})
	if len(out.Records) != 1 || out.NextShardIterator != nil || len(out.ChildShards) != 2 {
		t.Fatalf("closed parent after restart: %d records, next %v, %d children", len(out.Records), out.NextShardIterator, len(out.ChildShards))
	}
}
