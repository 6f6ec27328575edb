package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// scrape is one GET /metrics, parsed: every sample by its series
// ("name{label="value",...}", labels sorted), and the families' types.
type scrape struct {
	samples map[string]float64
	types   map[string]dto.MetricType
}

func getMetrics(t *testing.T, url string) scrape {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("GET /metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	s := scrape{samples: map[string]float64{}, types: map[string]dto.MetricType{}}
	for name, f := range families {
		s.types[name] = f.GetType()
		for _, m := range f.Metric {
			var labels []string
			for _, l := range m.Label {
				labels = append(labels, l.GetName()+"="+fmt.Sprintf("%q", l.GetValue()))
			}
			sort.Strings(labels)
			key := name + "{" + strings.Join(labels, ",") + "}"
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				s.samples[key] = m.Counter.GetValue()
			case dto.MetricType_GAUGE:
				s.samples[key] = m.Gauge.GetValue()
			case dto.MetricType_HISTOGRAM:
				s.samples[strings.Replace(key, "{", "_count{", 1)] = float64(m.Histogram.GetSampleCount())
				// Cumulative buckets, the last (+Inf) holding every sample.
				var last uint64
				for _, b := range m.Histogram.Bucket {
					if b.GetCumulativeCount() < last {
						t.Errorf("%s: buckets not cumulative", key)
					}
					last = b.GetCumulativeCount()
				}
				if last != m.Histogram.GetSampleCount() {
					t.Errorf("%s: last bucket %d, count %d", key, last, m.Histogram.GetSampleCount())
				}
			case dto.MetricType_UNTYPED:
				s.samples[key] = m.Untyped.GetValue()
			}
		}
	}
	return s
}

// with returns the samples whose name starts with prefix.
func (s scrape) with(prefix string, keep func(key string) bool) map[string]float64 {
	out := map[string]float64{}
	for k, v := range s.samples {
		if strings.HasPrefix(k, prefix) && (keep == nil || keep(k)) {
			out[k] = v
		}
	}
	return out
}

// series formats a series key as getMetrics does; labels are name, value pairs.
func series(name string, labels ...string) string {
	var ls []string
	for i := 0; i < len(labels); i += 2 {
		ls = append(ls, labels[i]+"="+fmt.Sprintf("%q", labels[i+1]))
	}
	sort.Strings(ls)
	return name + "{" + strings.Join(ls, ",") + "}"
}

// diffSamples reports every difference between got and want.
func diffSamples(t *testing.T, what string, got, want map[string]float64) {
	t.Helper()
	var keys []string
	for k := range got {
		keys = append(keys, k)
	}
	for k := range want {
		if _, ok := got[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !wok:
			t.Errorf("%s: unexpected %s %v", what, k, g)
		case !gok:
			t.Errorf("%s: missing %s (want %v)", what, k, w)
		case g != w:
			t.Errorf("%s: %s = %v, want %v", what, k, g, w)
		}
	}
}

const maxHashKey = "340282366920938463463374607431768211455"

// TestMetricsDataStreams drives one stream through puts (some throttled),
// GetRecords (one throttled), a subscription and enhanced monitoring, on a
// frozen clock with the limits on, and checks every sluice_kinesis_* series
// and value, that per-shard series follow EnableEnhancedMonitoring exactly,
// and that the HTTP series counted each call.
func TestMetricsDataStreams(t *testing.T) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.Limits = config.LimitsOn }))
	c := srv.Kinesis()
	ctx := t.Context()
	name := aws.String("m")
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: name, ShardCount: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}

	// In: 3 records of 6 bytes to shard 0, one of 4 to shard 1.
	entries := make([]types.PutRecordsRequestEntry, 3)
	for i := range entries {
		entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String("a"), Data: []byte("hello"), ExplicitHashKey: aws.String("0")}
	}
	if _, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: name, Records: entries}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: aws.String("b"), Data: []byte("hi!"), ExplicitHashKey: aws.String(maxHashKey)}); err != nil {
		t.Fatal(err)
	}
	// Shard 1 has 4 bytes fewer than 1 MiB left (the clock stands still):
	// a 1 MiB record is throttled, by PutRecord and again by PutRecords,
	// whose other record, for shard 0, is accepted.
	big := bytes.Repeat([]byte("x"), 1<<20-1)
	_, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: aws.String("b"), Data: big, ExplicitHashKey: aws.String(maxHashKey)})
	if code, _ := apiCode(err); code != "ProvisionedThroughputExceededException" {
		t.Fatalf("PutRecord of 1 MiB: %v", err)
	}
	out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: name, Records: []types.PutRecordsRequestEntry{
		{PartitionKey: aws.String("b"), Data: big, ExplicitHashKey: aws.String(maxHashKey)},
		{PartitionKey: aws.String("c"), Data: []byte("xyz"), ExplicitHashKey: aws.String("0")},
	}})
	if err != nil || aws.ToInt32(out.FailedRecordCount) != 1 {
		t.Fatalf("PutRecords: %v, %+v", err, out)
	}

	// Out by GetRecords, 7 s later: one record of shard 0 (the reader is
	// then 7 s behind), shard 1's one record (caught up), then shard 1's
	// five calls a second are spent and the sixth is throttled.
	clock.Advance(7 * time.Second)
	iterator := func(shard string) *string {
		it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: name, ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
		if err != nil {
			t.Fatal(err)
		}
		return it.ShardIterator
	}
	got, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: iterator("shardId-000000000000"), Limit: aws.Int32(1)})
	if err != nil || len(got.Records) != 1 || aws.ToInt64(got.MillisBehindLatest) != 7000 {
		t.Fatalf("GetRecords of shard 0: %v, %+v", err, got)
	}
	it := iterator("shardId-000000000001")
	for i := range 6 {
		got, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it})
		if i == 5 {
			if code, _ := apiCode(err); code != "ProvisionedThroughputExceededException" {
				t.Fatalf("sixth GetRecords: %v", err)
			}
			break
		}
		if err != nil {
			t.Fatalf("GetRecords %d of shard 1: %v", i, err)
		}
		it = got.NextShardIterator
	}

	// Out by SubscribeToShard: shard 0's four records.
	stream, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: name})
	if err != nil {
		t.Fatal(err)
	}
	cons, err := c.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: stream.StreamDescriptionSummary.StreamARN, ConsumerName: aws.String("c")})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: cons.Consumer.ConsumerARN, ShardId: aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}})
	if err != nil {
		t.Fatal(err)
	}
	for ev := range sub.GetStream().Events() {
		if e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent); ok {
			if len(e.Value.Records) != 4 {
				t.Fatalf("first event has %d records, want 4", len(e.Value.Records))
			}
			break
		}
	}
	sub.GetStream().Close()

	labels := []string{"account", "000000000000", "region", "us-east-1", "stream", "m"}
	shard := func(id string, more ...string) []string {
		return append(append(slices.Clone(labels), "shard", "shardId-00000000000"+id), more...)
	}
	with := func(l []string, more ...string) []string { return append(slices.Clone(labels), append(l, more...)...) }
	k := func(name string, l ...string) string { return series("sluice_kinesis_"+name, l...) }
	streamWant := map[string]float64{
		k("incoming_records_total", labels...):                                      5,
		k("incoming_bytes_total", labels...):                                        26,
		k("outgoing_records_total", with(nil, "api", "GetRecords")...):              2,
		k("outgoing_records_total", with(nil, "api", "SubscribeToShard")...):        4,
		k("outgoing_bytes_total", with(nil, "api", "GetRecords")...):                10,
		k("outgoing_bytes_total", with(nil, "api", "SubscribeToShard")...):          22,
		k("write_throttled_records_total", labels...):                               2,
		k("read_throttled_calls_total", labels...):                                  1,
		k("iterator_age_seconds", labels...):                                        7,
		k("open_shards", labels...):                                                 2,
		k("consumers", with(nil, "status", "CREATING")...):                          0,
		k("consumers", with(nil, "status", "ACTIVE")...):                            1,
		k("consumers", with(nil, "status", "DELETING")...):                          0,
		k("stream_status", with(nil, "status", "CREATING")...):                      0,
		k("stream_status", with(nil, "status", "ACTIVE")...):                        1,
		k("stream_status", with(nil, "status", "UPDATING")...):                      0,
		k("stream_status", with(nil, "status", "DELETING")...):                      0,
		k("retention_period_seconds", labels...):                                    86400,
		k("shard_incoming_records_total", shard("0")...):                            4,
		k("shard_incoming_records_total", shard("1")...):                            1,
		k("shard_incoming_bytes_total", shard("0")...):                              22,
		k("shard_incoming_bytes_total", shard("1")...):                              4,
		k("shard_outgoing_records_total", shard("0", "api", "GetRecords")...):       1,
		k("shard_outgoing_records_total", shard("0", "api", "SubscribeToShard")...): 4,
		k("shard_outgoing_records_total", shard("1", "api", "GetRecords")...):       1,
		k("shard_outgoing_records_total", shard("1", "api", "SubscribeToShard")...): 0,
		k("shard_outgoing_bytes_total", shard("0", "api", "GetRecords")...):         6,
		k("shard_outgoing_bytes_total", shard("0", "api", "SubscribeToShard")...):   22,
		k("shard_outgoing_bytes_total", shard("1", "api", "GetRecords")...):         4,
		k("shard_outgoing_bytes_total", shard("1", "api", "SubscribeToShard")...):   0,
		k("shard_write_throttled_records_total", shard("0")...):                     0,
		k("shard_write_throttled_records_total", shard("1")...):                     2,
		k("shard_read_throttled_calls_total", shard("0")...):                        0,
		k("shard_read_throttled_calls_total", shard("1")...):                        1,
		k("shard_iterator_age_seconds", shard("0")...):                              7,
		k("shard_iterator_age_seconds", shard("1")...):                              0,
	}
	// wantFor is streamWant with the per-shard series of the enabled
	// shard-level metrics only.
	shardSeries := map[string]string{
		"IncomingRecords": "shard_incoming_records_total", "IncomingBytes": "shard_incoming_bytes_total",
		"OutgoingRecords": "shard_outgoing_records_total", "OutgoingBytes": "shard_outgoing_bytes_total",
		"WriteProvisionedThroughputExceeded": "shard_write_throttled_records_total",
		"ReadProvisionedThroughputExceeded":  "shard_read_throttled_calls_total",
		"IteratorAgeMilliseconds":            "shard_iterator_age_seconds",
	}
	wantFor := func(enabled ...string) map[string]float64 {
		out := map[string]float64{}
		for key, v := range streamWant {
			if !strings.HasPrefix(key, "sluice_kinesis_shard_") {
				out[key] = v
			}
		}
		for _, m := range enabled {
			prefix := "sluice_kinesis_" + shardSeries[m] + "{"
			for key, v := range streamWant {
				if strings.HasPrefix(key, prefix) {
					out[key] = v
				}
			}
		}
		return out
	}
	monitor := func(enable bool, metrics ...types.MetricsName) {
		t.Helper()
		var err error
		if enable {
			_, err = c.EnableEnhancedMonitoring(ctx, &kinesis.EnableEnhancedMonitoringInput{StreamName: name, ShardLevelMetrics: metrics})
		} else {
			_, err = c.DisableEnhancedMonitoring(ctx, &kinesis.DisableEnhancedMonitoringInput{StreamName: name, ShardLevelMetrics: metrics})
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	diffSamples(t, "no enhanced monitoring", getMetrics(t, srv.URL).with("sluice_kinesis_", nil), wantFor())
	monitor(true, types.MetricsNameIncomingRecords, types.MetricsNameOutgoingBytes, types.MetricsNameIteratorAgeMilliseconds)
	diffSamples(t, "three enabled", getMetrics(t, srv.URL).with("sluice_kinesis_", nil), wantFor("IncomingRecords", "OutgoingBytes", "IteratorAgeMilliseconds"))
	monitor(false, types.MetricsNameIncomingRecords)
	diffSamples(t, "IncomingRecords disabled", getMetrics(t, srv.URL).with("sluice_kinesis_", nil), wantFor("OutgoingBytes", "IteratorAgeMilliseconds"))
	monitor(true, types.MetricsNameAll)
	all := make([]string, 0, len(shardSeries))
	for m := range shardSeries {
		all = append(all, m)
	}
	diffSamples(t, "ALL enabled", getMetrics(t, srv.URL).with("sluice_kinesis_", nil), wantFor(all...))
	monitor(false, types.MetricsNameAll)
	s := getMetrics(t, srv.URL)
	diffSamples(t, "ALL disabled", s.with("sluice_kinesis_", nil), wantFor())
	if got := s.types["sluice_kinesis_incoming_records_total"]; got != dto.MetricType_COUNTER {
		t.Errorf("sluice_kinesis_incoming_records_total is a %v", got)
	}
	if got := s.types["sluice_kinesis_iterator_age_seconds"]; got != dto.MetricType_GAUGE {
		t.Errorf("sluice_kinesis_iterator_age_seconds is a %v", got)
	}

	// The HTTP series: each call above once, unknown targets under one
	// label whatever they say, the console and the health check apart.
	for _, target := range []string{"Kinesis_20131202.NoSuchOperation", "Bogus_20200101.One", "Bogus_20200101.Two", "Other.Three", ""} {
		req, _ := http.NewRequest("POST", srv.URL+"/", strings.NewReader("{}"))
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		if target != "" {
			req.Header.Set("X-Amz-Target", target)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 400 {
			t.Fatalf("%q: status %d", target, res.StatusCode)
		}
	}
	for _, path := range []string{"/healthcheck", "/"} {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	op := func(service, operation string, ok, clientErr float64) map[string]float64 {
		l := []string{"service", service, "operation", operation}
		return map[string]float64{
			series("sluice_http_requests_total", append(l, "code", "2xx")...): ok,
			series("sluice_http_requests_total", append(l, "code", "4xx")...): clientErr,
			series("sluice_http_requests_total", append(l, "code", "5xx")...): 0,
		}
	}
	httpWant := map[string]float64{}
	for _, m := range []map[string]float64{
		op("kinesis", "CreateStream", 1, 0),
		op("kinesis", "PutRecords", 2, 0),
		op("kinesis", "PutRecord", 1, 1),
		op("kinesis", "GetShardIterator", 2, 0),
		op("kinesis", "GetRecords", 6, 1),
		op("kinesis", "DescribeStreamSummary", 1, 0),
		op("kinesis", "RegisterStreamConsumer", 1, 0),
		op("kinesis", "SubscribeToShard", 1, 0),
		op("kinesis", "EnableEnhancedMonitoring", 2, 0),
		op("kinesis", "DisableEnhancedMonitoring", 2, 0),
		op("kinesis", "unknown", 0, 1),
		op("unknown", "unknown", 0, 4),
		op("sluice", "healthcheck", 1, 0),
		op("console", "console", 1, 0),
	} {
		for k, v := range m {
			httpWant[k] = v
		}
	}
	notScrape := func(key string) bool { return !strings.Contains(key, `operation="metrics"`) }
	// The subscription's request ends when the server sees the stream
	// closed, a moment after the client closes it.
	deadline := time.Now().Add(10 * time.Second)
	for {
		s = getMetrics(t, srv.URL)
		if s.samples[series("sluice_http_requests_total", "service", "kinesis", "operation", "SubscribeToShard", "code", "2xx")] == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	diffSamples(t, "requests", s.with("sluice_http_requests_total{", notScrape), httpWant)
	// Each operation's histogram counts its requests.
	for key, v := range s.with("sluice_http_request_duration_seconds_count{", notScrape) {
		requests := 0.0
		for code := range 5 {
			requests += s.samples[strings.Replace(key, "request_duration_seconds_count{", fmt.Sprintf("requests_total{code=\"%dxx\",", code+1), 1)]
		}
		if v != requests || v == 0 {
			t.Errorf("%s = %v, want the %v requests", key, v, requests)
		}
	}
	if got := len(s.with("sluice_http_request_duration_seconds_count{", notScrape)); got != 14 {
		t.Errorf("%d duration histograms, want 14 (one per operation called)", got)
	}
	for key, want := range map[string]float64{
		series("sluice_http_requests_in_flight", "service", "kinesis", "operation", "GetRecords"): 0,
		series("sluice_http_requests_in_flight", "service", "sluice", "operation", "metrics"):     1, // this scrape
	} {
		if got, ok := s.samples[key]; !ok || got != want {
			t.Errorf("%s = %v (listed %v), want %v", key, got, ok, want)
		}
	}

	// The process and the Go runtime.
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds"} {
		if _, ok := s.types[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
}
