package videoapi_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	kv "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	kvam "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"

	"sluice/internal/testserver"
)

// pbNeedFFmpeg skips a test that needs ffmpeg and ffprobe when they are not
// installed (make test-ffmpeg installs them), or fails it under
// SLUICE_REQUIRE_FFMPEG.
func pbNeedFFmpeg(t *testing.T) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("SLUICE_REQUIRE_FFMPEG") != "" {
				t.Fatalf("%s not installed (make test-ffmpeg installs it)", tool)
			}
			t.Skipf("%s not installed (make test-ffmpeg installs it)", tool)
		}
	}
}

// pbFixture makes an MKV of secs seconds at 25 fps, a key frame (and so a
// fragment) every second: codec "h264", "h264-aac" or "h265", 160x120.
func pbFixture(t *testing.T, codec string, secs int) []byte {
	t.Helper()
	size := "160x120"
	if codec == "h265" {
		size = "320x240" // ffmpeg starts a cluster at a key frame only past 4 KiB
	}
	args := []string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=" + size + ":rate=25"}
	audio := codec == "h264-aac"
	if audio {
		args = append(args, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000")
	}
	args = append(args, "-t", strconv.Itoa(secs), "-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0")
	if codec == "h265" {
		args = append(args, "-c:v", "libx265", "-x265-params", "keyint=25:min-keyint=25:scenecut=0:bframes=0:log-level=error")
	} else {
		args = append(args, "-c:v", "libx264", "-profile:v", "baseline")
	}
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

// pbPut uploads an MKV with PutMedia (RELATIVE timecodes from
// producerStart) and returns the PERSISTED fragment numbers.
func pbPut(t *testing.T, srv *testserver.Server, stream string, producerStart time.Time, body []byte) []string {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/putMedia", io.NopCloser(bytes.NewReader(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = -1
	req.Header.Set("x-amzn-stream-name", stream)
	req.Header.Set("x-amzn-fragment-timecode-type", "RELATIVE")
	req.Header.Set("x-amzn-producer-start-timestamp", fmt.Sprintf("%d.%03d", producerStart.Unix(), producerStart.Nanosecond()/1e6))
	const unsigned = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if err := v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}, req, unsigned, "kinesisvideo", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PutMedia: %s %s", resp.Status, b)
	}
	var persisted []string
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var ack struct{ EventType, FragmentNumber, ErrorCode string }
		if err := json.Unmarshal(sc.Bytes(), &ack); err != nil {
			t.Fatalf("ACK %q: %v", sc.Text(), err)
		}
		switch ack.EventType {
		case "PERSISTED":
			persisted = append(persisted, ack.FragmentNumber)
		case "ERROR":
			t.Fatalf("PutMedia ACK: %s", sc.Text())
		}
	}
	return persisted
}

func pbCreate(t *testing.T, srv *testserver.Server, name string, hours int32) {
	t.Helper()
	if _, err := srv.VideoClient().CreateStream(t.Context(), &kv.CreateStreamInput{StreamName: aws.String(name), DataRetentionInHours: aws.Int32(hours)}); err != nil {
		t.Fatal(err)
	}
}

func pbClient(srv *testserver.Server) *kvam.Client {
	return kvam.NewFromConfig(srv.AWSConfig("us-east-1", "AKIDTEST", "secret"))
}

// probe is what ffprobe says of a URL or file.
type probe struct {
	Format  string  // format_name
	Seconds float64 // format duration
	Streams []probeStream
}

type probeStream struct {
	Codec         string
	Width, Height int
	Frames        int // nb_read_frames (decoded)
}

// ffprobe decodes every frame of src and reports its format and streams.
func ffprobe(t *testing.T, src string) probe {
	t.Helper()
	args := []string{"-v", "error"}
	if strings.Contains(src, ".m3u8") {
		// The HLS demuxer checks segment URLs' extensions, which AWS's
		// query strings hide.
		args = append(args, "-allowed_extensions", "ALL")
	}
	args = append(args, "-count_frames", "-of", "json",
		"-show_entries", "format=format_name,duration:stream=codec_name,width,height,nb_read_frames", src)
	out, err := exec.Command("ffprobe", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", src, err, out)
	}
	var raw struct {
		Format struct {
			FormatName string `json:"format_name"`
			Duration   string
		}
		Streams []struct {
			CodecName    string `json:"codec_name"`
			Width        int
			Height       int
			NbReadFrames string `json:"nb_read_frames"`
		}
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatalf("ffprobe output %s: %v", out, err)
	}
	p := probe{Format: raw.Format.FormatName}
	p.Seconds, _ = strconv.ParseFloat(raw.Format.Duration, 64)
	for _, s := range raw.Streams {
		n, _ := strconv.Atoi(s.NbReadFrames)
		p.Streams = append(p.Streams, probeStream{Codec: s.CodecName, Width: s.Width, Height: s.Height, Frames: n})
	}
	return p
}

func (p probe) stream(codec string) probeStream {
	for _, s := range p.Streams {
		if s.Codec == codec {
			return s
		}
	}
	return probeStream{}
}

// pbGet GETs a URL and returns the answer with its body read.
func pbGet(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// pbWrite saves b in the test's directory.
func pbWrite(t *testing.T, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
