package media

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fileURLs names a session's resources as files in one directory.
type fileURLs struct{}

func (fileURLs) HLSMediaPlaylist(n uint64) string { return fmt.Sprintf("media%d.m3u8", n) }
func (fileURLs) MP4InitFragment(n uint64) string  { return fmt.Sprintf("init%d.mp4", n) }
func (fileURLs) MP4MediaFragment(n uint64, f *Fragment) string {
	return fmt.Sprintf("seg%d-%d.m4s", n, f.Sequence)
}
func (fileURLs) TSFragment(f *Fragment) string     { return fmt.Sprintf("seg-%d.ts", f.Sequence) }
func (fileURLs) DASHMediaTemplate(n uint64) string { return fmt.Sprintf("seg%d-$Number$.m4s", n) }

var base = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// session writes every file of a session over fx's fragments to dir and
// returns the fragments' descriptions.
func (fx *fixture) session(t *testing.T, dir string) []Fragment {
	t.Helper()
	s := fx.stream
	var frags []Fragment
	segs := fx.segments()
	for i, seg := range segs {
		start := firstTimecode(seg.Frames)
		end := seg.End
		if end == 0 { // the last: 2 s in all
			end = start + int64(2*time.Second-s.Duration(start))/int64(s.scale)
		}
		f := Fragment{Number: fmt.Sprintf("%047d", 91343852333181432+i), Sequence: uint64(seg.Sequence), Timecode: start,
			Timestamp: base.Add(s.Duration(start)), Duration: s.Duration(end - start)}
		for _, tr := range s.Tracks() {
			b, err := s.MediaSegment(seg, tr.Number)
			if err != nil {
				t.Fatal(err)
			}
			writeFile(t, dir, fileURLs{}.MP4MediaFragment(tr.Number, &f), b)
			f.Size += int64(len(b))
		}
		ts, err := s.TSSegment(seg)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, fileURLs{}.TSFragment(&f), ts)
		frags = append(frags, f)
	}
	for _, tr := range s.Tracks() {
		b, err := s.InitSegment(tr.Number)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dir, fileURLs{}.MP4InitFragment(tr.Number), b)
	}
	return frags
}

func TestHLSPlays(t *testing.T) {
	for _, name := range []string{"h264aac", "h265aac", "h264"} {
		for _, c := range []ContainerFormat{FragmentedMP4, MPEGTS} {
			t.Run(name+"/"+string(c), func(t *testing.T) {
				fx := loadFixture(t, name)
				dir := t.TempDir()
				frags := fx.session(t, dir)
				o := HLSOptions{Mode: OnDemand, Container: c, Discontinuity: DiscontinuityNever, DisplayFragmentTimestamp: true}
				master := fx.stream.HLSMasterPlaylist(fileURLs{}, o, frags)
				writeFile(t, dir, "master.m3u8", []byte(master))
				for _, tr := range fx.stream.Tracks() {
					writeFile(t, dir, fileURLs{}.HLSMediaPlaylist(tr.Number), []byte(fx.stream.HLSMediaPlaylist(fileURLs{}, tr.Number, o, frags)))
				}
				p := ffprobe(t, filepath.Join(dir, "master.m3u8"))
				if p.Format.FormatName != "hls" {
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
				if t.Failed() {
					t.Logf("master:\n%s", master)
					b, _ := os.ReadFile(filepath.Join(dir, "media1.m3u8"))
					t.Logf("media:\n%s", b)
				}
			})
		}
	}
}

func TestDASHPlays(t *testing.T) {
	for _, name := range []string{"h264aac", "h265aac"} {
		t.Run(name, func(t *testing.T) {
			fx := loadFixture(t, name)
			dir := t.TempDir()
			frags := fx.session(t, dir)
			mpd := fx.stream.DASHManifest(fileURLs{}, DASHOptions{Mode: OnDemand, DisplayFragmentNumber: true, DisplayFragmentTimestamp: true}, frags, base)
			path := writeFile(t, dir, "manifest.mpd", []byte(mpd))
			p := ffprobe(t, path)
			if p.Format.FormatName != "dash" {
				t.Errorf("format %q", p.Format.FormatName)
			}
			if got := p.frames(t, "video"); got != fx.video {
				t.Errorf("video frames = %d, want %d", got, fx.video)
			}
			// Reading both tracks, ffmpeg 5.1's DASH reader stops at the
			// video's end and drops the last AAC frame (past the video by
			// 5 ms); reading the audio alone it gets every one.
			if got := ffprobePackets(t, path, "a").packets(t, "audio"); got != fx.audio {
				t.Errorf("audio packets = %d, want %d", got, fx.audio)
			}
			if t.Failed() {
				t.Logf("mpd:\n%s", mpd)
			}
		})
	}
}
