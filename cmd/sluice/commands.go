package main

import (
	"context"
	"io"
	"os"

	"sluice/internal/audit"
	"sluice/internal/bench"
	"sluice/internal/client"
	"sluice/internal/cluster"
	"sluice/internal/kms"
	"sluice/internal/recovery"
)

// command is a subcommand besides serve: it gets its arguments (after the
// command name), the standard streams, and returns the exit code.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

// commands are the subcommands besides serve: the client side (bench, put,
// tail, video, firehose) and the operator's (backup, recover). Each parses
// its own flags (`sluice <command> -h` documents them).
var commands = map[string]command{
	"bench": {"load-test a Kinesis endpoint (Sluice or another) and report throughput and latency", bench.Main},
	"put":   {"write records from arguments or stdin lines to a stream", client.Put},
	"tail":  {"follow a stream across all shards and resharding, printing records", client.Tail},
	"video": {"put an MKV file or stdin into a video stream (PutMedia), or get its media (GetMedia)", client.Video},

	"firehose": {"print a delivery stream's delivery errors from its CloudWatch Logs log group (logs [--follow])", client.Firehose},
	"audit":    {"print the audit log's events: control-plane and denied calls (tail [--follow] [--since D] [--event NAME] [--errors-only])", auditMain},

	"backup":  {"copy a data directory, while Sluice runs or not", recovery.Backup},
	"recover": {"list the logs kept in quarantine and mark those to restore", recovery.Recover},
	"cluster": {"show a cluster's nodes, owner, lease and placement (status --cluster-etcd URLS)", cluster.Main},
	"kms":     {"create, disable, enable and list the master keys of the local key file (create-key, disable-key, ...)", kms.Main},
}

// auditMain is `sluice audit`, reading SLUICE_AUDIT_LOG from the
// environment as the server does.
func auditMain(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) int {
	return audit.Main(ctx, args, os.Getenv, stdout, stderr)
}
