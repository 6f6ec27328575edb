package client

import (
	"crypto/tls"
	"errors"
	"flag"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"

	"sluice/internal/awsclient"
)

// DefaultEndpoint is where the commands connect without --endpoint or
// SLUICE_ENDPOINT.
const DefaultEndpoint = "http://127.0.0.1:4567"

// conn holds the flags every client command shares: where the server is,
// who we are, and which stream.
type conn struct {
	endpoint  string
	region    string
	accessKey string
	secretKey string
	token     string
	insecure  bool
	stream    string
	streamARN string
}

// register adds the shared flags to fs, with defaults from the environment.
func (c *conn) register(fs *flag.FlagSet) {
	c.registerEndpoint(fs)
	fs.StringVar(&c.stream, "stream", "", "stream name")
	fs.StringVar(&c.streamARN, "stream-arn", "", "stream ARN (instead of --stream)")
}

// registerEndpoint adds the flags of where and who: all but the stream's.
func (c *conn) registerEndpoint(fs *flag.FlagSet) {
	fs.StringVar(&c.endpoint, "endpoint", envOr(DefaultEndpoint, "SLUICE_ENDPOINT"), "Kinesis endpoint URL (env SLUICE_ENDPOINT)")
	fs.StringVar(&c.region, "region", "", "AWS region to sign for (default: the --stream-arn's, else AWS_REGION, AWS_DEFAULT_REGION or us-east-1)")
	fs.StringVar(&c.accessKey, "access-key", "", "access key ID (default AWS_ACCESS_KEY_ID; Sluice's open auth accepts any)")
	fs.StringVar(&c.secretKey, "secret-key", "", "secret access key (default AWS_SECRET_ACCESS_KEY)")
	fs.BoolVar(&c.insecure, "insecure", false, "do not verify the server's TLS certificate (for --tls-self-signed servers)")
}

// check validates the shared flags after parsing and fills in defaults.
func (c *conn) check() error {
	switch {
	case c.stream == "" && c.streamARN == "":
		return errors.New("--stream or --stream-arn is required")
	case c.stream != "" && c.streamARN != "":
		return errors.New("give --stream or --stream-arn, not both")
	}
	return c.checkEndpoint()
}

// checkEndpoint validates the endpoint and credential flags and fills in
// their defaults.
func (c *conn) checkEndpoint() error {
	if c.endpoint == "" {
		return errors.New("--endpoint is empty")
	}
	if !strings.Contains(c.endpoint, "://") {
		c.endpoint = "http://" + c.endpoint
	}
	if c.region == "" {
		c.region = arnRegion(c.streamARN)
	}
	if c.region == "" {
		c.region = envOr("us-east-1", "AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if c.accessKey == "" && c.secretKey == "" {
		c.accessKey, c.secretKey = os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
		c.token = os.Getenv("AWS_SESSION_TOKEN")
	}
	if c.accessKey == "" {
		c.accessKey, c.secretKey, c.token = "sluice", "sluice", ""
	}
	return nil
}

// name is how messages refer to the stream.
func (c *conn) name() string {
	if c.stream != "" {
		return c.stream
	}
	return c.streamARN
}

// streamName and arn are the values for the SDK's StreamName and
// StreamARN inputs: exactly one is non-nil.
func (c *conn) streamName() *string { return optional(c.stream) }
func (c *conn) arn() *string        { return optional(c.streamARN) }

// client builds a Kinesis client with its own connection pool, and a
// function that closes the pool's idle connections. Calls that fail with a
// retryable error (throttling, 5xx, broken connections) are retried by the
// SDK up to 5 attempts, unless made with noRetries.
func (c *conn) client() (*kinesis.Client, func()) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	tr.ResponseHeaderTimeout = 30 * time.Second
	if c.insecure {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true}
	}
	cfg := aws.Config{
		Region:       c.region,
		Credentials:  credentials.NewStaticCredentialsProvider(c.accessKey, c.secretKey, c.token),
		BaseEndpoint: aws.String(c.endpoint),
		HTTPClient:   &http.Client{Transport: awsclient.Transport(tr)}, // see awsclient
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = 5
				o.MaxBackoff = 5 * time.Second
				o.RateLimiter = ratelimit.None
			})
		},
	}
	return kinesis.NewFromConfig(cfg), tr.CloseIdleConnections
}

// arnRegion returns the region of arn:aws:kinesis:REGION:ACCOUNT:stream/NAME.
func arnRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

func envOr(def string, names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return def
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
