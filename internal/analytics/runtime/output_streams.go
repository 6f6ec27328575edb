package runtime

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"sluice/internal/streams"
)

// toStream delivers to a Sluice data stream with PutRecords (up to 500
// records, 5 MiB a call), each record under its row's partition key.
// Records the stream refuses (throughput exceeded) are put again, after a
// backoff, until every one is written; the stream's write limits apply as
// they do to any producer.
type toStream struct {
	svc     *streams.Service
	caller  streams.Caller
	ref     streams.StreamRef
	metrics *OutputMetrics
	log     *slog.Logger
	lastErr string
}

const (
	streamBatchRecords = streams.MaxPutRecords
	streamBatchBytes   = 5 << 20
	outputBackoffMin   = 100 * time.Millisecond
	outputBackoffMax   = 5 * time.Second
)

func (d *toStream) deliver(ctx context.Context, recs []outRecord) bool {
	entries := make([]streams.PutEntry, len(recs))
	for i := range recs {
		entries[i] = streams.PutEntry{PartitionKey: recs[i].partitionKey(), Data: recs[i].data}
	}
	b := backoff{min: outputBackoffMin, max: outputBackoffMax}
	for {
		_, res, err := d.svc.PutRecords(ctx, d.caller, d.ref, entries, false)
		if err == nil {
			left := entries[:0]
			for i, r := range res {
				if r.ErrCode != "" {
					left = append(left, entries[i])
					err = fmt.Errorf("%s: %s", r.ErrCode, r.ErrMessage)
				}
			}
			entries = left
		}
		if len(entries) == 0 {
			if d.lastErr != "" {
				d.log.Info("the destination takes records again", "stream", d.ref.ARN)
				d.lastErr = ""
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		d.metrics.Failures.Add(1)
		if msg := err.Error(); msg != d.lastErr {
			d.log.Warn("delivering to the destination stream failed; retrying", "stream", d.ref.ARN, "records", len(entries), "err", err)
			d.lastErr = msg
		}
		if !sleep(ctx, b.next()) {
			return false
		}
	}
}

// sleep waits d, or less when ctx ends (false).
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
