package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// DescribeChannel: a channel's configuration and status by its ARN
// (arn:aws:kinesis:<region>:<account>:channel/<name>), in any state;
// ResourceNotFoundException for a channel of another account or region.

var describeChannelInput = shape.Struct(
	shape.Req("ChannelARN", channelARNShape),
).Named("DescribeChannelInput")

type channelARNIn struct {
	ChannelARN string
}

func (a *API) describeChannel(ctx context.Context, in *channelARNIn) (*channelDescriptionResult, error) {
	svc, err := a.chans()
	if err != nil {
		return nil, err
	}
	ch, err := svc.Describe(chCaller(ctx), in.ChannelARN)
	if err != nil {
		return nil, channelWire(err)
	}
	return &channelDescriptionResult{ChannelDescription: toChannelDescription(ch)}, nil
}
