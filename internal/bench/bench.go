// Package bench is `sluice bench`, a load tool for Kinesis endpoints:
// Sluice, other emulators, or AWS. It drives the endpoint with
// aws-sdk-go-v2 like a real client, using standard Kinesis calls only
// (Firehose and Kinesis Data Analytics calls for their workloads), with
// SDK retries off so that every failed call is seen and counted by its AWS
// error code.
//
// A run creates its stream(s) (prefix-workload-random), waits for them to
// be ACTIVE, runs one workload and deletes them (unless -keep):
//
//	put         PutRecord with random partition keys
//	putrecords  PutRecords batches
//	get         GetRecords from TRIM_HORIZON over preloaded shards
//	subscribe   PutRecord -> SubscribeToShard event latency
//	e2e         PutRecord -> GetRecords polling latency
//	shards      create many streams x shards, write and read back every shard
//	firehose    PutRecordBatch to a delivery stream
//	analytics-filter, analytics-window
//	            a Data Analytics SQL application between two streams: the
//	            rate it drains a backlog at, whether it keeps up with the
//	            clients, input-to-output latency at -rate, the server's
//	            memory (analytics.go has the definitions)
//	video-put, video-live, video-store
//	            Kinesis Video Streams: real-time PutMedia producers'
//	            PERSISTED latency, GetMedia live latency, HLS and GetClip
//	            while hours are stored (video.go has the definitions)
//
// Timed workloads run -concurrency goroutines for -warmup, then for the
// measured -duration; with -rate the calls follow one fixed schedule and
// latency counts from each call's scheduled time (see pacer). Latencies are
// kept per goroutine (a bounded reservoir, see recorder) and merged at the
// end into nearest-rank percentiles.
//
// The report (a table, or one JSON object with -json, see Result) gives
// records/s, MiB/s, calls/s, latency p50/p90/p99/max, errors by code, and a
// loud THROTTLED line whenever the endpoint throttled anything.
package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
)

// Exit codes of Main.
const (
	exitOK          = 0
	exitFailed      = 1 // setup failed, or the shards workload's check did
	exitUsage       = 2
	exitUnsupported = 3 // the endpoint lacks an operation the workload needs
)

// Main runs `sluice bench`.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "table" {
		return table(args[1:], stdin, stdout, stderr)
	}
	cfg, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintf(stderr, "sluice bench: %v\n", err)
		return exitUsage
	}
	debug.SetGCPercent(cfg.GOGC)
	if cfg.CPUProfile != "" {
		stop, err := startProfile(cfg.CPUProfile)
		if err != nil {
			fmt.Fprintf(stderr, "sluice bench: %v\n", err)
			return exitUsage
		}
		defer stop()
	}
	res, err := Run(ctx, cfg, stderr)
	write := res.WriteText
	if cfg.JSON {
		write = res.WriteJSON
	}
	if werr := write(stdout); werr != nil {
		fmt.Fprintf(stderr, "sluice bench: %v\n", werr)
		return exitFailed
	}
	switch {
	case errors.Is(err, errUnsupported):
		return exitUnsupported
	case err != nil:
		return exitFailed
	case res.ShardCheck != nil && !res.ShardCheck.Verified:
		return exitFailed
	}
	return exitOK
}

// Run runs one workload and returns its report, also when it failed (with
// Error set, and Skipped when the endpoint lacks what the workload needs).
// Progress goes to progress.
func Run(ctx context.Context, cfg Config, progress io.Writer) (*Result, error) {
	res := newResult(cfg)
	if err := cfg.Validate(); err != nil {
		res.Error = err.Error()
		res.finish()
		return res, err
	}
	r := newRun(cfg, progress)
	defer r.tr.CloseIdleConnections()
	workloads := map[string]func(context.Context, *Result) error{
		"put":        r.put,
		"putrecords": r.putRecords,
		"get":        r.get,
		"subscribe":  r.subscribe,
		"e2e":        r.e2e,
		"shards":     r.manyShards,
		"firehose":   r.firehose,

		"analytics-filter": r.analytics,
		"analytics-window": r.analytics,

		"video-put":   r.videoPut,
		"video-live":  r.videoPut,
		"video-store": r.videoStore,
	}
	err := workloads[cfg.Workload](ctx, res)
	r.cleanup(ctx)
	if ctx.Err() != nil {
		res.Interrupted = true
		res.note("interrupted: the numbers cover the time until the interrupt")
	}
	if err != nil {
		res.Error = err.Error()
		res.Skipped = errors.Is(err, errUnsupported)
		r.logf("%v", err)
	}
	r.mu.Lock()
	for code, n := range r.setup {
		res.SetupErrors[code] = n
	}
	r.mu.Unlock()
	res.finish()
	return res, err
}

// announce says what a timed workload is about to do.
func (r *run) announce(what string) {
	r.logf("%s: %v warmup, then measuring for %v", what, r.cfg.Warmup, r.cfg.Duration)
}

// startProfile starts the CPU profiler writing to path.
func startProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
