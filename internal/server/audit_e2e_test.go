package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	firehoseclient "github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	"github.com/aws/smithy-go"

	"sluice/internal/audit"
	"sluice/internal/config"
	"sluice/internal/testserver"
)

// readAudit returns the audit log's events, each also as a generic map
// (to check the field names themselves).
func readAudit(t *testing.T, path string) ([]audit.Event, []map[string]any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var events []audit.Event
	var raw []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(b), []byte("\n")) {
		if len(line) == 0 {
			continue
		}
		var e audit.Event
		var m map[string]any
		if err := json.Unmarshal(line, &e); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		json.Unmarshal(line, &m)
		events = append(events, e)
		raw = append(raw, m)
	}
	return events, raw
}

func findEvent(events []audit.Event, name, errorCode string) (audit.Event, bool) {
	for _, e := range events {
		if e.EventName == name && e.ErrorCode == errorCode {
			return e, true
		}
	}
	return audit.Event{}, false
}

// TestAuditLog runs --auth sigv4 with --audit-log and checks what the log
// holds: control-plane calls of each service (successful or not) with
// CloudTrail's fields, calls refused for a wrong secret or an unknown key
// (with the key as claimed), no data-plane call that was allowed, no
// secret of a request; the file is 0600, and sluice audit tail prints it.
func TestAuditLog(t *testing.T) {
	dir := t.TempDir()
	creds := filepath.Join(dir, "keys.json")
	os.WriteFile(creds, []byte(`{"keys":[{"accessKeyId":"AKIAALICE","secretAccessKey":"alice-secret","accountId":"111111111111"}]}`), 0o600)
	logPath := filepath.Join(dir, "audit", "audit.jsonl")
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.Auth, c.Credentials, c.AuditLog = config.AuthSigV4, creds, logPath
	}))
	ctx := context.Background()
	alice := kinesis.NewFromConfig(srv.AWSConfig("us-east-1", "AKIAALICE", "alice-secret"))

	if _, err := alice.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("orders"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	put, err := alice.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), Data: []byte("RECORD-DATA")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("orders"), ShardId: put.ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}); err != nil {
		t.Fatal(err)
	}
	var nf *types.ResourceNotFoundException
	if _, err := alice.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("nope")}); !errors.As(err, &nf) {
		t.Fatalf("describe of a missing stream: %v", err)
	}
	wrong := kinesis.NewFromConfig(srv.AWSConfig("us-east-1", "AKIAALICE", "not-her-secret"))
	if _, err := wrong.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("orders"), PartitionKey: aws.String("k"), Data: []byte("x")}); apiErrorCode(err) != "InvalidSignatureException" {
		t.Fatalf("wrong secret: %v", err)
	}
	stranger := kinesis.NewFromConfig(srv.AWSConfig("us-east-1", "AKIASTRANGER", "whatever"))
	if _, err := stranger.ListStreams(ctx, &kinesis.ListStreamsInput{}); apiErrorCode(err) != "UnrecognizedClientException" {
		t.Fatalf("unknown key: %v", err)
	}
	// A control-plane call carrying a destination credential.
	fh := firehoseclient.NewFromConfig(srv.AWSConfig("us-east-1", "AKIAALICE", "alice-secret"))
	fh.CreateDeliveryStream(ctx, &firehoseclient.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("to-http"),
		HttpEndpointDestinationConfiguration: &fhtypes.HttpEndpointDestinationConfiguration{
			EndpointConfiguration: &fhtypes.HttpEndpointConfiguration{Url: aws.String("https://example.com/ingest"), AccessKey: aws.String("SUPERSECRET-ACCESS-KEY")},
			S3Configuration:       &fhtypes.S3DestinationConfiguration{BucketARN: aws.String("arn:aws:s3:::b"), RoleARN: aws.String("arn:aws:iam::111111111111:role/r")},
		},
	})
	video := kinesisvideo.NewFromConfig(srv.AWSConfig("us-east-1", "AKIAALICE", "alice-secret"))
	if _, err := video.CreateStream(ctx, &kinesisvideo.CreateStreamInput{StreamName: aws.String("cam")}); err != nil {
		t.Fatal(err)
	}

	events, raw := readAudit(t, logPath)
	create, ok := findEvent(events, "CreateStream", "")
	if !ok {
		t.Fatalf("no CreateStream event in %+v", events)
	}
	want := audit.Identity{Type: "Root", PrincipalID: "111111111111", ARN: "arn:aws:iam::111111111111:root", AccountID: "111111111111", AccessKeyID: "AKIAALICE"}
	if create.EventSource != "kinesis.amazonaws.com" || create.UserIdentity != want || create.AWSRegion != "us-east-1" ||
		create.SourceIPAddress != "127.0.0.1" || !strings.Contains(create.UserAgent, "aws-sdk-go-v2") || create.RequestID == "" ||
		create.EventID == "" || create.ReadOnly || !create.ManagementEvent || create.EventType != "AwsApiCall" ||
		create.RecipientAccountID != "111111111111" || create.RequestParameters["StreamName"] != "orders" {
		t.Errorf("CreateStream event: %+v", create)
	}
	if ts, err := time.Parse(time.RFC3339, create.EventTime); err != nil || time.Since(ts) > time.Minute || !strings.HasSuffix(create.EventTime, "Z") {
		t.Errorf("eventTime %q: %v", create.EventTime, err)
	}
	for _, field := range []string{"eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent", "userIdentity", "requestID", "eventID", "readOnly", "managementEvent", "eventType", "recipientAccountId", "requestParameters"} {
		if _, ok := raw[0][field]; !ok {
			t.Errorf("the first event has no %q: %v", field, raw[0])
		}
	}
	if e, ok := findEvent(events, "DescribeStreamSummary", "ResourceNotFoundException"); !ok || !e.ReadOnly || e.ErrorMessage == "" {
		t.Errorf("no failed DescribeStreamSummary event: %+v", e)
	}
	if e, ok := findEvent(events, "PutRecord", "InvalidSignatureException"); !ok || e.UserIdentity.Type != "Unknown" || e.UserIdentity.AccessKeyID != "AKIAALICE" || e.ManagementEvent {
		t.Errorf("the wrong secret's PutRecord: %+v", e)
	}
	if e, ok := findEvent(events, "ListStreams", "UnrecognizedClientException"); !ok || e.UserIdentity.AccessKeyID != "AKIASTRANGER" || e.RecipientAccountID != "" {
		t.Errorf("the unknown key's ListStreams: %+v", e)
	}
	if _, ok := findEvent(events, "PutRecord", ""); ok {
		t.Errorf("an allowed PutRecord was recorded")
	}
	if _, ok := findEvent(events, "GetShardIterator", ""); ok {
		t.Errorf("an allowed GetShardIterator was recorded")
	}
	var fhEvent audit.Event
	for _, e := range events {
		if e.EventName == "CreateDeliveryStream" {
			fhEvent = e
		}
	}
	if fhEvent.EventSource != "firehose.amazonaws.com" || fhEvent.RequestParameters["DeliveryStreamName"] != "to-http" {
		t.Errorf("CreateDeliveryStream event: %+v", fhEvent)
	}
	var cam bool
	for _, e := range events {
		cam = cam || (e.EventSource == "kinesisvideo.amazonaws.com" && e.EventName == "CreateStream" && e.RequestParameters["StreamName"] == "cam")
	}
	if !cam {
		t.Errorf("no Video Streams CreateStream event")
	}
	b, _ := os.ReadFile(logPath)
	if bytes.Contains(b, []byte("SUPERSECRET")) || bytes.Contains(b, []byte("RECORD-DATA")) || bytes.Contains(b, []byte("alice-secret")) {
		t.Errorf("the audit log holds a secret or record data:\n%s", b)
	}
	if fi, err := os.Stat(logPath); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the audit log's mode: %v %v", fi.Mode(), err)
	}
	if m := metricsText(t, srv); !strings.Contains(m, "sluice_audit_events_total "+strconv.Itoa(len(events))+"\n") {
		t.Errorf("audit events counted:\n%s", grepLines(m, "sluice_audit"))
	}

	// sluice audit tail, with its filters.
	tail := func(args ...string) []string {
		var out, errOut bytes.Buffer
		if code := audit.Main(ctx, append([]string{"tail", "--file", logPath}, args...), func(string) string { return "" }, &out, &errOut); code != 0 {
			t.Fatalf("audit tail %v: exit %d: %s", args, code, errOut.String())
		}
		return strings.Split(strings.TrimSpace(out.String()), "\n")
	}
	if all := tail(); len(all) != len(events) {
		t.Errorf("tail printed %d lines for %d events:\n%s", len(all), len(events), strings.Join(all, "\n"))
	}
	lines := tail("--event", "CreateStream", "--since", "1h")
	if len(lines) != 2 || !strings.Contains(lines[0], " kinesis CreateStream AKIAALICE@111111111111 127.0.0.1 OK ") || !strings.Contains(lines[0], "StreamName=orders") {
		t.Errorf("tail --event CreateStream:\n%s", strings.Join(lines, "\n"))
	}
	for _, l := range tail("--errors-only") {
		if strings.Contains(l, " OK") && !strings.Contains(l, "Exception") {
			t.Errorf("tail --errors-only printed a success: %s", l)
		}
	}
	if l := tail("--errors-only", "--event", "ListStreams"); len(l) != 1 || !strings.Contains(l[0], "AKIASTRANGER 127.0.0.1 UnrecognizedClientException: ") {
		t.Errorf("the unknown key in tail: %q", l)
	}
}

func apiErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestKeyRateLimit: with --key-rate-limit, a key over its rate gets
// ThrottlingException (Video Streams: ClientLimitExceededException) while
// another key is served; the throttled calls, data plane included, are in
// the audit log and counted.
func TestKeyRateLimit(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "audit.jsonl")
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.KeyRateLimit, c.KeyRateBurst, c.AuditLog = 2, 5, logPath
	}))
	ctx := context.Background()
	busy := kinesis.NewFromConfig(srv.AWSConfig("us-east-1", "AKIDBUSY", "secret"))
	if _, err := busy.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("s"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	var allowed, throttled int
	for range 20 {
		_, err := busy.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("s"), PartitionKey: aws.String("k"), Data: []byte("x")})
		switch code := apiErrorCode(err); {
		case err == nil:
			allowed++
		case code == "ThrottlingException":
			var re interface{ HTTPStatusCode() int }
			if !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
				t.Fatalf("throttled with %v", err)
			}
			throttled++
		default:
			t.Fatalf("PutRecord: %v", err)
		}
	}
	// 5 of burst (one went to CreateStream), and the odd token refilled.
	if allowed < 4 || allowed > 8 || throttled == 0 {
		t.Fatalf("%d allowed, %d throttled of 20 calls at 2/s with bursts of 5", allowed, throttled)
	}
	other := kinesis.NewFromConfig(srv.AWSConfig("us-east-1", "AKIDCALM", "secret"))
	for i := range 3 {
		if _, err := other.ListStreams(ctx, &kinesis.ListStreamsInput{}); err != nil {
			t.Fatalf("another key's call %d: %v", i, err)
		}
	}
	video := kinesisvideo.NewFromConfig(srv.AWSConfig("us-east-1", "AKIDVIDEO", "secret"))
	var videoCode string
	for range 10 {
		if _, err := video.ListStreams(ctx, &kinesisvideo.ListStreamsInput{}); err != nil {
			videoCode = apiErrorCode(err)
			break
		}
	}
	if videoCode != "ClientLimitExceededException" {
		t.Fatalf("Video Streams over the rate: %q", videoCode)
	}
	events, _ := readAudit(t, logPath)
	if e, ok := findEvent(events, "PutRecord", "ThrottlingException"); !ok || e.UserIdentity.AccessKeyID != "AKIDBUSY" || e.ErrorMessage != "Rate exceeded" {
		t.Errorf("no throttled PutRecord in the audit log: %+v", e)
	}
	if m := metricsText(t, srv); !strings.Contains(m, "sluice_key_throttled_requests_total "+strconv.Itoa(throttled+1)+"\n") {
		t.Errorf("throttled calls counted:\n%s", grepLines(m, "sluice_key"))
	}
}
