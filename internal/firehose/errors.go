package firehose

import "fmt"

// Kind classifies a domain error; the API maps each to an AWS error code.
type Kind int

// The kinds of errors the Firehose API answers with.
const (
	KindNotFound Kind = iota + 1
	KindInUse
	KindInvalidArgument
	KindLimitExceeded
	KindConcurrentModification
	KindServiceUnavailable
	// KindInvalidKMSResource is InvalidKMSResourceException: KMS refused
	// the key (Error.Code says how).
	KindInvalidKMSResource
)

// Error is a domain error with the message AWS sends.
type Error struct {
	Kind Kind
	Msg  string
	// Code is the error shape's code member (InvalidKMSResourceException's:
	// the KMS exception, as KMS names it), or "".
	Code string
}

func (e *Error) Error() string { return e.Msg }

func newErr(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

func errNotFound(name, account string) *Error {
	return newErr(KindNotFound, "Firehose %s under account %s not found.", name, account)
}

func errExists(name, account string) *Error {
	return newErr(KindInUse, "Firehose %s under accountId %s already exists", name, account)
}

func errNotActive(name, account, status string) *Error {
	return newErr(KindInUse, "Firehose %s under account %s is not in ACTIVE state: %s.", name, account, status)
}

func errInvalid(format string, args ...any) *Error {
	return newErr(KindInvalidArgument, format, args...)
}
