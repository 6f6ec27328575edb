package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
)

// SplitShard, MergeShards and UpdateShardCount: provisioned streams only.
// The stream is UPDATING for the update delay, then the parents are closed
// (with an EndingSequenceNumber) and the children open, numbered after the
// highest shard. UpdateShardCount (UNIFORM_SCALING) works through splits and
// merges as AWS does, within AWS's limits: at most double and at least half
// the open shards, at most 10,000, the account quota, 10 calls per rolling
// 24 hours.

var splitShardInput = structOf("SplitShardInput",
	shape.Req("NewStartingHashKey", hashKeyShape),
	shape.Req("ShardToSplit", shardIDShape),
)

type splitShardIn struct {
	NewStartingHashKey string
	ShardToSplit       string
	StreamARN          *string
	StreamId           *string
	StreamName         *string
}

func (a *API) splitShard(ctx context.Context, in *splitShardIn) (*empty, error) {
	return nil, wire(a.svc.SplitShard(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), in.ShardToSplit, in.NewStartingHashKey))
}

var mergeShardsInput = structOf("MergeShardsInput",
	shape.Req("AdjacentShardToMerge", shardIDShape),
	shape.Req("ShardToMerge", shardIDShape),
)

type mergeShardsIn struct {
	AdjacentShardToMerge string
	ShardToMerge         string
	StreamARN            *string
	StreamId             *string
	StreamName           *string
}

func (a *API) mergeShards(ctx context.Context, in *mergeShardsIn) (*empty, error) {
	return nil, wire(a.svc.MergeShards(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), in.ShardToMerge, in.AdjacentShardToMerge))
}

var updateShardCountInput = structOf("UpdateShardCountInput",
	shape.Req("ScalingType", shape.Str().OneOf("UNIFORM_SCALING")),
	shape.Req("TargetShardCount", shape.Int().RangeMin(1)),
)

type updateShardCountIn struct {
	ScalingType      string
	StreamARN        *string
	StreamId         *string
	StreamName       *string
	TargetShardCount int64
}

type updateShardCountOut struct {
	StreamName        string `json:"StreamName"`
	CurrentShardCount int    `json:"CurrentShardCount"`
	TargetShardCount  int    `json:"TargetShardCount"`
	StreamARN         string `json:"StreamARN"`
}

func (a *API) updateShardCount(ctx context.Context, in *updateShardCountIn) (*updateShardCountOut, error) {
	res, err := a.svc.UpdateShardCount(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), int(in.TargetShardCount))
	if err != nil {
		return nil, wire(err)
	}
	return &updateShardCountOut{StreamName: res.Stream.Name, CurrentShardCount: res.Current, TargetShardCount: res.Target, StreamARN: res.Stream.ARN()}, nil
}
