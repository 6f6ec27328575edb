package media

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"sluice/internal/video/mkv"
)

// The fixtures are made with ffmpeg once per test binary: 2 s, 160x120 at
// 25 frames/s, a key frame every second (so two fragments), AAC at 48 kHz.
var fixtureCmds = map[string][]string{
	"h264aac": {"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", "2", "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
		"-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0", "-c:a", "aac", "-b:a", "64k"},
	"h264": {"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "2", "-c:v", "libx264", "-profile:v", "baseline",
		"-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0"},
	// B-frames: decode order differs from presentation order.
	"h264b": {"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-t", "2", "-c:v", "libx264", "-profile:v", "main",
		"-pix_fmt", "yuv420p", "-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "2", "-x264-params", "open-gop=0"},
	"h265aac": {"-f", "lavfi", "-i", "testsrc=size=160x120:rate=25", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", "2", "-c:v", "libx265", "-pix_fmt", "yuv420p", "-x265-params", "keyint=25:min-keyint=25:scenecut=0:bframes=0:log-level=error",
		"-c:a", "aac", "-b:a", "64k"},
}

var (
	fixtureOnce sync.Once
	fixtureDir  string
	fixtureErr  error
)

// needFFmpeg skips t when ffmpeg or ffprobe is missing.
func needFFmpeg(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"ffmpeg", "ffprobe"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found: run `make test-ffmpeg` (installs Debian's ffmpeg)", tool)
		}
	}
}

// fixture is a stream made with ffmpeg, read with the mkv reader, its
// frames split into fragments at the video key frames.
type fixture struct {
	header    *mkv.Header
	stream    *Stream
	fragments [][]mkv.Frame
	video     int // video frames
	audio     int // audio frames
}

func loadFixture(t testing.TB, name string) *fixture {
	t.Helper()
	needFFmpeg(t)
	fixtureOnce.Do(func() {
		fixtureDir, fixtureErr = os.MkdirTemp("", "sluice-media-fixtures-")
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	path := filepath.Join(fixtureDir, name+".mkv")
	if _, err := os.Stat(path); err != nil {
		args := append([]string{"-v", "error", "-y"}, fixtureCmds[name]...)
		args = append(args, "-f", "matroska", "-live", "1", "-cluster_time_limit", "100000", "-cluster_size_limit", "100000000", path)
		if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil {
			t.Fatalf("ffmpeg %s: %v\n%s", name, err, out)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fx := &fixture{}
	var frames []mkv.Frame
	r := mkv.NewReader(f, mkv.Limits{})
	for {
		h, c, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h != nil && fx.header == nil {
			fx.header = h
		}
		if c != nil {
			frames = append(frames, c.Frames...)
		}
	}
	if fx.stream, err = NewStream(fx.header); err != nil {
		t.Fatal(err)
	}
	fx.fragments = splitAtKeyFrames(frames, fx.stream)
	for _, fr := range frames {
		if fr.Track == 1 {
			fx.video++
		} else {
			fx.audio++
		}
	}
	return fx
}

// splitAtKeyFrames imitates a producer's key-frame fragmentation: a
// fragment per video key frame, audio frames going with the video key frame
// at or before them.
func splitAtKeyFrames(frames []mkv.Frame, s *Stream) [][]mkv.Frame {
	var keys []int64
	for _, f := range frames {
		if f.Track == s.Video.Number && f.Key {
			keys = append(keys, f.Timecode)
		}
	}
	out := make([][]mkv.Frame, len(keys))
	k := -1
	for _, f := range frames {
		if f.Track == s.Video.Number {
			if f.Key {
				k++
			}
			out[max(k, 0)] = append(out[max(k, 0)], f)
			continue
		}
		i := 0
		for i+1 < len(keys) && f.Timecode >= keys[i+1] {
			i++
		}
		out[i] = append(out[i], f)
	}
	return out
}

// firstTimecode is the smallest timecode of a fragment's frames.
func firstTimecode(frames []mkv.Frame) int64 {
	m := frames[0].Timecode
	for _, f := range frames {
		m = min(m, f.Timecode)
	}
	return m
}

// segments makes a Segment of each fragment, End set from the next one.
func (fx *fixture) segments() []Segment {
	var out []Segment
	for i, fr := range fx.fragments {
		seg := Segment{Sequence: uint32(i + 1), Frames: fr}
		if i+1 < len(fx.fragments) {
			seg.End = firstTimecode(fx.fragments[i+1])
		}
		out = append(out, seg)
	}
	return out
}

// probe is what ffprobe tells of a file or URL.
type probe struct {
	Format struct {
		FormatName string `json:"format_name"`
		Duration   string `json:"duration"`
	} `json:"format"`
	Streams []struct {
		CodecName     string `json:"codec_name"`
		CodecType     string `json:"codec_type"`
		Width         int    `json:"width"`
		Height        int    `json:"height"`
		NbReadFrames  string `json:"nb_read_frames"`
		NbReadPackets string `json:"nb_read_packets"`
		Duration      string `json:"duration"`
	} `json:"streams"`
}

func ffprobe(t testing.TB, target string, extra ...string) *probe {
	t.Helper()
	args := append([]string{"-v", "error", "-count_frames", "-print_format", "json",
		"-show_entries", "format=format_name,duration:stream=codec_name,codec_type,width,height,nb_read_frames,duration"}, extra...)
	args = append(args, target)
	cmd := exec.Command("ffprobe", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v\n%s", target, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("ffprobe %s reported errors:\n%s", target, stderr.String())
	}
	var p probe
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("ffprobe output: %v\n%s", err, out)
	}
	return &p
}

// ffprobePackets counts the packets of the streams sel selects (v, a).
func ffprobePackets(t testing.TB, target, sel string) *probe {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-count_packets", "-select_streams", sel, "-print_format", "json",
		"-show_entries", "stream=codec_type,nb_read_packets", target).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", target, err)
	}
	var p probe
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatal(err)
	}
	return &p
}

// frames returns the decoded frame count of the stream of codec type typ.
func (p *probe) frames(t testing.TB, typ string) int {
	t.Helper()
	for _, s := range p.Streams {
		if s.CodecType == typ {
			n, err := strconv.Atoi(s.NbReadFrames)
			if err != nil {
				t.Fatalf("nb_read_frames %q of %s", s.NbReadFrames, typ)
			}
			return n
		}
	}
	return 0
}

// packets returns the packet count of the stream of codec type typ.
func (p *probe) packets(t testing.TB, typ string) int {
	t.Helper()
	for _, s := range p.Streams {
		if s.CodecType == typ {
			n, err := strconv.Atoi(s.NbReadPackets)
			if err != nil {
				t.Fatalf("nb_read_packets %q of %s", s.NbReadPackets, typ)
			}
			return n
		}
	}
	return 0
}

func (p *probe) duration(t testing.TB) float64 {
	t.Helper()
	d, err := strconv.ParseFloat(p.Format.Duration, 64)
	if err != nil {
		t.Fatalf("duration %q", p.Format.Duration)
	}
	return d
}

// decodeCheck decodes target fully with ffmpeg, failing on any error.
func decodeCheck(t testing.TB, target string, extra ...string) {
	t.Helper()
	args := append([]string{"-v", "error", "-xerror"}, extra...)
	args = append(args, "-i", target, "-f", "null", "-")
	if out, err := exec.Command("ffmpeg", args...).CombinedOutput(); err != nil || len(out) > 0 {
		t.Errorf("decoding %s: %v\n%s", target, err, out)
	}
}

func writeFile(t testing.TB, dir, name string, parts ...[]byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, bytes.Join(parts, nil), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func near(a, b, tol float64) bool { return a-b <= tol && b-a <= tol }
