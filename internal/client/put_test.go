package client

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

func TestPutArguments(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 2)
	res := run(t, Put, e.args("s", "--partition-key", "k1", "a", "b", "c"), "")
	if res.code != 0 {
		t.Fatalf("put: %d\n%s", res.code, res.stderr)
	}
	if !strings.HasPrefix(res.stdout, "3 records written to 1 shard of s, 0 failed, 0 retried") {
		t.Errorf("summary %q", res.stdout)
	}
	got := e.readStream("s")
	if len(got) != 3 {
		t.Fatalf("stored %v", got)
	}
	for i, want := range []string{"a", "b", "c"} {
		if got[i].data != want || got[i].key != "k1" {
			t.Errorf("record %d: %+v, want %q with key k1", i, got[i], want)
		}
	}
}

func TestPutStdinVerbose(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 4)
	// Flags may follow records; empty lines are skipped; \r\n ends a line.
	in := "one\r\n\ntwo\nthree"
	res := run(t, Put, append(e.args("s", "-v"), "--partition-key", "p"), in)
	if res.code != 0 {
		t.Fatalf("put: %d\n%s", res.code, res.stderr)
	}
	got := e.readStream("s")
	if d := datas(got); !slices.Equal(d, []string{"one", "three", "two"}) {
		t.Fatalf("stored %q", d)
	}
	out := lines(res.stdout)
	if len(out) != 4 {
		t.Fatalf("output %q", res.stdout)
	}
	for i, r := range got {
		if want := fmt.Sprintf("%d %s %s", i+1, r.shard, r.seq); out[i] != want {
			t.Errorf("line %d: %q, want %q", i, out[i], want)
		}
	}
}

func TestPutKeyField(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 2)
	in := strings.Join([]string{
		`{"user":"alice","n":1}`,
		`{"user":42,"n":2}`,
		`{"n":3}`,
		`not json`,
		`{"user":"","n":5}`,
		`{"user":"bob","n":6}`,
	}, "\n")
	res := run(t, Put, e.args("s", "--key-field", "user"), in)
	if res.code != 1 {
		t.Fatalf("put: %d, want 1 for the records without a key\n%s", res.code, res.stderr)
	}
	for _, want := range []string{
		`record 3 (line 3): no field "user" for the partition key`,
		`record 4 (line 4): not a JSON object`,
		`record 5 (line 5): field "user" is not a partition key of 1 to 256 characters`,
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if !strings.HasPrefix(res.stdout, "3 records written") || !strings.Contains(res.stdout, "3 failed") {
		t.Errorf("summary %q", res.stdout)
	}
	keys := map[string]string{}
	for _, r := range e.readStream("s") {
		keys[r.data] = r.key
	}
	want := map[string]string{`{"user":"alice","n":1}`: "alice", `{"user":42,"n":2}`: "42", `{"user":"bob","n":6}`: "bob"}
	if fmt.Sprint(keys) != fmt.Sprint(want) {
		t.Errorf("keys %v, want %v", keys, want)
	}

	// With a fallback key, every record goes.
	res = run(t, Put, e.args("s", "--key-field", "user", "--partition-key", "other"), `{"n":7}`)
	if res.code != 0 {
		t.Fatalf("put with fallback: %d\n%s", res.code, res.stderr)
	}
}

func TestPutRandomKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 4)
	var in strings.Builder
	for i := range 200 {
		fmt.Fprintf(&in, "r%d\n", i)
	}
	res := run(t, Put, e.args("s", "--random-key", "--batch", "64"), in.String())
	if res.code != 0 {
		t.Fatalf("put: %d\n%s", res.code, res.stderr)
	}
	if !strings.HasPrefix(res.stdout, "200 records written to 4 shards") {
		t.Errorf("summary %q", res.stdout)
	}
	got := e.readStream("s")
	keys := map[string]bool{}
	for _, r := range got {
		keys[r.key] = true
	}
	if len(got) != 200 || len(keys) < 190 {
		t.Errorf("%d records with %d distinct keys", len(got), len(keys))
	}
}

func TestPutExplicitHashKeyAndARN(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 2)
	arn := "arn:aws:kinesis:us-east-1:000000000000:stream/s"
	res := run(t, Put, []string{"--endpoint", e.srv.URL, "--stream-arn", arn, "--partition-key", "k",
		"--explicit-hash-key", "340282366920938463463374607431768211455", "x", "y"}, "")
	if res.code != 0 {
		t.Fatalf("put: %d\n%s", res.code, res.stderr)
	}
	for _, r := range e.readStream("s") {
		if r.shard != "shardId-000000000001" {
			t.Errorf("record %q in %s, want the last shard", r.data, r.shard)
		}
	}
}

func TestPutErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--endpoint", e.srv.URL, "x"}, 2, "--stream or --stream-arn is required"},
		{e.args("s", "--batch", "501", "x"), 2, "--batch must be 1 to 500"},
		{e.args("s", "--partition-key", "k", "--random-key", "x"), 2, "not both"},
		{e.args("s", "--explicit-hash-key", "01", "x"), 2, "--explicit-hash-key"},
		{e.args("s", "--bogus"), 2, "flag provided but not defined"},
		{e.args("missing", "x"), 1, "ResourceNotFoundException: Stream missing under account 000000000000 not found."},
		{[]string{"-h"}, 0, "usage: sluice put"},
	} {
		res := run(t, Put, tc.args, "")
		if res.code != tc.code || !strings.Contains(res.stderr, tc.msg) {
			t.Errorf("put %q: %d %q, want %d and %q", tc.args, res.code, res.stderr, tc.code, tc.msg)
		}
	}
}

func TestPutRecordTooLarge(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 1)
	big := strings.Repeat("x", 1<<20)
	res := run(t, Put, e.args("s", "--partition-key", "k"), "small\n"+big+"\n")
	if res.code != 1 || !strings.Contains(res.stderr, "record 2 (line 2): 1048577 bytes with its partition key, over the stream's record size limit of 1048576") {
		t.Fatalf("put: %d\n%s", res.code, res.stderr)
	}
	if d := datas(e.readStream("s")); !slices.Equal(d, []string{"small"}) {
		t.Errorf("stored %q", d)
	}
}

// TestPutThrottled writes 2,500 records to one shard with AWS's limits on
// (1,000 records/s): put must send the throttled ones again until all are
// written, in order.
func TestPutThrottled(t *testing.T) {
	t.Parallel()
	e := newEnv(t, testserver.WithConfig(func(c *config.Config) { c.Limits = config.LimitsOn }))
	e.createStream("s", 1)
	var in strings.Builder
	for i := range 2500 {
		fmt.Fprintf(&in, "%04d\n", i)
	}
	p, err := parsePut(e.args("s", "--partition-key", "k"), nil)
	if err != nil {
		t.Fatal(err)
	}
	p.progress = &progressMode{delay: 100 * time.Millisecond, every: 100 * time.Millisecond}
	var out, errOut syncBuffer
	code := p.run(context.Background(), strings.NewReader(in.String()), &out, &errOut)
	if code != 0 {
		t.Fatalf("put: %d\n%s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "2500 records written to 1 shard of s, 0 failed,") || strings.Contains(out.String(), " 0 retried") {
		t.Errorf("summary %q", out.String())
	}
	if !strings.Contains(errOut.String(), "sluice put: ") || !strings.Contains(errOut.String(), " records written (") {
		t.Errorf("no progress lines on stderr: %q", errOut.String())
	}
	got := e.readStream("s")
	if len(got) != 2500 {
		t.Fatalf("%d records stored", len(got))
	}
	for i, r := range got {
		if want := fmt.Sprintf("%04d", i); r.data != want {
			t.Fatalf("record %d is %q, want %q", i, r.data, want)
		}
	}
}

// TestPutGivesUp: records throttled attempt after attempt fail, and put
// exits 1. The server's clock stands still, so the shard's 1,000 records
// are all it takes.
func TestPutGivesUp(t *testing.T) {
	t.Parallel()
	clock := testserver.NewClock()
	e := newEnv(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.Limits = config.LimitsOn }))
	e.createStream("s", 1)
	var in strings.Builder
	for i := range 1200 {
		fmt.Fprintf(&in, "%d\n", i)
	}
	p, err := parsePut(e.args("s", "--partition-key", "k"), nil)
	if err != nil {
		t.Fatal(err)
	}
	p.retry = backoff{base: time.Millisecond, max: time.Millisecond, attempts: 2}
	p.progress = &progressMode{off: true}
	var out, errOut syncBuffer
	code := p.run(context.Background(), strings.NewReader(in.String()), &out, &errOut)
	if code != 1 || !strings.Contains(errOut.String(), "ProvisionedThroughputExceededException: Rate exceeded for shard shardId-000000000000") ||
		!strings.Contains(errOut.String(), "(gave up after 2 attempts)") || !strings.Contains(errOut.String(), "and 190 more records not written") {
		t.Fatalf("put: %d\n%s", code, errOut.String())
	}
	if !strings.HasPrefix(out.String(), "1000 records written to 1 shard of s, 200 failed, 200 retried") {
		t.Errorf("summary %q", out.String())
	}
}

func TestPutEndpointFromEnv(t *testing.T) {
	e := newEnv(t)
	e.createStream("s", 1)
	t.Setenv("SLUICE_ENDPOINT", strings.TrimPrefix(e.srv.URL, "http://"))
	res := run(t, Put, []string{"--stream", "s", "--partition-key", "k", "hello"}, "")
	if res.code != 0 {
		t.Fatalf("put: %d\n%s", res.code, res.stderr)
	}
}

// TestPutInteractive: a record typed on a terminal goes out at once, not
// when the batch fills up, and Ctrl-C while waiting for input is a clean
// end.
func TestPutInteractive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 1)
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int)
	go func() { done <- Put(ctx, e.args("s", "--partition-key", "k"), pr, &out, &errOut) }()
	fmt.Fprintln(pw, "typed")
	deadline := time.Now().Add(5 * time.Second)
	for len(e.readStream("s")) == 0 {
		if time.Now().After(deadline) {
			t.Fatal("the record was not sent")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 || !strings.Contains(out.String(), "1 record written") || !strings.Contains(out.String(), "(interrupted)") {
		t.Fatalf("put: %d %q\n%s", code, out.String(), errOut.String())
	}
}

// TestPutCallRetry puts a proxy in front of the server that fails the
// first PutRecords call as a whole: put sends the records again, says so,
// and writes each once. A client error ends the run.
func TestPutCallRetry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.createStream("s", 1)
	target, _ := url.Parse(e.srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	var calls atomic.Int64
	var fail atomic.Value // the answer to the first PutRecords
	fail.Store(http.StatusInternalServerError)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".PutRecords") && calls.Add(1) == 1 {
			code := fail.Load().(int)
			typ := map[int]string{500: "InternalFailure", 400: "ValidationException"}[code]
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(code)
			fmt.Fprintf(w, `{"__type":%q,"message":"boom"}`, typ)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	args := []string{"--endpoint", front.URL, "--stream", "s", "--partition-key", "k", "a", "b", "c"}

	res := run(t, Put, args, "")
	if res.code != 0 || !strings.Contains(res.stderr, "sluice put: PutRecords failed (InternalFailure: boom); sending its 3 records again, which duplicates any it wrote") ||
		!strings.HasPrefix(res.stdout, "3 records written to 1 shard of s, 0 failed, 3 retried") {
		t.Fatalf("put: %d %q\n%s", res.code, res.stdout, res.stderr)
	}
	if d := datas(e.readStream("s")); !slices.Equal(d, []string{"a", "b", "c"}) {
		t.Errorf("stored %q", d)
	}

	calls.Store(0)
	fail.Store(http.StatusBadRequest)
	res = run(t, Put, args, "")
	if res.code != 1 || !strings.Contains(res.stderr, "record 1 (argument 1): ValidationException: boom") || !strings.HasPrefix(res.stdout, "0 records written") {
		t.Fatalf("put: %d %q\n%s", res.code, res.stdout, res.stderr)
	}
}
