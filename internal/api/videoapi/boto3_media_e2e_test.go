package videoapi_test

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"sluice/internal/testserver"
)

// TestBoto3Media puts an MKV with PutMedia and reads it back with
// Debian's python3-boto3 (video_media.py), each client on the endpoint
// GetDataEndpoint hands out: GetMedia from EARLIEST through
// kinesis-video-media, and through kinesis-video-archived-media
// ListFragments (boto3's paginator), GetMediaForFragmentList,
// GetHLSStreamingSessionURL with its playlists, init and first segment,
// GetDASHStreamingSessionURL with its manifest, GetClip and GetImages
// (JPEGs, or the refusal of a server without ffmpeg); and a missing
// stream's errors.
func TestBoto3Media(t *testing.T) {
	python := "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import boto3").Run(); err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_BOTO3", "%s cannot import boto3 (apt-get install -y python3-boto3)", python)
	}
	srv := testserver.Start(t)
	want, numbers := sdkPut(t, srv, "boto-cam")

	script := filepath.Join(testserver.RepoRoot(t), "test", "python", "video_media.py")
	cmd := exec.CommandContext(t.Context(), python, script, srv.URL, "boto-cam", strconv.Itoa(len(want)), t.TempDir())
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, stderr.String())
	}
	type file struct {
		ContentType string `json:"content_type"`
		File        string
	}
	var got struct {
		GetMedia  file `json:"get_media"`
		ListPages int  `json:"list_pages"`
		Fragments []struct {
			Number     string
			Size       int
			ProducerMS int64 `json:"producer_ms"`
			LengthMS   int64 `json:"length_ms"`
		}
		FragmentList struct {
			file
			EBML    bool
			Tags    int
			Numbers bool
		} `json:"fragment_list"`
		HLS struct {
			URL, Master, Init, Segment string
			Status                     int
			ContentType                string `json:"content_type"`
			SegmentType                string `json:"segment_type"`
			EXTINF                     int
			Endlist                    bool
		}
		DASH struct {
			URL         string
			ContentType string `json:"content_type"`
			MPD         bool
		}
		Clip struct {
			file
			Box string
		}
		Images json.RawMessage
		Errors map[string][]any
	}
	if err := json.Unmarshal(stdout.Bytes(), &got); err != nil {
		t.Fatalf("output %q: %v", stdout.String(), err)
	}

	if got.GetMedia.ContentType != "video/webm" {
		t.Errorf("GetMedia Content-Type %q", got.GetMedia.ContentType)
	}
	sdkCheckMKV(t, "GetMedia", got.GetMedia.File, want, numbers, true)

	if wantPages := (len(want) + 2) / 3; got.ListPages != wantPages || len(got.Fragments) != len(want) {
		t.Fatalf("ListFragments: %d pages (want %d) of %+v", got.ListPages, wantPages, got.Fragments)
	}
	for i, f := range got.Fragments {
		producer := int64(1700000000250) + want[i].Timecode
		if f.Number != numbers[i] || f.Size <= 0 || f.ProducerMS != producer || f.LengthMS <= 0 {
			t.Errorf("ListFragments %d: %+v, want number %s, producer %d", i, f, numbers[i], producer)
		}
	}

	fl := got.FragmentList
	if fl.ContentType != "video/webm" || !fl.EBML || fl.Tags != len(want) || !fl.Numbers {
		t.Errorf("GetMediaForFragmentList: %+v", fl)
	}
	sdkCheckMKV(t, "GetMediaForFragmentList", fl.File, want, numbers, false)

	h := got.HLS
	if !strings.HasPrefix(h.URL, srv.URL+"/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=") || h.Status != 200 ||
		h.ContentType != "application/vnd.apple.mpegurl" || !strings.HasPrefix(h.Master, "#EXTM3U") ||
		h.EXTINF != len(want) || !h.Endlist || h.Init != "ftyp" || h.SegmentType != "video/mp4" || h.Segment != "styp" && h.Segment != "moof" {
		t.Errorf("HLS: %+v", h)
	}
	if !strings.HasPrefix(got.DASH.URL, srv.URL+"/dash/v1/getDASHManifest.mpd?SessionToken=") || got.DASH.ContentType != "application/dash+xml" || !got.DASH.MPD {
		t.Errorf("DASH: %+v", got.DASH)
	}
	if got.Clip.ContentType != "video/mp4" || got.Clip.Box != "ftyp" {
		t.Errorf("GetClip: %+v", got.Clip)
	}
	if _, err := exec.LookPath("ffprobe"); err == nil {
		if p := ffprobe(t, got.Clip.File); !strings.HasPrefix(p.Format, "mov,mp4") || p.stream("h264").Frames != 25*len(want) {
			t.Errorf("clip: %+v", p)
		}
	}

	if _, err := exec.LookPath("ffmpeg"); err == nil {
		var images [][3]any
		if err := json.Unmarshal(got.Images, &images); err != nil || len(images) != 2 {
			t.Fatalf("GetImages: %s", got.Images)
		}
		for i, im := range images {
			if at := 1700000001 + 3*float64(i); im[0] != at || im[1] != nil || im[2] != "/9j/" {
				t.Errorf("GetImages %d: %v, want a JPEG at %.2f", i, im, at)
			}
		}
	} else if string(got.Images) != `"NotImplementedException"` {
		t.Errorf("GetImages without ffmpeg: %s", got.Images)
	}

	notFound := []any{"ResourceNotFoundException", float64(404)}
	if !reflect.DeepEqual(got.Errors, map[string][]any{"get_media": notFound, "list_fragments": notFound, "get_clip": notFound}) {
		t.Errorf("a missing stream: %v", got.Errors)
	}
}
