package bench

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"
)

// stream is a stream the run created, with its shards as DescribeStream
// listed them once ACTIVE.
type stream struct {
	name   string
	arn    string
	shards []types.Shard
}

// errUnsupported marks a workload the endpoint cannot run.
var errUnsupported = errors.New("unsupported by the endpoint")

// retry calls f until it succeeds or fails for another reason than
// throttling (waiting 50 ms, doubling to 2 s, between tries). Every failure
// is counted in the setup errors: setup throttling is reported too.
func (r *run) retry(ctx context.Context, what string, f func(ctx context.Context) error) error {
	wait := 50 * time.Millisecond
	for try := 1; ; try++ {
		cctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
		err := f(cctx)
		cancel()
		if err == nil {
			return nil
		}
		code := errorCode(err)
		if quota(err) {
			code += " (quota)" // not throttling: waiting will not help
		}
		r.setupError(code)
		if !throttling(code) || try == 40 || ctx.Err() != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		if sleep(ctx, wait) != nil {
			return ctx.Err()
		}
		wait = min(2*wait, 2*time.Second)
	}
}

// quota reports whether err is a LimitExceededException for a quota (the
// account's shard or stream limit: "This request would exceed the shard
// limit ..."), not for a rate.
func quota(err error) bool {
	var api smithy.APIError
	return errors.As(err, &api) && api.ErrorCode() == "LimitExceededException" &&
		strings.Contains(strings.ToLower(api.ErrorMessage()), "would exceed")
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// names returns n fresh stream names: prefix-workload-random[-i].
func (r *run) names(n int) []string {
	base := fmt.Sprintf("%s-%s-%06x", r.cfg.Stream, r.cfg.Workload, rand.Uint32()&0xffffff)
	if n == 1 {
		return []string{base}
	}
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("%s-%04d", base, i)
	}
	return names
}

// createStreams creates streams of -shards shards on -concurrency
// goroutines, waits for each to be ACTIVE (polling DescribeStream) and
// lists its shards. A stream is remembered for deletion as soon as
// CreateStream succeeds.
func (r *run) createStreams(ctx context.Context, names []string) ([]*stream, error) {
	if len(names) == 1 {
		r.logf("creating stream %s with %d shard(s)", names[0], r.cfg.Shards)
	} else {
		r.logf("creating %d streams %s to %s with %d shard(s) each", len(names), names[0], names[len(names)-1], r.cfg.Shards)
	}
	out := make([]*stream, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	sem := make(chan struct{}, max(min(r.cfg.Concurrency, 64), 1))
	for i, name := range names {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			out[i], errs[i] = r.createStream(ctx, name)
		})
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

func (r *run) createStream(ctx context.Context, name string) (*stream, error) {
	err := r.retry(ctx, "CreateStream "+name, func(ctx context.Context) error {
		_, err := r.client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(name), ShardCount: aws.Int32(int32(r.cfg.Shards))})
		return err
	})
	if err != nil {
		return nil, err
	}
	s := &stream{name: name}
	r.mu.Lock()
	r.streams = append(r.streams, s)
	r.mu.Unlock()
	if err := r.waitActive(ctx, s); err != nil {
		return nil, err
	}
	return s, r.listShards(ctx, s)
}

// waitActive polls DescribeStream (Limit 1) until the stream is ACTIVE,
// every 50 ms at first, backing off to 1 s.
func (r *run) waitActive(ctx context.Context, s *stream) error {
	wait := 50 * time.Millisecond
	deadline := time.Now().Add(5 * time.Minute)
	for {
		var status types.StreamStatus
		err := r.retry(ctx, "DescribeStream "+s.name, func(ctx context.Context) error {
			out, err := r.client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(s.name), Limit: aws.Int32(1)})
			if err == nil {
				status = out.StreamDescription.StreamStatus
				s.arn = aws.ToString(out.StreamDescription.StreamARN)
			}
			return err
		})
		if err != nil {
			return err
		}
		if status == types.StreamStatusActive {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("stream %s still %s after 5 minutes", s.name, status)
		}
		if err := sleep(ctx, wait); err != nil {
			return err
		}
		wait = min(2*wait, time.Second)
	}
}

// listShards lists the stream's shards with DescribeStream, which every
// emulator pages (ListShards paging is not everywhere).
func (r *run) listShards(ctx context.Context, s *stream) error {
	s.shards = nil
	var after *string
	for {
		var d *types.StreamDescription
		err := r.retry(ctx, "DescribeStream "+s.name, func(ctx context.Context) error {
			out, err := r.client.DescribeStream(ctx, &kinesis.DescribeStreamInput{StreamName: aws.String(s.name), ExclusiveStartShardId: after})
			if err == nil {
				d = out.StreamDescription
			}
			return err
		})
		if err != nil {
			return err
		}
		s.shards = append(s.shards, d.Shards...)
		if !aws.ToBool(d.HasMoreShards) || len(d.Shards) == 0 {
			return nil
		}
		after = d.Shards[len(d.Shards)-1].ShardId
	}
}

// registerConsumer registers a consumer on the stream and waits for it to
// be ACTIVE. An endpoint without enhanced fan-out gets errUnsupported.
func (r *run) registerConsumer(ctx context.Context, s *stream) (string, error) {
	var arn string
	err := r.retry(ctx, "RegisterStreamConsumer", func(ctx context.Context) error {
		out, err := r.client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{
			StreamARN: aws.String(s.arn), ConsumerName: aws.String(fmt.Sprintf("%s-%06x", r.cfg.Stream, rand.Uint32()&0xffffff))})
		if err == nil {
			arn = aws.ToString(out.Consumer.ConsumerARN)
		}
		return err
	})
	if err != nil {
		if unsupported(errorCode(err)) {
			return "", fmt.Errorf("%w: the %s workload needs enhanced fan-out (RegisterStreamConsumer and SubscribeToShard): %v", errUnsupported, r.cfg.Workload, err)
		}
		return "", err
	}
	r.mu.Lock()
	r.consumers = append(r.consumers, arn)
	r.mu.Unlock()
	wait := 50 * time.Millisecond
	for {
		var status types.ConsumerStatus
		err := r.retry(ctx, "DescribeStreamConsumer", func(ctx context.Context) error {
			out, err := r.client.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String(arn)})
			if err == nil {
				status = out.ConsumerDescription.ConsumerStatus
			}
			return err
		})
		if err != nil {
			return "", err
		}
		if status == types.ConsumerStatusActive {
			return arn, nil
		}
		if err := sleep(ctx, wait); err != nil {
			return "", err
		}
		wait = min(2*wait, time.Second)
	}
}

// cleanup deletes the Data Analytics applications and the streams the run
// made (without waiting for DELETING to end), with their consumers, unless
// -keep. It runs after an interrupt too, so it does not use the run's
// context.
func (r *run) cleanup(ctx context.Context) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
	defer cancel()
	r.deleteApplications(ctx)
	r.mu.Lock()
	streams, consumers := r.streams, len(r.consumers) > 0
	r.mu.Unlock()
	if r.cfg.Keep {
		for _, s := range streams {
			r.logf("keeping stream %s", s.name)
		}
		return
	}
	if len(streams) > 0 {
		r.logf("deleting %d stream(s)", len(streams))
	}
	// EnforceConsumerDeletion only when there are consumers: an endpoint
	// without them may not know the field.
	var enforce *bool
	if consumers {
		enforce = aws.Bool(true)
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	for _, s := range streams {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := r.retry(ctx, "DeleteStream "+s.name, func(ctx context.Context) error {
				_, err := r.client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String(s.name), EnforceConsumerDeletion: enforce})
				return err
			}); err != nil {
				r.logf("%v", err)
			}
		})
	}
	wg.Wait()
}
