package server

import (
	"errors"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/console"
	"sluice/internal/firehose"
	"sluice/internal/firehose/deliverylog"
)

// firehoseFailures gives the console a delivery stream's recent delivery
// errors: those deliverylog keeps for its ARN since it was created (a
// delivery stream deleted and created again under its name starts with an
// empty list, though its ARN is the same).
func firehoseFailures(fh *firehose.Service, errs *deliverylog.Log) func(awsproto.Caller, string) ([]console.FirehoseFailure, error) {
	return func(c awsproto.Caller, name string) ([]console.FirehoseFailure, error) {
		ds, err := fh.DescribeDeliveryStream(firehose.Caller{Account: c.AccountID, Region: c.Region}, name)
		if err != nil {
			var de *firehose.Error
			if errors.As(err, &de) && de.Kind == firehose.KindNotFound {
				return nil, awserr.New(awserr.ResourceNotFoundException, "%s", de.Msg)
			}
			return nil, awserr.Internal(err)
		}
		var out []console.FirehoseFailure
		for _, e := range errs.Recent(ds.ARN(), console.MaxFirehoseFailures) {
			if e.Time.Before(ds.Created) {
				break // newest first: the rest are older still
			}
			out = append(out, console.FirehoseFailure{
				Time: e.Time, ErrorCode: e.ErrorCode, Message: e.Message, Destination: e.Destination, Processor: e.Processor,
			})
		}
		return out, nil
	}
}
