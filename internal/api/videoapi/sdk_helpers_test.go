package videoapi_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"sluice/internal/testserver"
	"sluice/internal/video/mkv"
)

// sdkProducerStart is the producer start timestamp sdkPut uploads with
// (streamHeaders' x-amzn-producer-start-timestamp).
const sdkProducerStart = "1700000000.250"

// sdkPut creates stream name and puts a 4-second ffmpeg fixture (H.264 +
// AAC; the mkv package's 2-second one without ffmpeg) with PutMedia,
// checking the ACKs, for the SDK clients of other languages to read back.
// It returns the fixture's clusters and the fragment numbers in order.
func sdkPut(t *testing.T, srv *testserver.Server, name string) ([]*mkv.Cluster, []string) {
	t.Helper()
	createStream(t, srv, name, 24)
	file := fixture(t, 4, true)
	want := clustersOf(t, file)
	status, _, acks := putMedia(t, srv, openCreds, streamHeaders(name), bytes.NewReader(file))
	if status != 200 {
		t.Fatalf("PutMedia: %d", status)
	}
	if got, w := events(acks), strings.TrimSpace(strings.Repeat("B R P ", len(want))); got != w {
		t.Fatalf("ACKs %s, want %s", got, w)
	}
	var numbers []string
	for i := 2; i < len(acks); i += 3 {
		numbers = append(numbers, acks[i].FragmentNumber)
	}
	return want, numbers
}

// sdkCheckMKV parses an MKV body a client saved at file: one chunk per
// fragment, in order, each with its header, the frames put and Tags naming
// its fragment number, plus the continuation token when live is set (a
// GetMedia body).
func sdkCheckMKV(t *testing.T, what, file string, want []*mkv.Cluster, numbers []string, live bool) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0x1a, 0x45, 0xdf, 0xa3}) {
		t.Fatalf("%s: %d bytes that are not EBML", what, len(b))
	}
	got := readChunks(t, bytes.NewReader(b), len(want))
	for i, c := range got {
		sameFrames(t, what, c.c, want[i])
		if c.header == nil || c.header.FirstTrack(mkv.TrackVideo) == nil {
			t.Fatalf("%s: chunk %d without its header", what, i)
		}
		if c.tags["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] != numbers[i] || c.tags["AWS_KINESISVIDEO_SERVER_TIMESTAMP"] == "" ||
			c.tags["AWS_KINESISVIDEO_PRODUCER_TIMESTAMP"] == "" || live && c.tags["AWS_KINESISVIDEO_CONTINUATION_TOKEN"] == "" {
			t.Fatalf("%s: chunk %d tags %v", what, i, c.tags)
		}
	}
	if p := got[0].tags["AWS_KINESISVIDEO_PRODUCER_TIMESTAMP"]; p != sdkProducerStart {
		t.Errorf("%s: producer timestamp %s, want %s", what, p, sdkProducerStart)
	}
}
