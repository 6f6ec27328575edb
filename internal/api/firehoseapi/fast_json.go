package firehoseapi

import (
	"sluice/internal/awsproto/awsjson"
	"sluice/internal/firehose"
)

// Fast decoders for PutRecord and PutRecordBatch, the bulk of a busy
// delivery stream's requests: one pass over the body, every record's base64
// decoded straight into one buffer, no generic tree and no reflection (the
// generic path cost about 70% of the server's CPU under PutRecordBatch
// load). They decline anything unusual (escapes, nulls, unknown members,
// values the constraints reject) and the generic decoder answers it with
// AWS's exact error, so for any body they accept they produce what the
// generic decoder would; fast_json_test.go checks that.

func fastPutRecordBatch(body []byte) (*putRecordBatchIn, bool) {
	s := awsjson.NewScanner(body)
	in := &putRecordBatchIn{}
	d := awsjson.NewBlobDecoder(len(body) * 3 / 4)
	hasName, hasRecords := false, false
	s.Object(func(key []byte) {
		switch string(key) {
		case "DeliveryStreamName":
			in.DeliveryStreamName, hasName = string(s.RawString()), true
		case "Records":
			hasRecords = true
			in.Records = make([]recordIn, 0, 64)
			s.Array(func() {
				r, ok := fastRecord(s, d)
				if !ok {
					s.Fail()
					return
				}
				in.Records = append(in.Records, r)
			})
		default:
			s.Fail()
		}
	})
	if !s.End() || !hasName || !hasRecords || !nameShape.Accepts(in.DeliveryStreamName) ||
		len(in.Records) < 1 || len(in.Records) > firehose.MaxBatchRecords {
		return nil, false
	}
	return in, true
}

// fastRecord reads one Record: {"Data": "<base64>"}.
func fastRecord(s *awsjson.Scanner, d *awsjson.BlobDecoder) (recordIn, bool) {
	var r recordIn
	hasData := false
	s.Object(func(key []byte) {
		if string(key) != "Data" {
			s.Fail()
			return
		}
		r.Data, hasData = d.Decode(s), true
	})
	return r, s.OK() && hasData && len(r.Data) <= firehose.MaxRecordBytes
}

func fastPutRecord(body []byte) (*putRecordIn, bool) {
	s := awsjson.NewScanner(body)
	in := &putRecordIn{}
	d := awsjson.NewBlobDecoder(len(body) * 3 / 4)
	hasName, hasRecord := false, false
	s.Object(func(key []byte) {
		switch string(key) {
		case "DeliveryStreamName":
			in.DeliveryStreamName, hasName = string(s.RawString()), true
		case "Record":
			in.Record, hasRecord = fastRecord(s, d)
			if !hasRecord {
				s.Fail()
			}
		default:
			s.Fail()
		}
	})
	if !s.End() || !hasName || !hasRecord || !nameShape.Accepts(in.DeliveryStreamName) {
		return nil, false
	}
	return in, true
}
