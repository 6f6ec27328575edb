package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// tailLine is a line of tail --format json.
type tailLine struct {
	Shard    string `json:"shard"`
	Seq      string `json:"seq"`
	Key      string `json:"key"`
	Encoding string `json:"encoding"`
	Data     struct {
		K string `json:"k"`
		N int    `json:"n"`
	} `json:"data"`
}

// TestTailFollowsResharding runs put (records {"k":KEY,"n":N}, N counting
// up per key) and a following tail from the trim horizon while the stream
// is split and then merged. tail must print every record exactly once,
// each key's records in order, and a child shard's records only after all
// of its parents'. A --no-follow tail afterwards must agree.
//
// With AWS's limits on, the same test also makes put retry throttled
// records and tail back off from throttled reads.
func TestTailFollowsResharding(t *testing.T) {
	t.Parallel()
	for _, limits := range []string{config.LimitsOff, config.LimitsOn} {
		t.Run("limits="+limits, func(t *testing.T) {
			t.Parallel()
			testFollowResharding(t, limits == config.LimitsOn)
		})
	}
}

func testFollowResharding(t *testing.T, limits bool) {
	e := newEnv(t)
	// Paced writing; with limits, as fast as put goes, beyond what two
	// shards take (1,000 records/s each, after a burst of 1,000).
	keys, rounds, pace := 8, 150, 5*time.Millisecond
	if limits {
		e = newEnv(t, testserver.WithConfig(func(c *config.Config) { c.Limits = config.LimitsOn }))
		rounds, pace = 600, 0
	}
	total := keys * rounds
	e.createStream("r", 2)

	tc, err := parseTail(e.args("r", "--from", "trim-horizon", "--format", "json", "-n", fmt.Sprint(total)), nil, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	tc.idle = 50 * time.Millisecond
	if limits {
		tc.gap = 20 * time.Millisecond // more calls than the 5/s a shard takes
	}
	var tailOut, tailErr syncBuffer
	tailDone := make(chan int)
	go func() { tailDone <- tc.run(context.Background(), &tailOut, &tailErr) }()

	// put reads lines as the test writes them, a round of keys every 5 ms.
	pr, pw := io.Pipe()
	var round atomic.Int64
	go func() {
		defer pw.Close()
		for r := range rounds {
			for k := range keys {
				fmt.Fprintf(pw, `{"k":"key%d","n":%d}`+"\n", k, r)
			}
			round.Store(int64(r + 1))
			time.Sleep(pace)
		}
	}()
	var putOut, putErr syncBuffer
	putDone := make(chan int)
	go func() { putDone <- Put(context.Background(), e.args("r", "--key-field", "k"), pr, &putOut, &putErr) }()

	waitRound := func(n int) {
		for round.Load() < int64(n) {
			time.Sleep(time.Millisecond)
		}
	}
	ctx := context.Background()
	waitRound(rounds / 3)
	// Split shard 0 ([0, 2^127)) in the middle: children 2 and 3.
	if _, err := e.api.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("r"), ShardToSplit: aws.String("shardId-000000000000"),
		NewStartingHashKey: aws.String("85070591730234615865843651857942052864")}); err != nil {
		t.Fatalf("SplitShard: %v", err)
	}
	e.waitActive("r")
	waitRound(2 * rounds / 3)
	// Merge shard 3 with its neighbour, shard 1: child 4.
	if _, err := e.api.MergeShards(ctx, &kinesis.MergeShardsInput{StreamName: aws.String("r"), ShardToMerge: aws.String("shardId-000000000003"),
		AdjacentShardToMerge: aws.String("shardId-000000000001")}); err != nil {
		t.Fatalf("MergeShards: %v", err)
	}
	e.waitActive("r")

	if code := <-putDone; code != 0 {
		t.Fatalf("put: %d\n%s%s", code, putOut.String(), putErr.String())
	}
	if retried := strings.Contains(putOut.String(), " 0 retried"); limits == retried {
		t.Errorf("put with limits %v: %s", limits, putOut.String())
	}
	select {
	case code := <-tailDone:
		if code != 0 {
			t.Fatalf("tail: %d\n%s", code, tailErr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("tail did not print %d records; it printed %d", total, len(lines(tailOut.String())))
	}
	e.checkTail(tailOut.String(), total, keys, rounds)

	res := run(t, Tail, e.args("r", "--from", "trim-horizon", "--format", "json", "--no-follow"), "")
	if res.code != 0 {
		t.Fatalf("tail --no-follow: %d\n%s", res.code, res.stderr)
	}
	e.checkTail(res.stdout, total, keys, rounds)
}

// checkTail checks tail's json output of the resharding test.
func (e *env) checkTail(out string, total, keys, rounds int) {
	t := e.t
	t.Helper()
	var recs []tailLine
	for _, l := range lines(out) {
		var r tailLine
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Encoding != "json" {
			t.Fatalf("line %s: %v", l, err)
		}
		recs = append(recs, r)
	}
	if len(recs) != total {
		t.Errorf("tail printed %d records, want %d", len(recs), total)
	}
	// Every record once, each key's in order.
	next := map[string]int{}
	for i, r := range recs {
		if r.Data.N != next[r.Data.K] {
			t.Fatalf("line %d: %s #%d, want #%d", i, r.Data.K, r.Data.N, next[r.Data.K])
		}
		next[r.Data.K]++
	}
	if len(next) != keys {
		t.Errorf("%d keys", len(next))
	}
	// Children after parents.
	first, last := map[string]int{}, map[string]int{}
	for i, r := range recs {
		if _, ok := first[r.Shard]; !ok {
			first[r.Shard] = i
		}
		last[r.Shard] = i
	}
	shards, err := e.api.ListShards(context.Background(), &kinesis.ListShardsInput{StreamName: aws.String("r")})
	if err != nil {
		t.Fatal(err)
	}
	if len(shards.Shards) != 5 {
		t.Fatalf("%d shards", len(shards.Shards))
	}
	for _, sh := range shards.Shards {
		child, ok := first[*sh.ShardId]
		if !ok {
			t.Errorf("no records from %s", *sh.ShardId)
			continue
		}
		for _, p := range []*string{sh.ParentShardId, sh.AdjacentParentShardId} {
			if p != nil && last[*p] > child {
				t.Errorf("%s's first record (line %d) before its parent %s's last (line %d)", *sh.ShardId, child, *p, last[*p])
			}
		}
	}
}
