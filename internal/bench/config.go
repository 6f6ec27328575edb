package bench

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
)

// workloads are the workload names, in the order -h lists them.
var workloads = []string{"put", "putrecords", "get", "subscribe", "e2e", "shards", "firehose", "analytics-filter", "analytics-window", "video-put", "video-live", "video-store"}

// analyticsWorkload reports whether a workload runs a Data Analytics
// application.
func analyticsWorkload(name string) bool {
	return name == "analytics-filter" || name == "analytics-window"
}

// Config is one benchmark run's settings; the flags of `sluice bench`.
type Config struct {
	Workload string

	// The endpoint and how to sign for it.
	Endpoint  string
	Region    string
	AccessKey string
	SecretKey string
	Insecure  bool // skip TLS certificate verification

	// The streams.
	Stream  string // name prefix
	Keep    bool   // leave the streams (and consumer) behind
	Streams int    // streams (shards workload only)
	Shards  int    // shards per stream

	// The load.
	RecordSize  int
	Batch       int
	Concurrency int
	Rate        float64 // requests/s in all; 0: unbounded
	Duration    time.Duration
	Warmup      time.Duration
	Timeout     time.Duration // per call
	Backoff     time.Duration // pause after a failed call

	// Workload specifics.
	Preload         int           // get, analytics throughput: records written first (0: automatic)
	Limit           int           // get, e2e, shards: GetRecords Limit
	PollInterval    time.Duration // e2e: pause after an empty GetRecords
	RecordsPerShard int           // shards

	// Data Analytics (analytics-filter, analytics-window).
	Window      time.Duration // the tumbling window's STEP (whole seconds)
	Tickers     int           // distinct TICKER_SYMBOL values
	Selectivity int           // percent of the input rows the filter passes
	RoleARN     string        // the application's role (Sluice takes any)

	// Video Streams (video-put, video-live, video-store).
	Bitrate         float64       // bits/s of each producer's media
	Fragment        time.Duration // a fragment's (cluster's) duration
	FPS             int           // frames a second
	StreamProducers int           // producers per stream
	VideoHours      float64       // video-store: hours of video stored
	Clip            time.Duration // video-store: each GetClip's range

	JSON       bool
	Label      string // names the server in -json output, for bench table
	ServerPID  int    // measure this process's CPU time (Linux /proc)
	CPUProfile string // write the client's CPU profile here

	// GOGC is the load client's garbage-collection target (Go's GOGC, as a
	// percentage; negative turns collection off). The SDK allocates for
	// every record it encodes or decodes, and on a machine the client
	// shares with the server, collecting less often leaves more CPU for
	// the server under test. It applies to the client process only.
	GOGC int

	// MaxSamples bounds the latency samples kept per phase.
	MaxSamples int
}

// Defaults returns the settings of a bare `sluice bench put`.
func Defaults() Config {
	return Config{
		Workload:        "put",
		Endpoint:        "http://127.0.0.1:4567",
		Region:          "us-east-1",
		AccessKey:       "local",
		SecretKey:       "local",
		Stream:          "sluice-bench",
		Streams:         1,
		Shards:          4,
		RecordSize:      1024,
		Batch:           500,
		Concurrency:     16,
		Duration:        10 * time.Second,
		Warmup:          2 * time.Second,
		Timeout:         10 * time.Second,
		Limit:           10000,
		RecordsPerShard: 100,
		Window:          time.Second,
		Tickers:         500,
		Selectivity:     10,
		RoleARN:         "arn:aws:iam::000000000000:role/sluice-bench",
		Bitrate:         2e6,
		Fragment:        2 * time.Second,
		FPS:             25,
		StreamProducers: 1,
		VideoHours:      1,
		Clip:            time.Minute,
		MaxSamples:      2_000_000,
		GOGC:            DefaultGOGC,
	}
}

// DefaultGOGC is -gogc's default. Profiles of the load client showed
// collection (and the zeroing of the SDK's pooled buffers that each
// collection drops) at a fifth of its CPU with Go's default of 100; at 400
// the client needs 20-25% less CPU per record, and more than 400 gains
// nothing measurable (docs/benchmarks.md).
const DefaultGOGC = 400

// workloadDefaults are the settings a workload changes when their flags are
// not given: subscribe and e2e measure latency at a steady rate, shards is
// about many shards, and the Data Analytics workloads measure latency with
// -rate, one record a call and every row passing the filter.
func (c *Config) workloadDefaults(set map[string]bool) {
	if analyticsWorkload(c.Workload) && c.Rate > 0 {
		if !set["batch"] {
			c.Batch = 1
		}
		if !set["selectivity"] {
			c.Selectivity = 100
		}
	}
	switch c.Workload {
	case "subscribe", "e2e":
		if !set["rate"] {
			c.Rate = 1000
		}
	case "video-put", "video-live":
		if !set["concurrency"] {
			c.Concurrency = 50
		}
		if !set["warmup"] {
			c.Warmup = 2 * c.Fragment // every producer has started
		}
	case "video-store":
		if !set["concurrency"] {
			c.Concurrency = 2
		}
	case "shards":
		if !set["streams"] {
			c.Streams = 10
		}
		if !set["shards"] {
			c.Shards = 100
		}
	}
}

var streamName = regexp.MustCompile(`^[a-zA-Z0-9_.-]{1,100}$`)

// Validate reports every invalid setting.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !slices.Contains(workloads, c.Workload) {
		bad("workload %q is none of %s", c.Workload, strings.Join(workloads, ", "))
	}
	if u, err := url.Parse(c.Endpoint); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("endpoint %q is not an http:// or https:// URL", c.Endpoint)
	}
	if c.Region == "" {
		bad("region is empty")
	}
	if !streamName.MatchString(c.Stream) {
		bad("stream prefix %q: 1-100 characters of a-z, A-Z, 0-9, _ . -", c.Stream)
	}
	if c.Streams < 1 || c.Shards < 1 {
		bad("streams and shards must be at least 1")
	}
	if c.Streams > 1 && c.Workload != "shards" {
		bad("streams: only the shards workload uses several streams")
	}
	minSize := 1
	if c.Workload == "subscribe" || c.Workload == "e2e" {
		minSize = 8 // the send time
	}
	if analyticsWorkload(c.Workload) {
		minSize = 1 // unused: the records are the demo stream's JSON
	}
	if c.RecordSize < minSize || c.RecordSize > 10<<20 {
		bad("record-size %d: must be %d to %d bytes", c.RecordSize, minSize, 10<<20)
	}
	if c.Batch < 1 || c.Batch > 500 {
		bad("batch %d: must be 1 to 500", c.Batch)
	}
	if c.Concurrency < 1 {
		bad("concurrency must be at least 1")
	}
	if c.Rate < 0 {
		bad("rate must not be negative")
	}
	if c.Duration <= 0 || c.Warmup < 0 || c.Timeout <= 0 || c.Backoff < 0 || c.PollInterval < 0 {
		bad("duration and timeout must be positive; warmup, backoff and poll-interval not negative")
	}
	if c.Preload < 0 || c.RecordsPerShard < 1 {
		bad("preload must not be negative, records-per-shard must be at least 1")
	}
	if c.Limit < 1 || c.Limit > 10000 {
		bad("limit %d: must be 1 to 10000", c.Limit)
	}
	if c.Window < time.Second || c.Window > time.Hour || c.Window%time.Second != 0 {
		bad("window %v: must be whole seconds, 1s to 1h", c.Window)
	}
	if c.Tickers < 1 || c.Tickers > maxTickers {
		bad("tickers %d: must be 1 to %d", c.Tickers, maxTickers)
	}
	if c.Selectivity < 0 || c.Selectivity > 100 {
		bad("selectivity %d: must be 0 to 100 (percent)", c.Selectivity)
	}
	if c.RoleARN == "" {
		bad("role-arn is empty")
	}
	if c.Bitrate < 10_000 || c.Bitrate > 1e9 {
		bad("bitrate %g: must be 10,000 to 1,000,000,000 bits/s", c.Bitrate)
	}
	if c.Fragment < 100*time.Millisecond || c.Fragment > 10*time.Second {
		bad("fragment %v: must be 100ms to 10s (PutMedia refuses longer fragments)", c.Fragment)
	}
	if c.FPS < 1 || c.FPS > 240 {
		bad("fps %d: must be 1 to 240", c.FPS)
	}
	if c.StreamProducers < 1 || c.StreamProducers > c.Concurrency {
		bad("stream-producers %d: must be 1 to -concurrency", c.StreamProducers)
	}
	if c.VideoHours <= 0 || c.VideoHours > 24 {
		bad("video-hours %g: must be more than 0 and at most 24 (the streams' retention)", c.VideoHours)
	}
	if c.Clip < time.Second || c.Clip > time.Hour {
		bad("clip %v: must be 1s to 1h", c.Clip)
	}
	if c.MaxSamples < 1 {
		bad("max samples must be at least 1")
	}
	return errors.Join(errs...)
}

const usage = `usage: sluice bench [flags] WORKLOAD [flags]

Load-tests a Kinesis endpoint (Sluice, kinesalite, kinesis-local, AWS) with
aws-sdk-go-v2, SDK retries off, and reports throughput, latency and errors
by AWS error code. Workloads:

  put         PutRecord, random partition keys over all shards
  putrecords  PutRecords batches of -batch records
  get         preload records, then GetRecords from TRIM_HORIZON over all shards
  subscribe   PutRecord at -rate (default 1000/s) -> SubscribeToShard event latency
  e2e         PutRecord at -rate (default 1000/s) -> GetRecords polling latency
  shards      -streams x -shards (default 10 x 100): create, write every shard
              (ExplicitHashKey), read every shard back and verify the counts
  firehose    PutRecordBatch to a DirectPut delivery stream delivering to S3
  analytics-filter, analytics-window
              a Data Analytics SQL application (the guide's continuous filter,
              or its tumbling window of MIN/MAX per ticker per -window) from a
              source stream to a destination stream of demo ticker records
              (JSON of ~75 bytes: -record-size does not apply).
              Without -rate: -preload records, then the time the application
              takes to drain them from TRIM_HORIZON (its processing rate), then
              PutRecords as fast as the clients can while it runs and how far
              behind it is when they stop. With -rate: PutRecord (or -batch)
              calls at -rate -> the application -> SubscribeToShard latency.
              -server-pid adds the server's memory (RSS) over the run.
  video-put   Kinesis Video PutMedia: -concurrency producers (default 50),
              -stream-producers per stream, each sending -bitrate of
              synthetic H.264 at a real-time pace in -fragment fragments:
              last byte -> PERSISTED ACK latency, BUFFERING -> PERSISTED,
              ERROR ACKs
  video-live  video-put with a GetMedia reader per stream from NOW:
              PERSISTED ACK -> the fragment's chunk read by the reader
  video-store store -video-hours of video as fast as the server takes it
              (ABSOLUTE timecodes), while -concurrency readers (default 2)
              fetch HLS ON_DEMAND segments and GetClip clips of -clip over
              the range stored; -server-pid adds the server's RSS over it

For throughput runs against Sluice, start the server with --limits off.

Flags:
`

// parseFlags parses the command line: flags before and after the workload.
func parseFlags(args []string, stderr io.Writer) (Config, error) {
	c := Defaults()
	fs := flag.NewFlagSet("sluice bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	fs.StringVar(&c.Endpoint, "endpoint", c.Endpoint, "Kinesis endpoint URL")
	fs.StringVar(&c.Region, "region", c.Region, "region to sign for")
	fs.StringVar(&c.AccessKey, "access-key", c.AccessKey, "access key ID (static credentials)")
	fs.StringVar(&c.SecretKey, "secret-key", c.SecretKey, "secret access key")
	fs.BoolVar(&c.Insecure, "insecure", c.Insecure, "skip TLS certificate verification (self-signed https endpoints)")
	fs.StringVar(&c.Stream, "stream", c.Stream, "stream name prefix")
	fs.BoolVar(&c.Keep, "keep", c.Keep, "keep the streams (and consumer) at the end instead of deleting them")
	fs.IntVar(&c.Streams, "streams", c.Streams, "streams (the shards workload only, where the default is 10)")
	fs.IntVar(&c.Shards, "shards", c.Shards, "shards per stream (100 by default for the shards workload)")
	fs.IntVar(&c.RecordSize, "record-size", c.RecordSize, "record data size in bytes")
	fs.IntVar(&c.Batch, "batch", c.Batch, "records per PutRecords call (putrecords, get's preload, shards, analytics; 1 for analytics with -rate: PutRecord)")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "client goroutines (producers for subscribe and e2e)")
	fs.Float64Var(&c.Rate, "rate", c.Rate, "cap on requests/s in all, on a fixed schedule (0: unbounded; 1000 for subscribe and e2e)")
	fs.DurationVar(&c.Duration, "duration", c.Duration, "measured time")
	fs.DurationVar(&c.Warmup, "warmup", c.Warmup, "unmeasured time before it")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "per-call timeout (counted as Timeout)")
	fs.DurationVar(&c.Backoff, "backoff", c.Backoff, "pause a goroutine this long after a failed call (0: none)")
	fs.IntVar(&c.Preload, "preload", c.Preload, "get: records written before reading (0: 10,000 per shard, at most 256 MiB); analytics without -rate: the backlog (0: 1,000,000)")
	fs.IntVar(&c.Limit, "limit", c.Limit, "GetRecords Limit")
	fs.DurationVar(&c.PollInterval, "poll-interval", c.PollInterval, "e2e: pause after an empty GetRecords (0: poll back to back)")
	fs.IntVar(&c.RecordsPerShard, "records-per-shard", c.RecordsPerShard, "shards: records written to every shard")
	fs.DurationVar(&c.Window, "window", c.Window, "analytics-window: the tumbling window (STEP), whole seconds")
	fs.IntVar(&c.Tickers, "tickers", c.Tickers, "analytics: distinct ticker symbols (the window's groups)")
	fs.IntVar(&c.Selectivity, "selectivity", c.Selectivity, "analytics-filter: percent of the input rows the filter passes (100 with -rate)")
	fs.StringVar(&c.RoleARN, "role-arn", c.RoleARN, "analytics: the IAM role the application reads and writes with (AWS needs a real one)")
	fs.Float64Var(&c.Bitrate, "bitrate", c.Bitrate, "video: each producer's bits/s")
	fs.DurationVar(&c.Fragment, "fragment", c.Fragment, "video: a fragment's duration (one cluster, led by a key frame)")
	fs.IntVar(&c.FPS, "fps", c.FPS, "video: frames a second")
	fs.IntVar(&c.StreamProducers, "stream-producers", c.StreamProducers, "video-put, video-live: PutMedia producers per stream")
	fs.Float64Var(&c.VideoHours, "video-hours", c.VideoHours, "video-store: hours of video to store")
	fs.DurationVar(&c.Clip, "clip", c.Clip, "video-store: the range of each GetClip")
	fs.BoolVar(&c.JSON, "json", c.JSON, "print one JSON object instead of the table")
	fs.StringVar(&c.Label, "label", c.Label, "name of the server under test, carried into the report (see `sluice bench table`)")
	fs.StringVar(&c.CPUProfile, "cpuprofile", c.CPUProfile, "write this client's CPU profile (pprof) to the file, to see what limits a run")
	fs.IntVar(&c.GOGC, "gogc", c.GOGC, "this client's garbage-collection target in percent, like GOGC (negative: off)")
	fs.IntVar(&c.ServerPID, "server-pid", c.ServerPID, "report this process's CPU seconds per 1,000 records (from /proc; the server's pid)")

	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if rest := fs.Args(); len(rest) > 0 {
		c.Workload = rest[0]
		if err := fs.Parse(rest[1:]); err != nil {
			return c, err
		}
		if fs.NArg() > 0 {
			return c, fmt.Errorf("unexpected arguments %q", fs.Args())
		}
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	c.workloadDefaults(set)
	return c, c.Validate()
}
