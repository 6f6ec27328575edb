package bench

import (
	"context"
	"encoding/binary"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// delivery is what subscribe and e2e share: producers put records carrying
// their send time, consumers note each record's arrival. A record counts
// when its send time falls in the measured window; its latency is arrival
// minus send time (one clock: the bench's).
type delivery struct {
	win      atomic.Pointer[window] // nil until the producers start
	sent     atomic.Int64           // records acknowledged, sent while measuring
	received atomic.Int64           // records received, sent while measuring
}

// produce runs the producers: PutRecord at -rate with random partition
// keys, the send time (UnixNano, big-endian) in the data's first 8 bytes.
// Latency is per PutRecord call.
func (r *run) produce(ctx context.Context, s *stream, d *delivery) Phase {
	win := r.window()
	d.win.Store(&win)
	name := aws.String(s.name)
	return r.loop(ctx, "put", win, r.cfg.Concurrency, func(w *worker) op {
		data := w.payload(r.cfg.RecordSize)
		return func(ctx context.Context, w *worker) (int, int, error) {
			now := time.Now()
			binary.BigEndian.PutUint64(data, uint64(now.UnixNano()))
			if _, err := r.client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: w.key(), Data: data}); err != nil {
				return 0, 0, err
			}
			if win.measures(now) {
				d.sent.Add(1)
			}
			return 1, len(data), nil
		}
	})
}

// receiver is what a stream's reader (poll, follow) reports to: the
// records each call or event brought, and its failures.
type receiver interface {
	arrived(t *tally, recs []types.Record, now time.Time)
	failed(t *tally, err error)
}

// arrived accounts on t for records that reached a consumer at now, and
// for the call or event that brought them.
func (d *delivery) arrived(t *tally, recs []types.Record, now time.Time) {
	win := d.win.Load()
	if win == nil {
		return
	}
	if win.measures(now) {
		t.calls++
	}
	for _, rec := range recs {
		if len(rec.Data) < 8 {
			continue
		}
		sent := time.Unix(0, int64(binary.BigEndian.Uint64(rec.Data)))
		if !win.measures(sent) {
			continue
		}
		d.received.Add(1)
		t.records++
		t.bytes += int64(len(rec.Data))
		t.lat.add(now.Sub(sent))
	}
}

// failed counts a consumer's failed call once the producers have started.
func (d *delivery) failed(t *tally, err error) {
	if d.win.Load() != nil {
		t.errs[errorCode(err)]++
	}
}

// drain waits until every record sent while measuring has arrived, or
// for timeout.
func (d *delivery) drain(ctx context.Context, timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for d.received.Load() < d.sent.Load() && time.Now().Before(deadline) {
		if sleep(ctx, 10*time.Millisecond) != nil {
			return
		}
	}
}

// finish reports the consumers' phase and the delivery account.
func (d *delivery) finish(res *Result, name string, ts []*tally) {
	win := d.win.Load()
	if win == nil {
		return
	}
	res.add(mergeTallies(name, win.elapsed(), ts), true)
	sent, got := d.sent.Load(), d.received.Load()
	res.Delivery = &Delivery{Sent: sent, Received: got, Missing: max(sent-got, 0)}
	if sent > got {
		res.note("%d of %d records acknowledged while measuring had not reached a consumer -timeout after the last was sent", sent-got, sent)
	}
}
