package kinesisapi

import (
	"context"

	"sluice/internal/awsproto"
	"sluice/internal/streams"
)

// DescribeStreamSummary: the stream without its shards, with the open-shard
// and consumer counts, the record size limit, the StreamId and the
// number of channels that read the stream.

var describeStreamSummaryInput = structOf("DescribeStreamSummaryInput")

type describeStreamSummaryIn struct {
	StreamARN  *string
	StreamId   *string
	StreamName *string
}

type warmThroughputOut struct {
	TargetMiBps  *int64 `json:"TargetMiBps,omitempty"`
	CurrentMiBps *int64 `json:"CurrentMiBps,omitempty"`
}

type streamDescriptionSummary struct {
	StreamName              string               `json:"StreamName"`
	StreamARN               string               `json:"StreamARN"`
	StreamID                string               `json:"StreamId"`
	StreamStatus            string               `json:"StreamStatus"`
	StreamModeDetails       streamModeDetailsOut `json:"StreamModeDetails"`
	RetentionPeriodHours    int64                `json:"RetentionPeriodHours"`
	StreamCreationTimestamp *awsproto.Timestamp  `json:"StreamCreationTimestamp"`
	EnhancedMonitoring      []enhancedMetrics    `json:"EnhancedMonitoring"`
	EncryptionType          string               `json:"EncryptionType,omitempty"`
	KeyID                   string               `json:"KeyId,omitempty"`
	OpenShardCount          int                  `json:"OpenShardCount"`
	ConsumerCount           int                  `json:"ConsumerCount"`
	// ChannelCount is reported when the server serves channels.
	ChannelCount       *int               `json:"ChannelCount,omitempty"`
	WarmThroughput     *warmThroughputOut `json:"WarmThroughput,omitempty"`
	MaxRecordSizeInKiB int64              `json:"MaxRecordSizeInKiB"`
	// RecordDistributionStrategy is reported for on-demand streams.
	RecordDistributionStrategy string `json:"RecordDistributionStrategy,omitempty"`
}

type describeStreamSummaryOut struct {
	StreamDescriptionSummary streamDescriptionSummary `json:"StreamDescriptionSummary"`
}

func (a *API) describeStreamSummary(ctx context.Context, in *describeStreamSummaryIn) (*describeStreamSummaryOut, error) {
	st, err := a.svc.DescribeStream(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), "DescribeStreamSummary")
	if err != nil {
		return nil, wire(err)
	}
	out := streamDescriptionSummary{
		StreamName:              st.Name,
		StreamARN:               st.ARN(),
		StreamID:                st.ID,
		StreamStatus:            string(st.Status),
		StreamModeDetails:       streamModeDetailsOut{StreamMode: string(st.Mode)},
		RetentionPeriodHours:    st.RetentionHours,
		StreamCreationTimestamp: created(st),
		EnhancedMonitoring:      monitoring(st),
		EncryptionType:          st.EncryptionType,
		KeyID:                   st.KeyID,
		OpenShardCount:          len(st.OpenShards()),
		MaxRecordSizeInKiB:      st.MaxRecordKiB,
		ConsumerCount:           len(st.Consumers),
	}
	if a.ch != nil {
		out.ChannelCount = ptr(a.ch.Count(chCaller(ctx), st.ARN(), st.Created))
	}
	if st.Mode == streams.ModeOnDemand {
		out.RecordDistributionStrategy = streams.DistributionUserPartitionKey
		if st.Distribution != "" {
			out.RecordDistributionStrategy = st.Distribution
		}
	}
	if st.WarmThroughputMiBs > 0 {
		out.WarmThroughput = &warmThroughputOut{TargetMiBps: ptr(st.WarmThroughputMiBs), CurrentMiBps: ptr(st.WarmThroughputMiBs)}
	}
	return &describeStreamSummaryOut{StreamDescriptionSummary: out}, nil
}
