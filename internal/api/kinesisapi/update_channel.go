package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
	"sluice/internal/channels"
)

// UpdateChannel: an ACTIVE channel's DataFreshnessInSeconds (300–900) or
// CloudWatch Logs configuration (names not given keep their values; the
// defaults when logging is turned on without them). The channel is
// UPDATING for the update delay; its delivery takes the change at once.
// ResourceInUseException for a channel that is not ACTIVE,
// InvalidArgumentException for S3TablesDestinationConfiguration (the
// channel delivers to a general purpose bucket) or an empty update. The
// answer is the ChannelDescription, UPDATING.

var freshnessUpdateIn = func(name string) *shape.Shape {
	return shape.Struct(shape.Req("DataFreshnessInSeconds", shape.Int())).Named(name)
}

var updateChannelInput = shape.Struct(
	shape.Req("ChannelARN", channelARNShape),
	shape.Opt("LoggingConfiguration", shape.Struct(
		shape.Req("CloudWatchLogs", cloudWatchLogsShape.Named("CloudWatchLogsUpdateInput")),
	).Named("ChannelLoggingUpdateInput")),
	shape.Opt("S3DestinationConfiguration", freshnessUpdateIn("S3DestinationUpdateInput")),
	shape.Opt("S3TablesDestinationConfiguration", freshnessUpdateIn("S3TablesDestinationUpdateInput")),
).Named("UpdateChannelInput")

type freshnessIn struct {
	DataFreshnessInSeconds int64
}

type updateChannelIn struct {
	ChannelARN                       string
	LoggingConfiguration             *loggingIn
	S3DestinationConfiguration       *freshnessIn
	S3TablesDestinationConfiguration *freshnessIn
}

func (a *API) updateChannel(ctx context.Context, in *updateChannelIn) (*channelDescriptionResult, error) {
	svc, err := a.chans()
	if err != nil {
		return nil, err
	}
	p := channels.UpdateParams{S3Tables: in.S3TablesDestinationConfiguration != nil}
	if d := in.S3DestinationConfiguration; d != nil {
		p.FreshnessSeconds = &d.DataFreshnessInSeconds
	}
	if l := in.LoggingConfiguration; l != nil {
		cw := l.CloudWatchLogs
		p.Logging = &channels.Logging{Enabled: cw.Enabled, LogGroupName: deref(cw.LogGroupName), LogStreamName: deref(cw.LogStreamName)}
		p.LogGroupGiven, p.LogStreamGiven = cw.LogGroupName != nil, cw.LogStreamName != nil
	}
	ch, err := svc.Update(ctx, chCaller(ctx), in.ChannelARN, p)
	if err != nil {
		return nil, channelWire(err)
	}
	return &channelDescriptionResult{ChannelDescription: toChannelDescription(ch)}, nil
}
