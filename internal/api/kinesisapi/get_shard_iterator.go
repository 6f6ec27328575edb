package kinesisapi

import (
	"context"
	"time"

	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// GetShardIterator: an opaque iterator (valid 300 s) at TRIM_HORIZON, LATEST,
// AT_/AFTER_SEQUENCE_NUMBER (the number must come from this shard of this
// stream) or AT_TIMESTAMP (not in the future; before the trim horizon means
// the trim horizon). Shard IDs are parsed leniently ("shardId-1", "1").

var getShardIteratorInput = structOf("GetShardIteratorInput",
	shape.Opt("DryRun", shape.Bool()),
	shape.Req("ShardId", shardIDShape),
	shape.Req("ShardIteratorType", iteratorTypeShape),
	shape.Opt("StartingSequenceNumber", sequenceShape),
	shape.Opt("Timestamp", shape.Time()),
)

type getShardIteratorIn struct {
	DryRun                 *bool
	ShardId                string
	ShardIteratorType      string
	StartingSequenceNumber *string
	StreamARN              *string
	StreamId               *string
	StreamName             *string
	Timestamp              *time.Time
}

type getShardIteratorOut struct {
	ShardIterator string `json:"ShardIterator"`
}

func (a *API) getShardIterator(ctx context.Context, in *getShardIteratorIn) (*getShardIteratorOut, error) {
	it, err := a.svc.GetShardIterator(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), streams.IteratorParams{
		ShardID:        in.ShardId,
		Type:           in.ShardIteratorType,
		StartingSeqNum: deref(in.StartingSequenceNumber),
		Timestamp:      in.Timestamp,
		DryRun:         deref(in.DryRun),
	})
	if err != nil {
		return nil, wire(err)
	}
	return &getShardIteratorOut{ShardIterator: it}, nil
}
