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

// subscribe: register a consumer, SubscribeToShard on every shard from
// LATEST, then producers PutRecord at -rate (see delivery). The headline
// phase, deliver, counts events (calls) and records pushed, with latency
// from send to the event's arrival. A subscription that ends (AWS ends them
// after 5 minutes) is renewed after its ContinuationSequenceNumber; its
// errors are counted. An endpoint without enhanced fan-out is skipped with
// errUnsupported.
func (r *run) subscribe(ctx context.Context, res *Result) error {
	ss, err := r.createStreams(ctx, r.names(1))
	if err != nil {
		return err
	}
	s := ss[0]
	consumer, err := r.registerConsumer(ctx, s)
	if err != nil {
		return err
	}
	d := &delivery{}
	sctx, stop := context.WithCancel(ctx)
	tallies := make([]*tally, len(s.shards))
	ready := make(chan error, len(s.shards))
	var wg sync.WaitGroup
	for i, sh := range s.shards {
		tallies[i] = r.newTally(len(s.shards))
		wg.Go(func() { r.follow(sctx, consumer, sh.ShardId, d, tallies[i], ready) })
	}
	defer func() { stop(); wg.Wait() }()
	if err := r.ready(ctx, ready, len(s.shards)); err != nil {
		return err
	}
	r.announce(fmt.Sprintf("PutRecord at %g/s -> SubscribeToShard on %d shards", r.cfg.Rate, len(s.shards)))
	res.add(r.produce(ctx, s, d), false)
	d.drain(ctx, r.cfg.Timeout)
	stop()
	wg.Wait()
	d.finish(res, "deliver", tallies)
	return nil
}

// ready waits for n consumers to report that they are in place.
func (r *run) ready(ctx context.Context, ready <-chan error, n int) error {
	timeout := time.After(r.cfg.Timeout + time.Duration(n)*10*time.Millisecond)
	for range n {
		select {
		case err := <-ready:
			if err != nil {
				return err
			}
		case <-timeout:
			return fmt.Errorf("consumers not in place within %v", r.cfg.Timeout)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// follow keeps one shard subscribed until ctx is done, reporting on ready
// whether the first subscription succeeded. It uses a client of its own:
// aws-sdk-go-v2 (kinesis v1.56, smithy-go v1.28) keeps one event-stream
// decoder buffer per client, so subscriptions sharing a client race.
func (r *run) follow(ctx context.Context, consumer string, shard *string, d receiver, t *tally, ready chan<- error) {
	client := kinesis.New(r.client.Options())
	pos := types.StartingPosition{Type: types.ShardIteratorTypeLatest}
	for first := true; ctx.Err() == nil; first = false {
		out, err := client.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(consumer), ShardId: shard, StartingPosition: &pos})
		if first {
			if err != nil && unsupported(errorCode(err)) {
				err = fmt.Errorf("%w: SubscribeToShard: %v", errUnsupported, err)
			} else if err != nil {
				err = fmt.Errorf("SubscribeToShard %s: %w", aws.ToString(shard), err)
			}
			ready <- err
			if err != nil {
				return
			}
		}
		if err != nil {
			if ctx.Err() == nil {
				d.failed(t, err)
				sleep(ctx, time.Second)
			}
			continue
		}
		stream := out.GetStream()
		unhook := context.AfterFunc(ctx, func() { stream.Close() })
		for ev := range stream.Events() {
			e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
			if !ok {
				continue
			}
			d.arrived(t, e.Value.Records, time.Now())
			if c := e.Value.ContinuationSequenceNumber; c != nil {
				pos = types.StartingPosition{Type: types.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: c}
			}
		}
		unhook()
		stream.Close()
		if err := stream.Err(); err != nil && ctx.Err() == nil {
			d.failed(t, err)
			sleep(ctx, time.Second)
		}
	}
}
