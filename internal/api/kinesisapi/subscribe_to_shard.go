package kinesisapi

import (
	"context"
	"errors"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awscbor"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/eventstream"
	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// SubscribeToShard: an application/vnd.amazon.eventstream response. The
// first message is the initial-response event (the Go SDK waits for it);
// then SubscribeToShardEvent events carry Records, a never-null
// ContinuationSequenceNumber and MillisBehindLatest: records as soon as they
// are durable, an empty event at least every 5 s when idle, and ChildShards
// in the last event of a closed shard. A subscription ends after 5 minutes.
// The same consumer and shard again within 5 s is ResourceInUseException;
// later, the new call takes over and the old stream ends with a
// ResourceInUseException exception event. Event payloads use the request's
// encoding (JSON, or CBOR for the Java SDK). Works over HTTP/1.1 (chunked),
// h2c and h2.

var startingPositionShape = shape.Struct(
	shape.Opt("SequenceNumber", sequenceShape),
	shape.Opt("Timestamp", shape.Time()),
	shape.Req("Type", iteratorTypeShape),
).Named("StartingPosition")

var subscribeToShardInput = shape.Struct(
	shape.Req("ConsumerARN", consumerARNShape),
	shape.Req("ShardId", shardIDShape),
	shape.Req("StartingPosition", startingPositionShape),
	shape.Opt("StreamId", streamIDShape),
).Named("SubscribeToShardInput")

type subscribeToShardIn struct {
	ConsumerARN      string
	ShardId          string
	StartingPosition struct {
		SequenceNumber *string
		Timestamp      *time.Time
		Type           string
	}
	StreamId *string
}

type subscribeEventOut struct {
	Records                    []recordOut     `json:"Records"`
	ContinuationSequenceNumber string          `json:"ContinuationSequenceNumber"`
	MillisBehindLatest         int64           `json:"MillisBehindLatest"`
	ChildShards                []childShardOut `json:"ChildShards,omitempty"`
}

// eventContentType labels event payloads as AWS's protocols do.
func eventContentType(requestType string) (string, func(any) ([]byte, error)) {
	if requestType == awscbor.ContentType {
		return awscbor.ContentType, awscbor.Encode
	}
	return "application/json", awsjson.Encode
}

func (a *API) subscribeToShard(ctx context.Context, in *subscribeToShardIn, w awsproto.ResponseStream) error {
	pos := streams.StartingPosition{Type: in.StartingPosition.Type, SequenceNumber: deref(in.StartingPosition.SequenceNumber), Timestamp: in.StartingPosition.Timestamp}
	sub, err := a.svc.Subscribe(ctx, caller(ctx), in.ConsumerARN, in.ShardId, pos)
	if err != nil {
		return wire(err)
	}
	defer sub.Close()

	ct, encode := eventContentType(w.ContentType())
	w.Header().Set("Content-Type", eventstream.ContentType)
	w.WriteHeader(200)
	enc := eventstream.NewEncoder(w)
	initial, _ := encode(struct{}{})
	if err := enc.Encode(eventstream.Event("initial-response", ct, initial)); err != nil {
		return err
	}
	w.Flush()
	for {
		ev, err := sub.Next(ctx)
		switch {
		case errors.Is(err, streams.ErrSubscriptionEnded), ctx.Err() != nil:
			return nil
		case errors.Is(err, streams.ErrTakenOver):
			return sendException(enc, w, awserr.New(awserr.ResourceInUseException,
				"Another subscription took over consumer %s and shard %s.", in.ConsumerARN, in.ShardId), ct, encode)
		case err != nil:
			e := awserr.As(wire(err))
			if e.Code.Status >= 500 {
				e = awserr.New(awserr.InternalFailureException, "Internal service failure.")
			}
			return sendException(enc, w, e, ct, encode)
		}
		payload, err := encode(toSubscribeEvent(ev))
		if err != nil {
			return err
		}
		if err := enc.Encode(eventstream.Event("SubscribeToShardEvent", ct, payload)); err != nil {
			return err // the client went away
		}
		w.Flush()
	}
}

func sendException(enc *eventstream.Encoder, w awsproto.ResponseStream, e *awserr.Error, ct string, encode func(any) ([]byte, error)) error {
	msg, err := eventstream.AWSException(e, ct, encode)
	if err != nil {
		return err
	}
	err = enc.Encode(msg)
	w.Flush()
	return err
}

func toSubscribeEvent(ev *streams.SubscribeEvent) subscribeEventOut {
	out := subscribeEventOut{
		Records:                    make([]recordOut, len(ev.Records)),
		ContinuationSequenceNumber: ev.ContinuationSeq,
		MillisBehindLatest:         ev.MillisBehindLatest,
	}
	for i := range ev.Records {
		r := &ev.Records[i]
		out.Records[i] = recordOut{
			SequenceNumber:              ev.SeqNum(r),
			ApproximateArrivalTimestamp: awsproto.TimeOf(time.UnixMilli(r.ArrivalMillis)),
			Data:                        nonNil(r.Data),
			PartitionKey:                r.PartitionKey,
			EncryptionType:              ev.EncryptionType(i),
		}
	}
	if ev.ChildShards != nil {
		out.ChildShards = toChildShards(ev.ChildShards)
	}
	return out
}
