package cluster_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// payloadSize is the size of every record a producer puts.
const payloadSize = 64

// producer puts records to one stream through one node, alternating
// PutRecord and PutRecords of batch entries, with a payload of its own for
// every attempt: after an error it backs off and goes on with new
// payloads, as an SDK's retry would but without resending a payload, so
// the checker can tell a duplicate from a retry.
type producer struct {
	id     int
	client *kinesis.Client
	stream string
	chk    *checker

	next     int
	errors   atomic.Int64
	mu       sync.Mutex
	inFlight []string           // the payloads of the put under way
	sample   []string           // a few distinct errors
	lost     map[string]failure // payload → the error its put got
}

const batch = 10

func (p *producer) run(ctx context.Context) {
	backoff := 20 * time.Millisecond
	for ctx.Err() == nil {
		var err error
		if p.next%2 == 0 {
			err = p.putRecord(ctx)
		} else {
			err = p.putRecords(ctx)
		}
		if err == nil {
			backoff = 20 * time.Millisecond
			continue
		}
		if ctx.Err() != nil {
			p.mu.Lock()
			p.note("canceled when the load stopped", p.inFlight)
			p.mu.Unlock()
			return
		}
		p.failed(err, p.inFlight...)
		sleep(ctx, backoff)
		backoff = min(2*backoff, 500*time.Millisecond)
	}
}

// payload returns the next attempt's unique payload.
func (p *producer) payload() string {
	p.next++
	s := fmt.Sprintf("p%d-%08d-", p.id, p.next)
	return s + strings.Repeat("x", payloadSize-len(s))
}

func (p *producer) putRecord(ctx context.Context) error {
	data := p.payload()
	p.inFlight = append(p.inFlight[:0], data)
	sent := time.Now()
	out, err := p.client.PutRecord(ctx, &kinesis.PutRecordInput{
		StreamName: aws.String(p.stream), PartitionKey: aws.String(data[:12]), Data: []byte(data),
	})
	if err != nil {
		return err
	}
	p.chk.Acked(p.id, record{Stream: p.stream, Shard: aws.ToString(out.ShardId), Seq: aws.ToString(out.SequenceNumber), Data: data}, sent, time.Now())
	return nil
}

func (p *producer) putRecords(ctx context.Context) error {
	entries := make([]types.PutRecordsRequestEntry, batch)
	p.inFlight = p.inFlight[:0]
	for i := range entries {
		data := p.payload()
		p.inFlight = append(p.inFlight, data)
		entries[i] = types.PutRecordsRequestEntry{PartitionKey: aws.String(data[:12]), Data: []byte(data)}
	}
	sent := time.Now()
	out, err := p.client.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String(p.stream), Records: entries})
	if err != nil {
		return err
	}
	acked := time.Now()
	if len(out.Records) != len(entries) {
		return fmt.Errorf("PutRecords answered %d entries for %d", len(out.Records), len(entries))
	}
	for i, e := range out.Records {
		data := string(entries[i].Data)
		if e.ErrorCode != nil {
			p.chk.Failed(data)
			p.failed(fmt.Errorf("PutRecords entry: %s: %s", aws.ToString(e.ErrorCode), aws.ToString(e.ErrorMessage)), data)
			continue
		}
		p.chk.Acked(p.id, record{Stream: p.stream, Shard: aws.ToString(e.ShardId), Seq: aws.ToString(e.SequenceNumber), Data: data}, sent, acked)
	}
	return nil
}

// requestID is the part of an SDK error that differs between two
// otherwise equal errors.
var requestID = regexp.MustCompile(`RequestID: [^,]*, `)

// failed counts a failed put (of the payloads), keeping a few distinct
// errors and which error each payload got.
func (p *producer) failed(err error, payloads ...string) {
	p.errors.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	msg := requestID.ReplaceAllString(err.Error(), "")
	if len(msg) > 400 {
		msg = msg[:400] + "…"
	}
	p.note(msg, payloads)
	if len(p.sample) < 8 && !slices.Contains(p.sample, msg) {
		p.sample = append(p.sample, msg)
	}
}

// failure is how and when a put failed.
type failure struct {
	msg string
	at  time.Time
}

// note records that the payloads' put failed with msg; p.mu is held.
func (p *producer) note(msg string, payloads []string) {
	if p.lost == nil {
		p.lost = map[string]failure{}
	}
	for _, d := range payloads {
		p.lost[d] = failure{msg, time.Now()}
	}
}

// consumer reads every shard of a stream (listed again every second, so
// the children of a reshard too) through one node with GetRecords, round
// after round, and hands what it reads to the checker. After an error it
// asks for a new iterator after the last sequence number it read.
type consumer struct {
	id     int
	client *kinesis.Client
	stream string
	shards []string
	chk    *checker

	reads, errors atomic.Int64
}

func (c *consumer) run(ctx context.Context) {
	iters := map[string]string{}
	last := map[string]string{}
	listed := time.Now()
	for ctx.Err() == nil {
		if time.Since(listed) > time.Second {
			// Children of a reshard are read too.
			lctx, cancel := context.WithTimeout(ctx, time.Second)
			if shards, err := listShards(lctx, c.client, c.stream); err == nil {
				c.shards = shards
			}
			cancel()
			listed = time.Now()
		}
		for _, shard := range c.shards {
			if iters[shard] == "" {
				it, err := iterator(ctx, c.client, c.stream, shard, last[shard])
				if err != nil {
					c.errors.Add(1)
					continue
				}
				iters[shard] = it
			}
			out, err := c.client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(iters[shard]), Limit: aws.Int32(1000)})
			if err != nil {
				c.errors.Add(1)
				iters[shard] = ""
				continue
			}
			rs := make([]record, 0, len(out.Records))
			for _, r := range out.Records {
				rs = append(rs, record{Stream: c.stream, Shard: shard, Seq: aws.ToString(r.SequenceNumber), Data: string(r.Data)})
				last[shard] = aws.ToString(r.SequenceNumber)
			}
			c.chk.Consumed(c.id, rs...)
			c.reads.Add(int64(len(rs)))
			iters[shard] = aws.ToString(out.NextShardIterator)
		}
		sleep(ctx, 50*time.Millisecond)
	}
}

// iterator returns a shard iterator at the shard's start, or after the
// sequence number after when it is not empty.
func iterator(ctx context.Context, client *kinesis.Client, stream, shard, after string) (string, error) {
	in := &kinesis.GetShardIteratorInput{StreamName: aws.String(stream), ShardId: aws.String(shard), ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
	if after != "" {
		in.ShardIteratorType, in.StartingSequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, aws.String(after)
	}
	out, err := client.GetShardIterator(ctx, in)
	if err != nil {
		return "", err
	}
	return aws.ToString(out.ShardIterator), nil
}

// readBack reads every record of every shard of the stream from the start,
// until GetRecords answers none and is not behind. It retries errors (a
// call may meet an owner change) until ctx ends.
func readBack(ctx context.Context, client *kinesis.Client, stream string) ([]record, error) {
	shards, err := listShards(ctx, client, stream)
	if err != nil {
		return nil, err
	}
	var all []record
	for _, shard := range shards {
		last, it := "", ""
		for {
			if it == "" {
				if it, err = iterator(ctx, client, stream, shard, last); err != nil {
					if ctx.Err() != nil {
						return nil, fmt.Errorf("shard %s: %w", shard, err)
					}
					sleep(ctx, 200*time.Millisecond)
					continue
				}
			}
			out, err := client.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: aws.String(it), Limit: aws.Int32(10000)})
			if err != nil {
				if ctx.Err() != nil {
					return nil, fmt.Errorf("shard %s: %w", shard, err)
				}
				it = ""
				sleep(ctx, 200*time.Millisecond)
				continue
			}
			for _, r := range out.Records {
				last = aws.ToString(r.SequenceNumber)
				all = append(all, record{Stream: stream, Shard: shard, Seq: last, Data: string(r.Data)})
			}
			it = aws.ToString(out.NextShardIterator)
			if it == "" || len(out.Records) == 0 && aws.ToInt64(out.MillisBehindLatest) == 0 {
				break
			}
		}
	}
	return all, nil
}

// listShards returns the stream's shard IDs, retrying errors until ctx
// ends.
func listShards(ctx context.Context, client *kinesis.Client, stream string) ([]string, error) {
	for {
		var ids []string
		in := &kinesis.ListShardsInput{StreamName: aws.String(stream)}
		var err error
		for {
			var out *kinesis.ListShardsOutput
			if out, err = client.ListShards(ctx, in); err != nil {
				break
			}
			for _, s := range out.Shards {
				ids = append(ids, aws.ToString(s.ShardId))
			}
			if out.NextToken == nil {
				return ids, nil
			}
			in = &kinesis.ListShardsInput{NextToken: out.NextToken}
		}
		if ctx.Err() != nil {
			return nil, errors.Join(err, ctx.Err())
		}
		sleep(ctx, 200*time.Millisecond)
	}
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}
