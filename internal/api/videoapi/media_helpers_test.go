package videoapi_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	kv "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"sluice/internal/testserver"
	"sluice/internal/video/mkv"
)

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

type ackLine struct {
	EventType        string
	FragmentTimecode *int64
	FragmentNumber   string
	ErrorId          int
	ErrorCode        string
}

// creds are the keys requests are signed with.
type creds struct{ key, secret string }

var openCreds = creds{"AKIDTEST", "secret"}

// sign signs r for kinesisvideo in us-east-1 with payload hash payload.
func signAs(t *testing.T, r *http.Request, c creds, payload string) {
	t.Helper()
	err := v4.NewSigner().SignHTTP(r.Context(), aws.Credentials{AccessKeyID: c.key, SecretAccessKey: c.secret}, r, payload, "kinesisvideo", "us-east-1", time.Now())
	if err != nil {
		t.Fatal(err)
	}
}

// putMedia streams body to /putMedia (chunked: the body's length is
// unknown) and returns the ACK lines, read while the upload runs, and the
// HTTP status (with the error type when not 200).
func putMedia(t *testing.T, srv *testserver.Server, c creds, hdr map[string]string, body io.Reader) (int, string, []ackLine) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/putMedia", io.NopCloser(body))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	signAs(t, req, c, emptySHA256)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"), nil
	}
	return 200, "", readAcks(t, resp.Body)
}

func readAcks(t *testing.T, r io.Reader) []ackLine {
	t.Helper()
	var acks []ackLine
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var a ackLine
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil || a.EventType == "" {
			t.Logf("line %q", sc.Text())
			t.Fatalf("ACK %q: %v", sc.Text(), err)
		}
		acks = append(acks, a)
	}
	return acks
}

func streamHeaders(name string) map[string]string {
	return map[string]string{"x-amzn-stream-name": name, "x-amzn-fragment-timecode-type": "RELATIVE", "x-amzn-producer-start-timestamp": "1700000000.250"}
}

// events abbreviates ACKs: B R P I, E<ErrorId>.
func events(acks []ackLine) string {
	var parts []string
	for _, a := range acks {
		if a.EventType == "ERROR" {
			parts = append(parts, "E"+strings.TrimSpace(jsonNumber(a.ErrorId)))
			continue
		}
		if a.EventType == "" {
			parts = append(parts, "?")
			continue
		}
		parts = append(parts, a.EventType[:1])
	}
	return strings.Join(parts, " ")
}

func jsonNumber(n int) string { b, _ := json.Marshal(n); return string(b) }

// mediaReq posts a JSON body to a media path, signed with the body's hash.
func mediaReq(t *testing.T, ctx context.Context, srv *testserver.Server, path string, in any) *http.Response {
	t.Helper()
	b, _ := json.Marshal(in)
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, srv.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	sum := sha256.Sum256(b)
	signAs(t, req, openCreds, hex.EncodeToString(sum[:]))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// chunk is one GetMedia chunk read back.
type chunk struct {
	header *mkv.Header
	c      *mkv.Cluster
	tags   map[string]string
}

// readChunks reads n chunks of an MKV body, laid out as AWS's: header,
// Tags with the fragment number (and timestamps), cluster, and for GetMedia
// Tags with the millis behind and the continuation token; a chunk's tags
// are those before and after its cluster. A chunk is complete when the
// Tags after its cluster arrive, or the next chunk's first Tags, or the
// body ends (GetMediaForFragmentList has no Tags after a cluster). The
// reader reports Tags while it goes on looking for the next element: so
// the reading goes on in the background until the body ends.
func readChunks(t *testing.T, r io.Reader, n int) []chunk {
	t.Helper()
	var out []chunk
	var mu sync.Mutex
	var pending *chunk
	var before map[string]string // tags read before the next cluster
	full := make(chan struct{})
	failed := make(chan error, 1)
	finish := func() { // with mu held
		if pending == nil {
			return
		}
		out = append(out, *pending)
		pending = nil
		if len(out) == n {
			close(full)
		}
	}
	rd := mkv.NewReader(r, mkv.Limits{OnTags: func(tags []mkv.SimpleTag) {
		mu.Lock()
		defer mu.Unlock()
		m := map[string]string{}
		for _, tg := range tags {
			m[tg.Name] = tg.Value
		}
		if _, ok := m[mkv.TagFragmentNumber]; ok {
			finish()
			before = m
			return
		}
		if pending != nil {
			maps.Copy(pending.tags, m)
			finish()
		}
	}})
	go func() {
		var h *mkv.Header
		for {
			hh, c, err := rd.Next()
			if err != nil {
				mu.Lock()
				if err == io.EOF {
					finish()
				}
				mu.Unlock()
				failed <- err
				return
			}
			if hh != nil {
				h = hh
				continue
			}
			mu.Lock()
			finish()
			pending = &chunk{header: h, c: c, tags: before}
			if pending.tags == nil {
				pending.tags = map[string]string{}
			}
			before = nil
			mu.Unlock()
		}
	}()
	select {
	case <-full:
	case err := <-failed:
		select {
		case <-full:
		default:
			mu.Lock()
			defer mu.Unlock()
			t.Fatalf("after %d chunks: %v", len(out), err)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("%d chunks in 20 s, want %d", len(out), n)
	}
	mu.Lock()
	defer mu.Unlock()
	return out[:n]
}

// fixture returns an MKV of secs seconds of H.264 (+ AAC) made by ffmpeg,
// one cluster per key frame each second, or the mkv package's 2-second
// fixture without ffmpeg.
func fixture(t *testing.T, secs int, audio bool) []byte {
	t.Helper()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("SLUICE_REQUIRE_FFMPEG") != "" {
			t.Fatal("ffmpeg not installed (make test-ffmpeg installs it)")
		}
		name := "h264.mkv"
		if audio {
			name = "h264-aac.mkv"
		}
		b, err := os.ReadFile(filepath.Join("..", "..", "video", "mkv", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	args := []string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25"}
	if audio {
		args = append(args, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000")
	}
	args = append(args, "-t", jsonNumber(secs), "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
		"-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0")
	if audio {
		args = append(args, "-c:a", "aac", "-b:a", "32k")
	}
	args = append(args, "-f", "matroska", "-live", "1", "-cluster_time_limit", "100000", "-cluster_size_limit", "100000000", "-")
	out, err := exec.Command("ffmpeg", args...).Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v", err)
	}
	return out
}

// clustersOf parses an MKV file.
func clustersOf(t *testing.T, b []byte) []*mkv.Cluster {
	t.Helper()
	var cs []*mkv.Cluster
	rd := mkv.NewReader(bytes.NewReader(b), mkv.Limits{})
	for {
		_, c, err := rd.Next()
		if err == io.EOF {
			return cs
		}
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			cs = append(cs, c)
		}
	}
}

func sameFrames(t *testing.T, what string, got, want *mkv.Cluster) {
	t.Helper()
	if len(got.Frames) != len(want.Frames) {
		t.Fatalf("%s: %d frames, want %d", what, len(got.Frames), len(want.Frames))
	}
	for i := range got.Frames {
		g, w := got.Frames[i], want.Frames[i]
		if g.Track != w.Track || g.Timecode != w.Timecode || g.Key != w.Key || !bytes.Equal(g.Data, w.Data) {
			t.Fatalf("%s: frame %d differs", what, i)
		}
	}
}

func createStream(t *testing.T, srv *testserver.Server, name string, hours int32) {
	t.Helper()
	if _, err := srv.VideoClient().CreateStream(t.Context(), &kv.CreateStreamInput{StreamName: aws.String(name), DataRetentionInHours: aws.Int32(hours)}); err != nil {
		t.Fatal(err)
	}
}
