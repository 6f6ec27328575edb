package firehoseapi_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	"github.com/aws/aws-sdk-go-v2/service/firehose/types"

	"sluice/internal/config"
	"sluice/internal/testserver"
)

// quotaBurst puts, on a stopped clock, two PutRecordBatch calls of 4 MB
// and two PutRecord calls of 1,000 KiB to a us-east-1 delivery stream
// (5 MiB/s) and returns the batches' FailedPutCount and the PutRecord
// errors' codes.
func quotaBurst(t *testing.T, limits string) (failed [2]int32, codes [2]string, msgs [2]string) {
	clock := testserver.NewClock()
	srv := testserver.Start(t, testserver.WithClock(clock.Now), testserver.WithConfig(func(c *config.Config) { c.Limits = limits }))
	// No SDK retries: the SDK retries ServiceUnavailableException itself.
	fh := firehose.NewFromConfig(srv.AWSConfig("us-east-1", "AKIDTEST", "secret"), func(o *firehose.Options) { o.RetryMaxAttempts = 1 })
	createS3(t, fh, "burst", types.ExtendedS3DestinationConfiguration{})
	batch := &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String("burst")}
	for range 500 {
		batch.Records = append(batch.Records, types.Record{Data: bytes.Repeat([]byte("x"), 8000)})
	}
	for i := range failed {
		out, err := fh.PutRecordBatch(t.Context(), batch)
		if err != nil {
			t.Fatalf("PutRecordBatch %d: %v", i, err)
		}
		failed[i] = aws.ToInt32(out.FailedPutCount)
		if len(out.RequestResponses) != 500 {
			t.Fatalf("%d RequestResponses", len(out.RequestResponses))
		}
		for _, r := range out.RequestResponses {
			if failed[i] == 0 && r.RecordId == nil || failed[i] > 0 &&
				(aws.ToString(r.ErrorCode) != "ServiceUnavailableException" || aws.ToString(r.ErrorMessage) != "Slow down." || r.RecordId != nil) {
				t.Fatalf("batch %d, FailedPutCount %d: record answer %+v", i, failed[i], r)
			}
		}
	}
	// 5 MiB - 4,000,000 bytes leave 1,242,880: one 1,000 KiB record fits.
	for i := range codes {
		_, err := fh.PutRecord(t.Context(), &firehose.PutRecordInput{DeliveryStreamName: aws.String("burst"),
			Record: &types.Record{Data: bytes.Repeat([]byte("y"), 1000<<10)}})
		codes[i], msgs[i] = apiCode(err), apiMessage(err)
	}
	if limits == config.LimitsOn {
		// A second later the quota has room again.
		clock.Advance(time.Second)
		if _, err := fh.PutRecord(t.Context(), &firehose.PutRecordInput{DeliveryStreamName: aws.String("burst"),
			Record: &types.Record{Data: []byte("z")}}); err != nil {
			t.Fatalf("a second later: %v", err)
		}
	}
	return failed, codes, msgs
}

// TestQuotasThrottleABurst: with --limits on, a burst over a delivery
// stream's 5 MiB/s is answered as AWS answers it (PutRecordBatch: every
// record ServiceUnavailableException "Slow down."; PutRecord: the
// exception); with --limits off the same burst goes through.
func TestQuotasThrottleABurst(t *testing.T) {
	failed, codes, msgs := quotaBurst(t, config.LimitsOn)
	if failed != [2]int32{0, 500} {
		t.Errorf("limits on: FailedPutCount = %v, want [0 500]", failed)
	}
	if codes != [2]string{"", "ServiceUnavailableException"} || msgs[1] != "Slow down." {
		t.Errorf("limits on: PutRecord = %q %q", codes, msgs)
	}
	failed, codes, _ = quotaBurst(t, config.LimitsOff)
	if failed != [2]int32{0, 0} || codes != [2]string{"", ""} {
		t.Errorf("limits off: FailedPutCount = %v, PutRecord errors %q", failed, codes)
	}
}
