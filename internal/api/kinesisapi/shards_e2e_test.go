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

func shardIDs(shards []types.Shard) string {
	var ids []string
	for _, sh := range shards {
		ids = append(ids, (*sh.ShardId)[len("shardId-000000000"):])
	}
	return fmt.Sprint(ids)
}

func TestListShardsPagingAndFilters(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now))
	created := clock.Now()
	createStream(t, c, "ls", 7)
	clock.Advance(time.Minute)

	out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("ls"), MaxResults: aws.Int32(3)})
	if err != nil {
		t.Fatal(err)
	}
	if shardIDs(out.Shards) != "[000 001 002]" || out.NextToken == nil {
		t.Fatalf("page 1: %s", shardIDs(out.Shards))
	}
	all := out.Shards
	for out.NextToken != nil {
		out, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: out.NextToken, MaxResults: aws.Int32(3)})
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, out.Shards...)
	}
	if shardIDs(all) != "[000 001 002 003 004 005 006]" {
		t.Fatalf("paged: %s", shardIDs(all))
	}

	filter := func(f *types.ShardFilter) string {
		t.Helper()
		out, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("ls"), ShardFilter: f})
		if err != nil {
			t.Fatalf("filter %+v: %v", f, err)
		}
		return shardIDs(out.Shards)
	}
	cases := []struct {
		f    *types.ShardFilter
		want string
	}{
		{&types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("shardId-000000000004")}, "[005 006]"},
		{&types.ShardFilter{Type: types.ShardFilterTypeAtLatest}, "[000 001 002 003 004 005 006]"},
		{&types.ShardFilter{Type: types.ShardFilterTypeAtTrimHorizon}, "[000 001 002 003 004 005 006]"}, // the trim horizon of a young stream is its creation
		{&types.ShardFilter{Type: types.ShardFilterTypeFromTrimHorizon}, "[000 001 002 003 004 005 006]"},
		{&types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: aws.Time(created.Add(-time.Hour))}, "[000 001 002 003 004 005 006]"},
		{&types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp, Timestamp: aws.Time(created.Add(time.Second))}, "[000 001 002 003 004 005 006]"},
		{&types.ShardFilter{Type: types.ShardFilterTypeFromTimestamp, Timestamp: aws.Time(created.Add(-time.Hour))}, "[000 001 002 003 004 005 006]"},
	}
	for _, tc := range cases {
		if got := filter(tc.f); got != tc.want {
			t.Errorf("filter %s: %s, want %s", tc.f.Type, got, tc.want)
		}
	}
	out, err = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("ls"), ExclusiveStartShardId: aws.String("shardId-000000000005")})
	if err != nil || shardIDs(out.Shards) != "[006]" {
		t.Fatalf("ExclusiveStartShardId: %v %v", out, err)
	}

	// Paging keeps the filter.
	out, _ = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("ls"), MaxResults: aws.Int32(1),
		ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId, ShardId: aws.String("4")}})
	out2, err := c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: out.NextToken})
	if err != nil || shardIDs(out.Shards) != "[005]" || shardIDs(out2.Shards) != "[006]" || out2.NextToken != nil {
		t.Fatalf("filtered paging: %s then %v %v", shardIDs(out.Shards), out2, err)
	}

	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{})
	wantAPIError(t, err, "InvalidArgumentException", "Either NextToken or StreamName should be provided.")
	token := out.NextToken
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: token, StreamName: aws.String("ls")})
	wantAPIError(t, err, "InvalidArgumentException", "NextToken and StreamName cannot be provided together.")
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: token, ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtLatest}})
	wantAPIError(t, err, "InvalidArgumentException", "NextToken and ShardFilter cannot be provided together.")
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: token, ExclusiveStartShardId: aws.String("1")})
	wantAPIError(t, err, "InvalidArgumentException", "NextToken and ExclusiveStartShardId cannot be provided together.")
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: aws.String("AAAAAAAAAAEnotatoken")})
	wantAPIError(t, err, "InvalidArgumentException", "Invalid NextToken.")
	clock.Advance(301 * time.Second)
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{NextToken: token})
	wantAPIError(t, err, "ExpiredNextTokenException", "The NextToken has expired.")
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("ls"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAtTimestamp}})
	wantAPIError(t, err, "InvalidArgumentException", "Timestamp is required for ShardFilter type AT_TIMESTAMP.")
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("ls"), ShardFilter: &types.ShardFilter{Type: types.ShardFilterTypeAfterShardId}})
	wantAPIError(t, err, "InvalidArgumentException", "ShardId is required for ShardFilter type AFTER_SHARD_ID.")
	_, err = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("ls"), StreamCreationTimestamp: aws.Time(created.Add(-time.Hour))})
	wantAPIError(t, err, "ResourceNotFoundException", "Stream ls under account 000000000000 not found.")
	out, err = c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("ls"), StreamCreationTimestamp: aws.Time(created.Truncate(time.Millisecond))})
	if err != nil || len(out.Shards) != 7 {
		t.Fatalf("matching StreamCreationTimestamp: %v", err)
	}
}

func TestDescribeStreamPaging(t *testing.T) {
	_, c := start(t)
	createStream(t, c, "many", 120)
	out, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("many")})
	if err != nil {
		t.Fatal(err)
	}
	d := out.StreamDescription
	if len(d.Shards) != 100 || !*d.HasMoreShards {
		t.Fatalf("first page: %d shards, more %v", len(d.Shards), *d.HasMoreShards)
	}
	out, err = c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("many"), ExclusiveStartShardId: d.Shards[99].ShardId, Limit: aws.Int32(15)})
	if err != nil || len(out.StreamDescription.Shards) != 15 || *out.StreamDescription.Shards[0].ShardId != "shardId-000000000100" || !*out.StreamDescription.HasMoreShards {
		t.Fatalf("second page: %v", err)
	}
	out, _ = c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String("many"), ExclusiveStartShardId: aws.String("shardId-000000000114")})
	if len(out.StreamDescription.Shards) != 5 || *out.StreamDescription.HasMoreShards {
		t.Fatalf("last page: %d", len(out.StreamDescription.Shards))
	}
}
