package client

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// read reads one shard from start until its end, its tip (--no-follow),
// the output's limit or ctx's end. Records go to the printer as they come,
// so a shard's records are all printed before its end is reported.
func (f *follower) read(ctx context.Context, id string, start types.ShardIteratorType) event {
	var it, last string // iterator; sequence number of the last record read
	next := time.Now()  // when the next call may go
	throttles, failures := 0, 0
	for {
		if !sleepUntil(ctx, next) {
			return event{shard: id}
		}
		called := time.Now()
		var out *kinesis.GetRecordsOutput
		var err error
		if it == "" {
			it, err = f.iterator(ctx, id, start, last)
		}
		if err == nil {
			out, err = f.api.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: &it, StreamARN: f.cmd.arn()}, noRetries)
		}
		if err != nil {
			code := errCode(err)
			switch {
			case ctx.Err() != nil:
				return event{shard: id}
			case code == "ExpiredIteratorException":
				it = ""
			case code == "ResourceNotFoundException":
				// The shard expired, or the stream is gone: the next
				// listing tells which.
				return event{shard: id, ended: true}
			case throttled[code]:
				throttles++
				next = time.Now().Add(f.cmd.throttle.delay(throttles))
			default:
				if failures++; !transient(err) || failures >= f.cmd.throttle.attempts {
					return event{shard: id, err: fmt.Errorf("reading %s: %w", id, err)}
				}
				f.prog.Logf("sluice tail: reading %s: %s (retrying)", id, errText(err))
				next = time.Now().Add(f.cmd.throttle.delay(failures))
			}
			continue
		}
		throttles, failures = 0, 0
		if !f.out.emit(id, out.Records) {
			return event{shard: id}
		}
		if n := len(out.Records); n > 0 {
			last = deref(out.Records[n-1].SequenceNumber)
		}
		if out.NextShardIterator == nil {
			return event{shard: id, ended: true}
		}
		it = *out.NextShardIterator
		next = called.Add(f.cmd.gap)
		if len(out.Records) == 0 && (out.MillisBehindLatest == nil || *out.MillisBehindLatest == 0) {
			if f.cmd.noFollow {
				return event{shard: id}
			}
			next = called.Add(f.cmd.idle)
		}
	}
}

// iterator returns an iterator after the last record read, or at the
// shard's start.
func (f *follower) iterator(ctx context.Context, id string, start types.ShardIteratorType, last string) (string, error) {
	in := &kinesis.GetShardIteratorInput{StreamName: f.cmd.streamName(), StreamARN: f.cmd.arn(), ShardId: &id, ShardIteratorType: start}
	switch {
	case last != "":
		in.ShardIteratorType, in.StartingSequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, &last
	case start == types.ShardIteratorTypeAtTimestamp:
		in.Timestamp = &f.cmd.at
	}
	out, err := f.api.GetShardIterator(ctx, in)
	if err != nil {
		return "", err
	}
	return deref(out.ShardIterator), nil
}

// sleepUntil waits until t, or reports false when ctx ends first.
func sleepUntil(ctx context.Context, t time.Time) bool {
	d := time.Until(t)
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-ctx.Done():
		return false
	}
}
