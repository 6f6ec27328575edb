package analyticsapi_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"sluice/internal/testserver"
)

// TestBoto3Applications drives the server with Debian's python3-boto3:
// CreateApplication, DescribeApplication, ListApplications, tags, a stale
// UpdateApplication and DeleteApplication through v1, and a SQL-1_0
// application (and a refused Flink one) through v2.
func TestBoto3Applications(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_BOTO3", "%s cannot import boto3 (apt-get install -y python3-boto3)", python)
	}
	srv := testserver.Start(t)
	script := filepath.Join(testserver.RepoRoot(t), "test", "python", "analytics_apps.py")
	cmd := exec.CommandContext(t.Context(), python, script, srv.URL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var out struct {
		Summary       map[string]string
		Version       int
		InputID       string `json:"inputId"`
		Streams       []string
		Code          bool
		Names         []string
		Tags          []map[string]string
		Stale         string
		AfterDelete   []string
		V2            map[string]any
		Flink         string
		V2AfterDelete []string
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	want := map[string]string{
		"ApplicationName": "boto-app", "ApplicationStatus": "READY",
		"ApplicationARN": "arn:aws:kinesisanalytics:us-east-1:000000000000:application/boto-app",
	}
	if !reflect.DeepEqual(out.Summary, want) || out.Version != 1 || out.InputID != "1.1" || !reflect.DeepEqual(out.Streams, []string{"SOURCE_SQL_STREAM_001"}) ||
		!out.Code || !reflect.DeepEqual(out.Names, []string{"boto-app"}) || len(out.Tags) != 1 || out.Tags[0]["Key"] != "lang" ||
		out.Stale != "ConcurrentModificationException" || len(out.AfterDelete) != 0 {
		t.Fatalf("v1: %+v", out)
	}
	if out.V2["status"] != "READY" || out.V2["runtime"] != "SQL-1_0" || out.V2["version"] != float64(1) || len(out.V2AfterDelete) != 0 ||
		out.Flink != "Sluice runs SQL applications only (RuntimeEnvironment SQL-1_0); RuntimeEnvironment FLINK-1_15 (Apache Flink, Zeppelin) is not supported." {
		t.Fatalf("v2: %+v", out)
	}
}

// TestBoto3Run runs an application with boto3: created with an input and
// a Kinesis output, started from TRIM_HORIZON, stopped, started again from
// LAST_STOPPED_POINT; the destination holds exactly the filtered records,
// none lost or repeated across the stop.
func TestBoto3Run(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_BOTO3", "%s cannot import boto3 (apt-get install -y python3-boto3)", python)
	}
	srv := testserver.Start(t)
	script := filepath.Join(testserver.RepoRoot(t), "test", "python", "analytics_run.py")
	cmd := exec.CommandContext(t.Context(), python, script, srv.URL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var out struct {
		First, All []map[string]any
		Status     string
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	row := func(t string, p float64) map[string]any { return map[string]any{"TICKER": t, "PRICE": p} }
	want := []map[string]any{row("BBB", 2), row("CCC", 3.5), row("EEE", 5)}
	if !reflect.DeepEqual(out.First, want) {
		t.Fatalf("first run wrote %v, want %v", out.First, want)
	}
	if want = append(want, row("FFF", 7)); !reflect.DeepEqual(out.All, want) || out.Status != "RUNNING" {
		t.Fatalf("after LAST_STOPPED_POINT: %v (%s), want %v", out.All, out.Status, want)
	}
}
