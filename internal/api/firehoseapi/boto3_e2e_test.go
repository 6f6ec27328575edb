package firehoseapi_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"sluice/internal/testserver"
)

// TestBoto3PutRecordBatch drives the server with Debian's python3-boto3:
// CreateDeliveryStream, DescribeDeliveryStream, PutRecordBatch, then the
// object is checked where the server delivered it.
func TestBoto3PutRecordBatch(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_BOTO3", "%s cannot import boto3 (apt-get install -y python3-boto3)", python)
	}
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now))
	script := filepath.Join(testserver.RepoRoot(t), "test", "python", "firehose_put.py")
	cmd := exec.CommandContext(t.Context(), python, script, srv.URL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var out struct {
		FailedPutCount int
		RecordIds      []string
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	if out.FailedPutCount != 0 || len(out.RecordIds) != 3 || len(out.RecordIds[0]) != 112 {
		t.Fatalf("answer = %+v", out)
	}
	clock.Advance(time.Minute)
	st := &bucketStore{name: "local", srv: srv}
	keys := st.wait(t, "boto-bucket", 1)
	if got := string(readLocal(t, srv, "boto-bucket", keys[0])); got != "record-0\nrecord-1\nrecord-2\n" {
		t.Fatalf("object %s = %q", keys[0], got)
	}
	if !regexp.MustCompile(`^py/\d{4}/\d\d/\d\d/\d\d/boto-1-`).MatchString(keys[0]) {
		t.Fatalf("key %s is not under py/YYYY/MM/dd/HH/", keys[0])
	}
}

// TestBoto3HTTPEndpoint: boto3 creates an HTTP endpoint delivery stream
// and puts a batch; the endpoint receives it as AWS's contract says.
func TestBoto3HTTPEndpoint(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_BOTO3", "%s cannot import boto3 (apt-get install -y python3-boto3)", python)
	}
	e := newHTTPEndpoint(t, nil)
	clock := testserver.NewClock()
	srv := trusting(t, e.Server, testserver.WithClock(clock.Now))
	script := filepath.Join(testserver.RepoRoot(t), "test", "python", "firehose_http.py")
	cmd := exec.CommandContext(t.Context(), python, script, srv.URL, e.URL+"/boto")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var out struct {
		URL             string `json:"Url"`
		HasAccessKey    bool
		ContentEncoding string
		FailedPutCount  int
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	if out.URL != e.URL+"/boto" || out.HasAccessKey || out.ContentEncoding != "GZIP" || out.FailedPutCount != 0 {
		t.Fatalf("answer = %+v", out)
	}
	clock.Advance(time.Minute)
	r := e.wait(t, 1)[0]
	if r.Header.Get("X-Amz-Firehose-Access-Key") != "boto-key" || r.Header.Get("X-Amz-Firehose-Common-Attributes") != `{"commonAttributes":{"team":"py"}}` ||
		len(r.Body.Records) != 3 || string(r.Body.Records[2].Data) != "event-2" {
		t.Fatalf("request = %+v", r)
	}
}
