// Package config holds Sluice's settings. Every setting is a flag
// (--data-dir), an environment variable (SLUICE_DATA_DIR) and a key of the
// optional JSON config file ("data-dir"); a flag beats the environment,
// which beats the file, which beats the default.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Auth modes.
const (
	AuthOpen  = "open"
	AuthSigV4 = "sigv4"
)

// Config is the server's configuration.
type Config struct {
	Listen    string
	DataDir   string
	Region    string
	AccountID string

	CreateDelay time.Duration
	DeleteDelay time.Duration
	UpdateDelay time.Duration

	Auth        string
	Credentials string

	ShardLimit          int
	OnDemandStreamLimit int

	// Limits switches AWS's throughput and call-rate limits on or off.
	Limits string

	// TLS: a certificate and key, or a self-signed certificate made in the
	// data directory; TLSListen serves TLS on its own port beside Listen.
	TLSCert       string
	TLSKey        string
	TLSSelfSigned bool
	TLSListen     string

	// On-demand scaling policy.
	ScaleInterval  time.Duration
	ScaleUpAfter   time.Duration
	ScaleDownAfter time.Duration

	// S3Endpoint is where Firehose delivers objects (an S3-compatible
	// endpoint); empty delivers to <DataDir>/s3/<bucket>/<key>.
	S3Endpoint  string
	S3Region    string
	S3AccessKey string
	S3SecretKey string
	// S3PathStyle addresses buckets as endpoint/bucket (MinIO, versitygw).
	S3PathStyle bool

	// LambdaEndpoint is a Lambda-compatible endpoint (Invoke API) that
	// Firehose's data transformation calls; empty refuses Lambda processors.
	LambdaEndpoint string

	// GlueTables is the JSON file of Glue tables Firehose's record format
	// conversion takes schemas from (Sluice has no Glue).
	GlueTables string

	// FirehoseCAFile is a PEM file of CA certificates the Firehose
	// destinations reached over HTTPS trust besides the system's.
	FirehoseCAFile string

	// KMSKeyFile is the local key file of server-side encryption's master
	// keys (empty: <DataDir>/keys.json). KMSEndpoint, when set, is an AWS
	// KMS API endpoint that holds them instead, reached with KMSRegion and
	// the KMSAccessKey/KMSSecretKey credentials.
	KMSKeyFile   string
	KMSEndpoint  string
	KMSRegion    string
	KMSAccessKey string
	KMSSecretKey string

	// PublicURL is the base URL (http(s)://host[:port]) Sluice hands out
	// for itself: Video Streams' GetDataEndpoint and signaling channel
	// endpoints. Empty: the URL each request came in on.
	PublicURL string

	// DebugListen serves Go's profiler (/debug/pprof/) on its own address.
	DebugListen string

	// MaxInflightBytes bounds the request bodies held in memory at once,
	// across all requests: a body waits for room before it is read.
	MaxInflightBytes int64
	// CORSAllowOrigins lists the web origins (comma-separated, or "*")
	// whose pages may call the API from a browser; empty allows none.
	// CORSOrigins parses it.
	CORSAllowOrigins string

	// Hostile input. ReadHeaderTimeout bounds how long a client may take
	// to send a request's headers (and a TLS handshake); IdleTimeout how
	// long a connection with no request in progress is kept; BodyTimeout
	// how long a client may take to send an API request's body (waiting
	// for room in MaxInflightBytes included; PutMedia's endless body has
	// its own limits). MaxHeaderBytes bounds a request's headers.
	ReadHeaderTimeout time.Duration
	IdleTimeout       time.Duration
	BodyTimeout       time.Duration
	MaxHeaderBytes    int64
	// MaxConnections bounds the connections open at once (0: no bound);
	// HTTP2MaxConcurrentStreams the requests open at once on one HTTP/2
	// connection.
	MaxConnections            int
	HTTP2MaxConcurrentStreams int
	// KeyRateLimit is each access key's request rate (requests a second;
	// 0: no limit), with bursts of KeyRateBurst (0: the rate).
	KeyRateLimit float64
	KeyRateBurst int

	// AuditLog is the file of the audit log (empty: no audit log), rotated
	// at AuditLogMaxBytes.
	AuditLog         string
	AuditLogMaxBytes int64

	// SyncInterval 0 fsyncs before acknowledging a write (durable); > 0
	// acknowledges after write(2) and fsyncs every interval.
	SyncInterval time.Duration

	LogLevel  string
	LogFormat string

	// Cluster is cluster mode (off unless Cluster.Etcd is set).
	Cluster Cluster
}

// Defaults returns the configuration `sluice` runs with when nothing is set.
func Defaults() Config {
	return Config{
		Listen:              "127.0.0.1:4567",
		DataDir:             "./data",
		Region:              "us-east-1",
		AccountID:           "000000000000",
		CreateDelay:         500 * time.Millisecond,
		DeleteDelay:         500 * time.Millisecond,
		UpdateDelay:         500 * time.Millisecond,
		Auth:                AuthOpen,
		ShardLimit:          20000,
		OnDemandStreamLimit: 50,
		LogLevel:            "info",
		LogFormat:           "text",
		Limits:              LimitsOn,
		ScaleInterval:       10 * time.Second,
		ScaleUpAfter:        time.Minute,
		ScaleDownAfter:      time.Hour,
		S3Region:            "us-east-1",
		S3PathStyle:         true,
		MaxInflightBytes:    256 << 20,

		ReadHeaderTimeout:         10 * time.Second,
		IdleTimeout:               2 * time.Minute,
		BodyTimeout:               2 * time.Minute,
		MaxHeaderBytes:            64 << 10,
		MaxConnections:            4096,
		HTTP2MaxConcurrentStreams: 250,
		AuditLogMaxBytes:          64 << 20,

		Cluster: Cluster{Prefix: DefaultClusterPrefix, FlushInterval: DefaultFlushInterval, LeaseTTL: DefaultLeaseTTL, RebalanceInterval: DefaultRebalanceInterval},
	}
}

// minInflightBytes is the least MaxInflightBytes: the largest request body
// Sluice accepts (16 MiB), so that every body can be read.
const minInflightBytes = 16 << 20

// Limits settings.
const (
	LimitsOn  = "on"
	LimitsOff = "off"
)

// TLS reports whether TLS is configured.
func (c Config) TLS() bool { return c.TLSSelfSigned || c.TLSCert != "" }

var (
	accountRE = regexp.MustCompile(`^\d{12}$`)
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)
)

// Validate reports every problem with c.
func (c Config) Validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen: %q is not host:port", c.Listen))
	}
	if c.DataDir == "" {
		errs = append(errs, errors.New("data-dir: must not be empty"))
	}
	if !regionRE.MatchString(c.Region) {
		errs = append(errs, fmt.Errorf("region: %q is not an AWS region name", c.Region))
	}
	if !accountRE.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("account-id: %q is not 12 digits", c.AccountID))
	}
	for name, d := range map[string]time.Duration{"create-delay": c.CreateDelay, "delete-delay": c.DeleteDelay, "update-delay": c.UpdateDelay, "sync-interval": c.SyncInterval} {
		if d < 0 {
			errs = append(errs, fmt.Errorf("%s: must not be negative", name))
		}
	}
	switch c.Auth {
	case AuthOpen:
	case AuthSigV4:
		if c.Credentials == "" {
			errs = append(errs, errors.New("credentials: --auth sigv4 needs a credentials file"))
		}
	default:
		errs = append(errs, fmt.Errorf("auth: %q is neither %q nor %q", c.Auth, AuthOpen, AuthSigV4))
	}
	if c.ShardLimit < 1 {
		errs = append(errs, errors.New("shard-limit: must be at least 1"))
	}
	if c.OnDemandStreamLimit < 1 {
		errs = append(errs, errors.New("on-demand-stream-limit: must be at least 1"))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("log-level: %q is not debug, info, warn or error", c.LogLevel))
	}
	switch c.Limits {
	case LimitsOn, LimitsOff:
	default:
		errs = append(errs, fmt.Errorf("limits: %q is neither on nor off", c.Limits))
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		errs = append(errs, errors.New("tls-cert, tls-key: give both or neither"))
	}
	if c.TLSCert != "" && c.TLSSelfSigned {
		errs = append(errs, errors.New("tls-self-signed: not with --tls-cert"))
	}
	if c.TLSListen != "" {
		if !c.TLS() {
			errs = append(errs, errors.New("tls-listen: needs --tls-cert/--tls-key or --tls-self-signed"))
		}
		if _, _, err := net.SplitHostPort(c.TLSListen); err != nil {
			errs = append(errs, fmt.Errorf("tls-listen: %q is not host:port", c.TLSListen))
		}
	}
	for name, d := range map[string]time.Duration{"on-demand-scale-interval": c.ScaleInterval, "on-demand-scale-up-after": c.ScaleUpAfter, "on-demand-scale-down-after": c.ScaleDownAfter} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s: must be positive", name))
		}
	}
	if c.MaxInflightBytes < minInflightBytes {
		errs = append(errs, fmt.Errorf("max-inflight-bytes: %d is less than the largest request body, 16MiB", c.MaxInflightBytes))
	}
	for name, d := range map[string]time.Duration{"read-header-timeout": c.ReadHeaderTimeout, "idle-timeout": c.IdleTimeout, "body-timeout": c.BodyTimeout} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s: must be positive", name))
		}
	}
	if c.MaxHeaderBytes < 4<<10 || c.MaxHeaderBytes > 16<<20 {
		errs = append(errs, fmt.Errorf("max-header-bytes: %d is outside 4KiB to 16MiB", c.MaxHeaderBytes))
	}
	if c.MaxConnections < 0 {
		errs = append(errs, errors.New("max-connections: must not be negative (0: no bound)"))
	}
	if c.HTTP2MaxConcurrentStreams < 1 || c.HTTP2MaxConcurrentStreams > 1<<20 {
		errs = append(errs, fmt.Errorf("http2-max-concurrent-streams: %d is outside 1 to 1048576", c.HTTP2MaxConcurrentStreams))
	}
	if c.KeyRateLimit < 0 || c.KeyRateBurst < 0 {
		errs = append(errs, errors.New("key-rate-limit, key-rate-burst: must not be negative (0: no limit, the rate)"))
	}
	if c.AuditLogMaxBytes < 64<<10 {
		errs = append(errs, fmt.Errorf("audit-log-max-bytes: %d is less than 64KiB", c.AuditLogMaxBytes))
	}
	if _, err := c.CORSOrigins(); err != nil {
		errs = append(errs, err)
	}
	if c.KMSEndpoint != "" {
		u, err := url.Parse(c.KMSEndpoint)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("kms-endpoint: %q is not an http(s):// URL", c.KMSEndpoint))
		}
		if c.KMSKeyFile != "" {
			errs = append(errs, errors.New("kms-key-file: not with --kms-endpoint (the endpoint holds the keys)"))
		}
	}
	if c.KMSRegion != "" && !regionRE.MatchString(c.KMSRegion) {
		errs = append(errs, fmt.Errorf("kms-region: %q is not an AWS region name", c.KMSRegion))
	}
	if c.PublicURL != "" {
		u, err := url.Parse(strings.TrimSuffix(c.PublicURL, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("public-url: %q is not a base URL such as https://sluice.example.com:4567", c.PublicURL))
		}
	}
	errs = append(errs, c.validateCluster()...)
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("log-format: %q is not text or json", c.LogFormat))
	}
	return errors.Join(errs...)
}

// CORSOrigins parses CORSAllowOrigins: each entry is "*" or an origin as a
// browser sends it, http(s)://host[:port] (a trailing slash is dropped),
// returned in lower case.
func (c Config) CORSOrigins() ([]string, error) {
	var out []string
	for _, entry := range strings.Split(c.CORSAllowOrigins, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if entry == "*" {
			out = append(out, entry)
			continue
		}
		u, err := url.Parse(strings.TrimSuffix(entry, "/"))
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(entry, "?") {
			return nil, fmt.Errorf("cors-allow-origin: %q is not * or an origin such as https://app.example.com:8443", entry)
		}
		out = append(out, strings.ToLower(u.Scheme+"://"+u.Host))
	}
	return out, nil
}
