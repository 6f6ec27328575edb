package streams

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error; the API edge maps each kind to an AWS
// error code. The messages themselves are AWS's wording (messages.go), so
// the edge passes them through unchanged.
type Kind int

// Error kinds.
const (
	KindNotFound Kind = iota + 1
	KindInUse
	KindInvalidArgument
	KindLimitExceeded
	KindExpiredIterator
	KindExpiredNextToken
	KindValidation
	KindAccessDenied
	KindThroughputExceeded
	KindDryRun
	// Server-side encryption: the master key's failures.
	KindKMSNotFound
	KindKMSDisabled
	KindKMSInvalidState
	KindKMSAccessDenied
	KindKMSThrottling
)

// Error is a domain error with its client-facing message.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func newErr(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of err, or 0 when err is not a domain error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}
