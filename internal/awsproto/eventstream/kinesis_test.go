package eventstream

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/awsjson"
)

// TestKinesisClientReadsOurStream serves a SubscribeToShard response
// written with this package to the real Kinesis client: the initial
// response, an event with a record, an empty event, then an in-stream
// ResourceInUseException built by AWSException.
func TestKinesisClientReadsOurStream(t *testing.T) {
	const seq = "49590338271490256608559692538361571095921575989136588898"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if got := r.Header.Get("X-Amz-Target"); got != "Kinesis_20131202.SubscribeToShard" {
			http.Error(w, "unexpected target "+got, http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", ContentType)
		w.WriteHeader(http.StatusOK)
		enc := NewEncoder(w)
		exc, err := AWSException(awserr.New(awserr.ResourceInUseException,
			"Another active subscription exists for this consumer"), "application/json", awsjson.Encode)
		if err != nil {
			t.Error(err)
			return
		}
		for _, m := range []Message{
			Event("initial-response", "application/json", []byte("{}")),
			Event("SubscribeToShardEvent", "application/json", []byte(`{"Records":[{"Data":"aGVsbG8=","PartitionKey":"pk","SequenceNumber":"`+seq+`","ApproximateArrivalTimestamp":1700000000.123}],"ContinuationSequenceNumber":"`+seq+`","MillisBehindLatest":0}`)),
			Event("SubscribeToShardEvent", "application/json", []byte(`{"Records":[],"ContinuationSequenceNumber":"`+seq+`","MillisBehindLatest":5}`)),
			exc,
		} {
			if err := enc.Encode(m); err != nil {
				t.Error(err)
				return
			}
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()

	client := kinesis.New(kinesis.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   srv.Client(),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := client.SubscribeToShard(ctx, &kinesis.SubscribeToShardInput{
		ConsumerARN:      aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1"),
		ShardId:          aws.String("shardId-000000000000"),
		StartingPosition: &types.StartingPosition{Type: types.ShardIteratorTypeTrimHorizon},
	})
	if err != nil {
		t.Fatal(err)
	}
	stream := out.GetStream()
	defer stream.Close()

	var events []types.SubscribeToShardEvent
	for ev := range stream.Events() {
		e, ok := ev.(*types.SubscribeToShardEventStreamMemberSubscribeToShardEvent)
		if !ok {
			t.Fatalf("unexpected event %T", ev)
		}
		events = append(events, e.Value)
	}
	if len(events) != 2 {
		t.Fatalf("got %d events, want 2", len(events))
	}
	r := events[0].Records
	if len(r) != 1 || string(r[0].Data) != "hello" || aws.ToString(r[0].SequenceNumber) != seq ||
		aws.ToString(events[0].ContinuationSequenceNumber) != seq || aws.ToInt64(events[1].MillisBehindLatest) != 5 {
		t.Fatalf("events decoded wrong: %+v", events)
	}
	var inUse *types.ResourceInUseException
	if err := stream.Err(); !errors.As(err, &inUse) || inUse.ErrorMessage() != "Another active subscription exists for this consumer" {
		t.Fatalf("stream error %v (%T), want ResourceInUseException with its message", err, err)
	}
}
