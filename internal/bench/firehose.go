package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// firehose: PutRecordBatch batches of -batch records (at most 500) to a
// DirectPut delivery stream delivering to S3 (the server's local directory
// when it has no S3 endpoint) with 64 MiB / 60 s buffering, so the
// deliveries run during the measurement. Records counts those accepted;
// failed ones (FailedPutCount) are counted by their ErrorCode. The
// delivery stream is deleted afterwards; the delivered objects stay.
func (r *run) firehose(ctx context.Context, res *Result) error {
	fh := newFirehoseClient(r.cfg, r.tr)
	name := aws.String(r.names(1)[0])
	r.logf("creating delivery stream %s", *name)
	err := r.retry(ctx, "CreateDeliveryStream "+*name, func(ctx context.Context) error {
		_, err := fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
			DeliveryStreamName: name,
			ExtendedS3DestinationConfiguration: &types.ExtendedS3DestinationConfiguration{
				RoleARN:        aws.String("arn:aws:iam::000000000000:role/sluice-bench"),
				BucketARN:      aws.String("arn:aws:s3:::sluice-bench"),
				Prefix:         aws.String(*name + "/"),
				BufferingHints: &types.BufferingHints{SizeInMBs: aws.Int32(64), IntervalInSeconds: aws.Int32(60)},
			},
		})
		return err
	})
	if err != nil {
		return err
	}
	defer fh.DeleteDeliveryStream(context.WithoutCancel(ctx), &firehose.DeleteDeliveryStreamInput{DeliveryStreamName: name})
	if err := r.waitFirehoseActive(ctx, fh, name); err != nil {
		return err
	}
	batch := min(r.cfg.Batch, 500)
	r.announce("PutRecordBatch")
	res.add(r.loop(ctx, "firehose", r.window(), r.cfg.Concurrency, func(w *worker) op {
		data := w.payload(r.cfg.RecordSize)
		records := make([]types.Record, batch)
		for i := range records {
			records[i] = types.Record{Data: data}
		}
		return func(ctx context.Context, w *worker) (int, int, error) {
			out, err := fh.PutRecordBatch(ctx, &firehose.PutRecordBatchInput{DeliveryStreamName: name, Records: records})
			if err != nil {
				return 0, 0, err
			}
			failed := 0
			for _, e := range out.RequestResponses {
				if e.ErrorCode != nil {
					w.failRecord(*e.ErrorCode)
					failed++
				}
			}
			written := len(records) - max(failed, int(aws.ToInt32(out.FailedPutCount)))
			return written, written * len(data), nil
		}
	}), true)
	return nil
}

// waitFirehoseActive polls DescribeDeliveryStream until it is ACTIVE.
func (r *run) waitFirehoseActive(ctx context.Context, fh *firehose.Client, name *string) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var status types.DeliveryStreamStatus
		err := r.retry(ctx, "DescribeDeliveryStream "+*name, func(ctx context.Context) error {
			out, err := fh.DescribeDeliveryStream(ctx, &firehose.DescribeDeliveryStreamInput{DeliveryStreamName: name})
			if err == nil {
				status = out.DeliveryStreamDescription.DeliveryStreamStatus
			}
			return err
		})
		if err != nil {
			return err
		}
		if status == types.DeliveryStreamStatusActive {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("delivery stream %s still %s after 5 minutes", *name, status)
		}
		if err := sleep(ctx, 50*time.Millisecond); err != nil {
			return err
		}
	}
}
