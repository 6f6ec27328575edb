package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
)

// CreateChannel, DeleteChannel, DescribeChannel, ListChannels and
// UpdateChannel (2026-08: delivery of a stream to S3 or S3 Tables) answer
// InvalidArgumentException saying so and pointing at what does deliver a
// stream to S3 here (a Firehose delivery stream reading it): a channel that
// accepted a configuration but never delivered would mislead.

var channelInput = shape.Struct().Named("ChannelInput")

type channelIn struct{}

func channelsUnsupported(op string) func(context.Context, *channelIn) (*empty, error) {
	return func(context.Context, *channelIn) (*empty, error) {
		return nil, awserr.New(awserr.InvalidArgumentException,
			"%s is not supported by this Sluice version: channels (delivery of a stream to S3 or S3 Tables) are not implemented yet. To deliver a stream to S3, create a Firehose delivery stream with the stream as its source (KinesisStreamAsSource).", op)
	}
}
