package runtime

import (
	"errors"
	"fmt"
	"time"

	"sluice/internal/analytics"
	"sluice/internal/firehose"
	"sluice/internal/storage"
)

// errSourceReplaced: the input's stream or delivery stream was deleted and
// created again under the same name; the application does not read the
// new one in the old one's place.
var errSourceReplaced = errors.New("the source was deleted and created again")

// feedFirehose reads a delivery stream's own log (shard 0: every record it
// took in, for 24 hours) as the records arrive.
type feedFirehose struct {
	svc    *firehose.Service
	caller firehose.Caller
	name   string
	dsID   string
	log    storage.Log
}

func newFeedFirehose(svc *firehose.Service, c firehose.Caller, arn string) (*feedFirehose, error) {
	name, err := deliveryStreamName(arn, c)
	if err != nil {
		return nil, err
	}
	ds, lg, err := svc.Log(c, name)
	if err != nil {
		return nil, err
	}
	return &feedFirehose{svc: svc, caller: c, name: name, dsID: ds.ID, log: lg}, nil
}

// deliveryStreamName is the name in
// arn:aws:firehose:<region>:<account>:deliverystream/<name>, which must be
// the caller's (the control plane's ParseDeliveryStreamARN, so that both
// accept the same ARNs).
func deliveryStreamName(arn string, c firehose.Caller) (string, error) {
	region, account, name, ok := analytics.ParseDeliveryStreamARN(arn)
	if !ok {
		return "", fmt.Errorf("%s is not a delivery stream ARN", arn)
	}
	if region != c.Region || account != c.Account {
		return "", fmt.Errorf("delivery stream %s is not in account %s, region %s", arn, c.Account, c.Region)
	}
	return name, nil
}

func (f *feedFirehose) id() string { return f.dsID }

// retention: a delivery stream keeps what it took in for 24 hours.
func (f *feedFirehose) retention() time.Duration { return 24 * time.Hour }
func (f *feedFirehose) kinesis() bool            { return false }

// check verifies that the delivery stream is still the one the
// application started on.
func (f *feedFirehose) check() error {
	ds, _, err := f.svc.Log(f.caller, f.name)
	if err != nil {
		return err
	}
	if ds.ID != f.dsID {
		return errSourceReplaced
	}
	return nil
}

func (f *feedFirehose) watch() (records, changes <-chan struct{}, last, horizon int64, err error) {
	if err := f.check(); err != nil {
		return nil, nil, 0, 0, err
	}
	// The horizon first: the log is read after it.
	if horizon, err = f.svc.Horizon(f.caller, f.name); err != nil {
		return nil, nil, 0, 0, err
	}
	return f.log.Watch(), nil, f.log.LastArrival(0), horizon, nil
}

func (f *feedFirehose) shards() ([]shardInfo, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	return []shardInfo{{index: 0, open: true}}, nil
}

func (f *feedFirehose) bounds(uint32) (first, next uint64, err error) {
	if err := f.check(); err != nil {
		return 0, 0, err
	}
	first, next = f.log.Bounds(0, 0)
	return first, next, nil
}

func (f *feedFirehose) read(_ uint32, from uint64, max int) ([]storage.StoredRecord, uint64, bool, error) {
	if err := f.check(); err != nil {
		return nil, 0, false, err
	}
	recs, next, err := f.log.Read(0, from, max, readMaxBytes, 0)
	return recs, next, false, err
}
