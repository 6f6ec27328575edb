package bench

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// putRecords: PutRecords batches of -batch records under random partition
// keys. Records counts those written: a batch's failed records
// (FailedRecordCount) are counted by their ErrorCode instead. Latency is
// per call.
func (r *run) putRecords(ctx context.Context, res *Result) error {
	ss, err := r.createStreams(ctx, r.names(1))
	if err != nil {
		return err
	}
	name := aws.String(ss[0].name)
	r.announce("PutRecords")
	res.add(r.loop(ctx, "putrecords", r.window(), r.cfg.Concurrency, func(w *worker) op {
		data := w.payload(r.cfg.RecordSize)
		entries := make([]types.PutRecordsRequestEntry, r.cfg.Batch)
		return func(ctx context.Context, w *worker) (int, int, error) {
			for i := range entries {
				entries[i] = types.PutRecordsRequestEntry{Data: data, PartitionKey: w.key()}
			}
			out, err := r.client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: name, Records: entries})
			if err != nil {
				return 0, 0, err
			}
			written := countFailed(w, len(entries), out)
			return written, written * len(data), nil
		}
	}), true)
	return nil
}

// countFailed counts a PutRecords answer's failed records on w by their
// ErrorCode and returns how many of the sent were written (sent minus
// FailedRecordCount).
func countFailed(w *worker, sent int, out *kinesis.PutRecordsOutput) int {
	failed := int(aws.ToInt32(out.FailedRecordCount))
	coded := 0
	for _, e := range out.Records {
		if e.ErrorCode != nil {
			w.failRecord(*e.ErrorCode)
			coded++
		}
	}
	for range failed - coded {
		w.failRecord("UnknownRecordError") // counted as failed, named by no entry
	}
	return sent - max(failed, coded)
}
