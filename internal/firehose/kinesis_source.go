package firehose

import (
	"context"
	"time"

	"sluice/internal/streams"
)

// StreamsSource is the SourceReader over Sluice's own Data Streams service.
type StreamsSource struct {
	Streams *streams.Service
}

// sourceAction names the reads in the data stream service's rate limits,
// which do not apply to them (a delivery stream reads like AWS's internal
// consumer, not like an API client).
const sourceAction = "FirehoseSource"

func (k StreamsSource) caller(c Caller) streams.Caller {
	return streams.Caller{Account: c.Account, Region: c.Region}
}

// Check implements SourceReader.
func (k StreamsSource) Check(c Caller, arn string) error {
	if _, err := k.Streams.DescribeStream(context.Background(), k.caller(c), streams.StreamRef{ARN: arn}, sourceAction); err != nil {
		return errInvalid("The source stream %s cannot be read: %v", arn, err)
	}
	return nil
}

// Shards implements SourceReader.
func (k StreamsSource) Shards(c Caller, arn string) ([]SourceShard, error) {
	st, err := k.Streams.DescribeStream(context.Background(), k.caller(c), streams.StreamRef{ARN: arn}, sourceAction)
	if err != nil {
		return nil, err
	}
	out := make([]SourceShard, 0, len(st.Shards))
	for _, sh := range st.Shards {
		s := SourceShard{ID: sh.ID(), Created: time.Unix(sh.Created, 0)}
		for _, p := range []*uint32{sh.Parent, sh.AdjacentParent} {
			if p != nil {
				s.Parents = append(s.Parents, streams.ShardID(*p))
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// Iterator implements SourceReader.
func (k StreamsSource) Iterator(c Caller, arn, shardID, seq string, at *time.Time) (string, error) {
	p := streams.IteratorParams{ShardID: shardID, Type: "TRIM_HORIZON"}
	switch {
	case seq != "":
		p.Type, p.StartingSeqNum = "AFTER_SEQUENCE_NUMBER", seq
	case at != nil:
		p.Type, p.Timestamp = "AT_TIMESTAMP", at
	}
	return k.Streams.GetShardIterator(context.Background(), k.caller(c), streams.StreamRef{ARN: arn}, p)
}

// Read implements SourceReader.
func (k StreamsSource) Read(c Caller, arn, iterator string) (SourceRecords, error) {
	page, err := k.Streams.GetRecords(context.Background(), k.caller(c), iterator, arn, streams.MaxGetRecords, false)
	if err != nil {
		return SourceRecords{}, err
	}
	out := SourceRecords{Next: page.NextIterator, Data: make([][]byte, len(page.Records))}
	for i := range page.Records {
		out.Data[i] = page.Records[i].Data
		if page.EncryptionType(i) == streams.EncryptionKMS {
			if out.Encrypted == nil {
				out.Encrypted = make([]bool, len(page.Records))
			}
			out.Encrypted[i] = true
		}
	}
	if n := len(page.Records); n > 0 {
		out.LastSeq = page.SeqNum(&page.Records[n-1])
	}
	return out, nil
}
