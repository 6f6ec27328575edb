package analytics

import (
	"errors"
	"fmt"
)

// Kind classifies a domain error; the API maps each to an AWS error code.
type Kind int

// The kinds of errors the Data Analytics APIs answer with.
const (
	KindNotFound Kind = iota + 1
	KindInUse
	KindInvalidArgument
	KindLimitExceeded
	KindConcurrentModification
	KindCodeValidation
	KindUnsupported
	KindTooManyTags
	KindInvalidConfiguration
	KindUnableToDetectSchema
	KindThroughputExceeded
	KindServiceUnavailable
)

// Error is a domain error with the message the client sees.
type Error struct {
	Kind Kind
	Msg  string
	// Raw and Processed are, for KindUnableToDetectSchema, the records
	// sampled and what the input preprocessor made of them, so the caller
	// sees what could not be read (AWS answers them with the error).
	Raw, Processed []string
}

func (e *Error) Error() string { return e.Msg }

// KindOf returns the kind of err, or 0 when it is not a domain error.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return 0
}

func newErr(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Msg: fmt.Sprintf(format, args...)}
}

func errInvalid(format string, args ...any) *Error {
	return newErr(KindInvalidArgument, format, args...)
}

func errNotFound(name, account string) *Error {
	return newErr(KindNotFound, "Application %s is not found under account %s.", name, account)
}

func errExists(name, account string) *Error {
	return newErr(KindInUse, "Application %s already exists under account %s.", name, account)
}

func errState(a *Application, op string) *Error {
	return newErr(KindInUse, "Application %s is in the %s state; %s is not allowed in this state.", a.Name, a.Status, op)
}

func errVersion(a *Application, given int64) *Error {
	return newErr(KindConcurrentModification,
		"The version %d of application %s does not match its current version %d: describe the application and retry with the current version.",
		given, a.Name, a.Version)
}

func errV2Only(a *Application) *Error {
	return newErr(KindUnsupported,
		"%s was created/updated by kinesisanalyticsv2 SDK. Please use kinesisanalyticsv2 SDK to make changes to %s.", a.Name, a.Name)
}

func errTooManyTags(name string) *Error {
	return newErr(KindTooManyTags, "Application %s cannot have more than %d tags.", name, MaxTags)
}

// ErrNoEngine is StartApplication's answer when the server has no SQL
// engine (no Runner): applications are stored and configured, never
// pretended to run.
var ErrNoEngine = newErr(KindUnsupported,
	"The SQL engine is not in this build of Sluice yet: applications can be created, configured and described, but not started.")
