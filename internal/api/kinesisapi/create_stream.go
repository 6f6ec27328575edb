package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// CreateStream: a stream in PROVISIONED mode with ShardCount shards, or in
// ON_DEMAND mode with 4; CREATING until the create delay has passed. Limits:
// name 1–128 of [a-zA-Z0-9_.-], the account's shard quota, 50 on-demand
// streams, 50 tags, MaxRecordSizeInKiB 1024–10240. Without ShardCount and
// StreamModeDetails the stream is ON_DEMAND, as in the AWS console.

var createStreamInput = shape.Struct(
	shape.Opt("MaxRecordSizeInKiB", maxRecordSizeShape),
	shape.Opt("ShardCount", shape.Int().RangeMin(1)),
	shape.Opt("StreamModeDetails", streamModeDetails),
	shape.Req("StreamName", streamNameShape),
	shape.Opt("Tags", tagMapShape),
	shape.Opt("WarmThroughputMiBps", shape.Int().RangeMin(0)),
).Named("CreateStreamInput")

type createStreamIn struct {
	MaxRecordSizeInKiB  *int64
	ShardCount          *int64
	StreamModeDetails   *streamModeIn
	StreamName          string
	Tags                map[string]string
	WarmThroughputMiBps *int64
}

type streamModeIn struct {
	StreamMode string
}

func (a *API) createStream(ctx context.Context, in *createStreamIn) (*empty, error) {
	p := streams.CreateParams{
		Name:           in.StreamName,
		ShardCount:     in.ShardCount,
		Tags:           in.Tags,
		MaxRecordKiB:   in.MaxRecordSizeInKiB,
		WarmThroughput: in.WarmThroughputMiBps,
	}
	if in.StreamModeDetails != nil {
		p.Mode = streams.Mode(in.StreamModeDetails.StreamMode)
	}
	return nil, wire(a.svc.CreateStream(ctx, caller(ctx), p))
}
