package media

import (
	"bytes"
	"fmt"
	"math"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestFMP4PlaysBackToBack(t *testing.T) {
	for _, name := range []string{"h264aac", "h264", "h264b", "h265aac"} {
		t.Run(name, func(t *testing.T) {
			fx := loadFixture(t, name)
			dir := t.TempDir()
			init, err := fx.stream.InitSegment()
			if err != nil {
				t.Fatal(err)
			}
			parts := [][]byte{init}
			for _, seg := range fx.segments() {
				b, err := fx.stream.MediaSegment(seg)
				if err != nil {
					t.Fatal(err)
				}
				parts = append(parts, b)
			}
			path := writeFile(t, dir, "all.mp4", parts...)
			p := ffprobe(t, path)
			if got := p.frames(t, "video"); got != fx.video {
				t.Errorf("video frames = %d, want %d", got, fx.video)
			}
			if got := p.frames(t, "audio"); got != fx.audio {
				t.Errorf("audio frames = %d, want %d", got, fx.audio)
			}
			if d := p.duration(t); !near(d, 2.0, 0.1) {
				t.Errorf("duration = %v, want 2", d)
			}
			decodeCheck(t, path)
		})
	}
}

func TestFMP4PerTrack(t *testing.T) {
	fx := loadFixture(t, "h264aac")
	for _, track := range []uint64{1, 2} {
		init, err := fx.stream.InitSegment(track)
		if err != nil {
			t.Fatal(err)
		}
		parts := [][]byte{init}
		for _, seg := range fx.segments() {
			b, err := fx.stream.MediaSegment(seg, track)
			if err != nil {
				t.Fatal(err)
			}
			parts = append(parts, b)
		}
		p := ffprobe(t, writeFile(t, t.TempDir(), "track.mp4", parts...))
		if len(p.Streams) != 1 {
			t.Fatalf("track %d: %d streams", track, len(p.Streams))
		}
		want := map[uint64]int{1: fx.video, 2: fx.audio}[track]
		if got := p.frames(t, p.Streams[0].CodecType); got != want {
			t.Errorf("track %d: %d frames, want %d", track, got, want)
		}
	}
}

func TestClip(t *testing.T) {
	for _, name := range []string{"h264aac", "h264b", "h265aac"} {
		t.Run(name, func(t *testing.T) {
			fx := loadFixture(t, name)
			var all Segment
			for _, fr := range fx.fragments {
				all.Frames = append(all.Frames, fr...)
			}
			var buf bytes.Buffer
			if err := fx.stream.WriteClip(&buf, all); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes()[4:8], []byte("ftyp")) || bytes.Contains(buf.Bytes()[:200], []byte("moof")) {
				t.Fatal("not a progressive MP4")
			}
			path := writeFile(t, t.TempDir(), "clip.mp4", buf.Bytes())
			p := ffprobe(t, path)
			if p.Format.FormatName != "mov,mp4,m4a,3gp,3g2,mj2" {
				t.Errorf("format %q", p.Format.FormatName)
			}
			if got := p.frames(t, "video"); got != fx.video {
				t.Errorf("video frames = %d, want %d", got, fx.video)
			}
			if got := p.frames(t, "audio"); got != fx.audio {
				t.Errorf("audio frames = %d, want %d", got, fx.audio)
			}
			if d := p.duration(t); !near(d, 2.0, 0.1) {
				t.Errorf("duration = %v, want 2", d)
			}
			decodeCheck(t, path)
		})
	}
}

// TestPresentationTimes checks that with B-frames every frame keeps its
// Matroska presentation time, in fMP4 and in MPEG-TS, and that DTS never
// passes PTS.
func TestPresentationTimes(t *testing.T) {
	fx := loadFixture(t, "h264b")
	want := map[int64]bool{}
	reordered := false
	var prev int64 = -1
	for _, fr := range fx.fragments {
		for _, f := range fr {
			want[f.Timecode] = true
			if f.Timecode < prev {
				reordered = true
			}
			prev = f.Timecode
		}
	}
	if !reordered {
		t.Fatal("fixture has no B-frames")
	}
	init, _ := fx.stream.InitSegment()
	mp4 := [][]byte{init}
	var ts [][]byte
	for _, seg := range fx.segments() {
		m, err := fx.stream.MediaSegment(seg)
		if err != nil {
			t.Fatal(err)
		}
		mp4 = append(mp4, m)
		b, err := fx.stream.TSSegment(seg)
		if err != nil {
			t.Fatal(err)
		}
		ts = append(ts, b)
	}
	dir := t.TempDir()
	for _, path := range []string{writeFile(t, dir, "b.mp4", mp4...), writeFile(t, dir, "b.ts", ts...)} {
		out, err := exec.Command("ffprobe", "-v", "error", "-select_streams", "v", "-show_entries", "packet=pts_time,dts_time", "-of", "csv=p=0", path).Output()
		if err != nil {
			t.Fatal(err)
		}
		var pts []int64
		for _, line := range strings.Fields(string(out)) {
			var p, d float64
			if _, err := fmt.Sscanf(strings.Replace(line, ",", " ", 1), "%g %g", &p, &d); err != nil {
				t.Fatalf("%q: %v", line, err)
			}
			if d > p+1e-9 {
				t.Errorf("%s: DTS %v after PTS %v", path, d, p)
			}
			pts = append(pts, int64(math.Round(p*1000)))
		}
		if len(pts) != len(want) {
			t.Fatalf("%s: %d frames, want %d", path, len(pts), len(want))
		}
		base := slices.Min(pts) - minKey(want)
		for _, p := range pts {
			if !want[p-base] {
				t.Errorf("%s: PTS %d ms is no frame's timecode", path, p-base)
			}
		}
	}
}

func minKey(m map[int64]bool) int64 {
	first := true
	var v int64
	for k := range m {
		if first || k < v {
			v, first = k, false
		}
	}
	return v
}
