package runtime

import (
	"context"
	"log/slog"

	"sluice/internal/firehose"
)

// toFirehose delivers to a Firehose delivery stream with PutRecordBatch
// (up to 500 records, 4 MiB a call), which takes a batch whole or not at
// all; a failed batch is put again after a backoff until it is taken.
type toFirehose struct {
	svc     *firehose.Service
	caller  firehose.Caller
	name    string
	metrics *OutputMetrics
	log     *slog.Logger
	lastErr string
}

const (
	firehoseBatchRecords = firehose.MaxBatchRecords
	firehoseBatchBytes   = firehose.MaxBatchBytes
)

func (d *toFirehose) deliver(ctx context.Context, recs []outRecord) bool {
	data := make([][]byte, len(recs))
	for i := range recs {
		data[i] = recs[i].data
	}
	b := backoff{min: outputBackoffMin, max: outputBackoffMax}
	for {
		_, _, err := d.svc.Put(ctx, d.caller, d.name, data)
		if err == nil {
			if d.lastErr != "" {
				d.log.Info("the destination takes records again", "delivery_stream", d.name)
				d.lastErr = ""
			}
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		d.metrics.Failures.Add(1)
		if msg := err.Error(); msg != d.lastErr {
			d.log.Warn("delivering to the destination delivery stream failed; retrying", "delivery_stream", d.name, "records", len(recs), "err", err)
			d.lastErr = msg
		}
		if !sleep(ctx, b.next()) {
			return false
		}
	}
}
