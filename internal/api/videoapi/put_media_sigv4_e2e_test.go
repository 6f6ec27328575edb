package videoapi_test

import (
	"bytes"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// TestPutMediaSigV4: under --auth sigv4, putMedia's signature covers the
// headers and the empty body's hash (what the KVS producers and curl
// --aws-sigv4 send); a wrong secret or UNSIGNED-PAYLOAD is refused before
// the 200.
func TestPutMediaSigV4(t *testing.T) {
	keys := filepath.Join(t.TempDir(), "keys.json")
	os.WriteFile(keys, []byte(`{"keys":[{"accessKeyId":"AKIDTEST","secretAccessKey":"secret","accountId":"000000000000"}]}`), 0o600)
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.Auth, c.Credentials = config.AuthSigV4, keys }))
	createStream(t, srv, "cam", 1)
	file := fixture(t, 2, false)
	n := len(clustersOf(t, file))
	want := strings.TrimSpace(strings.Repeat("B R P ", n))

	status, typ, acks := putMedia(t, srv, openCreds, streamHeaders("cam"), bytes.NewReader(file))
	if status != 200 || events(acks) != want {
		t.Fatalf("signed PutMedia: %d %s %s", status, typ, events(acks))
	}
	status, typ, _ = putMedia(t, srv, creds{"AKIDTEST", "wrong"}, streamHeaders("cam"), bytes.NewReader(file))
	if status != 400 || typ != "InvalidSignatureException" {
		t.Errorf("wrong secret: %d %s", status, typ)
	}
	hdr := streamHeaders("cam")
	hdr["X-Amz-Content-Sha256"] = "UNSIGNED-PAYLOAD"
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/putMedia", bytes.NewReader(file))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	signAs(t, req, openCreds, "UNSIGNED-PAYLOAD")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 || resp.Header.Get("x-amzn-ErrorType") != "InvalidSignatureException" {
		t.Errorf("UNSIGNED-PAYLOAD: %d %s", resp.StatusCode, resp.Header.Get("x-amzn-ErrorType"))
	}

	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not installed")
	}
	if got := events(curlPut(t, srv.URL, "cam", file, "--aws-sigv4", "aws:amz:us-east-1:kinesisvideo", "--user", "AKIDTEST:secret")); got != want {
		t.Errorf("curl --aws-sigv4: %s", got)
	}
	out, _ := exec.Command("curl", "-sS", "-X", "POST", "-T", "-", "-H", "x-amzn-stream-name: cam", "-H", "x-amzn-fragment-timecode-type: ABSOLUTE",
		"--aws-sigv4", "aws:amz:us-east-1:kinesisvideo", "--user", "AKIDTEST:nope", "-w", "%{http_code}", "-o", "/dev/null", srv.URL+"/putMedia").Output()
	if string(out) != "400" {
		t.Errorf("curl with a wrong secret: %s", out)
	}
}
