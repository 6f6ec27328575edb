package client

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// PutRecords limits.
const (
	maxBatchRecords = 500
	maxBatchBytes   = 10 << 20
)

const putUsage = `usage: sluice put --stream NAME [flags] [RECORD ...]

Writes each RECORD argument, or else each line of stdin (also after the
arguments with --stdin), as one record. Empty lines are skipped; a line's
trailing \r\n or \n is not part of the record. Records go out with
PutRecords in batches of up to --batch records and 10 MiB; records the
stream throttles are sent again, with exponential backoff, until it
accepts them or stops accepting anything for a while.

Partition key, for each record: --partition-key, else the --key-field of
the record (a JSON object), else a random key (--random-key, the default).
With --key-field and --partition-key or --random-key, the other applies to
records without the field.

Prints a summary on stdout; -v first prints "N SHARD SEQUENCE" per record
written (N counts records from 1). Exits 1 when any record was not written.

examples:
  sluice put --stream orders --partition-key cust-1 '{"id":1}' '{"id":2}'
  tail -F app.log | sluice put --stream logs --random-key
  sluice put --stream orders --key-field customer < orders.jsonl

flags:
`

// putCmd is `sluice put`: its flags and the tunables tests shorten.
type putCmd struct {
	conn
	partitionKey    string
	keyField        string
	randomKey       bool
	explicitHashKey string
	batch           int
	stdin           bool
	verbose         bool
	records         []string

	linger   time.Duration // how long a batch waits for more input after its first record
	retry    backoff
	progress *progressMode // nil: chosen from the terminals
}

// Put runs `sluice put`.
func Put(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	p, err := parsePut(args, stderr)
	if err != nil {
		return parseFailed("put", err, stderr)
	}
	return p.run(ctx, stdin, stdout, stderr)
}

func parsePut(args []string, stderr io.Writer) (*putCmd, error) {
	p := &putCmd{linger: 50 * time.Millisecond, retry: defaultBackoff}
	fs := flag.NewFlagSet("sluice put", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, putUsage); fs.PrintDefaults() }
	p.conn.register(fs)
	fs.StringVar(&p.partitionKey, "partition-key", "", "partition key of every record")
	fs.StringVar(&p.keyField, "key-field", "", "take each record's partition key from this top-level field of the record, a JSON object")
	fs.BoolVar(&p.randomKey, "random-key", false, "a random partition key per record (the default)")
	fs.StringVar(&p.explicitHashKey, "explicit-hash-key", "", "explicit hash key (decimal, 0 to 2^128-1) of every record, overriding the partition key's hash")
	fs.IntVar(&p.batch, "batch", maxBatchRecords, "records per PutRecords call (1-500)")
	fs.BoolVar(&p.stdin, "stdin", false, "read records from stdin lines after the arguments (the default without arguments)")
	fs.BoolVar(&p.verbose, "v", false, "print each record's shard and sequence number")
	var err error
	if p.records, err = parseArgs(fs, args); err != nil {
		return nil, err
	}
	if err := p.conn.check(); err != nil {
		return nil, usagef("%v", err)
	}
	switch {
	case p.batch < 1 || p.batch > maxBatchRecords:
		return nil, usagef("--batch must be 1 to %d", maxBatchRecords)
	case p.partitionKey != "" && p.randomKey:
		return nil, usagef("give --partition-key or --random-key, not both")
	case p.partitionKey != "" && !validKey(p.partitionKey):
		return nil, usagef("--partition-key must be 1 to 256 characters")
	case p.explicitHashKey != "" && !validHashKey(p.explicitHashKey):
		return nil, usagef("--explicit-hash-key must be a decimal from 0 to 2^128-1")
	}
	if len(p.records) == 0 {
		p.stdin = true
	}
	return p, nil
}

func (p *putCmd) run(ctx context.Context, stdin io.Reader, stdout, stderr io.Writer) int {
	api, closeIdle := p.conn.client()
	defer closeIdle()
	sum, err := api.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: p.streamName(), StreamARN: p.arn()})
	if err != nil {
		fmt.Fprintf(stderr, "sluice put: %s\n", errText(err))
		return 1
	}
	maxRecord := 1 << 20
	if kib := sum.StreamDescriptionSummary.MaxRecordSizeInKiB; kib != nil && *kib > 0 {
		maxRecord = int(*kib) << 10
	}

	if p.stdin && isTerminal(stdin) {
		fmt.Fprintln(stderr, "sluice put: reading records from stdin, one per line (Ctrl-D ends)")
	}
	mode := p.progressMode(stdout, stderr)
	w := &putRun{cmd: p, api: api, stdout: stdout, maxRecord: maxRecord, shards: map[string]bool{}, start: time.Now()}
	r := rate{since: time.Now()}
	w.prog = startProgress(stderr, mode, func() string {
		n := w.written.Load()
		return fmt.Sprintf("sluice put: %d records written (%.0f/s), %d failed, %d retried",
			n, r.per(time.Now(), n), w.failed.Load(), w.retried.Load())
	})
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the input goroutine
	err = w.loop(ctx, p.input(ctx, stdin))
	w.prog.Stop()
	return w.finish(err, stdout, stderr)
}

// progressMode shows a rewritten line when stderr is a terminal (unless -v
// prints records to that same terminal) and a line every few seconds
// otherwise.
func (p *putCmd) progressMode(stdout, stderr io.Writer) progressMode {
	switch {
	case p.progress != nil:
		return *p.progress
	case !isTerminal(stderr):
		return lineProgress
	case p.verbose && isTerminal(stdout):
		return progressMode{off: true}
	}
	return ttyProgress
}

var maxHashKey = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 128), big.NewInt(1))

// validHashKey checks an ExplicitHashKey as AWS does: a decimal without
// leading zeros, at most 2^128-1.
func validHashKey(s string) bool {
	if s == "" || s[0] == '0' && s != "0" {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	h, _ := new(big.Int).SetString(s, 10)
	return h.Cmp(maxHashKey) <= 0
}
