package main

import (
	"context"
	"io"

	"sluice/internal/bench"
	"sluice/internal/client"
)

// command is a subcommand besides serve: it gets its arguments (after the
// command name), the standard streams, and returns the exit code.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands are the client-side subcommands. Each parses its own flags
// (`sluice <command> -h` documents them).
var commands = map[string]command{
	"bench": {"load-test a Kinesis endpoint (Sluice or another) and report throughput and latency", bench.Main},
	"put":   {"write records from arguments or stdin lines to a stream", client.Put},
	"tail":  {"follow a stream across all shards and resharding, printing records", client.Tail},
}
