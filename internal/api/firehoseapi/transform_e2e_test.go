package firehoseapi_test

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// fakeLambda serves the Lambda Invoke API like a Firehose transformation
// function: records with "drop" are Dropped, "fail" ProcessingFailed,
// "skip" left out of the answer, the rest upper-cased. The first
// failFirst invocations answer HTTP 500; with always set, every one
// answers a function error.
func fakeLambda(t *testing.T, failFirst int32, always bool) (*httptest.Server, *atomic.Int32) {
	calls := new(atomic.Int32)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if !strings.HasPrefix(r.URL.Path, "/2015-03-31/functions/") || !strings.HasSuffix(r.URL.Path, "/invocations") {
			t.Errorf("Lambda path %s", r.URL.Path)
		}
		if n <= failFirst {
			http.Error(w, "throttled", http.StatusTooManyRequests)
			return
		}
		if always {
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			w.Write([]byte(`{"errorMessage":"boom"}`))
			return
		}
		var ev struct {
			InvocationID      string `json:"invocationId"`
			DeliveryStreamArn string `json:"deliveryStreamArn"`
			Records           []struct {
				RecordID string `json:"recordId"`
				Data     []byte `json:"data"`
			} `json:"records"`
		}
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil || ev.InvocationID == "" || !strings.HasPrefix(ev.DeliveryStreamArn, "arn:aws:firehose:") {
			t.Errorf("event: %v %+v", err, ev)
		}
		type result struct {
			RecordID string `json:"recordId"`
			Result   string `json:"result"`
			Data     string `json:"data,omitempty"`
		}
		var out struct {
			Records []result `json:"records"`
		}
		for _, rec := range ev.Records {
			s := string(rec.Data)
			switch {
			case strings.Contains(s, "skip"):
			case strings.Contains(s, "drop"):
				out.Records = append(out.Records, result{rec.RecordID, "Dropped", ""})
			case strings.Contains(s, "fail"):
				out.Records = append(out.Records, result{rec.RecordID, "ProcessingFailed", ""})
			default:
				out.Records = append(out.Records, result{rec.RecordID, "Ok", base64.StdEncoding.EncodeToString([]byte(strings.ToUpper(s)))})
			}
		}
		json.NewEncoder(w).Encode(out)
	}))
	t.Cleanup(srv.Close)
	return srv, calls
}

const lambdaARN = "arn:aws:lambda:us-east-1:000000000000:function:upper"

func transformConfig(retries string) types.ExtendedS3DestinationConfiguration {
	return types.ExtendedS3DestinationConfiguration{
		ErrorOutputPrefix: aws.String("errors/!{firehose:error-output-type}/"),
		BufferingHints:    &types.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(60)},
		ProcessingConfiguration: &types.ProcessingConfiguration{Enabled: aws.Bool(true), Processors: []types.Processor{
			{Type: types.ProcessorTypeLambda, Parameters: []types.ProcessorParameter{
				{ParameterName: types.ProcessorParameterNameLambdaArn, ParameterValue: aws.String(lambdaARN)},
				{ParameterName: types.ProcessorParameterNameLambdaNumberOfRetries, ParameterValue: aws.String(retries)},
			}},
			{Type: types.ProcessorTypeAppendDelimiterToRecord},
		}},
		S3BackupMode: types.S3BackupModeEnabled,
		S3BackupConfiguration: &types.S3DestinationConfiguration{
			RoleARN: aws.String("arn:aws:iam::000000000000:role/r"), BucketARN: aws.String("arn:aws:s3:::backup-bucket"), Prefix: aws.String("raw/"),
		},
	}
}

type errorLine struct {
	AttemptsMade           int    `json:"attemptsMade"`
	ArrivalTimestamp       int64  `json:"arrivalTimestamp"`
	ErrorCode              string `json:"errorCode"`
	ErrorMessage           string `json:"errorMessage"`
	AttemptEndingTimestamp int64  `json:"attemptEndingTimestamp"`
	RawData                []byte `json:"rawData"`
	LambdaArn              string `json:"lambdaArn"`
}

func errorLines(t *testing.T, b []byte) []errorLine {
	var out []errorLine
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var e errorLine
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("error record %q: %v", line, err)
		}
		out = append(out, e)
	}
	return out
}

// TestLambdaTransformationErrorOutputAndBackup: records go through the
// function (retried after a failed invocation), Dropped ones vanish,
// failed and missing ones become AWS's JSON error records under
// ErrorOutputPrefix, AppendDelimiterToRecord ends each delivered record
// with a newline, and the source records are backed up untransformed.
func TestLambdaTransformationErrorOutputAndBackup(t *testing.T) {
	forEachStore(t, []string{"bucket", "backup-bucket"}, func(t *testing.T, st *bucketStore) {
		lambda, calls := fakeLambda(t, 1, false)
		clock := testserver.NewClock()
		srv := st.start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.LambdaEndpoint = lambda.URL }))
		fh := srv.FirehoseClient()
		createS3(t, fh, "xf", transformConfig("2"))
		put(t, fh, "xf", "a", "dropme", "failme", "skipme", "b")
		arrival := clock.Now().UTC()
		clock.Advance(time.Minute)

		keys := st.wait(t, "bucket", 2)
		var data, errs string
		for _, k := range keys {
			switch {
			case strings.HasPrefix(k, "errors/processing-failed/"+arrival.Format("2006/01/02/15/")+"xf-1-"):
				errs = k
			case regexp.MustCompile(`^\d{4}/\d\d/\d\d/\d\d/xf-1-`).MatchString(k):
				data = k
			}
		}
		if data == "" || errs == "" {
			t.Fatalf("keys = %v", keys)
		}
		if got := string(st.read(t, "bucket", data)); got != "A\nB\n" {
			t.Fatalf("delivered %q", got)
		}
		lines := errorLines(t, st.read(t, "bucket", errs))
		if len(lines) != 2 {
			t.Fatalf("%d error records", len(lines))
		}
		for i, want := range []struct{ raw, code string }{{"failme", "Lambda.ProcessingFailed"}, {"skipme", "Lambda.MissingRecordId"}} {
			e := lines[i]
			if string(e.RawData) != want.raw || e.ErrorCode != want.code || e.AttemptsMade != 2 || e.LambdaArn != lambdaARN ||
				e.ErrorMessage == "" || e.ArrivalTimestamp != arrival.UnixMilli() || e.AttemptEndingTimestamp < e.ArrivalTimestamp {
				t.Errorf("error record %d = %+v", i, e)
			}
		}
		if calls.Load() != 2 {
			t.Errorf("%d invocations, want 2 (one failed, one retry)", calls.Load())
		}
		backup := st.wait(t, "backup-bucket", 1)
		if !strings.HasPrefix(backup[0], "raw/"+arrival.Format("2006/01/02/15/")) || string(st.read(t, "backup-bucket", backup[0])) != "adropmefailmeskipmeb" {
			t.Fatalf("backup %v", backup)
		}
		d, err := fh.DescribeDeliveryStream(t.Context(), &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: aws.String("xf")})
		if err != nil {
			t.Fatal(err)
		}
		ext := d.DeliveryStreamDescription.Destinations[0].ExtendedS3DestinationDescription
		if ext.S3BackupMode != types.S3BackupModeEnabled || ext.S3BackupDescription == nil || aws.ToString(ext.S3BackupDescription.BucketARN) != "arn:aws:s3:::backup-bucket" ||
			!aws.ToBool(ext.ProcessingConfiguration.Enabled) || len(ext.ProcessingConfiguration.Processors) != 2 {
			t.Fatalf("description = %+v", ext)
		}
	})
}

// TestLambdaThatAlwaysFails: after NumberOfRetries, the whole batch is
// error output with Lambda.FunctionError, and nothing else is delivered.
func TestLambdaThatAlwaysFails(t *testing.T) {
	lambda, calls := fakeLambda(t, 0, true)
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.LambdaEndpoint = lambda.URL }))
	fh := srv.FirehoseClient()
	conf := transformConfig("1")
	conf.S3BackupMode, conf.S3BackupConfiguration = "", nil
	createS3(t, fh, "bad", conf)
	put(t, fh, "bad", "x", "y")
	clock.Advance(time.Minute)
	st := &bucketStore{name: "local", srv: srv}
	st.wait(t, "bucket", 1)
	time.Sleep(200 * time.Millisecond)
	if keys := st.objects(t, "bucket"); len(keys) != 1 || !strings.HasPrefix(keys[0], "errors/processing-failed/") {
		t.Fatalf("keys = %v", keys)
	}
	keys := st.objects(t, "bucket")
	lines := errorLines(t, st.read(t, "bucket", keys[0]))
	if len(lines) != 2 || lines[0].ErrorCode != "Lambda.FunctionError" || lines[0].AttemptsMade != 2 || string(lines[1].RawData) != "y" {
		t.Fatalf("error records = %+v", lines)
	}
	if calls.Load() != 2 {
		t.Fatalf("%d invocations, want 2 (NumberOfRetries 1)", calls.Load())
	}
}

// TestLambdaProcessorNeedsAnEndpoint: without --lambda-endpoint a Lambda
// processor is refused, not accepted and ignored.
func TestLambdaProcessorNeedsAnEndpoint(t *testing.T) {
	srv := testserver.Start(t)
	conf := transformConfig("1")
	conf.RoleARN, conf.BucketARN = aws.String("arn:aws:iam::000000000000:role/r"), aws.String("arn:aws:s3:::b")
	_, err := srv.FirehoseClient().CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: &conf})
	if apiCode(err) != "InvalidArgumentException" || !strings.Contains(apiMessage(err), "--lambda-endpoint") {
		t.Fatalf("err = %v", err)
	}
	conf.ProcessingConfiguration.Processors = []types.Processor{{Type: types.ProcessorTypeMetadataExtraction}}
	_, err = srv.FirehoseClient().CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("x"), ExtendedS3DestinationConfiguration: &conf})
	if apiCode(err) != "InvalidArgumentException" || !strings.Contains(apiMessage(err), "MetadataExtraction") {
		t.Fatalf("err = %v", err)
	}
}
