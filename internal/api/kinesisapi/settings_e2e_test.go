package kinesisapi_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/testserver"
)

func TestRetentionPeriod(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "ret", 1)
	set := func(increase bool, h int32) error {
		if increase {
			_, err := c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("ret"), RetentionPeriodHours: aws.Int32(h)})
			return err
		}
		_, err := c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("ret"), RetentionPeriodHours: aws.Int32(h)})
		return err
	}
	if err := set(true, 8760); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, set(true, 48), "InvalidArgumentException",
		"Requested retention period (48 hours) for stream ret can not be shorter than existing retention period (8760 hours). Use DecreaseRetentionPeriod API.")
	if err := set(false, 48); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, set(false, 72), "InvalidArgumentException",
		"Requested retention period (72 hours) for stream ret can not be longer than existing retention period (48 hours). Use IncreaseRetentionPeriod API.")
	wantAPIError(t, set(false, 23), "InvalidArgumentException", "Minimum allowed retention period is 24 hours. Requested retention period (23 hours) is too short.")
	wantAPIError(t, set(true, 8761), "InvalidArgumentException", "Maximum allowed retention period is 8760 hours. Requested retention period (8761 hours) is too long.")
	d := waitActive(t, c, "ret")
	if *d.RetentionPeriodHours != 48 {
		t.Fatalf("retention %d", *d.RetentionPeriodHours)
	}
}

// TestRetentionExpiresRecords moves an injected clock past the retention
// period: old records stop being returned at once, the trim horizon moves,
// and the retention pass deletes them from disk.
func TestRetentionExpiresRecords(t *testing.T) {
	clock := testserver.NewClock()
	srv, c := start(t, testserver.WithClock(clock.Now))
	createStream(t, c, "exp", 1)
	put := func(v string) string {
		out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("exp"), PartitionKey: aws.String("k"), Data: []byte(v)})
		if err != nil {
			t.Fatal(err)
		}
		return *out.SequenceNumber
	}
	oldSeq := put("old-1")
	put("old-2")
	clock.Advance(23 * time.Hour)
	put("mid")
	clock.Advance(90 * time.Minute) // the first two are now 24.5 h old
	put("new")

	read := func() []string {
		var got []string
		for _, r := range readAll(t, c, iterator(t, c, "exp", "0", types.ShardIteratorTypeTrimHorizon, nil)) {
			got = append(got, string(r.Data))
		}
		return got
	}
	if got := fmt.Sprint(read()); got != "[mid new]" {
		t.Fatalf("after 24.5 h, TRIM_HORIZON reads %s", got)
	}
	// An iterator at an expired sequence number starts at the trim horizon.
	if recs := readAll(t, c, iterator(t, c, "exp", "0", types.ShardIteratorTypeAtSequenceNumber, &oldSeq)); string(recs[0].Data) != "mid" {
		t.Fatalf("AT an expired sequence number reads %q first", recs[0].Data)
	}
	srv.Streams().EnforceRetention()
	if got := fmt.Sprint(read()); got != "[mid new]" {
		t.Fatalf("after the retention pass: %s", got)
	}
	// Shortening retention hides more at once.
	clock.Advance(time.Hour)
	if _, err := c.IncreaseStreamRetentionPeriod(ctx, &kinesis.IncreaseStreamRetentionPeriodInput{StreamName: aws.String("exp"), RetentionPeriodHours: aws.Int32(48)}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(24 * time.Hour)
	if got := fmt.Sprint(read()); got != "[mid new]" {
		t.Fatalf("48 h retention: %s", got)
	}
	c.DecreaseStreamRetentionPeriod(ctx, &kinesis.DecreaseStreamRetentionPeriodInput{StreamName: aws.String("exp"), RetentionPeriodHours: aws.Int32(24)})
	if got := fmt.Sprint(read()); got != "[]" {
		t.Fatalf("back to 24 h: %s", got)
	}
	// Sequence numbers keep increasing after everything expired.
	srv.Streams().EnforceRetention()
	if s := put("after"); !seqLess(oldSeq, s) {
		t.Fatal("sequence numbers went back after expiry")
	}
}

func TestStreamTags(t *testing.T) {
	_, c := start(t)
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("tags"), ShardCount: aws.Int32(1), Tags: map[string]string{"team": "data"}}); err != nil {
		t.Fatal(err)
	}
	waitActive(t, c, "tags")
	add := map[string]string{}
	for i := range 10 {
		add[fmt.Sprintf("k%02d", i)] = fmt.Sprintf("v%d", i)
	}
	if _, err := c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("tags"), Tags: add}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("tags"), Limit: aws.Int32(4)})
	if err != nil || len(out.Tags) != 4 || *out.Tags[0].Key != "k00" || !*out.HasMoreTags {
		t.Fatalf("first tags page: %+v %v", out, err)
	}
	out, _ = c.ListTagsForStream(ctx, &kinesis.ListTagsForStreamInput{StreamName: aws.String("tags"), ExclusiveStartTagKey: aws.String("k08")})
	if len(out.Tags) != 2 || *out.Tags[0].Key != "k09" || *out.Tags[1].Key != "team" || *out.HasMoreTags {
		t.Fatalf("after k08: %+v", out.Tags)
	}
	if _, err := c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("tags"), TagKeys: []string{"k00", "absent"}}); err != nil {
		t.Fatal(err)
	}
	arn := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/tags")
	if _, err := c.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: map[string]string{"env": "test"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	res, err := c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil || len(res.Tags) != 10 || *res.Tags[0].Key != "env" {
		t.Fatalf("ListTagsForResource: %+v %v", res, err)
	}

	many := map[string]string{}
	for i := range 41 {
		many[fmt.Sprintf("m%02d", i)] = ""
	}
	_, err = c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("tags"), Tags: many})
	wantAPIError(t, err, "InvalidArgumentException", "Failed to add tags to stream tags under account 000000000000 because a given stream cannot have more than 50 tags associated with it.")
	_, err = c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("tags"), Tags: map[string]string{"a": "b*"}})
	wantAPIError(t, err, "InvalidArgumentException", "Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @.")
	_, err = c.AddTagsToStream(ctx, &kinesis.AddTagsToStreamInput{StreamName: aws.String("tags"), Tags: map[string]string{"": "x"}})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '{=x}' at 'tags' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]")
	_, err = c.RemoveTagsFromStream(ctx, &kinesis.RemoveTagsFromStreamInput{StreamName: aws.String("tags"), TagKeys: []string{}})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '[]' at 'tagKeys' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err = c.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/none")})
	wantAPIError(t, err, "ResourceNotFoundException", "Stream none under account 000000000000 not found.")
}

func TestEnhancedMonitoring(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "mon", 1)
	out, err := c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("mon"), ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes}})
	if err != nil || len(out.CurrentShardLevelMetrics) != 0 || fmt.Sprint(out.DesiredShardLevelMetrics) != "[IncomingBytes]" || *out.StreamName != "mon" {
		t.Fatalf("enable: %+v %v", out, err)
	}
	out, _ = c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("mon"), ShardLevelMetrics: []types.MetricsName{types.MetricsNameAll}})
	if len(out.DesiredShardLevelMetrics) != 7 {
		t.Fatalf("ALL: %v", out.DesiredShardLevelMetrics)
	}
	dis, err := c.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{StreamName: aws.String("mon"), ShardLevelMetrics: []types.MetricsName{types.MetricsNameIncomingBytes, types.MetricsNameOutgoingBytes}})
	if err != nil || len(dis.CurrentShardLevelMetrics) != 7 || len(dis.DesiredShardLevelMetrics) != 5 {
		t.Fatalf("disable: %+v %v", dis, err)
	}
	d := waitActive(t, c, "mon")
	if len(d.EnhancedMonitoring[0].ShardLevelMetrics) != 5 {
		t.Fatalf("described metrics %v", d.EnhancedMonitoring)
	}
	_, err = c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: aws.String("mon"), ShardLevelMetrics: []types.MetricsName{"Bogus"}})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '[Bogus]' at 'shardLevelMetrics' failed to satisfy constraint: Member must satisfy constraint: [Member must satisfy enum value set: [IncomingBytes, IncomingRecords, OutgoingBytes, OutgoingRecords, WriteProvisionedThroughputExceeded, ReadProvisionedThroughputExceeded, IteratorAgeMilliseconds, ALL]]")
}

func TestResourcePolicy(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "pol", 1)
	arn := aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/pol")
	got, err := c.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: arn})
	if err != nil || *got.Policy != "{}" {
		t.Fatalf("no policy: %v %v", got, err)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kinesis:GetRecords","Resource":"arn:aws:kinesis:us-east-1:000000000000:stream/pol"}]}`
	if _, err := c.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: arn, Policy: aws.String(policy)}); err != nil {
		t.Fatal(err)
	}
	got, _ = c.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: arn})
	if *got.Policy != policy {
		t.Fatalf("policy %s", *got.Policy)
	}
	_, err = c.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: arn, Policy: aws.String("{not json")})
	wantAPIError(t, err, "InvalidArgumentException", "Policy document is not valid JSON.")
	if _, err := c.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: arn}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: arn})
	wantAPIError(t, err, "ResourceNotFoundException", "No resource policy found for resource arn:aws:kinesis:us-east-1:000000000000:stream/pol.")
}

func TestAccountSettings(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now))
	out, err := c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
	if err != nil || out.MinimumThroughputBillingCommitment.Status != types.MinimumThroughputBillingCommitmentOutputStatusDisabled {
		t.Fatalf("initial: %+v %v", out, err)
	}
	set := func(s types.MinimumThroughputBillingCommitmentInputStatus) *types.MinimumThroughputBillingCommitmentOutput {
		out, err := c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: s}})
		if err != nil {
			t.Fatal(err)
		}
		return out.MinimumThroughputBillingCommitment
	}
	on := set(types.MinimumThroughputBillingCommitmentInputStatusEnabled)
	if on.Status != types.MinimumThroughputBillingCommitmentOutputStatusEnabled || on.StartedAt == nil || on.EarliestAllowedEndAt.Sub(*on.StartedAt) != 24*time.Hour {
		t.Fatalf("enabled: %+v", on)
	}
	clock.Advance(time.Hour)
	off := set(types.MinimumThroughputBillingCommitmentInputStatusDisabled)
	if off.Status != types.MinimumThroughputBillingCommitmentOutputStatusEnabledUntilEarliestAllowedEnd || !off.EndedAt.Equal(*on.EarliestAllowedEndAt) {
		t.Fatalf("early disable: %+v", off)
	}
	clock.Advance(24 * time.Hour)
	out, _ = c.DescribeAccountSettings(ctx, &kinesis.DescribeAccountSettingsInput{})
	if out.MinimumThroughputBillingCommitment.Status != types.MinimumThroughputBillingCommitmentOutputStatusDisabled {
		t.Fatalf("after the earliest end: %+v", out.MinimumThroughputBillingCommitment)
	}
	_, err = c.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: "MAYBE"}})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value 'MAYBE' at 'minimumThroughputBillingCommitment.status' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]")
}
