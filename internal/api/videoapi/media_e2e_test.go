package videoapi_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kv "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"
	kvt "github.com/aws/aws-sdk-go-v2/service/kinesisvideo/types"
	kvam "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"
	kvamt "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia/types"

	"sluice/internal/testserver"
	"sluice/internal/video/fragments"
	"sluice/internal/video/mkv"
)

// archived returns an archived-media client on the endpoint GetDataEndpoint
// hands out, as applications do.
func archived(t *testing.T, srv *testserver.Server, stream string) *kvam.Client {
	t.Helper()
	ep, err := srv.VideoClient().GetDataEndpoint(t.Context(), &kv.GetDataEndpointInput{StreamName: aws.String(stream), APIName: kvt.APINameListFragments})
	if err != nil {
		t.Fatal(err)
	}
	cfg := srv.AWSConfig("us-east-1", "AKIDTEST", "secret")
	cfg.BaseEndpoint = ep.DataEndpoint
	return kvam.NewFromConfig(cfg)
}

func TestPutMediaGetMedia(t *testing.T) {
	srv := testserver.Start(t)
	createStream(t, srv, "cam", 24)
	file := fixture(t, 4, true)
	want := clustersOf(t, file)
	n := len(want)

	// A live reader from NOW, started before anything is put.
	liveCtx, cancelLive := context.WithCancel(t.Context())
	defer cancelLive()
	live := mediaReq(t, liveCtx, srv, "/getMedia", map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "NOW"}})
	if live.StatusCode != 200 || live.Header.Get("Content-Type") != "video/webm" {
		t.Fatalf("GetMedia NOW: %d %s", live.StatusCode, live.Header.Get("Content-Type"))
	}
	liveChunks := make(chan []chunk, 1)
	go func() { liveChunks <- readChunks(t, live.Body, n) }()

	status, _, acks := putMedia(t, srv, openCreds, streamHeaders("cam"), bytes.NewReader(file))
	if status != 200 {
		t.Fatalf("PutMedia: %d", status)
	}
	if got, w := events(acks), strings.TrimSpace(strings.Repeat("B R P ", n)); got != w {
		t.Fatalf("ACKs %s, want %s", got, w)
	}
	var numbers []string
	for i := 0; i < len(acks); i += 3 {
		a := acks[i]
		if len(a.FragmentNumber) != 47 || a.FragmentTimecode == nil || *a.FragmentTimecode != want[i/3].Timecode ||
			acks[i+1].FragmentNumber != a.FragmentNumber || acks[i+2].FragmentNumber != a.FragmentNumber {
			t.Fatalf("ACKs of fragment %d: %+v %+v %+v", i/3, a, acks[i+1], acks[i+2])
		}
		if len(numbers) > 0 && a.FragmentNumber <= numbers[len(numbers)-1] {
			t.Fatal("fragment numbers do not increase")
		}
		numbers = append(numbers, a.FragmentNumber)
	}

	check := func(what string, got []chunk, from int) {
		t.Helper()
		for i, c := range got {
			sameFrames(t, what, c.c, want[from+i])
			if c.tags["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] != numbers[from+i] || c.tags["AWS_KINESISVIDEO_CONTINUATION_TOKEN"] == "" ||
				c.tags["AWS_KINESISVIDEO_SERVER_TIMESTAMP"] == "" || c.tags["AWS_KINESISVIDEO_MILLIS_BEHIND_NOW"] == "" {
				t.Fatalf("%s: chunk %d tags %v", what, i, c.tags)
			}
			if c.header == nil || c.header.FirstTrack(mkv.TrackVideo) == nil {
				t.Fatalf("%s: chunk %d without its header", what, i)
			}
		}
	}
	select {
	case got := <-liveChunks:
		check("NOW", got, 0)
	case <-time.After(10 * time.Second):
		t.Fatal("the live reader got nothing")
	}
	cancelLive()

	get := func(sel map[string]any, count int) []chunk {
		t.Helper()
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		resp := mediaReq(t, ctx, srv, "/getMedia", map[string]any{"StreamName": "cam", "StartSelector": sel})
		defer resp.Body.Close()
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("GetMedia %v: %d %s", sel, resp.StatusCode, b)
		}
		return readChunks(t, resp.Body, count)
	}
	earliest := get(map[string]any{"StartSelectorType": "EARLIEST"}, n)
	check("EARLIEST", earliest, 0)
	if producer := earliest[0].tags["AWS_KINESISVIDEO_PRODUCER_TIMESTAMP"]; producer != "1700000000.250" {
		t.Errorf("producer timestamp %s", producer)
	}
	check("FRAGMENT_NUMBER", get(map[string]any{"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": numbers[0]}, n-1), 1)
	check("CONTINUATION_TOKEN", get(map[string]any{"StartSelectorType": "CONTINUATION_TOKEN",
		"ContinuationToken": earliest[0].tags["AWS_KINESISVIDEO_CONTINUATION_TOKEN"]}, n-1), 1)
	check("PRODUCER_TIMESTAMP", get(map[string]any{"StartSelectorType": "PRODUCER_TIMESTAMP", "StartTimestamp": 1700000001.5}, n-1), 1)
	check("SERVER_TIMESTAMP", get(map[string]any{"StartSelectorType": "SERVER_TIMESTAMP", "StartTimestamp": float64(time.Now().Add(-time.Minute).Unix())}, n), 0)

	// Errors before the 200.
	for _, tc := range []struct {
		in     map[string]any
		status int
		typ    string
	}{
		{map[string]any{"StreamName": "nope", "StartSelector": map[string]any{"StartSelectorType": "NOW"}}, 404, "ResourceNotFoundException"},
		{map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "FRAGMENT_NUMBER"}}, 400, "InvalidArgumentException"},
		{map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "FRAGMENT_NUMBER", "AfterFragmentNumber": "123"}}, 400, "InvalidArgumentException"},
		{map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "CONTINUATION_TOKEN", "ContinuationToken": "x"}}, 400, "InvalidArgumentException"},
		{map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "SOMETIME"}}, 400, "InvalidArgumentException"},
	} {
		resp := mediaReq(t, t.Context(), srv, "/getMedia", tc.in)
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("x-amzn-ErrorType") != tc.typ {
			t.Errorf("%v: %d %s", tc.in, resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
		}
	}
	// At most 3 concurrent GetMedia per stream.
	ctx, cancel := context.WithCancel(t.Context())
	for range 3 {
		resp := mediaReq(t, ctx, srv, "/getMedia", map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "NOW"}})
		if resp.StatusCode != 200 {
			t.Fatalf("reader: %d", resp.StatusCode)
		}
		defer resp.Body.Close()
	}
	resp := mediaReq(t, t.Context(), srv, "/getMedia", map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "NOW"}})
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("x-amzn-ErrorType") != "ConnectionLimitExceededException" {
		t.Errorf("4th reader: %d %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}
	cancel()

	// Archived media through aws-sdk-go-v2.
	am := archived(t, srv, "cam")
	var listed []kvamt.Fragment
	var next *string
	for {
		out, err := am.ListFragments(t.Context(), &kvam.ListFragmentsInput{StreamName: aws.String("cam"), MaxResults: aws.Int64(2), NextToken: next})
		if err != nil {
			t.Fatal(err)
		}
		listed = append(listed, out.Fragments...)
		if next = out.NextToken; next == nil {
			break
		}
	}
	if len(listed) != n {
		t.Fatalf("listed %d fragments, want %d", len(listed), n)
	}
	for i, f := range listed {
		if aws.ToString(f.FragmentNumber) != numbers[i] || f.FragmentSizeInBytes != int64(len(want[i].Raw)) || f.FragmentLengthInMilliseconds < 900 ||
			!aws.ToTime(f.ProducerTimestamp).Equal(time.UnixMilli(1700000000250+want[i].Timecode)) {
			t.Errorf("fragment %d: %+v", i, f)
		}
	}
	out, err := am.ListFragments(t.Context(), &kvam.ListFragmentsInput{StreamName: aws.String("cam"), FragmentSelector: &kvamt.FragmentSelector{
		FragmentSelectorType: kvamt.FragmentSelectorTypeProducerTimestamp,
		TimestampRange:       &kvamt.TimestampRange{StartTimestamp: aws.Time(time.UnixMilli(1700000001000)), EndTimestamp: aws.Time(time.UnixMilli(1700000000250 + want[2].Timecode))},
	}})
	if err != nil || len(out.Fragments) != 2 || aws.ToString(out.Fragments[0].FragmentNumber) != numbers[1] {
		t.Fatalf("producer range: %v %+v", err, out)
	}
	out, err = am.ListFragments(t.Context(), &kvam.ListFragmentsInput{StreamName: aws.String("cam"), FragmentSelector: &kvamt.FragmentSelector{
		FragmentSelectorType: kvamt.FragmentSelectorTypeServerTimestamp,
		TimestampRange:       &kvamt.TimestampRange{StartTimestamp: aws.Time(time.Now().Add(time.Hour)), EndTimestamp: aws.Time(time.Now().Add(2 * time.Hour))},
	}})
	if err != nil || len(out.Fragments) != 0 {
		t.Fatalf("future server range: %v %+v", err, out)
	}
	_, err = am.ListFragments(t.Context(), &kvam.ListFragmentsInput{StreamName: aws.String("cam"), NextToken: aws.String("AAAA")})
	wantErr(t, err, "InvalidArgumentException", 400, "")

	media, err := am.GetMediaForFragmentList(t.Context(), &kvam.GetMediaForFragmentListInput{StreamName: aws.String("cam"), Fragments: []string{numbers[2], numbers[0]}})
	if err != nil {
		t.Fatal(err)
	}
	got := readChunks(t, media.Payload, 2)
	media.Payload.Close()
	sameFrames(t, "GetMediaForFragmentList", got[0].c, want[2])
	sameFrames(t, "GetMediaForFragmentList", got[1].c, want[0])
	if aws.ToString(media.ContentType) != "video/webm" || got[1].tags["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] != numbers[0] {
		t.Errorf("content type %s, tags %v", aws.ToString(media.ContentType), got[1].tags)
	}
	_, err = am.GetMediaForFragmentList(t.Context(), &kvam.GetMediaForFragmentListInput{StreamName: aws.String("cam"), Fragments: []string{"12345"}})
	wantErr(t, err, "InvalidArgumentException", 400, "")
	_, err = am.GetMediaForFragmentList(t.Context(), &kvam.GetMediaForFragmentListInput{StreamName: aws.String("cam"), Fragments: []string{numbers[0][:20] + "1" + numbers[0][21:]}})
	if err == nil {
		t.Error("a changed fragment number accepted")
	}
}

func TestPutMediaErrors(t *testing.T) {
	srv := testserver.Start(t)
	createStream(t, srv, "cam", 1)
	createStream(t, srv, "live", 0)
	file := fixture(t, 2, false)
	cs := clustersOf(t, file)

	for _, tc := range []struct {
		name   string
		hdr    map[string]string
		status int
		typ    string
	}{
		{"no stream", map[string]string{"x-amzn-fragment-timecode-type": "ABSOLUTE"}, 400, "InvalidArgumentException"},
		{"both", map[string]string{"x-amzn-stream-name": "cam", "x-amzn-stream-arn": "arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam/1", "x-amzn-fragment-timecode-type": "ABSOLUTE"}, 400, "InvalidArgumentException"},
		{"bad type", map[string]string{"x-amzn-stream-name": "cam", "x-amzn-fragment-timecode-type": "SOMETIMES"}, 400, "InvalidArgumentException"},
		{"bad start", map[string]string{"x-amzn-stream-name": "cam", "x-amzn-fragment-timecode-type": "RELATIVE", "x-amzn-producer-start-timestamp": "yesterday"}, 400, "InvalidArgumentException"},
		{"relative without start", map[string]string{"x-amzn-stream-name": "cam", "x-amzn-fragment-timecode-type": "RELATIVE"}, 400, "InvalidArgumentException"},
		{"unknown", streamHeaders("nope"), 404, "ResourceNotFoundException"},
	} {
		status, typ, _ := putMedia(t, srv, openCreds, tc.hdr, bytes.NewReader(file))
		if status != tc.status || typ != tc.typ {
			t.Errorf("%s: %d %s, want %d %s", tc.name, status, typ, tc.status, tc.typ)
		}
	}

	header := file[:bytes.Index(file, cs[0].Raw)]
	for _, tc := range []struct {
		name, stream string
		body         []byte
		want         string
	}{
		{"garbage", "cam", []byte("GET / HTTP/1.1 is not Matroska"), "E4006"},
		{"backwards", "cam", bytes.Join([][]byte{header, cs[1].Raw, cs[0].Raw}, nil), "B R P B E4004"},
		{"truncated", "cam", bytes.Join([][]byte{header, cs[0].Raw[:len(cs[0].Raw)/2]}, nil), "B E4006"},
		{"no retention: no PERSISTED", "live", file, "B R B R"},
	} {
		status, _, acks := putMedia(t, srv, openCreds, streamHeaders(tc.stream), bytes.NewReader(tc.body))
		if status != 200 || events(acks) != tc.want {
			t.Errorf("%s: %d %s, want %s", tc.name, status, events(acks), tc.want)
		}
		if last := acks[len(acks)-1]; last.EventType == "ERROR" && last.ErrorCode == "" {
			t.Errorf("%s: ERROR without ErrorCode", tc.name)
		}
	}
	out, err := archived(t, srv, "cam").ListFragments(t.Context(), &kvam.ListFragmentsInput{StreamName: aws.String("cam")})
	if err != nil || len(out.Fragments) != 1 {
		t.Fatalf("bad uploads stored something: %v %d", err, len(out.Fragments))
	}
}

// TestPutMediaDeletedMidUpload deletes the stream while a producer sends:
// ERROR 4008, the session ends, a live reader's body ends.
func TestPutMediaDeletedMidUpload(t *testing.T) {
	srv := testserver.Start(t)
	createStream(t, srv, "cam", 1)
	file := fixture(t, 2, false)
	cs := clustersOf(t, file)
	reader := mediaReq(t, t.Context(), srv, "/getMedia", map[string]any{"StreamName": "cam", "StartSelector": map[string]any{"StartSelectorType": "EARLIEST"}})
	defer reader.Body.Close()

	pr, pw := io.Pipe()
	go pw.Write(file[:bytes.Index(file, cs[1].Raw)]) // the header and one fragment, then silence
	done := make(chan []ackLine)
	go func() {
		_, _, acks := putMedia(t, srv, openCreds, streamHeaders("cam"), pr)
		done <- acks
	}()
	readChunks(t, reader.Body, 1)
	d, err := srv.VideoClient().DescribeStream(t.Context(), &kv.DescribeStreamInput{StreamName: aws.String("cam")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.VideoClient().DeleteStream(t.Context(), &kv.DeleteStreamInput{StreamARN: d.StreamInfo.StreamARN}); err != nil {
		t.Fatal(err)
	}
	select {
	case acks := <-done:
		if got := events(acks); got != "B R P E4008" || acks[3].ErrorCode != "STREAM_NOT_ACTIVE" {
			t.Errorf("ACKs %s %+v", got, acks)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the session did not end")
	}
	pw.Close()
	if _, err := io.Copy(io.Discard, reader.Body); err != nil && !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Logf("reader ended with %v", err)
	}
}

// TestPutMediaIdle: a silent producer gets IDLE ACKs.
func TestPutMediaIdle(t *testing.T) {
	srv := testserver.Start(t, testserver.WithFragments(func(c *fragments.Config) {
		c.IdleInterval, c.IdleTimeout = 50*time.Millisecond, 300*time.Millisecond
	}))
	createStream(t, srv, "cam", 1)
	pr, pw := io.Pipe()
	defer pw.Close()
	_, _, acks := putMedia(t, srv, openCreds, streamHeaders("cam"), pr)
	if got := events(acks); !strings.HasPrefix(got, "I I") || strings.Contains(got, "E") {
		t.Errorf("ACKs %s", got)
	}
}

// TestPutMediaRestart: fragments survive a restart.
func TestPutMediaRestart(t *testing.T) {
	dir := testserver.TempDir(t)
	srv := testserver.Start(t, testserver.WithDir(dir))
	createStream(t, srv, "cam", 1)
	file := fixture(t, 2, false)
	_, _, acks := putMedia(t, srv, openCreds, streamHeaders("cam"), bytes.NewReader(file))
	srv.Stop()
	srv = testserver.Start(t, testserver.WithDir(dir))
	media, err := archived(t, srv, "cam").GetMediaForFragmentList(t.Context(), &kvam.GetMediaForFragmentListInput{
		StreamName: aws.String("cam"), Fragments: []string{acks[0].FragmentNumber, acks[3].FragmentNumber}})
	if err != nil {
		t.Fatal(err)
	}
	defer media.Payload.Close()
	got := readChunks(t, media.Payload, 2)
	for i, c := range clustersOf(t, file) {
		sameFrames(t, "after restart", got[i].c, c)
	}
}

// TestPutMediaCurl streams with curl -T - (chunked), as the README does.
func TestPutMediaCurl(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		testserver.Missing(t, "SLUICE_REQUIRE_FFMPEG", "curl not installed")
	}
	srv := testserver.Start(t)
	createStream(t, srv, "cam", 1)
	file := fixture(t, 3, true)
	acks := curlPut(t, srv.URL, "cam", file, "--aws-sigv4", "aws:amz:us-east-1:kinesisvideo", "--user", "AKIDTEST:secret")
	if got, want := events(acks), strings.TrimSpace(strings.Repeat("B R P ", len(clustersOf(t, file)))); got != want {
		t.Errorf("curl ACKs %s, want %s", got, want)
	}
}

func curlPut(t *testing.T, url, stream string, body []byte, extra ...string) []ackLine {
	t.Helper()
	args := append([]string{"-sS", "-N", "-X", "POST", "-T", "-", "-H", "x-amzn-stream-name: " + stream,
		"-H", "x-amzn-fragment-timecode-type: RELATIVE", "-H", "x-amzn-producer-start-timestamp: 1700000000.000"}, extra...)
	cmd := exec.Command("curl", append(args, url+"/putMedia")...)
	cmd.Stdin = bytes.NewReader(body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("curl: %v: %s", err, out)
	}
	return readAcks(t, bytes.NewReader(out))
}

var _ = http.StatusOK
