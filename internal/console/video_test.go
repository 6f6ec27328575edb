package console_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"sluice/internal/console"
	"sluice/internal/testserver"
)

// rest posts a REST-JSON operation through the console, as video.js does.
func (b *browser) rest(path, body string, withCSRF bool) (int, string, string) {
	b.t.Helper()
	hdr := map[string]string{"Content-Type": "application/json"}
	if withCSRF {
		hdr[console.CSRFHeader] = b.csrf
	}
	status, h, out := b.do("POST", "/console/rest"+path, body, hdr)
	return status, h.Get("X-Amzn-Errortype"), out
}

func TestVideoCallsGoThroughTheSessionToTheRESTAPI(t *testing.T) {
	srv := testserver.Start(t)
	b := newBrowser(t, srv.URL)
	if status, _, body := b.rest("/listStreams", "{}", false); status != 401 || !strings.Contains(body, "UnrecognizedClientException") {
		t.Fatalf("without a session: %d %s", status, body)
	}
	b.session()
	create := `{"StreamName":"cam-1","MediaType":"video/h264","DataRetentionInHours":24,"DeviceName":"door","Tags":{"site":"lab"}}`
	if status, _, body := b.rest("/createStream", create, false); status != 403 || !strings.Contains(body, "CSRF") {
		t.Fatalf("without the CSRF token: %d %s", status, body)
	}
	status, _, body := b.rest("/createStream", create, true)
	if status != 200 || !strings.Contains(body, `"StreamARN":"arn:aws:kinesisvideo:us-east-1:000000000000:stream/cam-1/`) {
		t.Fatalf("CreateStream: %d %s", status, body)
	}
	// The SDK (the default account) sees what the console made.
	d, err := srv.VideoClient().DescribeStream(t.Context(), &kinesisvideo.DescribeStreamInput{StreamName: aws.String("cam-1")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(d.StreamInfo.DeviceName) != "door" || aws.ToInt32(d.StreamInfo.DataRetentionInHours) != 24 {
		t.Fatalf("stream: %+v", d.StreamInfo)
	}
	status, _, body = b.rest("/describeStream", `{"StreamName":"cam-1"}`, true)
	var out struct {
		StreamInfo struct{ MediaType, Version string }
	}
	if status != 200 || json.Unmarshal([]byte(body), &out) != nil || out.StreamInfo.MediaType != "video/h264" || out.StreamInfo.Version == "" {
		t.Fatalf("DescribeStream: %d %s", status, body)
	}
	// REST-JSON errors arrive as the API sends them: the type in
	// x-amzn-ErrorType, the message in {"Message"}.
	for _, c := range []struct{ path, body, errType string }{
		{"/describeStream", `{"StreamName":"nope"}`, "ResourceNotFoundException"},
		{"/createStream", `{"StreamName":"bad name!"}`, "InvalidArgumentException"},
		{"/updateDataRetention", `{"StreamName":"cam-1","CurrentVersion":"stale","Operation":"INCREASE_DATA_RETENTION","DataRetentionChangeInHours":1}`, "VersionMismatchException"},
		{"/noSuchOperation", `{}`, "UnknownOperationException"},
	} {
		status, errType, body := b.rest(c.path, c.body, true)
		if status < 400 || errType != c.errType || !strings.Contains(body, `"Message"`) && errType != "UnknownOperationException" {
			t.Errorf("%s: %d %s %s, want %s", c.path, status, errType, body, c.errType)
		}
	}
	// Only POST.
	if status, _, _ := b.do("GET", "/console/rest/listStreams", "", nil); status != 404 && status != 405 {
		t.Fatalf("GET: %d", status)
	}
}

func TestVideoPlayerIsServedWithItsLicenceAndTheCSPAllowsMSE(t *testing.T) {
	srv := testserver.Start(t)
	b := newBrowser(t, srv.URL)
	status, hdr, body := b.do("GET", "/console/assets/vendor/hls.js/hls.light.min.mjs", "", nil)
	if status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/javascript") || !strings.Contains(body, `"1.7.4"`) {
		t.Fatalf("hls.js: %d %q", status, hdr.Get("Content-Type"))
	}
	// hls.js plays through Media Source Extensions: its media are blob: URLs.
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "media-src 'self' blob:") || !strings.Contains(csp, "default-src 'self'") {
		t.Fatalf("CSP: %s", csp)
	}
	if status, _, body := b.do("GET", "/console/assets/vendor/hls.js/LICENSE", "", nil); status != 200 || !strings.Contains(body, "Apache License, Version 2.0") {
		t.Fatalf("LICENSE: %d", status)
	}
	for _, asset := range []string{"video.js", "video-timeline.js", "video-player.js"} {
		if status, hdr, _ := b.do("GET", "/console/assets/"+asset, "", nil); status != 200 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/javascript") {
			t.Fatalf("%s: %d %s", asset, status, hdr.Get("Content-Type"))
		}
	}
}

// TestVideoPlayerIsTheLockedPackage: the vendored hls.js is byte for
// byte the file of the version test/js's lock pins (when npm ci has
// installed it).
func TestVideoPlayerIsTheLockedPackage(t *testing.T) {
	root := testserver.RepoRoot(t)
	var pkg struct{ Dependencies map[string]string }
	raw, err := os.ReadFile(filepath.Join(root, "test", "js", "package.json"))
	if err != nil || json.Unmarshal(raw, &pkg) != nil || pkg.Dependencies["hls.js"] != "1.7.4" {
		t.Fatalf("test/js/package.json pins hls.js %q (%v), the vendored copy is 1.7.4", pkg.Dependencies["hls.js"], err)
	}
	vendored, err := os.ReadFile(filepath.Join(root, "internal", "console", "assets", "vendor", "hls.js", "hls.light.min.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	installed, err := os.ReadFile(filepath.Join(root, "test", "js", "node_modules", "hls.js", "dist", "hls.light.min.mjs"))
	if err != nil {
		t.Skipf("hls.js is not installed in test/js (npm ci --prefix test/js): %v", err)
	}
	if !bytes.Equal(vendored, installed) {
		t.Fatal("internal/console/assets/vendor/hls.js/hls.light.min.mjs differs from test/js/node_modules/hls.js/dist/hls.light.min.mjs")
	}
}
