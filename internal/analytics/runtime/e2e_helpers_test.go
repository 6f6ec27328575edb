package runtime_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	kt "github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"

	"sluice/internal/testserver"
)

const (
	account = "000000000000"
	role    = "arn:aws:iam::000000000000:role/analytics"
)

func streamARN(name string) string { return "arn:aws:kinesis:us-east-1:" + account + ":stream/" + name }

// createStream creates a data stream of n shards and waits until it is
// ACTIVE.
func createStream(t *testing.T, srv *testserver.Server, name string, n int32) string {
	t.Helper()
	kc := srv.Kinesis()
	if _, err := kc.CreateStream(t.Context(), &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(n)}); err != nil {
		t.Fatal(err)
	}
	waitUntil(t, "stream "+name+" ACTIVE", func() bool {
		out, err := kc.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		return err == nil && out.StreamDescriptionSummary.StreamStatus == kt.StreamStatusActive
	})
	return streamARN(name)
}

// tick is one record of the developer guide's demo stream.
type tick struct {
	Ticker string  `json:"TICKER_SYMBOL"`
	Sector string  `json:"SECTOR"`
	Change float64 `json:"CHANGE"`
	Price  float64 `json:"PRICE"`
}

func (k tick) json() []byte {
	b, _ := json.Marshal(k)
	return b
}

// putTicks writes ticks to a stream, one PutRecords call, partition key
// the ticker.
func putTicks(t *testing.T, srv *testserver.Server, stream string, ticks ...tick) {
	t.Helper()
	entries := make([]kt.PutRecordsRequestEntry, len(ticks))
	for i, k := range ticks {
		entries[i] = kt.PutRecordsRequestEntry{Data: k.json(), PartitionKey: aws.String(k.Ticker)}
	}
	out, err := srv.Kinesis().PutRecords(t.Context(), &kinesis.PutRecordsInput{StreamName: aws.String(stream), Records: entries})
	if err != nil {
		t.Fatal(err)
	}
	if n := aws.ToInt32(out.FailedRecordCount); n > 0 {
		t.Fatalf("%d records failed", n)
	}
}

// tickerSchema is the guide's stock ticker schema, in JSON.
func tickerSchema() *kat.SourceSchema {
	return &kat.SourceSchema{
		RecordFormat: &kat.RecordFormat{
			RecordFormatType:  kat.RecordFormatTypeJson,
			MappingParameters: &kat.MappingParameters{JSONMappingParameters: &kat.JSONMappingParameters{RecordRowPath: aws.String("$")}},
		},
		RecordEncoding: aws.String("UTF-8"),
		RecordColumns: []kat.RecordColumn{
			{Name: aws.String("TICKER_SYMBOL"), SqlType: aws.String("VARCHAR(4)"), Mapping: aws.String("$.TICKER_SYMBOL")},
			{Name: aws.String("SECTOR"), SqlType: aws.String("VARCHAR(16)"), Mapping: aws.String("$.SECTOR")},
			{Name: aws.String("CHANGE"), SqlType: aws.String("REAL"), Mapping: aws.String("$.CHANGE")},
			{Name: aws.String("PRICE"), SqlType: aws.String("REAL"), Mapping: aws.String("$.PRICE")},
		},
	}
}

func streamInput(arn string) kat.Input {
	return kat.Input{
		NamePrefix:          aws.String("SOURCE_SQL_STREAM"),
		KinesisStreamsInput: &kat.KinesisStreamsInput{ResourceARN: aws.String(arn), RoleARN: aws.String(role)},
		InputSchema:         tickerSchema(),
	}
}

func streamOutput(arn string, format kat.RecordFormatType) kat.Output {
	return kat.Output{
		Name:                 aws.String("DESTINATION_SQL_STREAM"),
		KinesisStreamsOutput: &kat.KinesisStreamsOutput{ResourceARN: aws.String(arn), RoleARN: aws.String(role)},
		DestinationSchema:    &kat.DestinationSchema{RecordFormatType: format},
	}
}

// filterCode is the developer guide's continuous filter (app-simple-alerts).
const filterCode = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM"
           (ticker_symbol VARCHAR(4), sector VARCHAR(12), change DOUBLE, price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
   INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM ticker_symbol, sector, change, price
      FROM   "SOURCE_SQL_STREAM_001"
      WHERE  (ABS(Change / (Price - Change)) * 100) > 1;
`

// tumblingCode is the guide's tumbling window (tumbling-window-concepts).
const tumblingCode = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), Min_Price DOUBLE, Max_Price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
  INSERT INTO "DESTINATION_SQL_STREAM"
    SELECT STREAM Ticker_Symbol, MIN(Price) AS Min_Price, MAX(Price) AS Max_Price
    FROM    "SOURCE_SQL_STREAM_001"
    GROUP BY Ticker_Symbol, STEP("SOURCE_SQL_STREAM_001".ROWTIME BY INTERVAL '60' SECOND);
`

// createApp creates an application and returns it described.
func createApp(t *testing.T, c *ka.Client, name, code string, in kat.Input, outs ...kat.Output) {
	t.Helper()
	in2 := &ka.CreateApplicationInput{ApplicationName: aws.String(name), Inputs: []kat.Input{in}, Outputs: outs}
	if code != "" {
		in2.ApplicationCode = aws.String(code)
	}
	if _, err := c.CreateApplication(t.Context(), in2); err != nil {
		t.Fatal(err)
	}
}

// start starts an application from pos and waits until it runs.
func start(t *testing.T, c *ka.Client, name string, pos kat.InputStartingPosition) {
	t.Helper()
	if _, err := c.StartApplication(t.Context(), &ka.StartApplicationInput{ApplicationName: aws.String(name), InputConfigurations: []kat.InputConfiguration{{
		Id: aws.String("1.1"), InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: pos},
	}}}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, name, kat.ApplicationStatusRunning)
}

// stop stops an application and waits until it is READY.
func stop(t *testing.T, c *ka.Client, name string) {
	t.Helper()
	if _, err := c.StopApplication(t.Context(), &ka.StopApplicationInput{ApplicationName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, c, name, kat.ApplicationStatusReady)
}

func waitStatus(t *testing.T, c *ka.Client, name string, want kat.ApplicationStatus) {
	t.Helper()
	var last kat.ApplicationStatus
	waitUntil(t, fmt.Sprintf("application %s %s", name, want), func() bool {
		out, err := c.DescribeApplication(context.Background(), &ka.DescribeApplicationInput{ApplicationName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		last = out.ApplicationDetail.ApplicationStatus
		return last == want
	})
}

func waitUntil(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// streamReader reads every record of a stream as it comes, across its
// shards.
type streamReader struct {
	t         *testing.T
	srv       *testserver.Server
	name      string
	iterators map[string]*string
	got       []kt.Record
}

func newStreamReader(t *testing.T, srv *testserver.Server, name string) *streamReader {
	return &streamReader{t: t, srv: srv, name: name, iterators: map[string]*string{}}
}

// poll reads what is new.
func (r *streamReader) poll() {
	kc := r.srv.Kinesis()
	shards, err := kc.ListShards(r.t.Context(), &kinesis.ListShardsInput{StreamName: aws.String(r.name)})
	if err != nil {
		r.t.Fatal(err)
	}
	ids := make([]string, 0, len(shards.Shards))
	for _, sh := range shards.Shards {
		ids = append(ids, aws.ToString(sh.ShardId))
	}
	sort.Strings(ids)
	for _, id := range ids {
		it, ok := r.iterators[id]
		if !ok {
			out, err := kc.GetShardIterator(r.t.Context(), &kinesis.GetShardIteratorInput{StreamName: aws.String(r.name), ShardId: aws.String(id), ShardIteratorType: kt.ShardIteratorTypeTrimHorizon})
			if err != nil {
				r.t.Fatal(err)
			}
			it = out.ShardIterator
		}
		if it == nil {
			continue
		}
		out, err := kc.GetRecords(r.t.Context(), &kinesis.GetRecordsInput{ShardIterator: it})
		if err != nil {
			r.t.Fatal(err)
		}
		r.got = append(r.got, out.Records...)
		r.iterators[id] = out.NextShardIterator
	}
}

// wait reads until the stream has had n records, and returns their data.
func (r *streamReader) wait(n int) []string {
	r.t.Helper()
	waitUntil(r.t, fmt.Sprintf("%d records in %s", n, r.name), func() bool {
		r.poll()
		return len(r.got) >= n
	})
	return r.data()
}

// settle reads until the stream has had n records, then a while longer
// (a record too many would show), and returns their data.
func (r *streamReader) settle(n int) []string {
	r.t.Helper()
	r.wait(n)
	time.Sleep(300 * time.Millisecond)
	r.poll()
	return r.data()
}

func (r *streamReader) data() []string {
	out := make([]string, len(r.got))
	for i, rec := range r.got {
		out[i] = string(rec.Data)
	}
	return out
}
