package runtime_test

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fht "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kt "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
	ka2 "github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2"
	ka2t "github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2/types"

	"sluice/internal/analytics/runtime"
	"sluice/internal/config"
	sfh "sluice/internal/firehose"
	"sluice/internal/testserver"
)

var fhCaller = sfh.Caller{Account: account, Region: "us-east-1"}

// createDeliveryStream creates a DirectPut delivery stream to the local
// S3 directory, with a large buffer (its log is what the tests read).
func createDeliveryStream(t *testing.T, srv *testserver.Server, name string) string {
	t.Helper()
	fh := srv.FirehoseClient()
	if _, err := fh.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String(name),
		ExtendedS3DestinationConfiguration: &fht.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String(role), BucketARN: aws.String("arn:aws:s3:::bucket-" + name),
			BufferingHints: &fht.BufferingHints{IntervalInSeconds: aws.Int32(60), SizeInMBs: aws.Int32(1)},
		},
	}); err != nil {
		t.Fatal(err)
	}
	var arn string
	waitUntil(t, "delivery stream "+name+" ACTIVE", func() bool {
		out, err := fh.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		arn = aws.ToString(out.DeliveryStreamDescription.DeliveryStreamARN)
		return out.DeliveryStreamDescription.DeliveryStreamStatus == fht.DeliveryStreamStatusActive
	})
	return arn
}

// deliveryLog reads what a delivery stream took in, from its log.
func deliveryLog(t *testing.T, srv *testserver.Server, name string) []string {
	t.Helper()
	_, lg, err := srv.Firehose().Log(fhCaller, name)
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := lg.Read(0, 1, 1000, 1<<20, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = string(r.Data)
	}
	return out
}

// A delivery stream feeds the application (its records have only
// APPROXIMATE_ARRIVAL_TIME as a system column) and another takes its
// output through PutRecordBatch.
func TestFirehoseInputAndOutput(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	inARN := createDeliveryStream(t, srv, "ticks")
	outARN := createDeliveryStream(t, srv, "alerts")
	code := `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), price DOUBLE, arrived TIMESTAMP);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
  SELECT STREAM ticker_symbol, price, APPROXIMATE_ARRIVAL_TIME FROM "SOURCE_SQL_STREAM_001" WHERE price > 50;`
	in := kat.Input{NamePrefix: aws.String("SOURCE_SQL_STREAM"), InputSchema: tickerSchema(),
		KinesisFirehoseInput: &kat.KinesisFirehoseInput{ResourceARN: aws.String(inARN), RoleARN: aws.String(role)}}
	out := kat.Output{Name: aws.String("DESTINATION_SQL_STREAM"), DestinationSchema: &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson},
		KinesisFirehoseOutput: &kat.KinesisFirehoseOutput{ResourceARN: aws.String(outARN), RoleARN: aws.String(role)}}
	createApp(t, c, "hoses", code, in, out)
	start(t, c, "hoses", kat.InputStartingPositionNow)

	before := time.Now().UTC().Truncate(time.Millisecond)
	if _, err := srv.FirehoseClient().PutRecordBatch(t.Context(), &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("ticks"), Records: []fht.Record{
		{Data: tick{"AAA", "X", 1, 80}.json()}, {Data: tick{"BBB", "X", 1, 20}.json()}, {Data: tick{"CCC", "X", 1, 90.5}.json()},
	}}); err != nil {
		t.Fatal(err)
	}
	var got []string
	waitUntil(t, "two records in the output delivery stream", func() bool {
		got = deliveryLog(t, srv, "alerts")
		return len(got) >= 2
	})
	for i, want := range []string{"AAA", "CCC"} {
		var row struct {
			Ticker  string  `json:"TICKER_SYMBOL"`
			Price   float64 `json:"PRICE"`
			Arrived string  `json:"ARRIVED"`
		}
		if err := json.Unmarshal([]byte(got[i]), &row); err != nil || row.Ticker != want {
			t.Fatalf("record %d: %s (%v)", i, got[i], err)
		}
		arrived, err := time.Parse("2006-01-02 15:04:05.000", row.Arrived)
		if err != nil || arrived.Before(before) || arrived.After(time.Now()) {
			t.Fatalf("APPROXIMATE_ARRIVAL_TIME %q (put at %s): %v", row.Arrived, before, err)
		}
	}
}

// lambdaFunctions is a Lambda-contract endpoint (as `sam local
// start-lambda` serves): POST /2015-03-31/functions/<name>/invocations runs
// the function of that name.
type lambdaFunctions struct {
	mu     sync.Mutex
	fns    map[string]func(event []byte) []byte
	events map[string][][]byte
}

func newLambdaFunctions(t *testing.T) (*lambdaFunctions, string) {
	l := &lambdaFunctions{fns: map[string]func([]byte) []byte{}, events: map[string][][]byte{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2015-03-31/functions/"), "/invocations")
		if i := strings.LastIndex(name, ":function:"); i >= 0 {
			name = name[i+len(":function:"):]
		}
		body, _ := io.ReadAll(r.Body)
		l.mu.Lock()
		fn := l.fns[name]
		l.events[name] = append(l.events[name], body)
		l.mu.Unlock()
		if fn == nil {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Write(fn(body))
	}))
	t.Cleanup(srv.Close)
	return l, srv.URL
}

func (l *lambdaFunctions) set(name string, fn func(event []byte) []byte) {
	l.mu.Lock()
	l.fns[name] = fn
	l.mu.Unlock()
}

func (l *lambdaFunctions) received(name string) [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([][]byte(nil), l.events[name]...)
}

// lambdaEvent reads the records of an event the runtime sends a Lambda
// function (a preprocessor's or an output's).
func lambdaEvent(event []byte) (ev struct {
	Records []struct {
		RecordID string `json:"recordId"`
		Data     []byte `json:"data"`
	} `json:"records"`
}) {
	json.Unmarshal(event, &ev)
	return ev
}

// lambdaOutput is an output of DESTINATION_SQL_STREAM to the Lambda
// function fn of lambdaFunctions.
func lambdaOutput(fn string, format kat.RecordFormatType) kat.Output {
	return kat.Output{Name: aws.String("DESTINATION_SQL_STREAM"), DestinationSchema: &kat.DestinationSchema{RecordFormatType: format},
		LambdaOutput: &kat.LambdaOutput{ResourceARN: aws.String("arn:aws:lambda:us-east-1:000000000000:function:" + fn), RoleARN: aws.String(role)}}
}

// errorOutput is an output of error_stream, as JSON, to a data stream.
func errorOutput(arn string) kat.Output {
	return kat.Output{Name: aws.String("error_stream"), DestinationSchema: &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson},
		KinesisStreamsOutput: &kat.KinesisStreamsOutput{ResourceARN: aws.String(arn), RoleARN: aws.String(role)}}
}

// Input preprocessing and a Lambda output, through the Lambda endpoint: the
// preprocessor turns CSV records into the JSON the schema maps (dropping
// one, failing another, which error_stream shows), and the output function
// receives the rows with AWS's output contract.
func TestLambdaPreprocessingAndOutput(t *testing.T) {
	fns, url := newLambdaFunctions(t)
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.LambdaEndpoint = url }),
		testserver.WithRuntime(func(c *runtime.Config) { c.LambdaInterval = 20 * time.Millisecond }))
	c := srv.AnalyticsClient()
	inARN := createStream(t, srv, "csv", 1)
	errARN := createStream(t, srv, "errors", 1)
	fns.set("csv-to-json", func(event []byte) []byte {
		ev := lambdaEvent(event)
		type answer struct {
			RecordID string `json:"recordId"`
			Result   string `json:"result"`
			Data     []byte `json:"data,omitempty"`
		}
		var out []answer
		for _, r := range ev.Records {
			f := strings.Split(string(r.Data), ",")
			switch f[0] {
			case "DROP":
				out = append(out, answer{RecordID: r.RecordID, Result: "Dropped"})
			case "FAIL":
				out = append(out, answer{RecordID: r.RecordID, Result: "ProcessingFailed"})
			default:
				out = append(out, answer{RecordID: r.RecordID, Result: "Ok", Data: []byte(fmt.Sprintf(`{"TICKER_SYMBOL":%q,"SECTOR":"X","CHANGE":%s,"PRICE":%s}`, f[0], f[1], f[2]))})
			}
		}
		b, _ := json.Marshal(map[string]any{"records": out})
		return b
	})
	var delivered []string
	var mu sync.Mutex
	fns.set("sink", func(event []byte) []byte {
		ev := lambdaEvent(event)
		var out []map[string]string
		mu.Lock()
		for _, r := range ev.Records {
			delivered = append(delivered, string(r.Data))
			out = append(out, map[string]string{"recordId": r.RecordID, "result": "Ok"})
		}
		mu.Unlock()
		b, _ := json.Marshal(map[string]any{"records": out})
		return b
	})
	in := streamInput(inARN)
	in.InputProcessingConfiguration = &kat.InputProcessingConfiguration{InputLambdaProcessor: &kat.InputLambdaProcessor{
		ResourceARN: aws.String("arn:aws:lambda:us-east-1:000000000000:function:csv-to-json"), RoleARN: aws.String(role)}}
	createApp(t, c, "lambdas", filterCode, in, lambdaOutput("sink", kat.RecordFormatTypeJson), errorOutput(errARN))
	start(t, c, "lambdas", kat.InputStartingPositionNow)

	put := func(data ...string) {
		entries := make([]kt.PutRecordsRequestEntry, len(data))
		for i, d := range data {
			entries[i] = kt.PutRecordsRequestEntry{Data: []byte(d), PartitionKey: aws.String("k")}
		}
		if _, err := srv.Kinesis().PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String("csv"), Records: entries}); err != nil {
			t.Fatal(err)
		}
	}
	put("AAA,5,50", "DROP,1,1", "FAIL,1,1", "BBB,0.1,100", "CCC,-3,30")
	waitUntil(t, "two rows delivered to the function", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(delivered) >= 2
	})
	mu.Lock()
	got := strings.Join(delivered, "\n")
	mu.Unlock()
	want := `{"TICKER_SYMBOL":"AAA","SECTOR":"X","CHANGE":5.0,"PRICE":50.0}` + "\n" + `{"TICKER_SYMBOL":"CCC","SECTOR":"X","CHANGE":-3.0,"PRICE":30.0}`
	if got != want {
		t.Fatalf("delivered:\n%s\nwant:\n%s", got, want)
	}
	var ev map[string]any
	events := fns.received("sink")
	json.Unmarshal(events[0], &ev)
	rec := ev["records"].([]any)[0].(map[string]any)
	if ev["applicationArn"] != "arn:aws:kinesisanalytics:us-east-1:000000000000:application/lambdas" || len(ev["invocationId"].(string)) != 36 ||
		len(rec["recordId"].(string)) != 36 || rec["lambdaDeliveryRecordMetadata"].(map[string]any)["retryHint"] != float64(0) {
		t.Fatalf("output event: %s", events[0])
	}
	var pre map[string]any
	json.Unmarshal(fns.received("csv-to-json")[0], &pre)
	if pre["streamArn"] != inARN || pre["applicationArn"] != ev["applicationArn"] {
		t.Fatalf("preprocessing event: %v", pre)
	}

	// The failed record is on error_stream, with its data hex-encoded.
	errs := newStreamReader(t, srv, "errors").wait(1)
	var row map[string]any
	if err := json.Unmarshal([]byte(errs[0]), &row); err != nil {
		t.Fatal(err)
	}
	if row["ERROR_NAME"] != runtime.ErrorPreprocessingFailed || row["ERROR_LEVEL"] != "ERROR" || row["DATA_ROW"] != hex.EncodeToString([]byte("FAIL,1,1")) ||
		row["PUMP_NAME"] != "SOURCE_SQL_STREAM_001" || !strings.Contains(row["MESSAGE"].(string), "ProcessingFailed") {
		t.Fatalf("error_stream row: %s", errs[0])
	}
}

// writeRefObject writes the object key of bucket refs in the local
// directory Firehose delivers to, returning its file.
func writeRefObject(t *testing.T, srv *testserver.Server, key, data string) string {
	t.Helper()
	ref := filepath.Join(srv.Dir, "s3", "refs", key)
	if err := os.MkdirAll(filepath.Dir(ref), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(ref, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return ref
}

// addTickerTable adds to version 1 of app the reference table table
// (Ticker VARCHAR(4), Company VARCHAR(20)) from the CSV object key of
// bucket refs, then sets the code: code that joins the table comes once
// the table is configured.
func addTickerTable(t *testing.T, c *ka.Client, app, table, key, code string) {
	t.Helper()
	if _, err := c.AddApplicationReferenceDataSource(t.Context(), &ka.AddApplicationReferenceDataSourceInput{
		ApplicationName: aws.String(app), CurrentApplicationVersionId: aws.Int64(1),
		ReferenceDataSource: &kat.ReferenceDataSource{
			TableName:             aws.String(table),
			S3ReferenceDataSource: &kat.S3ReferenceDataSource{BucketARN: aws.String("arn:aws:s3:::refs"), FileKey: aws.String(key), ReferenceRoleARN: aws.String(role)},
			ReferenceSchema: &kat.SourceSchema{
				RecordFormat: &kat.RecordFormat{RecordFormatType: kat.RecordFormatTypeCsv, MappingParameters: &kat.MappingParameters{
					CSVMappingParameters: &kat.CSVMappingParameters{RecordRowDelimiter: aws.String("\n"), RecordColumnDelimiter: aws.String(",")}}},
				RecordColumns: []kat.RecordColumn{{Name: aws.String("Ticker"), SqlType: aws.String("VARCHAR(4)")}, {Name: aws.String("Company"), SqlType: aws.String("VARCHAR(20)")}},
			},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateApplication(t.Context(), &ka.UpdateApplicationInput{ApplicationName: aws.String(app), CurrentApplicationVersionId: aws.Int64(2),
		ApplicationUpdate: &kat.ApplicationUpdate{ApplicationCodeUpdate: aws.String(code)}}); err != nil {
		t.Fatal(err)
	}
}

// metrics returns the server's /metrics page.
func metrics(t *testing.T, srv *testserver.Server) string {
	t.Helper()
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return string(b)
}

// The guide's reference data example: an S3 object in the local directory
// Firehose delivers to, joined to the stream.
func TestReferenceData(t *testing.T) {
	srv := testserver.Start(t)
	writeRefObject(t, srv, "TickerReference.csv", "AMZN,Amazon\nASD,SomeCompanyA\nMMB,SomeCompanyB\n")
	c := srv.AnalyticsClient()
	inARN := createStream(t, srv, "ticks", 1)
	outARN := createStream(t, srv, "named", 1)
	code := `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), "Company" varchar(20), sector VARCHAR(12), change DOUBLE, price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
   SELECT STREAM ticker_symbol, "c"."Company", sector, change, price
   FROM "SOURCE_SQL_STREAM_001" LEFT JOIN "CompanyName" as "c"
   ON "SOURCE_SQL_STREAM_001".ticker_symbol = "c"."Ticker";`
	// The code joins the table, so it comes once the table is configured.
	createApp(t, c, "refs", "", streamInput(inARN), streamOutput(outARN, kat.RecordFormatTypeCsv))
	addTickerTable(t, c, "refs", "CompanyName", "TickerReference.csv", code)
	start(t, c, "refs", kat.InputStartingPositionNow)
	putTicks(t, srv, "ticks", tick{"AMZN", "TECH", 1, 100}, tick{"ZZZ", "TECH", 1, 5})
	got := newStreamReader(t, srv, "named").settle(2)
	want := []string{"AMZN,Amazon,TECH,1.0,100.0\n", "ZZZ,,TECH,1.0,5.0\n"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("output %q, want %q", got, want)
	}
}

// Records that do not parse are error_stream rows (RECORD_PARSE_ERROR,
// COERCION_ERROR) and the application goes on; InputParallelism spreads
// the shards over SOURCE_SQL_STREAM_001 and _002; the v2 API starts SQL
// applications; /metrics counts.
func TestErrorsParallelismV2AndMetrics(t *testing.T) {
	srv := testserver.Start(t)
	c2 := srv.AnalyticsV2Client()
	inARN := createStream(t, srv, "ticks", 2)
	outARN := createStream(t, srv, "both", 1)
	errARN := createStream(t, srv, "errors", 1)
	code := `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), shard VARCHAR(32));
CREATE OR REPLACE PUMP "P1" AS INSERT INTO "DESTINATION_SQL_STREAM" SELECT STREAM ticker_symbol, SHARD_ID FROM "SOURCE_SQL_STREAM_001";
CREATE OR REPLACE PUMP "P2" AS INSERT INTO "DESTINATION_SQL_STREAM" SELECT STREAM ticker_symbol, SHARD_ID FROM "SOURCE_SQL_STREAM_002";`
	schema := &ka2t.SourceSchema{
		RecordFormat: &ka2t.RecordFormat{RecordFormatType: ka2t.RecordFormatTypeJson,
			MappingParameters: &ka2t.MappingParameters{JSONMappingParameters: &ka2t.JSONMappingParameters{RecordRowPath: aws.String("$")}}},
		RecordColumns: []ka2t.RecordColumn{
			{Name: aws.String("TICKER_SYMBOL"), SqlType: aws.String("VARCHAR(4)"), Mapping: aws.String("$.TICKER_SYMBOL")},
			{Name: aws.String("PRICE"), SqlType: aws.String("REAL"), Mapping: aws.String("$.PRICE")},
		},
	}
	if _, err := c2.CreateApplication(t.Context(), &ka2.CreateApplicationInput{
		ApplicationName: aws.String("par"), RuntimeEnvironment: ka2t.RuntimeEnvironmentSql10, ServiceExecutionRole: aws.String(role),
		ApplicationConfiguration: &ka2t.ApplicationConfiguration{
			ApplicationCodeConfiguration: &ka2t.ApplicationCodeConfiguration{CodeContentType: ka2t.CodeContentTypePlaintext, CodeContent: &ka2t.CodeContent{TextContent: aws.String(code)}},
			SqlApplicationConfiguration: &ka2t.SqlApplicationConfiguration{
				Inputs: []ka2t.Input{{NamePrefix: aws.String("SOURCE_SQL_STREAM"), InputSchema: schema, InputParallelism: &ka2t.InputParallelism{Count: aws.Int32(2)},
					KinesisStreamsInput: &ka2t.KinesisStreamsInput{ResourceARN: aws.String(inARN)}}},
				Outputs: []ka2t.Output{
					{Name: aws.String("DESTINATION_SQL_STREAM"), DestinationSchema: &ka2t.DestinationSchema{RecordFormatType: ka2t.RecordFormatTypeCsv},
						KinesisStreamsOutput: &ka2t.KinesisStreamsOutput{ResourceARN: aws.String(outARN)}},
					{Name: aws.String("error_stream"), DestinationSchema: &ka2t.DestinationSchema{RecordFormatType: ka2t.RecordFormatTypeJson},
						KinesisStreamsOutput: &ka2t.KinesisStreamsOutput{ResourceARN: aws.String(errARN)}},
				},
			},
		},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.StartApplication(t.Context(), &ka2.StartApplicationInput{ApplicationName: aws.String("par"), RunConfiguration: &ka2t.RunConfiguration{
		SqlRunConfigurations: []ka2t.SqlRunConfiguration{{InputId: aws.String("1.1"), InputStartingPositionConfiguration: &ka2t.InputStartingPositionConfiguration{InputStartingPosition: ka2t.InputStartingPositionNow}}},
	}}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, srv.AnalyticsClient(), "par", kat.ApplicationStatusRunning)

	entries := []kt.PutRecordsRequestEntry{}
	for i := range 8 {
		entries = append(entries, kt.PutRecordsRequestEntry{Data: []byte(fmt.Sprintf(`{"TICKER_SYMBOL":"T%d","PRICE":1}`, i)), PartitionKey: aws.String(fmt.Sprint("key", i))})
	}
	entries = append(entries,
		kt.PutRecordsRequestEntry{Data: []byte(`{not json`), PartitionKey: aws.String("bad")},
		kt.PutRecordsRequestEntry{Data: []byte(`{"TICKER_SYMBOL":"X","PRICE":"cheap"}`), PartitionKey: aws.String("bad")})
	if _, err := srv.Kinesis().PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String("ticks"), Records: entries}); err != nil {
		t.Fatal(err)
	}
	got := newStreamReader(t, srv, "both").settle(8)
	shards := map[string]bool{}
	for _, line := range got {
		f := strings.Split(strings.TrimSpace(line), ",")
		shards[f[1]] = true
	}
	if len(got) != 8 || !shards["shardId-000000000000"] || !shards["shardId-000000000001"] {
		t.Fatalf("output %q", got)
	}
	errs := newStreamReader(t, srv, "errors").settle(2)
	var names []string
	for _, e := range errs {
		var row map[string]any
		json.Unmarshal([]byte(e), &row)
		names = append(names, row["ERROR_NAME"].(string))
		data, _ := hex.DecodeString(row["DATA_ROW"].(string))
		if !strings.Contains(string(data), "not json") && !strings.Contains(string(data), "cheap") {
			t.Fatalf("DATA_ROW of %s", e)
		}
	}
	sort.Strings(names)
	if fmt.Sprint(names) != "[COERCION_ERROR RECORD_PARSE_ERROR]" {
		t.Fatalf("error names %v", names)
	}

	body := metrics(t, srv)
	for _, want := range []string{
		`sluice_analytics_input_records_total{account="000000000000",application="par",region="us-east-1"} 10`,
		`sluice_analytics_input_rows_total{account="000000000000",application="par",region="us-east-1"} 8`,
		`sluice_analytics_error_rows_total{account="000000000000",application="par",region="us-east-1"} 2`,
		`sluice_analytics_output_records_total{account="000000000000",application="par",destination="` + outARN + `",kind="KinesisStreams",output="1.1",region="us-east-1"} 8`,
		`sluice_analytics_millis_behind_latest{account="000000000000",application="par",region="us-east-1"} 0`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// A destination that keeps failing does not stop the application: it stays
// RUNNING, the failures are counted, the input waits once the output's
// queue is full, and everything is delivered, in order, once the function
// takes records again.
func TestFailingDestination(t *testing.T) {
	fns, url := newLambdaFunctions(t)
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.LambdaEndpoint = url }),
		testserver.WithRuntime(func(c *runtime.Config) { c.LambdaInterval = 10 * time.Millisecond }))
	var mu sync.Mutex
	failing := true
	var delivered []string
	fns.set("sink", func(event []byte) []byte {
		ev := lambdaEvent(event)
		mu.Lock()
		defer mu.Unlock()
		var out []map[string]string
		for _, r := range ev.Records {
			result := "DeliveryFailed"
			if !failing {
				result = "Ok"
				delivered = append(delivered, string(r.Data))
			}
			out = append(out, map[string]string{"recordId": r.RecordID, "result": result})
		}
		b, _ := json.Marshal(map[string]any{"records": out})
		return b
	})
	c := srv.AnalyticsClient()
	in := createStream(t, srv, "ticks", 1)
	createApp(t, c, "failing", filterCode, streamInput(in), lambdaOutput("sink", kat.RecordFormatTypeCsv))
	start(t, c, "failing", kat.InputStartingPositionNow)
	var want []string
	for i := range 20 {
		putTicks(t, srv, "ticks", tick{fmt.Sprintf("T%d", i), "S", 5, 50})
		want = append(want, fmt.Sprintf("T%d,S,5.0,50.0\n", i))
	}
	waitUntil(t, "failed deliveries", func() bool { return len(fns.received("sink")) >= 3 })
	waitStatus(t, c, "failing", kat.ApplicationStatusRunning)
	if m := metrics(t, srv); !strings.Contains(m, `sluice_analytics_output_pending_records{account="000000000000",application="failing",destination="arn:aws:lambda:us-east-1:000000000000:function:sink",kind="Lambda",output="1.1",region="us-east-1"} 20`) ||
		!strings.Contains(m, `sluice_analytics_output_failed_attempts_total{account="000000000000",application="failing"`) {
		t.Fatalf("metrics while failing:\n%s", m)
	}
	mu.Lock()
	failing = false
	mu.Unlock()
	waitUntil(t, "the rows delivered", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(delivered) >= len(want)
	})
	mu.Lock()
	defer mu.Unlock()
	if strings.Join(delivered, "") != strings.Join(want, "") {
		t.Fatalf("delivered %q", delivered)
	}
}

// namesCode joins the reference table Names to the stream.
const namesCode = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), "Company" varchar(20));
CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM"
   SELECT STREAM ticker_symbol, "c"."Company" FROM "SOURCE_SQL_STREAM_001" LEFT JOIN "Names" as "c"
   ON "SOURCE_SQL_STREAM_001".ticker_symbol = "c"."Ticker";`

// Reference data is loaded when the application starts, and again when an
// update restarts it (AWS does not refresh it otherwise).
func TestReferenceDataReloadedOnUpdate(t *testing.T) {
	srv := testserver.Start(t)
	ref := writeRefObject(t, srv, "names.csv", "AMZN,Amazon\n")
	c := srv.AnalyticsClient()
	inARN := createStream(t, srv, "ticks", 1)
	outARN := createStream(t, srv, "named", 1)
	createApp(t, c, "refs", "", streamInput(inARN), streamOutput(outARN, kat.RecordFormatTypeCsv))
	addTickerTable(t, c, "refs", "Names", "names.csv", namesCode)
	start(t, c, "refs", kat.InputStartingPositionNow)
	r := newStreamReader(t, srv, "named")
	putTicks(t, srv, "ticks", tick{"AMZN", "T", 1, 1})
	r.wait(1)

	// The object changes: the running application keeps its table until an
	// update restarts it.
	if err := os.WriteFile(ref, []byte("AMZN,Amazon.com\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	putTicks(t, srv, "ticks", tick{"AMZN", "T", 1, 1})
	r.wait(2)
	if _, err := c.UpdateApplication(t.Context(), &ka.UpdateApplicationInput{ApplicationName: aws.String("refs"), CurrentApplicationVersionId: aws.Int64(3),
		ApplicationUpdate: &kat.ApplicationUpdate{ReferenceDataSourceUpdates: []kat.ReferenceDataSourceUpdate{{
			ReferenceId: aws.String("2.1"), S3ReferenceDataSourceUpdate: &kat.S3ReferenceDataSourceUpdate{FileKeyUpdate: aws.String("names.csv")},
		}}}}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, "refs", kat.ApplicationStatusRunning)
	putTicks(t, srv, "ticks", tick{"AMZN", "T", 1, 1})
	if got := r.settle(3); fmt.Sprint(got) != fmt.Sprint([]string{"AMZN,Amazon\n", "AMZN,Amazon\n", "AMZN,Amazon.com\n"}) {
		t.Fatalf("output %q", got)
	}
}

// A reference data object that cannot be read leaves the table empty: the
// application runs (as AWS's did with an object over its size limit) and
// says why on error_stream.
func TestReferenceDataMissing(t *testing.T) {
	srv := testserver.Start(t)
	c := srv.AnalyticsClient()
	inARN := createStream(t, srv, "ticks", 1)
	outARN := createStream(t, srv, "named", 1)
	errARN := createStream(t, srv, "errors", 1)
	createApp(t, c, "refs", "", streamInput(inARN), streamOutput(outARN, kat.RecordFormatTypeCsv), errorOutput(errARN))
	addTickerTable(t, c, "refs", "Names", "missing.csv", namesCode)
	start(t, c, "refs", kat.InputStartingPositionNow)
	putTicks(t, srv, "ticks", tick{"AMZN", "T", 1, 1})
	if got := newStreamReader(t, srv, "named").settle(1); got[0] != "AMZN,\n" {
		t.Fatalf("output %q", got)
	}
	errs := newStreamReader(t, srv, "errors").settle(1)
	var row map[string]any
	json.Unmarshal([]byte(errs[0]), &row)
	if row["ERROR_NAME"] != runtime.ErrorReferenceData || !strings.Contains(row["MESSAGE"].(string), "s3://refs/missing.csv") || row["PUMP_NAME"] != "Names" {
		t.Fatalf("error_stream row %s", errs[0])
	}
}
