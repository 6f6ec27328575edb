package mkv

import (
	"errors"
	"fmt"
	"io"
)

// ErrorID is the ErrorId a PutMedia ERROR ACK carries for a reader error.
type ErrorID int

// The ErrorIds this package's errors carry (the PutMedia ACK table).
const (
	ErrorStreamRead       ErrorID = 4000 // the body could not be read
	ErrorFragmentTooLarge ErrorID = 4001 // a cluster over Limits.MaxClusterBytes
	ErrorInvalidMKV       ErrorID = 4006 // not Matroska, malformed or truncated
	ErrorMetadataLimit    ErrorID = 4009 // a Tags element over Limits.MaxHeaderBytes
	ErrorTrackMismatch    ErrorID = 4010 // a block for a track the Tracks do not declare
	ErrorTooManyTracks    ErrorID = 4012 // more than Limits.MaxTracks tracks
)

// Error is what Reader.Next returns for anything but a clean end (io.EOF):
// the ACK ErrorId, the byte offset in the body where the fault was found and
// what was wrong. Err is the underlying cause, if any: io.ErrUnexpectedEOF
// when the body ends inside an element, or the io.Reader's own error.
type Error struct {
	ID     ErrorID
	Offset int64
	Msg    string
	Err    error
}

func (e *Error) Error() string {
	s := fmt.Sprintf("mkv: at byte %d: %s", e.Offset, e.Msg)
	if e.Err != nil && e.Err != io.ErrUnexpectedEOF {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// ErrorIDOf returns the ACK ErrorId of err: the Error's ID if err wraps one,
// 0 for nil, ErrorStreamRead otherwise.
func ErrorIDOf(err error) ErrorID {
	if err == nil {
		return 0
	}
	if e, ok := errors.AsType[*Error](err); ok {
		return e.ID
	}
	return ErrorStreamRead
}

func errorf(id ErrorID, off int64, format string, args ...any) *Error {
	return &Error{ID: id, Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func invalidf(off int64, format string, args ...any) *Error {
	return errorf(ErrorInvalidMKV, off, format, args...)
}
