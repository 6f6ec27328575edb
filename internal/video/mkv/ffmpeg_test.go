package mkv

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "remake testdata/*.mkv with ffmpeg")

// ffmpegArgs make the fixtures: 2 s of 160x120 H.264 at 25 fps, a key frame
// every second, one cluster per key frame, written to a pipe as a live
// stream (a Segment of unknown size), optionally with AAC audio.
func ffmpegArgs(audio bool) []string {
	args := []string{"-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=25"}
	if audio {
		args = append(args, "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000")
	}
	args = append(args, "-t", "2", "-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p",
		"-g", "25", "-keyint_min", "25", "-sc_threshold", "0", "-bf", "0")
	if audio {
		args = append(args, "-c:a", "aac", "-b:a", "32k")
	}
	return append(args, "-fflags", "+bitexact", "-f", "matroska", "-live", "1",
		"-cluster_time_limit", "100000", "-cluster_size_limit", "100000000", "-")
}

var fixtures = []struct {
	file   string
	audio  bool
	frames [3]int // per track number
}{
	{"h264.mkv", false, [3]int{0, 50, 0}},
	{"h264-aac.mkv", true, [3]int{0, 50, 95}},
}

func fixture(t *testing.T, file string, audio bool) []byte {
	t.Helper()
	path := filepath.Join("testdata", file)
	if *rewrite {
		if _, err := exec.LookPath("ffmpeg"); err != nil {
			t.Skip("-rewrite needs ffmpeg")
		}
		out, err := exec.Command("ffmpeg", ffmpegArgs(audio)...).Output()
		if err != nil {
			t.Fatalf("ffmpeg: %v", err)
		}
		if err := os.WriteFile(path, out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFFmpegFixtures reads what ffmpeg writes: tracks, clusters led by key
// frames, every frame; and the same clusters rewritten with unknown sizes.
func TestFFmpegFixtures(t *testing.T) {
	for _, fx := range fixtures {
		t.Run(fx.file, func(t *testing.T) {
			body := fixture(t, fx.file, fx.audio)
			var starts []int64
			items, err := readAll(&chunkReader{body, 1000}, Limits{OnClusterStart: func(tc int64) { starts = append(starts, tc) }})
			if err != nil {
				t.Fatal(err)
			}
			h := items[0].h
			if h == nil || h.TimecodeScale != DefaultTimecodeScale {
				t.Fatalf("first item %+v, want a header with millisecond ticks", items[0])
			}
			v := h.FirstTrack(TrackVideo)
			if v == nil || v.Number != 1 || v.CodecID != "V_MPEG4/ISO/AVC" || len(v.CodecPrivate) < 7 || v.CodecPrivate[0] != 1 ||
				v.PixelWidth != 160 || v.PixelHeight != 120 || v.DefaultDuration != 40_000_000 {
				t.Errorf("video track %+v", v)
			}
			if a := h.FirstTrack(TrackAudio); fx.audio && (a == nil || a.CodecID != "A_AAC" || a.SamplingFrequency != 48000 || len(a.CodecPrivate) == 0) {
				t.Errorf("audio track %+v", a)
			}
			if len(h.Tracks) != map[bool]int{false: 1, true: 2}[fx.audio] {
				t.Errorf("%d tracks", len(h.Tracks))
			}
			var frames [3]int
			var last int64 = -1
			for i, it := range items[1:] {
				c := it.c
				if c == nil {
					t.Fatalf("item %d is not a cluster", i+1)
				}
				if !c.StartsWithKeyFrame(1) {
					t.Errorf("cluster %d does not start with a key frame", i)
				}
				if !bytes.Contains(body, c.Raw) {
					t.Errorf("cluster %d: Raw is not the bytes ffmpeg wrote", i)
				}
				if c.Timecode != starts[i] {
					t.Errorf("cluster %d: timecode %d, OnClusterStart(%d)", i, c.Timecode, starts[i])
				}
				first := true
				for _, f := range c.Frames {
					frames[f.Track]++
					if f.Track == 1 {
						if f.Timecode <= last {
							t.Errorf("video frame at %d after %d", f.Timecode, last)
						}
						last = f.Timecode
						if f.Key != first {
							t.Errorf("video frame at %d: key %v", f.Timecode, f.Key)
						}
						first = false
					}
				}
				if d := c.Duration(h); d < 960 || d > 1100 {
					t.Errorf("cluster %d lasts %d ms", i, d)
				}
				// The same cluster with an unknown size, as a live producer may
				// send it, reads back to the same Raw and frames.
				again := mustReadAll(t, append(append(append([]byte{}, h.Raw...), unknownSized(c.Raw)...), AppendTags(nil, []SimpleTag{{"a", "b"}})...))
				if !bytes.Equal(again[1].c.Raw, c.Raw) || !sameFrames(again[1].c.Frames, c.Frames) {
					t.Errorf("cluster %d read with an unknown size differs", i)
				}
			}
			if len(items) != 3 {
				t.Errorf("%d clusters, want 2", len(items)-1)
			}
			if frames != fx.frames {
				t.Errorf("frames per track %v, want %v", frames, fx.frames)
			}
		})
	}
}

// TestFFmpegPipe streams a fresh ffmpeg's output through the Reader as it
// is produced.
func TestFFmpegPipe(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed")
	}
	cmd := exec.Command("ffmpeg", ffmpegArgs(true)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	items, err := readAll(out, Limits{})
	if werr := cmd.Wait(); werr != nil {
		t.Fatalf("ffmpeg: %v", werr)
	}
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, it := range items {
		if it.c != nil {
			n += len(it.c.Frames)
			if !it.c.StartsWithKeyFrame(1) {
				t.Errorf("cluster at %d does not start with a key frame", it.c.Timecode)
			}
		}
	}
	if n != 145 {
		t.Errorf("%d frames, want 145", n)
	}
}

// TestFFprobeReadsGetMediaChunks checks ffprobe decodes what GetMedia would
// send for the fixture: header, tags, cluster and tags, again and again.
func TestFFprobeReadsGetMediaChunks(t *testing.T) {
	if _, err := exec.LookPath("ffprobe"); err != nil {
		t.Skip("ffprobe not installed")
	}
	body := fixture(t, "h264-aac.mkv", true)
	items := mustReadAll(t, body)
	var chunks bytes.Buffer
	for i, it := range items[1:] {
		number := []SimpleTag{{TagFragmentNumber, strings.Repeat("9", 46) + string(rune('0'+i))}}
		if _, err := WriteChunk(&chunks, items[0].h.Raw, number, it.c.Raw, []SimpleTag{{TagMillisBehindNow, "0"}}); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "getmedia.mkv")
	if err := os.WriteFile(path, chunks.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames",
		"-show_entries", "format=format_name", "-of", "compact", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	got := string(out)
	for _, want := range []string{"codec_name=h264|nb_read_frames=50", "codec_name=aac|nb_read_frames=95", "format_name=matroska,webm"} {
		if !strings.Contains(got, want) {
			t.Errorf("ffprobe says %q, want %q in it", got, want)
		}
	}
	// A header made by AppendHeader from the tracks read, with a Tags
	// element before the cluster: ffprobe decodes the cluster and shows the
	// tags as format tags.
	h := items[0].h
	var one []byte
	one = AppendHeader(one, &Header{TimecodeScale: h.TimecodeScale, Tracks: h.Tracks})
	one = AppendTags(one, []SimpleTag{{TagFragmentNumber, "12345"}})
	one = append(one, items[1].c.Raw...)
	if err := os.WriteFile(path, one, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err = exec.Command("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_name,nb_read_frames",
		"-show_entries", "format_tags", "-of", "compact", path).Output()
	got = string(out)
	for _, want := range []string{"codec_name=h264|nb_read_frames=25", "codec_name=aac|nb_read_frames=47", "AWS_KINESISVIDEO_FRAGMENT_NUMBER=12345"} {
		if err != nil || !strings.Contains(got, want) {
			t.Errorf("ffprobe says %q, %v; want %q in it", got, err, want)
		}
	}
}
