package cluster_test

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	fhdomain "sluice/internal/firehose"
	"sluice/internal/server"
	"sluice/internal/testserver/clusterserver"
)

func firehoseAt(url string) *firehose.Client { return firehose.NewFromConfig(clientAt(url)) }

// TestDeliveryStreamsSpreadOverNodes: delivery streams created through
// any node are spread over the three nodes, each run by exactly the node
// its placement names, and one that reads a Kinesis stream runs on that
// stream's node; records put through every node are delivered to S3; when
// a node stops, its delivery streams move to the others and every record
// acknowledged before or after is delivered; after the whole cluster
// restarts, each delivery stream runs on one node again and delivers.
func TestDeliveryStreamsSpreadOverNodes(t *testing.T) {
	dataDir := filepath.Join(t.TempDir(), "data")
	c := startNodesAt(t, 3, dataDir)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	const bucket = "deliveries"
	if _, err := c.Store.S3().CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		t.Fatal(err)
	}
	dest := func(prefix string) *fhtypes.ExtendedS3DestinationConfiguration {
		return &fhtypes.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose"), BucketARN: aws.String("arn:aws:s3:::" + bucket),
			Prefix:         aws.String(prefix + "/"),
			BufferingHints: &fhtypes.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(0)},
		}
	}
	src, err := kinesisAt(c.URLs[0]).CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("src"), ShardCount: aws.Int32(1)})
	if err != nil || src == nil {
		t.Fatal(err)
	}
	desc, err := kinesisAt(c.URLs[1]).DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("src")})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"d0", "d1", "d2", "d3", "d4", "d5"}
	for i, name := range names {
		if _, err := firehoseAt(c.URLs[i%3]).CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
			DeliveryStreamName: aws.String(name), ExtendedS3DestinationConfiguration: dest(name),
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := firehoseAt(c.URLs[2]).CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("fromsrc"), DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration: &fhtypes.KinesisStreamSourceConfiguration{
			KinesisStreamARN: desc.StreamDescriptionSummary.StreamARN, RoleARN: aws.String("arn:aws:iam::000000000000:role/r")},
		ExtendedS3DestinationConfiguration: dest("fromsrc"),
	}); err != nil {
		t.Fatal(err)
	}
	nodes := []string{c.Nodes[0].ID(), c.Nodes[1].ID(), c.Nodes[2].ID()}
	where := waitDeliveriesPlaced(t, c, append(slices.Clone(names), "fromsrc"), nodes)
	if count := distinct(where, names); count < 3 {
		t.Fatalf("the delivery streams run on %d nodes, want 3: %v", count, where)
	}

	sent := map[string][]string{}
	put := func(round int, urls []string) {
		t.Helper()
		for _, name := range names {
			for i, url := range urls {
				data := fmt.Sprintf("%s-%d-%d\n", name, round, i)
				putRecordRetrying(ctx, t, firehoseAt(url), name, data)
				sent[name] = append(sent[name], data)
			}
		}
		for i, url := range urls {
			data := fmt.Sprintf("src-%d-%d\n", round, i)
			putRetrying(ctx, t, kinesisAt(url), "src", data)
			sent["fromsrc"] = append(sent["fromsrc"], data)
		}
	}
	t.Logf("placed: %v", where)
	put(0, c.URLs)
	waitDelivered(ctx, t, c.Store.S3(), bucket, sent)

	// A node that is not the owner and runs delivery streams stops: they
	// move to the other two, "fromsrc" with its stream.
	stopped := -1
	for i, n := range c.Nodes {
		if n.Server() == nil && slices.Contains(mapValues(where, names), nodes[i]) {
			stopped = i
			break
		}
	}
	if stopped < 0 {
		t.Fatalf("no worker runs a delivery stream: %v", where)
	}
	c.StopNode(stopped)
	live := slices.Delete(slices.Clone(nodes), stopped, stopped+1)
	liveURLs := slices.Delete(slices.Clone(c.URLs), stopped, stopped+1)
	after := waitDeliveriesPlaced(t, c, append(slices.Clone(names), "fromsrc"), live)
	for name, node := range after {
		if node == nodes[stopped] {
			t.Fatalf("%s still on the stopped node", name)
		}
	}
	t.Logf("after node %s stopped: %v", nodes[stopped], after)
	put(1, liveURLs)
	waitDelivered(ctx, t, c.Store.S3(), bucket, sent)

	// Every node stops and starts again: no node runs what it ran before
	// unplaced; the owner places each delivery stream on one node.
	c.Stop()
	c = startNodesAt(t, 3, dataDir)
	waitDeliveriesPlaced(t, c, append(slices.Clone(names), "fromsrc"), nodes)
	put(2, c.URLs)
	waitDelivered(ctx, t, c.Store.S3(), bucket, sent)
}

// waitDeliveriesPlaced waits until every delivery stream named runs on one
// of nodes (as its placement says, and as the nodes' services own them),
// "fromsrc" on the node of stream "src"; it returns where each runs.
func waitDeliveriesPlaced(t *testing.T, c *clusterserver.Nodes, names, nodes []string) map[string]string {
	t.Helper()
	var deliveries map[string]string
	waitPlaced(t, c, fmt.Sprintf("delivery streams not placed on %v", nodes), func(placed map[string]string) bool {
		deliveries = ofKind(placed, "delivery-stream")
		ok := len(deliveries) == len(names) && deliveries["fromsrc"] == placed["stream src"]
		for _, node := range deliveries {
			ok = ok && slices.Contains(nodes, node)
		}
		return ok && deliveriesOwnedAsPlaced(c, deliveries)
	})
	return deliveries
}

// deliveriesOwnedAsPlaced tells whether every delivery stream is run by
// the Firehose service of the node where placed says it runs, and by no
// other.
func deliveriesOwnedAsPlaced(c *clusterserver.Nodes, placed map[string]string) bool {
	return runAsPlaced(c, placed, func(srv *server.Server) map[string]bool {
		owned := map[string]bool{}
		srv.Firehose().Each(func(ds *fhdomain.DeliveryStream, _ *fhdomain.Metrics) { owned[ds.Name] = true })
		return owned
	})
}

func distinct(where map[string]string, names []string) int {
	return len(slices.Compact(slices.Sorted(slices.Values(mapValues(where, names)))))
}

func mapValues(m map[string]string, keys []string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, m[k])
	}
	return out
}

// putRecordRetrying puts one record to a delivery stream, retrying what a
// client retries (a delivery stream moving answers 500 for a moment).
func putRecordRetrying(ctx context.Context, t *testing.T, fh *firehose.Client, name, data string) {
	t.Helper()
	for {
		_, err := fh.PutRecord(ctx, &firehose.PutRecordInput{DeliveryStreamName: aws.String(name), Record: &fhtypes.Record{Data: []byte(data)}})
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("PutRecord %q to %s: %v", data, name, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitDelivered waits until every record sent to each delivery stream is
// in an object under its prefix (records may be delivered twice: a
// delivery cut short by a move is made again).
func waitDelivered(ctx context.Context, t *testing.T, s3c *s3.Client, bucket string, sent map[string][]string) {
	t.Helper()
	var missing []string
	for ctx.Err() == nil {
		got := map[string]bool{}
		list := s3.NewListObjectsV2Paginator(s3c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
		for list.HasMorePages() {
			page, err := list.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range page.Contents {
				obj, err := s3c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(obj.Body)
				obj.Body.Close()
				prefix, _, _ := strings.Cut(*o.Key, "/")
				for line := range strings.Lines(string(body)) {
					got[prefix+" "+line] = true
				}
			}
		}
		missing = missing[:0]
		for name, records := range sent {
			for _, r := range records {
				if !got[name+" "+r] {
					missing = append(missing, name+": "+strings.TrimSpace(r))
				}
			}
		}
		if len(missing) == 0 {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("not delivered: %v", missing)
}
