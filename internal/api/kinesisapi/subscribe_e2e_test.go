package kinesisapi_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/aws/smithy-go"

	"sluice/internal/awsclient"
	"sluice/internal/streams"
	"sluice/internal/testserver"
)

// subscription collects the events of one SubscribeToShard call.
type subscription struct {
	stream *kinesis.SubscribeToShardEventStream
	events chan *types.SubscribeToShardEvent
	done   chan error
}

func subscribe(t *testing.T, c *kinesis.Client, consumerARN, shard string, pos types.StartingPosition) (*subscription, error) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	t.Cleanup(cancel)
	// A client of its own: aws-sdk-go-v2's event stream decoder (smithy-go
	// v1.28.9) keeps one buffer per client, so concurrent subscriptions on
	// one client race inside the SDK.
	c = kinesis.New(c.Options())
	out, err := c.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{ConsumerARN: aws.String(consumerARN), ShardId: aws.String(shard), StartingPosition: &pos})
	if err != nil {
		return nil, err
	}
	s := &subscription{stream: out.GetStream(), events: make(chan *types.SubscribeToShardEvent, 1000), done: make(chan error, 1)}
	t.Cleanup(func() { s.stream.Close() })
	go func() {
		for ev := range s.stream.Events() {
			if e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent); ok {
				s.events <- &e.Value
			}
		}
		close(s.events)
		s.done <- s.stream.Err()
	}()
	return s, nil
}

// next waits for an event (or fails the test after timeout).
func (s *subscription) next(t *testing.T) *types.SubscribeToShardEvent {
	t.Helper()
	select {
	case ev, ok := <-s.events:
		if !ok {
			t.Fatalf("subscription ended: %v", <-s.done)
		}
		if ev.ContinuationSequenceNumber == nil || ev.MillisBehindLatest == nil {
			t.Fatalf("event without ContinuationSequenceNumber or MillisBehindLatest: %+v", ev)
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return nil
}

// records waits until n records have arrived and returns them.
func (s *subscription) records(t *testing.T, n int) []types.Record {
	t.Helper()
	var got []types.Record
	for len(got) < n {
		got = append(got, s.next(t).Records...)
	}
	return got
}

func efoStream(t *testing.T, c *kinesis.Client, name string, shards int32) (streamARN, consumerARN string) {
	t.Helper()
	d := createStream(t, c, name, shards)
	return *d.StreamARN, *registerConsumer(t, c, *d.StreamARN, "reader").ConsumerARN
}

func TestSubscribeToShardPushesRecords(t *testing.T) {
	_, c := start(t, testserver.WithStreams(func(cfg *streams.Config) { cfg.Heartbeat = 100 * time.Millisecond }))
	_, consumer := efoStream(t, c, "push", 1)
	sub, err := subscribe(t, c, consumer, "shardId-000000000000", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	// An event comes at once, and empty ones keep coming while idle.
	for range 3 {
		if ev := sub.next(t); len(ev.Records) != 0 {
			t.Fatalf("records before any were written: %+v", ev.Records)
		}
	}
	var seqs []string
	for i := range 10 {
		out, err := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("push"), PartitionKey: aws.String("k"), Data: []byte(fmt.Sprint(i))})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, *out.SequenceNumber)
	}
	got := sub.records(t, 10)
	for i, r := range got {
		if *r.SequenceNumber != seqs[i] || string(r.Data) != fmt.Sprint(i) || *r.PartitionKey != "k" || r.ApproximateArrivalTimestamp == nil {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
}

func TestSubscribeStartingPositions(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now))
	_, consumer := efoStream(t, c, "pos", 1)
	var seqs []string
	for i := range 6 {
		out, _ := c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("pos"), PartitionKey: aws.String("k"), Data: []byte(fmt.Sprint(i))})
		seqs = append(seqs, *out.SequenceNumber)
		if i == 2 {
			clock.Advance(time.Minute)
		}
	}
	cases := []struct {
		pos   types.StartingPosition
		first string
	}{
		{types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon}, "0"},
		{types.StartingPosition{Type: types.ShardIteratorTypeAtSequenceNumber, SequenceNumber: &seqs[4]}, "4"},
		{types.StartingPosition{Type: types.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: &seqs[4]}, "5"},
		{types.StartingPosition{Type: types.ShardIteratorTypeAtTimestamp, Timestamp: aws.Time(clock.Now().Add(-30 * time.Second))}, "3"},
	}
	for i, tc := range cases {
		// A new consumer each time: one subscription per consumer and shard.
		cons := *registerConsumer(t, c, "arn:aws:kinesis:us-east-1:000000000000:stream/pos", fmt.Sprintf("pos%d", i)).ConsumerARN
		sub, err := subscribe(t, c, cons, "shardId-000000000000", tc.pos)
		if err != nil {
			t.Fatalf("%s: %v", tc.pos.Type, err)
		}
		if got := string(sub.records(t, 1)[0].Data); got != tc.first {
			t.Errorf("%s: first record %s, want %s", tc.pos.Type, got, tc.first)
		}
	}
	_ = consumer
	_, err := subscribe(t, c, consumer, "shardId-000000000000", types.StartingPosition{Type: types.ShardIteratorTypeAtSequenceNumber})
	wantAPIError(t, err, "InvalidArgumentException", "Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or (2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified AT_SEQUENCE_NUMBER and no StartingSequenceNumber.")
	_, err = subscribe(t, c, consumer, "shardId-000000000007", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	wantAPIError(t, err, "ResourceNotFoundException", "Could not find shard shardId-000000000007 in stream pos under account 000000000000.")
	_, err = subscribe(t, c, "arn:aws:kinesis:us-east-1:000000000000:stream/pos/consumer/ghost:1", "0", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	wantAPIError(t, err, "ResourceNotFoundException", "Consumer arn:aws:kinesis:us-east-1:000000000000:stream/pos/consumer/ghost:1 under account 000000000000 not found.")
}

func TestSubscribeContinuation(t *testing.T) {
	_, c := start(t)
	_, consumer := efoStream(t, c, "cont", 1)
	for i := range 5 {
		c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("cont"), PartitionKey: aws.String("k"), Data: []byte(fmt.Sprint(i))})
	}
	sub, _ := subscribe(t, c, consumer, "0", types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon})
	var ev *types.SubscribeToShardEvent
	for n := 0; n < 5; {
		ev = sub.next(t)
		n += len(ev.Records)
	}
	sub.stream.Close()
	for i := 5; i < 8; i++ {
		c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("cont"), PartitionKey: aws.String("k"), Data: []byte(fmt.Sprint(i))})
	}
	// Resuming after the continuation loses and repeats nothing. (Another
	// consumer, as the first subscription holds its slot for 5 seconds.)
	other := *registerConsumer(t, c, "arn:aws:kinesis:us-east-1:000000000000:stream/cont", "other").ConsumerARN
	sub2, err := subscribe(t, c, other, "0", types.StartingPosition{Type: types.ShardIteratorTypeAfterSequenceNumber, SequenceNumber: ev.ContinuationSequenceNumber})
	if err != nil {
		t.Fatal(err)
	}
	if got := sub2.records(t, 3); string(got[0].Data) != "5" || string(got[2].Data) != "7" {
		t.Fatalf("resumed at %s", got[0].Data)
	}
}

func TestSubscribeTakeoverAndLifetime(t *testing.T) {
	clock := testserver.NewClock()
	_, c := start(t, testserver.WithClock(clock.Now), testserver.WithStreams(func(cfg *streams.Config) { cfg.Heartbeat = 50 * time.Millisecond }))
	_, consumer := efoStream(t, c, "take", 1)
	first, err := subscribe(t, c, consumer, "0", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	first.next(t)
	_, err = subscribe(t, c, consumer, "0", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	wantAPIError(t, err, "ResourceInUseException", "Another active subscription exists for consumer "+consumer+" and shard shardId-000000000000.")
	clock.Advance(6 * time.Second)
	second, err := subscribe(t, c, consumer, "0", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatalf("takeover after 5 s: %v", err)
	}
	var apiErr smithy.APIError
	select {
	case err := <-first.done:
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "ResourceInUseException" {
			t.Fatalf("the replaced subscription ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the replaced subscription did not end")
	}
	second.next(t)
	// Five minutes later the subscription ends by itself.
	clock.Advance(5 * time.Minute)
	select {
	case err := <-second.done:
		if err != nil {
			t.Fatalf("subscription ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("subscription did not end after 5 minutes")
	}
}

func TestSubscribeEndsWithChildShards(t *testing.T) {
	_, c := start(t)
	_, consumer := efoStream(t, c, "kids", 1)
	sub, _ := subscribe(t, c, consumer, "0", types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon})
	sub.next(t)
	c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("kids"), PartitionKey: aws.String("k"), Data: []byte("last")})
	if _, err := c.SplitShard(ctx, &kinesis.SplitShardInput{StreamName: aws.String("kids"), ShardToSplit: aws.String("0"), NewStartingHashKey: aws.String("1000")}); err != nil {
		t.Fatal(err)
	}
	var last *types.SubscribeToShardEvent
	for last == nil || last.ChildShards == nil {
		last = sub.next(t)
	}
	if len(last.ChildShards) != 2 || fmt.Sprint(last.ChildShards[1].ParentShards) != "[shardId-000000000000]" {
		t.Fatalf("children %+v", last.ChildShards)
	}
	if err := <-sub.done; err != nil {
		t.Fatalf("end of a closed shard: %v", err)
	}
}

// protoRecorder remembers the HTTP protocol major version of responses.
type protoRecorder struct {
	rt    http.RoundTripper
	major atomic.Int32
}

func (p *protoRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := p.rt.RoundTrip(r)
	if err == nil {
		p.major.Store(int32(resp.ProtoMajor))
	}
	return resp, err
}

func subscribeOver(t *testing.T, srv *testserver.Server, url string, transport *http.Transport) {
	t.Helper()
	rec := &protoRecorder{rt: transport}
	cfg := srv.AWSConfig("us-east-1", "AKID", "secret")
	cfg.BaseEndpoint = aws.String(url)
	cfg.HTTPClient = &http.Client{Transport: awsclient.Transport(rec)}
	c := kinesis.NewFromConfig(cfg)
	_, consumer := efoStream(t, c, "h2", 1)
	sub, err := subscribe(t, c, consumer, "0", types.StartingPosition{Type: types.ShardIteratorTypeLatest})
	if err != nil {
		t.Fatal(err)
	}
	sub.next(t)
	c.PutRecord(ctx, &kinesis.PutRecordInput{StreamName: aws.String("h2"), PartitionKey: aws.String("k"), Data: []byte("over h2")})
	if got := sub.records(t, 1); string(got[0].Data) != "over h2" {
		t.Fatalf("got %q", got[0].Data)
	}
	if rec.major.Load() != 2 {
		t.Fatalf("served over HTTP/%d", rec.major.Load())
	}
}

func TestSubscribeOverH2C(t *testing.T) {
	srv := testserver.Start(t)
	protocols := new(http.Protocols)
	protocols.SetUnencryptedHTTP2(true) // h2c with prior knowledge
	subscribeOver(t, srv, srv.URL, &http.Transport{Protocols: protocols})
}

func TestSubscribeOverTLS(t *testing.T) {
	srv := testserver.Start(t, testserver.WithTLS())
	pem, err := os.ReadFile(filepath.Join(srv.Dir, "tls", "cert.pem"))
	if err != nil {
		t.Fatalf("self-signed certificate not in the data directory: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	subscribeOver(t, srv, srv.TLSURL, &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true})
}
