package channels

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error; the API maps each to an AWS error code.
type Kind int

// The kinds of errors the channel operations answer with.
const (
	KindNotFound Kind = iota + 1
	KindInUse
	KindInvalidArgument
	KindLimitExceeded
	KindExpiredNextToken
	KindAccessDenied
)

// Error is a domain error with the message the client sees.
type Error struct {
	Kind Kind
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

func newErr(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

// KindOf returns the kind of a domain error, 0 for any other error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func errInvalid(format string, args ...any) *Error {
	return newErr(KindInvalidArgument, format, args...)
}

// The messages, worded after the Data Streams messages for streams and
// consumers (AWS does not publish the channel operations' wording).

func errNotFound(name, account string) *Error {
	return newErr(KindNotFound, "Channel %s under account %s not found.", name, account)
}

func errExists(name, account string) *Error {
	return newErr(KindInUse, "Channel %s under account %s already exists.", name, account)
}

func errNotActive(name, account, status string) *Error {
	return newErr(KindInUse, "Channel %s under account %s not ACTIVE, instead in state %s", name, account, status)
}

func errRate(account string) *Error {
	return newErr(KindLimitExceeded, "Rate exceeded for account %s.", account)
}
