package logsapi_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sluice/internal/firehose"
	"sluice/internal/testserver"
)

// awsCLI finds the AWS CLI: Debian's (/usr/bin/aws, installed by `make
// test`), else any on PATH; SLUICE_REQUIRE_AWSCLI=1 fails rather than
// skips when there is none.
func awsCLI(t *testing.T) string {
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		return "/usr/bin/aws"
	}
	if p, err := exec.LookPath("aws"); err == nil {
		return p
	}
	testserver.Missing(t, "SLUICE_REQUIRE_AWSCLI", "the AWS CLI is not installed (make test installs Debian's awscli)")
	return ""
}

// TestAWSCLILogs reads a delivery stream's error log with the AWS CLI's
// `aws logs` commands, as the README shows: the server's delivery error
// log (what the deliverer writes through Config.Errors) answers
// describe-log-groups, describe-log-streams, get-log-events and
// filter-log-events.
func TestAWSCLILogs(t *testing.T) {
	bin := awsCLI(t)
	var errs firehose.ErrorLog
	srv := testserver.Start(t, testserver.WithFirehose(func(c *firehose.Config) { errs = c.Errors }))
	at := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	arn := firehose.ARN("us-east-1", srv.Config.AccountID, "orders")
	for i, code := range []string{"S3.NoSuchBucket", "S3.AccessDenied"} {
		errs.Log(firehose.DeliveryError{
			Time: at.Add(time.Duration(i) * time.Second), DeliveryStreamARN: arn, Destination: "arn:aws:s3:::b", DeliveryStreamVersionID: 1,
			ErrorCode: code, Message: "message " + code, LogGroupName: "/aws/kinesisfirehose/orders", LogStreamName: "DestinationDelivery",
		})
	}
	home := t.TempDir()
	must := func(args ...string) map[string]any {
		t.Helper()
		cmd := exec.CommandContext(t.Context(), bin, append([]string{"--endpoint-url", srv.URL, "--output", "json", "logs"}, args...)...)
		cmd.Env = []string{
			"HOME=" + home, "PATH=" + os.Getenv("PATH"),
			"AWS_ACCESS_KEY_ID=AKIDCLI", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
			"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1",
		}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("aws logs %v: %v\n%s", args, err, stderr.String())
		}
		out := map[string]any{}
		if err := json.Unmarshal([]byte(stdout.String()), &out); err != nil {
			t.Fatalf("aws logs %v: not JSON: %s", args, stdout.String())
		}
		return out
	}
	groups := must("describe-log-groups")["logGroups"].([]any)
	if len(groups) != 1 || groups[0].(map[string]any)["logGroupName"] != "/aws/kinesisfirehose/orders" {
		t.Fatalf("log groups = %v", groups)
	}
	streams := must("describe-log-streams", "--log-group-name", "/aws/kinesisfirehose/orders")["logStreams"].([]any)
	if len(streams) != 1 || streams[0].(map[string]any)["logStreamName"] != "DestinationDelivery" {
		t.Fatalf("log streams = %v", streams)
	}
	out := must("get-log-events", "--log-group-name", "/aws/kinesisfirehose/orders", "--log-stream-name", "DestinationDelivery", "--start-from-head")
	events := out["events"].([]any)
	if len(events) != 2 || out["nextForwardToken"] == "" {
		t.Fatalf("get-log-events = %v", out)
	}
	first := events[0].(map[string]any)
	var msg firehose.DeliveryError
	if err := json.Unmarshal([]byte(first["message"].(string)), &msg); err != nil {
		t.Fatal(err)
	}
	if first["timestamp"] != float64(at.UnixMilli()) || msg.ErrorCode != "S3.NoSuchBucket" || msg.DeliveryStreamARN != arn || msg.Message != "message S3.NoSuchBucket" {
		t.Fatalf("first event = %v", first)
	}
	filtered := must("filter-log-events", "--log-group-name", "/aws/kinesisfirehose/orders", "--filter-pattern", "AccessDenied")["events"].([]any)
	if len(filtered) != 1 || filtered[0].(map[string]any)["logStreamName"] != "DestinationDelivery" {
		t.Fatalf("filter-log-events = %v", filtered)
	}
}
