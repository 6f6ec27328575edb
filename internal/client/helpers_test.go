package client

import (
	"bytes"
	"context"
	"io"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/testserver"
)

// env is a test server with a client.
type env struct {
	t   *testing.T
	srv *testserver.Server
	api *kinesis.Client
}

func newEnv(t *testing.T, opts ...testserver.Option) *env {
	t.Helper()
	srv := testserver.Start(t, opts...)
	return &env{t: t, srv: srv, api: srv.Kinesis()}
}

// createStream creates a provisioned stream and waits for it.
func (e *env) createStream(name string, shards int32) {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.api.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(shards)}); err != nil {
		e.t.Fatalf("CreateStream: %v", err)
	}
	e.waitActive(name)
}

func (e *env) waitActive(name string) {
	e.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := e.api.DescribeStreamSummary(context.Background(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			e.t.Fatalf("DescribeStreamSummary: %v", err)
		}
		if out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			return
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("stream %s still %s", name, out.StreamDescriptionSummary.StreamStatus)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// args prepends --endpoint and --stream.
func (e *env) args(stream string, args ...string) []string {
	return append([]string{"--endpoint", e.srv.URL, "--stream", stream}, args...)
}

// result is a command's exit status and output.
type result struct {
	code           int
	stdout, stderr string
}

// syncBuffer is a bytes.Buffer safe to read while a command writes it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

type command func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int

// run runs a command to its end.
func run(t *testing.T, cmd command, args []string, stdin string) result {
	t.Helper()
	var out, errOut syncBuffer
	code := cmd(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// stored is a record as read back with the SDK.
type stored struct {
	shard, key, seq, data string
	arrival               time.Time
}

// readStream reads every shard of a stream from its trim horizon.
func (e *env) readStream(name string) []stored {
	e.t.Helper()
	ctx := context.Background()
	shards, err := e.api.ListShards(ctx, &kinesis.ListShardsInput{StreamName: aws.String(name)})
	if err != nil {
		e.t.Fatalf("ListShards: %v", err)
	}
	var all []stored
	for _, sh := range shards.Shards {
		it, err := e.api.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String(name), ShardId: sh.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			e.t.Fatalf("GetShardIterator: %v", err)
		}
		iter := it.ShardIterator
		for iter != nil {
			out, err := e.api.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iter})
			if err != nil {
				e.t.Fatalf("GetRecords: %v", err)
			}
			for _, r := range out.Records {
				all = append(all, stored{shard: *sh.ShardId, key: *r.PartitionKey, seq: *r.SequenceNumber, data: string(r.Data), arrival: *r.ApproximateArrivalTimestamp})
			}
			if len(out.Records) == 0 {
				break
			}
			iter = out.NextShardIterator
		}
	}
	return all
}

// datas returns the records' data, sorted.
func datas(recs []stored) []string {
	var out []string
	for _, r := range recs {
		out = append(out, r.data)
	}
	sort.Strings(out)
	return out
}

// lines splits output into its lines.
func lines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
