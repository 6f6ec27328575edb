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

func TestCreateStreamShardsAndHashRanges(t *testing.T) {
	_, c := start(t)
	d := createStream(t, c, "three", 3)
	want := [][2]string{
		{"0", "113427455640312821154458202477256070484"},
		{"113427455640312821154458202477256070485", "226854911280625642308916404954512140969"},
		{"226854911280625642308916404954512140970", "340282366920938463463374607431768211455"},
	}
	if len(d.Shards) != 3 {
		t.Fatalf("shards = %d", len(d.Shards))
	}
	for i, sh := range d.Shards {
		if got := *sh.ShardId; got != fmt.Sprintf("shardId-%012d", i) {
			t.Errorf("shard %d id %s", i, got)
		}
		if *sh.HashKeyRange.StartingHashKey != want[i][0] || *sh.HashKeyRange.EndingHashKey != want[i][1] {
			t.Errorf("shard %d range %s-%s, want %s-%s", i, *sh.HashKeyRange.StartingHashKey, *sh.HashKeyRange.EndingHashKey, want[i][0], want[i][1])
		}
		if seq := *sh.SequenceNumberRange.StartingSequenceNumber; len(seq) != 56 {
			t.Errorf("starting sequence %s has %d digits", seq, len(seq))
		}
		if sh.SequenceNumberRange.EndingSequenceNumber != nil || sh.ParentShardId != nil {
			t.Errorf("open shard %d has ending sequence or parent", i)
		}
	}
	if *d.StreamARN != "arn:aws:kinesis:us-east-1:000000000000:stream/three" || *d.RetentionPeriodHours != 24 ||
		d.StreamModeDetails.StreamMode != types.StreamModeProvisioned || *d.HasMoreShards || d.EncryptionType != types.EncryptionTypeNone {
		t.Errorf("description: %+v", d)
	}
}

func TestStreamLifecycleWithDelays(t *testing.T) {
	_, c := start(t, testserver.WithConfig(func(cfg *config.Config) {
		cfg.CreateDelay, cfg.DeleteDelay = time.Second, time.Second
	}))
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("slow"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("slow")})
	if err != nil {
		t.Fatal(err)
	}
	if d.StreamDescription.StreamStatus != types.StreamStatusCreating || len(d.StreamDescription.Shards) != 0 {
		t.Fatalf("new stream: %s with %d shards", d.StreamDescription.StreamStatus, len(d.StreamDescription.Shards))
	}
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("slow"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantAPIError(t, err, "ResourceNotFoundException", "Stream slow under account 000000000000 not found.")
	_, err = c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("slow"), ShardCount: aws.Int32(1)})
	wantAPIError(t, err, "ResourceInUseException", "Stream slow under account 000000000000 already exists.")

	waitActive(t, c, "slow")
	if _, err := c.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("slow")}); err != nil {
		t.Fatal(err)
	}
	s, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("slow")})
	if err != nil || s.StreamDescriptionSummary.StreamStatus != types.StreamStatusDeleting {
		t.Fatalf("after delete: %v %v", s, err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err = c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("slow")})
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("stream not deleted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	wantAPIError(t, err, "ResourceNotFoundException", "Stream slow under account 000000000000 not found.")
	// The name is free again.
	createStream(t, c, "slow", 1)
}

func TestCreateStreamValidation(t *testing.T) {
	_, c := start(t)
	long := strings.Repeat("a", 129)
	cases := []struct {
		in   *kinesis.CreateStreamInput
		code string
		msg  string
	}{
		{&kinesis.CreateStreamInput{StreamName: aws.String(long), ShardCount: aws.Int32(1)}, "ValidationException",
			"1 validation error detected: Value '" + long + "' at 'streamName' failed to satisfy constraint: Member must have length less than or equal to 128"},
		{&kinesis.CreateStreamInput{StreamName: aws.String("bad name!"), ShardCount: aws.Int32(0)}, "ValidationException",
			"2 validation errors detected: Value '0' at 'shardCount' failed to satisfy constraint: Member must have value greater than or equal to 1; " +
				"Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"},
		{&kinesis.CreateStreamInput{StreamName: aws.String("big"), ShardCount: aws.Int32(20001)}, "LimitExceededException",
			"This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 0. Limit: 20000. " +
				"Number of additional shards that would have resulted from this request: 20001. Refer to the AWS Service Limits page " +
				"(http://docs.aws.amazon.com/general/latest/gr/aws_service_limits.html) for current limits and how to request higher limits."},
		{&kinesis.CreateStreamInput{StreamName: aws.String("sized"), ShardCount: aws.Int32(1), MaxRecordSizeInKiB: aws.Int32(100)}, "ValidationException",
			"1 validation error detected: Value '100' at 'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024"},
		{&kinesis.CreateStreamInput{StreamName: aws.String("tagged"), ShardCount: aws.Int32(1), Tags: map[string]string{"a": "b$"}}, "InvalidArgumentException",
			"Some tags contain invalid characters. Valid characters: Unicode letters, digits, white space, _ . / = + - % @."},
	}
	for _, tc := range cases {
		_, err := c.CreateStream(ctx, tc.in)
		wantAPIError(t, err, tc.code, tc.msg)
	}
	out, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil || len(out.StreamNames) != 0 {
		t.Fatalf("failed creates left streams: %v %v", out.StreamNames, err)
	}
}

func TestShardLimitCountsOpenShards(t *testing.T) {
	_, c := start(t, testserver.WithConfig(func(cfg *config.Config) { cfg.ShardLimit = 5 }))
	createStream(t, c, "a", 3)
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("b"), ShardCount: aws.Int32(3)})
	wantAPIError(t, err, "LimitExceededException", "This request would exceed the shard limit for the account 000000000000 in us-east-1. Current shard count for the account: 3. Limit: 5. Number of additional shards that would have resulted from this request: 3. …")
	createStream(t, c, "b", 2)
	l, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	if err != nil || *l.ShardLimit != 5 || *l.OpenShardCount != 5 || *l.OnDemandStreamCount != 0 || *l.OnDemandStreamCountLimit != 50 {
		t.Fatalf("DescribeLimits = %+v, %v", l, err)
	}
}

func TestOnDemandStream(t *testing.T) {
	_, c := start(t)
	_, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}})
	if err != nil {
		t.Fatal(err)
	}
	d := waitActive(t, c, "od")
	if d.StreamModeDetails.StreamMode != types.StreamModeOnDemand || len(d.Shards) != 4 {
		t.Fatalf("on-demand stream: %s with %d shards", d.StreamModeDetails.StreamMode, len(d.Shards))
	}
	// Without ShardCount and mode, a stream is on-demand, as in the console.
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("plain")}); err != nil {
		t.Fatal(err)
	}
	if d := waitActive(t, c, "plain"); d.StreamModeDetails.StreamMode != types.StreamModeOnDemand {
		t.Fatalf("default mode %s", d.StreamModeDetails.StreamMode)
	}
	l, _ := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
	if *l.OnDemandStreamCount != 2 || *l.OpenShardCount != 8 {
		t.Fatalf("limits %+v", l)
	}
}

func TestDescribeStreamSummary(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "sum", 5)
	out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("sum")})
	if err != nil {
		t.Fatal(err)
	}
	s := out.StreamDescriptionSummary
	if *s.OpenShardCount != 5 || *s.ConsumerCount != 0 || *s.MaxRecordSizeInKiB != 1024 || *s.RetentionPeriodHours != 24 ||
		*s.StreamARN != "arn:aws:kinesis:us-east-1:000000000000:stream/sum" || len(*s.StreamId) != 24 || s.StreamCreationTimestamp.IsZero() {
		t.Fatalf("summary %+v", s)
	}
}

func TestListStreamsPaging(t *testing.T) {
	_, c := start(t)
	for i := range 5 {
		createStream(t, c, fmt.Sprintf("s%d", i), 1)
	}
	out, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(out.StreamNames) != "[s0 s1]" || !*out.HasMoreStreams || out.NextToken == nil || len(out.StreamSummaries) != 2 ||
		*out.StreamSummaries[0].StreamARN != "arn:aws:kinesis:us-east-1:000000000000:stream/s0" {
		t.Fatalf("page 1: %+v", out)
	}
	out, err = c.ListStreams(ctx, &kinesis.ListStreamsInput{NextToken: out.NextToken, Limit: aws.Int32(2)})
	if err != nil || fmt.Sprint(out.StreamNames) != "[s2 s3]" {
		t.Fatalf("page 2: %v %v", out.StreamNames, err)
	}
	out, err = c.ListStreams(ctx, &kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String("s3")})
	if err != nil || fmt.Sprint(out.StreamNames) != "[s4]" || *out.HasMoreStreams || out.NextToken != nil {
		t.Fatalf("after s3: %+v %v", out, err)
	}
	_, err = c.ListStreams(ctx, &kinesis.ListStreamsInput{NextToken: aws.String("bm90IGEgdG9rZW4=")})
	wantAPIError(t, err, "InvalidArgumentException", "Invalid NextToken.")
	_, err = c.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(10001)})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: Member must have value less than or equal to 10000")
}

func TestStreamARNAddressing(t *testing.T) {
	srv, c := start(t)
	createStream(t, c, "byarn", 1)
	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/byarn"
	out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String(arn)})
	if err != nil || *out.StreamDescriptionSummary.StreamName != "byarn" {
		t.Fatalf("by ARN: %v", err)
	}
	// The KPL sends both; they must agree.
	if _, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("byarn"), StreamARN: aws.String(arn)}); err != nil {
		t.Fatal(err)
	}
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{StreamARN: aws.String(arn), StreamName: aws.String("other"), PartitionKey: aws.String("k"), Data: []byte("x")})
	wantAPIError(t, err, "InvalidArgumentException", "StreamName other and StreamARN "+arn+" do not identify the same stream.")
	_, err = c.PutRecord(ctx, &kinesis.PutRecordInput{PartitionKey: aws.String("k"), Data: []byte("x")})
	wantAPIError(t, err, "InvalidArgumentException", "Stream arn and stream name can't be empty at the same time")
	_, err = c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String("arn:aws:kinesis:us-east-1:111122223333:stream/byarn")})
	wantAPIError(t, err, "AccessDeniedException", "User: arn:aws:iam::000000000000:root is not authorized to perform: kinesis:DescribeStreamSummary on resource: arn:aws:kinesis:us-east-1:111122223333:stream/byarn because no resource-based policy allows the kinesis:DescribeStreamSummary action")
	_, err = c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamARN: aws.String("not-an-arn")})
	wantAPIError(t, err, "ValidationException", "1 validation error detected: Value 'not-an-arn' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+")

	// Streams are per region and per account.
	west := kinesis.NewFromConfig(srv.AWSConfig("us-west-2", "AKIDTEST", "secret"))
	if _, err := west.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("byarn")}); err == nil {
		t.Fatal("stream visible from another region")
	}
	other := kinesis.NewFromConfig(srv.AWSConfig("us-east-1", "111122223333", "secret"))
	_, err = other.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("byarn")})
	wantAPIError(t, err, "ResourceNotFoundException", "Stream byarn under account 111122223333 not found.")
	createStream(t, other, "byarn", 2)
	d := waitActive(t, c, "byarn")
	if len(d.Shards) != 1 {
		t.Fatal("account streams are not separate")
	}
}
