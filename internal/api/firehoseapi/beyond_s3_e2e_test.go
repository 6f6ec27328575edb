package firehoseapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"sluice/internal/config"
	fh "sluice/internal/firehose"
	"sluice/internal/testserver"
)

// End-to-end delivery beyond S3 through aws-sdk-go-v2: the HTTP endpoint
// destination against an HTTPS endpoint that follows AWS's contract,
// dynamic partitioning with jq, record format conversion read back by an
// independent Parquet reader, and the processors before Lambda.

// endpointRequest is one request an HTTP endpoint received.
type endpointRequest struct {
	Header http.Header
	Body   struct {
		RequestID string `json:"requestId"`
		Timestamp int64  `json:"timestamp"`
		Records   []struct {
			Data []byte `json:"data"`
		} `json:"records"`
	}
}

// httpEndpoint is an HTTPS endpoint that answers as AWS's HTTP endpoint
// delivery contract asks, with the status fail says (200 when it returns
// 0), and records what it received.
type httpEndpoint struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []endpointRequest
	fail func(n int) int
}

func newHTTPEndpoint(t testing.TB, fail func(n int) int) *httpEndpoint {
	e := &httpEndpoint{fail: fail}
	e.Server = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req endpointRequest
		req.Header = r.Header.Clone()
		var body io.Reader = r.Body
		if r.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Errorf("gzip body: %v", err)
				return
			}
			body = zr
		}
		if err := json.NewDecoder(body).Decode(&req.Body); err != nil {
			t.Errorf("endpoint body: %v", err)
		}
		e.mu.Lock()
		e.reqs = append(e.reqs, req)
		n := len(e.reqs)
		e.mu.Unlock()
		status := 200
		if e.fail != nil {
			if s := e.fail(n); s != 0 {
				status = s
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(map[string]any{"requestId": req.Body.RequestID, "timestamp": time.Now().UnixMilli()})
	}))
	t.Cleanup(e.Close)
	return e
}

func (e *httpEndpoint) requests() []endpointRequest {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]endpointRequest(nil), e.reqs...)
}

func (e *httpEndpoint) wait(t *testing.T, n int) []endpointRequest {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if reqs := e.requests(); len(reqs) >= n {
			return reqs
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d requests after 10 s, want %d", len(e.requests()), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// trusting starts a server whose Firehose destinations trust the test
// endpoint's certificate.
func trusting(t testing.TB, e *httptest.Server, opts ...testserver.Option) *testserver.Server {
	opts = append(opts, testserver.WithFirehose(func(c *fh.Config) { c.HTTPClient = e.Client() }))
	return testserver.Start(t, opts...)
}

func httpDestination(url string) *types.HttpEndpointDestinationConfiguration {
	return &types.HttpEndpointDestinationConfiguration{
		EndpointConfiguration: &types.HttpEndpointConfiguration{Url: aws.String(url), Name: aws.String("collector"), AccessKey: aws.String("key-123")},
		RequestConfiguration: &types.HttpEndpointRequestConfiguration{ContentEncoding: types.ContentEncodingGzip,
			CommonAttributes: []types.HttpEndpointCommonAttribute{{AttributeName: aws.String("env"), AttributeValue: aws.String("test")}}},
		BufferingHints:  &types.HttpEndpointBufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
		RetryOptions:    &types.HttpEndpointRetryOptions{DurationInSeconds: aws.Int32(0)},
		S3Configuration: &types.S3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::backup")},
		RoleARN:         aws.String(e2eRole),
	}
}

func createWith(t *testing.T, fhc *firehose.Client, in *firehose.CreateDeliveryStreamInput) {
	t.Helper()
	if _, err := fhc.CreateDeliveryStream(t.Context(), in); err != nil {
		t.Fatal(err)
	}
	waitActive(t, fhc, aws.ToString(in.DeliveryStreamName))
}

// The HTTP endpoint gets AWS's request: the headers, the gzip body with
// base64 records, one request ID; AllData backs every record up to S3.
func TestHTTPEndpointDelivery(t *testing.T) {
	e := newHTTPEndpoint(t, nil)
	clock := testserver.NewClock()
	srv := trusting(t, e.Server, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	dest := httpDestination(e.URL + "/ingest?source=sluice")
	dest.S3BackupMode = types.HttpEndpointS3BackupModeAllData
	createWith(t, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("hook"), HttpEndpointDestinationConfiguration: dest})
	put(t, fhc, "hook", "a1", "b2")
	clock.Advance(time.Minute)
	reqs := e.wait(t, 1)
	r := reqs[0]
	want := map[string]string{
		"X-Amz-Firehose-Protocol-Version":  "1.0",
		"X-Amz-Firehose-Access-Key":        "key-123",
		"X-Amz-Firehose-Source-Arn":        "arn:aws:firehose:us-east-1:000000000000:deliverystream/hook",
		"X-Amz-Firehose-Common-Attributes": `{"commonAttributes":{"env":"test"}}`,
		"Content-Type":                     "application/json",
		"Content-Encoding":                 "gzip",
	}
	for k, v := range want {
		if got := r.Header.Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if r.Header.Get("X-Amz-Firehose-Request-Id") != r.Body.RequestID || r.Body.RequestID == "" || r.Body.Timestamp == 0 {
		t.Errorf("request id header %q, body %q, timestamp %d", r.Header.Get("X-Amz-Firehose-Request-Id"), r.Body.RequestID, r.Body.Timestamp)
	}
	if len(r.Body.Records) != 2 || string(r.Body.Records[0].Data) != "a1" || string(r.Body.Records[1].Data) != "b2" {
		t.Fatalf("records = %+v", r.Body.Records)
	}
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "backup", 1)
	if got := string(st.read(t, "backup", keys[0])); got != "a1b2" {
		t.Fatalf("AllData backup %s = %q", keys[0], got)
	}
	out, err := fhc.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("hook")})
	if err != nil {
		t.Fatal(err)
	}
	d := out.DeliveryStreamDescription.Destinations[0].HttpEndpointDestinationDescription
	if d == nil || aws.ToString(d.EndpointConfiguration.Url) != e.URL+"/ingest?source=sluice" || aws.ToString(d.EndpointConfiguration.Name) != "collector" {
		t.Fatalf("description = %+v", d)
	}
}

// A batch the endpoint keeps refusing is retried for RetryOptions, then
// written to S3 as AWS's error records under http-endpoint-failed, and
// the failure is logged with AWS's error code.
func TestHTTPEndpointFailuresGoToTheBackupBucket(t *testing.T) {
	e := newHTTPEndpoint(t, func(int) int { return 500 })
	clock := testserver.NewClock()
	srv := trusting(t, e.Server, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	dest := httpDestination(e.URL)
	dest.CloudWatchLoggingOptions = &types.CloudWatchLoggingOptions{Enabled: aws.Bool(true), LogGroupName: aws.String("/aws/kinesisfirehose/hook"), LogStreamName: aws.String("DestinationDelivery")}
	createWith(t, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("hook"), HttpEndpointDestinationConfiguration: dest})
	put(t, fhc, "hook", "x", "y")
	clock.Advance(time.Minute)
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "backup", 1)
	if !strings.HasPrefix(keys[0], "http-endpoint-failed/") {
		t.Fatalf("error output key %s", keys[0])
	}
	lines := errorLines(t, st.read(t, "backup", keys[0]))
	if len(lines) != 2 || lines[0].ErrorCode != "HttpEndpoint.DestinationException" || string(lines[0].RawData) != "x" || lines[0].AttemptsMade != 1 {
		t.Fatalf("error records = %+v", lines)
	}
	if n := len(e.requests()); n != 1 {
		t.Fatalf("%d requests with a retry duration of 0, want 1", n)
	}
	// The delivery error log (CloudWatchLoggingOptions) has the failure.
	logs := filepath.Join(srv.Dir, "logs")
	deadline := time.Now().Add(5 * time.Second)
	for {
		var found bool
		filepath.WalkDir(logs, func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := os.ReadFile(path)
				found = found || bytes.Contains(b, []byte("HttpEndpoint.DestinationException"))
			}
			return nil
		})
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no delivery error in the log group's file")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Dynamic partitioning: the MetadataExtraction query's keys make the
// prefix; records that are not JSON go to the error output.
func TestDynamicPartitioningWithJQ(t *testing.T) {
	forEachStore(t, []string{"bucket"}, func(t *testing.T, st *bucketStore) { dynamicPartitioningWithJQ(t, st) })
}

func dynamicPartitioningWithJQ(t *testing.T, st *bucketStore) {
	clock := testserver.NewClock()
	srv := st.start(t, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	createS3(t, fhc, "lake", types.ExtendedS3DestinationConfiguration{
		BufferingHints:                   &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
		Prefix:                           aws.String("customer=!{partitionKeyFromQuery:customer}/device=!{partitionKeyFromQuery:device}/"),
		ErrorOutputPrefix:                aws.String("errors/!{firehose:error-output-type}/"),
		DynamicPartitioningConfiguration: &types.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)},
		ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{
			{Type: types.ProcessorTypeMetadataExtraction, Parameters: []types.ProcessorParameter{
				{ParameterName: types.ProcessorParameterNameMetadataExtractionQuery, ParameterValue: aws.String("{customer: .customer_id, device: .device.type}")},
				{ParameterName: types.ProcessorParameterNameJsonParsingEngine, ParameterValue: aws.String("JQ-1.6")},
			}},
			{Type: types.ProcessorTypeAppendDelimiterToRecord},
		}},
	})
	put(t, fhc, "lake", `{"customer_id":"c1","device":{"type":"mobile"}}`, `{"customer_id":"c2","device":{"type":"web"}}`,
		`not json`, `{"customer_id":"c1","device":{"type":"mobile"},"n":2}`)
	errKeys := st.wait(t, "bucket", 1) // the error output is written at once
	if len(errKeys) != 1 || !strings.HasPrefix(errKeys[0], "errors/") {
		t.Fatalf("before the interval: %v", errKeys)
	}
	clock.Advance(time.Minute)
	keys := st.wait(t, "bucket", 3)
	got := map[string]string{}
	for _, k := range keys {
		got[strings.Join(strings.Split(k, "/")[:2], "/")] = string(st.read(t, "bucket", k))
	}
	if got["customer=c1/device=mobile"] != "{\"customer_id\":\"c1\",\"device\":{\"type\":\"mobile\"}}\n{\"customer_id\":\"c1\",\"device\":{\"type\":\"mobile\"},\"n\":2}\n" ||
		got["customer=c2/device=web"] != "{\"customer_id\":\"c2\",\"device\":{\"type\":\"web\"}}\n" {
		t.Fatalf("partitions = %v", got)
	}
	var errKey string
	for k := range got {
		if strings.HasPrefix(k, "errors/") {
			errKey = k
		}
	}
	if errKey != "errors/metadata-extraction-failed" {
		t.Fatalf("error output under %q (%v)", errKey, keys)
	}
	// Enabling dynamic partitioning after creation is refused.
	_, err := fhc.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("bad"),
		ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::bucket"),
			Prefix: aws.String("k=!{partitionKeyFromQuery:k}/"), ErrorOutputPrefix: aws.String("e/!{firehose:error-output-type}/")}})
	if apiCode(err) != "InvalidArgumentException" || !strings.Contains(apiMessage(err), "DynamicPartitioningConfiguration must be enabled") {
		t.Fatalf("partition keys without dynamic partitioning: %v", err)
	}
}

// The processors before Lambda: CloudWatch Logs subscription data,
// gzipped, is decompressed, its messages extracted and split into one
// record per message.
func TestDecompressionAndCloudWatchLogProcessing(t *testing.T) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	createS3(t, fhc, "cwl", types.ExtendedS3DestinationConfiguration{
		BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
		ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{
			{Type: types.ProcessorTypeDecompression, Parameters: []types.ProcessorParameter{{ParameterName: types.ProcessorParameterNameCompressionFormat, ParameterValue: aws.String("GZIP")}}},
			{Type: types.ProcessorTypeCloudWatchLogProcessing, Parameters: []types.ProcessorParameter{{ParameterName: types.ProcessorParameterNameDataMessageExtraction, ParameterValue: aws.String("true")}}},
			{Type: types.ProcessorTypeAppendDelimiterToRecord},
		}},
	})
	gz := func(s string) string {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.String()
	}
	put(t, fhc, "cwl",
		gz(`{"messageType":"DATA_MESSAGE","owner":"1","logGroup":"g","logStream":"s","subscriptionFilters":["f"],"logEvents":[{"id":"1","timestamp":1,"message":"first"},{"id":"2","timestamp":2,"message":"second"}]}`),
		gz(`{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}`))
	clock.Advance(time.Minute)
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "bucket", 1)
	if got := string(st.read(t, "bucket", keys[0])); got != "first\nsecond\n" {
		t.Fatalf("object = %q", got)
	}
}

// Record format conversion: JSON records become one Parquet file under
// the table's schema (from --glue-tables), which hyparquet, a reader that
// shares no code with the writer, reads back with the expected rows and
// types; a record that does not fit goes to format-conversion-failed.
func TestRecordFormatConversionToParquet(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is missing: `make test-js` installs it and hyparquet (test/js/node_modules/hyparquet)")
	}
	root := testserver.RepoRoot(t)
	if _, err := os.Stat(filepath.Join(root, "test", "js", "node_modules", "hyparquet")); err != nil {
		t.Fatal("hyparquet is missing: `make test-js` installs it (npm ci --prefix test/js)")
	}
	tables := filepath.Join(t.TempDir(), "tables.json")
	os.WriteFile(tables, []byte(`[{"DatabaseName":"db","Name":"events","StorageDescriptor":{"Columns":[
		{"Name":"id","Type":"bigint"},{"Name":"name","Type":"string"},{"Name":"score","Type":"double"},{"Name":"ok","Type":"boolean"}]}}]`), 0o600)
	forEachStore(t, []string{"bucket"}, func(t *testing.T, st *bucketStore) { recordFormatConversion(t, st, node, root, tables) })
}

func recordFormatConversion(t *testing.T, st *bucketStore, node, root, tables string) {
	clock := testserver.NewClock()
	srv := st.start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.GlueTables = tables }))
	fhc := srv.FirehoseClient()
	createS3(t, fhc, "pq", types.ExtendedS3DestinationConfiguration{
		BufferingHints:    &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
		Prefix:            aws.String("events/"),
		ErrorOutputPrefix: aws.String("errors/!{firehose:error-output-type}/"),
		DataFormatConversionConfiguration: &types.DataFormatConversionConfiguration{
			Enabled:                   aws.Bool(true),
			SchemaConfiguration:       &types.SchemaConfiguration{DatabaseName: aws.String("db"), TableName: aws.String("events"), RoleARN: aws.String(e2eRole)},
			InputFormatConfiguration:  &types.InputFormatConfiguration{Deserializer: &types.Deserializer{OpenXJsonSerDe: &types.OpenXJsonSerDe{}}},
			OutputFormatConfiguration: &types.OutputFormatConfiguration{Serializer: &types.Serializer{ParquetSerDe: &types.ParquetSerDe{Compression: types.ParquetCompressionSnappy}}},
		},
	})
	put(t, fhc, "pq", `{"id":1,"Name":"a","score":1.5,"ok":true}`, `{"id":2,"name":"b","score":2,"ok":false}`, `{"id":"x"}`)
	clock.Advance(time.Minute)
	keys := st.wait(t, "bucket", 2)
	var data, failed string
	for _, k := range keys {
		switch {
		case strings.HasPrefix(k, "events/") && strings.HasSuffix(k, ".parquet"):
			data = k
		case strings.HasPrefix(k, "errors/format-conversion-failed/"):
			failed = k
		}
	}
	if data == "" || failed == "" {
		t.Fatalf("objects = %v", keys)
	}
	file := filepath.Join(t.TempDir(), "x.parquet")
	os.WriteFile(file, st.read(t, "bucket", data), 0o600)
	out, err := exec.Command(node, filepath.Join(root, "test", "js", "parquet.mjs"), file).Output()
	if err != nil {
		t.Fatalf("hyparquet: %v", err)
	}
	var got struct {
		Schema []struct{ Name, Type string }
		Rows   []map[string]any
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	colTypes := map[string]string{}
	for _, c := range got.Schema {
		colTypes[c.Name] = c.Type
	}
	if colTypes["id"] != "INT64" || colTypes["name"] != "BYTE_ARRAY" || colTypes["score"] != "DOUBLE" || colTypes["ok"] != "BOOLEAN" {
		t.Fatalf("schema = %+v", got.Schema)
	}
	if len(got.Rows) != 2 || got.Rows[0]["name"] != "a" || got.Rows[1]["score"] != 2.0 || got.Rows[1]["ok"] != false {
		t.Fatalf("rows = %+v", got.Rows)
	}
	lines := errorLines(t, st.read(t, "bucket", failed))
	if len(lines) != 1 || !strings.HasPrefix(lines[0].ErrorCode, "DataFormatConversion.") {
		t.Fatalf("conversion failures = %+v", lines)
	}
	// ORC is refused, not accepted and ignored.
	_, err = fhc.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("orc"),
		ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::bucket"),
			DataFormatConversionConfiguration: &types.DataFormatConversionConfiguration{
				SchemaConfiguration:       &types.SchemaConfiguration{DatabaseName: aws.String("db"), TableName: aws.String("events"), RoleARN: aws.String(e2eRole)},
				InputFormatConfiguration:  &types.InputFormatConfiguration{Deserializer: &types.Deserializer{OpenXJsonSerDe: &types.OpenXJsonSerDe{}}},
				OutputFormatConfiguration: &types.OutputFormatConfiguration{Serializer: &types.Serializer{OrcSerDe: &types.OrcSerDe{}}},
			}}})
	if apiCode(err) != "InvalidArgumentException" || !strings.Contains(apiMessage(err), "ORC") {
		t.Fatalf("ORC: %v", err)
	}
}

// base64Of is for messages in failures.
var _ = base64.StdEncoding

// Dynamic partitioning with keys from the Lambda function: its answer's
// metadata.partitionKeys fill !{partitionKeyFromLambda:...}.
func TestDynamicPartitioningWithLambdaKeys(t *testing.T) {
	lambda := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Records []struct {
				RecordID string `json:"recordId"`
				Data     []byte `json:"data"`
			} `json:"records"`
		}
		json.NewDecoder(r.Body).Decode(&ev)
		type result struct {
			RecordID string         `json:"recordId"`
			Result   string         `json:"result"`
			Data     []byte         `json:"data"`
			Metadata map[string]any `json:"metadata"`
		}
		var out struct {
			Records []result `json:"records"`
		}
		for _, rec := range ev.Records {
			tenant, _, _ := strings.Cut(string(rec.Data), ":")
			out.Records = append(out.Records, result{rec.RecordID, "Ok", append(rec.Data, '\n'),
				map[string]any{"partitionKeys": map[string]any{"tenant": tenant, "year": 2026}}})
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(lambda.Close)
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.LambdaEndpoint = lambda.URL }))
	fhc := srv.FirehoseClient()
	createS3(t, fhc, "by-tenant", types.ExtendedS3DestinationConfiguration{
		BufferingHints:                   &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
		Prefix:                           aws.String("tenant=!{partitionKeyFromLambda:tenant}/year=!{partitionKeyFromLambda:year}/"),
		ErrorOutputPrefix:                aws.String("errors/!{firehose:error-output-type}/"),
		DynamicPartitioningConfiguration: &types.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)},
		ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{
			{Type: types.ProcessorTypeLambda, Parameters: []types.ProcessorParameter{{ParameterName: types.ProcessorParameterNameLambdaArn, ParameterValue: aws.String("arn:aws:lambda:us-east-1:000000000000:function:keys")}}},
		}},
	})
	put(t, fhc, "by-tenant", "acme:1", "initech:2", "acme:3")
	clock.Advance(time.Minute)
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "bucket", 2)
	got := map[string]string{}
	for _, k := range keys {
		got[strings.Join(strings.Split(k, "/")[:2], "/")] = string(st.read(t, "bucket", k))
	}
	if got["tenant=acme/year=2026"] != "acme:1\nacme:3\n" || got["tenant=initech/year=2026"] != "initech:2\n" {
		t.Fatalf("partitions = %v", got)
	}
}

// --firehose-ca-file: an endpoint whose certificate a private CA signed is
// reached when the server is given that CA.
func TestFirehoseCAFile(t *testing.T) {
	e := newHTTPEndpoint(t, nil)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.FirehoseCAFile = ca }))
	fhc := srv.FirehoseClient()
	createWith(t, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("private"), HttpEndpointDestinationConfiguration: httpDestination(e.URL)})
	put(t, fhc, "private", "z")
	clock.Advance(time.Minute)
	if r := e.wait(t, 1)[0]; len(r.Body.Records) != 1 || string(r.Body.Records[0].Data) != "z" {
		t.Fatalf("request = %+v", r)
	}
}
