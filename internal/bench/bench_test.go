package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"github.com/aws/aws-sdk-go-v2/service/firehose"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// quick returns settings for a run of about a second against srv.
func quick(srv *testserver.Server, workload string) Config {
	c := Defaults()
	c.Workload = workload
	c.Endpoint = srv.URL
	c.Shards = 2
	c.RecordSize = 100
	c.Concurrency = 4
	c.Warmup = 100 * time.Millisecond
	c.Duration = 600 * time.Millisecond
	c.Timeout = 5 * time.Second
	return c
}

// runQuick runs c and checks what every run must satisfy: no error, the
// streams deleted, the setup unthrottled.
func runQuick(t *testing.T, srv *testserver.Server, c Config) *Result {
	t.Helper()
	var progress bytes.Buffer
	res, err := Run(context.Background(), c, &progress)
	if err != nil {
		t.Fatalf("%s: %v\n%s", c.Workload, err, progress.String())
	}
	if res.Error != "" || res.Skipped || res.Interrupted {
		t.Fatalf("%s: %+v", c.Workload, res)
	}
	noStreamsLeft(t, srv)
	return res
}

// noStreamsLeft checks that every stream is gone or being deleted.
func noStreamsLeft(t *testing.T, srv *testserver.Server) {
	t.Helper()
	out, err := srv.Kinesis().ListStreams(context.Background(), &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range out.StreamNames {
		d, err := srv.Kinesis().DescribeStreamSummary(context.Background(), &kinesis.DescribeStreamSummaryInput{StreamName: &name})
		if err == nil && d.StreamDescriptionSummary.StreamStatus != "DELETING" {
			t.Errorf("stream %s left behind (%s)", name, d.StreamDescriptionSummary.StreamStatus)
		}
	}
}

// healthy checks a phase moved records without errors.
func healthy(t *testing.T, p Phase) {
	t.Helper()
	if p.Calls == 0 || p.Records == 0 || p.Bytes == 0 || p.RecordsPerSec <= 0 || p.Latency.Count == 0 || p.Latency.P50 <= 0 ||
		p.Latency.P50 > p.Latency.P99 || p.Latency.P99 > p.Latency.Max {
		t.Errorf("phase %s: %+v", p.Name, p)
	}
	if len(p.Errors)+len(p.RecordErrors) > 0 || p.Throttled != 0 {
		t.Errorf("phase %s: errors %v, record errors %v", p.Name, p.Errors, p.RecordErrors)
	}
}

func TestWorkloads(t *testing.T) {
	srv := testserver.Start(t)
	for _, tc := range []struct {
		workload string
		adjust   func(*Config)
		phases   []string
		check    func(t *testing.T, res *Result)
	}{
		{workload: "put", phases: []string{"put"}},
		{workload: "putrecords", adjust: func(c *Config) { c.Batch = 50 }, phases: []string{"putrecords"},
			check: func(t *testing.T, res *Result) {
				if res.Records != res.Calls*50 {
					t.Errorf("%d records in %d calls of 50", res.Records, res.Calls)
				}
			}},
		{workload: "get", adjust: func(c *Config) { c.Preload = 3000; c.Limit = 500 }, phases: []string{"preload", "get"},
			check: func(t *testing.T, res *Result) {
				if res.Phases[0].Records != 3000 {
					t.Errorf("preloaded %d records, want 3000", res.Phases[0].Records)
				}
			}},
		{workload: "subscribe", adjust: func(c *Config) { c.Rate = 200 }, phases: []string{"put", "deliver"}, check: checkDelivery},
		{workload: "e2e", adjust: func(c *Config) { c.Rate = 200 }, phases: []string{"put", "poll"}, check: checkDelivery},
		{workload: "firehose", adjust: func(c *Config) { c.Batch = 40 }, phases: []string{"firehose"},
			check: func(t *testing.T, res *Result) {
				if res.Records == 0 || res.Records != res.Calls*40 {
					t.Errorf("%d records in %d calls of 40", res.Records, res.Calls)
				}
				// Deleted afterwards (gone once its DELETING timer has run).
				for i := 0; ; i++ {
					out, err := srv.FirehoseClient().ListDeliveryStreams(t.Context(), &firehose.ListDeliveryStreamsInput{})
					if err == nil && len(out.DeliveryStreamNames) == 0 {
						break
					}
					if i == 100 {
						t.Fatalf("delivery streams left: %v %v", out, err)
					}
					time.Sleep(20 * time.Millisecond)
				}
			}},
		{workload: "shards", adjust: func(c *Config) { c.Streams, c.Shards, c.RecordsPerShard, c.Batch = 3, 4, 30, 20 },
			phases: []string{"create", "write", "read"},
			check: func(t *testing.T, res *Result) {
				want := ShardCheck{TotalShards: 12, Written: 360, Read: 360, Verified: true}
				got := *res.ShardCheck
				got.CreateSeconds = 0
				if got != want {
					t.Errorf("shard check %+v, want %+v", got, want)
				}
			}},
	} {
		t.Run(tc.workload, func(t *testing.T) {
			c := quick(srv, tc.workload)
			if tc.adjust != nil {
				tc.adjust(&c)
			}
			res := runQuick(t, srv, c)
			if len(res.Phases) != len(tc.phases) {
				t.Fatalf("phases %+v, want %v", res.Phases, tc.phases)
			}
			for i, p := range res.Phases {
				if p.Name != tc.phases[i] {
					t.Errorf("phase %d is %s, want %s", i, p.Name, tc.phases[i])
				}
				if p.Name != "create" {
					healthy(t, p)
				}
			}
			if res.ThrottledTotal != 0 || len(res.SetupErrors) > 0 {
				t.Errorf("throttled %d, setup errors %v", res.ThrottledTotal, res.SetupErrors)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
}

func checkDelivery(t *testing.T, res *Result) {
	t.Helper()
	d := res.Delivery
	if d == nil || d.Sent == 0 || d.Received != d.Sent || d.Missing != 0 || res.Records != d.Received {
		t.Errorf("delivery %+v, headline records %d", d, res.Records)
	}
	// At 200 records/s for 0.6 s, about 120 records.
	if d != nil && (d.Sent < 60 || d.Sent > 180) {
		t.Errorf("sent %d records at 200/s in 0.6 s", d.Sent)
	}
}

// With the server's limits on, one shard takes 1,000 records/s: batches of
// 500 from 4 goroutines exceed it, and the throttling must be counted by
// code and reported loudly.
func TestThrottlingIsReported(t *testing.T) {
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.Limits = config.LimitsOn }))
	c := quick(srv, "putrecords")
	c.Shards = 1
	res := runQuick(t, srv, c)
	if res.RecordErrors["ProvisionedThroughputExceededException"] == 0 || res.Throttled == 0 || res.ThrottledTotal < res.Throttled {
		t.Fatalf("no throttling counted: %+v", res)
	}
	var text bytes.Buffer
	if err := res.WriteText(&text); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"!!! THROTTLED", "ProvisionedThroughputExceededException", "(throttling)", "--limits off"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, text.String())
		}
	}
}

// Main parses flags around the workload name and prints one JSON object.
func TestMainJSON(t *testing.T) {
	srv := testserver.Start(t)
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"-endpoint", srv.URL, "put", "-json", "-duration", "300ms", "-warmup", "0s",
		"-shards", "1", "-concurrency", "2"}, nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	var got map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	for _, k := range []string{"workload", "endpoint", "shards", "phase", "calls_per_sec", "records_per_sec", "mib_per_sec",
		"latency_ms", "errors", "record_errors", "throttled", "throttled_total", "setup_errors", "phases", "notes"} {
		if _, ok := got[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, stdout.String())
		}
	}
	if got["workload"] != "put" || got["phase"] != "put" || got["calls"].(float64) == 0 {
		t.Errorf("JSON %s", stdout.String())
	}
}

func TestMainUsage(t *testing.T) {
	for _, args := range [][]string{{"nosuch"}, {"put", "-record-size", "0"}, {"put", "extra"}, {"put", "-streams", "2"}} {
		var stdout, stderr bytes.Buffer
		if code := Main(context.Background(), args, nil, &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d, want %d (%s)", args, code, exitUsage, stderr.String())
		}
	}
	var stdout, stderr bytes.Buffer
	if code := Main(context.Background(), []string{"-h"}, nil, &stdout, &stderr); code != 0 || !strings.Contains(stderr.String(), "subscribe") {
		t.Errorf("-h: exit %d\n%s", code, stderr.String())
	}
}

// An endpoint that refuses connections fails setup with RequestError.
func TestUnreachableEndpoint(t *testing.T) {
	c := Defaults()
	c.Endpoint = "http://127.0.0.1:1"
	c.Timeout = time.Second
	res, err := Run(context.Background(), c, &bytes.Buffer{})
	if err == nil || res.SetupErrors["RequestError"] != 1 {
		t.Fatalf("err %v, setup errors %v", err, res.SetupErrors)
	}
}

// An endpoint without enhanced fan-out (here a proxy answering
// RegisterStreamConsumer as kinesalite does) skips subscribe with exit code
// 3 and a clear error, and still deletes its stream.
func TestSubscribeUnsupported(t *testing.T) {
	srv := testserver.Start(t)
	target, _ := url.Parse(srv.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".RegisterStreamConsumer") {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"UnknownOperationException"}`)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	var stdout, stderr bytes.Buffer
	code := Main(context.Background(), []string{"subscribe", "-endpoint", front.URL, "-json", "-duration", "100ms"}, nil, &stdout, &stderr)
	if code != exitUnsupported {
		t.Fatalf("exit %d, want %d\n%s", code, exitUnsupported, stderr.String())
	}
	var res Result
	if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if !res.Skipped || !strings.Contains(res.Error, "enhanced fan-out") || !strings.Contains(res.Error, "UnknownOperationException") {
		t.Errorf("%+v", res)
	}
	noStreamsLeft(t, srv)
}

// An interrupt ends the run early: the report covers the time until then,
// says so, and the streams are still deleted.
func TestInterrupt(t *testing.T) {
	srv := testserver.Start(t)
	c := quick(srv, "put")
	c.Duration = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	res, err := Run(ctx, c, &bytes.Buffer{})
	if err != nil || !res.Interrupted || res.Calls == 0 || res.Seconds > 1 || time.Since(start) > 5*time.Second {
		t.Fatalf("%v: %+v", err, res)
	}
	if len(res.Errors) > 0 {
		t.Errorf("an interrupt counted as errors: %v", res.Errors)
	}
	noStreamsLeft(t, srv)
}

// A shard quota is a setup failure, at once, and not throttling.
func TestShardQuota(t *testing.T) {
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.ShardLimit = 5 }))
	c := quick(srv, "put")
	c.Shards = 8
	res, err := Run(context.Background(), c, &bytes.Buffer{})
	if err == nil || res.SetupErrors["LimitExceededException (quota)"] != 1 || res.ThrottledTotal != 0 || !strings.Contains(res.Error, "shard limit") {
		t.Fatalf("%v: %+v", err, res)
	}
}
