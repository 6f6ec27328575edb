package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// IncreaseStreamRetentionPeriod and DecreaseStreamRetentionPeriod: 24–8760
// hours; an increase may not lower the period and a decrease may not raise
// it (InvalidArgumentException with AWS's wording). A shorter period hides
// older records at once; their segments are deleted by the retention pass.

var retentionInput = structOf("StreamRetentionPeriodInput",
	shape.Req("RetentionPeriodHours", shape.Int()),
)

type retentionIn struct {
	RetentionPeriodHours int64
	StreamARN            *string
	StreamId             *string
	StreamName           *string
}

func (a *API) increaseRetention(ctx context.Context, in *retentionIn) (*empty, error) {
	return nil, wire(a.svc.SetRetention(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), in.RetentionPeriodHours, true))
}

func (a *API) decreaseRetention(ctx context.Context, in *retentionIn) (*empty, error) {
	return nil, wire(a.svc.SetRetention(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), in.RetentionPeriodHours, false))
}
