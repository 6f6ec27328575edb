package media

import (
	"net/url"
	"strconv"
)

// The resource names of AWS's HLS and DASH playback (relative to the
// session URL's directory, /hls/v1/ or /dash/v1/), as
// GetHLSStreamingSessionURL's and GetDASHStreamingSessionURL's references
// name the calls (GetHLSMasterPlaylist, GetHLSMediaPlaylist,
// GetMP4InitFragment, GetMP4MediaFragment, GetTSFragment, GetDASHManifest).
const (
	HLSMasterPlaylistName = "getHLSMasterPlaylist.m3u8"
	HLSMediaPlaylistName  = "getHLSMediaPlaylist.m3u8"
	MP4InitFragmentName   = "getMP4InitFragment.mp4"
	MP4MediaFragmentName  = "getMP4MediaFragment.mp4"
	TSFragmentName        = "getTSFragment.ts"
	DASHManifestName      = "getDASHManifest.mpd"
)

// The query parameters of those calls. SessionToken, TrackNumber and
// FragmentNumber are what AWS's playlists carry, e.g.
// getHLSMediaPlaylist.m3u8?SessionToken=…&TrackNumber=1 and
// getMP4MediaFragment.mp4?FragmentNumber=…&SessionToken=…&TrackNumber=1.
// SequenceNumber is the session-relative fragment sequence a DASH
// SegmentTemplate's $Number$ fills in (AWS: "fragments are identified in the
// manifest file based on their sequence number in the session").
const (
	ParamSessionToken   = "SessionToken"
	ParamTrackNumber    = "TrackNumber"
	ParamFragmentNumber = "FragmentNumber"
	ParamSequenceNumber = "SequenceNumber"
)

// URLs names a session's resources in the playlists and manifests this
// package writes. AWSURLs names them as AWS does; tests name files.
type URLs interface {
	HLSMediaPlaylist(track uint64) string
	MP4InitFragment(track uint64) string
	MP4MediaFragment(track uint64, f *Fragment) string
	TSFragment(f *Fragment) string
	// DASHMediaTemplate is a SegmentTemplate media attribute in which
	// $Number$ stands for Fragment.Sequence.
	DASHMediaTemplate(track uint64) string
}

// AWSURLs names a session's resources as AWS does: relative URLs with the
// session token and the track and fragment in the query.
type AWSURLs struct {
	SessionToken string
}

var _ URLs = AWSURLs{}

func (a AWSURLs) query(kv ...string) string {
	v := url.Values{ParamSessionToken: {a.SessionToken}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v.Encode()
}

func track(n uint64) string { return strconv.FormatUint(n, 10) }

// HLSMasterPlaylist is the URL GetHLSStreamingSessionURL returns, relative
// to <endpoint>/hls/v1/.
func (a AWSURLs) HLSMasterPlaylist() string {
	return HLSMasterPlaylistName + "?" + a.query()
}

// DASHManifest is the URL GetDASHStreamingSessionURL returns, relative to
// <endpoint>/dash/v1/.
func (a AWSURLs) DASHManifest() string {
	return DASHManifestName + "?" + a.query()
}

// HLSMediaPlaylist is getHLSMediaPlaylist.m3u8?SessionToken=…&TrackNumber=n.
func (a AWSURLs) HLSMediaPlaylist(n uint64) string {
	return HLSMediaPlaylistName + "?" + a.query(ParamTrackNumber, track(n))
}

// MP4InitFragment is getMP4InitFragment.mp4?SessionToken=…&TrackNumber=n.
func (a AWSURLs) MP4InitFragment(n uint64) string {
	return MP4InitFragmentName + "?" + a.query(ParamTrackNumber, track(n))
}

// MP4MediaFragment is
// getMP4MediaFragment.mp4?FragmentNumber=…&SessionToken=…&TrackNumber=n.
func (a AWSURLs) MP4MediaFragment(n uint64, f *Fragment) string {
	return MP4MediaFragmentName + "?" + a.query(ParamFragmentNumber, f.Number, ParamTrackNumber, track(n))
}

// TSFragment is getTSFragment.ts?FragmentNumber=…&SessionToken=… (a TS
// fragment holds every track).
func (a AWSURLs) TSFragment(f *Fragment) string {
	return TSFragmentName + "?" + a.query(ParamFragmentNumber, f.Number)
}

// DASHMediaTemplate is
// getMP4MediaFragment.mp4?SequenceNumber=$Number$&SessionToken=…&TrackNumber=n.
func (a AWSURLs) DASHMediaTemplate(n uint64) string {
	// $ must stay as it is for the template; the token is escaped.
	return MP4MediaFragmentName + "?" + ParamSequenceNumber + "=$Number$&" + a.query(ParamTrackNumber, track(n))
}
