package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// backoff spaces the retries of throttled records: the delay doubles with
// every attempt that writes nothing, from base to max (with jitter), and
// the records fail after attempts such attempts in a row.
type backoff struct {
	base, max time.Duration
	attempts  int
}

var defaultBackoff = backoff{base: 100 * time.Millisecond, max: 5 * time.Second, attempts: 10}

func (b backoff) delay(streak int) time.Duration {
	d := b.base << min(streak, 30)
	if d > b.max || d <= 0 {
		d = b.max
	}
	return d/2 + rand.N(d/2+1)
}

// retryable are the per-record PutRecords errors worth sending again.
var retryable = map[string]bool{
	"ProvisionedThroughputExceededException": true,
	"InternalFailure":                        true,
	"KMSThrottlingException":                 true,
}

// maxFailureMessages is how many failed records put describes.
const maxFailureMessages = 10

// record is one record on its way.
type record struct {
	n     int    // 1, 2, … in input order
	where string // where in the input it came from
	key   string
	data  []byte
	shard string // once written
	seq   string
	fail  string // why it was not written
}

func (r *record) size() int { return len(r.data) + len(r.key) }

// putRun is one run of put.
type putRun struct {
	cmd       *putCmd
	api       *kinesis.Client
	stdout    io.Writer
	prog      *progress
	maxRecord int
	start     time.Time

	n        int // records seen
	shards   map[string]bool
	failures []string // the first maxFailureMessages

	written, failed, retried atomic.Int64 // read by the progress line
}

// loop batches the input and sends it: a batch goes out when it is full
// (--batch records, or 10 MiB) or cmd.linger after its first record.
func (w *putRun) loop(ctx context.Context, in <-chan item) error {
	var carry *record // did not fit the last batch
	var inputErr error
	for in != nil || carry != nil {
		var batch []*record
		bytes := 0
		var deadline <-chan time.Time
		add := func(r *record) {
			if deadline == nil {
				deadline = time.After(w.cmd.linger)
			}
			batch, bytes = append(batch, r), bytes+r.size()
		}
		if carry != nil {
			add(carry)
			carry = nil
		}
	collect:
		for in != nil && len(batch) < w.cmd.batch {
			select {
			case it, ok := <-in:
				switch {
				case !ok:
					in = nil
				case it.err != nil:
					inputErr, in = it.err, nil
				default:
					r := w.prepare(it)
					switch {
					case r == nil:
					case bytes+r.size() > maxBatchBytes:
						carry = r
						break collect
					default:
						add(r)
					}
				}
			case <-deadline:
				break collect
			case <-ctx.Done():
				w.interrupted(append(batch, carry), in)
				return ctx.Err()
			}
		}
		if len(batch) > 0 {
			if err := w.send(ctx, batch); err != nil {
				w.interrupted([]*record{carry}, in)
				return err
			}
		}
	}
	return inputErr
}

// prepare numbers an input record and picks its key; it returns nil for a
// record that cannot be sent, counted as failed.
func (w *putRun) prepare(it item) *record {
	w.n++
	r := &record{n: w.n, where: it.where, data: it.data}
	key, err := w.cmd.key(it.data)
	r.key = key
	switch {
	case err != nil:
		r.fail = err.Error()
	case r.size() > w.maxRecord:
		r.fail = fmt.Sprintf("%d bytes with its partition key, over the stream's record size limit of %d", r.size(), w.maxRecord)
	default:
		return r
	}
	w.fail(r)
	return nil
}

// send writes a batch, sending records again while they are throttled,
// then reports them.
func (w *putRun) send(ctx context.Context, batch []*record) error {
	defer w.report(batch)
	todo := batch
	streak := 0
	for len(todo) > 0 {
		out, err := w.putRecords(ctx, todo)
		if err != nil {
			why := errText(err)
			if ctx.Err() != nil {
				why = "interrupted; it may or may not have been written"
			}
			for _, r := range todo {
				r.fail = why
				w.fail(r)
			}
			return err
		}
		var again []*record
		var lastErr string
		for i, res := range out.Records {
			r := todo[i]
			switch {
			case res.ErrorCode == nil:
				r.shard, r.seq = deref(res.ShardId), deref(res.SequenceNumber)
				w.shards[r.shard] = true
				w.written.Add(1)
			case retryable[*res.ErrorCode]:
				again = append(again, r)
				lastErr = *res.ErrorCode + ": " + deref(res.ErrorMessage)
			default:
				r.fail = *res.ErrorCode + ": " + deref(res.ErrorMessage)
				w.fail(r)
			}
		}
		if len(again) == len(todo) {
			streak++
		} else {
			streak = 0
		}
		if streak >= w.cmd.retry.attempts {
			for _, r := range again {
				r.fail = fmt.Sprintf("%s (gave up after %d attempts)", lastErr, streak)
				w.fail(r)
			}
			return nil
		}
		if len(again) > 0 {
			w.retried.Add(int64(len(again)))
			if !sleepUntil(ctx, time.Now().Add(w.cmd.retry.delay(streak))) {
				for _, r := range again {
					r.fail = "interrupted"
					w.fail(r)
				}
				return ctx.Err()
			}
		}
		todo = again
	}
	return nil
}

// putRecords makes a PutRecords call, and makes it again, with backoff,
// while it fails as a whole with a retriable error (5xx, broken connection,
// throttling). Such a call may have written the records before failing,
// and sending them again is the only way not to lose them, so put says
// so on stderr.
func (w *putRun) putRecords(ctx context.Context, todo []*record) (*kinesis.PutRecordsOutput, error) {
	entries := make([]types.PutRecordsRequestEntry, len(todo))
	for i, r := range todo {
		entries[i] = types.PutRecordsRequestEntry{Data: r.data, PartitionKey: &r.key, ExplicitHashKey: optional(w.cmd.explicitHashKey)}
	}
	in := &kinesis.PutRecordsInput{StreamName: w.cmd.streamName(), StreamARN: w.cmd.arn(), Records: entries}
	for attempt := 1; ; attempt++ {
		out, err := w.api.PutRecords(ctx, in, noRetries)
		if err == nil {
			if len(out.Records) != len(todo) {
				return nil, fmt.Errorf("PutRecords answered %d results for %d records", len(out.Records), len(todo))
			}
			return out, nil
		}
		if ctx.Err() != nil || !retriable(err) || attempt >= w.cmd.retry.attempts {
			return nil, err
		}
		w.prog.Logf("sluice put: PutRecords failed (%s); sending its %d records again, which duplicates any it wrote", errText(err), len(todo))
		w.retried.Add(int64(len(todo)))
		if !sleepUntil(ctx, time.Now().Add(w.cmd.retry.delay(attempt))) {
			return nil, ctx.Err()
		}
	}
}

// report prints, with -v, where each written record of a batch went.
func (w *putRun) report(batch []*record) {
	if !w.cmd.verbose {
		return
	}
	bw := bufio.NewWriter(w.stdout)
	for _, r := range batch {
		if r.seq != "" {
			fmt.Fprintf(bw, "%d %s %s\n", r.n, r.shard, r.seq)
		}
	}
	bw.Flush()
}

func (w *putRun) fail(r *record) {
	if len(w.failures) < maxFailureMessages {
		w.failures = append(w.failures, fmt.Sprintf("record %d (%s): %s", r.n, r.where, r.fail))
	}
	w.failed.Add(1)
}

// interrupted counts as failed the records read but not sent when the run
// stops early.
func (w *putRun) interrupted(unsent []*record, in <-chan item) {
	for _, r := range unsent {
		if r != nil {
			r.fail = "not sent"
			w.fail(r)
		}
	}
	for {
		select {
		case it, ok := <-in:
			if !ok || it.err != nil {
				return
			}
			w.fail(&record{n: w.n + 1, where: it.where, fail: "not sent"})
			w.n++
		default:
			return
		}
	}
}

// finish prints what went wrong on stderr and the summary on stdout, and
// returns the exit status.
func (w *putRun) finish(err error, stdout, stderr io.Writer) int {
	for _, f := range w.failures {
		fmt.Fprintf(stderr, "sluice put: %s\n", f)
	}
	failed := w.failed.Load()
	if more := failed - int64(len(w.failures)); more > 0 {
		fmt.Fprintf(stderr, "sluice put: and %d more records not written\n", more)
	}
	interrupted := errors.Is(err, context.Canceled)
	if err != nil && !interrupted {
		fmt.Fprintf(stderr, "sluice put: %s\n", errText(err))
	}
	note := ""
	if interrupted {
		note = " (interrupted)"
	}
	fmt.Fprintf(stdout, "%s written to %s of %s, %d failed, %d retried, in %s%s\n",
		plural(w.written.Load(), "record"), plural(int64(len(w.shards)), "shard"), w.cmd.name(), failed, w.retried.Load(),
		time.Since(w.start).Round(time.Millisecond), note)
	if failed > 0 || err != nil && !interrupted {
		return 1
	}
	return 0
}

func plural(n int64, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
