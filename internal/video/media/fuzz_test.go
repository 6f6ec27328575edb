package media

import (
	"testing"

	"sluice/internal/video/mkv"
)

// FuzzCodecPrivate feeds arbitrary codec private data to NewStream as each
// codec's. Properties: it never panics; when it succeeds, the track has a
// codec string, and the init segment and a segment of arbitrary frames are
// made or refused without panicking.
func FuzzCodecPrivate(f *testing.F) {
	// An AVCC record (baseline 160x120), an HVCC-like prefix, an ASC.
	f.Add([]byte{1, 0x42, 0xc0, 0x0b, 0xff, 0xe1, 0, 0x19, 0x67, 0x42, 0xc0, 0x0b, 0xd9, 0x02, 0x83, 0xf2, 0xe1, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x03, 0x00, 0x32, 0x0f, 0x14, 0x2a, 0x48, 0x01, 0, 0x05, 0x68, 0xcb, 0x83, 0xcb, 0x20}, uint8(0), []byte{0, 0, 0, 2, 0x65, 0x88})
	f.Add(append([]byte{1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 30, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 3}, make([]byte, 20)...), uint8(1), []byte{0, 0, 0, 1, 0x26})
	f.Add([]byte{0x11, 0x88}, uint8(2), []byte{0x21, 0x10})
	f.Fuzz(func(t *testing.T, private []byte, kind uint8, frame []byte) {
		ids := []string{"V_MPEG4/ISO/AVC", "V_MPEGH/ISO/HEVC", "A_AAC"}
		h := &mkv.Header{TimecodeScale: mkv.DefaultTimecodeScale, Tracks: []mkv.Track{
			{Number: 1, CodecID: ids[int(kind)%len(ids)], CodecPrivate: private},
		}}
		s, err := NewStream(h)
		if err != nil {
			return
		}
		if len(s.Tracks()) != 1 || s.Tracks()[0].CodecString == "" {
			t.Fatalf("tracks %+v", s.Tracks())
		}
		if _, err := s.InitSegment(); err != nil {
			return
		}
		seg := Segment{Sequence: 1, Frames: []mkv.Frame{{Track: 1, Timecode: 0, Key: true, Data: frame}, {Track: 1, Timecode: 40, Data: frame}}}
		_, _ = s.MediaSegment(seg)
		_, _ = s.TSSegment(seg)
	})
}

// FuzzSplitNALUs: splitNALUs never panics, and what it returns re-encodes
// to the input less its empty units.
func FuzzSplitNALUs(f *testing.F) {
	f.Add([]byte{0, 0, 0, 2, 0x65, 0x88, 0, 0, 0, 1, 0x06}, 4)
	f.Add([]byte{0, 2, 0x65, 0x88}, 2)
	f.Fuzz(func(t *testing.T, b []byte, size int) {
		size = []int{1, 2, 4}[uint(size)%3]
		nalus, err := splitNALUs(b, size)
		if err != nil {
			return
		}
		n := 0
		for _, u := range nalus {
			if len(u) == 0 {
				t.Fatal("empty NAL unit")
			}
			n += size + len(u)
		}
		if n > len(b) {
			t.Fatalf("%d bytes of units from %d", n, len(b))
		}
	})
}

// FuzzToUnits: the clock conversion never panics and is monotonic.
func FuzzToUnits(f *testing.F) {
	f.Add(int64(1_700_000_000_000), uint64(1_000_000), uint32(90000))
	f.Fuzz(func(t *testing.T, ticks int64, scale uint64, ts uint32) {
		if ticks < 0 || ticks == 1<<63-1 {
			return
		}
		a, b := toUnits(ticks, scale, ts), toUnits(ticks+1, scale, ts)
		if b < a && b != 0 {
			t.Fatalf("toUnits(%d)=%d > toUnits(%d)=%d", ticks, a, ticks+1, b)
		}
	})
}
