package cluster_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// deliveryLoad puts records to a Direct PUT delivery stream through every
// node while the fault test injects its faults, and afterwards checks that
// every record a put acknowledged was delivered to S3 (at least once: a
// delivery cut short by a crash or a move is made again).
type deliveryLoad struct {
	name, bucket string
	s3           *s3.Client

	mu     sync.Mutex
	acked  []string
	errors int
}

// createDeliveryStream creates the delivery stream, delivering every
// second to the bucket (created here) under the prefix name/.
func (d *deliveryLoad) createDeliveryStream(ctx context.Context, t *testing.T, fh *firehose.Client) {
	t.Helper()
	if _, err := d.s3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(d.bucket)}); err != nil {
		t.Fatal(err)
	}
	if _, err := fh.CreateDeliveryStream(ctx, &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String(d.name),
		ExtendedS3DestinationConfiguration: &fhtypes.ExtendedS3DestinationConfiguration{
			RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose"), BucketARN: aws.String("arn:aws:s3:::" + d.bucket),
			Prefix:         aws.String(d.name + "/"),
			BufferingHints: &fhtypes.BufferingHints{SizeInMBs: aws.Int32(1), IntervalInSeconds: aws.Int32(1)},
		},
	}); err != nil {
		t.Fatal(err)
	}
}

// run puts batches of 10 records through fh every 100 ms until ctx ends,
// noting each record a put acknowledged.
func (d *deliveryLoad) run(ctx context.Context, id int, fh *firehose.Client) {
	for n := 0; ctx.Err() == nil; n++ {
		in := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(d.name)}
		for i := range 10 {
			in.Records = append(in.Records, fhtypes.Record{Data: fmt.Appendf(nil, "f%d-%06d-%d\n", id, n, i)})
		}
		out, err := fh.PutRecordBatch(ctx, in)
		d.mu.Lock()
		if err != nil {
			d.errors++
		} else {
			for i, r := range out.RequestResponses {
				if r.ErrorCode == nil && r.RecordId != nil {
					d.acked = append(d.acked, string(in.Records[i].Data))
				}
			}
		}
		d.mu.Unlock()
		sleep(ctx, 100*time.Millisecond)
	}
}

// check waits until every acknowledged record is in an object under the
// delivery stream's prefix, and fails the test with those that are not
// when ctx ends.
func (d *deliveryLoad) check(ctx context.Context, t *testing.T) {
	t.Helper()
	d.mu.Lock()
	acked := d.acked
	d.mu.Unlock()
	if len(acked) < 100 {
		t.Errorf("delivery stream %s: only %d records acknowledged: the load did not run", d.name, len(acked))
	}
	got := map[string]bool{}
	read := map[string]bool{} // objects read already
	var missing []string
	for {
		list := s3.NewListObjectsV2Paginator(d.s3, &s3.ListObjectsV2Input{Bucket: aws.String(d.bucket), Prefix: aws.String(d.name + "/")})
		for list.HasMorePages() && ctx.Err() == nil {
			page, err := list.NextPage(ctx)
			if err != nil {
				break
			}
			for _, o := range page.Contents {
				if read[*o.Key] {
					continue
				}
				obj, err := d.s3.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(d.bucket), Key: o.Key})
				if err != nil {
					continue
				}
				body, err := io.ReadAll(obj.Body)
				obj.Body.Close()
				if err != nil {
					continue
				}
				read[*o.Key] = true
				for line := range strings.Lines(string(body)) {
					got[line] = true
				}
			}
		}
		missing = missing[:0]
		for _, r := range acked {
			if !got[r] {
				missing = append(missing, strings.TrimSpace(r))
			}
		}
		if len(missing) == 0 {
			t.Logf("delivery stream %s: %d acknowledged records all delivered (%d objects; %d puts failed during the faults)",
				d.name, len(acked), len(read), d.errors)
			return
		}
		if ctx.Err() != nil {
			t.Errorf("delivery stream %s: %d of %d acknowledged records never delivered, among them %v",
				d.name, len(missing), len(acked), missing[:min(len(missing), 10)])
			return
		}
		sleep(ctx, 500*time.Millisecond)
	}
}
