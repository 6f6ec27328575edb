package video

import "fmt"

// Kind classifies a domain error; the API maps each to an AWS error code.
type Kind int

// The kinds of errors the Video Streams API answers with.
const (
	KindNotFound Kind = iota + 1
	KindInUse
	KindInvalidArgument
	KindVersionMismatch
	KindAccountStreamLimit
	KindAccountChannelLimit
	KindTagsLimit
	KindNoDataRetention
	KindEdgeNotFound
	KindClientLimit
)

// Error is a domain error with the message the client sees.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func newErr(kind Kind, format string, args ...any) *Error {
	if len(args) == 0 {
		return &Error{Kind: kind, Msg: format}
	}
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

func errInvalid(format string, args ...any) *Error {
	return newErr(KindInvalidArgument, format, args...)
}

// AWS's words for a stream or channel that does not exist (or is not
// visible to the caller).
var (
	errStreamNotFound  = newErr(KindNotFound, "The requested stream is not found or not active.")
	errChannelNotFound = newErr(KindNotFound, "The requested channel is not found or not active.")
)

func errVersion(kind string) *Error {
	return newErr(KindVersionMismatch, "The specified version does not match the current version of the %s.", kind)
}

func errNotActive(kind, name, status string) *Error {
	return newErr(KindInUse, "The %s %s is not in ACTIVE state (it is %s).", kind, name, status)
}
