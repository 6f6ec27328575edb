package process

import (
	"bytes"
	"encoding/json"
	"io"

	"sluice/internal/kpl"
)

// splitter is a compiled RecordDeAggregation processor.
type splitter struct {
	json      bool
	delimiter []byte
}

// newSplitter checks RecordDeAggregation's parameters.
func newSplitter(subRecordType, delimiter string, hasDelimiter bool) (*splitter, error) {
	switch subRecordType {
	case "JSON":
		if hasDelimiter {
			return nil, invalid("The RecordDeAggregation processor takes a Delimiter only with SubRecordType DELIMITED.")
		}
		return &splitter{json: true}, nil
	case "DELIMITED":
		if !hasDelimiter {
			return nil, invalid("The RecordDeAggregation processor needs a Delimiter (base64) with SubRecordType DELIMITED.")
		}
		d, err := decodeDelimiter(delimiter)
		if err != nil {
			return nil, err
		}
		return &splitter{delimiter: d}, nil
	default:
		return nil, invalid("SubRecordType of the RecordDeAggregation processor must be JSON or DELIMITED, not %q.", subRecordType)
	}
}

// split returns the sub-records of data, or nil when the record passes
// whole: it is not a sequence of JSON objects (JSON), or it would make
// more than MaxSubRecords records.
func (s *splitter) split(data []byte) [][]byte {
	if s.json {
		return splitJSON(data)
	}
	var out [][]byte
	for rest := data; ; {
		piece, after, found := bytes.Cut(rest, s.delimiter)
		if len(piece) > 0 {
			if len(out) == MaxSubRecords {
				return nil
			}
			out = append(out, piece)
		}
		if !found {
			return out
		}
		rest = after
	}
}

// splitJSON splits concatenated or newline-separated JSON objects
// ({..}{..} or {..}\n{..}). Anything else (an array, a scalar, invalid
// JSON, nothing at all) leaves the record whole.
func splitJSON(data []byte) [][]byte {
	dec := json.NewDecoder(bytes.NewReader(data))
	var out [][]byte
	for {
		start := dec.InputOffset()
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil || len(raw) == 0 || raw[0] != '{' || len(out) == MaxSubRecords {
			return nil
		}
		// Slice the object out of data rather than keep the decoder's copy.
		end := dec.InputOffset()
		obj := bytes.TrimLeft(data[start:end], " \t\r\n")
		out = append(out, obj)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// deaggregateKPL undoes KPL aggregation, as Firehose does for records from
// a Kinesis data stream. A record whose digest or protobuf is bad is kept
// whole, as the KCL keeps it.
func deaggregateKPL(r Record, emit func(Record)) {
	if !kpl.IsAggregated(r.Data) {
		emit(r)
		return
	}
	subs, err := kpl.Deaggregate(r.Data, r.PartitionKey)
	if err != nil {
		emit(r)
		return
	}
	for _, s := range subs {
		sub := r
		sub.Data = s.Data
		sub.PartitionKey = s.PartitionKey
		emit(sub)
	}
}
