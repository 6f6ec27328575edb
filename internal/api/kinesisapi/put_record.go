package kinesisapi

import (
	"context"

	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// PutRecord: one record, durable before the answer. Data plus partition key
// at most the stream's MaxRecordSizeInKiB (ValidationException at 'data');
// partition key 1–256 characters; ExplicitHashKey in [0, 2^128-1]
// (InvalidArgumentException); SequenceNumberForOrdering must be a sequence
// number some shard could have issued by now: not of the future, and not
// beyond what its shard (when it names one of this stream's) has issued
// (InvalidArgumentException "ExclusiveMinimumSequenceNumber … is invalid.").
// DryRun checks everything and answers
// DryRunOperationException. CREATING streams are not found.

var putRecordInput = structOf("PutRecordInput",
	shape.Req("Data", dataShape),
	shape.Opt("DryRun", shape.Bool()),
	shape.Opt("ExplicitHashKey", hashKeyShape),
	shape.Req("PartitionKey", partitionKeyShape),
	shape.Opt("SequenceNumberForOrdering", sequenceShape),
)

type putRecordIn struct {
	Data                      []byte
	DryRun                    *bool
	ExplicitHashKey           *string
	PartitionKey              string
	SequenceNumberForOrdering *string
	StreamARN                 *string
	StreamId                  *string
	StreamName                *string
}

type putRecordOut struct {
	ShardID        string `json:"ShardId"`
	SequenceNumber string `json:"SequenceNumber"`
	EncryptionType string `json:"EncryptionType,omitempty"`
}

func (a *API) putRecord(ctx context.Context, in *putRecordIn) (*putRecordOut, error) {
	e := streams.PutEntry{PartitionKey: in.PartitionKey, ExplicitHashKey: deref(in.ExplicitHashKey), Data: in.Data}
	st, res, err := a.svc.PutRecord(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), e, deref(in.SequenceNumberForOrdering), deref(in.DryRun))
	if err != nil {
		return nil, wire(err)
	}
	return &putRecordOut{ShardID: res.ShardID, SequenceNumber: res.SeqNum, EncryptionType: encryptionOf(st)}, nil
}
