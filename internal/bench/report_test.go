package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestPhaseFinish(t *testing.T) {
	p := Phase{Calls: 10, Records: 1000, Bytes: 3 << 20,
		Errors:       map[string]int64{"LimitExceededException": 2, "Timeout": 1},
		RecordErrors: map[string]int64{"ProvisionedThroughputExceededException": 5, "InternalFailure": 1}}
	p.finish(2 * time.Second)
	if p.Seconds != 2 || p.CallsPerSec != 5 || p.RecordsPerSec != 500 || p.MiBPerSec != 1.5 || p.Throttled != 7 {
		t.Errorf("%+v", p)
	}
	p = Phase{Calls: 3}
	p.finish(0) // interrupted before measuring
	if p.CallsPerSec != 0 {
		t.Errorf("%+v", p)
	}
}

func sample() *Result {
	res := newResult(Defaults())
	res.add(Phase{Name: "preload", Calls: 4, Records: 2000, Errors: map[string]int64{}, RecordErrors: map[string]int64{}}, false)
	p := Phase{Name: "put", Calls: 100, Records: 100, Bytes: 102400, Latency: Latency{Count: 100, P50: 1.25, P90: 2, P99: 3, Max: 4},
		Errors: map[string]int64{"ProvisionedThroughputExceededException": 7, "Timeout": 1}, RecordErrors: map[string]int64{}}
	p.finish(time.Second)
	res.add(p, true)
	res.SetupErrors["LimitExceededException"] = 2
	res.finish()
	return res
}

func TestResultThrottled(t *testing.T) {
	res := sample()
	if res.ThrottledTotal != 9 || res.Throttled != 7 || res.Name != "put" || res.Calls != 100 {
		t.Errorf("%+v", res)
	}
	if !strings.HasPrefix(res.Notes[0], "THROTTLED") || !strings.Contains(res.Notes[len(res.Notes)-1], "--limits off") {
		t.Errorf("notes %q", res.Notes)
	}
	quiet := newResult(Defaults())
	quiet.finish()
	if len(quiet.Notes) != 1 || strings.Contains(quiet.Notes[0], "THROTTLED") {
		t.Errorf("notes %q", quiet.Notes)
	}
}

func TestWriteText(t *testing.T) {
	var b bytes.Buffer
	if err := sample().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		"sluice bench put: http://127.0.0.1:4567, 1 stream(s) x 4 shard(s), 1024-byte records, concurrency 16, rate unbounded, 10s after 2s warmup",
		"records/s", "MiB/s", "p50 ms", "p99 ms", "max ms",
		"preload", "1.25",
		"ProvisionedThroughputExceededException     7  (throttling)",
		"setup      calls   LimitExceededException",
		"!!! THROTTLED: the endpoint refused 9 calls or records",
		"note: for throughput runs start Sluice with `sluice --limits off`",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	// The most frequent code first.
	if strings.Index(out, "ProvisionedThroughput") > strings.Index(out, "Timeout") {
		t.Errorf("codes out of order:\n%s", out)
	}
}

// The JSON names are an interface for scripts: they must not change.
func TestJSONNames(t *testing.T) {
	var b bytes.Buffer
	res := sample()
	res.Delivery = &Delivery{Sent: 3, Received: 2, Missing: 1}
	res.ShardCheck = &ShardCheck{TotalShards: 4}
	res.Analytics = &Analytics{Application: "a", Query: "window"}
	res.Memory = &Memory{Samples: [][2]float64{{0, 20}}}
	if err := res.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	keys := func(m map[string]any) string {
		var ks []string
		for k := range m {
			ks = append(ks, k)
		}
		slices.Sort(ks)
		return strings.Join(ks, " ")
	}
	want := "analytics batch bytes calls calls_per_sec client_gogc concurrency delivery duration_seconds endpoint errors interrupted latency_ms memory mib_per_sec notes phase phases rate record_errors record_size records records_per_sec region seconds setup_errors shard_check shards skipped streams throttled throttled_total warmup_seconds workload"
	if k := keys(got); k != want {
		t.Errorf("top-level keys\n%s\nwant\n%s", k, want)
	}
	if k := keys(got["latency_ms"].(map[string]any)); k != "count max mean p50 p90 p99" {
		t.Errorf("latency keys %s", k)
	}
	if k := keys(got["phases"].([]any)[0].(map[string]any)); k != "bytes calls calls_per_sec errors latency_ms mib_per_sec phase record_errors records records_per_sec seconds throttled" {
		t.Errorf("phase keys %s", k)
	}
	if k := keys(got["delivery"].(map[string]any)); k != "missing received sent" {
		t.Errorf("delivery keys %s", k)
	}
	if k := keys(got["shard_check"].(map[string]any)); k != "create_seconds mismatched_shards read total_shards verified written" {
		t.Errorf("shard_check keys %s", k)
	}
	if k := keys(got["analytics"].(map[string]any)); k != "application behind_seconds input_record_bytes_mean output_records query selectivity_percent start_seconds tickers unreadable_output_records" {
		t.Errorf("analytics keys %s", k)
	}
	if k := keys(got["memory"].(map[string]any)); k != "end_mib first_quarter_mean_mib interval_seconds last_quarter_mean_mib measured_from measured_to peak_mib samples server_pid start_mib" {
		t.Errorf("memory keys %s", k)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

func TestErrorCode(t *testing.T) {
	op := func(err error) error {
		return &smithy.OperationError{ServiceID: "Kinesis", OperationName: "PutRecord", Err: err}
	}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{op(&smithyhttp.ResponseError{Err: &smithy.GenericAPIError{Code: "ProvisionedThroughputExceededException"}}), "ProvisionedThroughputExceededException"},
		{op(&smithy.CanceledError{Err: context.DeadlineExceeded}), codeTimeout},
		{op(&smithyhttp.RequestSendError{Err: timeoutErr{}}), codeTimeout},
		{op(&smithyhttp.RequestSendError{Err: errors.New("connection refused")}), codeRequestError},
		{op(&smithy.CanceledError{Err: context.Canceled}), codeCanceled},
		{op(&smithyhttp.ResponseError{Err: &smithy.DeserializationError{Err: errors.New("bad json")}}), codeBadResponse},
		{op(&smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &httpResponse502}, Err: errors.New("?")}), "HTTP502"},
		{fmt.Errorf("other"), codeClientError},
	} {
		if got := errorCode(tc.err); got != tc.want {
			t.Errorf("%v: %s, want %s", tc.err, got, tc.want)
		}
	}
}

func TestPacer(t *testing.T) {
	start := time.Now()
	p := &pacer{start: start, rate: 100}
	var times []time.Time
	for {
		at, ok := p.next(context.Background(), start.Add(95*time.Millisecond))
		if !ok {
			break
		}
		times = append(times, at)
	}
	// Calls at 0, 10, ..., 90 ms: 10 of them, each due at its time.
	if len(times) != 10 || times[9].Sub(start) != 90*time.Millisecond || time.Since(start) < 90*time.Millisecond {
		t.Errorf("%d calls, last at %v", len(times), times[len(times)-1].Sub(start))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, ok := (&pacer{start: time.Now(), rate: 0}).next(ctx, forever); ok {
		t.Error("an unbounded pacer went on after cancel")
	}
}

func TestParseFlags(t *testing.T) {
	c, err := parseFlags([]string{"-endpoint", "http://h:1", "subscribe", "-shards", "8", "-json"}, &bytes.Buffer{})
	if err != nil || c.Workload != "subscribe" || c.Endpoint != "http://h:1" || c.Shards != 8 || !c.JSON || c.Rate != 1000 {
		t.Errorf("%+v, %v", c, err)
	}
	c, err = parseFlags([]string{"e2e", "-rate", "0"}, &bytes.Buffer{})
	if err != nil || c.Rate != 0 {
		t.Errorf("an explicit -rate 0 must stay: %+v, %v", c, err)
	}
	c, err = parseFlags([]string{"shards", "-streams", "100"}, &bytes.Buffer{})
	if err != nil || c.Streams != 100 || c.Shards != 100 {
		t.Errorf("%+v, %v", c, err)
	}
	c, err = parseFlags(nil, &bytes.Buffer{})
	if err != nil || c != Defaults() || c.GOGC != DefaultGOGC {
		t.Errorf("%+v, %v", c, err)
	}
	c, err = parseFlags([]string{"get", "-gogc", "-1"}, &bytes.Buffer{})
	if err != nil || c.GOGC != -1 || newResult(c).ClientGOGC != -1 {
		t.Errorf("-gogc -1: %+v, %v", c, err)
	}
}

var httpResponse502 = http.Response{StatusCode: 502}

func TestParseStat(t *testing.T) {
	// The command name may hold spaces and parentheses.
	line := []byte("4242 (node (x) y) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 75 0 0 20 0 11 0 100 0 0\n")
	d, err := parseStat(line)
	if err != nil || d != 3250*time.Millisecond {
		t.Errorf("parseStat = %v, %v; want 3.25s", d, err)
	}
	for _, bad := range []string{"", "1 (x S 1", "1 (x) S 1 2 3", "1 (x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 -5 75 0"} {
		if _, err := parseStat([]byte(bad)); err == nil {
			t.Errorf("parseStat(%q) succeeded", bad)
		}
	}
	self, err := procCPU("self")
	if err != nil || self < 0 {
		t.Errorf("procCPU(self) = %v, %v", self, err)
	}
}

func TestCPUMeter(t *testing.T) {
	m := startCPU(context.Background(), os.Getpid(), time.Now())
	deadline := time.Now().Add(300 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ { // burn CPU to measure
		_ = x * x
	}
	c := m.stop(2000)
	// 2,000 records: per 1,000 is half the total (rounded differently)
	if c.ServerMeasureFailed != "" || c.ServerSeconds <= 0 || math.Abs(c.ServerSecondsPer1k-c.ServerSeconds/2) > 0.01 || c.ClientSeconds <= 0 {
		t.Errorf("%+v", c)
	}
	gone := startCPU(context.Background(), 1<<30, time.Now()).stop(10)
	if gone.ServerMeasureFailed == "" {
		t.Errorf("no error for a missing process: %+v", gone)
	}
}

func TestTable(t *testing.T) {
	mk := func(label, workload string, recs, cpu float64, skipped bool) *Result {
		cfg := Defaults()
		cfg.Label, cfg.Workload = label, workload
		res := newResult(cfg)
		res.Skipped = skipped
		if !skipped {
			p := Phase{Name: workload, RecordsPerSec: recs, CallsPerSec: recs / 10, Latency: Latency{P50: 1, P99: 4},
				Errors: map[string]int64{}, RecordErrors: map[string]int64{}, CPU: &CPU{ServerPID: 7, ServerSecondsPer1k: cpu}}
			res.add(p, true)
		}
		res.finish()
		return res
	}
	var in bytes.Buffer
	for _, r := range []*Result{
		mk("sluice", "putrecords", 100000, 0.01, false), mk("kinesalite", "putrecords", 10000, 0.2, false),
		mk("sluice", "putrecords", 140000, 0.02, false), mk("kinesalite", "putrecords", 12000, 0.3, false),
		mk("sluice", "putrecords", 120000, 0.03, false), mk("kinesalite", "putrecords", 11000, 0.25, false),
		mk("sluice", "subscribe", 1000, 0, false), mk("kinesalite", "subscribe", 0, 0, true),
		{Label: "slow", Workload: "get", Error: "no report within 300s"},
		// Stopped while preloading: phases, but nothing measured.
		{Label: "stuck", Workload: "get", Interrupted: true, Phases: []Phase{{Name: "preload", Seconds: 180, Records: 14000, Errors: map[string]int64{"Timeout": 117}}}},
	} {
		if err := r.WriteJSON(&in); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"table"}, &in, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	got := out.String()
	for _, want := range []string{
		"| putrecords | sluice | 3 | 120,000 | 12,000 | 1.00 | 4.00 | 0.0200 | 0 |  |  |",
		"| putrecords | kinesalite | 3 | 11,000 | 1,100 | 1.00 | 4.00 | 0.2500 | 0 | 10.91× | 12.50× |",
		"| subscribe | kinesalite | 1 | unsupported |",
		"| get | slow | 1 | failed: no report within 300s |",
		"| get | stuck | 1 | failed: interrupted during preload after 180 s (14,000 records, 117 failed calls) |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("table lacks %q:\n%s", want, got)
		}
	}
	if median([]float64{4, 1, 3, 2}) != 2.5 || median(nil) != 0 {
		t.Error("median")
	}
}
