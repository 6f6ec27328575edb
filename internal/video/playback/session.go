package playback

import (
	"time"

	"sluice/internal/video/fragments"
	"sluice/internal/video/media"
)

// MaxFragmentResults is the largest MaxMediaPlaylistFragmentResults and
// MaxManifestFragmentResults (AWS's model: 5,000 since the 2021 playback
// quota change).
const MaxFragmentResults = 5000

// Protocol is what a session serves: HLS or DASH.
type Protocol uint8

// The protocols.
const (
	HLS  Protocol = 1
	DASH Protocol = 2
)

// Session is what a streaming session URL grants: one stream's fragments,
// selected and packaged as GetHLSStreamingSessionURL or
// GetDASHStreamingSessionURL was asked, until Expires. It travels inside
// its token (see Keys.Seal): the server keeps nothing per session.
type Session struct {
	Protocol Protocol
	// StreamID is the video stream's ID (video.Stream.ID): a stream
	// deleted and created again under the same name is another stream.
	StreamID string
	Mode     media.PlaybackMode
	// Kind is the FragmentSelectorType: which timestamp selects
	// fragments and times their media.
	Kind fragments.TimestampKind
	// Start and End bound the fragments' timestamps (both included); zero
	// when not set (LIVE has neither, LIVE_REPLAY may lack End).
	Start, End time.Time
	// HLS only.
	Container     media.ContainerFormat
	Discontinuity media.DiscontinuityMode
	// DisplayTimestamp is DisplayFragmentTimestamp ALWAYS;
	// DisplayNumber is DASH's DisplayFragmentNumber ALWAYS.
	DisplayTimestamp bool
	DisplayNumber    bool
	// MaxResults is MaxMediaPlaylistFragmentResults or
	// MaxManifestFragmentResults, defaults applied.
	MaxResults int
	// Created is when the session was made (LIVE_REPLAY paces its
	// playlist from it); Expires is when its token stops working.
	Created time.Time
	Expires time.Time
}

// Timestamp is f's timestamp of the session's kind.
func (s *Session) Timestamp(f *fragments.Fragment) time.Time {
	if s.Kind == fragments.ProducerTimestamp {
		return f.ProducerTime()
	}
	return f.ServerTime()
}

// InRange tells whether f's timestamp is within the session's range (LIVE
// sessions have none: every fragment is).
func (s *Session) InRange(f *fragments.Fragment) bool {
	t := s.Timestamp(f)
	if !s.Start.IsZero() && t.Before(s.Start) {
		return false
	}
	if !s.End.IsZero() && t.After(s.End) {
		return false
	}
	return true
}

// Window returns the fragments a playlist or manifest lists now, oldest
// first, from the stream's live fragments (in stored order), and whether
// the session has ended (its playlist gets EXT-X-ENDLIST, its manifest is
// static):
//
//   - LIVE: the newest MaxResults fragments;
//   - LIVE_REPLAY: the fragments from Start (to End, if set) that have
//     "played" since the session was created — the first at once, each
//     next one when the previous one's duration has elapsed — the newest
//     MaxResults of them; ended once End is set and all have played;
//   - ON_DEMAND: the oldest MaxResults fragments of the range; always
//     ended.
//
// With PRODUCER_TIMESTAMP, fragments with the same producer timestamp are
// deduplicated: the newer one (the larger fragment number) is kept, as AWS
// does.
func (s *Session) Window(frags []fragments.Fragment, now time.Time) ([]fragments.Fragment, bool) {
	if s.Mode == media.Live {
		frags = s.dedup(frags)
		if len(frags) > s.MaxResults {
			frags = frags[len(frags)-s.MaxResults:]
		}
		return frags, false
	}
	var sel []fragments.Fragment
	for i := range frags {
		if s.InRange(&frags[i]) {
			sel = append(sel, frags[i])
		}
	}
	sel = s.dedup(sel)
	if s.Mode == media.OnDemand {
		if len(sel) > s.MaxResults {
			sel = sel[:s.MaxResults]
		}
		return sel, true
	}
	// LIVE_REPLAY: pace the fragments from the session's creation.
	played, at := 0, s.Created
	for played < len(sel) && !at.After(now) {
		at = at.Add(time.Duration(sel[played].DurationMillis) * time.Millisecond)
		played++
	}
	ended := !s.End.IsZero() && played == len(sel) && (s.Kind == fragments.ProducerTimestamp || now.After(s.End))
	sel = sel[:played]
	if len(sel) > s.MaxResults {
		sel = sel[len(sel)-s.MaxResults:]
	}
	return sel, ended
}

// dedup drops, of fragments with equal producer timestamps, all but the
// one with the largest number (PRODUCER_TIMESTAMP sessions only).
func (s *Session) dedup(frags []fragments.Fragment) []fragments.Fragment {
	if s.Kind != fragments.ProducerTimestamp || len(frags) < 2 {
		return frags
	}
	best := make(map[int64]uint64, len(frags))
	dup := false
	for _, f := range frags {
		if seq, ok := best[f.ProducerMillis]; ok {
			dup = true
			if f.Seq < seq {
				continue
			}
		}
		best[f.ProducerMillis] = f.Seq
	}
	if !dup {
		return frags
	}
	out := make([]fragments.Fragment, 0, len(best))
	for _, f := range frags {
		if best[f.ProducerMillis] == f.Seq {
			out = append(out, f)
		}
	}
	return out
}
