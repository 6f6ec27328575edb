package console_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"sluice/internal/config"
	"sluice/internal/firehose"
	"sluice/internal/testserver"
)

// logWhenActive logs one delivery error of delivery stream name (as the
// deliverer would) once the console has created it and it is ACTIVE.
func logWhenActive(t *testing.T, srv *testserver.Server, errs firehose.ErrorLog, name string) {
	c := firehose.Caller{Account: srv.Config.AccountID, Region: srv.Config.Region}
	for t.Context().Err() == nil {
		if ds, err := srv.Firehose().DescribeDeliveryStream(c, name); err == nil && ds.Status == firehose.StatusActive {
			errs.Log(firehose.DeliveryError{
				Time: time.Now(), DeliveryStreamARN: ds.ARN(), Destination: "arn:aws:s3:::console-bucket", DeliveryStreamVersionID: ds.Version,
				ErrorCode: "S3.NoSuchBucket", Message: "The specified bucket does not exist. Create the bucket or use a different bucket that does exist.",
			})
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// browserTools finds node, Debian's chromium and test/js (playwright-core
// and the AWS SDK for JavaScript). `make test` installs them; with
// SLUICE_REQUIRE_BROWSER=1 a missing one fails the test instead of skipping.
func browserTools(t *testing.T) (node, chromium, dir string) {
	t.Helper()
	missing := func(format string, args ...any) {
		t.Helper()
		testserver.Missing(t, "SLUICE_REQUIRE_BROWSER", format, args...)
	}
	root := testserver.RepoRoot(t)
	dir = filepath.Join(root, "test", "js")
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
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

// runConsoleScript runs test/js/console.mjs against url; its screenshots go
// to test/output/console-<mode>/ (kept after the test, for people to look at).
func runConsoleScript(t *testing.T, url, mode string, env ...string) {
	runBrowserScript(t, "console.mjs", url, mode, env...)
}

// runBrowserScript runs a test/js script that walks the console, as
// runConsoleScript does.
func runBrowserScript(t *testing.T, script, url, mode string, env ...string) {
	node, chromium, dir := browserTools(t)
	shots := filepath.Join(dir, "..", "output", "console-"+mode)
	os.RemoveAll(shots)
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(t.Context(), node, script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), append([]string{"SLUICE_ENDPOINT=" + url, "SLUICE_MODE=" + mode, "CHROMIUM=" + chromium, "SCREENSHOTS=" + shots}, env...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil || stdout.String() != "ok\n" {
		t.Fatalf("%s (%s): %v\nstdout:\n%s\nstderr:\n%s\nscreenshots: %s", script, mode, err, stdout.String(), stderr.String(), shots)
	}
	t.Logf("screenshots in %s", shots)
}

// TestBrowserDataStreamsFlow walks the console in Chromium: Data streams →
// Create data stream → name → Provisioned → Create → Creating → Active, then
// the data viewer, charts, configuration, shards, fan-out, delete, and the
// create flow by keyboard alone.
func TestBrowserDataStreamsFlow(t *testing.T) {
	browserTools(t)
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.CreateDelay = 2 * time.Second // long enough to see "Creating"
		c.Limits = config.LimitsOn
	}))
	runConsoleScript(t, srv.URL, "open")
}

// TestBrowserSigV4SignIn: a wrong secret is refused, the right one signs
// in, and requests without the session or its CSRF token are refused.
func TestBrowserSigV4SignIn(t *testing.T) {
	browserTools(t)
	srv := sigv4Server(t)
	runConsoleScript(t, srv.URL, "sigv4", "SLUICE_KEY=AKIDCONSOLE", "SLUICE_SECRET=right-secret")
}

// TestBrowserFirehoseFlow walks the Firehose pages in Chromium: Firehose
// streams → Create Firehose stream → Creating → Active → a delivery error in
// Recent delivery failures → Send test record → the delivered object in the
// object browser → charts → Delete.
func TestBrowserFirehoseFlow(t *testing.T) {
	browserTools(t)
	var errs firehose.ErrorLog
	srv := testserver.Start(t, testserver.WithConfig(func(c *config.Config) {
		c.CreateDelay, c.DeleteDelay = 2*time.Second, 500*time.Millisecond
	}), testserver.WithFirehose(func(c *firehose.Config) { errs = c.Errors }))
	go logWhenActive(t, srv, errs, "console-fh")
	runConsoleScript(t, srv.URL, "firehose")
	objects, _ := filepath.Glob(filepath.Join(srv.Dir, "s3", "console-bucket", "*", "*", "*", "*", "console-fh-1-*"))
	if len(objects) != 1 {
		t.Fatalf("objects delivered: %v, want 1", objects)
	}
	if b, _ := os.ReadFile(objects[0]); string(b) != "hello from the firehose console\n" {
		t.Fatalf("object = %q", b)
	}
}
