package firehoseapi

import (
	"context"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/firehose"
)

// throttledBatch is PutRecordBatch's answer to a call whose records the
// delivery stream's throughput quotas refused (firehose.ThrottledRecords):
// HTTP 200, every record failed with ServiceUnavailableException "Slow
// down.", as AWS answers records over the quota (see firehose.Quota).
func (a *API) throttledBatch(ctx context.Context, name string, n int) *putRecordBatchOut {
	out := &putRecordBatchOut{FailedPutCount: n, RequestResponses: make([]batchResult, n)}
	if ds, err := a.svc.DescribeDeliveryStream(caller(ctx), name); err == nil {
		out.Encrypted = ds.Encryption.Encrypts()
	}
	for i := range out.RequestResponses {
		out.RequestResponses[i] = batchResult{ErrorCode: awserr.ServiceUnavailable.Name, ErrorMessage: firehose.SlowDown}
	}
	return out
}
