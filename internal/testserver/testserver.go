// Package testserver starts a real Sluice server on 127.0.0.1:0 with a
// temporary data directory, for tests that drive it through the official
// AWS SDK for Go v2, and builds clients pointed at it.
package testserver

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	firehoseclient "github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalytics"
	"github.com/aws/aws-sdk-go-v2/service/kinesisanalyticsv2"
	"github.com/aws/aws-sdk-go-v2/service/kinesisvideo"

	"sluice/internal/analytics"
	"sluice/internal/analytics/runtime"
	"sluice/internal/awsclient"
	"sluice/internal/config"
	"sluice/internal/firehose"
	"sluice/internal/server"
	"sluice/internal/streams"
	"sluice/internal/video"
	"sluice/internal/video/fragments"
)

// Server is a started test server.
type Server struct {
	*server.Server
	// URL is the endpoint, http://127.0.0.1:port.
	URL string
	// Dir is the data directory.
	Dir string
	// Config is what the server runs with.
	Config config.Config
	// TLSURL is the https endpoint when the server was started WithTLS.
	TLSURL string

	t        testing.TB
	ln       net.Listener
	done     chan error
	servers  int
	stopOnce sync.Once
	// stopCluster stops the nodes of a cluster-mode server.
	stopCluster func()
	// transport is this server's own connection pool, so that one test's
	// server shutting down never touches another's connections.
	transport *http.Transport
}

// Option adjusts a test server before it starts.
type Option func(*options)

type options struct {
	cfg config.Config
	srv server.Options
	tls bool
}

// WithStreams adjusts the Data Streams configuration.
func WithStreams(f func(*streams.Config)) Option {
	return func(o *options) { o.srv.Tune = f }
}

// WithFirehose adjusts the Firehose configuration.
func WithFirehose(f func(*firehose.Config)) Option {
	return func(o *options) { o.srv.TuneFirehose = f }
}

// WithAnalytics adjusts the Data Analytics configuration.
func WithAnalytics(f func(*analytics.Config)) Option {
	return func(o *options) { o.srv.TuneAnalytics = f }
}

// WithRuntime adjusts the runtime that runs Data Analytics applications.
func WithRuntime(f func(*runtime.Config)) Option {
	return func(o *options) { o.srv.TuneRuntime = f }
}

// WithVideo adjusts the Video Streams configuration.
func WithVideo(f func(*video.Config)) Option {
	return func(o *options) { o.srv.TuneVideo = f }
}

// WithFragments adjusts the Video Streams data plane (fragment store,
// PutMedia sessions).
func WithFragments(f func(*fragments.Config)) Option {
	return func(o *options) { o.srv.TuneFragments = f }
}

// VideoClient returns a Kinesis Video Streams (control plane) client for
// us-east-1 with test credentials.
func (s *Server) VideoClient() *kinesisvideo.Client {
	return kinesisvideo.NewFromConfig(s.AWSConfig("us-east-1", "AKIDTEST", "secret"))
}

// AnalyticsClient returns a Kinesis Data Analytics (v1) client for
// us-east-1 with test credentials.
func (s *Server) AnalyticsClient() *kinesisanalytics.Client {
	return kinesisanalytics.NewFromConfig(s.AWSConfig("us-east-1", "AKIDTEST", "secret"))
}

// AnalyticsV2Client returns a Kinesis Data Analytics v2 client for
// us-east-1 with test credentials.
func (s *Server) AnalyticsV2Client() *kinesisanalyticsv2.Client {
	return kinesisanalyticsv2.NewFromConfig(s.AWSConfig("us-east-1", "AKIDTEST", "secret"))
}

// FirehoseClient returns a Firehose client for us-east-1 with test credentials.
func (s *Server) FirehoseClient() *firehoseclient.Client {
	return firehoseclient.NewFromConfig(s.AWSConfig("us-east-1", "AKIDTEST", "secret"))
}

// WithTLS serves TLS (a self-signed certificate) on a second port too.
func WithTLS() Option {
	return func(o *options) { o.tls = true; o.cfg.TLSSelfSigned = true }
}

// WithConfig edits the configuration. Test servers start with zero state
// delays and --limits off; set them here to test them.
func WithConfig(f func(*config.Config)) Option { return func(o *options) { f(&o.cfg) } }

// WithClock injects a clock.
func WithClock(now func() time.Time) Option { return func(o *options) { o.srv.Now = now } }

// WithDir runs on an existing data directory (to test restarts).
func WithDir(dir string) Option { return func(o *options) { o.cfg.DataDir = dir } }

// Start starts a server and stops it when the test ends.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := options{cfg: config.Defaults()}
	o.cfg.DataDir = filepath.Join(t.TempDir(), "data")
	o.cfg.CreateDelay, o.cfg.DeleteDelay, o.cfg.UpdateDelay = 0, 0, 0
	o.cfg.Limits = config.LimitsOff
	for _, f := range opts {
		f(&o)
	}
	o.srv.Config = o.cfg
	if os.Getenv("SLUICE_TEST_LOG") != "" {
		o.srv.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if n := clusterNodes(); n > 0 {
		srv, url, tlsURL, stop := StartCluster(t, n, o.srv)
		s := &Server{Server: srv, URL: url, TLSURL: tlsURL, Dir: o.cfg.DataDir, Config: o.cfg, t: t, stopCluster: stop,
			transport: http.DefaultTransport.(*http.Transport).Clone()}
		t.Cleanup(s.Stop)
		return s
	}
	srv, err := server.New(context.Background(), o.srv)
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	ln, err := srv.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatalf("testserver: %v", err)
	}
	s := &Server{Server: srv, URL: "http://" + ln.Addr().String(), Dir: o.cfg.DataDir, Config: o.cfg, t: t, ln: ln, done: make(chan error, 2),
		transport: http.DefaultTransport.(*http.Transport).Clone()}
	go func() { s.done <- srv.Serve(ln) }()
	s.servers = 1
	if o.tls {
		tln, err := srv.ListenTLS("127.0.0.1:0")
		if err != nil {
			t.Fatalf("testserver: %v", err)
		}
		s.TLSURL = "https://" + tln.Addr().String()
		go func() { s.done <- srv.Serve(tln) }()
		s.servers++
	}
	t.Cleanup(s.Stop)
	return s
}

// Stop shuts the server down cleanly (idempotent).
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		if s.stopCluster != nil {
			s.stopCluster()
			s.transport.CloseIdleConnections()
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := s.Shutdown(ctx); err != nil {
			s.t.Errorf("testserver: shutdown: %v", err)
		}
		for range s.servers {
			<-s.done
		}
		s.transport.CloseIdleConnections()
	})
}

// AWSConfig returns an SDK configuration for the server with static
// credentials (any key works in open auth mode).
func (s *Server) AWSConfig(region, accessKey, secret string) aws.Config {
	return aws.Config{
		Region:       region,
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secret, ""),
		BaseEndpoint: aws.String(s.URL),
		HTTPClient:   &http.Client{Timeout: 30 * time.Second, Transport: awsclient.Transport(s.transport)},
		Retryer:      func() aws.Retryer { return aws.NopRetryer{} },
	}
}

// HTTPClient returns a plain HTTP client on this server's own connection
// pool, for tests that send hand-built requests.
func (s *Server) HTTPClient() *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: s.transport}
}

// Kinesis returns a Kinesis client for us-east-1 with test credentials.
func (s *Server) Kinesis() *kinesis.Client {
	return kinesis.NewFromConfig(s.AWSConfig("us-east-1", "AKIDTEST", "secret"))
}

// TempDir returns a directory for a test that outlives one server (to
// restart on the same data).
func TempDir(t testing.TB) string {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
