package kinesisapi_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// awsCLI finds the AWS CLI: Debian's (/usr/bin/aws, installed by `make
// test`), else any on PATH. Set SLUICE_REQUIRE_AWSCLI=1 to fail rather than
// skip when there is none.
func awsCLI(t *testing.T) string {
	if _, err := os.Stat("/usr/bin/aws"); err == nil {
		return "/usr/bin/aws"
	}
	if p, err := exec.LookPath("aws"); err == nil {
		return p
	}
	if os.Getenv("SLUICE_REQUIRE_AWSCLI") != "" {
		t.Fatal("the AWS CLI is not installed (make test installs Debian's awscli)")
	}
	t.Skip("no AWS CLI")
	return ""
}

// TestAWSCLI drives the server with the AWS CLI, as the README's quick start
// does.
func TestAWSCLI(t *testing.T) {
	bin := awsCLI(t)
	srv, _ := start(t)
	home := t.TempDir()
	run := func(args ...string) (map[string]any, string, error) {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"--endpoint-url", srv.URL, "--output", "json", "kinesis"}, args...)...)
		cmd.Env = []string{
			"HOME=" + home, "PATH=" + os.Getenv("PATH"),
			"AWS_ACCESS_KEY_ID=AKIDCLI", "AWS_SECRET_ACCESS_KEY=secret", "AWS_DEFAULT_REGION=us-east-1",
			"AWS_CONFIG_FILE=" + filepath.Join(home, "config"), "AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "credentials"),
			"AWS_PAGER=", "AWS_MAX_ATTEMPTS=1",
		}
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		out := map[string]any{}
		if s := strings.TrimSpace(stdout.String()); s != "" {
			if jerr := json.Unmarshal([]byte(s), &out); jerr != nil {
				t.Fatalf("aws %v: not JSON: %s", args, s)
			}
		}
		return out, stderr.String(), err
	}
	must := func(args ...string) map[string]any {
		t.Helper()
		out, stderr, err := run(args...)
		if err != nil {
			t.Fatalf("aws %v: %v\n%s", args, err, stderr)
		}
		return out
	}

	must("create-stream", "--stream-name", "cli", "--shard-count", "2")
	sum := must("describe-stream-summary", "--stream-name", "cli")["StreamDescriptionSummary"].(map[string]any)
	if sum["StreamStatus"] != "ACTIVE" || sum["OpenShardCount"] != float64(2) {
		t.Fatalf("summary %v", sum)
	}
	// CLI v2 takes blob arguments as base64 by default, v1 as raw text;
	// --cli-binary-format only exists in v2.
	data := "hello from the cli"
	putArgs := []string{"put-record", "--stream-name", "cli", "--partition-key", "pk", "--data", data}
	if out, _ := exec.Command(bin, "--version").CombinedOutput(); strings.HasPrefix(string(out), "aws-cli/2") {
		putArgs = append(putArgs, "--cli-binary-format", "raw-in-base64-out")
	}
	put := must(putArgs...)
	shard := put["ShardId"].(string)
	it := must("get-shard-iterator", "--stream-name", "cli", "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"].(string)
	recs := must("get-records", "--shard-iterator", it)["Records"].([]any)
	if len(recs) != 1 {
		t.Fatalf("records %v", recs)
	}
	rec := recs[0].(map[string]any)
	got, _ := base64.StdEncoding.DecodeString(rec["Data"].(string))
	if rec["SequenceNumber"] != put["SequenceNumber"] || rec["PartitionKey"] != "pk" || string(got) != data {
		t.Fatalf("record %v (data %q)", rec, got)
	}
	must("add-tags-to-stream", "--stream-name", "cli", "--tags", "team=data")
	if tags := must("list-tags-for-stream", "--stream-name", "cli")["Tags"].([]any); len(tags) != 1 {
		t.Fatalf("tags %v", tags)
	}
	if names := must("list-streams")["StreamNames"].([]any); len(names) != 1 || names[0] != "cli" {
		t.Fatalf("streams %v", names)
	}
	if shards := must("list-shards", "--stream-name", "cli")["Shards"].([]any); len(shards) != 2 {
		t.Fatalf("shards %v", shards)
	}

	_, stderr, err := run("describe-stream", "--stream-name", "missing")
	if err == nil || !strings.Contains(stderr, "ResourceNotFoundException") || !strings.Contains(stderr, "Stream missing under account 000000000000 not found.") {
		t.Fatalf("missing stream: %v %s", err, stderr)
	}
	_, stderr, err = run("create-stream", "--stream-name", "bad name", "--shard-count", "1")
	if err == nil || !strings.Contains(stderr, "ValidationException") || !strings.Contains(stderr, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+") {
		t.Fatalf("bad name: %v %s", err, stderr)
	}
	must("delete-stream", "--stream-name", "cli")
	if names := must("list-streams")["StreamNames"].([]any); len(names) != 0 {
		t.Fatalf("streams after delete %v", names)
	}
}
