package firehoseapi_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// Delivery throughput by destination and processing, end to end on one
// server: records are put (PutRecordBatch, 500 × ~120 B), then the clock
// moves past the buffering interval and the benchmark waits until every
// record is delivered. records/s counts from the first put to the last
// delivery (processing happens as records are read with dynamic
// partitioning, as an object is built otherwise); the S3 case is the
// baseline to compare the others with:
//
//	go test ./internal/api/firehoseapi/ -run '^$' -bench Delivery -count 5

const benchRecords = 20000

func benchRecord(i int) string {
	return fmt.Sprintf(`{"customer_id":"c%d","device":{"type":"mobile"},"n":%d,"payload":"%s"}`, i%20, i, strings.Repeat("x", 48))
}

// benchDeliver puts benchRecords records into name, moves the clock, and
// waits until delivered() reaches the count.
func benchDeliver(b *testing.B, fhc *firehose.Client, clock *testserver.Clock, name string, delivered func() int) {
	b.Helper()
	ctx := context.Background()
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		start := delivered()
		t0 := time.Now()
		for n := 0; n < benchRecords; n += 500 {
			in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(name)}
			for j := n; j < n+500; j++ {
				in.Records = append(in.Records, types.Record{Data: []byte(benchRecord(j))})
			}
			if _, err := fhc.PutRecordBatch(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		clock.Advance(2 * time.Minute)
		for delivered()-start < benchRecords {
			if time.Since(t0) > time.Minute {
				b.Fatalf("%d of %d delivered after a minute", delivered()-start, benchRecords)
			}
			time.Sleep(time.Millisecond)
		}
		elapsed += time.Since(t0)
	}
	b.ReportMetric(float64(benchRecords*b.N)/elapsed.Seconds(), "records/s")
}

// countLines counts the newline-ended records in a local bucket.
func countLines(dir string) int {
	n := 0
	filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasPrefix(d.Name(), ".put-") {
			data, _ := os.ReadFile(path)
			n += strings.Count(string(data), "\n")
		}
		return nil
	})
	return n
}

func BenchmarkDeliveryS3(b *testing.B) {
	clock := testserver.NewClock()
	srv := testserver.Start(b, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	createBench(b, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("s3"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
		RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::bench"), BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
		ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{{Type: types.ProcessorTypeAppendDelimiterToRecord}}}}})
	benchDeliver(b, fhc, clock, "s3", func() int { return countLines(filepath.Join(srv.Dir, "s3", "bench")) })
}

func BenchmarkDeliveryPartitionedJQ(b *testing.B) {
	clock := testserver.NewClock()
	srv := testserver.Start(b, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	createBench(b, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("dp"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
		RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::bench"), BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
		Prefix: aws.String("c=!{partitionKeyFromQuery:c}/"), ErrorOutputPrefix: aws.String("e/!{firehose:error-output-type}/"),
		DynamicPartitioningConfiguration: &types.DynamicPartitioningConfiguration{Enabled: aws.Bool(true)},
		ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{
			{Type: types.ProcessorTypeMetadataExtraction, Parameters: []types.ProcessorParameter{
				{ParameterName: types.ProcessorParameterNameMetadataExtractionQuery, ParameterValue: aws.String("{c: .customer_id}")},
				{ParameterName: types.ProcessorParameterNameJsonParsingEngine, ParameterValue: aws.String("JQ-1.6")}}},
			{Type: types.ProcessorTypeAppendDelimiterToRecord}}}}})
	benchDeliver(b, fhc, clock, "dp", func() int { return countLines(filepath.Join(srv.Dir, "s3", "bench")) })
}

func BenchmarkDeliveryParquet(b *testing.B) {
	tables := filepath.Join(b.TempDir(), "t.json")
	os.WriteFile(tables, []byte(`{"Name":"ev","DatabaseName":"db","StorageDescriptor":{"Columns":[{"Name":"customer_id","Type":"string"},{"Name":"n","Type":"bigint"},{"Name":"payload","Type":"string"},{"Name":"device","Type":"struct<type:string>"}]}}`), 0o600)
	clock := testserver.NewClock()
	srv := testserver.Start(b, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.GlueTables = tables }))
	fhc := srv.FirehoseClient()
	createBench(b, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("pq"), ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
		RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::bench"), BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
		DataFormatConversionConfiguration: &types.DataFormatConversionConfiguration{
			SchemaConfiguration:       &types.SchemaConfiguration{DatabaseName: aws.String("db"), TableName: aws.String("ev"), RoleARN: aws.String(e2eRole)},
			InputFormatConfiguration:  &types.InputFormatConfiguration{Deserializer: &types.Deserializer{OpenXJsonSerDe: &types.OpenXJsonSerDe{}}},
			OutputFormatConfiguration: &types.OutputFormatConfiguration{Serializer: &types.Serializer{ParquetSerDe: &types.ParquetSerDe{}}}}}})
	benchDeliver(b, fhc, clock, "pq", func() int { return deliveredRecords(b, srv, "pq") })
}

func BenchmarkDeliveryHTTPEndpoint(b *testing.B) {
	e := newHTTPEndpoint(b, nil)
	clock := testserver.NewClock()
	srv := trusting(b, e.Server, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	dest := httpDestination(e.URL)
	dest.BufferingHints = &types.HttpEndpointBufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)}
	createBench(b, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("http"), HttpEndpointDestinationConfiguration: dest})
	benchDeliver(b, fhc, clock, "http", func() int {
		n := 0
		for _, r := range e.requests() {
			n += len(r.Body.Records)
		}
		return n
	})
}

// deliveredRecords reads sluice_firehose_delivered_records_total of a
// delivery stream from /metrics.
func deliveredRecords(b *testing.B, srv *testserver.Server, name string) int {
	res, err := http.Get(srv.URL + "/metrics")
	if err != nil {
		b.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(line, "sluice_firehose_delivered_records_total{") && strings.Contains(line, `delivery_stream="`+name+`"`) {
			n, _ := strconv.Atoi(line[strings.LastIndexByte(line, ' ')+1:])
			return n
		}
	}
	return 0
}

func createBench(b *testing.B, fhc *firehose.Client, in *firehose.CreateDeliveryStreamInput) {
	b.Helper()
	if _, err := fhc.CreateDeliveryStream(context.Background(), in); err != nil {
		b.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := fhc.DescribeDeliveryStream(context.Background(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: in.DeliveryStreamName})
		if err == nil && out.DeliveryStreamDescription.DeliveryStreamStatus == types.DeliveryStreamStatusActive {
			return
		}
		if time.Now().After(deadline) {
			b.Fatal("not ACTIVE")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// BenchmarkDeliveryS3Encrypted is BenchmarkDeliveryS3 on a delivery stream
// with server-side encryption (AWS_OWNED_CMK): every record sealed as it is
// put and opened as it is delivered.
func BenchmarkDeliveryS3Encrypted(b *testing.B) {
	clock := testserver.NewClock()
	srv := testserver.Start(b, testserver.WithClock(clock.Now))
	fhc := srv.FirehoseClient()
	createBench(b, fhc, &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("s3"),
		DeliveryStreamEncryptionConfigurationInput: &types.DeliveryStreamEncryptionConfigurationInput{KeyType: types.KeyTypeAwsOwnedCmk},
		ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String(e2eRole), BucketARN: aws.String("arn:aws:s3:::bench"), BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
			ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{{Type: types.ProcessorTypeAppendDelimiterToRecord}}}}})
	benchDeliver(b, fhc, clock, "s3", func() int { return countLines(filepath.Join(srv.Dir, "s3", "bench")) })
}
