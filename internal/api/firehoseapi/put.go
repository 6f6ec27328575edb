package firehoseapi

import (
	"context"

	"sluice/internal/awsproto/shape"
	"sluice/internal/firehose"
)

var recordShape = shape.Struct(
	shape.Req("Data", shape.Bytes().Len(0, firehose.MaxRecordBytes)),
).Named("Record")

var putRecordInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Req("Record", recordShape),
).Named("PutRecordInput")

var putRecordBatchInput = shape.Struct(
	shape.Req("DeliveryStreamName", nameShape),
	shape.Req("Records", shape.ListOf(recordShape).Len(1, firehose.MaxBatchRecords)),
).Named("PutRecordBatchInput")

type recordIn struct {
	Data []byte
}

type putRecordIn struct {
	DeliveryStreamName string
	Record             recordIn
}

type putRecordOut struct {
	RecordId  string `json:"RecordId"`
	Encrypted bool   `json:"Encrypted"`
}

func (a *API) putRecord(ctx context.Context, in *putRecordIn) (*putRecordOut, error) {
	ds, res, err := a.svc.Put(ctx, caller(ctx), in.DeliveryStreamName, [][]byte{in.Record.Data})
	if err != nil {
		return nil, wire(err)
	}
	return &putRecordOut{RecordId: res[0].RecordID, Encrypted: ds.Encryption.Encrypts()}, nil
}

type putRecordBatchIn struct {
	DeliveryStreamName string
	Records            []recordIn
}

type putRecordBatchOut struct {
	FailedPutCount   int           `json:"FailedPutCount"`
	Encrypted        bool          `json:"Encrypted"`
	RequestResponses []batchResult `json:"RequestResponses"`
}

type batchResult struct {
	RecordId     string `json:"RecordId,omitempty"`
	ErrorCode    string `json:"ErrorCode,omitempty"`
	ErrorMessage string `json:"ErrorMessage,omitempty"`
}

func (a *API) putRecordBatch(ctx context.Context, in *putRecordBatchIn) (*putRecordBatchOut, error) {
	data := make([][]byte, len(in.Records))
	for i, r := range in.Records {
		data[i] = r.Data
	}
	ds, res, err := a.svc.Put(ctx, caller(ctx), in.DeliveryStreamName, data)
	if firehose.ThrottledRecords(err) {
		return a.throttledBatch(ctx, in.DeliveryStreamName, len(data)), nil
	}
	if err != nil {
		return nil, wire(err)
	}
	out := &putRecordBatchOut{Encrypted: ds.Encryption.Encrypts(), RequestResponses: make([]batchResult, len(res))}
	for i, r := range res {
		out.RequestResponses[i] = batchResult{RecordId: r.RecordID, ErrorCode: r.ErrCode, ErrorMessage: r.ErrMessage}
		if r.ErrCode != "" {
			out.FailedPutCount++
		}
	}
	return out, nil
}
