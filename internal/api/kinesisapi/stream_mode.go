package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// UpdateStreamMode, UpdateStreamWarmThroughput and
// UpdateStreamRecordDistributionStrategy: switching capacity mode (twice per
// rolling 24 hours, through UPDATING), the write throughput an on-demand
// stream keeps ready (with the minimum throughput billing commitment), and
// whether an on-demand stream routes by partition key or spreads records
// evenly (AUTO).

var updateStreamModeInput = shape.Struct(
	shape.Req("StreamARN", streamARNShape),
	shape.Opt("StreamId", streamIDShape),
	shape.Req("StreamModeDetails", streamModeDetails),
	shape.Opt("WarmThroughputMiBps", shape.Int().RangeMin(0)),
).Named("UpdateStreamModeInput")

type updateStreamModeIn struct {
	StreamARN           string
	StreamId            *string
	StreamModeDetails   streamModeIn
	WarmThroughputMiBps *int64
}

func (a *API) updateStreamMode(ctx context.Context, in *updateStreamModeIn) (*empty, error) {
	return nil, wire(a.svc.UpdateStreamMode(ctx, caller(ctx), in.StreamARN, streams.Mode(in.StreamModeDetails.StreamMode), in.WarmThroughputMiBps))
}

var updateStreamWarmThroughputInput = structOf("UpdateStreamWarmThroughputInput",
	shape.Req("WarmThroughputMiBps", shape.Int().RangeMin(0)),
)

type updateStreamWarmThroughputIn struct {
	StreamARN           *string
	StreamId            *string
	StreamName          *string
	WarmThroughputMiBps int64
}

type updateStreamWarmThroughputOut struct {
	StreamARN      string            `json:"StreamARN"`
	StreamName     string            `json:"StreamName"`
	WarmThroughput warmThroughputOut `json:"WarmThroughput"`
}

func (a *API) updateStreamWarmThroughput(ctx context.Context, in *updateStreamWarmThroughputIn) (*updateStreamWarmThroughputOut, error) {
	st, _, err := a.svc.SetWarmThroughput(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), in.WarmThroughputMiBps)
	if err != nil {
		return nil, wire(err)
	}
	return &updateStreamWarmThroughputOut{
		StreamARN: st.ARN(), StreamName: st.Name,
		WarmThroughput: warmThroughputOut{TargetMiBps: ptr(in.WarmThroughputMiBps), CurrentMiBps: ptr(int64(len(st.OpenShards())))},
	}, nil
}

var updateStreamRecordDistributionStrategyInput = shape.Struct(
	shape.Req("RecordDistributionStrategy", shape.Str().OneOf("AUTO", "USER_PARTITION_KEY")),
	shape.Req("StreamARN", streamARNShape),
	shape.Opt("StreamId", streamIDShape),
).Named("UpdateStreamRecordDistributionStrategyInput")

type updateStreamRecordDistributionStrategyIn struct {
	RecordDistributionStrategy string
	StreamARN                  string
	StreamId                   *string
}

func (a *API) updateStreamRecordDistributionStrategy(ctx context.Context, in *updateStreamRecordDistributionStrategyIn) (*empty, error) {
	return nil, wire(a.svc.SetDistribution(ctx, caller(ctx), in.StreamARN, in.RecordDistributionStrategy))
}
