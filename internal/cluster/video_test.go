package cluster_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
)

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// TestPutMediaThroughAFollower: a chunked PutMedia streamed slowly through
// a follower reaches the owner whole while the owner's ACKs stream back
// before the upload ends (full duplex through the forwarding node).
func TestPutMediaThroughAFollower(t *testing.T) {
	c := startNodes(t, 2)
	follower := 0
	if c.Nodes[0].Server() != nil {
		follower = 1
	}
	url := c.URLs[follower]
	kv := kinesisvideo.NewFromConfig(aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")})
	if _, err := kv.CreateStream(t.Context(), &kinesisvideo.CreateStreamInput{StreamName: aws.String("cam"), DataRetentionInHours: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if got := putMediaSlowly(t, url, "cam"); strings.Count(got, "PERSISTED") != 2 || strings.Contains(got, "ERROR") {
		t.Fatalf("ACKs %s, want 2 fragments persisted and no error", got)
	}
}

// putMediaSlowly streams the test MKV (two fragments) to the stream through
// the node at url in small chunks and returns the ACKs' event types (and
// error codes), space-separated.
func putMediaSlowly(t *testing.T, url, stream string) string {
	t.Helper()
	mkv, err := os.ReadFile("../video/mkv/testdata/h264.mkv")
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	go func() {
		for b := mkv; len(b) > 0; {
			n := min(len(b), 2048)
			if _, err := pw.Write(b[:n]); err != nil {
				return
			}
			b = b[n:]
			time.Sleep(2 * time.Millisecond)
		}
		pw.Close()
	}()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url+"/putMedia", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("x-amzn-stream-name", stream)
	req.Header.Set("x-amzn-fragment-timecode-type", "RELATIVE")
	req.Header.Set("x-amzn-producer-start-timestamp", "1700000000.250")
	if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}, req, emptySHA256, "kinesisvideo", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PutMedia to %s through %s: %d %s", stream, url, resp.StatusCode, b)
	}
	var events []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var a struct{ EventType, ErrorCode string }
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("ACK %q: %v", sc.Text(), err)
		}
		events = append(events, a.EventType+a.ErrorCode)
	}
	return strings.Join(events, " ")
}
