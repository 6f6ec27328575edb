package media

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"time"

	"sluice/internal/video/mkv"
)

// sample is one frame of one track on the track's clock.
type sample struct {
	dts    int64 // decode time, track timescale units
	ptsOff int32 // presentation time minus decode time
	dur    uint32
	sync   bool
	data   []byte // AVCC with 4-byte lengths (video) or a raw AAC frame
}

func (sa *sample) pts() int64 { return sa.dts + int64(sa.ptsOff) }

// toUnits converts ticks of scale nanoseconds to units of a clock of
// timescale Hz, rounding to the nearest unit, without overflowing for
// epoch-based timecodes.
func toUnits(ticks int64, scale uint64, timescale uint32) int64 {
	neg := ticks < 0
	u := uint64(ticks)
	if neg {
		u = uint64(-ticks)
	}
	hi, lo := bits.Mul64(u, scale) // nanoseconds
	h, l := bits.Mul64(lo, uint64(timescale))
	h += hi * uint64(timescale)
	l, c := bits.Add64(l, 500_000_000, 0)
	h += c
	if h >= 1_000_000_000 || hi > 1<<32 {
		return 0 // beyond any real clock; never panics
	}
	q, _ := bits.Div64(h, l, 1_000_000_000)
	q &= 1<<63 - 1
	if neg {
		return -int64(q)
	}
	return int64(q)
}

// timing says how to time a track's frames.
type timing struct {
	scale uint64 // ns per tick
	// end is where the segment ends (ticks), when hasEnd.
	end    int64
	hasEnd bool
}

// trackSamples times the frames of track t (frames of other tracks are
// skipped), in the order stored, which for video is decode order.
//
// Video: Matroska timecodes are presentation times. Decode times are the
// presentation times sorted (the i-th frame decodes at the i-th smallest
// presentation time), so a stream without B-frames has DTS = PTS and one
// with B-frames gets a monotonic DTS and signed composition offsets (trun
// and ctts version 1) without any shift: DTS stays the producer's clock and
// continuous across segments made independently. A frame lasts until the
// next frame's DTS; the last one until the segment's end if known, else
// its BlockDuration, the track's nominal frame duration (DefaultDuration or
// the SPS frame rate), or the previous frame's.
//
// Audio: an AAC frame lasts 1024 (or 960) samples; frames follow each other
// from the first one's timecode unless a timecode is more than a frame away
// from where the previous frame ended (a gap), where the clock is set
// again.
func trackSamples(t *Track, frames []mkv.Frame, tm timing) ([]sample, error) {
	var out []sample
	for i := range frames {
		f := &frames[i]
		if f.Track != t.Number {
			continue
		}
		sa := sample{dts: toUnits(f.Timecode, tm.scale, t.Timescale), sync: f.Key || !t.IsVideo(), data: f.Data}
		if t.IsVideo() {
			d, err := toLength4(f.Data, t.lengthSize)
			if err != nil {
				return nil, fmt.Errorf("track %d frame at %d: %w", t.Number, f.Timecode, err)
			}
			sa.data = d
		} else if len(f.Data) == 0 {
			return nil, fmt.Errorf("track %d frame at %d: %w: empty", t.Number, f.Timecode, ErrInvalidFrame)
		}
		out = append(out, sa)
	}
	if len(out) == 0 {
		return nil, nil
	}
	if !t.IsVideo() {
		spf := int64(t.samplesPerFrame)
		for i := 1; i < len(out); i++ {
			want := out[i-1].dts + spf
			if d := out[i].dts - want; d > spf || d < -spf {
				if out[i].dts <= out[i-1].dts {
					out[i].dts = want // never backwards
				}
			} else {
				out[i].dts = want
			}
			out[i-1].dur = uint32(out[i].dts - out[i-1].dts)
		}
		out[len(out)-1].dur = uint32(spf)
		return out, nil
	}
	pts := make([]int64, len(out))
	for i := range out {
		pts[i] = out[i].dts
	}
	sorted := slices.Clone(pts)
	slices.Sort(sorted)
	for i := range out {
		out[i].dts = sorted[i]
		out[i].ptsOff = int32(pts[i] - sorted[i])
	}
	for i := 0; i+1 < len(out); i++ {
		out[i].dur = uint32(out[i+1].dts - out[i].dts)
	}
	last := &out[len(out)-1]
	var dur int64
	switch {
	case tm.hasEnd && toUnits(tm.end, tm.scale, t.Timescale) > last.dts:
		dur = toUnits(tm.end, tm.scale, t.Timescale) - last.dts
	case lastFrameDuration(frames, t.Number) > 0:
		dur = toUnits(lastFrameDuration(frames, t.Number), tm.scale, t.Timescale)
	case t.frameDuration() > 0:
		dur = int64(t.frameDuration()) * int64(t.Timescale) / int64(time.Second)
	case len(out) > 1:
		dur = int64(out[len(out)-2].dur)
	default:
		dur = int64(t.Timescale) / 30
	}
	last.dur = uint32(dur)
	return out, nil
}

// lastFrameDuration is the BlockDuration of track n's last frame.
func lastFrameDuration(frames []mkv.Frame, n uint64) int64 {
	for i := len(frames) - 1; i >= 0; i-- {
		if frames[i].Track == n {
			return frames[i].Duration
		}
	}
	return 0
}

// toLength4 returns a frame of NAL units led by lengths of size bytes with
// 4-byte lengths instead (MP4's avcC and hvcC as mediacommon writes them
// say 4), checking the framing either way.
func toLength4(b []byte, size int) ([]byte, error) {
	nalus, err := splitNALUs(b, size)
	if err != nil {
		return nil, err
	}
	if size == 4 {
		return b, nil
	}
	n := 0
	for _, u := range nalus {
		n += 4 + len(u)
	}
	out := make([]byte, 0, n)
	for _, u := range nalus {
		out = binary.BigEndian.AppendUint32(out, uint32(len(u)))
		out = append(out, u...)
	}
	return out, nil
}
