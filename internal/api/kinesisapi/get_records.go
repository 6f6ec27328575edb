package kinesisapi

import (
	"context"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/shape"
)

// GetRecords: up to Limit (1–10000) records and at most 10 MiB from the
// iterator's position, with a fresh NextShardIterator every call,
// MillisBehindLatest, and at the end of a closed shard a null
// NextShardIterator and the ChildShards. Invalid iterators:
// InvalidArgumentException "Invalid ShardIterator."; older than 300 s:
// ExpiredIteratorException. A StreamARN, when given, must be the
// iterator's stream.

var getRecordsInput = shape.Struct(
	shape.Opt("DryRun", shape.Bool()),
	shape.Opt("Limit", shape.Int().Range(1, 10000)),
	shape.Req("ShardIterator", iteratorShape),
	shape.Opt("StreamARN", streamARNShape),
	shape.Opt("StreamId", streamIDShape),
).Named("GetRecordsInput")

type getRecordsIn struct {
	DryRun        *bool
	Limit         *int64
	ShardIterator string
	StreamARN     *string
	StreamId      *string
}

type recordOut struct {
	SequenceNumber              string              `json:"SequenceNumber"`
	ApproximateArrivalTimestamp *awsproto.Timestamp `json:"ApproximateArrivalTimestamp"`
	Data                        []byte              `json:"Data"`
	PartitionKey                string              `json:"PartitionKey"`
	EncryptionType              string              `json:"EncryptionType,omitempty"`
}

type getRecordsOut struct {
	Records            []recordOut     `json:"Records"`
	NextShardIterator  *string         `json:"NextShardIterator,omitempty"`
	MillisBehindLatest int64           `json:"MillisBehindLatest"`
	ChildShards        []childShardOut `json:"ChildShards,omitempty"`
}

func (a *API) getRecords(ctx context.Context, in *getRecordsIn) (*getRecordsOut, error) {
	page, err := a.svc.GetRecords(ctx, caller(ctx), in.ShardIterator, deref(in.StreamARN), int(deref(in.Limit)), deref(in.DryRun))
	if err != nil {
		return nil, wire(err)
	}
	out := &getRecordsOut{Records: make([]recordOut, len(page.Records)), MillisBehindLatest: page.MillisBehindLatest}
	for i := range page.Records {
		r := &page.Records[i]
		out.Records[i] = recordOut{
			SequenceNumber:              page.SeqNum(r),
			ApproximateArrivalTimestamp: awsproto.TimeOf(time.UnixMilli(r.ArrivalMillis)),
			Data:                        nonNil(r.Data),
			PartitionKey:                r.PartitionKey,
			EncryptionType:              recordEncryption(page.Stream, r.ArrivalMillis),
		}
	}
	if page.NextIterator != "" {
		out.NextShardIterator = &page.NextIterator
	} else {
		out.ChildShards = toChildShards(page.ChildShards)
	}
	return out, nil
}

// nonNil keeps an empty record's Data an empty blob ("") rather than null.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
