package cluster_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/cluster"
	"sluice/internal/config"
	"sluice/internal/server"
	"sluice/internal/testserver/clusterserver"
)

func startNodes(t *testing.T, n int) *clusterserver.Nodes {
	return startNodesAt(t, n, filepath.Join(t.TempDir(), "data"))
}

// startNodesAt starts nodes of the cluster named by dataDir: a second
// start on the same directory finds the first one's data.
func startNodesAt(t *testing.T, n int, dataDir string) *clusterserver.Nodes {
	cfg := config.Defaults()
	cfg.DataDir = dataDir
	cfg.CreateDelay, cfg.DeleteDelay, cfg.UpdateDelay = 0, 0, 0
	cfg.Limits = config.LimitsOff
	return clusterserver.Start(t, n, server.Options{Config: cfg})
}

// clientAt is the SDK configuration of a client of the node at url that
// makes each call once (the tests retry what they mean to).
func clientAt(url string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint: aws.String(url),
		HTTPClient:   &http.Client{Timeout: 30 * time.Second},
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

func kinesisAt(url string) *kinesis.Client { return kinesis.NewFromConfig(clientAt(url)) }

// waitPlaced reads the cluster's status until done accepts where every
// unit runs — keyed "<kind> <name>", the name without its account and
// region — and returns that; it fails the test after 30 s, saying what.
func waitPlaced(t *testing.T, c *clusterserver.Nodes, what string, done func(placed map[string]string) bool) map[string]string {
	t.Helper()
	etcd, err := cluster.Connect(config.Cluster{Etcd: c.Etcd})
	if err != nil {
		t.Fatal(err)
	}
	defer etcd.Close()
	deadline := time.Now().Add(30 * time.Second)
	var last map[string]string
	for time.Now().Before(deadline) {
		st, err := cluster.ReadStatus(t.Context(), etcd, c.Prefix)
		if err != nil {
			t.Fatal(err)
		}
		last = map[string]string{}
		for _, p := range st.Placement {
			last[p.Kind+" "+p.Name[strings.LastIndex(p.Name, "/")+1:]] = p.Node
		}
		if done(last) {
			return last
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: %v", what, last)
	return nil
}

// ofKind returns where the units of the kind run, by name.
func ofKind(placed map[string]string, kind string) map[string]string {
	out := map[string]string{}
	for k, node := range placed {
		if name, ok := strings.CutPrefix(k, kind+" "); ok {
			out[name] = node
		}
	}
	return out
}

// TestEveryNodeServesTheSameStreams: a stream created through one node is
// written and read through every node, in order.
func TestEveryNodeServesTheSameStreams(t *testing.T) {
	c := startNodes(t, 3)
	ctx := t.Context()
	k0 := kinesisAt(c.URLs[0])
	if _, err := k0.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	var seqs []string
	for i, url := range c.URLs {
		out, err := kinesisAt(url).PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte(fmt.Sprint(i))})
		if err != nil {
			t.Fatalf("PutRecord through node %d: %v", i, err)
		}
		seqs = append(seqs, *out.SequenceNumber)
	}
	for _, url := range c.URLs {
		k := kinesisAt(url)
		shards, err := k.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String("s")})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, sh := range shards.Shards {
			it, err := k.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("s"), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
			if err != nil {
				t.Fatal(err)
			}
			recs, err := k.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs.Records {
				got = append(got, *r.SequenceNumber+"="+string(r.Data))
			}
		}
		want := []string{seqs[0] + "=0", seqs[1] + "=1", seqs[2] + "=2"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("read through %s: %v, want %v", url, got, want)
		}
	}
	// Every node serves the status, with the stream placed on the owner.
	resp, err := http.Get(c.URLs[1] + "/cluster/status")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st cluster.Status
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &st); err != nil || st.Owner == nil || len(st.Nodes) != 3 || len(st.Placement) != 1 ||
		st.Placement[0].Open != 2 || st.Placement[0].Node != st.Owner.ID {
		t.Fatalf("status: %s (%v)", b, err)
	}
}

// TestOwnerHandsOverOnStop: stopping the owner moves ownership to another
// node, which serves the records the first acknowledged.
func TestOwnerHandsOverOnStop(t *testing.T) {
	c := startNodes(t, 2)
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	owner, other := 0, 1
	if c.Nodes[1].Server() != nil {
		owner, other = 1, 0
	}
	k := kinesisAt(c.URLs[other])
	if _, err := k.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("h"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	put, err := k.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("h"), PartitionKey: aws.String("k"), Data: []byte("before")})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	c.StopNode(owner)
	for c.Nodes[other].Server() == nil {
		if ctx.Err() != nil {
			t.Fatal("no takeover")
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Logf("takeover after a graceful stop: %v", time.Since(start))
	it, err := k.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("h"), ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := k.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(recs.Records) != 1 || *recs.Records[0].SequenceNumber != *put.SequenceNumber {
		t.Fatalf("after takeover: %+v %v", recs, err)
	}
}

// TestSubscriptionFollowsAMovingOwner: a SubscribeToShard through a
// follower ends when the owner stops; subscribing again from the last
// event's continuation sequence number, through the same follower, reads
// on from the new owner without losing or repeating a record.
func TestSubscriptionFollowsAMovingOwner(t *testing.T) {
	c := startNodes(t, 3)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	owner := 0
	for i, n := range c.Nodes {
		if n.Server() != nil {
			owner = i
		}
	}
	via := (owner + 1) % 3
	k := kinesisAt(c.URLs[via])
	if _, err := k.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("sub"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	desc, err := k.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("sub")})
	if err != nil {
		t.Fatal(err)
	}
	cons, err := k.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: desc.StreamDescriptionSummary.StreamARN, ConsumerName: aws.String("c")})
	if err != nil {
		t.Fatal(err)
	}
	for {
		d, err := k.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: cons.Consumer.ConsumerARN})
		if err != nil {
			t.Fatal(err)
		}
		if d.ConsumerDescription.ConsumerStatus == types.ConsumerStatusActive {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	put := func(i int) {
		t.Helper()
		for {
			_, err := k.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("sub"), PartitionKey: aws.String("k"), Data: []byte(fmt.Sprint(i))})
			if err == nil {
				return
			}
			if ctx.Err() != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond) // 503s while ownership moves
		}
	}
	var got []string
	cont := ""
	// read follows one subscription until it has want records, then calls
	// then (if any) and follows it until it ends.
	read := func(pos types.StartingPosition, want int, then func()) {
		t.Helper()
		var out *kinesis.SubscribeToShardOutput
		for {
			out, err = k.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: cons.Consumer.ConsumerARN, ShardId: aws.String("shardId-000000000000"), StartingPosition: &pos})
			if err == nil {
				break
			}
			if ctx.Err() != nil {
				t.Fatal(err)
			}
			time.Sleep(50 * time.Millisecond)
		}
		stream := out.GetStream()
		defer stream.Close()
		for ev := range stream.Events() {
			e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
			if !ok {
				continue
			}
			for _, r := range e.Value.Records {
				got = append(got, string(r.Data))
			}
			cont = *e.Value.ContinuationSequenceNumber
			if len(got) >= want {
				if then == nil {
					return
				}
				then()
				then = nil
			}
		}
		if then != nil {
			t.Fatalf("the subscription ended after %d records: %v", len(got), stream.Err())
		}
	}
	for i := range 5 {
		put(i)
	}
	// The owner stops while the subscription through the follower is
	// open: the subscription ends.
	read(types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}, 5, func() { c.StopNode(owner) })
	for i := 5; i < 10; i++ {
		put(i)
	}
	// Ownership may move again while the cluster settles (an etcd leader
	// change can cost the new owner its lease): a consumer subscribes
	// again from its continuation, as the KCL does, until it has them all.
	for len(got) < 10 {
		read(types.StartingPosition{Type: types.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: aws.String(cont)}, 10, nil)
	}
	if strings.Join(got, ",") != "0,1,2,3,4,5,6,7,8,9" {
		t.Fatalf("records across the move: %v", got)
	}
}
