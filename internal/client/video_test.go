package client

import (
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kv "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"sluice/internal/testserver"
	"sluice/internal/video/mkv"
)

func clusters(t *testing.T, b []byte) []*mkv.Cluster {
	t.Helper()
	var cs []*mkv.Cluster
	rd := mkv.NewReader(bytes.NewReader(b), mkv.Limits{})
	for {
		_, c, err := rd.Next()
		if err != nil {
			return cs
		}
		if c != nil {
			cs = append(cs, c)
		}
	}
}

// TestVideoPutGet runs `sluice video put FILE` then `sluice video get
// --start earliest` and compares the clusters.
func TestVideoPutGet(t *testing.T) {
	srv := testserver.Start(t)
	if _, err := srv.VideoClient().CreateStream(t.Context(), &kv.CreateStreamInput{StreamName: aws.String("cam"), DataRetentionInHours: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join("..", "video", "mkv", "testdata", "h264-aac.mkv")
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := Video(t.Context(), []string{"put", "--endpoint", srv.URL, "--stream", "cam", file}, nil, &out, &errOut); code != 0 {
		t.Fatalf("put: %d %s", code, errOut.String())
	}
	wantCs := clusters(t, want)
	if n := strings.Count(out.String(), `"EventType":"PERSISTED"`); n != len(wantCs) {
		t.Fatalf("put printed %d PERSISTED ACKs, want %d:\n%s", n, len(wantCs), out.String())
	}

	ctx, cancel := context.WithCancel(t.Context())
	var got syncBuffer
	done := make(chan int)
	go func() {
		done <- Video(ctx, []string{"get", "--endpoint", srv.URL, "--stream", "cam", "--start", "earliest"}, nil, &got, &errOut)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for len(clusters(t, []byte(got.String()))) < len(wantCs) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("get: %d %s", code, errOut.String())
	}
	gotCs := clusters(t, []byte(got.String()))
	if len(gotCs) != len(wantCs) {
		t.Fatalf("get wrote %d clusters, want %d", len(gotCs), len(wantCs))
	}
	for i := range gotCs {
		if !bytes.Equal(gotCs[i].Raw, wantCs[i].Raw) {
			t.Errorf("cluster %d differs", i)
		}
	}

	if code := Video(t.Context(), []string{"put", "--endpoint", srv.URL, "--stream", "nope", file}, nil, io.Discard, &errOut); code != 1 ||
		!strings.Contains(errOut.String(), "ResourceNotFoundException") {
		t.Errorf("unknown stream: %d %s", code, errOut.String())
	}
}

// TestVideoFFmpegPipeline runs the README's camera pipeline:
// ffmpeg … -f matroska - | sluice video put --stream cam -
func TestVideoFFmpegPipeline(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_FFMPEG", "ffmpeg not installed")
	}
	srv := testserver.Start(t)
	if _, err := srv.VideoClient().CreateStream(t.Context(), &kv.CreateStreamInput{StreamName: aws.String("cam"), DataRetentionInHours: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	ff := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=25", "-t", "3",
		"-c:v", "libx264", "-g", "25", "-bf", "0", "-f", "matroska", "-live", "1", "-cluster_time_limit", "100000", "-cluster_size_limit", "100000000", "-")
	pipe, err := ff.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := ff.Start(); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	start := time.Now()
	code := Video(t.Context(), []string{"put", "--endpoint", srv.URL, "--stream", "cam", "-"}, pipe, &out, &errOut)
	ff.Wait()
	if code != 0 {
		t.Fatalf("put: %d %s\n%s", code, errOut.String(), out.String())
	}
	if n := strings.Count(out.String(), `"EventType":"PERSISTED"`); n != 3 {
		t.Errorf("%d PERSISTED ACKs in %v, want 3:\n%s", n, time.Since(start), out.String())
	}
}
