package media

import (
	"testing"
)

func TestTSSegments(t *testing.T) {
	for _, name := range []string{"h264aac", "h264", "h264b", "h265aac"} {
		t.Run(name, func(t *testing.T) {
			fx := loadFixture(t, name)
			var parts [][]byte
			for _, seg := range fx.segments() {
				b, err := fx.stream.TSSegment(seg)
				if err != nil {
					t.Fatal(err)
				}
				if len(b)%tsPacketSize != 0 {
					t.Fatalf("segment of %d bytes", len(b))
				}
				checkContinuity(t, b, seg.Sequence)
				parts = append(parts, b)
			}
			path := writeFile(t, t.TempDir(), "all.ts", parts...)
			p := ffprobe(t, path)
			if p.Format.FormatName != "mpegts" {
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

// checkContinuity checks that each PES PID's counters run 0…15 and end on
// a multiple of 16, and that the PAT and PMT carry the sequence number.
func checkContinuity(t *testing.T, b []byte, seq uint32) {
	t.Helper()
	next := map[int]int{}
	for off := 0; off < len(b); off += tsPacketSize {
		p := b[off : off+tsPacketSize]
		if p[0] != 0x47 {
			t.Fatalf("no sync byte at %d", off)
		}
		pid := int(p[1]&0x1f)<<8 | int(p[2])
		cc := int(p[3] & 0xf)
		if pid == pidPAT || pid == pidPMT {
			if cc != int(seq&0xf) {
				t.Errorf("PID %#x CC %d, want %d", pid, cc, seq&0xf)
			}
			continue
		}
		if cc != next[pid] {
			t.Fatalf("PID %#x CC %d at %d, want %d", pid, cc, off, next[pid])
		}
		next[pid] = (cc + 1) & 0xf
	}
	for pid, n := range next {
		if n != 0 {
			t.Errorf("PID %#x ends before CC %d, not 0", pid, n)
		}
	}
}
