package media

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

func TestAWSURLs(t *testing.T) {
	u := AWSURLs{SessionToken: "CiC7~a+b/="}
	f := &Fragment{Number: "91343852333181432392682062607743920146264440183"}
	for _, tc := range []struct{ got, want string }{
		{u.HLSMasterPlaylist(), "getHLSMasterPlaylist.m3u8?SessionToken=CiC7~a%2Bb%2F%3D"},
		{u.DASHManifest(), "getDASHManifest.mpd?SessionToken=CiC7~a%2Bb%2F%3D"},
		{u.HLSMediaPlaylist(1), "getHLSMediaPlaylist.m3u8?SessionToken=CiC7~a%2Bb%2F%3D&TrackNumber=1"},
		{u.MP4InitFragment(2), "getMP4InitFragment.mp4?SessionToken=CiC7~a%2Bb%2F%3D&TrackNumber=2"},
		{u.MP4MediaFragment(1, f), "getMP4MediaFragment.mp4?FragmentNumber=91343852333181432392682062607743920146264440183&SessionToken=CiC7~a%2Bb%2F%3D&TrackNumber=1"},
		{u.TSFragment(f), "getTSFragment.ts?FragmentNumber=91343852333181432392682062607743920146264440183&SessionToken=CiC7~a%2Bb%2F%3D"},
		{u.DASHMediaTemplate(1), "getMP4MediaFragment.mp4?SequenceNumber=$Number$&SessionToken=CiC7~a%2Bb%2F%3D&TrackNumber=1"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %s\nwant %s", tc.got, tc.want)
		}
	}
}

// testStream is an H.264 160x120 stream with AAC, from the codec private
// data ffmpeg writes.
func testStream(t testing.TB) *Stream {
	t.Helper()
	fx := loadFixture(t, "h264aac")
	return fx.stream
}

func testFragments() []Fragment {
	ts := time.Date(2023, 5, 17, 13, 48, 35, 994e6, time.UTC)
	return []Fragment{
		{Number: "1001", Sequence: 7, Timecode: 0, Timestamp: ts, Duration: 2663 * time.Millisecond, Size: 100_000},
		{Number: "1002", Sequence: 8, Timecode: 2663, Timestamp: ts.Add(2663 * time.Millisecond), Duration: 2680 * time.Millisecond, Size: 300_000},
		// 1 s gap before this one.
		{Number: "1003", Sequence: 9, Timecode: 6343, Timestamp: ts.Add(6343 * time.Millisecond), Duration: 2 * time.Second, Size: 200_000},
	}
}

func TestCodecStrings(t *testing.T) {
	s := testStream(t)
	if s.Video.CodecString != "avc1.42c00b" || s.Audio.CodecString != "mp4a.40.2" {
		t.Errorf("codecs %q %q", s.Video.CodecString, s.Audio.CodecString)
	}
	if s.Video.Width != 160 || s.Video.Height != 120 || s.Video.FrameRate != 25 {
		t.Errorf("video %dx%d at %v", s.Video.Width, s.Video.Height, s.Video.FrameRate)
	}
	if s.Audio.SampleRate != 48000 || s.Audio.Channels != 1 {
		t.Errorf("audio %d Hz %d channels", s.Audio.SampleRate, s.Audio.Channels)
	}
	h := loadFixture(t, "h265aac").stream
	if h.Video.CodecString != "hvc1.1.6.L30.90" {
		t.Errorf("hevc %q", h.Video.CodecString)
	}
	// Main 10, high tier, level 5.1, profile space 0.
	var ptl [12]byte
	ptl[0] = 1<<5 | 2
	ptl[1] = 0x20 // compatibility flag 2
	ptl[5] = 0xb0
	ptl[11] = 153
	if got := hevcCodecString(ptl); got != "hvc1.2.4.H153.B0" {
		t.Errorf("hevc %q", got)
	}
}

func TestHLSMediaPlaylistText(t *testing.T) {
	s := testStream(t)
	u := AWSURLs{SessionToken: "T"}
	frags := testFragments()
	for _, tc := range []struct {
		name  string
		o     HLSOptions
		want  []string
		avoid []string
	}{
		{"on demand fMP4", HLSOptions{Mode: OnDemand, Discontinuity: DiscontinuityNever, DisplayFragmentTimestamp: true},
			[]string{"#EXT-X-VERSION:7", "#EXT-X-TARGETDURATION:3", "#EXT-X-MEDIA-SEQUENCE:7", "#EXT-X-PLAYLIST-TYPE:VOD",
				`#EXT-X-MAP:URI="getMP4InitFragment.mp4?SessionToken=T&TrackNumber=1"`,
				"#EXT-X-PROGRAM-DATE-TIME:2023-05-17T13:48:35.994Z", "#EXTINF:2.663,",
				"getMP4MediaFragment.mp4?FragmentNumber=1001&SessionToken=T&TrackNumber=1", "#EXT-X-ENDLIST"},
			[]string{"#EXT-X-DISCONTINUITY"}},
		{"live TS always", HLSOptions{Mode: Live, Container: MPEGTS, Discontinuity: DiscontinuityAlways},
			[]string{"#EXT-X-VERSION:3", "#EXT-X-DISCONTINUITY-SEQUENCE:7", "getTSFragment.ts?FragmentNumber=1003&SessionToken=T"},
			[]string{"#EXT-X-MAP", "#EXT-X-ENDLIST", "#EXT-X-PROGRAM-DATE-TIME", "PLAYLIST-TYPE"}},
		{"ended replay", HLSOptions{Mode: LiveReplay, Ended: true}, []string{"#EXT-X-ENDLIST"}, []string{"PLAYLIST-TYPE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := s.HLSMediaPlaylist(u, 1, tc.o, frags)
			for _, w := range tc.want {
				if !strings.Contains(got, w+"\n") {
					t.Errorf("no %q in\n%s", w, got)
				}
			}
			for _, a := range tc.avoid {
				if strings.Contains(got, a) {
					t.Errorf("%q in\n%s", a, got)
				}
			}
			if tc.o.Discontinuity == DiscontinuityAlways && strings.Count(got, "#EXT-X-DISCONTINUITY\n") != len(frags) {
				t.Errorf("ALWAYS: not one discontinuity per fragment:\n%s", got)
			}
		})
	}
	got := s.HLSMediaPlaylist(u, 1, HLSOptions{Mode: OnDemand, Discontinuity: OnDiscontinuity}, frags)
	if strings.Count(got, "#EXT-X-DISCONTINUITY\n") != 1 || !strings.Contains(got, "#EXT-X-DISCONTINUITY\n#EXTINF:2.000,\ngetMP4MediaFragment.mp4?FragmentNumber=1003") {
		t.Errorf("ON_DISCONTINUITY: want one, before the fragment after the gap:\n%s", got)
	}
}

func TestHLSMasterPlaylistText(t *testing.T) {
	s := testStream(t)
	u := AWSURLs{SessionToken: "T"}
	got := s.HLSMasterPlaylist(u, HLSOptions{Mode: Live}, testFragments())
	for _, w := range []string{
		`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",NAME="audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="1",URI="getHLSMediaPlaylist.m3u8?SessionToken=T&TrackNumber=2"`,
		`#EXT-X-STREAM-INF:BANDWIDTH=895522,AVERAGE-BANDWIDTH=653683,CODECS="avc1.42c00b,mp4a.40.2",RESOLUTION=160x120,FRAME-RATE=25.000,AUDIO="audio"`,
		"getHLSMediaPlaylist.m3u8?SessionToken=T&TrackNumber=1",
	} {
		if !strings.Contains(got, w+"\n") {
			t.Errorf("no %q in\n%s", w, got)
		}
	}
	ts := s.HLSMasterPlaylist(u, HLSOptions{Mode: Live, Container: MPEGTS}, testFragments())
	if strings.Contains(ts, "EXT-X-MEDIA:") || !strings.Contains(ts, `CODECS="avc1.42c00b,mp4a.40.2"`) {
		t.Errorf("TS master:\n%s", ts)
	}
}

func TestDASHManifestLive(t *testing.T) {
	s := testStream(t)
	now := time.Date(2023, 5, 17, 13, 48, 50, 0, time.UTC)
	got := s.DASHManifest(AWSURLs{SessionToken: "T"}, DASHOptions{Mode: Live, DisplayFragmentNumber: true}, testFragments(), now)
	var mpd struct {
		Type string `xml:"type,attr"`
		AST  string `xml:"availabilityStartTime,attr"`
		Sets []struct {
			Template struct {
				Media string `xml:"media,attr"`
				Start string `xml:"startNumber,attr"`
				S     []struct {
					T  string `xml:"t,attr"`
					FN string `xml:"urn:sluice:kinesisvideo:dash fn,attr"`
				} `xml:"SegmentTimeline>S"`
			} `xml:"Representation>SegmentTemplate"`
		} `xml:"Period>AdaptationSet"`
	}
	if err := xml.Unmarshal([]byte(got), &mpd); err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	if mpd.Type != "dynamic" || mpd.AST != "2023-05-17T13:48:35.994Z" || len(mpd.Sets) != 2 {
		t.Fatalf("MPD:\n%s", got)
	}
	tmpl := mpd.Sets[0].Template
	if tmpl.Media != "getMP4MediaFragment.mp4?SequenceNumber=$Number$&SessionToken=T&TrackNumber=1" || tmpl.Start != "7" ||
		len(tmpl.S) != 3 || tmpl.S[2].T != "6343" || tmpl.S[2].FN != "1003" {
		t.Errorf("template %+v", tmpl)
	}
	if strings.Contains(got, "kvs:ts") {
		t.Error("kvs:ts without DisplayFragmentTimestamp")
	}
}
