package videoapi_test

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sluice/internal/config"
	"sluice/internal/testserver"
	"sluice/internal/video/fragments"
)

func limitsServer(t *testing.T, on bool) *testserver.Server {
	limits := config.LimitsOff
	if on {
		limits = config.LimitsOn
	}
	return testserver.Start(t,
		testserver.WithConfig(func(c *config.Config) { c.Limits = limits }),
		testserver.WithFragments(func(c *fragments.Config) { c.MaxConnection = 300 * time.Millisecond }))
}

// errorType posts in to path and returns the status and x-amzn-ErrorType.
func errorType(t *testing.T, srv *testserver.Server, path string, in any) (int, string) {
	t.Helper()
	resp := mediaReq(t, t.Context(), srv, path, in)
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, resp.Header.Get("x-amzn-ErrorType")
}

// With --limits on, the data plane's per-stream call rates answer
// ClientLimitExceededException; --limits off lifts them.
func TestDataPlaneCallRates(t *testing.T) {
	for _, on := range []bool{true, false} {
		srv := limitsServer(t, on)
		createStream(t, srv, "cam", 1)
		in := map[string]any{"StreamName": "cam"}
		var codes []string
		for range 6 {
			status, typ := errorType(t, srv, "/listFragments", in)
			codes = append(codes, http.StatusText(status)+" "+typ)
		}
		for range 6 {
			status, typ, _ := putMedia(t, srv, openCreds, streamHeaders("cam"), strings.NewReader(""))
			codes = append(codes, http.StatusText(status)+" "+typ)
		}
		clip := map[string]any{"StreamName": "cam", "ClipFragmentSelector": map[string]any{"FragmentSelectorType": "SERVER_TIMESTAMP",
			"TimestampRange": map[string]any{"StartTimestamp": 1_700_000_000, "EndTimestamp": 1_700_000_100}}}
		for range 2 {
			_, typ := errorType(t, srv, "/getClip", clip)
			codes = append(codes, typ)
		}
		limited := 0
		for _, c := range codes {
			if strings.Contains(c, "ClientLimitExceededException") {
				limited++
			}
		}
		// The sixth ListFragments and PutMedia in a second, the second
		// GetClip.
		if want := map[bool]int{true: 3, false: 0}[on]; limited != want ||
			(on && (!strings.Contains(codes[5], "Bad Request ClientLimitExceededException") ||
				!strings.Contains(codes[11], "Bad Request ClientLimitExceededException") || codes[13] != "ClientLimitExceededException")) {
			t.Errorf("limits %v: %q", on, codes)
		}
	}
}

// With --limits on, a PutMedia connection open longer than the maximum gets
// ERROR 4003 and its answer ends.
func TestPutMediaConnectionTooLong(t *testing.T) {
	srv := limitsServer(t, true)
	createStream(t, srv, "cam", 1)
	b, err := os.ReadFile(filepath.Join("..", "..", "video", "mkv", "testdata", "h264.mkv"))
	if err != nil {
		t.Fatal(err)
	}
	pr, pw := io.Pipe()
	go pw.Write(b) // then the producer stays silent, the connection open
	defer pw.Close()
	start := time.Now()
	status, _, acks := putMedia(t, srv, openCreds, streamHeaders("cam"), pr)
	if status != 200 || len(acks) == 0 {
		t.Fatalf("status %d, %s", status, events(acks))
	}
	last := acks[len(acks)-1]
	if last.EventType != "ERROR" || last.ErrorId != 4003 || last.ErrorCode != "MAX_CONNECTION_DURATION_REACHED" {
		t.Fatalf("ACKs %s, last %+v", events(acks), last)
	}
	if !strings.HasPrefix(events(acks), "B R P") {
		t.Fatalf("ACKs %s", events(acks))
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Fatalf("the connection ended after %v", took)
	}
}
