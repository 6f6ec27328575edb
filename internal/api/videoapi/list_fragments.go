package videoapi

// ListFragments (kinesis-video-archived-media): POST /listFragments
// {StreamName|StreamARN, FragmentSelector{FragmentSelectorType
// PRODUCER_TIMESTAMP|SERVER_TIMESTAMP, TimestampRange{StartTimestamp,
// EndTimestamp}}, MaxResults 1..1000, NextToken}. Fragments whose
// timestamp of that kind is within the range, both ends included (AWS's
// FragmentSelector), or every live fragment without a selector; in the
// order they were stored (AWS promises no order). MaxResults defaults to
// 1,000. NextToken (base64, this stream's only) resumes after the last
// fragment of the page; a start after the end is InvalidArgumentException.

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"time"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/awsproto/shape"
	"sluice/internal/video/fragments"
)

const defaultListFragments = 1000

var listFragmentsInput = streamRef(
	shape.Opt("FragmentSelector", shape.Struct(
		shape.Req("FragmentSelectorType", shape.Str().OneOf("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP")),
		shape.Req("TimestampRange", shape.Struct(
			shape.Req("StartTimestamp", shape.Time()),
			shape.Req("EndTimestamp", shape.Time()),
		).Named("TimestampRange")),
	).Named("FragmentSelector")),
	shape.Opt("MaxResults", shape.Lng().Range(1, 1000)),
	shape.Opt("NextToken", shape.Str().Len(1, 4096).Match(`[a-zA-Z0-9+/]+={0,2}`)),
)

type listFragmentsIn struct {
	StreamName       *string
	StreamARN        *string
	FragmentSelector *struct {
		FragmentSelectorType string
		TimestampRange       struct{ StartTimestamp, EndTimestamp time.Time }
	}
	MaxResults *int64
	NextToken  *string
}

type fragmentOut struct {
	FragmentNumber               string
	FragmentSizeInBytes          int64
	ProducerTimestamp            *awsproto.Timestamp
	ServerTimestamp              *awsproto.Timestamp
	FragmentLengthInMilliseconds int64
}

type listFragmentsOut struct {
	Fragments []fragmentOut
	NextToken string `json:",omitempty"`
}

func (d *dataPlane) listFragments(ctx context.Context, in *listFragmentsIn) (*listFragmentsOut, error) {
	fs, err := d.open(ctx, "ListFragments", ref(in.StreamName, in.StreamARN))
	if err != nil {
		return nil, err
	}
	var frags []fragments.Fragment
	if sel := in.FragmentSelector; sel != nil {
		r := sel.TimestampRange
		if r.StartTimestamp.After(r.EndTimestamp) {
			return nil, awserr.New(invalidArgument, "The StartTimestamp of the TimestampRange must not be after its EndTimestamp.")
		}
		kind := fragments.ServerTimestamp
		if sel.FragmentSelectorType == "PRODUCER_TIMESTAMP" {
			kind = fragments.ProducerTimestamp
		}
		frags = fs.Select(kind, r.StartTimestamp, r.EndTimestamp)
	} else {
		frags = fs.Fragments()
	}
	if in.NextToken != nil {
		from, ok := parseListToken(*in.NextToken, fs.Salt())
		if !ok {
			return nil, awserr.New(invalidArgument, "The NextToken is not valid.")
		}
		i := 0
		for i < len(frags) && frags[i].Pos < from {
			i++
		}
		frags = frags[i:]
	}
	limit := defaultListFragments
	if in.MaxResults != nil {
		limit = int(*in.MaxResults)
	}
	out := &listFragmentsOut{Fragments: []fragmentOut{}}
	if len(frags) > limit {
		out.NextToken = listToken(frags[limit].Pos, fs.Salt())
		frags = frags[:limit]
	}
	for _, f := range frags {
		out.Fragments = append(out.Fragments, fragmentOut{
			FragmentNumber: f.Number(), FragmentSizeInBytes: f.Size, FragmentLengthInMilliseconds: f.DurationMillis,
			ProducerTimestamp: awsproto.TimeOf(f.ProducerTime()), ServerTimestamp: awsproto.TimeOf(f.ServerTime()),
		})
	}
	return out, nil
}

// A ListFragments NextToken is base64 of: version 1, uvarint position to
// resume at, uvarint the stream's salt.
func listToken(pos, salt uint64) string {
	b := []byte{1}
	b = binary.AppendUvarint(b, pos)
	b = binary.AppendUvarint(b, salt)
	return base64.StdEncoding.EncodeToString(b)
}

func parseListToken(tok string, salt uint64) (uint64, bool) {
	b, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || len(b) < 1 || b[0] != 1 {
		return 0, false
	}
	pos, n := binary.Uvarint(b[1:])
	if n <= 0 {
		return 0, false
	}
	s, m := binary.Uvarint(b[1+n:])
	if m <= 0 || 1+n+m != len(b) || s != salt {
		return 0, false
	}
	return pos, true
}
