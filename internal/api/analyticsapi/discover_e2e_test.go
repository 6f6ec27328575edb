package analyticsapi_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
	ka2 "github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2"
	ka2t "github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2/types"

	"sluice/internal/analytics"
	"sluice/internal/config"
	"sluice/internal/testserver"
)

// echoInferrer stands in for schema inference (package record's): one
// VARCHAR column, each sample one row holding the sample. These tests
// check what discovery samples and answers, not the inference.
type echoInferrer struct{}

func (echoInferrer) Infer(samples [][]byte) (analytics.Schema, [][]*string, error) {
	rows := make([][]*string, len(samples))
	for i, s := range samples {
		rows[i] = []*string{aws.String(string(s))}
	}
	sch := analytics.Schema{
		Format:   analytics.RecordFormat{Type: analytics.FormatCSV, CSV: &analytics.CSVMapping{RowDelimiter: "\n", ColumnDelimiter: ","}},
		Encoding: analytics.Encoding,
		Columns:  []analytics.Column{{Name: "COL_0", SQLType: "VARCHAR(64)"}},
	}
	return sch, rows, nil
}

func withDiscovery(wait time.Duration) testserver.Option {
	return testserver.WithAnalytics(func(c *analytics.Config) {
		c.Infer = echoInferrer{}
		c.SampleWait = wait
	})
}

func putRecords(t *testing.T, srv *testserver.Server, stream string, records ...string) {
	t.Helper()
	for _, r := range records {
		if _, err := srv.Kinesis().PutRecord(t.Context(), &kinesis.PutRecordInput{StreamName: aws.String(stream), Data: []byte(r), PartitionKey: aws.String("k")}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDiscoverSamples checks what DiscoverInputSchema reads from a data
// stream (TRIM_HORIZON and NOW), a delivery stream and an S3 object, and
// its refusals.
func TestDiscoverSamples(t *testing.T) {
	srv := testserver.Start(t, withDiscovery(300*time.Millisecond))
	c := srv.AnalyticsClient()
	ctx := t.Context()
	in := createStream(t, srv, "in")
	records := []string{`{"TICKER":"AMZN","PRICE":84.51}`, `{"TICKER":"NFLX","PRICE":2.4}`, `{"TICKER":"ASD","PRICE":9.3}`}
	putRecords(t, srv, "in", records...)

	out, err := c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{
		ResourceARN: aws.String(in), RoleARN: aws.String(role),
		InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionTrimHorizon},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.RawInputRecords, records) || len(out.ParsedInputRecords) != 3 || out.ParsedInputRecords[2][0] != records[2] ||
		out.ProcessedInputRecords != nil {
		t.Fatalf("discovery = %+v", out)
	}
	if s := out.InputSchema; s.RecordFormat.RecordFormatType != kat.RecordFormatTypeCsv || aws.ToString(s.RecordEncoding) != "UTF-8" ||
		aws.ToString(s.RecordColumns[0].Name) != "COL_0" || aws.ToString(s.RecordFormat.MappingParameters.CSVMappingParameters.RecordRowDelimiter) != "\n" {
		t.Fatalf("schema = %+v", s)
	}

	// NOW reads what arrives while discovery waits, and nothing older.
	go func() {
		time.Sleep(50 * time.Millisecond)
		putRecords(t, srv, "in", "late")
	}()
	out, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{ResourceARN: aws.String(in), RoleARN: aws.String(role)})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.RawInputRecords, []string{"late"}) {
		t.Fatalf("NOW read %q", out.RawInputRecords)
	}
	_, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{ResourceARN: aws.String(in), RoleARN: aws.String(role)})
	wantErr(t, err, "UnableToDetectSchemaException", "No data was found to discover a schema from: the source had no records to sample.")

	// A delivery stream: the records it took in, those it keeps encrypted
	// (server-side encryption) read in plaintext.
	hose := createDeliveryStream(t, srv, "hose")
	if _, err := srv.FirehoseClient().PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("hose"), Records: []fhtypes.Record{
		{Data: []byte("a,1\n")},
	}}); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.FirehoseClient().StartDeliveryStreamEncryption(ctx, &firehose.StartDeliveryStreamEncryptionInput{DeliveryStreamName: aws.String("hose"),
		DeliveryStreamEncryptionConfigurationInput: &fhtypes.DeliveryStreamEncryptionConfigurationInput{KeyType: fhtypes.KeyTypeAwsOwnedCmk}}); err != nil {
		t.Fatal(err)
	}
	if out, err := srv.FirehoseClient().PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("hose"), Records: []fhtypes.Record{
		{Data: []byte("b,2\n")},
	}}); err != nil || !aws.ToBool(out.Encrypted) {
		t.Fatalf("an encrypted put: %v", err)
	}
	out, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{ResourceARN: aws.String(hose), RoleARN: aws.String(role),
		InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionTrimHorizon}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.RawInputRecords, []string{"a,1\n", "b,2\n"}) {
		t.Fatalf("delivery stream read %q", out.RawInputRecords)
	}

	// An S3 object from the local directory, through v2.
	obj := filepath.Join(srv.Dir, "s3", "refdata", "data.csv")
	if err := os.MkdirAll(filepath.Dir(obj), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(obj, []byte("year,month\n2001,1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	out2, err := srv.AnalyticsV2Client().DiscoverInputSchema(ctx, &ka2.DiscoverInputSchemaInput{
		ServiceExecutionRole: aws.String(serviceRole),
		S3Configuration:      &ka2t.S3Configuration{BucketARN: aws.String("arn:aws:s3:::refdata"), FileKey: aws.String("data.csv")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out2.RawInputRecords, []string{"year,month\n2001,1\n"}) {
		t.Fatalf("S3 read %q", out2.RawInputRecords)
	}
	_, err = srv.AnalyticsV2Client().DiscoverInputSchema(ctx, &ka2.DiscoverInputSchemaInput{
		ServiceExecutionRole: aws.String(serviceRole),
		S3Configuration:      &ka2t.S3Configuration{BucketARN: aws.String("arn:aws:s3:::refdata"), FileKey: aws.String("nope.csv")},
	})
	wantErr(t, err, "InvalidArgumentException", "Kinesis Analytics cannot read s3://refdata/nope.csv: no object nope.csv in bucket refdata")

	// Refusals.
	_, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{})
	wantErr(t, err, "InvalidArgumentException", "Either ResourceARN or S3Configuration must be given: the stream or object to discover a schema from.")
	_, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{ResourceARN: aws.String(in)})
	wantErr(t, err, "InvalidArgumentException", "RoleARN must be given with ResourceARN: the role Kinesis Analytics reads the stream with.")
	_, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{ResourceARN: aws.String(in), RoleARN: aws.String(role),
		InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionLastStoppedPoint}})
	wantErr(t, err, "InvalidArgumentException", "InputStartingPosition LAST_STOPPED_POINT cannot be used to discover a schema: use NOW or TRIM_HORIZON.")
	_, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{ResourceARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/nope"), RoleARN: aws.String(role)})
	wantErr(t, err, "InvalidArgumentException", "Kinesis Analytics cannot read arn:aws:kinesis:us-east-1:000000000000:stream/nope: Stream nope under account 000000000000 not found.")
	_, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{ResourceARN: aws.String("arn:aws:sqs:us-east-1:000000000000:q"), RoleARN: aws.String(role)})
	wantErr(t, err, "InvalidArgumentException", "ResourceARN arn:aws:sqs:us-east-1:000000000000:q is neither a Kinesis stream nor a Firehose delivery stream.")
}

// TestDiscoverPreprocess runs the samples through a Lambda preprocessor
// (the Lambda-contract endpoint Firehose uses) before inference.
func TestDiscoverPreprocess(t *testing.T) {
	lambda := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct {
			Records []struct{ RecordID, Data string }
		}
		json.NewDecoder(r.Body).Decode(&ev)
		type rec struct {
			RecordID string `json:"recordId"`
			Result   string `json:"result"`
			Data     string `json:"data"`
		}
		var out struct {
			Records []rec `json:"records"`
		}
		for _, in := range ev.Records {
			b, _ := base64.StdEncoding.DecodeString(in.Data)
			res := "Ok"
			if string(b) == "drop" {
				res = "Dropped"
			}
			out.Records = append(out.Records, rec{in.RecordID, res, base64.StdEncoding.EncodeToString(bytes.ToUpper(b))})
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(lambda.Close)
	srv := testserver.Start(t, withDiscovery(300*time.Millisecond), testserver.WithConfig(func(c *config.Config) { c.LambdaEndpoint = lambda.URL }))
	in := createStream(t, srv, "in")
	putRecords(t, srv, "in", "a,1", "drop", "b,2")
	out, err := srv.AnalyticsClient().DiscoverInputSchema(t.Context(), &ka.DiscoverInputSchemaInput{
		ResourceARN: aws.String(in), RoleARN: aws.String(role),
		InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionTrimHorizon},
		InputProcessingConfiguration: &kat.InputProcessingConfiguration{InputLambdaProcessor: &kat.InputLambdaProcessor{
			ResourceARN: aws.String("arn:aws:lambda:us-east-1:000000000000:function:upper"), RoleARN: aws.String(role),
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(out.RawInputRecords, []string{"a,1", "drop", "b,2"}) || !reflect.DeepEqual(out.ProcessedInputRecords, []string{"A,1", "B,2"}) ||
		len(out.ParsedInputRecords) != 2 || out.ParsedInputRecords[1][0] != "B,2" {
		t.Fatalf("discovery = %+v", out)
	}
}

// TestDiscoverInfers runs DiscoverInputSchema with Sluice's schema
// inference (package record) on the getting-started demo stream's records,
// creates an application from the schema it answers, and discovers the
// guide's S3 CSV example.
func TestDiscoverInfers(t *testing.T) {
	srv := testserver.Start(t, testserver.WithAnalytics(func(c *analytics.Config) { c.SampleWait = 300 * time.Millisecond }))
	c := srv.AnalyticsClient()
	ctx := t.Context()
	in := createStream(t, srv, "in")
	putRecords(t, srv, "in",
		`{"TICKER_SYMBOL":"QXZ","SECTOR":"HEALTHCARE","CHANGE":-0.05,"PRICE":84.51}`,
		`{"TICKER_SYMBOL":"AMZN","SECTOR":"TECHNOLOGY","CHANGE":-1.26,"PRICE":622.84}`,
		`{"TICKER_SYMBOL":"WAS","SECTOR":"RETAIL","CHANGE":0.72,"PRICE":25.91}`)
	out, err := c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{
		ResourceARN: aws.String(in), RoleARN: aws.String(role),
		InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionTrimHorizon},
	})
	if err != nil {
		t.Fatal(err)
	}
	var cols []string
	for _, col := range out.InputSchema.RecordColumns {
		cols = append(cols, aws.ToString(col.Name)+" "+aws.ToString(col.SqlType)+" "+aws.ToString(col.Mapping))
	}
	want := []string{"TICKER_SYMBOL VARCHAR(4) $.TICKER_SYMBOL", "SECTOR VARCHAR(16) $.SECTOR", "CHANGE REAL $.CHANGE", "PRICE REAL $.PRICE"}
	if !reflect.DeepEqual(cols, want) || out.InputSchema.RecordFormat.RecordFormatType != kat.RecordFormatTypeJson ||
		len(out.ParsedInputRecords) != 3 || out.ParsedInputRecords[1][0] != "AMZN" || len(out.RawInputRecords) != 3 {
		t.Fatalf("discovery = %v %+v", cols, out)
	}
	input := kat.Input{
		NamePrefix:          aws.String("SOURCE_SQL_STREAM"),
		KinesisStreamsInput: &kat.KinesisStreamsInput{ResourceARN: aws.String(in), RoleARN: aws.String(role)},
		InputSchema:         out.InputSchema,
	}
	if _, err := c.CreateApplication(ctx, &ka.CreateApplicationInput{ApplicationName: aws.String("app"), ApplicationCode: aws.String(filterCode), Inputs: []kat.Input{input}}); err != nil {
		t.Fatal(err)
	}

	obj := filepath.Join(srv.Dir, "s3", "energy", "data.csv")
	if err := os.MkdirAll(filepath.Dir(obj), 0o700); err != nil {
		t.Fatal(err)
	}
	csv := "year,month,state,producer_type,energy_source,units,consumption\n2001,1,AK,TotalElectricPowerIndustry,Coal,ShortTons,47615\n2001,1,AL,TotalElectricPowerIndustry,Coal,ShortTons,3020601\n"
	if err := os.WriteFile(obj, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{S3Configuration: &kat.S3Configuration{
		RoleARN: aws.String(role), BucketARN: aws.String("arn:aws:s3:::energy"), FileKey: aws.String("data.csv"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	f := out.InputSchema.RecordFormat
	if f.RecordFormatType != kat.RecordFormatTypeCsv || aws.ToString(f.MappingParameters.CSVMappingParameters.RecordColumnDelimiter) != "," ||
		aws.ToString(out.InputSchema.RecordColumns[0].Name) != "COL_year" || aws.ToString(out.InputSchema.RecordColumns[0].SqlType) != "INTEGER" {
		t.Fatalf("CSV discovery = %+v", out.InputSchema)
	}

	// Records no format can be told from.
	empty := createStream(t, srv, "empty")
	putRecords(t, srv, "empty", "   ")
	_, err = c.DiscoverInputSchema(ctx, &ka.DiscoverInputSchemaInput{ResourceARN: aws.String(empty), RoleARN: aws.String(role),
		InputStartingPositionConfiguration: &kat.InputStartingPositionConfiguration{InputStartingPosition: kat.InputStartingPositionTrimHorizon}})
	wantErr(t, err, "UnableToDetectSchemaException", "")
	// The error carries the records it could not read, as AWS's does.
	var unable *kat.UnableToDetectSchemaException
	if !errors.As(err, &unable) || !reflect.DeepEqual(unable.RawInputRecords, []string{"   "}) || unable.ProcessedInputRecords != nil {
		t.Fatalf("UnableToDetectSchemaException = %+v, want RawInputRecords [\"   \"]", unable)
	}
}
