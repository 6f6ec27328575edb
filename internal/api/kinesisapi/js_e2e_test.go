package kinesisapi_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/testserver"
)

// jsDir finds test/js (the AWS SDK for JavaScript v3 and read.mjs) and
// node. `make test` installs both (npm ci from the committed lock file); set
// SLUICE_REQUIRE_NODE=1 to fail rather than skip when either is missing.
func jsDir(t *testing.T) (node, dir string) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		testserver.Missing(t, "SLUICE_REQUIRE_NODE", format, args...)
	}
	root := testserver.RepoRoot(t)
	dir = filepath.Join(root, "test", "js")
	for _, name := range []string{"node", "nodejs"} {
		if p, err := exec.LookPath(name); err == nil {
			node = p
			break
		}
	}
	if node == "" {
		missing("node is not installed")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-kinesis", "package.json")); err != nil {
		missing("%s has no node_modules/@aws-sdk/client-kinesis: run npm ci --prefix test/js", dir)
	}
	return node, dir
}

// jsRecord is a record as read.mjs prints it.
type jsRecord struct {
	Seq  string `json:"seq"`
	Key  string `json:"key"`
	Data string `json:"data"` // base64
}

type jsResult struct {
	GetRecords []jsRecord `json:"getRecords"`
	Subscribe  []jsRecord `json:"subscribe"`
	Events     int        `json:"events"`
}

// TestJSSDKReadsShard writes records with the Go SDK and reads every shard
// back with the JavaScript SDK v3, through GetRecords and through
// SubscribeToShard (HTTP/2 with prior knowledge on the plain port). Half the
// records are written before the first subscription, half while it is open,
// so they reach it both as a backlog and pushed live.
func TestJSSDKReadsShard(t *testing.T) {
	node, dir := jsDir(t)
	srv, c := start(t)
	d := createStream(t, c, "js", 2)

	reg, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: d.StreamARN, ConsumerName: aws.String("js-reader")})
	if err != nil {
		t.Fatalf("RegisterStreamConsumer: %v", err)
	}
	consumerARN := *reg.Consumer.ConsumerARN
	for deadline := time.Now().Add(10 * time.Second); ; {
		out, err := c.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String(consumerARN)})
		if err != nil {
			t.Fatalf("DescribeStreamConsumer: %v", err)
		}
		if out.ConsumerDescription.ConsumerStatus == types.ConsumerStatusActive {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("consumer still %s", out.ConsumerDescription.ConsumerStatus)
		}
		time.Sleep(20 * time.Millisecond)
	}

	// 50 records with binary data of varied lengths (the first one empty),
	// in two batches; count in advance how many each shard gets.
	batches := make([][]types.PutRecordsRequestEntry, 2)
	count := map[string]int{}
	for n := range 50 {
		key := fmt.Sprintf("key-%02d", n)
		data := make([]byte, n*7)
		for j := range data {
			data[j] = byte(n*31 + j*17)
		}
		batches[n/25] = append(batches[n/25], types.PutRecordsRequestEntry{PartitionKey: aws.String(key), Data: data})
		count[shardFor(t, d.Shards, key)]++
	}
	if len(count) != 2 {
		t.Fatalf("the keys hash to %d shards, want 2", len(count))
	}
	want := map[string][]jsRecord{}
	put := func(entries []types.PutRecordsRequestEntry) {
		out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("js"), Records: entries})
		if err != nil || *out.FailedRecordCount != 0 {
			t.Errorf("PutRecords: %v %v", err, out)
			return
		}
		for i, r := range out.Records {
			want[*r.ShardId] = append(want[*r.ShardId], jsRecord{
				Seq: *r.SequenceNumber, Key: *entries[i].PartitionKey, Data: base64.StdEncoding.EncodeToString(entries[i].Data),
			})
		}
	}
	put(batches[0])

	readEnv := func(shard, consumer string) map[string]string {
		return map[string]string{
			"SLUICE_ENDPOINT": srv.URL, "SLUICE_REGION": "us-east-1", "SLUICE_STREAM": "js", "SLUICE_SHARD": shard,
			"SLUICE_CONSUMER_ARN": consumer, "SLUICE_EXPECT": strconv.Itoa(count[shard]),
		}
	}
	for i, sh := range d.Shards {
		shard := *sh.ShardId
		var whileSubscribed func()
		if i == 0 {
			whileSubscribed = func() { put(batches[1]) }
		}
		got, stderr, err := runReadJS(t, node, dir, readEnv(shard, consumerARN), whileSubscribed)
		if err != nil {
			t.Fatalf("node read.mjs (%s): %v\nstderr:\n%s", shard, err, stderr)
		}
		if t.Failed() {
			t.FailNow()
		}
		sameRecords(t, shard+" GetRecords", got.GetRecords, want[shard])
		sameRecords(t, shard+" SubscribeToShard", got.Subscribe, want[shard])
		if got.Events < 1 {
			t.Fatalf("%s: SubscribeToShard delivered the records in %d events", shard, got.Events)
		}
		t.Logf("%s: %d records, SubscribeToShard delivered them in %d events", shard, len(want[shard]), got.Events)
	}

	// The SDK surfaces SubscribeToShard's error response as the AWS error.
	unknown := consumerARN[:strings.LastIndex(consumerARN, ":")+1] + "1"
	_, stderr, err := runReadJS(t, node, dir, readEnv(*d.Shards[0].ShardId, unknown), nil)
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") {
		t.Fatalf("unknown consumer: want ResourceNotFoundException, got %v\n%s", err, stderr)
	}
}

// runReadJS runs test/js/read.mjs with env and decodes what it prints on
// success; on failure it returns the error and what the script said. When
// whileSubscribed is not nil, it runs once the script says its
// SubscribeToShard call has been answered.
func runReadJS(t *testing.T, node, dir string, env map[string]string, whileSubscribed func()) (jsResult, string, error) {
	t.Helper()
	cctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	cmd := exec.CommandContext(cctx, node, "read.mjs")
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	home := t.TempDir()
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "SLUICE_TIMEOUT_MS=30000",
		"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
	}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var stdout bytes.Buffer
	stderr := &markWriter{marker: []byte("read.mjs: subscribed\n"), seen: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	var err error
	select {
	case <-stderr.seen:
		if whileSubscribed != nil {
			whileSubscribed()
		}
		err = <-exited
	case err = <-exited:
	}
	if err != nil {
		return jsResult{}, stderr.String(), err
	}
	var res jsResult
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatalf("read.mjs printed no JSON result: %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), stderr.String())
	}
	return res, stderr.String(), nil
}

// markWriter collects a process's output and closes seen once it contains
// marker.
type markWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	marker []byte
	seen   chan struct{}
	closed bool
}

func (w *markWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.closed && bytes.Contains(w.buf.Bytes(), w.marker) {
		w.closed = true
		close(w.seen)
	}
	return len(p), nil
}

func (w *markWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

func sameRecords(t *testing.T, what string, got, want []jsRecord) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: read %d records, want %d\ngot  %v\nwant %v", what, len(got), len(want), got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: record %d is\n  %+v\nwant\n  %+v", what, i, got[i], want[i])
		}
	}
}
