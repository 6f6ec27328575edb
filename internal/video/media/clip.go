package media

import (
	"fmt"
	"io"
	"math"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/pmp4"
)

// ClipContentType is the Content-Type of WriteClip's output.
const ClipContentType = "video/mp4"

// WriteClip writes GetClip's output to w: a progressive ("traditional",
// as AWS's GetClip reference puts it) MP4 — ftyp, moov with complete sample
// tables, then one mdat — of seg's frames, all tracks. Its timeline starts
// at zero at the earliest frame; a track starting later gets an edit list
// that delays it. The moov is written before any media, and the frames are
// copied as they are (they are not held twice).
func (s *Stream) WriteClip(w io.Writer, seg Segment) error {
	tm := timing{scale: s.scale, end: seg.End, hasEnd: seg.End != 0}
	type trackSamplesOf struct {
		t       *Track
		samples []sample
	}
	var all []trackSamplesOf
	start := int64(math.MaxInt64) // the clip's start, in nanoseconds
	for _, t := range s.Tracks() {
		samples, err := trackSamples(t, seg.Frames, tm)
		if err != nil {
			return err
		}
		if len(samples) == 0 {
			continue
		}
		all = append(all, trackSamplesOf{t, samples})
		first := samples[0].dts
		for _, sa := range samples {
			first = min(first, sa.pts())
		}
		start = min(start, unitsToNanos(first, t.Timescale))
	}
	if len(all) == 0 {
		return fmt.Errorf("media: clip has no frames")
	}
	p := pmp4.Presentation{}
	for _, ts := range all {
		t := ts.t
		firstPTS := ts.samples[0].dts
		for _, sa := range ts.samples {
			firstPTS = min(firstPTS, sa.pts())
		}
		// The track's media time 0 is its first decode time; its first
		// picture is shown at firstPTS; the clip starts at start.
		off := toUnits(unitsToNanos(firstPTS, t.Timescale)-start, 1, t.Timescale) - (firstPTS - ts.samples[0].dts)
		pt := &pmp4.Track{ID: int(t.Number), TimeScale: t.Timescale, TimeOffset: int32(off), Codec: t.mp4Codec()}
		for i := range ts.samples {
			sa := &ts.samples[i]
			data := sa.data
			pt.Samples = append(pt.Samples, &pmp4.Sample{
				Duration:        sa.dur,
				PTSOffset:       sa.ptsOff,
				IsNonSyncSample: !sa.sync,
				PayloadSize:     uint32(len(data)),
				GetPayload:      func() ([]byte, error) { return data, nil },
			})
		}
		p.Tracks = append(p.Tracks, pt)
	}
	if err := p.Marshal(w); err != nil {
		return fmt.Errorf("media: clip: %w", err)
	}
	return nil
}

// unitsToNanos converts units of a timescale Hz clock to nanoseconds.
func unitsToNanos(u int64, timescale uint32) int64 {
	return u/int64(timescale)*1e9 + u%int64(timescale)*1e9/int64(timescale)
}
