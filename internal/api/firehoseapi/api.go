package firehoseapi

import (
	"context"
	"errors"
	"net/http"

	"sluice/internal/awsproto"
	"sluice/internal/awsproto/awserr"
	"sluice/internal/firehose"
	"sluice/internal/storage"
)

// TargetPrefix and SigningName identify the service on the wire.
const (
	TargetPrefix = "Firehose_20150804"
	SigningName  = "firehose"
)

// API serves the operations.
type API struct {
	svc *firehose.Service
}

// New returns the Firehose service description with its 12 operations.
func New(svc *firehose.Service) *awsproto.Service {
	a := &API{svc: svc}
	api := awsproto.NewService(TargetPrefix, SigningName,
		awsproto.Op("CreateDeliveryStream", createInput, a.create),
		awsproto.Op("DeleteDeliveryStream", deleteInput, a.delete),
		awsproto.Op("DescribeDeliveryStream", describeInput, a.describe),
		awsproto.Op("ListDeliveryStreams", listInput, a.list),
		awsproto.WithFastJSON(awsproto.Op("PutRecord", putRecordInput, a.putRecord), fastPutRecord),
		awsproto.WithFastJSON(awsproto.Op("PutRecordBatch", putRecordBatchInput, a.putRecordBatch), fastPutRecordBatch),
		awsproto.Op("UpdateDestination", updateInput, a.updateDestination),
		awsproto.Op("TagDeliveryStream", tagInput, a.tag),
		awsproto.Op("UntagDeliveryStream", untagInput, a.untag),
		awsproto.Op("ListTagsForDeliveryStream", listTagsInput, a.listTags),
		awsproto.Op("StartDeliveryStreamEncryption", startEncryptionInput, a.startEncryption),
		awsproto.Op("StopDeliveryStreamEncryption", stopEncryptionInput, a.stopEncryption),
	)
	api.MaxBodyBytes = MaxRequestBytes
	return api
}

// MaxRequestBytes bounds a request body. The largest request is a
// PutRecordBatch of 4 MiB of data (firehose.MaxBatchBytes), 5.6 MB as
// base64 JSON; the bound leaves room for a batch somewhat over 4 MiB to
// get Firehose's own InvalidArgumentException rather than a 413.
const MaxRequestBytes = 8 << 20

func caller(ctx context.Context) firehose.Caller {
	c := awsproto.CallerFrom(ctx)
	return firehose.Caller{Account: c.AccountID, Region: c.Region}
}

type empty struct{}

// ConcurrentModificationException is Firehose's answer to a stale VersionId.
var concurrentModification = awserr.Code{Name: "ConcurrentModificationException", Status: http.StatusBadRequest}

var kindCodes = map[firehose.Kind]awserr.Code{
	firehose.KindNotFound:               awserr.ResourceNotFoundException,
	firehose.KindInUse:                  awserr.ResourceInUseException,
	firehose.KindInvalidArgument:        awserr.InvalidArgumentException,
	firehose.KindLimitExceeded:          awserr.LimitExceededException,
	firehose.KindConcurrentModification: concurrentModification,
	firehose.KindServiceUnavailable:     awserr.ServiceUnavailable,
	firehose.KindInvalidKMSResource:     invalidKMSResource,
}

// InvalidKMSResourceException: KMS refused the delivery stream's key; its
// code member is KMS's exception (NotFoundException, DisabledException,
// ...).
var invalidKMSResource = awserr.Code{Name: "InvalidKMSResourceException", Status: http.StatusBadRequest}

// wire maps a domain error to the AWS error the client sees.
func wire(err error) error {
	if err == nil {
		return nil
	}
	// The wire layer's own errors, returned through the domain (the
	// UpdateDestination callback), pass unchanged.
	var ae *awserr.Error
	if errors.As(err, &ae) {
		return ae
	}
	var de *firehose.Error
	if errors.As(err, &de) {
		if code, ok := kindCodes[de.Kind]; ok {
			// The cause stays for a cluster node, which forwards a
			// request for a delivery stream it has not heard of to the
			// owner.
			e := &awserr.Error{Code: code, Message: de.Msg, Cause: err}
			if de.Code != "" {
				e.Members = map[string]any{"code": de.Code}
			}
			return e
		}
	}
	if msg, ok := storage.ClientMessage(err); ok {
		return &awserr.Error{Code: awserr.InternalFailure, Message: msg, Cause: err}
	}
	return awserr.Internal(err)
}
