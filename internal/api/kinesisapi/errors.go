package kinesisapi

import (
	"errors"

	"sluice/internal/awsproto/awserr"
	"sluice/internal/storage"
	"sluice/internal/streams"
)

// kindCodes maps domain error kinds to AWS error codes: the one place
// where domain failures become wire errors.
var kindCodes = map[streams.Kind]awserr.Code{
	streams.KindNotFound:           awserr.ResourceNotFoundException,
	streams.KindInUse:              awserr.ResourceInUseException,
	streams.KindInvalidArgument:    awserr.InvalidArgumentException,
	streams.KindLimitExceeded:      awserr.LimitExceededException,
	streams.KindExpiredIterator:    awserr.ExpiredIteratorException,
	streams.KindExpiredNextToken:   awserr.ExpiredNextTokenException,
	streams.KindValidation:         awserr.ValidationException,
	streams.KindAccessDenied:       awserr.AccessDeniedException,
	streams.KindThroughputExceeded: awserr.ProvisionedThroughputExceededException,
	streams.KindDryRun:             awserr.DryRunOperationException,
	streams.KindKMSNotFound:        awserr.KMSNotFoundException,
	streams.KindKMSDisabled:        awserr.KMSDisabledException,
	streams.KindKMSInvalidState:    awserr.KMSInvalidStateException,
	streams.KindKMSAccessDenied:    awserr.KMSAccessDeniedException,
	streams.KindKMSThrottling:      awserr.KMSThrottlingException,
}

// wire maps an error from package streams to the AWS error the client sees;
// anything unexpected becomes InternalFailure with its cause kept for the log.
func wire(err error) error {
	if err == nil {
		return nil
	}
	var de *streams.Error
	if errors.As(err, &de) {
		if code, ok := kindCodes[de.Kind]; ok {
			// The cause stays for a cluster node, which forwards a
			// request for a stream it has not heard of to the owner.
			return &awserr.Error{Code: code, Message: de.Msg, Cause: err}
		}
	}
	if msg, ok := storage.ClientMessage(err); ok {
		return &awserr.Error{Code: awserr.InternalFailure, Message: msg, Cause: err}
	}
	return awserr.Internal(err)
}
