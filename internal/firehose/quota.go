package firehose

import (
	"errors"
	"sync"
	"time"

	"sluice/internal/ratelimit"
)

// DirectPut throughput quotas, as AWS's Firehose quota page states them
// (https://docs.aws.amazon.com/firehose/latest/dev/limits.html): "each
// Firehose stream provides the following combined quota for PutRecord and
// PutRecordBatch requests", per delivery stream:
//
//   - US East (N. Virginia), US West (Oregon) and Europe (Ireland):
//     500,000 records/second, 2,000 requests/second and 5 MiB/second;
//   - the other regions: 100,000 records/second, 1,000 requests/second and
//     1 MiB/second.
//
// They apply to DirectPut only ("When Kinesis Data Streams is configured as
// the data source, this quota doesn't apply") and, in Sluice, when
// Config.Quotas is on (--limits on).
//
// Each quota is a token bucket that holds one second of its rate, except
// the bytes bucket, which holds at least one PutRecordBatch of 4 MiB (else
// a full batch could never pass in a 1 MiB/s region; the rate over time
// is still the quota's).
//
// A call is admitted whole or not at all: its request, its records and
// their bytes are taken together, or nothing is taken. Put's callers rely
// on that (a call's records are all written, or the call fails: the Data
// Analytics runtime puts a refused batch again whole). AWS's answers, as
// its API reference and producers' logs show them:
//
//   - PutRecord: ServiceUnavailableException "Slow down." (503);
//   - PutRecordBatch over the records or bytes per second: HTTP 200 with
//     FailedPutCount and each refused record's ErrorCode
//     ServiceUnavailableException and ErrorMessage "Slow down." in
//     RequestResponses (e.g. boto/boto3#2804, awslabs/amazon-kinesis-agent#29);
//     Sluice refuses every record of such a call, one of the outcomes AWS's
//     contract allows ("FailedPutCount may be greater than 0");
//   - PutRecordBatch over the requests per second: the whole call fails
//     with ServiceUnavailableException "Slow down." (the API reference: "If
//     PutRecordBatch throws ServiceUnavailableException ... it is possible
//     that the throughput limits have been exceeded"). Which quota AWS
//     answers each way is not documented; this split is Sluice's reading.
type Quota struct {
	RecordsPerSec  float64
	RequestsPerSec float64
	BytesPerSec    float64
}

var (
	largeQuota = Quota{RecordsPerSec: 500_000, RequestsPerSec: 2_000, BytesPerSec: 5 << 20}
	smallQuota = Quota{RecordsPerSec: 100_000, RequestsPerSec: 1_000, BytesPerSec: 1 << 20}
)

// QuotaFor returns a region's default DirectPut quotas per delivery stream.
func QuotaFor(region string) Quota {
	switch region {
	case "us-east-1", "us-west-2", "eu-west-1":
		return largeQuota
	}
	return smallQuota
}

// SlowDown is the message of a call or record the quotas refuse.
const SlowDown = "Slow down."

// QuotaError is a Put the delivery stream's throughput quotas refused; it
// unwraps to an *Error of KindServiceUnavailable.
type QuotaError struct {
	// Records is set when the records or bytes per second ran short (a
	// PutRecordBatch answers each record ServiceUnavailableException), not
	// the requests per second (the whole call fails).
	Records bool
	err     *Error
}

func (e *QuotaError) Error() string { return e.err.Msg }

// Unwrap returns the domain error the API maps.
func (e *QuotaError) Unwrap() error { return e.err }

// ThrottledRecords reports whether err refused a call's records (not the
// call itself) for the records or bytes per second.
func ThrottledRecords(err error) bool {
	var qe *QuotaError
	return errors.As(err, &qe) && qe.Records
}

// quotaBuckets are a delivery stream's buckets, made on its first Put.
type quotaBuckets struct {
	mu                       sync.Mutex
	records, requests, bytes *ratelimit.Bucket
}

// admitPut takes one request, n records and size bytes from the delivery
// stream's quotas, or nothing and a *QuotaError when one of them is short.
func (s *Service) admitPut(l *live, ds *DeliveryStream, n, size int) error {
	if !s.cfg.Quotas || ds.Type != TypeDirectPut {
		return nil
	}
	return l.quota.admit(QuotaFor(ds.Region), s.now(), n, size)
}

func (q *quotaBuckets) admit(quota Quota, now time.Time, n, size int) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.requests == nil {
		q.records = ratelimit.New(quota.RecordsPerSec, max(quota.RecordsPerSec, MaxBatchRecords), now)
		q.requests = ratelimit.New(quota.RequestsPerSec, quota.RequestsPerSec, now)
		q.bytes = ratelimit.New(quota.BytesPerSec, max(quota.BytesPerSec, MaxBatchBytes), now)
	}
	if q.requests.Tokens(now) < 1 {
		return &QuotaError{err: newErr(KindServiceUnavailable, SlowDown)}
	}
	if q.records.Tokens(now) < float64(n) || q.bytes.Tokens(now) < float64(size) {
		return &QuotaError{Records: true, err: newErr(KindServiceUnavailable, SlowDown)}
	}
	q.requests.Take(now, 1)
	q.records.Take(now, float64(n))
	q.bytes.Take(now, float64(size))
	return nil
}
