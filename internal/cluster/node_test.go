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
	cfg := config.Defaults()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.CreateDelay, cfg.DeleteDelay, cfg.UpdateDelay = 0, 0, 0
	cfg.Limits = config.LimitsOff
	return clusterserver.Start(t, n, server.Options{Config: cfg})
}

func kinesisAt(url string) *kinesis.Client {
	return kinesis.NewFromConfig(aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", ""),
		BaseEndpoint: aws.String(url),
		HTTPClient:   &http.Client{Timeout: 30 * time.Second},
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	})
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
