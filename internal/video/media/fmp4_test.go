package media

import (
	"bytes"
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
