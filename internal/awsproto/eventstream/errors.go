package eventstream

import (
	"errors"
	"fmt"
)

// The kinds of format error; a *FormatError wraps one, for errors.Is.
var (
	// ErrChecksum: a prelude or message CRC does not match its bytes.
	ErrChecksum = errors.New("checksum mismatch")
	// ErrLength: a length breaks the format or AWS's limits.
	ErrLength = errors.New("length out of bounds")
	// ErrHeader: a header is malformed (truncated, empty or duplicate name,
	// unknown value type) or, when encoding, has no value.
	ErrHeader = errors.New("malformed header")
)

// FormatError is a message that breaks the format: one read by a Decoder,
// or one an Encoder refused to write.
type FormatError struct {
	// Offset is the stream offset of the message's first byte: bytes read
	// (Decoder) or written (Encoder) before it. For AppendMessage it is
	// len(dst).
	Offset int64
	// Err is ErrChecksum, ErrLength or ErrHeader.
	Err error
	// Detail says what is wrong, for people.
	Detail string
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("eventstream: message at byte %d: %v: %s", e.Offset, e.Err, e.Detail)
}

func (e *FormatError) Unwrap() error { return e.Err }

func formatErr(kind error, format string, args ...any) *FormatError {
	return &FormatError{Err: kind, Detail: fmt.Sprintf(format, args...)}
}
