package client

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

const tailUsage = `usage: sluice tail --stream NAME [flags]

Prints the records of every shard of a stream, following resharding (a
child shard after its parents) and new shards, until interrupted, -n
records, or with --no-follow once every shard is read up to its tip.

--from: latest (records written from now on), trim-horizon (everything
still retained), an RFC 3339 time (2025-01-02T15:04:05Z), or a duration
meaning that long ago (10m).

--format: text (the data as a line, non-printable bytes escaped), json (one
object per line: shard, seq, key, arrival, encoding, data; encoding "json"
when data is a JSON document embedded as is, "text" when it is a string of
UTF-8 text, "base64" when it is binary in base64), or hex (shard, sequence
number, key, length, bytes in hex and as ASCII).

examples:
  sluice tail --stream orders
  sluice tail --stream orders --from trim-horizon --format json --no-follow | jq .data
  sluice tail --stream orders --from 2025-01-02T15:00:00Z -n 10

flags:
`

// tailCmd is `sluice tail`: its flags and the tunables tests shorten.
type tailCmd struct {
	conn
	from     string
	start    types.ShardIteratorType
	at       time.Time // with AT_TIMESTAMP
	format   string
	count    int64
	noFollow bool
	only     map[string]bool // --shard

	idle     time.Duration // between calls on a shard with nothing new
	gap      time.Duration // least time between calls on one shard
	relist   time.Duration // between listings of the shards
	throttle backoff       // after throttling or errors
	progress *progressMode // nil: chosen from the terminals
}

// Tail runs `sluice tail`.
func Tail(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	t, err := parseTail(args, stderr, time.Now())
	if err != nil {
		return parseFailed("tail", err, stderr)
	}
	return t.run(ctx, stdout, stderr)
}

func parseTail(args []string, stderr io.Writer, now time.Time) (*tailCmd, error) {
	t := &tailCmd{idle: time.Second, gap: 200 * time.Millisecond, relist: 10 * time.Second,
		throttle: backoff{base: 500 * time.Millisecond, max: 10 * time.Second, attempts: 6}}
	fs := flag.NewFlagSet("sluice tail", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, tailUsage); fs.PrintDefaults() }
	t.conn.register(fs)
	fs.StringVar(&t.from, "from", "latest", "where to start: latest, trim-horizon, an RFC 3339 time, or a duration ago")
	fs.StringVar(&t.format, "format", "text", "output: text, json or hex")
	fs.Int64Var(&t.count, "n", 0, "stop after this many records (0: no limit)")
	fs.BoolVar(&t.noFollow, "no-follow", false, "stop once every shard is read up to its tip")
	fs.Func("shard", "read only this shard (repeatable; its parents and children are not followed)", func(s string) error {
		if t.only == nil {
			t.only = map[string]bool{}
		}
		for _, id := range strings.Split(s, ",") {
			t.only[strings.TrimSpace(id)] = true
		}
		return nil
	})
	pos, err := parseArgs(fs, args)
	if err != nil {
		return nil, err
	}
	if len(pos) > 0 {
		return nil, usagef("unexpected argument %q", pos[0])
	}
	if err := t.conn.check(); err != nil {
		return nil, usagef("%v", err)
	}
	if formats[t.format] == nil {
		return nil, usagef("--format must be text, json or hex")
	}
	if t.count < 0 {
		return nil, usagef("-n must not be negative")
	}
	if t.start, t.at, err = parseFrom(t.from, now); err != nil {
		return nil, err
	}
	return t, nil
}

// parseFrom parses --from.
func parseFrom(s string, now time.Time) (types.ShardIteratorType, time.Time, error) {
	switch strings.ToLower(s) {
	case "latest":
		return types.ShardIteratorTypeLatest, time.Time{}, nil
	case "trim-horizon", "trim_horizon":
		return types.ShardIteratorTypeTrimHorizon, time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return types.ShardIteratorTypeAtTimestamp, t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return types.ShardIteratorTypeAtTimestamp, now.Add(-d), nil
	}
	return "", time.Time{}, usagef("--from %q is not latest, trim-horizon, an RFC 3339 time or a duration", s)
}

func (t *tailCmd) run(ctx context.Context, stdout, stderr io.Writer) int {
	api, closeIdle := t.conn.client()
	defer closeIdle()
	out := &printer{w: bufio.NewWriterSize(stdout, 64<<10), format: formats[t.format], limit: t.count}
	f := &follower{cmd: t, api: api, out: out, shards: map[string]*shard{}, events: make(chan event, 16)}
	r := rate{since: time.Now()}
	f.prog = startProgress(stderr, t.progressMode(stdout, stderr), func() string {
		n := out.count()
		return fmt.Sprintf("sluice tail: %d records (%.0f/s), reading %d shards", n, r.per(time.Now(), n), f.reading.Load())
	})
	err := f.run(ctx)
	f.prog.Stop()
	if werr := out.flush(); err == nil {
		err = werr
	}
	if err != nil {
		fmt.Fprintf(stderr, "sluice tail: %s\n", errText(err))
		return 1
	}
	return 0
}

// progressMode shows a rewritten line only when stderr is a terminal that
// the records do not go to.
func (t *tailCmd) progressMode(stdout, stderr io.Writer) progressMode {
	switch {
	case t.progress != nil:
		return *t.progress
	case isTerminal(stderr) && !isTerminal(stdout):
		return ttyProgress
	}
	return progressMode{off: true}
}

// printer writes records in the chosen format, from every shard's reader,
// and stops the run after its limit.
type printer struct {
	mu     sync.Mutex
	w      *bufio.Writer
	format format
	limit  int64 // 0: none
	n      int64
	buf    []byte
	err    error
	stop   func() // ends the run once the limit is reached
}

// emit prints a shard's records, and reports whether to go on.
func (p *printer) emit(shard string, recs []types.Record) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil || p.limit > 0 && p.n >= p.limit {
		return false
	}
	for i := range recs {
		p.buf = p.format(p.buf[:0], shard, &recs[i])
		if _, err := p.w.Write(p.buf); err != nil {
			p.err = err
			break
		}
		p.n++
		if p.limit > 0 && p.n >= p.limit {
			break
		}
	}
	if err := p.w.Flush(); err != nil && p.err == nil {
		p.err = err
	}
	if p.err != nil || p.limit > 0 && p.n >= p.limit {
		p.stop()
		return false
	}
	return true
}

func (p *printer) count() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.n
}

func (p *printer) flush() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = p.w.Flush()
	}
	if p.err != nil {
		return fmt.Errorf("writing output: %w", p.err)
	}
	return nil
}

// sortedIDs returns a map's keys in order.
func sortedIDs[V any](m map[string]V) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
