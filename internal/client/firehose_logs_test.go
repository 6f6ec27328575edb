package client

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sluice/internal/firehose"
	"sluice/internal/testserver"
)

// logsEnv is a test server whose Firehose error log the test writes to, as
// the deliverer does.
type logsEnv struct {
	srv  *testserver.Server
	errs firehose.ErrorLog
}

func newLogsEnv(t *testing.T) *logsEnv {
	e := &logsEnv{}
	e.srv = testserver.Start(t, testserver.WithFirehose(func(c *firehose.Config) { e.errs = c.Errors }))
	return e
}

func (e *logsEnv) log(stream string, at time.Time, code, msg string) {
	e.errs.Log(firehose.DeliveryError{
		Time: at, DeliveryStreamARN: firehose.ARN("us-east-1", e.srv.Config.AccountID, "orders"), Destination: "arn:aws:s3:::b",
		DeliveryStreamVersionID: 1, ErrorCode: code, Message: msg, LogGroupName: "/aws/kinesisfirehose/orders", LogStreamName: stream,
	})
}

func (e *logsEnv) args(extra ...string) []string {
	return append([]string{"logs", "--endpoint", e.srv.URL, "--region", "us-east-1", "--access-key", "AKIDTEST", "--secret-key", "s",
		"--log-group", "/aws/kinesisfirehose/orders"}, extra...)
}

func TestFirehoseLogs(t *testing.T) {
	e := newLogsEnv(t)
	t0 := time.Date(2025, 1, 2, 3, 4, 5, 678e6, time.UTC)
	e.log("DestinationDelivery", t0, "S3.NoSuchBucket", "The specified bucket does not exist.")
	e.log("BackupDelivery", t0.Add(time.Second), "S3.AccessDenied", "Access was denied.\nTwice.")
	e.log("DestinationDelivery", t0.Add(2*time.Second), "InternalError", "An internal error occurred.")
	tests := []struct {
		name  string
		extra []string
		want  string
	}{
		{"one stream", []string{"--log-stream", "DestinationDelivery"},
			"2025-01-02T03:04:05.678Z DestinationDelivery S3.NoSuchBucket The specified bucket does not exist.\n" +
				"2025-01-02T03:04:07.678Z DestinationDelivery InternalError An internal error occurred.\n"},
		{"the group", nil,
			"2025-01-02T03:04:05.678Z DestinationDelivery S3.NoSuchBucket The specified bucket does not exist.\n" +
				"2025-01-02T03:04:06.678Z BackupDelivery S3.AccessDenied Access was denied.\\nTwice.\n" +
				"2025-01-02T03:04:07.678Z DestinationDelivery InternalError An internal error occurred.\n"},
		{"json", []string{"--log-stream", "BackupDelivery", "--format", "json"},
			`{"timestamp":1735787046678,"logStream":"BackupDelivery","message":"{\"deliveryStreamARN\":\"arn:aws:firehose:us-east-1:` +
				e.srv.Config.AccountID + `:deliverystream/orders\",\"destination\":\"arn:aws:s3:::b\",\"deliveryStreamVersionId\":1,` +
				`\"message\":\"Access was denied.\\nTwice.\",\"errorCode\":\"S3.AccessDenied\"}"}` + "\n"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := Firehose(t.Context(), e.args(tt.extra...), nil, &stdout, &stderr); code != 0 {
			t.Fatalf("%s: exit %d: %s", tt.name, code, stderr.String())
		}
		if stdout.String() != tt.want {
			t.Errorf("%s:\n%s\nwant\n%s", tt.name, stdout.String(), tt.want)
		}
	}
}

func TestFirehoseLogsErrors(t *testing.T) {
	e := newLogsEnv(t)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{e.args("--log-stream", "DestinationDelivery"), 1, "ResourceNotFoundException: The specified log group does not exist."},
		{[]string{"logs"}, 2, "--log-group is required"},
		{[]string{"tail", "--log-group", "g"}, 2, `unknown firehose command "tail"`},
		{[]string{}, 2, "logs?"},
		{e.args("--format", "xml"), 2, "--format must be text or json"},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		if code := Firehose(t.Context(), tt.args, nil, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%q: exit %d, stderr %q; want %d, %q", tt.args, code, stderr.String(), tt.code, tt.want)
		}
	}
}

func TestFirehoseLogsFollow(t *testing.T) {
	for _, stream := range []string{"DestinationDelivery", ""} {
		t.Run(fmt.Sprintf("stream=%q", stream), func(t *testing.T) {
			e := newLogsEnv(t)
			now := time.Now()
			e.log("DestinationDelivery", now, "S3.NoSuchBucket", "first")
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			args := e.args("--follow", "--poll", "20ms")
			if stream != "" {
				args = append(args, "--log-stream", stream)
			}
			var stdout syncBuffer
			var stderr bytes.Buffer
			done := make(chan int)
			go func() { done <- Firehose(ctx, args, nil, &stdout, &stderr) }()
			waitFor := func(n int) {
				t.Helper()
				deadline := time.Now().Add(10 * time.Second)
				for strings.Count(stdout.String(), "\n") < n {
					if time.Now().After(deadline) {
						t.Fatalf("output after 10 s:\n%s%s", stdout.String(), stderr.String())
					}
					time.Sleep(10 * time.Millisecond)
				}
			}
			waitFor(1)
			// A late error with an earlier timestamp still comes out once.
			e.log("DestinationDelivery", now.Add(time.Second), "S3.NoSuchBucket", "second")
			e.log("DestinationDelivery", now.Add(-time.Second), "S3.NoSuchBucket", "third")
			waitFor(3)
			time.Sleep(100 * time.Millisecond) // a few more polls: nothing twice
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("exit %d: %s", code, stderr.String())
			}
			out := stdout.String()
			for _, m := range []string{"first", "second", "third"} {
				if strings.Count(out, " S3.NoSuchBucket "+m+"\n") != 1 {
					t.Errorf("%q not printed once:\n%s", m, out)
				}
			}
			if strings.Count(out, "\n") != 3 {
				t.Errorf("output:\n%s", out)
			}
		})
	}
}
