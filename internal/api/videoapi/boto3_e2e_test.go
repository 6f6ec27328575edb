package videoapi_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"sluice/internal/testserver"
)

// TestBoto3ControlPlane drives the control plane with Debian's
// python3-boto3: streams (create, describe, list, a stale and a good
// update, tags, GetDataEndpoint, a missing stream, delete) and a signaling
// channel.
func TestBoto3ControlPlane(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_BOTO3", "%s cannot import boto3 (apt-get install -y python3-boto3)", python)
	}
	srv := testserver.Start(t)
	script := filepath.Join(testserver.RepoRoot(t), "test", "python", "video_control.py")
	cmd := exec.CommandContext(t.Context(), python, script, srv.URL)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	var out struct {
		Status    string
		Retention int
		Names     []string
		Stale     string
		Device    string
		Tags      map[string]string
		Endpoint  string
		Missing   []any
		Channel   string
		After     []string
	}
	if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	if out.Status != "ACTIVE" || out.Retention != 2 || !reflect.DeepEqual(out.Names, []string{"boto-cam"}) || out.Stale != "VersionMismatchException" ||
		out.Device != "door" || !reflect.DeepEqual(out.Tags, map[string]string{"lang": "python", "site": "home"}) || out.Endpoint != srv.URL ||
		!reflect.DeepEqual(out.Missing, []any{"ResourceNotFoundException", "The requested stream is not found or not active.", float64(404)}) ||
		out.Channel != "ACTIVE" || len(out.After) != 0 {
		t.Fatalf("boto3 saw %+v", out)
	}
}
