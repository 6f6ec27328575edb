package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	kv "github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"sluice/internal/testserver"
)

// signVideo signs r for kinesisvideo with the hash of body (PutMedia signs
// an empty body).
func signVideo(t *testing.T, r *http.Request, body string) {
	t.Helper()
	creds := aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}
	if err := v4.NewSigner().SignHTTP(r.Context(), creds, r, bodyHash(body), "kinesisvideo", "us-east-1", time.Now()); err != nil {
		t.Fatal(err)
	}
}

// putMediaAcks streams body to /putMedia (open auth) and returns the
// FragmentNumbers of its PERSISTED ACKs and its ERROR ACKs' ErrorIds.
func putMediaAcks(t *testing.T, srv *testserver.Server, stream string, body []byte) (persisted []string, errs []int) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/putMedia", io.NopCloser(bytes.NewReader(body)))
	req.ContentLength = -1
	req.Header.Set("x-amzn-stream-name", stream)
	req.Header.Set("x-amzn-fragment-timecode-type", "RELATIVE")
	req.Header.Set("x-amzn-producer-start-timestamp", "1700000000")
	signVideo(t, req, "")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("PutMedia: %d %s", res.StatusCode, res.Header.Get("x-amzn-ErrorType"))
	}
	sc := bufio.NewScanner(res.Body)
	for sc.Scan() {
		var a struct {
			EventType      string
			FragmentNumber string
			ErrorId        int
		}
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			t.Fatalf("ACK %q: %v", sc.Text(), err)
		}
		switch a.EventType {
		case "PERSISTED":
			persisted = append(persisted, a.FragmentNumber)
		case "ERROR":
			errs = append(errs, a.ErrorId)
		}
	}
	return persisted, errs
}

// TestMetricsVideo reads the sluice_video_* series after a PutMedia upload,
// a broken one and a GetMediaForFragmentList.
func TestMetricsVideo(t *testing.T) {
	srv := testserver.Start(t)
	if _, err := srv.VideoClient().CreateStream(t.Context(), &kv.CreateStreamInput{StreamName: aws.String("cam"), DataRetentionInHours: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	fixture, err := os.ReadFile(filepath.Join("..", "video", "mkv", "testdata", "h264.mkv"))
	if err != nil {
		t.Fatal(err)
	}
	numbers, errs := putMediaAcks(t, srv, "cam", fixture)
	if len(numbers) == 0 || len(errs) != 0 {
		t.Fatalf("PERSISTED %d, errors %v", len(numbers), errs)
	}
	garbage := []byte("this is not matroska")
	if _, errs := putMediaAcks(t, srv, "cam", garbage); len(errs) != 1 || errs[0] != 4006 {
		t.Fatalf("errors %v", errs)
	}
	in, _ := json.Marshal(map[string]any{"StreamName": "cam", "Fragments": numbers[:1]})
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/getMediaForFragmentList", bytes.NewReader(in))
	req.Header.Set("Content-Type", "application/json")
	signVideo(t, req, string(in))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	served, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || len(served) == 0 {
		t.Fatalf("GetMediaForFragmentList: %d", res.StatusCode)
	}

	m := getMetrics(t, srv.URL)
	got := m.with("sluice_video_", func(k string) bool { return !strings.Contains(k, "outgoing_bytes") })
	n := float64(len(numbers))
	diffSamples(t, "video", got, map[string]float64{
		series("sluice_video_fragments_persisted_total"):                                  n,
		series("sluice_video_incoming_bytes_total"):                                       float64(len(fixture) + len(garbage)),
		series("sluice_video_ack_errors_total", "error_id", "4006"):                       1,
		series("sluice_video_putmedia_connections"):                                       0,
		series("sluice_video_getmedia_readers"):                                           0,
		series("sluice_video_outgoing_fragments_total", "api", "GetMediaForFragmentList"): 1,
		series("sluice_video_persisted_latency_seconds_count"):                            n,
	})
	if b := m.samples[series("sluice_video_outgoing_bytes_total", "api", "GetMediaForFragmentList")]; b <= 0 || b >= float64(len(served)) {
		t.Errorf("outgoing bytes %v of a %d-byte answer", b, len(served))
	}
	if m.types["sluice_video_persisted_latency_seconds"].String() != "HISTOGRAM" {
		t.Errorf("latency type %v", m.types["sluice_video_persisted_latency_seconds"])
	}
}
