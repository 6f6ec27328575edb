package media

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Fragment is what playlists and manifests say of one Kinesis Video
// fragment.
type Fragment struct {
	// Number is the fragment number (47 decimal digits).
	Number string
	// Sequence is the fragment's place in the session (HLS media sequence,
	// DASH $Number$), increasing by one from fragment to fragment. The
	// fragment index's counter serves.
	Sequence uint64
	// Timecode is the fragment's first frame's timecode in ticks: where it
	// sits on the media timeline (DASH's S@t).
	Timecode int64
	// Timestamp is the producer or server start timestamp, as the
	// session's fragment selector says (EXT-X-PROGRAM-DATE-TIME, kvs:ts).
	Timestamp time.Time
	Duration  time.Duration
	// Size is the fragment's size in bytes, for the bandwidth estimate.
	Size int64
}

// PlaybackMode is a session's PlaybackMode.
type PlaybackMode string

// The playback modes.
const (
	Live       PlaybackMode = "LIVE"
	LiveReplay PlaybackMode = "LIVE_REPLAY"
	OnDemand   PlaybackMode = "ON_DEMAND"
)

// ContainerFormat is an HLS session's ContainerFormat.
type ContainerFormat string

// The HLS containers.
const (
	FragmentedMP4 ContainerFormat = "FRAGMENTED_MP4"
	MPEGTS        ContainerFormat = "MPEG_TS"
)

// DiscontinuityMode is an HLS session's DiscontinuityMode.
type DiscontinuityMode string

// The discontinuity modes. OnDiscontinuity marks fragments whose timestamp
// is more than DiscontinuityTolerance away from where the previous one
// ended (a gap or an overlap).
const (
	DiscontinuityAlways DiscontinuityMode = "ALWAYS"
	DiscontinuityNever  DiscontinuityMode = "NEVER"
	OnDiscontinuity     DiscontinuityMode = "ON_DISCONTINUITY"
)

// DiscontinuityTolerance is the gap or overlap between fragments that
// OnDiscontinuity marks.
const DiscontinuityTolerance = 50 * time.Millisecond

// HLSOptions are an HLS session's settings.
type HLSOptions struct {
	Mode          PlaybackMode
	Container     ContainerFormat // FragmentedMP4 when empty
	Discontinuity DiscontinuityMode
	// DisplayFragmentTimestamp ALWAYS: EXT-X-PROGRAM-DATE-TIME per
	// fragment.
	DisplayFragmentTimestamp bool
	// Ended says a LIVE_REPLAY session has reached its end timestamp: its
	// playlist gets EXT-X-ENDLIST as an ON_DEMAND one always does.
	Ended bool
}

func (o HLSOptions) container() ContainerFormat {
	if o.Container == "" {
		return FragmentedMP4
	}
	return o.Container
}

func (o HLSOptions) version() int {
	if o.container() == MPEGTS {
		return 3
	}
	return 7
}

// HLSMasterPlaylist is GetHLSMasterPlaylist's body: one variant (the video
// track's media playlist, or track 1's for audio only) with CODECS,
// RESOLUTION and FRAME-RATE from the codec private data and BANDWIDTH (and
// AVERAGE-BANDWIDTH) from the fragments' sizes and durations; with fMP4 the
// AAC track is an audio rendition with its own media playlist, as AWS
// serves it, with MPEG-TS it is in the TS fragments.
func (s *Stream) HLSMasterPlaylist(u URLs, o HLSOptions, frags []Fragment) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-INDEPENDENT-SEGMENTS\n", o.version())
	peak, avg := bandwidth(frags)
	if o.container() == MPEGTS {
		peak, avg = peak*11/10, avg*11/10 // TS packaging overhead
	}
	main := s.Video
	if main == nil {
		main = s.Audio
	}
	audioGroup := ""
	if s.Video != nil && s.Audio != nil && o.container() == FragmentedMP4 {
		audioGroup = ",AUDIO=\"audio\""
		fmt.Fprintf(&b, "#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"audio\",NAME=\"audio\",DEFAULT=YES,AUTOSELECT=YES,CHANNELS=\"%d\",URI=\"%s\"\n",
			s.Audio.Channels, u.HLSMediaPlaylist(s.Audio.Number))
	}
	fmt.Fprintf(&b, "#EXT-X-STREAM-INF:BANDWIDTH=%d", peak)
	if avg > 0 {
		fmt.Fprintf(&b, ",AVERAGE-BANDWIDTH=%d", avg)
	}
	fmt.Fprintf(&b, ",CODECS=\"%s\"", s.Codecs())
	if v := s.Video; v != nil {
		if v.Width > 0 && v.Height > 0 {
			fmt.Fprintf(&b, ",RESOLUTION=%dx%d", v.Width, v.Height)
		}
		if v.FrameRate > 0 {
			fmt.Fprintf(&b, ",FRAME-RATE=%.3f", v.FrameRate)
		}
	}
	fmt.Fprintf(&b, "%s\n%s\n", audioGroup, u.HLSMediaPlaylist(main.Number))
	return b.String()
}

// bandwidth estimates the peak and average bit rates of frags in bits/s;
// 1 Mbit/s when they say nothing.
func bandwidth(frags []Fragment) (peak, avg int64) {
	var bytes int64
	var total time.Duration
	for _, f := range frags {
		if f.Duration <= 0 || f.Size <= 0 {
			continue
		}
		bytes += f.Size
		total += f.Duration
		peak = max(peak, int64(float64(f.Size*8)/f.Duration.Seconds()))
	}
	if total > 0 {
		avg = int64(float64(bytes*8) / total.Seconds())
	}
	if peak == 0 {
		peak = 1_000_000
	}
	return peak, avg
}

// HLSMediaPlaylist is GetHLSMediaPlaylist's body for the track numbered
// track: EXT-X-VERSION (7 for fMP4, 3 for TS), EXT-X-TARGETDURATION,
// EXT-X-MEDIA-SEQUENCE (the first fragment's Sequence), EXT-X-MAP (fMP4),
// then per fragment EXT-X-DISCONTINUITY as the mode says,
// EXT-X-PROGRAM-DATE-TIME when DisplayFragmentTimestamp, EXTINF and its
// URL; EXT-X-PLAYLIST-TYPE:VOD and EXT-X-ENDLIST for ON_DEMAND (ENDLIST for
// an ended LIVE_REPLAY).
func (s *Stream) HLSMediaPlaylist(u URLs, track uint64, o HLSOptions, frags []Fragment) string {
	var b strings.Builder
	target := 1
	for _, f := range frags {
		target = max(target, int(math.Ceil(f.Duration.Seconds())))
	}
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:%d\n#EXT-X-TARGETDURATION:%d\n", o.version(), target)
	var first uint64
	if len(frags) > 0 {
		first = frags[0].Sequence
	}
	fmt.Fprintf(&b, "#EXT-X-MEDIA-SEQUENCE:%d\n", first)
	if o.Discontinuity == DiscontinuityAlways && o.Mode != OnDemand && first > 0 {
		// Every fragment before this one started a discontinuity.
		fmt.Fprintf(&b, "#EXT-X-DISCONTINUITY-SEQUENCE:%d\n", first)
	}
	if o.Mode == OnDemand {
		b.WriteString("#EXT-X-PLAYLIST-TYPE:VOD\n")
	}
	b.WriteString("#EXT-X-INDEPENDENT-SEGMENTS\n")
	for i := range frags {
		f := &frags[i]
		if discontinuity(o.Discontinuity, frags, i) {
			b.WriteString("#EXT-X-DISCONTINUITY\n")
		}
		if i == 0 && o.container() == FragmentedMP4 {
			fmt.Fprintf(&b, "#EXT-X-MAP:URI=\"%s\"\n", u.MP4InitFragment(track))
		}
		if o.DisplayFragmentTimestamp && !f.Timestamp.IsZero() {
			fmt.Fprintf(&b, "#EXT-X-PROGRAM-DATE-TIME:%s\n", f.Timestamp.UTC().Format("2006-01-02T15:04:05.000Z07:00"))
		}
		fmt.Fprintf(&b, "#EXTINF:%.3f,\n", f.Duration.Seconds())
		if o.container() == MPEGTS {
			b.WriteString(u.TSFragment(f))
		} else {
			b.WriteString(u.MP4MediaFragment(track, f))
		}
		b.WriteByte('\n')
	}
	if o.Mode == OnDemand || o.Ended {
		b.WriteString("#EXT-X-ENDLIST\n")
	}
	return b.String()
}

// discontinuity tells whether fragment i of frags starts a discontinuity
// under mode m. ALWAYS marks every fragment (the first too, as AWS's
// playlists do).
func discontinuity(m DiscontinuityMode, frags []Fragment, i int) bool {
	switch m {
	case DiscontinuityAlways:
		return true
	case OnDiscontinuity:
		if i == 0 {
			return false
		}
		p := &frags[i-1]
		d := frags[i].Timestamp.Sub(p.Timestamp.Add(p.Duration))
		return d > DiscontinuityTolerance || d < -DiscontinuityTolerance
	}
	return false
}
