package kinesisapi

import (
	"context"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
)

// DescribeStream: the stream with one page of shards (Limit 1–10000, at
// most 100 returned; ExclusiveStartShardId), HasMoreShards. A CREATING
// stream shows no shards yet.

var describeStreamInput = structOf("DescribeStreamInput",
	shape.Opt("ExclusiveStartShardId", shardIDShape),
	shape.Opt("Limit", shape.Int().Range(1, 10000)),
)

type describeStreamIn struct {
	ExclusiveStartShardId *string
	Limit                 *int64
	StreamARN             *string
	StreamId              *string
	StreamName            *string
}

type streamDescription struct {
	StreamName              string               `json:"StreamName"`
	StreamARN               string               `json:"StreamARN"`
	StreamStatus            string               `json:"StreamStatus"`
	StreamModeDetails       streamModeDetailsOut `json:"StreamModeDetails"`
	Shards                  []shardOut           `json:"Shards"`
	HasMoreShards           bool                 `json:"HasMoreShards"`
	RetentionPeriodHours    int64                `json:"RetentionPeriodHours"`
	StreamCreationTimestamp *awsproto.Timestamp  `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []enhancedMetrics    `json:"EnhancedMonitoring"`
	EncryptionType          string               `json:"EncryptionType,omitempty"`
	KeyID                   string               `json:"KeyId,omitempty"`
}

type describeStreamOut struct {
	StreamDescription streamDescription `json:"StreamDescription"`
}

func (a *API) describeStream(ctx context.Context, in *describeStreamIn) (*describeStreamOut, error) {
	page, err := a.svc.DescribeShards(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), deref(in.ExclusiveStartShardId), int(deref(in.Limit)))
	if err != nil {
		return nil, wire(err)
	}
	st := page.Stream
	return &describeStreamOut{StreamDescription: streamDescription{
		StreamName:              st.Name,
		StreamARN:               st.ARN(),
		StreamStatus:            string(st.Status),
		StreamModeDetails:       streamModeDetailsOut{StreamMode: string(st.Mode)},
		Shards:                  toShards(page.Shards),
		HasMoreShards:           page.HasMore,
		RetentionPeriodHours:    st.RetentionHours,
		StreamCreationTimestamp: created(st),
		EnhancedMonitoring:      monitoring(st),
		EncryptionType:          st.EncryptionType,
		KeyID:                   st.KeyID,
	}}, nil
}
