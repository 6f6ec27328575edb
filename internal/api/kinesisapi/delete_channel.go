package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// DeleteChannel: the channel's delivery stops at once (objects already
// delivered stay), it is DELETING for the delete delay and then gone.
// Deleting a DELETING channel succeeds and changes nothing. The answer is
// an empty body.

var deleteChannelInput = shape.Struct(
	shape.Req("ChannelARN", channelARNShape),
).Named("DeleteChannelInput")

func (a *API) deleteChannel(ctx context.Context, in *channelARNIn) (*empty, error) {
	svc, err := a.chans()
	if err != nil {
		return nil, err
	}
	return nil, channelWire(svc.Delete(ctx, chCaller(ctx), in.ChannelARN))
}
