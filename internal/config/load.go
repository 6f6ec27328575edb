package config

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// option is one setting: its flag name, help text, and how to set it.
type option struct {
	name string
	help string
	val  flag.Value
}

// EnvName is the environment variable of a flag: SLUICE_ and the flag name
// in upper case with dashes as underscores.
func EnvName(flagName string) string {
	return "SLUICE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func options(c *Config) []option {
	return []option{
		{"listen", "address to serve the AWS APIs on (host:port)", (*stringVal)(&c.Listen)},
		{"data-dir", "directory of the embedded store (created if missing)", (*stringVal)(&c.DataDir)},
		{"region", "default AWS region, used where a request carries none", (*stringVal)(&c.Region)},
		{"account-id", "12-digit account ID of requests in open auth mode", (*stringVal)(&c.AccountID)},
		{"create-delay", "how long a new stream stays CREATING (0: ACTIVE at once)", (*durationVal)(&c.CreateDelay)},
		{"delete-delay", "how long a deleted stream stays DELETING (0: gone at once)", (*durationVal)(&c.DeleteDelay)},
		{"update-delay", "how long an updated stream stays UPDATING (0: ACTIVE at once)", (*durationVal)(&c.UpdateDelay)},
		{"auth", "authentication: open (any well-formed SigV4 signature) or sigv4 (verify against --credentials)", (*stringVal)(&c.Auth)},
		{"credentials", `JSON file of access keys for --auth sigv4: {"keys":[{"accessKeyId":"…","secretAccessKey":"…","accountId":"123456789012"}]}`, (*stringVal)(&c.Credentials)},
		{"shard-limit", "open shards allowed per account and region", (*intVal)(&c.ShardLimit)},
		{"on-demand-stream-limit", "on-demand streams allowed per account and region", (*intVal)(&c.OnDemandStreamLimit)},
		{"limits", "on: enforce AWS's per-shard throughput and control-plane call rates, Firehose's DirectPut quotas per delivery stream, and Video Streams' data-plane limits; off: lift them", (*stringVal)(&c.Limits)},
		{"tls-cert", "PEM certificate to serve TLS with (h2 and HTTP/1.1 by ALPN)", (*stringVal)(&c.TLSCert)},
		{"tls-key", "PEM private key of --tls-cert", (*stringVal)(&c.TLSKey)},
		{"tls-self-signed", "serve TLS with a self-signed certificate for localhost and 127.0.0.1, made in <data-dir>/tls", (*boolVal)(&c.TLSSelfSigned)},
		{"tls-listen", "serve TLS on this host:port beside the plain --listen (without it, --listen itself serves TLS)", (*stringVal)(&c.TLSListen)},
		{"on-demand-scale-interval", "how often on-demand streams are measured for scaling", (*durationVal)(&c.ScaleInterval)},
		{"on-demand-scale-up-after", "how long a shard must write at 80% of its capacity before an on-demand stream splits it", (*durationVal)(&c.ScaleUpAfter)},
		{"on-demand-scale-down-after", "how long two adjacent shards must stay under 10% before an on-demand stream merges them", (*durationVal)(&c.ScaleDownAfter)},
		{"s3-endpoint", "S3-compatible endpoint Firehose delivers to (http(s)://host:port); empty: <data-dir>/s3/<bucket>/<key>", (*stringVal)(&c.S3Endpoint)},
		{"s3-region", "region to sign S3 requests for", (*stringVal)(&c.S3Region)},
		{"s3-access-key", "access key ID for --s3-endpoint", (*stringVal)(&c.S3AccessKey)},
		{"s3-secret-key", "secret access key for --s3-endpoint", (*stringVal)(&c.S3SecretKey)},
		{"s3-path-style", "address buckets as endpoint/bucket/key (MinIO, Ceph, versitygw); false: bucket.endpoint/key", (*boolVal)(&c.S3PathStyle)},
		{"lambda-endpoint", "Lambda-compatible endpoint (the Invoke API, e.g. `sam local start-lambda`) for Firehose data transformation; empty: Lambda processors are refused", (*stringVal)(&c.LambdaEndpoint)},
		{"firehose-ca-file", "PEM file of CA certificates Firehose's HTTP endpoint, OpenSearch and Splunk destinations trust besides the system's (for endpoints with a private CA)", (*stringVal)(&c.FirehoseCAFile)},
		{"glue-tables", "JSON file of Glue tables (as `aws glue get-table --query Table` prints them, or a list of them) that Firehose record format conversion takes its schemas from; empty: conversion is refused", (*stringVal)(&c.GlueTables)},
		{"max-inflight-bytes", "request bodies held in memory at once, across all requests (e.g. 256MiB, 1GiB); a body waits for room before it is read, and gets ServiceUnavailableException after --body-timeout", (*bytesVal)(&c.MaxInflightBytes)},
		{"cors-allow-origin", "web origins (comma-separated, or *) whose pages may call the API from a browser, e.g. http://localhost:3000; empty: no browser page may", (*stringVal)(&c.CORSAllowOrigins)},
		{"kms-key-file", "the local key file of server-side encryption's master keys, created 0600 on first use (default <data-dir>/keys.json); back it up apart from the data (README)", (*stringVal)(&c.KMSKeyFile)},
		{"kms-endpoint", "AWS KMS API endpoint (http(s)://host:port) that holds the master keys instead of the key file: GenerateDataKey, Decrypt and DescribeKey are asked of it", (*stringVal)(&c.KMSEndpoint)},
		{"kms-region", "region to sign --kms-endpoint requests for (default --region)", (*stringVal)(&c.KMSRegion)},
		{"kms-access-key", "access key ID for --kms-endpoint", (*stringVal)(&c.KMSAccessKey)},
		{"kms-secret-key", "secret access key for --kms-endpoint", (*stringVal)(&c.KMSSecretKey)},
		{"public-url", "base URL clients reach this server at (http(s)://host[:port]), handed out by Video Streams' GetDataEndpoint and GetSignalingChannelEndpoint; empty: the URL each request came in on", (*stringVal)(&c.PublicURL)},
		{"debug-listen", "serve Go's profiler (/debug/pprof/) on this host:port (off when empty); keep it on loopback", (*stringVal)(&c.DebugListen)},
		{"read-header-timeout", "how long a client may take to send a request's headers (and its TLS handshake) before the connection is closed", (*durationVal)(&c.ReadHeaderTimeout)},
		{"idle-timeout", "how long a connection with no request in progress is kept open", (*durationVal)(&c.IdleTimeout)},
		{"body-timeout", "how long a client may take to send an API request's body, waiting for room in --max-inflight-bytes included (PutMedia has its own limits)", (*durationVal)(&c.BodyTimeout)},
		{"max-header-bytes", "largest request line and headers a request may have (e.g. 64KiB)", (*bytesVal)(&c.MaxHeaderBytes)},
		{"max-connections", "connections open at once, across listeners; past it a new connection displaces the one waiting longest without a request in progress, or is closed at once if every one is busy (0: no bound)", (*intVal)(&c.MaxConnections)},
		{"http2-max-concurrent-streams", "requests (streams) open at once on one HTTP/2 connection; past it a stream is refused", (*intVal)(&c.HTTP2MaxConcurrentStreams)},
		{"key-rate-limit", "requests a second each access key may make, across all services (0: no limit); past it: ThrottlingException (Video Streams: ClientLimitExceededException)", (*floatVal)(&c.KeyRateLimit)},
		{"key-rate-burst", "requests an access key may make at once above --key-rate-limit (0: the rate)", (*intVal)(&c.KeyRateBurst)},
		{"audit-log", "file of the audit log: a JSON line with CloudTrail's fields per control-plane call and per denied call (empty: no audit log); read it with sluice audit tail", (*stringVal)(&c.AuditLog)},
		{"audit-log-max-bytes", "size past which the audit log is renamed to <audit-log>.1 and a new one started (e.g. 64MiB)", (*bytesVal)(&c.AuditLogMaxBytes)},
		{"sync-interval", "0: fsync before acknowledging every write (durable); >0: acknowledge after write and fsync at this interval (relaxed)", (*durationVal)(&c.SyncInterval)},
		{"cluster-etcd", "etcd client URLs (comma-separated) of a cluster to join; empty: a single node on the embedded store", (*stringVal)(&c.Cluster.Etcd)},
		{"s3-bucket", "cluster mode: the bucket of --s3-endpoint that holds the records", (*stringVal)(&c.Cluster.Bucket)},
		{"node-id", "cluster mode: this node's name (default: the host name)", (*stringVal)(&c.Cluster.NodeID)},
		{"advertise", "cluster mode: base URL the other nodes forward requests to (default: http://<listen>)", (*stringVal)(&c.Cluster.Advertise)},
		{"cluster-prefix", "cluster mode: etcd key prefix and object key prefix of this cluster", (*stringVal)(&c.Cluster.Prefix)},
		{"flush-interval", "cluster mode: how long writes gather into one object before it is written and they are acknowledged (lower: less latency, more objects)", (*durationVal)(&c.Cluster.FlushInterval)},
		{"cluster-rebalance-interval", "cluster mode: how often the owner moves streams between nodes to even out their open shards (0: never; each move pauses the stream briefly)", (*durationVal)(&c.Cluster.RebalanceInterval)},
		{"lease-ttl", "cluster mode: how long a node that stops renewing its etcd lease keeps ownership (whole seconds)", (*durationVal)(&c.Cluster.LeaseTTL)},
		{"etcd-ca", "cluster mode: PEM CA certificates to verify etcd's TLS certificate", (*stringVal)(&c.Cluster.EtcdCA)},
		{"etcd-cert", "cluster mode: PEM client certificate for etcd", (*stringVal)(&c.Cluster.EtcdCert)},
		{"etcd-key", "cluster mode: PEM private key of --etcd-cert", (*stringVal)(&c.Cluster.EtcdKey)},
		{"log-level", "debug, info, warn or error", (*stringVal)(&c.LogLevel)},
		{"log-format", "text or json", (*stringVal)(&c.LogFormat)},
	}
}

// Load builds the configuration from defaults, the config file (--config or
// SLUICE_CONFIG), the environment and args, in rising precedence, and
// validates it. It returns flag.ErrHelp after printing usage for -h/--help.
func Load(args []string, getenv func(string) string, out io.Writer) (Config, error) {
	// First pass: which flags were given, and the config file's path.
	probe := Defaults()
	fs := newFlagSet(&probe, out)
	configPath := fs.String("config", getenv("SLUICE_CONFIG"), "optional JSON config file whose keys are the flag names (env SLUICE_CONFIG)")
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]string{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = f.Value.String() })

	c := Defaults()
	opts := options(&c)
	if *configPath != "" {
		if err := applyFile(*configPath, opts); err != nil {
			return Config{}, err
		}
	}
	for _, o := range opts {
		if v := getenv(EnvName(o.name)); v != "" {
			if err := o.val.Set(v); err != nil {
				return Config{}, fmt.Errorf("%s: %w", EnvName(o.name), err)
			}
		}
	}
	for _, o := range opts {
		if v, ok := given[o.name]; ok {
			if err := o.val.Set(v); err != nil {
				return Config{}, fmt.Errorf("--%s: %w", o.name, err)
			}
		}
	}
	return c, c.Validate()
}

func newFlagSet(c *Config, out io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("sluice", flag.ContinueOnError)
	fs.SetOutput(out)
	for _, o := range options(c) {
		fs.Var(o.val, o.name, o.help+" (env "+EnvName(o.name)+")")
	}
	fs.Usage = func() {
		fmt.Fprintf(out, "Usage: sluice [serve] [flags]\n\nSluice serves AWS Kinesis APIs on one port, backed by a durable embedded store.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

func applyFile(path string, opts []option) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	known := map[string]flag.Value{}
	for _, o := range opts {
		known[o.name] = o.val
	}
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var errs []error
	for _, k := range keys {
		v, ok := known[k]
		if !ok {
			errs = append(errs, fmt.Errorf("config file %s: unknown key %q", path, k))
			continue
		}
		var s string
		switch x := raw[k].(type) {
		case string:
			s = x
		case float64:
			s = strconv.FormatFloat(x, 'f', -1, 64)
		case bool:
			s = strconv.FormatBool(x)
		default:
			errs = append(errs, fmt.Errorf("config file %s: %q must be a string or number", path, k))
			continue
		}
		if err := v.Set(s); err != nil {
			errs = append(errs, fmt.Errorf("config file %s: %q: %w", path, k, err))
		}
	}
	return errors.Join(errs...)
}

type stringVal string

func (s *stringVal) String() string     { return string(*s) }
func (s *stringVal) Set(v string) error { *s = stringVal(v); return nil }

type boolVal bool

func (b *boolVal) String() string { return strconv.FormatBool(bool(*b)) }
func (b *boolVal) Set(v string) error {
	x, err := strconv.ParseBool(v)
	if err != nil {
		return fmt.Errorf("%q is not true or false", v)
	}
	*b = boolVal(x)
	return nil
}

// IsBoolFlag lets --tls-self-signed stand alone on the command line.
func (b *boolVal) IsBoolFlag() bool { return true }

type intVal int

func (i *intVal) String() string { return strconv.Itoa(int(*i)) }
func (i *intVal) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil {
		return fmt.Errorf("%q is not an integer", v)
	}
	*i = intVal(n)
	return nil
}

type floatVal float64

func (f *floatVal) String() string { return strconv.FormatFloat(float64(*f), 'f', -1, 64) }
func (f *floatVal) Set(v string) error {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return fmt.Errorf("%q is not a number", v)
	}
	*f = floatVal(x)
	return nil
}

// bytesVal is a size: a number of bytes, or one with a KiB, MiB or GiB
// suffix.
type bytesVal int64

var byteUnits = []struct {
	suffix string
	size   int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}, {"", 1}}

func (b *bytesVal) String() string {
	for _, u := range byteUnits[:3] {
		if n := int64(*b); n != 0 && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.suffix
		}
	}
	return strconv.FormatInt(int64(*b), 10)
}

func (b *bytesVal) Set(v string) error {
	for _, u := range byteUnits {
		digits, ok := strings.CutSuffix(strings.TrimSpace(v), u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(digits), 10, 64)
		if err != nil || n < 0 || n > (1<<62)/u.size {
			break
		}
		*b = bytesVal(n * u.size)
		return nil
	}
	return fmt.Errorf("%q is not a size (e.g. 268435456, 256MiB, 1GiB)", v)
}

type durationVal time.Duration

func (d *durationVal) String() string { return time.Duration(*d).String() }
func (d *durationVal) Set(v string) error {
	if n, err := strconv.Atoi(v); err == nil {
		// A bare number is milliseconds, as kinesalite's --createStreamMs.
		*d = durationVal(time.Duration(n) * time.Millisecond)
		return nil
	}
	x, err := time.ParseDuration(v)
	if err != nil {
		return fmt.Errorf("%q is not a duration (e.g. 500ms, 2s)", v)
	}
	*d = durationVal(x)
	return nil
}
