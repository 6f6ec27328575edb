package cluster_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/config"
	"sluice/internal/server"
	"sluice/internal/testserver/clusterserver"
)

// TestStreamsSpreadOverNodes: streams created through any node are spread
// over the three nodes, two each, every stream run by exactly the node its
// placement names; every node takes writes and reads of every stream (a
// stream another node runs is forwarded there); when a node stops, its
// streams move to the others with every acknowledged record and their
// sequence numbers going on.
func TestStreamsSpreadOverNodes(t *testing.T) {
	c := startNodes(t, 3)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	names := []string{"s0", "s1", "s2", "s3", "s4", "s5"}
	for i, name := range names {
		if _, err := kinesisAt(c.URLs[i%3]).CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	nodes := []string{c.Nodes[0].ID(), c.Nodes[1].ID(), c.Nodes[2].ID()}
	where := waitSpread(t, c, names, nodes, 2)

	written := map[string][]string{} // stream -> data in acknowledgement order
	write := func(round int, urls []string) {
		t.Helper()
		for _, name := range names {
			for i, url := range urls {
				data := fmt.Sprintf("%s-%d-%d", name, round, i)
				putRetrying(ctx, t, kinesisAt(url), name, data)
				written[name] = append(written[name], data)
			}
		}
	}
	write(0, c.URLs)
	for _, url := range c.URLs {
		for _, name := range names {
			if got := readAll(ctx, t, kinesisAt(url), name); !slices.Equal(got, written[name]) {
				t.Fatalf("%s read through %s: %v, want %v", name, url, got, written[name])
			}
		}
	}

	// A node that is not the owner stops: its streams move to the other
	// two, three each.
	stopped := -1
	for i, n := range c.Nodes {
		if n.Server() == nil {
			stopped = i
			break
		}
	}
	var moved []string
	for _, name := range names {
		if where[name] == nodes[stopped] {
			moved = append(moved, name)
		}
	}
	c.StopNode(stopped)
	live := slices.Delete(slices.Clone(nodes), stopped, stopped+1)
	liveURLs := slices.Delete(slices.Clone(c.URLs), stopped, stopped+1)
	after := waitSpread(t, c, names, live, 3)
	for _, name := range moved {
		if after[name] == nodes[stopped] {
			t.Fatalf("%s still on the stopped node", name)
		}
	}
	write(1, liveURLs)
	for _, url := range liveURLs {
		for _, name := range names {
			if got := readAll(ctx, t, kinesisAt(url), name); !slices.Equal(got, written[name]) {
				t.Fatalf("%s read through %s after %s stopped: %v, want %v", name, url, nodes[stopped], got, written[name])
			}
		}
	}
}

// waitSpread waits until every stream runs on one of nodes, perNode on
// each, and each node's services own exactly the streams placed there; it
// returns where each runs.
func waitSpread(t *testing.T, c *clusterserver.Nodes, names, nodes []string, perNode int) map[string]string {
	t.Helper()
	var streams map[string]string
	waitPlaced(t, c, fmt.Sprintf("streams not spread %d a node over %v", perNode, nodes), func(placed map[string]string) bool {
		streams = ofKind(placed, "stream")
		count := map[string]int{}
		for _, node := range streams {
			count[node]++
		}
		ok := len(streams) == len(names) && len(count) == len(nodes)
		for _, n := range nodes {
			ok = ok && count[n] == perNode
		}
		return ok && ownedAsPlaced(c, streams)
	})
	return streams
}

// ownedAsPlaced tells whether every stream is owned by the services of
// the node where placed says it runs, and by no other.
func ownedAsPlaced(c *clusterserver.Nodes, placed map[string]string) bool {
	return runAsPlaced(c, placed, func(srv *server.Server) map[string]bool {
		owned := map[string]bool{}
		all, here := srv.Streams().Snapshots()
		for i, st := range all {
			owned[st.Name] = here[i]
		}
		return owned
	})
}

// runAsPlaced tells whether, on every node, the units of one kind its
// services run (runs: their names) are exactly those placed says run
// there.
func runAsPlaced(c *clusterserver.Nodes, placed map[string]string, runs func(*server.Server) map[string]bool) bool {
	for _, n := range c.Nodes {
		srv := n.Services()
		if srv == nil {
			continue
		}
		owned := runs(srv)
		for name, node := range placed {
			if owned[name] != (node == n.ID()) {
				return false
			}
		}
	}
	return true
}

// putRetrying puts one record, retrying what a client retries (a stream
// moving answers 500 for a moment).
func putRetrying(ctx context.Context, t *testing.T, k *kinesis.Client, stream, data string) {
	t.Helper()
	for {
		_, err := k.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: aws.String("k"), Data: []byte(data)})
		if err == nil {
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("PutRecord %s to %s: %v", data, stream, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// readAll reads a one-shard stream from its start to its tip.
func readAll(ctx context.Context, t *testing.T, k *kinesis.Client, stream string) []string {
	t.Helper()
	it, err := k.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream),
		ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatalf("GetShardIterator of %s: %v", stream, err)
	}
	var got []string
	var last string
	iter := it.ShardIterator
	for iter != nil {
		out, err := k.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
		if err != nil {
			t.Fatalf("GetRecords of %s: %v", stream, err)
		}
		for _, r := range out.Records {
			if last != "" && *r.SequenceNumber <= last && len(*r.SequenceNumber) == len(last) {
				t.Fatalf("%s: sequence number %s after %s", stream, *r.SequenceNumber, last)
			}
			last = *r.SequenceNumber
			got = append(got, string(r.Data))
		}
		if len(out.Records) == 0 || aws.ToInt64(out.MillisBehindLatest) == 0 {
			break
		}
		iter = out.NextShardIterator
	}
	return got
}

// TestStreamsMoveToEvenLoads: when deletes leave one node with every
// stream, the owner moves streams to the other at the rebalance interval,
// by handoff, while a producer writes to them through the other node:
// every acknowledged record is read back once, in order.
func TestStreamsMoveToEvenLoads(t *testing.T) {
	cfg := config.Defaults()
	cfg.DataDir = t.TempDir()
	cfg.CreateDelay, cfg.DeleteDelay, cfg.UpdateDelay = 0, 0, 0
	cfg.Limits = config.LimitsOff
	cfg.Cluster.RebalanceInterval = 300 * time.Millisecond
	c := clusterserver.Start(t, 2, server.Options{Config: cfg})
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	names := []string{"m0", "m1", "m2", "m3"}
	for _, name := range names {
		if _, err := kinesisAt(c.URLs[0]).CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	nodes := []string{c.Nodes[0].ID(), c.Nodes[1].ID()}
	where := waitSpread(t, c, names, nodes, 2)
	owner := c.Nodes[0].ID()
	if c.Nodes[1].Server() != nil {
		owner = c.Nodes[1].ID()
	}
	// The streams on the other node go; the owner keeps two.
	var kept []string
	for _, name := range names {
		if where[name] == owner {
			kept = append(kept, name)
			continue
		}
		if _, err := kinesisAt(c.URLs[0]).DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(name)}); err != nil {
			t.Fatal(err)
		}
	}
	// A producer through every node writes to the two kept streams while
	// the owner moves one of them.
	written := map[string][]string{}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			for _, name := range kept {
				data := fmt.Sprintf("%s-%05d", name, i)
				putRetrying(ctx, t, kinesisAt(c.URLs[i%2]), name, data)
				written[name] = append(written[name], data)
			}
		}
	}()
	waitSpread(t, c, kept, nodes, 1)
	time.Sleep(300 * time.Millisecond) // writes on the stream's new node
	close(stop)
	<-done
	for _, name := range kept {
		got := readAll(ctx, t, kinesisAt(c.URLs[0]), name)
		if !slices.Equal(got, written[name]) {
			t.Fatalf("%s after the move: read %d records, wrote %d: %v", name, len(got), len(written[name]), got)
		}
	}
}
