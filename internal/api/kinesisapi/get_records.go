package kinesisapi

import (
	"context"
	"strconv"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awscbor"
	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
	"sluice/internal/streams"
)

// GetRecords: up to Limit (1–10000) records and at most 10 MiB from the
// iterator's position, with a fresh NextShardIterator every call,
// MillisBehindLatest, and at the end of a closed shard a null
// NextShardIterator and the ChildShards. An iterator in one pair of double
// quotes is accepted, as AWS accepts it (scripts pass the CLI's JSON output
// back). Invalid iterators:
// InvalidArgumentException "Invalid ShardIterator."; older than 300 s:
// ExpiredIteratorException. A StreamARN, when given, must be the
// iterator's stream. The JSON answer is written by hand and streamed
// (JSONSkeleton): it is the hottest read path, and up to 14 MB.

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

// getRecordsWire is GetRecords' answer as a struct, for CBOR.
type getRecordsWire struct {
	Records            []recordOut     `json:"Records"`
	NextShardIterator  *string         `json:"NextShardIterator,omitempty"`
	MillisBehindLatest int64           `json:"MillisBehindLatest"`
	ChildShards        []childShardOut `json:"ChildShards,omitempty"`
}

// getRecordsOut is GetRecords' answer, encoded from the page itself.
type getRecordsOut struct {
	page *streams.RecordsPage
}

func (a *API) getRecords(ctx context.Context, in *getRecordsIn) (*getRecordsOut, error) {
	page, err := a.svc.GetRecords(ctx, caller(ctx), in.ShardIterator, deref(in.StreamARN), int(deref(in.Limit)), deref(in.DryRun))
	if err != nil {
		return nil, wire(err)
	}
	return &getRecordsOut{page: page}, nil
}

// Release gives the records' memory back to the log once the answer is
// written (see awsproto.Releaser).
func (o *getRecordsOut) Release() { o.page.Release() }

func (o *getRecordsOut) wire() *getRecordsWire {
	p := o.page
	out := &getRecordsWire{Records: make([]recordOut, len(p.Records)), MillisBehindLatest: p.MillisBehindLatest}
	for i := range p.Records {
		r := &p.Records[i]
		out.Records[i] = recordOut{
			SequenceNumber:              p.SeqNum(r),
			ApproximateArrivalTimestamp: awsproto.TimeOf(time.UnixMilli(r.ArrivalMillis)),
			Data:                        nonNil(r.Data),
			PartitionKey:                r.PartitionKey,
			EncryptionType:              p.EncryptionType(i),
		}
	}
	if p.NextIterator != "" {
		out.NextShardIterator = &p.NextIterator
	} else {
		out.ChildShards = toChildShards(p.ChildShards)
	}
	return out
}

// MarshalCBOR encodes the answer for CBOR clients.
func (o *getRecordsOut) MarshalCBOR() ([]byte, error) { return awscbor.Encode(o.wire()) }

// AppendJSON writes exactly what encoding the wire struct would, without
// building it.
func (o *getRecordsOut) AppendJSON(b []byte) []byte {
	var s awsjson.Skeleton
	o.JSONSkeleton(&s)
	return s.AppendTo(b)
}

// JSONSkeleton writes the answer with its record data left for the
// handler to stream (see awsjson.Skeleton).
func (o *getRecordsOut) JSONSkeleton(s *awsjson.Skeleton) {
	p := o.page
	var seqs streams.SeqNumWriter
	b := append(s.Meta, `{"Records":[`...)
	for i := range p.Records {
		r := &p.Records[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"SequenceNumber":"`...)
		b = seqs.Append(b, p.SeqNumFor(r))
		b = append(b, `","ApproximateArrivalTimestamp":`...)
		b = awsjson.AppendTimestamp(b, time.UnixMilli(r.ArrivalMillis))
		b = append(b, `,"Data":`...)
		s.Meta = b
		s.Blob(r.Data)
		b = append(s.Meta, `,"PartitionKey":`...)
		b = awsjson.AppendString(b, r.PartitionKey)
		if enc := p.EncryptionType(i); enc != "" {
			b = append(b, `,"EncryptionType":`...)
			b = awsjson.AppendString(b, enc)
		}
		b = append(b, '}')
	}
	b = append(b, ']')
	if p.NextIterator != "" {
		b = append(b, `,"NextShardIterator":`...)
		b = awsjson.AppendString(b, p.NextIterator)
	}
	b = append(b, `,"MillisBehindLatest":`...)
	b = strconv.AppendInt(b, p.MillisBehindLatest, 10)
	if p.NextIterator == "" && len(p.ChildShards) > 0 {
		children, _ := awsjson.Encode(toChildShards(p.ChildShards))
		b = append(append(b, `,"ChildShards":`...), children...)
	}
	s.Meta = append(b, '}')
}

// nonNil keeps an empty record's Data an empty blob ("") rather than null.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
