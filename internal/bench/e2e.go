package bench

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// e2e: a poller per shard GetRecords from LATEST, back to back or pausing
// -poll-interval after an empty answer, while producers PutRecord at -rate
// (see delivery). The headline phase, poll, counts GetRecords calls and the
// records they brought, with latency from send to the answer's arrival.
func (r *run) e2e(ctx context.Context, res *Result) error {
	ss, err := r.createStreams(ctx, r.names(1))
	if err != nil {
		return err
	}
	s := ss[0]
	d := &delivery{}
	pctx, stop := context.WithCancel(ctx)
	tallies := make([]*tally, len(s.shards))
	ready := make(chan error, len(s.shards))
	var wg sync.WaitGroup
	for i, sh := range s.shards {
		tallies[i] = r.newTally(len(s.shards))
		wg.Go(func() { r.poll(pctx, s, sh.ShardId, d, tallies[i], ready) })
	}
	defer func() { stop(); wg.Wait() }()
	if err := r.ready(ctx, ready, len(s.shards)); err != nil {
		return err
	}
	r.announce(fmt.Sprintf("PutRecord at %g/s -> GetRecords on %d shards", r.cfg.Rate, len(s.shards)))
	res.add(r.produce(ctx, s, d), false)
	d.drain(ctx, r.cfg.Timeout)
	stop()
	wg.Wait()
	d.finish(res, "poll", tallies)
	return nil
}

// poll reads one shard until ctx is done, reporting on ready once it has
// its first iterator. After a failure other than throttling it gets a new
// iterator after the last record it read.
func (r *run) poll(ctx context.Context, s *stream, shard *string, d receiver, t *tally, ready chan<- error) {
	in := &kinesis.GetShardIteratorInput{StreamName: aws.String(s.name), ShardId: shard, ShardIteratorType: types.ShardIteratorTypeLatest}
	iterator := func() (*string, error) {
		cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
		defer cancel()
		out, err := r.client.GetShardIterator(cctx, in)
		if err != nil {
			return nil, err
		}
		return out.ShardIterator, nil
	}
	var it *string
	err := r.retry(ctx, "GetShardIterator", func(context.Context) error {
		var err error
		it, err = iterator()
		return err
	})
	ready <- err
	if err != nil {
		return
	}
	for ctx.Err() == nil {
		if it == nil {
			var err error
			if it, err = iterator(); err != nil {
				d.failed(t, err)
				r.pause(ctx)
				continue
			}
		}
		cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
		out, err := r.client.GetRecords(cctx, &kinesis.GetRecordsInput{ShardIterator: it, Limit: aws.Int32(int32(r.cfg.Limit))})
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			d.failed(t, err)
			if !throttling(errorCode(err)) {
				it = nil
			}
			r.pause(ctx)
			continue
		}
		d.arrived(t, out.Records, time.Now())
		if n := len(out.Records); n > 0 {
			in.ShardIteratorType = types.ShardIteratorTypeAfterSequenceNumber
			in.StartingSequenceNumber = out.Records[n-1].SequenceNumber
		}
		if it = out.NextShardIterator; it == nil {
			return // the shard closed
		}
		if len(out.Records) == 0 && r.cfg.PollInterval > 0 {
			sleep(ctx, r.cfg.PollInterval)
		}
	}
}
