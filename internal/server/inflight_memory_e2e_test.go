package server_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"sluice/internal/config"
	"sluice/internal/server"
)

// TestInflightMemoryChild is the server of TestInflightMemory: the test
// binary re-executed with SLUICE_MEMORY_CHILD set, configured from the
// environment as `sluice` is. It prints its address and serves until
// killed.
func TestInflightMemoryChild(t *testing.T) {
	if os.Getenv("SLUICE_MEMORY_CHILD") == "" {
		t.Skip("only runs as TestInflightMemory's server")
	}
	cfg, err := config.Load(nil, os.Getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(context.Background(), server.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("listening %s\n", ln.Addr())
	srv.Serve(ln)
}

// memoryChild is a running TestInflightMemoryChild.
type memoryChild struct {
	cmd *exec.Cmd
	url string
}

func startMemoryChild(t *testing.T, env ...string) *memoryChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestInflightMemoryChild$")
	cmd.Env = append(os.Environ(), append([]string{"SLUICE_MEMORY_CHILD=1", "SLUICE_DATA_DIR=" + t.TempDir(), "SLUICE_LOG_LEVEL=error"}, env...)...)
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr := make(chan string, 1)
	go func() {
		lines := bufio.NewScanner(stdout)
		for lines.Scan() {
			if a, ok := strings.CutPrefix(lines.Text(), "listening "); ok {
				addr <- a
			}
		}
	}()
	select {
	case a := <-addr:
		return &memoryChild{cmd: cmd, url: "http://" + a}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	return nil
}

// status reads a field of /proc/<pid>/status, in bytes.
func (c *memoryChild) status(t *testing.T, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", c.cmd.Process.Pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s: %q", field, line)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/<pid>/status", field)
	return 0
}

// TestInflightMemory sends the load to a real server under --auth
// sigv4: 80 unsigned PutRecords bodies of 14 MiB, 40 at once, then 80
// signed with a known key and the wrong secret, 40 at once, and checks the
// server's peak resident size (VmHWM), not its timing. Before the budget,
// the unsigned bodies alone took the server to 1.4 GB.
//
// The bound: the budget (64 MiB here) is the most body bytes held at once;
// Go's collector lets the heap grow to twice what is live before it
// collects (GOGC=100), and a body buffer freed stays counted until then, so
// bodies account for at most 2 × the budget; on top of that comes the idle
// server's own resident size, measured before the load, and 64 MiB for
// what the load adds besides bodies (80 connections' buffers and
// goroutines, the allocator's slack). Unsigned bodies take no budget at
// all: they are refused before a byte is read.
func TestInflightMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 2.2 GB")
	}
	if raceDetector {
		t.Skip("the race detector's shadow memory swamps the figure; the plain run measures it")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc/<pid>/status to read the peak resident size from")
	}
	const (
		budget     = 64 << 20
		concurrent = 40
		requests   = 80
		key        = "AKIDMEMORY"
	)
	creds := filepath.Join(t.TempDir(), "keys.json")
	os.WriteFile(creds, []byte(`{"keys":[{"accessKeyId":"`+key+`","secretAccessKey":"right-secret","accountId":"111111111111"}]}`), 0o600)
	c := startMemoryChild(t, "SLUICE_AUTH=sigv4", "SLUICE_CREDENTIALS="+creds, "SLUICE_MAX_INFLIGHT_BYTES="+strconv.Itoa(budget))
	idle := c.status(t, "VmRSS")

	body := putRecordsBody(14 << 20)
	sum := sha256.Sum256(body)
	hash := hex.EncodeToString(sum[:])
	client := &http.Client{Timeout: 3 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: concurrent}}
	send := func(sign bool) (int, string, error) {
		r, err := http.NewRequest("POST", c.url+"/", bytes.NewReader(body))
		if err != nil {
			return 0, "", err
		}
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "Kinesis_20131202.PutRecords")
		if sign {
			creds := aws.Credentials{AccessKeyID: key, SecretAccessKey: "wrong-secret"}
			if err := v4.NewSigner().SignHTTP(context.Background(), creds, r, hash, "kinesis", "us-east-1", time.Now()); err != nil {
				return 0, "", err
			}
		}
		resp, err := client.Do(r)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	load := func(sign bool, want string) {
		t.Helper()
		var wg sync.WaitGroup
		var mu sync.Mutex
		answered := 0
		next := make(chan struct{}, requests)
		for range requests {
			next <- struct{}{}
		}
		close(next)
		for range concurrent {
			wg.Go(func() {
				for range next {
					status, got, err := send(sign)
					mu.Lock()
					switch {
					case err != nil && !sign:
						// The server may answer and close before the client
						// has written the body it never reads.
					case err != nil:
						t.Errorf("signed request: %v", err)
					case status != 400 || !strings.Contains(got, want):
						t.Errorf("got %d %.200s, want %s", status, got, want)
					default:
						answered++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if answered == 0 {
			t.Errorf("no request was answered %s", want)
		}
		t.Logf("%d of %d answered %s", answered, requests, want)
	}
	load(false, "MissingAuthenticationTokenException")
	afterUnsigned := c.status(t, "VmHWM")
	load(true, "The request signature we calculated does not match")
	peak := c.status(t, "VmHWM")

	bound := idle + 2*budget + 64<<20
	t.Logf("idle %d MiB; peak after the unsigned bodies %d MiB, after the wrong-signature ones %d MiB; bound %d MiB",
		idle>>20, afterUnsigned>>20, peak>>20, bound>>20)
	if peak > bound {
		t.Fatalf("peak resident size %d MiB is over %d MiB (idle %d MiB + 2 × the %d MiB budget + 64 MiB)", peak>>20, bound>>20, idle>>20, budget>>20)
	}
	// The server still serves.
	r, _ := http.NewRequest("POST", c.url+"/", strings.NewReader("{}"))
	r.Header.Set("Content-Type", "application/x-amz-json-1.1")
	r.Header.Set("X-Amz-Target", "Kinesis_20131202.ListStreams")
	empty := sha256.Sum256([]byte("{}"))
	v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: key, SecretAccessKey: "right-secret"}, r, hex.EncodeToString(empty[:]), "kinesis", "us-east-1", time.Now())
	resp, err := client.Do(r)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("ListStreams after the load: %v %v", resp, err)
	}
	resp.Body.Close()
}

// putRecordsBody is a PutRecords body of about size bytes: 500 records of
// base64 data.
func putRecordsBody(size int) []byte {
	data := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xa5}, (size/500-40)*3/4))
	var b bytes.Buffer
	b.WriteString(`{"StreamName":"s","Records":[`)
	for i := range 500 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"PartitionKey":"k%d","Data":"%s"}`, i, data)
	}
	b.WriteString("]}")
	return b.Bytes()
}
