package media

import (
	"fmt"
	"html"
	"strings"
	"time"
)

// KVSNamespace is the XML namespace of the kvs:fn and kvs:ts attributes
// (DisplayFragmentNumber, DisplayFragmentTimestamp) on S elements. AWS's
// documentation names the attributes but not their namespace; this one is
// Sluice's.
const KVSNamespace = "urn:sluice:kinesisvideo:dash"

// DASHOptions are a DASH session's settings.
type DASHOptions struct {
	Mode PlaybackMode
	// DisplayFragmentNumber ALWAYS: kvs:fn on each S element.
	DisplayFragmentNumber bool
	// DisplayFragmentTimestamp ALWAYS: kvs:ts (epoch milliseconds) on each
	// S element.
	DisplayFragmentTimestamp bool
	// Ended says a LIVE_REPLAY session has reached its end timestamp.
	Ended bool
}

// dashTimescale is the manifest's clock: milliseconds.
const dashTimescale = 1000

// DASHManifest is GetDASHManifest's body: an MPD with one AdaptationSet
// per track (video, AAC), each one Representation with a SegmentTemplate
// (init: u.MP4InitFragment, media: u.DASHMediaTemplate with $Number$ =
// Fragment.Sequence) and a SegmentTimeline of one S per fragment (t from
// the fragment's Timecode, d from its Duration, in milliseconds). ON_DEMAND
// (and an ended LIVE_REPLAY) is static with mediaPresentationDuration and
// presentationTimeOffset at the first fragment; LIVE and LIVE_REPLAY are
// dynamic, updated every second, availabilityStartTime being where the
// media clock's zero falls in wall time (from the first fragment's
// Timestamp). now is the publishTime.
func (s *Stream) DASHManifest(u URLs, o DASHOptions, frags []Fragment, now time.Time) string {
	var b strings.Builder
	var total, longest time.Duration
	for _, f := range frags {
		total += f.Duration
		longest = max(longest, f.Duration)
	}
	static := o.Mode == OnDemand || o.Ended
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:kvs="%s" profiles="urn:mpeg:dash:profile:isoff-live:2011"`, KVSNamespace)
	fmt.Fprintf(&b, ` minBufferTime="%s" maxSegmentDuration="%s"`, isoDuration(max(2*time.Second, longest)), isoDuration(longest))
	var pto int64
	if len(frags) > 0 {
		pto = s.Duration(frags[0].Timecode).Milliseconds()
	}
	if static {
		fmt.Fprintf(&b, ` type="static" mediaPresentationDuration="%s">`+"\n", isoDuration(total))
	} else {
		ast := time.Unix(0, 0)
		if len(frags) > 0 && !frags[0].Timestamp.IsZero() {
			ast = frags[0].Timestamp.Add(-s.Duration(frags[0].Timecode))
		}
		pto = 0
		fmt.Fprintf(&b, ` type="dynamic" availabilityStartTime="%s" publishTime="%s" minimumUpdatePeriod="PT1S" timeShiftBufferDepth="%s" suggestedPresentationDelay="%s">`+"\n",
			xsDateTime(ast), xsDateTime(now), isoDuration(max(total, longest)), isoDuration(min(3*longest, total)))
	}
	b.WriteString(`  <Period id="0" start="PT0S">` + "\n")
	for _, t := range s.Tracks() {
		kind, mime := "audio", "audio/mp4"
		if t.IsVideo() {
			kind, mime = "video", "video/mp4"
		}
		fmt.Fprintf(&b, `    <AdaptationSet id="%d" contentType="%s" mimeType="%s" segmentAlignment="true" startWithSAP="1">`+"\n", t.Number, kind, mime)
		peak, _ := bandwidth(frags)
		fmt.Fprintf(&b, `      <Representation id="%d" codecs="%s" bandwidth="%d"`, t.Number, t.CodecString, peak)
		if t.IsVideo() {
			if t.Width > 0 {
				fmt.Fprintf(&b, ` width="%d" height="%d"`, t.Width, t.Height)
			}
			if t.FrameRate > 0 {
				fmt.Fprintf(&b, ` frameRate="%s"`, frameRate(t.FrameRate))
			}
		} else {
			fmt.Fprintf(&b, ` audioSamplingRate="%d"`, t.SampleRate)
		}
		b.WriteString(">\n")
		if !t.IsVideo() {
			fmt.Fprintf(&b, `        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="%d"/>`+"\n", t.Channels)
		}
		var start uint64
		if len(frags) > 0 {
			start = frags[0].Sequence
		}
		fmt.Fprintf(&b, `        <SegmentTemplate timescale="%d" presentationTimeOffset="%d" startNumber="%d" initialization="%s" media="%s">`+"\n",
			dashTimescale, pto, start, html.EscapeString(u.MP4InitFragment(t.Number)), html.EscapeString(u.DASHMediaTemplate(t.Number)))
		b.WriteString("          <SegmentTimeline>\n")
		for i := range frags {
			f := &frags[i]
			fmt.Fprintf(&b, `            <S t="%d" d="%d"`, s.Duration(f.Timecode).Milliseconds(), f.Duration.Milliseconds())
			if o.DisplayFragmentNumber {
				fmt.Fprintf(&b, ` kvs:fn="%s"`, html.EscapeString(f.Number))
			}
			if o.DisplayFragmentTimestamp && !f.Timestamp.IsZero() {
				fmt.Fprintf(&b, ` kvs:ts="%d"`, f.Timestamp.UnixMilli())
			}
			b.WriteString("/>\n")
		}
		b.WriteString("          </SegmentTimeline>\n        </SegmentTemplate>\n      </Representation>\n    </AdaptationSet>\n")
	}
	b.WriteString("  </Period>\n</MPD>\n")
	return b.String()
}

// isoDuration is an xs:duration in seconds with milliseconds: PT2.000S.
func isoDuration(d time.Duration) string {
	return fmt.Sprintf("PT%d.%03dS", d/time.Second, d%time.Second/time.Millisecond)
}

func xsDateTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// frameRate is a DASH FrameRateType: an integer or a ratio.
func frameRate(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprintf("%d/1000", int64(f*1000+0.5))
}
