package playback

import (
	"context"
	"fmt"
	"time"

	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
	"sluice/internal/video/mkv"
)

// maxJoin is the largest gap between a fragment's last frame and the next
// fragment's start that still counts as "the next fragment follows":
// then the last frame lasts until the next fragment's start.
const maxJoin = time.Second

// Fragment is one fragment's media, ready for packaging: its header and its
// frames with timecodes rebased on the session's timestamp (see Ticks).
type Fragment struct {
	Header *mkv.Header
	Frames []mkv.Frame
	// Start is where the fragment starts, in ticks: its timestamp.
	Start int64
}

// Ticks converts a time to Matroska ticks of scale nanoseconds since the
// Unix epoch: the clock of Sluice's playback media. Frames are placed at
// their fragment's timestamp (producer or server, as the session selects)
// plus their offset in the cluster, so that fragments of different
// PutMedia connections (each RELATIVE one starting its timecodes at 0) and
// server-timestamp sessions play on one timeline, as AWS packages them.
func Ticks(t time.Time, scale uint64) int64 {
	if scale == 0 {
		scale = mkv.DefaultTimecodeScale
	}
	return t.UnixNano() / int64(scale)
}

// Load reads f's media from fs and rebases its frames on kind's timestamp.
func Load(fs *fragments.Stream, f fragments.Fragment, kind fragments.TimestampKind) (*Fragment, error) {
	hraw, craw, err := fs.Media(f)
	if err != nil {
		return nil, err
	}
	h, err := mkv.ParseHeader(hraw)
	if err != nil {
		return nil, fmt.Errorf("%w: fragment %s: header: %v", fragments.ErrDamaged, f.Number(), err)
	}
	c, err := mkv.ParseCluster(craw, h)
	if err != nil {
		return nil, fmt.Errorf("%w: fragment %s: %v", fragments.ErrDamaged, f.Number(), err)
	}
	start := Ticks(timestamp(&f, kind), h.TimecodeScale)
	frames := c.Frames
	for i := range frames {
		frames[i].Timecode = start + frames[i].Timecode - c.Timecode
	}
	return &Fragment{Header: h, Frames: frames, Start: start}, nil
}

func timestamp(f *fragments.Fragment, kind fragments.TimestampKind) time.Time {
	if kind == fragments.ProducerTimestamp {
		return f.ProducerTime()
	}
	return f.ServerTime()
}

// Segment is the media.Segment of one loaded fragment: End is the next
// stored fragment's start when it follows closely (within a second of the
// last frame), so that the last frame's duration is exact.
func (lf *Fragment) Segment(fs *fragments.Stream, f fragments.Fragment, kind fragments.TimestampKind) media.Segment {
	seg := media.Segment{Sequence: uint32(f.Pos), Frames: lf.Frames}
	if len(lf.Frames) == 0 {
		return seg
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // Next answers from what is stored, without waiting
	next, err := fs.Next(ctx, f.Pos+1)
	if err != nil {
		return seg
	}
	last := lf.Frames[0].Timecode
	for _, fr := range lf.Frames {
		last = max(last, fr.Timecode)
	}
	end := Ticks(timestamp(&next, kind), lf.Header.TimecodeScale)
	if end > last && end-last <= Ticks(time.Unix(0, int64(maxJoin)), lf.Header.TimecodeScale) {
		seg.End = end
	}
	return seg
}

// Describe is what playlists and manifests say of f.
func (s *Session) Describe(f *fragments.Fragment, scale uint64) media.Fragment {
	t := s.Timestamp(f)
	return media.Fragment{
		Number:    f.Number(),
		Sequence:  f.Pos,
		Timecode:  Ticks(t, scale),
		Timestamp: t,
		Duration:  time.Duration(f.DurationMillis) * time.Millisecond,
		Size:      f.Size,
	}
}
