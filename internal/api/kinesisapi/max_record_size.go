package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// UpdateMaxRecordSize: the largest record (data plus partition key) a stream
// accepts, 1024–10240 KiB; the stream is addressed by ARN.

var updateMaxRecordSizeInput = shape.Struct(
	shape.Req("MaxRecordSizeInKiB", maxRecordSizeShape),
	shape.Opt("StreamARN", streamARNShape),
	shape.Opt("StreamId", streamIDShape),
).Named("UpdateMaxRecordSizeInput")

type updateMaxRecordSizeIn struct {
	MaxRecordSizeInKiB int64
	StreamARN          *string
	StreamId           *string
}

func (a *API) updateMaxRecordSize(ctx context.Context, in *updateMaxRecordSizeIn) (*empty, error) {
	return nil, wire(a.svc.SetMaxRecordSize(ctx, caller(ctx), ref(nil, in.StreamARN), in.MaxRecordSizeInKiB))
}
