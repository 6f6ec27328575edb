package analyticsapi_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	ka "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	kat "github.com/aws/aws-sdk-go-v2/service/kinesisanalytics/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"sluice/internal/testserver"
)

const (
	account = "000000000000"
	role    = "arn:aws:iam::000000000000:role/analytics"
)

// wantErr checks that err is the AWS error code with HTTP status 400 and,
// when msg is not empty, exactly that message.
func wantErr(t *testing.T, err error, code, msg string) {
	t.Helper()
	wantErrStatus(t, err, code, http.StatusBadRequest, msg)
}

func wantErrStatus(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("code = %s (%s), want %s", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	var re *smithyhttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() != status {
		t.Fatalf("%s status = %d, want %d", code, re.HTTPStatusCode(), status)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("%s message = %q, want %q", code, ae.ErrorMessage(), msg)
	}
}

// createStream creates a one-shard data stream and returns its ARN.
func createStream(t *testing.T, srv *testserver.Server, name string) string {
	t.Helper()
	kc := srv.Kinesis()
	if _, err := kc.CreateStream(t.Context(), &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	return "arn:aws:kinesis:us-east-1:" + account + ":stream/" + name
}

// createDeliveryStream creates a DirectPut delivery stream and returns its
// ARN once it is ACTIVE.
func createDeliveryStream(t *testing.T, srv *testserver.Server, name string) string {
	t.Helper()
	fh := srv.FirehoseClient()
	if _, err := fh.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String(name),
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String(role), BucketARN: aws.String("arn:aws:s3:::bucket"),
		},
	}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		out, err := fh.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if out.DeliveryStreamDescription.DeliveryStreamStatus == fhtypes.DeliveryStreamStatusActive {
			return aws.ToString(out.DeliveryStreamDescription.DeliveryStreamARN)
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still %s", name, out.DeliveryStreamDescription.DeliveryStreamStatus)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tickerSchema is the developer guide's stock ticker schema, in JSON.
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
			{Name: aws.String("PRICE"), SqlType: aws.String("DECIMAL(5,2)"), Mapping: aws.String("$.PRICE")},
		},
	}
}

// streamInput is an input from a data stream with the ticker schema.
func streamInput(arn string) kat.Input {
	return kat.Input{
		NamePrefix:          aws.String("SOURCE_SQL_STREAM"),
		KinesisStreamsInput: &kat.KinesisStreamsInput{ResourceARN: aws.String(arn), RoleARN: aws.String(role)},
		InputSchema:         tickerSchema(),
	}
}

// streamOutput is an output of DESTINATION_SQL_STREAM to a data stream.
func streamOutput(arn string) kat.Output {
	return kat.Output{
		Name:                 aws.String("DESTINATION_SQL_STREAM"),
		KinesisStreamsOutput: &kat.KinesisStreamsOutput{ResourceARN: aws.String(arn), RoleARN: aws.String(role)},
		DestinationSchema:    &kat.DestinationSchema{RecordFormatType: kat.RecordFormatTypeJson},
	}
}

// filterCode is the developer guide's continuous filter.
const filterCode = `CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (ticker_symbol VARCHAR(4), sector VARCHAR(12), change DOUBLE, price DOUBLE);
CREATE OR REPLACE PUMP "STREAM_PUMP" AS
   INSERT INTO "DESTINATION_SQL_STREAM"
      SELECT STREAM ticker_symbol, sector, change, price
      FROM   "SOURCE_SQL_STREAM_001"
      WHERE  (ABS(Change / (Price - Change)) * 100) > 1;
`

// describe returns an application through v1.
func describe(t *testing.T, c *ka.Client, name string) *kat.ApplicationDetail {
	t.Helper()
	out, err := c.DescribeApplication(t.Context(), &ka.DescribeApplicationInput{ApplicationName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return out.ApplicationDetail
}

func serverNow() time.Time { return time.Now() }

// waitStatus waits until the application is in the status.
func waitStatus(t *testing.T, c *ka.Client, name string, want kat.ApplicationStatus) *kat.ApplicationDetail {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		d := describe(t, c, name)
		if d.ApplicationStatus == want {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is %s, want %s", name, d.ApplicationStatus, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
