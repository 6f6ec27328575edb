// Package awserr is the one typed error of Sluice's wire layer: an AWS error
// code, the HTTP status it travels with, and the public message.
//
// Domain and storage packages never import this package. They return their
// own errors; the API edge maps them to an *Error, and the protocol layer
// (awsproto) renders it in the request's encoding:
//
//	{"__type":"ResourceNotFoundException","message":"Stream s under account 000000000000 not found."}
//
// The codes Sluice can answer with are listed in catalogue.go, as data.
package awserr

import (
	"errors"
	"fmt"
)

// Code is one AWS error type: its name (the "__type" of the body and the
// X-Amzn-ErrorType header) and the HTTP status it is sent with.
type Code struct {
	Name   string
	Status int
	// CapitalMessage marks the codes whose body spells the message member
	// "Message" rather than "message" (Coral's SerializationException does).
	CapitalMessage bool
}

// Error is an AWS error ready to be sent to a client.
type Error struct {
	Code    Code
	Message string
	// Members are the error shape's other members, written beside the
	// message (UnableToDetectSchemaException's RawInputRecords, ...).
	Members map[string]any
	// Cause is what went wrong inside, for the log; the client never sees it.
	Cause error
}

// New returns an *Error with a formatted message.
func New(code Code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Message: msg}
}

// Bare returns an *Error that carries no message member at all, as AWS sends
// some protocol errors (an empty body's SerializationException, for one).
func Bare(code Code) *Error { return &Error{Code: code} }

// Internal wraps an unexpected failure as InternalFailure, keeping the cause
// for the log.
func Internal(cause error) *Error {
	return &Error{Code: InternalFailure, Cause: cause}
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return e.Code.Name + ": " + e.Message + " (" + e.Cause.Error() + ")"
	}
	return e.Code.Name + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// As returns err as an *Error when it is one (or wraps one), and otherwise
// wraps it as InternalFailure.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}
