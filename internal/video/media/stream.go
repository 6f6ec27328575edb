package media

import (
	"fmt"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4"

	"sluice/internal/video/mkv"
)

// VideoTimescale is the fMP4 and MPEG-TS clock of video tracks: 90 kHz.
const VideoTimescale = 90000

// Track is one track a Stream packages, with what players are told of it.
type Track struct {
	// Number is the Matroska track number (1 for video, 2 for audio in a
	// stream HLS and DASH can play).
	Number uint64
	Codec  Codec
	// CodecString is RFC 6381's: avc1.PPCCLL, hvc1.…, mp4a.40.2.
	CodecString string
	// Width and Height are the picture size from the SPS (video only).
	Width, Height int
	// FrameRate is from the SPS's timing information, else from the
	// track's DefaultDuration; 0 when neither says (video only).
	FrameRate float64
	// SampleRate and Channels are from the AudioSpecificConfig (audio).
	SampleRate, Channels int
	// Timescale is the track's fMP4 clock: 90 kHz for video, the sample
	// rate for audio.
	Timescale uint32

	// defaultDuration is the Matroska DefaultDuration, 0 if absent.
	defaultDuration time.Duration
	// lengthSize is the NAL unit length size of frames (video).
	lengthSize    int
	vps, sps, pps [][]byte
	asc           mpeg4audio.AudioSpecificConfig
	// samplesPerFrame is 1024 (or 960) for AAC.
	samplesPerFrame int
}

// IsVideo tells whether t is a video track.
func (t *Track) IsVideo() bool { return t.Codec == H264 || t.Codec == H265 }

// frameDuration is the nominal duration of one frame of t, 0 if unknown.
func (t *Track) frameDuration() time.Duration {
	if t.Codec == AAC && t.SampleRate > 0 {
		return time.Duration(t.samplesPerFrame) * time.Second / time.Duration(t.SampleRate)
	}
	if t.defaultDuration > 0 {
		return t.defaultDuration
	}
	if t.FrameRate > 0 {
		return time.Duration(float64(time.Second) / t.FrameRate)
	}
	return 0
}

func (t *Track) mp4Codec() mp4.Codec {
	switch t.Codec {
	case H264:
		return &mp4.CodecH264{SPS: t.sps[0], PPS: t.pps[0]}
	case H265:
		return &mp4.CodecH265{VPS: t.vps[0], SPS: t.sps[0], PPS: t.pps[0]}
	default:
		return &mp4.CodecMPEG4Audio{Config: t.asc}
	}
}

// Stream is what a playback session packages: a Kinesis Video stream's
// header, checked and with its codec parameters parsed. It is immutable and
// safe for concurrent use.
type Stream struct {
	// Video is the video track (the header's track 1); nil for an
	// audio-only stream.
	Video *Track
	// Audio is the AAC track, nil if there is none.
	Audio *Track
	// scale is the header's TimecodeScale: nanoseconds per tick.
	scale uint64
}

// NewStream checks h the way Kinesis Video's HLS, DASH and GetClip do and
// parses its codec private data: track 1 must be H.264 or H.265 with AVCC
// or HVCC codec private data (or AAC for an audio-only stream); a second
// track, if any, AAC with an AudioSpecificConfig. Other tracks are ignored.
// Errors wrap ErrUnsupportedMedia, ErrMissingCodecPrivate or
// ErrInvalidCodecPrivate.
func NewStream(h *mkv.Header) (*Stream, error) {
	if h == nil || len(h.Tracks) == 0 {
		return nil, fmt.Errorf("%w: no tracks", ErrUnsupportedMedia)
	}
	s := &Stream{scale: h.TimecodeScale}
	if s.scale == 0 {
		s.scale = mkv.DefaultTimecodeScale
	}
	first := h.Track(1)
	if first == nil {
		first = &h.Tracks[0]
	}
	t, err := newTrack(first)
	if err != nil {
		return nil, err
	}
	if t.IsVideo() {
		s.Video = t
	} else {
		s.Audio = t
	}
	if s.Video != nil {
		for i := range h.Tracks {
			tr := &h.Tracks[i]
			if tr.Number == first.Number || codecOf(tr.CodecID) != AAC {
				continue
			}
			if s.Audio, err = newTrack(tr); err != nil {
				return nil, err
			}
			break
		}
	}
	return s, nil
}

func newTrack(mt *mkv.Track) (*Track, error) {
	t := &Track{Number: mt.Number, Codec: codecOf(mt.CodecID), defaultDuration: time.Duration(mt.DefaultDuration)}
	if t.Codec == 0 {
		return nil, fmt.Errorf("%w: track %d has codec %q", ErrUnsupportedMedia, mt.Number, mt.CodecID)
	}
	if len(mt.CodecPrivate) == 0 {
		return nil, fmt.Errorf("%w: track %d", ErrMissingCodecPrivate, mt.Number)
	}
	switch t.Codec {
	case H264:
		c, err := parseAVCC(mt.CodecPrivate)
		if err != nil {
			return nil, fmt.Errorf("%w: track %d: %v", ErrInvalidCodecPrivate, mt.Number, err)
		}
		_, p, err := parseH264SPS(c.sps[0])
		if err != nil {
			return nil, fmt.Errorf("%w: track %d: %v", ErrInvalidCodecPrivate, mt.Number, err)
		}
		t.lengthSize, t.sps, t.pps = c.lengthSize, c.sps, c.pps
		t.CodecString = avcCodecString(c.sps[0])
		t.Width, t.Height, t.FrameRate = p.width, p.height, p.fps
	case H265:
		c, err := parseHVCC(mt.CodecPrivate)
		if err != nil {
			return nil, fmt.Errorf("%w: track %d: %v", ErrInvalidCodecPrivate, mt.Number, err)
		}
		_, p, err := parseH265SPS(c.sps[0])
		if err != nil {
			return nil, fmt.Errorf("%w: track %d: %v", ErrInvalidCodecPrivate, mt.Number, err)
		}
		t.lengthSize, t.vps, t.sps, t.pps = c.lengthSize, c.vps, c.sps, c.pps
		t.CodecString = hevcCodecString(c.ptl)
		t.Width, t.Height, t.FrameRate = p.width, p.height, p.fps
	case AAC:
		if err := unmarshalASC(&t.asc, mt.CodecPrivate); err != nil {
			return nil, fmt.Errorf("%w: track %d: %v", ErrInvalidCodecPrivate, mt.Number, err)
		}
		t.CodecString = aacCodecString(&t.asc)
		t.SampleRate, t.Channels = t.asc.SampleRate, t.asc.ChannelCount
		t.Timescale = uint32(t.asc.SampleRate)
		t.samplesPerFrame = 1024
		if t.asc.FrameLengthFlag {
			t.samplesPerFrame = 960
		}
		return t, nil
	}
	if t.FrameRate <= 0 && t.defaultDuration > 0 {
		t.FrameRate = float64(time.Second) / float64(t.defaultDuration)
	}
	t.Timescale = VideoTimescale
	return t, nil
}

func unmarshalASC(c *mpeg4audio.AudioSpecificConfig, b []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("AudioSpecificConfig: %v", r)
		}
	}()
	if err = c.Unmarshal(b); err != nil {
		return err
	}
	if c.SampleRate <= 0 || c.ChannelCount <= 0 {
		return fmt.Errorf("AudioSpecificConfig: sample rate %d, %d channels", c.SampleRate, c.ChannelCount)
	}
	return nil
}

// Tracks returns the stream's tracks, video first.
func (s *Stream) Tracks() []*Track {
	var out []*Track
	if s.Video != nil {
		out = append(out, s.Video)
	}
	if s.Audio != nil {
		out = append(out, s.Audio)
	}
	return out
}

// Track returns the track numbered n, or nil.
func (s *Stream) Track(n uint64) *Track {
	for _, t := range s.Tracks() {
		if t.Number == n {
			return t
		}
	}
	return nil
}

// Codecs is the CODECS attribute of an HLS variant: the tracks' RFC 6381
// strings, comma-separated.
func (s *Stream) Codecs() string {
	out := ""
	for i, t := range s.Tracks() {
		if i > 0 {
			out += ","
		}
		out += t.CodecString
	}
	return out
}

// Duration converts a Matroska timecode (ticks) to a duration.
func (s *Stream) Duration(ticks int64) time.Duration {
	return time.Duration(ticks) * time.Duration(s.scale)
}
