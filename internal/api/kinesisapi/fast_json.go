package kinesisapi

import (
	"sluice/internal/awsproto/awsjson"
	"sluice/internal/awsproto/shape"
)

// Fast decoders for PutRecord and PutRecords: the bulk of a busy stream's
// requests. They read the common well-formed bodies in one pass, decoding
// every record's base64 straight into one buffer, with no generic tree and
// no reflection. Anything else (escapes, nulls, unknown members, values the
// model's constraints would reject) they decline, and the generic decoder
// answers with AWS's exact error; so for any body they accept they produce
// exactly what the generic decoder would. fast_json_test.go checks that.

// streamMember reads StreamName, StreamARN or StreamId, checked.
func streamMember(s *awsjson.Scanner, key string, name, arn, id **string) bool {
	var target **string
	var sh *shape.Shape
	switch key {
	case "StreamName":
		target, sh = name, streamNameShape
	case "StreamARN":
		target, sh = arn, streamARNShape
	case "StreamId":
		target, sh = id, streamIDShape
	default:
		return false
	}
	v := string(s.RawString())
	if !sh.Accepts(v) {
		s.Fail()
	}
	*target = &v
	return true
}

func fastPutRecords(body []byte) (*putRecordsIn, bool) {
	s := awsjson.NewScanner(body)
	in := &putRecordsIn{}
	d := awsjson.NewBlobDecoder(len(body) * 3 / 4)
	hasRecords := false
	s.Object(func(key []byte) {
		k := string(key)
		switch {
		case streamMember(s, k, &in.StreamName, &in.StreamARN, &in.StreamId):
		case k == "DryRun":
			v := s.Bool()
			in.DryRun = &v
		case k == "Records":
			hasRecords = true
			in.Records = make([]putRecordsEntry, 0, 64)
			s.Array(func() {
				e, ok := fastEntry(s, d)
				if !ok {
					s.Fail()
					return
				}
				in.Records = append(in.Records, e)
			})
		default:
			s.Fail()
		}
	})
	if !s.End() || !hasRecords || len(in.Records) < 1 || len(in.Records) > 500 {
		return nil, false
	}
	return in, true
}

// fastEntry reads one PutRecordsRequestEntry.
func fastEntry(s *awsjson.Scanner, d *awsjson.BlobDecoder) (putRecordsEntry, bool) {
	var e putRecordsEntry
	hasKey, hasData := false, false
	s.Object(func(key []byte) {
		switch string(key) {
		case "PartitionKey":
			e.PartitionKey, hasKey = string(s.RawString()), true
		case "Data":
			e.Data, hasData = d.Decode(s), true
		case "ExplicitHashKey":
			v := string(s.RawString())
			e.ExplicitHashKey = &v
		default:
			s.Fail()
		}
	})
	ok := s.OK() && hasKey && hasData && partitionKeyShape.Accepts(e.PartitionKey) &&
		int64(len(e.Data)) <= dataShape.Max && (e.ExplicitHashKey == nil || hashKeyShape.Accepts(*e.ExplicitHashKey))
	return e, ok
}

func fastPutRecord(body []byte) (*putRecordIn, bool) {
	s := awsjson.NewScanner(body)
	in := &putRecordIn{}
	d := awsjson.NewBlobDecoder(len(body) * 3 / 4)
	hasKey, hasData := false, false
	s.Object(func(key []byte) {
		k := string(key)
		switch {
		case streamMember(s, k, &in.StreamName, &in.StreamARN, &in.StreamId):
		case k == "PartitionKey":
			in.PartitionKey, hasKey = string(s.RawString()), true
		case k == "Data":
			in.Data, hasData = d.Decode(s), true
		case k == "ExplicitHashKey":
			v := string(s.RawString())
			in.ExplicitHashKey = &v
		case k == "SequenceNumberForOrdering":
			v := string(s.RawString())
			in.SequenceNumberForOrdering = &v
		case k == "DryRun":
			v := s.Bool()
			in.DryRun = &v
		default:
			s.Fail()
		}
	})
	ok := s.End() && hasKey && hasData && partitionKeyShape.Accepts(in.PartitionKey) &&
		int64(len(in.Data)) <= dataShape.Max &&
		(in.ExplicitHashKey == nil || hashKeyShape.Accepts(*in.ExplicitHashKey)) &&
		(in.SequenceNumberForOrdering == nil || sequenceShape.Accepts(*in.SequenceNumberForOrdering))
	if !ok {
		return nil, false
	}
	return in, true
}
