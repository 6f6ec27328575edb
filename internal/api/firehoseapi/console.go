package firehoseapi

import (
	"errors"
	"io/fs"
	"slices"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/firehose"
	"sluice/internal/metrics"
	"sluice/internal/objectstore"
)

// ConsoleBackend gives the console what it shows of Firehose beyond the
// API: per-minute figures, and the objects delivered to the local
// directory (Dir nil: the server delivers to an S3 endpoint, browse it
// there). A caller sees only buckets its own delivery streams deliver to.
type ConsoleBackend struct {
	Svc *firehose.Service
	Dir *objectstore.Dir
}

// MaxObjectView bounds how much of an object the console shows.
const MaxObjectView = 1 << 20

func fcaller(c awsproto.Caller) firehose.Caller {
	return firehose.Caller{Account: c.AccountID, Region: c.Region}
}

// Metrics returns a delivery stream's per-minute figures.
func (b ConsoleBackend) Metrics(c awsproto.Caller, name string, minutes int) ([]metrics.Point, error) {
	p, err := b.Svc.Minutes(fcaller(c), name, minutes)
	return p, wire(err)
}

func (b ConsoleBackend) bucket(c awsproto.Caller, bucket string) error {
	if b.Dir == nil {
		return awserr.New(awserr.InvalidArgumentException, "This server delivers to an S3 endpoint (--s3-endpoint); browse the bucket there.")
	}
	if !slices.Contains(b.Svc.Buckets(fcaller(c)), bucket) {
		return awserr.New(awserr.ResourceNotFoundException, "No delivery stream of account %s delivers to bucket %s.", c.AccountID, bucket)
	}
	return nil
}

// Objects lists a bucket's delivered objects.
func (b ConsoleBackend) Objects(c awsproto.Caller, bucket string) ([]objectstore.Info, error) {
	if err := b.bucket(c, bucket); err != nil {
		return nil, err
	}
	return b.Dir.List(bucket)
}

// Object returns the start of an object (MaxObjectView bytes) and its size.
func (b ConsoleBackend) Object(c awsproto.Caller, bucket, key string) ([]byte, int64, error) {
	if err := b.bucket(c, bucket); err != nil {
		return nil, 0, err
	}
	data, size, err := b.Dir.Get(bucket, key, MaxObjectView)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, awserr.New(awserr.ResourceNotFoundException, "No object %s in bucket %s.", key, bucket)
	}
	if err != nil {
		return nil, 0, awserr.New(awserr.InvalidArgumentException, "%v", err)
	}
	return data, size, nil
}
