package videoapi_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"sluice/internal/testserver"
)

// jsVideoDir finds test/js (the AWS SDK for JavaScript v3's Kinesis Video
// clients and video_sdk.mjs) and node. `make test` installs both (npm ci
// from the committed lock file); set SLUICE_REQUIRE_NODE=1 to fail rather
// than skip when either is missing.
func jsVideoDir(t *testing.T) (node, dir string) {
	t.Helper()
	dir = filepath.Join(testserver.RepoRoot(t), "test", "js")
	for _, name := range []string{"node", "nodejs"} {
		if p, err := exec.LookPath(name); err == nil {
			node = p
			break
		}
	}
	if node == "" {
		testserver.Missing(t, "SLUICE_REQUIRE_NODE", "node is not installed")
	}
	for _, pkg := range []string{"client-kinesis-video", "client-kinesis-video-media", "client-kinesis-video-archived-media"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", pkg, "package.json")); err != nil {
			testserver.Missing(t, "SLUICE_REQUIRE_NODE", "%s has no node_modules/@aws-sdk/%s: run npm ci --prefix test/js", dir, pkg)
		}
	}
	return node, dir
}

// TestJSSDKVideo puts an MKV with PutMedia and reads it back with the AWS
// SDK for JavaScript v3's three Kinesis Video clients (video_sdk.mjs), each
// data-plane client on the endpoint GetDataEndpoint hands out: GetMedia
// from EARLIEST through @aws-sdk/client-kinesis-video-media (the media API,
// which the Go SDK has no client for), ListFragments (paged),
// GetMediaForFragmentList, GetHLSStreamingSessionURL and its playlists,
// GetDASHStreamingSessionURL and its manifest, and GetClip through
// @aws-sdk/client-kinesis-video-archived-media; and the errors of a
// missing stream as the media and archived-media clients parse them.
func TestJSSDKVideo(t *testing.T) {
	node, dir := jsVideoDir(t)
	srv := testserver.Start(t)
	want, numbers := sdkPut(t, srv, "js-cam")

	out := t.TempDir()
	cmd := exec.CommandContext(t.Context(), node, filepath.Join(dir, "video_sdk.mjs"))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SLUICE_ENDPOINT="+srv.URL, "SLUICE_STREAM=js-cam", "SLUICE_FRAGMENTS="+strconv.Itoa(len(want)),
		"SLUICE_FROM=1700000000", "SLUICE_OUT="+out)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node video_sdk.mjs: %v\n%s", err, stderr.String())
	}
	var got struct {
		Status, ARN string
		GetMedia    struct {
			ContentType, File string
			Fragments         int
		}
		Fragments []struct {
			Number           string
			Size             int
			Producer, Server int64
			Millis           int64
		}
		FragmentList struct{ ContentType, File string }
		HLS          struct{ URL, Master, Media string }
		DASH         struct{ URL, MPD string }
		Clip         struct{ ContentType, File string }
		Errors       map[string][]any
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}
	if got.Status != "ACTIVE" || !strings.Contains(got.ARN, ":stream/js-cam/") {
		t.Errorf("DescribeStream: %s %s", got.Status, got.ARN)
	}

	notFound := []any{"ResourceNotFoundException", float64(404)}
	if !reflect.DeepEqual(got.Errors, map[string][]any{"getMedia": notFound, "listFragments": notFound, "getMediaForFragmentList": notFound}) {
		t.Errorf("a missing stream: %v", got.Errors)
	}

	if got.GetMedia.ContentType != "video/webm" || got.GetMedia.Fragments != len(want) {
		t.Errorf("GetMedia: %+v", got.GetMedia)
	}
	sdkCheckMKV(t, "GetMedia", got.GetMedia.File, want, numbers, true)

	if len(got.Fragments) != len(want) {
		t.Fatalf("ListFragments: %+v", got.Fragments)
	}
	for i, f := range got.Fragments {
		producer := int64(1700000000250) + want[i].Timecode
		if f.Number != numbers[i] || f.Size <= 0 || f.Producer != producer || f.Server <= 0 || f.Millis <= 0 {
			t.Errorf("ListFragments %d: %+v, want number %s, producer %d", i, f, numbers[i], producer)
		}
	}

	if got.FragmentList.ContentType != "video/webm" {
		t.Errorf("GetMediaForFragmentList Content-Type %q", got.FragmentList.ContentType)
	}
	sdkCheckMKV(t, "GetMediaForFragmentList", got.FragmentList.File, want, numbers, false)

	if !strings.HasPrefix(got.HLS.URL, srv.URL+"/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=") || !strings.HasPrefix(got.HLS.Master, "#EXTM3U") ||
		!strings.HasPrefix(got.HLS.Media, "#EXTM3U") || strings.Count(got.HLS.Media, "#EXTINF:") != len(want) ||
		!strings.Contains(got.HLS.Media, "#EXT-X-MAP:") || !strings.Contains(got.HLS.Media, "#EXT-X-ENDLIST") {
		t.Errorf("HLS %s:\n%s\n%s", got.HLS.URL, got.HLS.Master, got.HLS.Media)
	}
	if !strings.HasPrefix(got.DASH.URL, srv.URL+"/dash/v1/getDASHManifest.mpd?SessionToken=") || !strings.Contains(got.DASH.MPD, "<MPD") {
		t.Errorf("DASH %s:\n%s", got.DASH.URL, got.DASH.MPD)
	}

	clip, err := os.ReadFile(got.Clip.File)
	if err != nil {
		t.Fatal(err)
	}
	if got.Clip.ContentType != "video/mp4" || len(clip) < 8 || string(clip[4:8]) != "ftyp" {
		t.Errorf("GetClip: %s, %d bytes starting %q", got.Clip.ContentType, len(clip), clip[:min(len(clip), 8)])
	}
	if _, err := exec.LookPath("ffprobe"); err == nil {
		if p := ffprobe(t, got.Clip.File); !strings.HasPrefix(p.Format, "mov,mp4") || p.stream("h264").Frames != 25*len(want) {
			t.Errorf("clip: %+v", p)
		}
	}
}
