package kinesisapi

import (
	"context"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers and
// DeregisterStreamConsumer: enhanced fan-out consumers, at most 20 per
// stream, CREATING then ACTIVE (and DELETING then gone) over the create
// and delete delays. A consumer is named by its ARN
// (arn:aws:kinesis:<region>:<account>:stream/<stream>/consumer/<name>:<epoch>)
// or by StreamARN and ConsumerName.

type consumerOut struct {
	ConsumerName              string              `json:"ConsumerName"`
	ConsumerARN               string              `json:"ConsumerARN"`
	ConsumerStatus            string              `json:"ConsumerStatus"`
	ConsumerCreationTimestamp *awsproto.Timestamp `json:"ConsumerCreationTimestamp"`
	StreamARN                 string              `json:"StreamARN,omitempty"`
}

func toConsumer(info streams.ConsumerInfo, withStream bool) consumerOut {
	out := consumerOut{
		ConsumerName: info.Consumer.Name, ConsumerARN: info.ARN, ConsumerStatus: info.Consumer.Status,
		ConsumerCreationTimestamp: awsproto.TimeOf(info.Consumer.Created),
	}
	if withStream {
		out.StreamARN = info.Stream.ARN()
	}
	return out
}

var registerStreamConsumerInput = shape.Struct(
	shape.Req("ConsumerName", consumerNameShape),
	shape.Req("StreamARN", streamARNShape),
	shape.Opt("StreamId", streamIDShape),
	shape.Opt("Tags", tagMapShape),
).Named("RegisterStreamConsumerInput")

type registerStreamConsumerIn struct {
	ConsumerName string
	StreamARN    string
	StreamId     *string
	Tags         map[string]string
}

type registerStreamConsumerOut struct {
	Consumer consumerOut `json:"Consumer"`
}

func (a *API) registerStreamConsumer(ctx context.Context, in *registerStreamConsumerIn) (*registerStreamConsumerOut, error) {
	info, err := a.svc.RegisterConsumer(ctx, caller(ctx), in.StreamARN, in.ConsumerName, in.Tags)
	if err != nil {
		return nil, wire(err)
	}
	return &registerStreamConsumerOut{Consumer: toConsumer(info, false)}, nil
}

var consumerRefInput = shape.Struct(
	shape.Opt("ConsumerARN", consumerARNShape),
	shape.Opt("ConsumerName", consumerNameShape),
	shape.Opt("StreamARN", streamARNShape),
	shape.Opt("StreamId", streamIDShape),
).Named("ConsumerInput")

type consumerRefIn struct {
	ConsumerARN  *string
	ConsumerName *string
	StreamARN    *string
	StreamId     *string
}

func (in *consumerRefIn) ref() streams.ConsumerRef {
	return streams.ConsumerRef{ARN: deref(in.ConsumerARN), StreamARN: deref(in.StreamARN), Name: deref(in.ConsumerName)}
}

type describeStreamConsumerOut struct {
	ConsumerDescription consumerOut `json:"ConsumerDescription"`
}

func (a *API) describeStreamConsumer(ctx context.Context, in *consumerRefIn) (*describeStreamConsumerOut, error) {
	info, err := a.svc.DescribeConsumer(ctx, caller(ctx), in.ref())
	if err != nil {
		return nil, wire(err)
	}
	return &describeStreamConsumerOut{ConsumerDescription: toConsumer(info, true)}, nil
}

func (a *API) deregisterStreamConsumer(ctx context.Context, in *consumerRefIn) (*empty, error) {
	return nil, wire(a.svc.DeregisterConsumer(ctx, caller(ctx), in.ref()))
}

var listStreamConsumersInput = shape.Struct(
	shape.Opt("MaxResults", shape.Int().Range(1, 10000)),
	shape.Opt("NextToken", nextTokenShape),
	shape.Req("StreamARN", streamARNShape),
	shape.Opt("StreamCreationTimestamp", shape.Time()),
	shape.Opt("StreamId", streamIDShape),
).Named("ListStreamConsumersInput")

type listStreamConsumersIn struct {
	MaxResults              *int64
	NextToken               *string
	StreamARN               string
	StreamCreationTimestamp *time.Time
	StreamId                *string
}

type listStreamConsumersOut struct {
	Consumers []consumerOut `json:"Consumers"`
	NextToken string        `json:"NextToken,omitempty"`
}

func (a *API) listStreamConsumers(ctx context.Context, in *listStreamConsumersIn) (*listStreamConsumersOut, error) {
	list, token, err := a.svc.ListConsumers(ctx, caller(ctx), in.StreamARN, in.StreamCreationTimestamp, deref(in.NextToken), int(deref(in.MaxResults)))
	if err != nil {
		return nil, wire(err)
	}
	out := &listStreamConsumersOut{Consumers: make([]consumerOut, len(list)), NextToken: token}
	for i, info := range list {
		out.Consumers[i] = toConsumer(info, false)
	}
	return out, nil
}
