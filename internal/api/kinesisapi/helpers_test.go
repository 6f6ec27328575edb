package kinesisapi_test

import (
	"context"
	"errors"
	"math/big"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"sluice/internal/testserver"
)

var ctx = context.Background()

// start returns a server with zero delays and a client for it.
func start(t *testing.T, opts ...testserver.Option) (*testserver.Server, *kinesis.Client) {
	t.Helper()
	srv := testserver.Start(t, opts...)
	return srv, srv.Kinesis()
}

// createStream creates a provisioned stream and returns its description.
func createStream(t *testing.T, c *kinesis.Client, name string, shards int32) *types.StreamDescription {
	t.Helper()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		t.Fatalf("CreateStream %s: %v", name, err)
	}
	return waitActive(t, c, name)
}

// waitActive polls DescribeStream until the stream is ACTIVE.
func waitActive(t *testing.T, c *kinesis.Client, name string) *types.StreamDescription {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := c.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(name)})
		if err != nil {
			t.Fatalf("DescribeStream %s: %v", name, err)
		}
		if out.StreamDescription.StreamStatus == types.StreamStatusActive {
			return out.StreamDescription
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream %s still %s", name, out.StreamDescription.StreamStatus)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// wantAPIError asserts err is the AWS error code with exactly msg (or, when
// msg ends with "…", a message starting with the rest).
func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("want %s %q, got %v", code, msg, err)
	}
	if apiErr.ErrorCode() != code {
		t.Fatalf("want code %s, got %s: %s", code, apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
	got := apiErr.ErrorMessage()
	if prefix, ok := strings.CutSuffix(msg, "…"); ok {
		if !strings.HasPrefix(got, prefix) {
			t.Fatalf("want %s message starting %q, got %q", code, prefix, got)
		}
		return
	}
	if got != msg {
		t.Fatalf("want %s message\n  %q\ngot\n  %q", code, msg, got)
	}
}

// iterator returns a shard iterator.
func iterator(t *testing.T, c *kinesis.Client, stream, shard string, typ types.ShardIteratorType, seq *string) string {
	t.Helper()
	out, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{
		StreamName: aws.String(stream), ShardId: aws.String(shard), ShardIteratorType: typ, StartingSequenceNumber: seq,
	})
	if err != nil {
		t.Fatalf("GetShardIterator %s %s %s: %v", stream, shard, typ, err)
	}
	return *out.ShardIterator
}

// readAll drains a shard from an iterator until a call returns nothing.
func readAll(t *testing.T, c *kinesis.Client, it string) []types.Record {
	t.Helper()
	var all []types.Record
	for i := 0; i < 1000; i++ {
		out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it)})
		if err != nil {
			t.Fatalf("GetRecords: %v", err)
		}
		all = append(all, out.Records...)
		if len(out.Records) == 0 || out.NextShardIterator == nil {
			return all
		}
		it = *out.NextShardIterator
	}
	t.Fatal("GetRecords did not drain")
	return nil
}

func sortShardsByHash(shards []types.Shard) {
	key := func(sh types.Shard) *big.Int {
		b, _ := new(big.Int).SetString(*sh.HashKeyRange.StartingHashKey, 10)
		return b
	}
	sort.Slice(shards, func(i, j int) bool { return key(shards[i]).Cmp(key(shards[j])) < 0 })
}

func addOne(s string) string {
	b, _ := new(big.Int).SetString(s, 10)
	return b.Add(b, big.NewInt(1)).String()
}
