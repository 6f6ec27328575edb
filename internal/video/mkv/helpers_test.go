package mkv

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// testHeader has a video track 1 and an AAC track 2, as KVS producers send.
func testHeader() *Header {
	h := &Header{
		TimecodeScale: DefaultTimecodeScale,
		Tracks: []Track{
			{Number: 1, UID: 1, Type: TrackVideo, Name: "video", CodecID: "V_MPEG4/ISO/AVC",
				CodecPrivate:    []byte{0x01, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0x00, 0x04, 0x67, 0x42, 0xC0, 0x1E},
				DefaultDuration: 40_000_000, PixelWidth: 160, PixelHeight: 120},
			{Number: 2, UID: 2, Type: TrackAudio, CodecID: "A_AAC", CodecPrivate: []byte{0x12, 0x10},
				DefaultDuration: 21_333_333, SamplingFrequency: 48000, Channels: 2},
		},
	}
	h.Raw = AppendHeader(nil, h)
	return h
}

// testFrames makes n video frames 40 ticks apart from tc, the first a key
// frame, interleaved with an audio frame each, the audio in BlockGroups
// with a duration every other one.
func testFrames(tc int64, n int, size int) []Frame {
	var fs []Frame
	for i := range n {
		data := bytes.Repeat([]byte{byte(i + 1)}, size)
		fs = append(fs, Frame{Track: 1, Timecode: tc + int64(40*i), Key: i == 0, Data: data})
		a := Frame{Track: 2, Timecode: tc + int64(40*i+5), Key: true, Data: []byte{0xAA, byte(i)}}
		if i%2 == 1 {
			a.Duration = 21
		}
		fs = append(fs, a)
	}
	return fs
}

// item is one Next result.
type item struct {
	h *Header
	c *Cluster
}

// readAll reads r to its end: the items and the error that ended them
// (nil for io.EOF).
func readAll(r io.Reader, l Limits) ([]item, error) {
	mr := NewReader(r, l)
	var items []item
	for {
		h, c, err := mr.Next()
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return items, err
		}
		if (h == nil) == (c == nil) {
			panic("Next returned not exactly one of Header and Cluster")
		}
		items = append(items, item{h, c})
	}
}

func mustReadAll(t testing.TB, b []byte) []item {
	t.Helper()
	items, err := readAll(bytes.NewReader(b), Limits{})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return items
}

// sameFrames compares frames field by field.
func sameFrames(a, b []Frame) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Track != y.Track || x.Timecode != y.Timecode || x.Duration != y.Duration || x.Key != y.Key || !bytes.Equal(x.Data, y.Data) {
			return false
		}
	}
	return true
}

func sameTracks(a, b []Track) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Number != y.Number || x.UID != y.UID || x.Type != y.Type || x.Name != y.Name || x.CodecID != y.CodecID ||
			!bytes.Equal(x.CodecPrivate, y.CodecPrivate) || x.DefaultDuration != y.DefaultDuration ||
			x.PixelWidth != y.PixelWidth || x.PixelHeight != y.PixelHeight ||
			(x.SamplingFrequency != y.SamplingFrequency && x.SamplingFrequency == x.SamplingFrequency) || x.Channels != y.Channels {
			return false
		}
	}
	return true
}

// chunkReader returns at most n bytes per Read.
type chunkReader struct {
	b []byte
	n int
}

func (r *chunkReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	k := copy(p[:min(len(p), r.n)], r.b)
	r.b = r.b[k:]
	return k, nil
}

// unknownSized rewrites the size of the element at the start of b as
// unknown (8 bytes).
func unknownSized(b []byte) []byte {
	_, n := parseID(b)
	_, m := parseVint(b[n:])
	out := append([]byte{}, b[:n]...)
	out = append(out, unknownSizeBytes[:]...)
	return append(out, b[n+m:]...)
}

func asError(t testing.TB, err error) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not an *Error", err, err)
	}
	return e
}
