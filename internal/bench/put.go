package bench

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// put: PutRecord of -record-size bytes under random partition keys, so the
// records spread over all shards. Latency is per call.
func (r *run) put(ctx context.Context, res *Result) error {
	ss, err := r.createStreams(ctx, r.names(1))
	if err != nil {
		return err
	}
	name := aws.String(ss[0].name)
	r.announce("PutRecord")
	res.add(r.loop(ctx, "put", r.window(), r.cfg.Concurrency, func(w *worker) op {
		data := w.payload(r.cfg.RecordSize)
		return func(ctx context.Context, w *worker) (int, int, error) {
			if _, err := r.client.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: name, PartitionKey: w.key(), Data: data}); err != nil {
				return 0, 0, err
			}
			return 1, len(data), nil
		}
	}), true)
	return nil
}
