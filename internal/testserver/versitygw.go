package testserver

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Credentials and region of every versitygw a test starts.
const (
	VersityAccessKey = "versity"
	VersitySecretKey = "versity-secret"
	VersityRegion    = "us-east-1"
)

// Versitygw is a real S3-compatible server for a test: versitygw with its
// POSIX backend in a temporary directory, on 127.0.0.1. Stop and Start
// restart it on the same address and directory, so a test can take the
// object store away and give it back.
type Versitygw struct {
	// Endpoint is http://127.0.0.1:port.
	Endpoint string
	// Logs is the file holding the server's output.
	Logs string

	t    testing.TB
	bin  string
	addr string
	root string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// StartVersitygw starts versitygw and creates the buckets on it. It skips
// the test (fails it under SLUICE_REQUIRE_VERSITYGW) when the binary is
// not installed; the server stops when the test ends.
func StartVersitygw(t testing.TB, buckets ...string) *Versitygw {
	t.Helper()
	v := &Versitygw{t: t, bin: versitygwBinary(t), root: t.TempDir()}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	v.addr = ln.Addr().String()
	ln.Close()
	v.Endpoint = "http://" + v.addr
	v.Logs = filepath.Join(t.TempDir(), "versitygw.log")
	v.Start()
	t.Cleanup(v.Stop)
	c := v.S3()
	for _, b := range buckets {
		if _, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(b)}); err != nil {
			t.Fatalf("creating bucket %s: %v", b, err)
		}
	}
	return v
}

// S3 returns a client of the server (path-style addressing).
func (v *Versitygw) S3() *s3.Client {
	return s3.NewFromConfig(aws.Config{
		Region:       VersityRegion,
		Credentials:  credentials.NewStaticCredentialsProvider(VersityAccessKey, VersitySecretKey, ""),
		BaseEndpoint: aws.String(v.Endpoint),
	}, func(o *s3.Options) { o.UsePathStyle = true })
}

// Start starts the server (again, after Stop) and waits until it listens.
// It does nothing while the server runs.
func (v *Versitygw) Start() {
	v.t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cmd != nil {
		return
	}
	logs, err := os.OpenFile(v.Logs, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		v.t.Fatal(err)
	}
	defer logs.Close()
	cmd := exec.Command(v.bin, "--access", VersityAccessKey, "--secret", VersitySecretKey,
		"--region", VersityRegion, "--port", v.addr, "posix", v.root)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		v.t.Fatal(err)
	}
	v.cmd = cmd
	for i := 0; ; i++ {
		c, err := net.Dial("tcp", v.addr)
		if err == nil {
			c.Close()
			return
		}
		if i > 400 {
			b, _ := os.ReadFile(v.Logs)
			v.t.Fatalf("versitygw does not listen on %s:\n%s", v.addr, b)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// Stop kills the server; the objects stay in its directory for Start.
func (v *Versitygw) Stop() {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.cmd == nil {
		return
	}
	v.cmd.Process.Kill()
	v.cmd.Wait()
	v.cmd = nil
}

// versitygwBinary finds the versitygw binary: $VERSITYGW, PATH, or
// GOPATH/bin.
func versitygwBinary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("VERSITYGW"); p != "" {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p
	}
	if gopath, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(gopath))) {
			p := filepath.Join(dir, "bin", "versitygw")
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	Missing(t, "SLUICE_REQUIRE_VERSITYGW", "versitygw is not installed (go install github.com/versity/versitygw/cmd/versitygw@v1.8.0)")
	return ""
}
