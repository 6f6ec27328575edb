package kinesisapi

import (
	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// Member shapes of the Kinesis model (botocore kinesis 2013-12-02 and
// aws-sdk-go-v2 service/kinesis v1.56.13), with their constraints.
var (
	streamNameShape    = shape.Str().Len(1, 128).Match(`[a-zA-Z0-9_.-]+`)
	streamARNShape     = shape.Str().Len(1, 2048).Match(`arn:aws.*:kinesis:.*:\d{12}:stream/\S+`)
	streamIDShape      = shape.Str().Len(1, 24).Match(`[a-z0-9]{20}-[a-z0-9]{3}`)
	resourceARNShape   = shape.Str().Len(1, 2048).Match(`arn:aws.*:kinesis:.*:\d{12}:.*stream/\S+`)
	shardIDShape       = shape.Str().Len(1, 128).Match(`[a-zA-Z0-9_.-]+`)
	partitionKeyShape  = shape.Str().Len(1, 256)
	hashKeyShape       = shape.Str().Match(`0|([1-9]\d{0,38})`)
	sequenceShape      = shape.Str().Match(`0|([1-9]\d{0,128})`)
	dataShape          = shape.Bytes().Len(0, 10485760)
	tagKeyShape        = shape.Str().Len(1, 128)
	tagValueShape      = shape.Str().Len(0, 256)
	tagMapShape        = shape.MapOf(tagKeyShape, tagValueShape).Len(1, 200)
	tagKeyListShape    = shape.ListOf(tagKeyShape).Len(1, 50)
	nextTokenShape     = shape.Str().Len(1, 1048576)
	iteratorShape      = shape.Str().Len(1, 512)
	streamModeShape    = shape.Str().OneOf("PROVISIONED", "ON_DEMAND")
	streamModeDetails  = shape.Struct(shape.Req("StreamMode", streamModeShape)).Named("StreamModeDetails")
	metricsNameShape   = shape.Str().OneOf("IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds", "ALL")
	maxRecordSizeShape = shape.Int().Range(1024, 10240)
	consumerNameShape  = shape.Str().Len(1, 128).Match(`[a-zA-Z0-9_.-]+`)
	consumerARNShape   = shape.Str().Len(1, 2048).Match(`^(arn):aws.*:kinesis:.*:\d{12}:.*stream\/[a-zA-Z0-9_.-]+\/consumer\/[a-zA-Z0-9_.-]+:[0-9]+`)
	iteratorTypeShape  = shape.Str().OneOf("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP")
)

// streamMembers are the ways to address a stream (StreamARN, StreamId,
// StreamName), in the model's (alphabetical) order; inputs append them.
func streamMembers() []shape.Member {
	return []shape.Member{
		shape.Opt("StreamARN", streamARNShape),
		shape.Opt("StreamId", streamIDShape),
		shape.Opt("StreamName", streamNameShape),
	}
}

// structOf builds an input structure from members plus the stream members,
// sorted by name as AWS reports violations.
func structOf(name string, members ...shape.Member) *shape.Shape {
	all := append(members, streamMembers()...)
	sortMembers(all)
	return shape.Struct(all...).Named(name)
}

func sortMembers(ms []shape.Member) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && ms[j].Name < ms[j-1].Name; j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

// Wire types shared by several outputs.

type hashKeyRange struct {
	StartingHashKey string `json:"StartingHashKey"`
	EndingHashKey   string `json:"EndingHashKey"`
}

type sequenceNumberRange struct {
	StartingSequenceNumber string `json:"StartingSequenceNumber"`
	EndingSequenceNumber   string `json:"EndingSequenceNumber,omitempty"`
}

type shardOut struct {
	ShardID               string              `json:"ShardId"`
	ParentShardID         string              `json:"ParentShardId,omitempty"`
	AdjacentParentShardID string              `json:"AdjacentParentShardId,omitempty"`
	HashKeyRange          hashKeyRange        `json:"HashKeyRange"`
	SequenceNumberRange   sequenceNumberRange `json:"SequenceNumberRange"`
}

type childShardOut struct {
	ShardID      string       `json:"ShardId"`
	ParentShards []string     `json:"ParentShards"`
	HashKeyRange hashKeyRange `json:"HashKeyRange"`
}

type streamModeDetailsOut struct {
	StreamMode string `json:"StreamMode"`
}

type enhancedMetrics struct {
	ShardLevelMetrics []string `json:"ShardLevelMetrics"`
}

type tagOut struct {
	Key   string  `json:"Key"`
	Value *string `json:"Value,omitempty"`
}

func toShard(sh *streams.Shard) shardOut {
	out := shardOut{
		ShardID: sh.ID(),
		HashKeyRange: hashKeyRange{
			StartingHashKey: sh.HashRange.Start.String(),
			EndingHashKey:   sh.HashRange.End.String(),
		},
		SequenceNumberRange: sequenceNumberRange{StartingSequenceNumber: sh.StartingSeq().String()},
	}
	if sh.Parent != nil {
		out.ParentShardID = streams.ShardID(*sh.Parent)
	}
	if sh.AdjacentParent != nil {
		out.AdjacentParentShardID = streams.ShardID(*sh.AdjacentParent)
	}
	if !sh.Open() {
		out.SequenceNumberRange.EndingSequenceNumber = sh.EndingSeq().String()
	}
	return out
}

func toShards(shs []*streams.Shard) []shardOut {
	out := make([]shardOut, len(shs))
	for i, sh := range shs {
		out[i] = toShard(sh)
	}
	return out
}

func toChildShards(shs []*streams.Shard) []childShardOut {
	out := make([]childShardOut, len(shs))
	for i, sh := range shs {
		out[i] = childShardOut{
			ShardID: sh.ID(),
			HashKeyRange: hashKeyRange{
				StartingHashKey: sh.HashRange.Start.String(),
				EndingHashKey:   sh.HashRange.End.String(),
			},
		}
		if sh.Parent != nil {
			out[i].ParentShards = append(out[i].ParentShards, streams.ShardID(*sh.Parent))
		}
		if sh.AdjacentParent != nil {
			out[i].ParentShards = append(out[i].ParentShards, streams.ShardID(*sh.AdjacentParent))
		}
	}
	return out
}

func monitoring(st *streams.Stream) []enhancedMetrics {
	m := st.EnhancedMonitoring
	if m == nil {
		m = []string{}
	}
	return []enhancedMetrics{{ShardLevelMetrics: m}}
}

func created(st *streams.Stream) *awsproto.Timestamp { return awsproto.TimeOf(st.Created) }

// encryptionOf returns the EncryptionType member of record outputs, which
// AWS only sends for encrypted streams.
func encryptionOf(st *streams.Stream) string {
	if st.EncryptionType == streams.EncryptionKMS {
		return streams.EncryptionKMS
	}
	return ""
}
