package runtime

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/firehose"
	"sluice/internal/objectstore"
	"sluice/internal/storage/embedded"
	"sluice/internal/streams"
)

const (
	testAccount = "000000000000"
	testRegion  = "us-east-1"
)

// services are the real services an application reads and writes, on an
// embedded backend in a temporary directory.
type services struct {
	dir      string
	backend  *embedded.Backend
	streams  *streams.Service
	firehose *firehose.Service
}

func newServices(t *testing.T) *services {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	backend, err := embedded.Open(embedded.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := streams.New(ctx, streams.Config{Limits: true}, backend)
	if err != nil {
		t.Fatal(err)
	}
	fh, err := firehose.New(ctx, firehose.Config{Store: &objectstore.Dir{Root: dir + "/s3"}, Source: firehose.StreamsSource{Streams: svc}}, backend)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		fh.Close()
		svc.Close()
		backend.Close()
	})
	return &services{dir: dir, backend: backend, streams: svc, firehose: fh}
}

func (s *services) caller() streams.Caller {
	return streams.Caller{Account: testAccount, Region: testRegion}
}

// createStream creates a data stream with n shards and returns its ARN.
func (s *services) createStream(t *testing.T, name string, n int64) string {
	t.Helper()
	if err := s.streams.CreateStream(context.Background(), s.caller(), streams.CreateParams{Name: name, ShardCount: &n}); err != nil {
		t.Fatal(err)
	}
	return streams.StreamARN(testRegion, testAccount, name)
}

// put writes records (partition key → data) and returns their shards.
func (s *services) put(t *testing.T, arn string, recs ...[2]string) []string {
	t.Helper()
	entries := make([]streams.PutEntry, len(recs))
	for i, r := range recs {
		entries[i] = streams.PutEntry{PartitionKey: r[0], Data: []byte(r[1])}
	}
	_, res, err := s.streams.PutRecords(context.Background(), s.caller(), streams.StreamRef{ARN: arn}, entries, false)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(res))
	for i, r := range res {
		if r.ErrCode != "" {
			t.Fatalf("put: %s %s", r.ErrCode, r.ErrMessage)
		}
		out[i] = r.ShardID
	}
	return out
}

// readAll reads every record of a stream, shard by shard.
func (s *services) readAll(t *testing.T, arn string) []string {
	t.Helper()
	st, err := s.streams.DescribeStream(context.Background(), s.caller(), streams.StreamRef{ARN: arn}, "")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, sh := range st.Shards {
		r, err := s.streams.ReadShard(s.caller(), streams.StreamRef{ARN: arn}, st.ID, sh.Index, 0, 0, 64<<20)
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range r.Records {
			out = append(out, string(rec.Data))
		}
	}
	return out
}

// keyOn returns a partition key that routes to the shard with the index,
// in a stream of n shards.
func keyOn(t *testing.T, shard, n int) string {
	t.Helper()
	ranges := streams.SplitEvenly(n)
	for i := 0; i < 100000; i++ {
		k := "k" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + itoa(i)
		if ranges[shard].Contains(streams.HashPartitionKey(k)) {
			return k
		}
	}
	t.Fatal("no key found")
	return ""
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// lambdaServer is a Lambda-contract endpoint (POST
// /2015-03-31/functions/<name>/invocations) whose function is fn; it
// records the events it was sent.
type lambdaServer struct {
	url string
	mu  sync.Mutex
	// events are the payloads received, by function name.
	events map[string][][]byte
}

func newLambdaServer(t *testing.T, fn func(name string, event []byte) (status int, answer []byte)) *lambdaServer {
	t.Helper()
	ls := &lambdaServer{events: map[string][][]byte{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/invocations")
		body, _ := io.ReadAll(r.Body)
		ls.mu.Lock()
		ls.events[name] = append(ls.events[name], body)
		ls.mu.Unlock()
		status, answer := fn(name, body)
		w.WriteHeader(status)
		w.Write(answer)
	}))
	t.Cleanup(srv.Close)
	ls.url = srv.URL
	return ls
}

func (ls *lambdaServer) invoker() analytics.LambdaInvoker {
	return analytics.FirehoseLambda{Invoker: firehose.LambdaHTTP{Endpoint: ls.url}}
}

func (ls *lambdaServer) received(name string) [][]byte {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return append([][]byte(nil), ls.events[name]...)
}

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
