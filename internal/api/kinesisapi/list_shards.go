package kinesisapi

import (
	"context"
	"time"

	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// ListShards: a stream's shards in index order, MaxResults 1–10000 (1,000
// by default), after ExclusiveStartShardId, or continuing a NextToken
// (valid 300 s; it may not come with StreamName, ShardFilter,
// ExclusiveStartShardId or StreamCreationTimestamp). ShardFilter types:
// AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST,
// AT_TIMESTAMP, FROM_TIMESTAMP, with lineage through closed shards. The trim
// horizon is retention ago, or the stream's creation when it is younger;
// timestamps before it mean it.

var shardFilterShape = shape.Struct(
	shape.Opt("ShardId", shardIDShape),
	shape.Opt("Timestamp", shape.Time()),
	shape.Req("Type", shape.Str().OneOf("AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP")),
).Named("ShardFilter")

var listShardsInput = structOf("ListShardsInput",
	shape.Opt("ExclusiveStartShardId", shardIDShape),
	shape.Opt("MaxResults", shape.Int().Range(1, 10000)),
	shape.Opt("NextToken", nextTokenShape),
	shape.Opt("ShardFilter", shardFilterShape),
	shape.Opt("StreamCreationTimestamp", shape.Time()),
)

type listShardsIn struct {
	ExclusiveStartShardId   *string
	MaxResults              *int64
	NextToken               *string
	ShardFilter             *shardFilterIn
	StreamARN               *string
	StreamCreationTimestamp *time.Time
	StreamId                *string
	StreamName              *string
}

type shardFilterIn struct {
	ShardId   *string
	Timestamp *time.Time
	Type      string
}

type listShardsOut struct {
	Shards    []shardOut `json:"Shards"`
	NextToken string     `json:"NextToken,omitempty"`
}

func (a *API) listShards(ctx context.Context, in *listShardsIn) (*listShardsOut, error) {
	p := streams.ListShardsParams{
		Ref:                   ref(in.StreamName, in.StreamARN),
		NextToken:             deref(in.NextToken),
		ExclusiveStartShardID: deref(in.ExclusiveStartShardId),
		MaxResults:            int(deref(in.MaxResults)),
		StreamCreated:         in.StreamCreationTimestamp,
	}
	if f := in.ShardFilter; f != nil {
		p.Filter = &streams.ShardFilter{Type: f.Type, ShardID: deref(f.ShardId), Timestamp: f.Timestamp}
	}
	page, err := a.svc.ListShards(ctx, caller(ctx), p)
	if err != nil {
		return nil, wire(err)
	}
	return &listShardsOut{Shards: toShards(page.Shards), NextToken: page.NextToken}, nil
}
