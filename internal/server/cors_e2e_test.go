package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// preflightTo sends the preflight a browser sends before the SDK's POST.
func preflightTo(t *testing.T, url, origin string) *http.Response {
	t.Helper()
	r, _ := http.NewRequest("OPTIONS", url+"/", nil)
	r.Header.Set("Origin", origin)
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "authorization,content-type,x-amz-date,x-amz-target")
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// TestCORSConfig: the server answers no preflight by default, and answers
// those of the origins given with --cors-allow-origin.
func TestCORSConfig(t *testing.T) {
	open := testserver.Start(t)
	resp := preflightTo(t, open.URL, "http://localhost:3000")
	if resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" || resp.Header.Get("Content-Type") != "application/xml" {
		t.Fatalf("default: preflight answered %d %v", resp.StatusCode, resp.Header)
	}
	allowed := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.CORSAllowOrigins = "http://localhost:3000" }))
	resp = preflightTo(t, allowed.URL, "http://localhost:3000")
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "http://localhost:3000" ||
		resp.Header.Get("Access-Control-Allow-Headers") != "authorization,content-type,x-amz-date,x-amz-target" {
		t.Fatalf("allowed: preflight answered %d %v", resp.StatusCode, resp.Header)
	}
	if resp = preflightTo(t, allowed.URL, "http://localhost:3001"); resp.StatusCode != 403 || resp.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatalf("other origin: preflight answered %d %v", resp.StatusCode, resp.Header)
	}
	// Clients other than browsers are not concerned.
	if _, err := allowed.Kinesis().ListStreams(context.Background(), &kinesis.ListStreamsInput{}); err != nil {
		t.Fatal(err)
	}
}

// browserResult is what test/js/cors.mjs prints.
type browserResult struct {
	Fetched   bool    `json:"fetched"`
	Status    int     `json:"status"`
	RequestID *string `json:"requestId"`
	ErrorType *string `json:"errorType"`
	Body      string  `json:"body"`
	Error     string  `json:"error"`
}

// TestCORSInBrowser: a page of another origin, in Chromium, calls the API
// with fetch as the AWS SDK for JavaScript does. By default (open auth, the
// issue's case) the browser stops the call and the stream the page tried to
// delete is still there; with --cors-allow-origin naming the page, the call
// works and the page reads the answer and its request ID.
func TestCORSInBrowser(t *testing.T) {
	node, chromium, dir := browserTools(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>another origin</title><p>a page</p>"))
	}))
	defer page.Close()
	ctx := context.Background()

	call := func(endpoint, target, body string) browserResult {
		t.Helper()
		r, _ := http.NewRequest("POST", endpoint+"/", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-amz-json-1.1")
		r.Header.Set("X-Amz-Target", "Kinesis_20131202."+target)
		r.Header.Set("X-Amz-User-Agent", "aws-sdk-js/3")
		r.Header.Set("Amz-Sdk-Invocation-Id", "4b1b2c2e-4c8e-4d5e-9f5e-1d9f2b7c3a10")
		r.Header.Set("Amz-Sdk-Request", "attempt=1; max=3")
		r.Header.Set("X-Amz-Content-Sha256", bodyHash(body))
		creds := aws.Credentials{AccessKeyID: "AKIDBROWSER", SecretAccessKey: "secret"}
		if err := v4.NewSigner().SignHTTP(ctx, creds, r, bodyHash(body), "kinesis", "us-east-1", time.Now()); err != nil {
			t.Fatal(err)
		}
		headers := map[string]string{}
		for k := range r.Header {
			headers[strings.ToLower(k)] = r.Header.Get(k)
		}
		hdrJSON, _ := json.Marshal(headers)
		cmd := exec.CommandContext(t.Context(), node, "cors.mjs")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "PAGE_URL="+page.URL+"/", "SLUICE_ENDPOINT="+endpoint, "REQUEST_HEADERS="+string(hdrJSON),
			"REQUEST_BODY="+body, "CHROMIUM="+chromium)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.WaitDelay = 10 * time.Second
		if err := cmd.Run(); err != nil {
			t.Fatalf("cors.mjs: %v\n%s", err, stderr.String())
		}
		var res browserResult
		if err := json.Unmarshal(stdout.Bytes(), &res); err != nil {
			t.Fatalf("cors.mjs printed %q: %v", stdout.String(), err)
		}
		return res
	}

	open := testserver.Start(t)
	if _, err := open.Kinesis().CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("victim"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	res := call(open.URL, "DeleteStream", `{"StreamName":"victim"}`)
	if res.Fetched || !strings.Contains(res.Error, "Failed to fetch") {
		t.Fatalf("default: the page's DeleteStream got through: %+v", res)
	}
	if _, err := open.Kinesis().DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("victim")}); err != nil {
		t.Fatalf("the page deleted the stream: %v", err)
	}

	allowed := testserver.Start(t, testserver.WithConfig(func(c *config.Config) { c.CORSAllowOrigins = page.URL }))
	res = call(allowed.URL, "ListStreams", `{}`)
	if !res.Fetched || res.Status != 200 || res.RequestID == nil || *res.RequestID == "" || !strings.Contains(res.Body, `"StreamNames":[]`) {
		t.Fatalf("allowed: %+v", res)
	}
	res = call(allowed.URL, "DescribeStreamSummary", `{"StreamName":"nope"}`)
	if !res.Fetched || res.Status != 400 || res.ErrorType == nil || *res.ErrorType != "ResourceNotFoundException" {
		t.Fatalf("allowed, an error: %+v", res)
	}
}

// browserTools finds node, Debian's chromium and test/js's node_modules;
// with SLUICE_REQUIRE_BROWSER=1 a missing one fails the test instead of
// skipping it (as in the console's browser tests).
func browserTools(t *testing.T) (node, chromium, dir string) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		testserver.Missing(t, "SLUICE_REQUIRE_BROWSER", format, args...)
	}
	dir = filepath.Join(testserver.RepoRoot(t), "test", "js")
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	if chromium = os.Getenv("CHROMIUM"); chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		missing("no chromium at %s (apt-get install -y chromium)", chromium)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "playwright-core", "package.json")); err != nil {
		missing("%s has no node_modules/playwright-core: run npm ci --prefix test/js", dir)
	}
	return node, chromium, dir
}
