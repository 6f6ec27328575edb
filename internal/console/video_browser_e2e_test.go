package console_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// TestBrowserVideoFlow walks the Video streams pages in Chromium
// (test/js/video.mjs): Create video stream (name, media type, retention,
// device, a tag) → the stream page → retention increased, then a stale
// version refused and refreshed, then decreased → tags → image generation
// → delete another stream from its page; then media: ffmpeg-made MKV put
// with PutMedia, the fragment timeline (blocks, a gap, paging), a
// thumbnail from GetImages, the range played on demand (hls.js and the
// browser's own HLS) and a live upload played with hls.js, currentTime
// advancing. Then it reads the stream back through the SDK.
func TestBrowserVideoFlow(t *testing.T) {
	browserTools(t)
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.CreateDelay, c.UpdateDelay, c.DeleteDelay = 500*time.Millisecond, 300*time.Millisecond, 300*time.Millisecond
	}))
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_FFMPEG", "ffmpeg is not installed (make test-ffmpeg)")
	}
	runBrowserScript(t, "video.mjs", srv.URL, "video", "FFMPEG="+ffmpeg)

	kv := srv.VideoClient()
	d, err := kv.DescribeStream(t.Context(), &kinesisvideo.DescribeStreamInput{StreamName: aws.String("console-cam")})
	if err != nil {
		t.Fatal(err)
	}
	st := d.StreamInfo
	if aws.ToInt32(st.DataRetentionInHours) != 12 || aws.ToString(st.DeviceName) != "porch-cam" || aws.ToString(st.MediaType) != "video/h264" {
		t.Fatalf("stream: retention %d, device %q, media type %q", aws.ToInt32(st.DataRetentionInHours), aws.ToString(st.DeviceName), aws.ToString(st.MediaType))
	}
	tags, err := kv.ListTagsForStream(t.Context(), &kinesisvideo.ListTagsForStreamInput{StreamName: aws.String("console-cam")})
	if err != nil || len(tags.Tags) != 1 || tags.Tags["team"] != "video" {
		t.Fatalf("tags: %+v, %v", tags, err)
	}
	ig, err := kv.DescribeImageGenerationConfiguration(t.Context(), &kinesisvideo.DescribeImageGenerationConfigurationInput{StreamName: aws.String("console-cam")})
	if err != nil || ig.ImageGenerationConfiguration == nil || ig.ImageGenerationConfiguration.Status != "ENABLED" ||
		aws.ToInt32(ig.ImageGenerationConfiguration.SamplingInterval) != 5000 {
		t.Fatalf("image generation: %+v, %v", ig.ImageGenerationConfiguration, err)
	}
	list, err := kv.ListStreams(t.Context(), &kinesisvideo.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range list.StreamInfoList {
		if aws.ToString(s.StreamName) == "console-cam-scratch" && s.Status != "DELETING" {
			t.Fatalf("the deleted stream is %s", s.Status)
		}
	}
}

// TestBrowserVideoThumbnailUnavailable: on a server without ffmpeg (its
// PATH has none), GetImages is refused, and the stream page shows the
// server's message where the thumbnail would be.
func TestBrowserVideoThumbnailUnavailable(t *testing.T) {
	browserTools(t)
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_FFMPEG", "ffmpeg is not installed (make test-ffmpeg)")
	}
	// PATH: every command of the current one but ffmpeg and ffprobe (the
	// producer in the script runs ffmpeg by its full path).
	bin := t.TempDir()
	for _, dir := range filepath.SplitList(os.Getenv("PATH")) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if n := e.Name(); n != "ffmpeg" && n != "ffprobe" && !strings.HasPrefix(n, ".") {
				os.Symlink(filepath.Join(dir, n), filepath.Join(bin, n)) // the first directory wins, as in PATH
			}
		}
	}
	t.Setenv("PATH", bin)
	if _, err := exec.LookPath("ffmpeg"); err == nil {
		t.Fatal("ffmpeg is still on PATH")
	}
	srv := testserver.Start(t)
	runBrowserScript(t, "video.mjs", srv.URL, "video-no-ffmpeg", "SLUICE_VIDEO_MODE=no-ffmpeg", "FFMPEG="+ffmpeg)
}
