package channels

import (
	"context"
	"errors"
	"time"

	"sluice/internal/firehose"
	"sluice/internal/streams"
)

// Streams looks up the data streams channels read.
type Streams interface {
	// Stream returns the stream with ARN arn as the caller sees it; action
	// names the operation asking (for access-denied messages).
	Stream(c Caller, arn, action string) (StreamInfo, error)
}

// StreamInfo is what a channel needs of its source stream.
type StreamInfo struct {
	ARN      string
	Name     string
	Created  time.Time
	OnDemand bool
	Deleting bool
}

// Deliveries is the delivery engine: the Firehose service's delivery
// streams (*firehose.Service implements it).
type Deliveries interface {
	CreateDeliveryStream(ctx context.Context, c firehose.Caller, p firehose.CreateParams) (string, error)
	DeleteDeliveryStream(ctx context.Context, c firehose.Caller, name string) error
	DescribeDeliveryStream(c firehose.Caller, name string) (*firehose.DeliveryStream, error)
	UpdateDestination(ctx context.Context, c firehose.Caller, name, currentVersion, destinationID string, apply func(*firehose.Destinations) error) error
	Each(fn func(ds *firehose.DeliveryStream, m *firehose.Metrics))
}

// StreamsSource is Streams over Sluice's Data Streams service.
type StreamsSource struct {
	Streams *streams.Service
}

// streamKinds carries the Data Streams errors a lookup answers with.
var streamKinds = map[streams.Kind]Kind{
	streams.KindNotFound:        KindNotFound,
	streams.KindInUse:           KindInUse,
	streams.KindInvalidArgument: KindInvalidArgument,
	streams.KindLimitExceeded:   KindLimitExceeded,
	streams.KindAccessDenied:    KindAccessDenied,
}

// Stream implements Streams.
func (s StreamsSource) Stream(c Caller, arn, action string) (StreamInfo, error) {
	st, err := s.Streams.DescribeStream(context.Background(), streams.Caller{Account: c.Account, Region: c.Region}, streams.StreamRef{ARN: arn}, action)
	if err != nil {
		var e *streams.Error
		if errors.As(err, &e) {
			if k, ok := streamKinds[e.Kind]; ok {
				return StreamInfo{}, newErr(k, "%s", e.Msg)
			}
		}
		return StreamInfo{}, err
	}
	return StreamInfo{
		ARN: st.ARN(), Name: st.Name, Created: st.Created,
		OnDemand: st.Mode == streams.ModeOnDemand, Deleting: st.Status == streams.StatusDeleting,
	}, nil
}
