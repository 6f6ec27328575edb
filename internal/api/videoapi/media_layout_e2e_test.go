package videoapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	kvam "github.com/aws/aws-sdk-go-v2/service/kinesisvideoarchivedmedia"

	"sluice/internal/testserver"
)

// elementNames names the elements layout reports.
var elementNames = map[uint64]string{0x1A45DFA3: "EBML", 0x18538067: "Segment", 0x1549A966: "Info", 0x1654AE6B: "Tracks", 0x1F43B675: "Cluster", 0x1254C367: "Tags"}

var firstTag = regexp.MustCompile(`AWS_KINESISVIDEO_(FRAGMENT_NUMBER|SERVER_TIMESTAMP|PRODUCER_TIMESTAMP|MILLIS_BEHIND_NOW|CONTINUATION_TOKEN)`)

// layout walks an MKV body's elements as they come, entering those of
// unknown size (the Segment, a Cluster) and reading the others whole, and
// names them, a Tags element by its first AWS tag (Tags(FRAGMENT_NUMBER)),
// until the body ends or stop says so.
func layout(t *testing.T, r io.Reader, stop func(names []string) bool) []string {
	t.Helper()
	br := bufio.NewReader(r)
	var names []string
	vint := func(keepMarker bool) (v uint64, unknown bool, err error) {
		first, err := br.ReadByte()
		if err != nil {
			return 0, false, err
		}
		n := 1
		for n <= 8 && first&(0x80>>(n-1)) == 0 {
			n++
		}
		v = uint64(first)
		if !keepMarker {
			v &= 0xFF >> n
		}
		ones := v == 0xFF>>n
		for range n - 1 {
			b, err := br.ReadByte()
			if err != nil {
				return 0, false, err
			}
			v = v<<8 | uint64(b)
			ones = ones && b == 0xFF
		}
		return v, !keepMarker && ones, nil
	}
	for !stop(names) {
		id, _, err := vint(true)
		if err == io.EOF {
			return names
		}
		size, unknown, err2 := vint(false)
		if err != nil || err2 != nil {
			t.Fatalf("after %v: %v %v", names, err, err2)
		}
		name := elementNames[id]
		if name == "" {
			name = fmt.Sprintf("0x%X", id)
		}
		if unknown {
			names = append(names, name)
			continue
		}
		body := make([]byte, size)
		if _, err := io.ReadFull(br, body); err != nil {
			t.Fatalf("after %v: %v", names, err)
		}
		if name == "Tags" {
			name = "Tags(" + strings.TrimPrefix(string(firstTag.Find(body)), "AWS_KINESISVIDEO_") + ")"
		}
		names = append(names, name)
	}
	return names
}

// TestGetMediaChunkLayout: GetMedia and GetMediaForFragmentList lay a chunk
// out as AWS does, the fragment number and timestamps in a Tags element
// before the Cluster (GetMedia's millis behind and continuation token in
// one after it), which readers rely on: kinesisvideomanager's
// GetMediaForFragmentList takes the blocks after a FRAGMENT_NUMBER tag as
// that fragment's, so with every tag after the Cluster it gave each
// fragment's blocks the number of the one before (and the first none).
func TestGetMediaChunkLayout(t *testing.T) {
	srv := testserver.Start(t)
	want, numbers := sdkPut(t, srv, "layout")
	n := len(want)
	header := "EBML Segment Info Tracks Tags(FRAGMENT_NUMBER) Cluster"

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second) // a body laid out otherwise ends here
	defer cancel()
	resp := mediaReq(t, ctx, srv, "/getMedia", map[string]any{"StreamName": "layout", "StartSelector": map[string]any{"StartSelectorType": "EARLIEST"}})
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GetMedia: %d", resp.StatusCode)
	}
	got := layout(t, resp.Body, func(names []string) bool { return len(names) >= 7*n })
	if w := strings.TrimSpace(strings.Repeat(header+" Tags(MILLIS_BEHIND_NOW) ", n)); strings.Join(got, " ") != w {
		t.Errorf("GetMedia chunks:\n%s\nwant\n%s", strings.Join(got, " "), w)
	}

	media, err := archived(t, srv, "layout").GetMediaForFragmentList(t.Context(), &kvam.GetMediaForFragmentListInput{StreamName: aws.String("layout"), Fragments: numbers})
	if err != nil {
		t.Fatal(err)
	}
	defer media.Payload.Close()
	got = layout(t, media.Payload, func([]string) bool { return false })
	if w := strings.TrimSpace(strings.Repeat(header+" ", n)); strings.Join(got, " ") != w {
		t.Errorf("GetMediaForFragmentList chunks:\n%s\nwant\n%s", strings.Join(got, " "), w)
	}
}
