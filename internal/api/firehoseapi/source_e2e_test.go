package firehoseapi_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ktypes "github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	fh "sluice/internal/firehose"
	"sluice/internal/testserver"
)

// TestKinesisSourceAcrossAReshardAndARestart: a delivery stream reading a
// data stream delivers the records written before and after a split, the
// parent's before its children's, and after a restart goes on from where
// it was without losing any.
func TestKinesisSourceAcrossAReshardAndARestart(t *testing.T) {
	forEachStore(t, []string{"lake"}, func(t *testing.T, st *bucketStore) {
		clock := testserver.NewClock()
		dir := testserver.TempDir(t)
		fast := testserver.WithFirehose(func(c *fh.Config) { c.SourcePoll = 20 * time.Millisecond })
		srv := st.start(t, testserver.WithClock(clock.Now), testserver.WithDir(dir), fast)
		ks, fc := srv.Kinesis(), srv.FirehoseClient()
		ctx := t.Context()
		if _, err := ks.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("src"), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
		arn := "arn:aws:kinesis:us-east-1:000000000000:stream/src"
		clock.Advance(2 * time.Second) // the shard was created before the delivery stream
		_, err := fc.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
			DeliveryStreamName:               aws.String("from-kinesis"),
			DeliveryStreamType:               types.DeliveryStreamTypeKinesisStreamAsSource,
			KinesisStreamSourceConfiguration: &types.KinesisStreamSourceConfiguration{KinesisStreamARN: aws.String(arn), RoleARN: aws.String("arn:aws:iam::000000000000:role/r")},
			ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
				RoleARN: aws.String("arn:aws:iam::000000000000:role/r"), BucketARN: aws.String("arn:aws:s3:::lake"),
				BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(5), IntervalInSeconds: aws.Int32(60)},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		waitActive(t, fc, "from-kinesis")
		if _, err := fc.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String("from-kinesis"), Record: &types.Record{Data: []byte("x")}}); apiCode(err) != "InvalidArgumentException" ||
			apiMessage(err) != "This operation is not permitted on KinesisStreamAsSource delivery stream type." {
			t.Fatalf("PutRecord on a Kinesis source: %v", err)
		}
		putK := func(prefix string, n int) []string {
			var out []string
			for i := range n {
				rec := fmt.Sprintf("%s%02d;", prefix, i)
				if _, err := ks.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("src"), PartitionKey: aws.String(rec), Data: []byte(rec)}); err != nil {
					t.Fatal(err)
				}
				out = append(out, rec)
			}
			return out
		}
		before := putK("p", 10)
		waitIncoming(t, srv, "from-kinesis", 10)
		srv.Stop() // a restart between reading and delivering

		srv = st.start(t, testserver.WithClock(clock.Now), testserver.WithDir(dir), fast)
		ks = srv.Kinesis()
		more := putK("q", 5)
		if _, err := ks.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("src"), ShardToSplit: aws.String("shardId-000000000000"),
			NewStartingHashKey: aws.String("170141183460469231731687303715884105728")}); err != nil {
			t.Fatal(err)
		}
		waitStreamActive(t, ks, "src")
		after := putK("c", 20)
		waitIncoming(t, srv, "from-kinesis", 25) // this server's count: 5 + 20
		clock.Advance(time.Minute)
		keys := st.wait(t, "lake", 1)
		var got string
		for _, k := range keys {
			got += string(st.read(t, "lake", k))
		}
		records := strings.SplitAfter(got, ";")
		records = records[:len(records)-1]
		want := slices.Concat(before, more, after)
		if !slices.Equal(sorted(records), sorted(want)) {
			t.Fatalf("delivered %d records %v, want %d %v", len(records), records, len(want), want)
		}
		// Lineage: every parent record comes before every child record.
		lastParent := slices.IndexFunc(records, func(r string) bool { return r == more[len(more)-1] })
		for i, r := range records {
			if strings.HasPrefix(r, "c") && i < lastParent {
				t.Fatalf("child record %s delivered before the parent's last (%d < %d)", r, i, lastParent)
			}
		}
	})
}

// fhCaller is the test servers' default account and region.
var fhCaller = fh.Caller{Account: "000000000000", Region: "us-east-1"}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func waitIncoming(t *testing.T, srv *testserver.Server, name string, n int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		m, err := srv.Server.Firehose().DeliveryMetrics(fhCaller, name)
		if err != nil {
			t.Fatal(err)
		}
		if m.IncomingRecords.Load() >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d records read from the source, want %d", m.IncomingRecords.Load(), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func waitStreamActive(t *testing.T, ks *kinesis.Client, name string) {
	t.Helper()
	for range 500 {
		out, err := ks.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if out.StreamDescriptionSummary.StreamStatus == ktypes.StreamStatusActive {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never ACTIVE", name)
}
