package awserr

import "net/http"

// The catalogue: every error code Sluice sends, with its HTTP status.
// Protocol-level codes come first, then the modelled errors of the services.
var (
	// Protocol and authentication.
	SerializationException              = Code{Name: "SerializationException", Status: http.StatusBadRequest, CapitalMessage: true}
	UnknownOperationException           = Code{Name: "UnknownOperationException", Status: http.StatusBadRequest}
	ValidationException                 = Code{Name: "ValidationException", Status: http.StatusBadRequest}
	MissingAuthenticationTokenException = Code{Name: "MissingAuthenticationTokenException", Status: http.StatusBadRequest}
	IncompleteSignatureException        = Code{Name: "IncompleteSignatureException", Status: http.StatusBadRequest}
	InvalidSignatureException           = Code{Name: "InvalidSignatureException", Status: http.StatusBadRequest}
	UnrecognizedClientException         = Code{Name: "UnrecognizedClientException", Status: http.StatusBadRequest}
	AccessDeniedException               = Code{Name: "AccessDeniedException", Status: http.StatusBadRequest}
	ExpiredTokenException               = Code{Name: "ExpiredTokenException", Status: http.StatusBadRequest}
	RequestEntityTooLarge               = Code{Name: "RequestEntityTooLargeException", Status: http.StatusRequestEntityTooLarge}
	// ThrottlingException is AWS's common error for a request refused by
	// a request-rate limit (Sluice's per-access-key limit).
	ThrottlingException = Code{Name: "ThrottlingException", Status: http.StatusBadRequest}
	// RequestAbortedException is AWS's common error for a request whose
	// client went away before its answer. Sluice never sends it (there is
	// no one to send it to); the audit log records it.
	RequestAbortedException = Code{Name: "RequestAbortedException", Status: http.StatusBadRequest}
	InternalFailure         = Code{Name: "InternalFailure", Status: http.StatusInternalServerError}
	ServiceUnavailable      = Code{Name: "ServiceUnavailableException", Status: http.StatusServiceUnavailable}

	// Modelled errors (Kinesis Data Streams and, later, the other services).
	ResourceNotFoundException              = Code{Name: "ResourceNotFoundException", Status: http.StatusBadRequest}
	ResourceInUseException                 = Code{Name: "ResourceInUseException", Status: http.StatusBadRequest}
	InvalidArgumentException               = Code{Name: "InvalidArgumentException", Status: http.StatusBadRequest}
	LimitExceededException                 = Code{Name: "LimitExceededException", Status: http.StatusBadRequest}
	ExpiredIteratorException               = Code{Name: "ExpiredIteratorException", Status: http.StatusBadRequest}
	ExpiredNextTokenException              = Code{Name: "ExpiredNextTokenException", Status: http.StatusBadRequest}
	ProvisionedThroughputExceededException = Code{Name: "ProvisionedThroughputExceededException", Status: http.StatusBadRequest}
	KMSAccessDeniedException               = Code{Name: "KMSAccessDeniedException", Status: http.StatusBadRequest}
	KMSNotFoundException                   = Code{Name: "KMSNotFoundException", Status: http.StatusBadRequest}
	KMSDisabledException                   = Code{Name: "KMSDisabledException", Status: http.StatusBadRequest}
	KMSInvalidStateException               = Code{Name: "KMSInvalidStateException", Status: http.StatusBadRequest}
	KMSThrottlingException                 = Code{Name: "KMSThrottlingException", Status: http.StatusBadRequest}
	InternalFailureException               = Code{Name: "InternalFailureException", Status: http.StatusInternalServerError}
	DryRunOperationException               = Code{Name: "DryRunOperationException", Status: http.StatusBadRequest}
)
