package cluster

import (
	"net/http"
	"net/url"
	"testing"
)

// TestVideoOpNames: Video Streams requests are told by method and path,
// and no path (an empty one among them) makes videoOp panic.
func TestVideoOpNames(t *testing.T) {
	for _, c := range []struct{ method, path, want string }{
		{http.MethodPost, "/putMedia", putMedia},
		{http.MethodPost, "/createStream", createVideoStream},
		{http.MethodPost, "/listSignalingChannels", videoTarget + "/listSignalingChannels"},
		{http.MethodGet, "/hls/v1/getHLSMasterPlaylist.m3u8", videoTarget + "/playback"},
		{http.MethodHead, "/dash/v1/getDASHManifest.mpd", videoTarget + "/playback"},
		{http.MethodGet, "/putMedia", ""},
		{http.MethodPost, "/console/rest/putMedia", ""},
		{http.MethodPost, "/", ""},
		{http.MethodPost, "", ""},
		{http.MethodOptions, "*", ""},
	} {
		r := &http.Request{Method: c.method, URL: &url.URL{Path: c.path}, Header: http.Header{}}
		if got := videoOp(r); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.method, c.path, got, c.want)
		}
		if got := placedOp(r); got != c.want {
			t.Errorf("placedOp %s %q: %q, want %q", c.method, c.path, got, c.want)
		}
	}
}
