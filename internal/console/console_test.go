package console_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"sluice/internal/config"
	"sluice/internal/console"
	"sluice/internal/testserver"
)

// browser is a cookie-keeping HTTP client, like a browser tab.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}}
}

func (b *browser) do(method, path, body string, hdr map[string]string) (int, http.Header, string) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.base+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(out)
}

func (b *browser) session() map[string]any {
	b.t.Helper()
	status, _, body := b.do("GET", "/console/session", "", nil)
	if status != 200 {
		b.t.Fatalf("session: %d %s", status, body)
	}
	var s map[string]any
	if err := json.Unmarshal([]byte(body), &s); err != nil {
		b.t.Fatal(err)
	}
	if c, ok := s["csrf"].(string); ok {
		b.csrf = c
	}
	return s
}

// call posts an API operation through the console, with the CSRF token
// unless withCSRF is false.
func (b *browser) call(op, body string, withCSRF bool) (int, string) {
	b.t.Helper()
	hdr := map[string]string{"X-Amz-Target": "Kinesis_20131202." + op, "Content-Type": "application/x-amz-json-1.1"}
	if withCSRF {
		hdr[console.CSRFHeader] = b.csrf
	}
	status, _, out := b.do("POST", "/console/api", body, hdr)
	return status, out
}

func TestConsolePageIsServedOnGETSlashAndTheAPIStaysOnPOST(t *testing.T) {
	srv := testserver.Start(t)
	b := newBrowser(t, srv.URL)
	status, hdr, body := b.do("GET", "/", "", nil)
	if status != 200 || !strings.Contains(body, "<title>Sluice console</title>") || !strings.HasPrefix(hdr.Get("Content-Type"), "text/html") {
		t.Fatalf("GET / = %d %q", status, body)
	}
	if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || hdr.Get("X-Frame-Options") != "DENY" {
		t.Fatalf("security headers: %v", hdr)
	}
	for _, asset := range []string{"/console/assets/app.js", "/console/assets/style.css"} {
		if status, _, _ := b.do("GET", asset, "", nil); status != 200 {
			t.Fatalf("%s: %d", asset, status)
		}
	}
	if status, _, _ := b.do("GET", "/console/nope", "", nil); status != 404 {
		t.Fatalf("unknown console path: %d", status)
	}
	// The SDK still reaches the API on POST /.
	if _, err := srv.Kinesis().ListStreams(t.Context(), &kinesis.ListStreamsInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestOpenConsoleActsForTheDefaultAccountAndNeedsCSRF(t *testing.T) {
	srv := testserver.Start(t)
	b := newBrowser(t, srv.URL)

	// No session yet: refused.
	if status, body := b.call("ListStreams", "{}", false); status != 401 || !strings.Contains(body, "UnrecognizedClientException") {
		t.Fatalf("without a session: %d %s", status, body)
	}
	s := b.session()
	if s["auth"] != "open" || s["signedIn"] != true || s["accountId"] != "000000000000" || b.csrf == "" {
		t.Fatalf("session = %v", s)
	}
	if status, body := b.call("CreateStream", `{"StreamName":"from-console","ShardCount":1}`, false); status != 403 || !strings.Contains(body, "CSRF") {
		t.Fatalf("without the CSRF token: %d %s", status, body)
	}
	if status, body := b.call("CreateStream", `{"StreamName":"from-console","ShardCount":1}`, true); status != 200 {
		t.Fatalf("CreateStream: %d %s", status, body)
	}
	// The SDK (default account) sees the stream the console made.
	out, err := srv.Kinesis().DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("from-console")})
	if err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(out.StreamDescriptionSummary.StreamARN); got != "arn:aws:kinesis:us-east-1:000000000000:stream/from-console" {
		t.Fatalf("ARN = %s", got)
	}
	// API errors arrive as the API sends them.
	if status, body := b.call("CreateStream", `{"StreamName":"from-console","ShardCount":1}`, true); status != 400 || !strings.Contains(body, "ResourceInUseException") {
		t.Fatalf("duplicate: %d %s", status, body)
	}
	if status, body := b.call("CreateStream", `{"StreamName":"bad name!","ShardCount":1}`, true); status != 400 || !strings.Contains(body, "ValidationException") {
		t.Fatalf("bad name: %d %s", status, body)
	}
}

func TestConsoleMetrics(t *testing.T) {
	srv := testserver.Start(t)
	b := newBrowser(t, srv.URL)
	b.session()
	b.call("CreateStream", `{"StreamName":"m","ShardCount":1}`, true)
	if status, body := b.call("PutRecord", `{"StreamName":"m","PartitionKey":"k","Data":"aGVsbG8="}`, true); status != 200 {
		t.Fatalf("PutRecord: %d %s", status, body)
	}
	status, _, body := b.do("GET", "/console/metrics?stream=m&minutes=5", "", nil)
	if status != 200 {
		t.Fatalf("metrics: %d %s", status, body)
	}
	var m struct {
		Names  []string
		Points []struct {
			T int64
			V []int64
		}
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Points) != 5 || m.Names[0] != "IncomingRecords" || m.Names[1] != "IncomingBytes" {
		t.Fatalf("metrics = %s", body)
	}
	last := m.Points[4].V
	if last[0] != 1 || last[1] != 6 { // "hello" + "k"
		t.Fatalf("last minute = %v, want 1 record of 6 bytes", last)
	}
	for q, want := range map[string]string{
		"stream=m&minutes=0":       "InvalidArgumentException",
		"stream=m&minutes=x":       "InvalidArgumentException",
		"stream=nope&minutes=5":    "ResourceNotFoundException",
		"stream=&minutes=5":        "InvalidArgumentException",
		"stream=m&minutes=1000000": "InvalidArgumentException",
	} {
		status, _, body := b.do("GET", "/console/metrics?"+q, "", nil)
		if status != 400 || !strings.Contains(body, want) {
			t.Errorf("%s: %d %s, want 400 %s", q, status, body, want)
		}
	}
	other := newBrowser(t, srv.URL) // no session
	if status, _, _ := other.do("GET", "/console/metrics?stream=m&minutes=5", "", nil); status != 401 {
		t.Fatalf("metrics without a session: %d", status)
	}
}

func sigv4Server(t *testing.T) *testserver.Server {
	creds := filepath.Join(t.TempDir(), "credentials.json")
	os.WriteFile(creds, []byte(`{"keys":[{"accessKeyId":"AKIDCONSOLE","secretAccessKey":"right-secret","accountId":"111122223333"}]}`), 0o600)
	return testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.Auth, c.Credentials = config.AuthSigV4, creds
	}))
}

func TestSigV4ConsoleSignIn(t *testing.T) {
	srv := sigv4Server(t)
	b := newBrowser(t, srv.URL)
	if s := b.session(); s["auth"] != "sigv4" || s["signedIn"] != false || b.csrf != "" {
		t.Fatalf("session before sign-in = %v", s)
	}
	if status, _ := b.call("ListStreams", "{}", true); status != 401 {
		t.Fatalf("API before sign-in: %d", status)
	}
	login := func(body string, hdr map[string]string) (int, http.Header, string) {
		return b.do("POST", "/console/login", body, hdr)
	}
	for _, bad := range []string{
		`{"accessKeyId":"AKIDCONSOLE","secretAccessKey":"wrong"}`,
		`{"accessKeyId":"AKIDNOBODY","secretAccessKey":"right-secret"}`,
		`{"accessKeyId":"AKIDCONSOLE","secretAccessKey":""}`,
	} {
		if status, _, body := login(bad, nil); status != 401 || !strings.Contains(body, "not valid") {
			t.Fatalf("login %s: %d %s", bad, status, body)
		}
	}
	if status, _, _ := login(`not json`, nil); status != 400 {
		t.Fatalf("login with junk: %d", status)
	}
	if status, _, _ := login(`{"accessKeyId":"AKIDCONSOLE","secretAccessKey":"right-secret"}`, map[string]string{"Origin": "http://evil.example"}); status != 403 {
		t.Fatalf("cross-origin login: %d", status)
	}
	status, hdr, body := login(`{"accessKeyId":"AKIDCONSOLE","secretAccessKey":"right-secret"}`, nil)
	if status != 200 {
		t.Fatalf("login: %d %s", status, body)
	}
	cookie := hdr.Get("Set-Cookie")
	for _, attr := range []string{console.CookieName + "=", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(cookie, attr) {
			t.Errorf("cookie %q lacks %s", cookie, attr)
		}
	}
	if s := b.session(); s["accountId"] != "111122223333" || s["accessKeyId"] != "AKIDCONSOLE" {
		t.Fatalf("session = %v", s)
	}
	if status, body := b.call("CreateStream", `{"StreamName":"signed","ShardCount":1}`, true); status != 200 {
		t.Fatalf("CreateStream: %d %s", status, body)
	}
	if status, _ := b.call("ListStreams", "{}", false); status != 403 {
		t.Fatalf("without CSRF: %d", status)
	}
	// The stream belongs to the key's account: the SDK signing with the same
	// key sees it.
	cfg := srv.AWSConfig("us-east-1", "AKIDCONSOLE", "right-secret")
	if _, err := kinesis.NewFromConfig(cfg).DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("signed")}); err != nil {
		t.Fatal(err)
	}
	// Signing out ends the session.
	if status, _, _ := b.do("POST", "/console/logout", "", nil); status != 403 {
		t.Fatalf("logout without CSRF: %d", status)
	}
	if status, _, _ := b.do("POST", "/console/logout", "", map[string]string{console.CSRFHeader: b.csrf}); status != 204 {
		t.Fatalf("logout: %d", status)
	}
	if status, _ := b.call("ListStreams", "{}", true); status != 401 {
		t.Fatalf("API after sign-out: %d", status)
	}
}
