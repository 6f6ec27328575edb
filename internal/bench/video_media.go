package bench

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"time"

	"sluice/internal/video/mkv"
)

// The video workloads' media: Matroska made without an encoder, as a
// camera's H.264 would look to PutMedia. One video track (1280x720, the
// codec private data of a real x264 stream, so that HLS and GetClip can
// package it); a fragment is one cluster of -fps frames a second for
// -fragment, a key frame leading it; the frames' sizes add up to -bitrate
// (the key frame keyFrameWeight times the size of the others, as in a
// GOP of one fragment). A frame is an AVCC NAL unit (a 4-byte length, an IDR
// or non-IDR slice header byte) of random bytes: nothing decodes it, and
// random bytes neither compress nor repeat, like encoded video.

// avcPrivate is the AVCDecoderConfigurationRecord of an x264 Main profile
// 1280x720 25 fps stream (ffmpeg -f lavfi -i testsrc=size=1280x720:rate=25
// -c:v libx264 -profile:v main).
var avcPrivate = []byte{
	0x01, 0x4d, 0x40, 0x1f, 0xff, 0xe1, 0x00, 0x19, 0x67, 0x4d, 0x40, 0x1f, 0xd9, 0x00, 0x50, 0x05,
	0xbb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0x20, 0xf1, 0x83, 0x24,
	0x80, 0x01, 0x00, 0x05, 0x68, 0xeb, 0xc3, 0xcb, 0x20,
}

// keyFrameWeight is a key frame's size in other frames'.
const keyFrameWeight = 8

// minFrameBytes is the smallest frame: the NAL unit's length and header
// byte and one byte of slice.
const minFrameBytes = 6

// videoTrack is the synthetic stream's track number.
const videoTrack = 1

// synth makes one producer's Matroska.
type synth struct {
	fps      int
	fragment time.Duration
	sizes    []int  // each frame's bytes, the key frame first
	header   []byte // Header.Raw form
	parsed   *mkv.Header
	pool     []byte // random bytes the frames are cut from
	rng      *rand.Rand
}

// frameSizes splits a fragment's bytes (bitrate/8 a second) over its
// frames: the key frame keyFrameWeight shares, every other frame one, the
// rounding remainder to the last, each at least minFrameBytes.
func frameSizes(bitrate float64, fragment time.Duration, fps int) []int {
	n := max(int(fragment.Seconds()*float64(fps)+0.5), 1)
	total := int(bitrate / 8 * fragment.Seconds())
	share := total / (keyFrameWeight + n - 1)
	sizes := make([]int, n)
	sum := 0
	for i := range sizes {
		w := 1
		if i == 0 {
			w = keyFrameWeight
		}
		sizes[i] = max(share*w, minFrameBytes)
		sum += sizes[i]
	}
	sizes[n-1] = max(sizes[n-1]+total-sum, minFrameBytes)
	return sizes
}

func newSynth(bitrate float64, fragment time.Duration, fps int, seed uint64) (*synth, error) {
	s := &synth{fps: fps, fragment: fragment, sizes: frameSizes(bitrate, fragment, fps), rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	h := &mkv.Header{TimecodeScale: mkv.DefaultTimecodeScale, Tracks: []mkv.Track{{
		Number: videoTrack, UID: 1, Type: mkv.TrackVideo, CodecID: "V_MPEG4/ISO/AVC", CodecPrivate: avcPrivate,
		DefaultDuration: uint64(time.Second) / uint64(fps), PixelWidth: 1280, PixelHeight: 720,
	}}}
	s.header = mkv.AppendHeader(nil, h)
	var err error
	if s.parsed, err = mkv.ParseHeader(s.header); err != nil {
		return nil, fmt.Errorf("the synthetic header: %w", err)
	}
	s.pool = make([]byte, max(1<<20, 2*s.sizes[0]))
	for i := 0; i < len(s.pool); i += 8 {
		binary.LittleEndian.PutUint64(s.pool[i:], s.rng.Uint64())
	}
	return s, nil
}

// frameMillis is frame k's offset in its fragment, in milliseconds (the
// timecode scale's ticks).
func (s *synth) frameMillis(k int) int64 { return int64(k) * 1000 / int64(s.fps) }

// frameAt is frame k's offset in its fragment.
func (s *synth) frameAt(k int) time.Duration {
	return time.Duration(k) * time.Second / time.Duration(s.fps)
}

// cluster returns a fragment's Cluster with timecode tc (ms) and, for
// each frame, where its bytes end in it: writing up to ends[k] when frame k
// is due sends the fragment as an encoder makes it.
func (s *synth) cluster(tc int64) (raw []byte, ends []int, err error) {
	frames := make([]mkv.Frame, len(s.sizes))
	for k, n := range s.sizes {
		data := make([]byte, n)
		binary.BigEndian.PutUint32(data, uint32(n-4))
		data[4] = 0x41 // a non-IDR slice
		if k == 0 {
			data[4] = 0x65 // an IDR slice
		}
		off := s.rng.IntN(len(s.pool) - n + 1)
		copy(data[5:], s.pool[off:off+n-5])
		frames[k] = mkv.Frame{Track: videoTrack, Timecode: tc + s.frameMillis(k), Key: k == 0, Data: data}
	}
	raw = mkv.AppendCluster(make([]byte, 0, s.bytes()+16*len(frames)+32), tc, frames)
	ends, err = frameEnds(raw, s.parsed)
	return raw, ends, err
}

// bytes is a fragment's frame bytes.
func (s *synth) bytes() int {
	n := 0
	for _, b := range s.sizes {
		n += b
	}
	return n
}

// frameEnds returns where each frame's data ends in a cluster: each
// parsed frame's Data is found in raw after the previous one's.
func frameEnds(raw []byte, h *mkv.Header) ([]int, error) {
	c, err := mkv.ParseCluster(raw, h)
	if err != nil {
		return nil, err
	}
	ends := make([]int, len(c.Frames))
	at := 0
	for k, f := range c.Frames {
		i := bytes.Index(raw[at:], f.Data)
		if i < 0 {
			return nil, fmt.Errorf("frame %d not found in its cluster", k)
		}
		at += i + len(f.Data)
		ends[k] = at
	}
	if len(ends) > 0 && ends[len(ends)-1] != len(raw) {
		return nil, fmt.Errorf("the cluster has %d bytes after its last frame", len(raw)-ends[len(ends)-1])
	}
	return ends, nil
}
