package kinesisapi

import (
	"context"
	"strconv"

	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// PutRecords: 1–500 records, at most 10 MiB in all (InvalidArgumentException
// "Records size exceeds 10 MB limit"), each within the stream's record size
// (ValidationException at 'records.N.member.data'), written as one durable
// group. Every record gets its own result, in request order; a record that
// fails (throttling) carries ErrorCode/ErrorMessage and counts in
// FailedRecordCount while the others succeed.

var putRecordsEntryShape = shape.Struct(
	shape.Req("Data", dataShape),
	shape.Opt("ExplicitHashKey", hashKeyShape),
	shape.Req("PartitionKey", partitionKeyShape),
).Named("PutRecordsRequestEntry")

var putRecordsInput = structOf("PutRecordsInput",
	shape.Opt("DryRun", shape.Bool()),
	shape.Req("Records", shape.ListOf(putRecordsEntryShape).Len(1, 500)),
)

type putRecordsIn struct {
	DryRun     *bool
	Records    []putRecordsEntry
	StreamARN  *string
	StreamId   *string
	StreamName *string
}

type putRecordsEntry struct {
	Data            []byte
	ExplicitHashKey *string
	PartitionKey    string
}

type putRecordsResult struct {
	SequenceNumber string `json:"SequenceNumber,omitempty"`
	ShardID        string `json:"ShardId,omitempty"`
	ErrorCode      string `json:"ErrorCode,omitempty"`
	ErrorMessage   string `json:"ErrorMessage,omitempty"`
}

type putRecordsOut struct {
	FailedRecordCount int                `json:"FailedRecordCount"`
	Records           []putRecordsResult `json:"Records"`
	EncryptionType    string             `json:"EncryptionType,omitempty"`
}

func (a *API) putRecords(ctx context.Context, in *putRecordsIn) (*putRecordsOut, error) {
	entries := make([]streams.PutEntry, len(in.Records))
	for i, r := range in.Records {
		entries[i] = streams.PutEntry{PartitionKey: r.PartitionKey, ExplicitHashKey: deref(r.ExplicitHashKey), Data: r.Data}
	}
	st, results, err := a.svc.PutRecords(ctx, caller(ctx), ref(in.StreamName, in.StreamARN), entries, deref(in.DryRun))
	if err != nil {
		return nil, wire(err)
	}
	out := &putRecordsOut{Records: make([]putRecordsResult, len(results)), EncryptionType: encryptionOf(st)}
	for i, r := range results {
		if r.ErrCode != "" {
			out.FailedRecordCount++
			out.Records[i] = putRecordsResult{ErrorCode: r.ErrCode, ErrorMessage: r.ErrMessage}
			continue
		}
		out.Records[i] = putRecordsResult{SequenceNumber: r.SeqNum, ShardID: r.ShardID}
	}
	return out, nil
}

// AppendJSON writes the answer as encoding/json would, without reflection:
// PutRecords answers carry up to 500 entries.
func (o *putRecordsOut) AppendJSON(b []byte) []byte {
	b = append(b, `{"FailedRecordCount":`...)
	b = strconv.AppendInt(b, int64(o.FailedRecordCount), 10)
	b = append(b, `,"Records":[`...)
	for i := range o.Records {
		r := &o.Records[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '{')
		sep := false
		for _, f := range [...]struct{ name, value string }{
			{`"SequenceNumber":`, r.SequenceNumber}, {`"ShardId":`, r.ShardID},
			{`"ErrorCode":`, r.ErrorCode}, {`"ErrorMessage":`, r.ErrorMessage},
		} {
			if f.value == "" {
				continue
			}
			if sep {
				b = append(b, ',')
			}
			b = awsjson.AppendString(append(b, f.name...), f.value)
			sep = true
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	if o.EncryptionType != "" {
		b = awsjson.AppendString(append(b, `,"EncryptionType":`...), o.EncryptionType)
	}
	return append(b, '}')
}
