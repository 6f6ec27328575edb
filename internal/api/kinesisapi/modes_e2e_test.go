package kinesisapi_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

func summary(t *testing.T, c *kinesis.Client, name string) *types.StreamDescriptionSummary {
	t.Helper()
	out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out.StreamDescriptionSummary
}

func TestUpdateStreamMode(t *testing.T) {
	_, c := start(t)
	arn := aws.String(*createStream(t, c, "mode", 2).StreamARN)
	set := func(m types.StreamMode) error {
		_, err := c.UpdateStreamMode(ctx, &kinesis.UpdateStreamModeInput{StreamARN: arn, StreamModeDetails: &types.StreamModeDetails{StreamMode: m}})
		return err
	}
	if err := set(types.StreamModeOnDemand); err != nil {
		t.Fatal(err)
	}
	s := summary(t, c, "mode")
	if s.StreamModeDetails.StreamMode != types.StreamModeOnDemand || *s.OpenShardCount != 2 || s.RecordDistributionStrategy != types.RecordDistributionStrategyUserPartitionKey {
		t.Fatalf("after switching: %s, %d shards, %s", s.StreamModeDetails.StreamMode, *s.OpenShardCount, s.RecordDistributionStrategy)
	}
	wantAPIError(t, set(types.StreamModeOnDemand), "InvalidArgumentException", "Stream mode under account 000000000000 is already in ON_DEMAND mode.")
	if err := set(types.StreamModeProvisioned); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, set(types.StreamModeOnDemand), "LimitExceededException", "Stream mode under account 000000000000 has changed capacity mode 2 times in the last 24 hours, the most UpdateStreamMode allows.")
}

func TestRecordDistributionStrategy(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "prov", 2)
	_, err := c.UpdateStreamRecordDistributionStrategy(ctx, &kinesis.UpdateStreamRecordDistributionStrategyInput{
		StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/prov"), RecordDistributionStrategy: types.RecordDistributionStrategyAuto})
	wantAPIError(t, err, "InvalidArgumentException", "The record distribution strategy AUTO is only supported for ON_DEMAND streams; stream prov under account 000000000000 is PROVISIONED.")

	c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("auto"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
	waitActive(t, c, "auto")
	if _, err := c.UpdateStreamRecordDistributionStrategy(ctx, &kinesis.UpdateStreamRecordDistributionStrategyInput{
		StreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/auto"), RecordDistributionStrategy: types.RecordDistributionStrategyAuto}); err != nil {
		t.Fatal(err)
	}
	if s := summary(t, c, "auto"); s.RecordDistributionStrategy != types.RecordDistributionStrategyAuto {
		t.Fatalf("strategy %s", s.RecordDistributionStrategy)
	}
	// One partition key, yet the records spread evenly over the 4 shards.
	perShard := map[string]int{}
	for range 40 {
		out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("auto"), PartitionKey: aws.String("same"), Data: []byte("x")})
		if err != nil {
			t.Fatal(err)
		}
		perShard[*out.ShardId]++
	}
	if len(perShard) != 4 {
		t.Fatalf("AUTO used %d shards: %v", len(perShard), perShard)
	}
	for id, n := range perShard {
		if n != 10 {
			t.Fatalf("shard %s got %d of 40", id, n)
		}
	}
}

func TestStreamEncryption(t *testing.T) {
	_, c := start(t, testserver.WithConfig(func(cfg *config.Config) { cfg.UpdateDelay = 200 * time.Millisecond }))
	createStream(t, c, "enc", 1)
	plain, _ := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("enc"), PartitionKey: aws.String("k"), Data: []byte("plain")})
	if plain.EncryptionType != "" {
		t.Fatalf("unencrypted put reports %s", plain.EncryptionType)
	}
	if _, err := c.StartStreamEncryption(ctx, &kinesis.StartStreamEncryptionInput{StreamName: aws.String("enc"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}); err != nil {
		t.Fatal(err)
	}
	if s := summary(t, c, "enc"); s.StreamStatus != types.StreamStatusUpdating {
		t.Fatalf("status while enabling encryption: %s", s.StreamStatus)
	}
	d := waitActive(t, c, "enc")
	if d.EncryptionType != types.EncryptionTypeKms || *d.KeyId != "alias/aws/kinesis" {
		t.Fatalf("after StartStreamEncryption: %s %v", d.EncryptionType, d.KeyId)
	}
	secret, _ := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("enc"), PartitionKey: aws.String("k"), Data: []byte("secret")})
	if secret.EncryptionType != types.EncryptionTypeKms {
		t.Fatalf("encrypted put reports %q", secret.EncryptionType)
	}
	recs := readAll(t, c, iterator(t, c, "enc", "0", types.ShardIteratorTypeTrimHorizon, nil))
	if len(recs) != 2 || recs[0].EncryptionType != "" || recs[1].EncryptionType != types.EncryptionTypeKms {
		t.Fatalf("records: %+v", recs)
	}
	_, err := c.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{StreamName: aws.String("enc"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("other-key")})
	wantAPIError(t, err, "InvalidArgumentException", "Key other-key is not the key stream enc under account 000000000000 is encrypted with.")
	if _, err := c.StopStreamEncryption(ctx, &kinesis.StopStreamEncryptionInput{StreamName: aws.String("enc"), EncryptionType: types.EncryptionTypeKms, KeyId: aws.String("alias/aws/kinesis")}); err != nil {
		t.Fatal(err)
	}
	if d := waitActive(t, c, "enc"); d.EncryptionType != types.EncryptionTypeNone || d.KeyId != nil {
		t.Fatalf("after StopStreamEncryption: %s %v", d.EncryptionType, d.KeyId)
	}
}

// TestOnDemandScaling drives the on-demand scaler with an injected clock:
// a shard written at its capacity is split, cold shards are merged back,
// and warm throughput raises the shard count.
func TestOnDemandScaling(t *testing.T) {
	clock := testserver.NewClock()
	srv, c := start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(cfg *config.Config) {
		cfg.ScaleUpAfter, cfg.ScaleDownAfter = 3*time.Second, 30*time.Second
	}))
	c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
	waitActive(t, c, "od")
	tick := func(d time.Duration) {
		clock.Advance(d)
		srv.Streams().ScaleOnDemand()
	}
	open := func() []types.Shard { return openShards(listAll(t, c, "od", nil)) }
	tick(0)
	mib := bytes.Repeat([]byte("x"), 1<<20-10)
	for range 2 {
		c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("od"), PartitionKey: aws.String("k"), Data: mib, ExplicitHashKey: aws.String("0")})
		tick(time.Second)
	}
	if n := len(open()); n != 4 {
		t.Fatalf("split after 2 s of a 3 s policy: %d open shards", n)
	}
	for range 2 {
		c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("od"), PartitionKey: aws.String("k"), Data: mib, ExplicitHashKey: aws.String("0")})
		tick(time.Second)
	}
	after := open()
	if len(after) != 5 {
		t.Fatalf("hot shard not split: %d open shards", len(after))
	}
	all := listAll(t, c, "od", nil)
	if *all[4].ParentShardId != "shardId-000000000000" || *all[5].ParentShardId != "shardId-000000000000" {
		t.Fatalf("split children: %+v", all[4:])
	}
	// A shard writing at a third of its capacity neither splits nor merges.
	third := bytes.Repeat([]byte("x"), 350<<10)
	for range 5 {
		c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("od"), PartitionKey: aws.String("k"), Data: third, ExplicitHashKey: aws.String("0")})
		tick(time.Second)
	}
	if n := len(open()); n != 5 {
		t.Fatalf("steady load changed the shards: %d open", n)
	}
	// Idle for longer than the scale-down window: the two children merge.
	for range 40 {
		tick(time.Second)
	}
	final := open()
	if len(final) != 4 {
		t.Fatalf("after going cold: %d open shards", len(final))
	}
	merged := listAll(t, c, "od", nil)[6]
	if *merged.ShardId != "shardId-000000000006" || merged.ParentShardId == nil || merged.AdjacentParentShardId == nil {
		t.Fatalf("merged shard %s has parents %v, %v", *merged.ShardId, merged.ParentShardId, merged.AdjacentParentShardId)
	}
	checkCoverage(t, final)
	// Never below the on-demand floor of 4.
	for range 60 {
		tick(time.Second)
	}
	if n := len(open()); n != 4 {
		t.Fatalf("scaled below 4: %d", n)
	}

	// Warm throughput keeps capacity ready (with the billing commitment).
	_, err := c.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("od"), WarmThroughputMiBps: aws.Int32(6)})
	wantAPIError(t, err, "InvalidArgumentException", "Warm throughput requires the minimum throughput billing commitment to be enabled for account 000000000000.")
	c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: types.MinimumThroughputBillingCommitmentInputStatusEnabled}})
	out, err := c.UpdateStreamWarmThroughput(ctx, &kinesis.UpdateStreamWarmThroughputInput{StreamName: aws.String("od"), WarmThroughputMiBps: aws.Int32(6)})
	if err != nil || *out.WarmThroughput.TargetMiBps != 6 {
		t.Fatalf("UpdateStreamWarmThroughput: %+v %v", out, err)
	}
	tick(time.Second)
	if n := len(open()); n != 6 {
		t.Fatalf("warm throughput 6 MiB/s: %d open shards", n)
	}
	checkCoverage(t, open())
}
