package media

import (
	"fmt"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"

	"sluice/internal/video/mkv"
)

// Segment is the frames a media segment (an fMP4 fragment, a TS segment, a
// clip) is made of: one or more Kinesis Video fragments' frames, in the
// order stored.
type Segment struct {
	// Sequence is the fMP4 fragment's sequence number (mfhd); a session
	// numbers its segments 1, 2, … (or by the fragment index's counter) so
	// players see them continue. TS segments use it for the continuity
	// counters of their PAT and PMT.
	Sequence uint32
	Frames   []mkv.Frame
	// End, if not zero, is where the segment ends in ticks: the timecode of
	// the frame after it (the next fragment's first). It makes the last
	// frame's duration exact; without it the duration is the frame's
	// BlockDuration, the nominal frame duration or the previous frame's.
	End int64
}

// selectTracks returns the tracks numbered in nums, or all when nums is
// empty.
func (s *Stream) selectTracks(nums []uint64) ([]*Track, error) {
	if len(nums) == 0 {
		return s.Tracks(), nil
	}
	var out []*Track
	for _, n := range nums {
		t := s.Track(n)
		if t == nil {
			return nil, fmt.Errorf("media: no track %d", n)
		}
		out = append(out, t)
	}
	return out, nil
}

// InitSegment returns the fMP4 initialization segment (ftyp and moov with
// one trak and trex per track) of the tracks numbered tracks, all of them
// when none is given. fMP4 track IDs are the Matroska track numbers. AWS's
// HLS serves one init segment per track (TrackNumber), its DASH the same.
func (s *Stream) InitSegment(tracks ...uint64) ([]byte, error) {
	ts, err := s.selectTracks(tracks)
	if err != nil {
		return nil, err
	}
	init := fmp4.Init{}
	for _, t := range ts {
		init.Tracks = append(init.Tracks, &fmp4.InitTrack{ID: int(t.Number), TimeScale: t.Timescale, Codec: t.mp4Codec()})
	}
	var buf seekablebuffer.Buffer
	if err := init.Marshal(&buf); err != nil {
		return nil, fmt.Errorf("media: init segment: %w", err)
	}
	return buf.Bytes(), nil
}

// styp is the segment type box that leads each media segment: major brand
// msdh, compatible msdh and msix (ISO/IEC 23009-1 6.3.4.2).
var styp = []byte{
	0, 0, 0, 24, 's', 't', 'y', 'p',
	'm', 's', 'd', 'h', 0, 0, 0, 0,
	'm', 's', 'd', 'h', 'm', 's', 'i', 'x',
}

// MediaSegment returns an fMP4 media segment (styp, moof, mdat) of seg's
// frames for the tracks numbered tracks (all when none is given): one traf
// per track with a tfdt on the producer's clock, so segments made one at a
// time play back to back. A track without frames in seg is left out.
func (s *Stream) MediaSegment(seg Segment, tracks ...uint64) ([]byte, error) {
	ts, err := s.selectTracks(tracks)
	if err != nil {
		return nil, err
	}
	part := fmp4.Part{SequenceNumber: seg.Sequence}
	tm := timing{scale: s.scale, end: seg.End, hasEnd: seg.End != 0}
	for _, t := range ts {
		samples, err := trackSamples(t, seg.Frames, tm)
		if err != nil {
			return nil, err
		}
		if len(samples) == 0 {
			continue
		}
		pt := &fmp4.PartTrack{ID: int(t.Number), BaseTime: uint64(max(samples[0].dts, 0))}
		for i := range samples {
			sa := &samples[i]
			pt.Samples = append(pt.Samples, &fmp4.Sample{
				Duration:        sa.dur,
				PTSOffset:       sa.ptsOff,
				IsNonSyncSample: !sa.sync,
				Payload:         sa.data,
			})
		}
		part.Tracks = append(part.Tracks, pt)
	}
	if len(part.Tracks) == 0 {
		return nil, fmt.Errorf("media: segment %d has no frames of the tracks asked for", seg.Sequence)
	}
	var buf seekablebuffer.Buffer
	if _, err := buf.Write(styp); err != nil {
		return nil, err
	}
	if err := part.Marshal(&buf); err != nil {
		return nil, fmt.Errorf("media: media segment: %w", err)
	}
	return buf.Bytes(), nil
}
