package main

import (
	"bufio"
	"context"
	"fmt"
	"math/big"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/awsclient"
)

// TestCrashChild is the server process of TestCrashRecovery: the test
// binary re-executed with SLUICE_CRASH_CHILD set. It never returns on its
// own; the parent kills it with SIGKILL.
func TestCrashChild(t *testing.T) {
	if os.Getenv("SLUICE_CRASH_CHILD") == "" {
		t.Skip("only runs as TestCrashRecovery's server")
	}
	os.Exit(run([]string{"serve"}, os.Getenv, os.Stdout, os.Stderr))
}

type child struct {
	cmd *exec.Cmd
	url string
}

var servingRE = regexp.MustCompile(`msg=serving addr=(\S+)`)

func startChild(t *testing.T, dir string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), "SLUICE_CRASH_CHILD=1", "SLUICE_LISTEN=127.0.0.1:0", "SLUICE_DATA_DIR="+dir,
		"SLUICE_CREATE_DELAY=0", "SLUICE_DELETE_DELAY=0", "SLUICE_UPDATE_DELAY=0", "SLUICE_LIMITS=off")
	stderr, _ := cmd.StderrPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stderr)
	addr := make(chan string, 1)
	go func() {
		for lines.Scan() {
			if m := servingRE.FindStringSubmatch(lines.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	select {
	case a := <-addr:
		return &child{cmd: cmd, url: "http://" + a}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("server did not start")
	}
	return nil
}

func (c *child) kill() {
	c.cmd.Process.Kill() // SIGKILL: no shutdown code runs
	c.cmd.Wait()
}

func (c *child) client() *kinesis.Client { return kinesis.NewFromConfig(c.awsConfig()) }

// awsConfig is the SDK configuration of the child's clients.
func (c *child) awsConfig() aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		BaseEndpoint: aws.String(c.url),
		// No retries: a record is sent once, so a duplicate can only be the
		// server's doing.
		Retryer:    func() aws.Retryer { return aws.NopRetryer{} },
		HTTPClient: &http.Client{Timeout: 10 * time.Second, Transport: awsclient.Transport(http.DefaultTransport)},
	}
}

type acked struct{ shard, seq string }

// TestCrashRecovery kills the server with SIGKILL at random moments under
// concurrent PutRecord and PutRecords load, restarts it on the same data
// directory, and checks that every acknowledged record is there with its
// sequence number and bytes, in order, with nothing duplicated.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("kills child processes")
	}
	cycles := 4
	if os.Getenv("SLUICE_CRASH_CYCLES") != "" {
		fmt.Sscan(os.Getenv("SLUICE_CRASH_CYCLES"), &cycles)
	}
	dir := t.TempDir()
	ctx := context.Background()
	var mu sync.Mutex
	ack := map[string]acked{} // payload → where it was acknowledged

	for cycle := range cycles {
		srv := startChild(t, dir)
		c := srv.client()
		if cycle == 0 {
			if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("crash"), ShardCount: aws.Int32(4)}); err != nil {
				t.Fatal(err)
			}
		}
		verify(t, c, ack, cycle)

		stop := putLoad(c, "crash", fmt.Sprintf("c%d", cycle), &mu, ack)
		time.Sleep(time.Duration(150+rand.IntN(500)) * time.Millisecond)
		srv.kill()
		stop()
	}
	srv := startChild(t, dir)
	defer srv.kill()
	verify(t, srv.client(), ack, cycles)
}

// putLoad writes records to stream from 8 goroutines, half with PutRecord
// and half with PutRecords, until the returned stop is called (or a call
// fails, as when the server is killed), noting each acknowledged record in
// ack under mu. tag makes the payloads unique.
func putLoad(c *kinesis.Client, stream, tag string, mu *sync.Mutex, ack map[string]acked) (stop func()) {
	ctx := context.Background()
	done := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-done:
					return
				default:
				}
				if w%2 == 0 {
					data := fmt.Sprintf("%s-w%d-%d", tag, w, n)
					out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String(stream), PartitionKey: aws.String(data), Data: []byte(data)})
					if err != nil {
						return
					}
					mu.Lock()
					ack[data] = acked{*out.ShardId, *out.SequenceNumber}
					mu.Unlock()
					continue
				}
				var entries []types.PutRecordsRequestEntry
				for k := range 1 + rand.IntN(50) {
					data := fmt.Sprintf("%s-w%d-%d-%d", tag, w, n, k)
					entries = append(entries, types.PutRecordsRequestEntry{PartitionKey: aws.String(data), Data: []byte(data + strings.Repeat(".", rand.IntN(2000)))})
				}
				out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
				if err != nil {
					return
				}
				mu.Lock()
				for i, r := range out.Records {
					if r.ErrorCode == nil {
						ack[string(entries[i].Data)] = acked{*r.ShardId, *r.SequenceNumber}
					}
				}
				mu.Unlock()
			}
		}()
	}
	return func() {
		close(done)
		wg.Wait()
	}
}

// verify reads every shard and checks the acknowledged records.
func verify(t *testing.T, c *kinesis.Client, ack map[string]acked, cycle int) {
	t.Helper()
	if missing := check(t, c, "crash", ack, cycle); len(missing) > 0 {
		n := 0
		for data, a := range missing {
			if n++; n < 5 {
				t.Errorf("cycle %d: acknowledged record %q (%s %s) is missing", cycle, data, a.shard, a.seq)
			}
		}
		t.Fatalf("cycle %d: %d of %d acknowledged records lost", cycle, len(missing), len(ack))
	}
}

// check reads every shard of stream, checks that sequence numbers increase,
// that nothing is read twice and that every acknowledged record read back
// is where it was acknowledged, and returns the acknowledged records it did
// not find.
func check(t *testing.T, c *kinesis.Client, stream string, ack map[string]acked, cycle int) map[string]acked {
	t.Helper()
	ctx := context.Background()
	shards, err := c.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(stream)})
	if err != nil {
		t.Fatalf("cycle %d: ListShards: %v", cycle, err)
	}
	seen := map[string]acked{}
	for _, sh := range shards.Shards {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		iter := it.ShardIterator
		var prev *big.Int
		for {
			out, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				t.Fatalf("cycle %d: GetRecords: %v", cycle, err)
			}
			for _, r := range out.Records {
				seq, _ := new(big.Int).SetString(*r.SequenceNumber, 10)
				if prev != nil && seq.Cmp(prev) <= 0 {
					t.Fatalf("cycle %d: %s: sequence %s after %s", cycle, *sh.ShardId, seq, prev)
				}
				prev = seq
				key := string(r.Data)
				if _, dup := seen[key]; dup {
					t.Fatalf("cycle %d: record %q read twice", cycle, key)
				}
				seen[key] = acked{*sh.ShardId, *r.SequenceNumber}
			}
			if len(out.Records) == 0 {
				break
			}
			iter = out.NextShardIterator
		}
	}
	missing := map[string]acked{}
	for data, a := range ack {
		got, ok := seen[data]
		if !ok {
			missing[data] = a
			continue
		}
		if got != a {
			t.Errorf("cycle %d: record %q acknowledged as %v, read back as %v", cycle, data, a, got)
		}
	}
	t.Logf("cycle %d: %d acknowledged records, %d stored, %d missing", cycle, len(ack), len(seen), len(missing))
	return missing
}

// TestGracefulShutdown sends SIGTERM: the server stops accepting, finishes,
// closes the store cleanly (so the next start reads no segment data) and
// exits 0; records written before are there after a restart.
func TestGracefulShutdown(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	dir := t.TempDir()
	ctx := context.Background()
	srv := startChild(t, dir)
	c := srv.client()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("g"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("g"), PartitionKey: aws.String("k"), Data: []byte("kept")})
	if err != nil {
		t.Fatal(err)
	}
	srv.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
	case <-time.After(15 * time.Second):
		srv.cmd.Process.Kill()
		t.Fatal("server did not stop on SIGTERM")
	}
	srv = startChild(t, dir)
	defer srv.kill()
	it, err := srv.client().GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("g"), ShardId: aws.String("0"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatal(err)
	}
	recs, err := srv.client().GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil || len(recs.Records) != 1 || *recs.Records[0].SequenceNumber != *out.SequenceNumber || string(recs.Records[0].Data) != "kept" {
		t.Fatalf("after restart: %v %v", recs, err)
	}
}
