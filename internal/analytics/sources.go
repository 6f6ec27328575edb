package analytics

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"sluice/internal/firehose"
	"sluice/internal/objectstore"
	"sluice/internal/streams"
)

// samplePoll is how often sampling reads each shard: under the 5 reads a
// second a shard allows.
const samplePoll = 250 * time.Millisecond

// callerAction names Data Analytics' reads in the data stream service's
// rate limits, which do not apply to them (AWS's service reads like an
// internal consumer, not like an API client).
const callerAction = "KinesisAnalytics"

// StreamsSource is the Source over Sluice's Data Streams service.
type StreamsSource struct {
	Streams *streams.Service
}

func (k StreamsSource) caller(c Caller) streams.Caller {
	return streams.Caller{Account: c.Account, Region: c.Region}
}

// Check implements Source.
func (k StreamsSource) Check(c Caller, arn string) error {
	st, err := k.Streams.DescribeStream(context.Background(), k.caller(c), streams.StreamRef{ARN: arn}, callerAction)
	if err != nil {
		return err
	}
	if st.Status == streams.StatusDeleting {
		return fmt.Errorf("stream %s is being deleted", st.Name)
	}
	return nil
}

// Sample implements Source: it reads the stream's shards in turn, from
// their oldest records (TRIM_HORIZON) or from now on (NOW), until it has
// max records, or has read every shard to its end and holds some, or wait
// has passed.
func (k StreamsSource) Sample(ctx context.Context, c Caller, arn string, pos StartingPosition, max int, wait time.Duration) ([][]byte, error) {
	sc := k.caller(c)
	ref := streams.StreamRef{ARN: arn}
	st, err := k.Streams.DescribeStream(ctx, sc, ref, callerAction)
	if err != nil {
		return nil, errInvalid("Kinesis Analytics cannot read %s: %v", arn, err)
	}
	typ := "LATEST"
	if pos == PositionTrimHorizon {
		typ = "TRIM_HORIZON"
	}
	var iterators []string
	for _, sh := range st.Shards {
		if pos == PositionNow && !sh.Open() {
			continue
		}
		it, err := k.Streams.GetShardIterator(ctx, sc, ref, streams.IteratorParams{ShardID: sh.ID(), Type: typ})
		if err != nil {
			return nil, errInvalid("Kinesis Analytics cannot read %s: %v", arn, err)
		}
		iterators = append(iterators, it)
	}
	deadline := time.Now().Add(wait)
	var out [][]byte
	for {
		caughtUp := true
		for i, it := range iterators {
			if it == "" || len(out) >= max {
				continue
			}
			page, err := k.Streams.GetRecords(ctx, sc, it, arn, max-len(out), false)
			if err != nil {
				if streams.KindOf(err) == streams.KindThroughputExceeded {
					return nil, newErr(KindThroughputExceeded, "Discovery could not read %s: %v", arn, err)
				}
				return nil, errInvalid("Kinesis Analytics cannot read %s: %v", arn, err)
			}
			for _, r := range page.Records {
				out = append(out, append([]byte(nil), r.Data...))
			}
			if len(page.Records) > 0 || page.MillisBehindLatest > 0 {
				caughtUp = false
			}
			iterators[i] = page.NextIterator
			page.Release()
		}
		if len(out) >= max || (caughtUp && len(out) > 0) || !time.Now().Before(deadline) {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(samplePoll):
		}
	}
}

// FirehoseSource is the Source over Sluice's Firehose delivery streams: it
// reads the records a delivery stream has taken in, from its log.
type FirehoseSource struct {
	Firehose *firehose.Service
}

// ParseDeliveryStreamARN splits
// arn:aws:firehose:<region>:<account>:deliverystream/<name>.
func ParseDeliveryStreamARN(arn string) (region, account, name string, ok bool) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || !strings.HasPrefix(parts[1], "aws") || parts[2] != "firehose" {
		return "", "", "", false
	}
	name, found := strings.CutPrefix(parts[5], "deliverystream/")
	if !found || name == "" || strings.Contains(name, "/") {
		return "", "", "", false
	}
	return parts[3], parts[4], name, true
}

func (f FirehoseSource) lookup(c Caller, arn string) (*firehose.DeliveryStream, error) {
	region, account, name, ok := ParseDeliveryStreamARN(arn)
	if !ok {
		return nil, fmt.Errorf("%s is not a delivery stream ARN (arn:aws:firehose:<region>:<account>:deliverystream/<name>)", arn)
	}
	if account != c.Account || region != c.Region {
		return nil, fmt.Errorf("delivery stream %s is not in account %s, region %s", arn, c.Account, c.Region)
	}
	ds, err := f.Firehose.DescribeDeliveryStream(firehose.Caller{Account: c.Account, Region: c.Region}, name)
	if err != nil {
		return nil, err
	}
	if ds.Status == firehose.StatusDeleting {
		return nil, fmt.Errorf("delivery stream %s is being deleted", name)
	}
	return ds, nil
}

// Check implements Source.
func (f FirehoseSource) Check(c Caller, arn string) error {
	_, err := f.lookup(c, arn)
	return err
}

// Sample implements Source: from the oldest record the delivery stream's
// log holds (TRIM_HORIZON) or from the next one it takes in (NOW).
func (f FirehoseSource) Sample(ctx context.Context, c Caller, arn string, pos StartingPosition, max int, wait time.Duration) ([][]byte, error) {
	ds, err := f.lookup(c, arn)
	if err != nil {
		return nil, errInvalid("Kinesis Analytics cannot read %s: %v", arn, err)
	}
	// The delivery stream's own log, shared, read as its deliverer reads
	// it (server-side encryption's sealed records opened).
	_, lg, err := f.Firehose.Log(firehose.Caller{Account: c.Account, Region: c.Region}, ds.Name)
	if err != nil {
		return nil, err
	}
	first, next := lg.Bounds(0, 0)
	from := next
	if pos == PositionTrimHorizon {
		from = first
	}
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	var out [][]byte
	for {
		recs, after, err := lg.Read(0, from, max-len(out), 4<<20, 0)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			out = append(out, append([]byte(nil), r.Data...))
		}
		from = after
		if len(out) >= max || (len(recs) == 0 && len(out) > 0) {
			return out, nil
		}
		if len(recs) > 0 {
			continue
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-deadline.C:
			return out, nil
		case <-lg.Watch():
		case <-time.After(samplePoll):
		}
	}
}

// DirObjects reads objects from the local directory the server delivers
// to (<data-dir>/s3/<bucket>/<key>).
type DirObjects struct {
	Dir objectstore.Dir
}

// Get implements ObjectReader.
func (d DirObjects) Get(_ context.Context, bucket, key string, max int64) ([]byte, error) {
	b, _, err := d.Dir.Get(bucket, key, max)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no object %s in bucket %s", key, bucket)
	}
	return b, err
}
