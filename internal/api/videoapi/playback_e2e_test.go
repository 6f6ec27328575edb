package videoapi_test

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	_ "image/jpeg" // GetImages' JPEGs are decoded
	_ "image/png"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kvam "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia/types"
	"github.com/aws/smithy-go"

	"sluice/internal/testserver"
)

// Playback end to end: ffmpeg-made MKV (H.264 + AAC, H.264 alone, H.265)
// through PutMedia, then the archived-media playback APIs through
// aws-sdk-go-v2 kinesisvideoarchivedmedia, and what they hand out read back
// by ffprobe (every frame decoded) and by Go's image decoders.

const pbSecs = 4 // fixture length: 4 fragments of 25 frames

var pbProducerStart = time.Unix(1_700_000_000, 250_000_000)

// pbStream starts a server with a stream holding a pbSecs-second fixture.
func pbStream(t *testing.T, codec string, opts ...testserver.Option) (*testserver.Server, string, time.Time) {
	t.Helper()
	pbNeedFFmpeg(t)
	srv := testserver.Start(t, opts...)
	name := "cam-" + codec
	pbCreate(t, srv, name, 24)
	before := time.Now().Add(-time.Second)
	if got := pbPut(t, srv, name, pbProducerStart, pbFixture(t, codec, pbSecs)); len(got) != pbSecs {
		t.Fatalf("%d fragments persisted, want %d", len(got), pbSecs)
	}
	return srv, name, before
}

// pbOnDemandHLS returns an ON_DEMAND HLS session URL of the fragments
// stored since from (server timestamps) or, when from is zero, of the
// fixture's producer time. The fixtures are put faster than real time, so
// their server timestamps are milliseconds apart where their media last a
// second: played on server time (as AWS plays it, the MP4 times being
// the selected timestamps) fragments overlap; only producer time gives a
// timeline whose frames all play.
func pbOnDemandHLS(t *testing.T, srv *testserver.Server, name string, from time.Time, container types.ContainerFormat) string {
	t.Helper()
	sel := &types.HLSFragmentSelector{FragmentSelectorType: types.HLSFragmentSelectorTypeProducerTimestamp,
		TimestampRange: &types.HLSTimestampRange{StartTimestamp: aws.Time(pbProducerStart), EndTimestamp: aws.Time(pbProducerStart.Add(time.Hour))}}
	if !from.IsZero() {
		sel = &types.HLSFragmentSelector{FragmentSelectorType: types.HLSFragmentSelectorTypeServerTimestamp,
			TimestampRange: &types.HLSTimestampRange{StartTimestamp: aws.Time(from), EndTimestamp: aws.Time(time.Now().Add(time.Second))}}
	}
	out, err := pbClient(srv).GetHLSStreamingSessionURL(t.Context(), &kvam.GetHLSStreamingSessionURLInput{
		StreamName:          aws.String(name),
		PlaybackMode:        types.HLSPlaybackModeOnDemand,
		ContainerFormat:     types.ContainerFormat(container),
		HLSFragmentSelector: sel,
	})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.HLSStreamingSessionURL)
}

func pbCheckDuration(t *testing.T, what string, got float64, want float64) {
	t.Helper()
	if math.Abs(got-want) > 0.1 {
		t.Errorf("%s: duration %.3f s, want %.3f", what, got, want)
	}
}

func TestPlaybackHLSAndClip(t *testing.T) {
	for _, codec := range []string{"h264-aac", "h264", "h265"} {
		t.Run(codec, func(t *testing.T) {
			srv, name, _ := pbStream(t, codec)
			video := map[string]string{"h264-aac": "h264", "h264": "h264", "h265": "hevc"}[codec]
			width := map[string]int{"h264-aac": 160, "h264": 160, "h265": 320}[codec]

			u := pbOnDemandHLS(t, srv, name, time.Time{}, types.ContainerFormatFragmentedMp4)
			if !strings.HasPrefix(u, srv.URL+"/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=") {
				t.Fatalf("HLS URL %s", u)
			}
			p := ffprobe(t, u)
			if p.Format != "hls" || p.stream(video).Frames != pbSecs*25 || p.stream(video).Width != width {
				t.Errorf("fMP4 HLS: %+v", p)
			}
			pbCheckDuration(t, "fMP4 HLS", p.Seconds, pbSecs)
			if codec == "h264-aac" && p.stream("aac").Frames < pbSecs*46 {
				t.Errorf("fMP4 HLS audio: %+v", p)
			}

			if codec != "h265" {
				p = ffprobe(t, pbOnDemandHLS(t, srv, name, time.Time{}, types.ContainerFormatMpegTs))
				if p.Format != "hls" || p.stream(video).Frames != pbSecs*25 {
					t.Errorf("MPEG-TS HLS: %+v", p)
				}
				pbCheckDuration(t, "MPEG-TS HLS", p.Seconds, pbSecs)
			}

			dash, err := pbClient(srv).GetDASHStreamingSessionURL(t.Context(), &kvam.GetDASHStreamingSessionURLInput{
				StreamName:   aws.String(name),
				PlaybackMode: types.DASHPlaybackModeOnDemand,
				DASHFragmentSelector: &types.DASHFragmentSelector{FragmentSelectorType: types.DASHFragmentSelectorTypeProducerTimestamp,
					TimestampRange: &types.DASHTimestampRange{StartTimestamp: aws.Time(pbProducerStart), EndTimestamp: aws.Time(pbProducerStart.Add(time.Minute))}},
				DisplayFragmentNumber: types.DASHDisplayFragmentNumberAlways,
			})
			if err != nil {
				t.Fatal(err)
			}
			du := aws.ToString(dash.DASHStreamingSessionURL)
			if !strings.HasPrefix(du, srv.URL+"/dash/v1/getDASHManifest.mpd?SessionToken=") {
				t.Fatalf("DASH URL %s", du)
			}
			p = ffprobe(t, du)
			if p.Format != "dash" || p.stream(video).Frames != pbSecs*25 {
				t.Errorf("DASH: %+v", p)
			}

			clip, err := pbClient(srv).GetClip(t.Context(), &kvam.GetClipInput{
				StreamName: aws.String(name),
				ClipFragmentSelector: &types.ClipFragmentSelector{FragmentSelectorType: types.ClipFragmentSelectorTypeProducerTimestamp,
					TimestampRange: &types.ClipTimestampRange{StartTimestamp: aws.Time(pbProducerStart.Add(time.Second)), EndTimestamp: aws.Time(pbProducerStart.Add(time.Hour))}},
			})
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(clip.Payload)
			clip.Payload.Close()
			if aws.ToString(clip.ContentType) != "video/mp4" {
				t.Errorf("clip Content-Type %q", aws.ToString(clip.ContentType))
			}
			p = ffprobe(t, pbWrite(t, "clip.mp4", body))
			if !strings.HasPrefix(p.Format, "mov,mp4") || p.stream(video).Frames != (pbSecs-1)*25 {
				t.Errorf("clip from the second fragment: %+v", p)
			}
			pbCheckDuration(t, "clip", p.Seconds, pbSecs-1)
		})
	}
}

func TestPlaybackResources(t *testing.T) {
	srv, name, from := pbStream(t, "h264-aac")
	u := pbOnDemandHLS(t, srv, name, from, types.ContainerFormatFragmentedMp4)
	resp, master := pbGet(t, u)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.apple.mpegurl" ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.HasPrefix(resp.Header.Get("Cache-Control"), "private, max-age=") {
		t.Fatalf("master playlist: %s %v", resp.Status, resp.Header)
	}
	media := regexp.MustCompile(`getHLSMediaPlaylist\.m3u8\?[^\s"]*TrackNumber=1`).Find(master)
	if media == nil {
		t.Fatalf("master playlist without track 1's media playlist:\n%s", master)
	}
	base, _ := url.Parse(u)
	ref, _ := url.Parse(string(media))
	resp, playlist := pbGet(t, base.ResolveReference(ref).String())
	if resp.StatusCode != 200 || !bytes.Contains(playlist, []byte("#EXT-X-ENDLIST")) || bytes.Count(playlist, []byte("#EXTINF")) != pbSecs {
		t.Fatalf("ON_DEMAND media playlist: %s\n%s", resp.Status, playlist)
	}
	seg := regexp.MustCompile(`(?m)^getMP4MediaFragment\.mp4\?\S+$`).Find(playlist)
	ref, _ = url.Parse(string(seg))
	resp, frag := pbGet(t, base.ResolveReference(ref).String())
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "video/mp4" || !bytes.Contains(frag[:64], []byte("moof")) && !bytes.Contains(frag[:64], []byte("styp")) {
		t.Fatalf("media fragment: %s %v", resp.Status, resp.Header)
	}

	// A browser's preflight is answered.
	req, _ := http.NewRequest(http.MethodOptions, u, nil)
	req.Header.Set("Origin", "https://player.example")
	req.Header.Set("Access-Control-Request-Method", "GET")
	presp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	presp.Body.Close()
	if presp.StatusCode != http.StatusNoContent || presp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Errorf("preflight: %s %v", presp.Status, presp.Header)
	}

	// A forged or altered token, a missing one, a DASH token on HLS.
	tok := base.Query().Get("SessionToken")
	// Altered: one character in the middle changed (to one it is not).
	altered := []byte(tok)
	if mid := len(altered) / 2; altered[mid] == 'A' {
		altered[mid] = 'B'
	} else {
		altered[mid] = 'A'
	}
	for _, tc := range []struct{ url, status, errType string }{
		{srv.URL + "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=" + string(altered), "403", "NotAuthorizedException"},
		{srv.URL + "/hls/v1/getHLSMasterPlaylist.m3u8", "400", "InvalidArgumentException"},
		{srv.URL + "/dash/v1/getDASHManifest.mpd?SessionToken=" + tok, "403", "NotAuthorizedException"},
		{srv.URL + "/hls/v1/getMP4MediaFragment.mp4?SessionToken=" + tok + "&FragmentNumber=12", "400", "InvalidArgumentException"},
		{srv.URL + "/hls/v1/nothing?SessionToken=" + tok, "404", "ResourceNotFoundException"},
	} {
		resp, body := pbGet(t, tc.url)
		if resp.Status[:3] != tc.status || resp.Header.Get("x-amzn-ErrorType") != tc.errType || !bytes.Contains(body, []byte(`"Message"`)) ||
			resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: %s %s %s", tc.url, resp.Status, resp.Header.Get("x-amzn-ErrorType"), body)
		}
	}
}

func TestPlaybackSessionExpires(t *testing.T) {
	var skew atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
	srv, name, from := pbStream(t, "h264", testserver.WithClock(clock))
	u := pbOnDemandHLS(t, srv, name, from, types.ContainerFormatFragmentedMp4)
	if resp, _ := pbGet(t, u); resp.StatusCode != 200 {
		t.Fatalf("fresh session: %s", resp.Status)
	}
	skew.Store(int64(301 * time.Second)) // Expires defaults to 300 s
	resp, body := pbGet(t, u)
	if resp.StatusCode != 403 || resp.Header.Get("x-amzn-ErrorType") != "NotAuthorizedException" || !bytes.Contains(body, []byte("expired")) {
		t.Errorf("expired session: %s %v %s", resp.Status, resp.Header, body)
	}
}

// TestPlaybackSurvivesRestart: a session URL made before a restart still
// plays after it (the session key is in the meta store).
func TestPlaybackSurvivesRestart(t *testing.T) {
	pbNeedFFmpeg(t)
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	pbCreate(t, srv, "cam", 24)
	from := time.Now().Add(-time.Second)
	pbPut(t, srv, "cam", pbProducerStart, pbFixture(t, "h264", 2))
	u := pbOnDemandHLS(t, srv, "cam", time.Time{}, types.ContainerFormatFragmentedMp4)
	if resp, _ := pbGet(t, pbOnDemandHLS(t, srv, "cam", from, types.ContainerFormatFragmentedMp4)); resp.StatusCode != 200 {
		t.Fatalf("server-timestamp session: %s", resp.Status)
	}
	srv.Stop()
	srv2 := testserver.Start(t, testserver.WithDir(dir))
	u = strings.Replace(u, srv.URL, srv2.URL, 1)
	if p := ffprobe(t, u); p.stream("h264").Frames != 50 {
		t.Errorf("after a restart: %+v", p)
	}
}

func pbAPIError(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Errorf("error %v, want %s", err, code)
	}
}

func TestPlaybackErrors(t *testing.T) {
	srv, name, from := pbStream(t, "h264")
	c := pbClient(srv)
	ctx := t.Context()
	now := time.Now()
	rng := func(a, b time.Time) *types.HLSFragmentSelector {
		return &types.HLSFragmentSelector{FragmentSelectorType: types.HLSFragmentSelectorTypeServerTimestamp,
			TimestampRange: &types.HLSTimestampRange{StartTimestamp: aws.Time(a), EndTimestamp: aws.Time(b)}}
	}
	for _, tc := range []struct {
		what string
		in   kvam.GetHLSStreamingSessionURLInput
		code string
	}{
		{"no stream", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String("nope")}, "ResourceNotFoundException"},
		{"LIVE with a range", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String(name), HLSFragmentSelector: rng(from, now)}, "InvalidArgumentException"},
		{"ON_DEMAND without a range", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String(name), PlaybackMode: types.HLSPlaybackModeOnDemand}, "InvalidArgumentException"},
		{"ON_DEMAND without an end", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String(name), PlaybackMode: types.HLSPlaybackModeOnDemand,
			HLSFragmentSelector: &types.HLSFragmentSelector{TimestampRange: &types.HLSTimestampRange{StartTimestamp: aws.Time(from)}}}, "InvalidArgumentException"},
		{"end before start", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String(name), PlaybackMode: types.HLSPlaybackModeOnDemand, HLSFragmentSelector: rng(now, from)}, "InvalidArgumentException"},
		{"range over 24 h", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String(name), PlaybackMode: types.HLSPlaybackModeOnDemand, HLSFragmentSelector: rng(now.Add(-25*time.Hour), now)}, "InvalidArgumentException"},
		{"no fragments in range", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String(name), PlaybackMode: types.HLSPlaybackModeLiveReplay, HLSFragmentSelector: rng(now.Add(-2*time.Hour), now.Add(-time.Hour))}, "ResourceNotFoundException"},
		{"Expires too short", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String(name), Expires: aws.Int32(299)}, "InvalidArgumentException"},
		{"too many fragments", kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String(name), MaxMediaPlaylistFragmentResults: aws.Int64(5001)}, "InvalidArgumentException"},
	} {
		_, err := c.GetHLSStreamingSessionURL(ctx, &tc.in)
		t.Run(tc.what, func(t *testing.T) { pbAPIError(t, err, tc.code) })
	}

	pbCreate(t, srv, "no-retention", 0)
	_, err := c.GetHLSStreamingSessionURL(ctx, &kvam.GetHLSStreamingSessionURLInput{StreamName: aws.String("no-retention")})
	pbAPIError(t, err, "NoDataRetentionException")
	_, err = c.GetDASHStreamingSessionURL(ctx, &kvam.GetDASHStreamingSessionURLInput{StreamName: aws.String("no-retention")})
	pbAPIError(t, err, "NoDataRetentionException")
	_, err = c.GetClip(ctx, &kvam.GetClipInput{StreamName: aws.String("no-retention"), ClipFragmentSelector: &types.ClipFragmentSelector{
		FragmentSelectorType: types.ClipFragmentSelectorTypeServerTimestamp, TimestampRange: &types.ClipTimestampRange{StartTimestamp: aws.Time(from), EndTimestamp: aws.Time(now)}}})
	pbAPIError(t, err, "NoDataRetentionException")
	_, err = c.GetClip(ctx, &kvam.GetClipInput{StreamName: aws.String(name), ClipFragmentSelector: &types.ClipFragmentSelector{
		FragmentSelectorType: types.ClipFragmentSelectorTypeServerTimestamp, TimestampRange: &types.ClipTimestampRange{StartTimestamp: aws.Time(now.Add(-time.Hour)), EndTimestamp: aws.Time(from.Add(-time.Minute))}}})
	pbAPIError(t, err, "ResourceNotFoundException")
	_, err = c.GetImages(ctx, &kvam.GetImagesInput{StreamName: aws.String(name), ImageSelectorType: types.ImageSelectorTypeServerTimestamp,
		StartTimestamp: aws.Time(from), EndTimestamp: aws.Time(from.Add(301 * time.Second)), Format: types.FormatJpeg})
	pbAPIError(t, err, "InvalidArgumentException")
	_, err = c.GetImages(ctx, &kvam.GetImagesInput{StreamName: aws.String(name), ImageSelectorType: types.ImageSelectorTypeServerTimestamp,
		StartTimestamp: aws.Time(from), EndTimestamp: aws.Time(now), Format: types.FormatJpeg, SamplingInterval: aws.Int32(100)})
	pbAPIError(t, err, "InvalidArgumentException")
	// A JPEG quality for PNG images would be ignored: refused.
	_, err = c.GetImages(ctx, &kvam.GetImagesInput{StreamName: aws.String(name), ImageSelectorType: types.ImageSelectorTypeServerTimestamp,
		StartTimestamp: aws.Time(from), EndTimestamp: aws.Time(now), Format: types.FormatPng, FormatConfig: map[string]string{"JPEGQuality": "80"}})
	pbAPIError(t, err, "InvalidArgumentException")
}

func TestPlaybackImages(t *testing.T) {
	srv, name, _ := pbStream(t, "h264")
	c := pbClient(srv)
	// Producer time: fragments at +0, +1, +2, +3 s; samples every 500 ms from
	// -1 s to +5 s: 13 samples, 2 before and 2 after the media.
	start := pbProducerStart.Add(-time.Second)
	in := &kvam.GetImagesInput{StreamName: aws.String(name), ImageSelectorType: types.ImageSelectorTypeProducerTimestamp,
		StartTimestamp: aws.Time(start), EndTimestamp: aws.Time(start.Add(6 * time.Second)), SamplingInterval: aws.Int32(500),
		Format: types.FormatJpeg, FormatConfig: map[string]string{"JPEGQuality": "90"}, WidthPixels: aws.Int32(80), HeightPixels: aws.Int32(64), MaxResults: aws.Int64(10)}
	var images []types.Image
	pages := 0
	for {
		out, err := c.GetImages(t.Context(), in)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		images = append(images, out.Images...)
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	if pages != 2 || len(images) != 13 {
		t.Fatalf("%d images in %d pages, want 13 in 2", len(images), pages)
	}
	for i, im := range images {
		want := start.Add(time.Duration(i) * 500 * time.Millisecond)
		if !aws.ToTime(im.TimeStamp).Equal(want) {
			t.Errorf("image %d at %v, want %v", i, aws.ToTime(im.TimeStamp), want)
		}
		inMedia := i >= 2 && i < 2+2*pbSecs
		if !inMedia {
			if im.Error != types.ImageErrorNoMedia || im.ImageContent != nil {
				t.Errorf("image %d (no media there): %v", i, im.Error)
			}
			continue
		}
		if im.Error != "" {
			t.Fatalf("image %d: %v", i, im.Error)
		}
		b, err := base64.StdEncoding.DecodeString(aws.ToString(im.ImageContent))
		if err != nil {
			t.Fatal(err)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
		if err != nil || format != "jpeg" || cfg.Width != 80 || cfg.Height != 64 {
			t.Errorf("image %d: %s %dx%d %v", i, format, cfg.Width, cfg.Height, err)
		}
	}

	// PNG at the stream's own size, and one side alone keeping the ratio.
	for _, tc := range []struct {
		w, h         *int32
		wantW, wantH int
	}{{nil, nil, 160, 120}, {aws.Int32(80), nil, 80, 60}, {nil, aws.Int32(60), 80, 60}} {
		out, err := c.GetImages(t.Context(), &kvam.GetImagesInput{StreamName: aws.String(name), ImageSelectorType: types.ImageSelectorTypeProducerTimestamp,
			StartTimestamp: aws.Time(pbProducerStart), EndTimestamp: aws.Time(pbProducerStart), Format: types.FormatPng, WidthPixels: tc.w, HeightPixels: tc.h})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Images) != 1 {
			t.Fatalf("%d images", len(out.Images))
		}
		b, _ := base64.StdEncoding.DecodeString(aws.ToString(out.Images[0].ImageContent))
		img, format, err := image.Decode(bytes.NewReader(b))
		if err != nil || format != "png" || img.Bounds().Dx() != tc.wantW || img.Bounds().Dy() != tc.wantH {
			t.Errorf("PNG %v×%v: %s %v %v", tc.w, tc.h, format, img, err)
		}
	}

	// Without ffmpeg on PATH, GetImages says so.
	t.Setenv("PATH", t.TempDir())
	_, err := c.GetImages(t.Context(), &kvam.GetImagesInput{StreamName: aws.String(name), ImageSelectorType: types.ImageSelectorTypeProducerTimestamp,
		StartTimestamp: aws.Time(pbProducerStart), EndTimestamp: aws.Time(pbProducerStart), Format: types.FormatPng})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NotImplementedException" || !strings.Contains(ae.ErrorMessage(), "apt-get install ffmpeg") {
		t.Errorf("without ffmpeg: %v", err)
	}
}

// TestPlaybackLive: a LIVE HLS playlist slides over the newest fragments
// as more are put.
func TestPlaybackLive(t *testing.T) {
	srv, name, _ := pbStream(t, "h264")
	out, err := pbClient(srv).GetHLSStreamingSessionURL(t.Context(), &kvam.GetHLSStreamingSessionURLInput{
		StreamName: aws.String(name), MaxMediaPlaylistFragmentResults: aws.Int64(6),
		HLSFragmentSelector: &types.HLSFragmentSelector{FragmentSelectorType: types.HLSFragmentSelectorTypeProducerTimestamp}})
	if err != nil {
		t.Fatal(err)
	}
	u := aws.ToString(out.HLSStreamingSessionURL)
	mediaURL := strings.Replace(u, "getHLSMasterPlaylist.m3u8?", "getHLSMediaPlaylist.m3u8?TrackNumber=1&", 1)
	var body []byte
	playlist := func() (segments []string, sequence string) {
		resp, b := pbGet(t, mediaURL)
		if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-cache" || bytes.Contains(b, []byte("ENDLIST")) {
			t.Fatalf("LIVE playlist: %s %v\n%s", resp.Status, resp.Header, b)
		}
		body = b
		seq := regexp.MustCompile(`#EXT-X-MEDIA-SEQUENCE:(\d+)`).FindSubmatch(b)
		if seq == nil {
			t.Fatalf("no media sequence:\n%s", b)
		}
		for _, m := range regexp.MustCompile(`FragmentNumber=(\d+)`).FindAllSubmatch(b, -1) {
			segments = append(segments, string(m[1]))
		}
		return segments, string(seq[1])
	}
	first, seq1 := playlist()
	if len(first) != pbSecs {
		t.Fatalf("LIVE playlist of %d fragments, want %d", len(first), pbSecs)
	}
	more := pbPut(t, srv, name, pbProducerStart.Add(pbSecs*time.Second), pbFixture(t, "h264", 3))
	second, seq2 := playlist()
	want := append(first[1:], more...)
	if strings.Join(second, ",") != strings.Join(want, ",") || seq2 == seq1 {
		t.Errorf("after 3 more fragments: %v (sequence %s → %s), want %v", second, seq1, seq2, want)
	}
	// The playlist's init and media fragments, one after the other, are one
	// fMP4 whose every frame decodes (a player of a LIVE playlist never
	// ends, so ffprobe reads them from a file).
	base, _ := url.Parse(mediaURL)
	var mp4 []byte
	for _, m := range regexp.MustCompile(`(?m)(getMP4InitFragment\.mp4\?[^"\s]+|^getMP4MediaFragment\.mp4\?\S+)`).FindAll(body, -1) {
		ref, _ := url.Parse(string(m))
		resp, b := pbGet(t, base.ResolveReference(ref).String())
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %s", m, resp.Status)
		}
		mp4 = append(mp4, b...)
	}
	if p := ffprobe(t, pbWrite(t, "live.mp4", mp4)); p.stream("h264").Frames != 6*25 {
		t.Errorf("LIVE playlist decoded: %+v", p)
	}
}
