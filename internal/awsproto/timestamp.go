package awsproto

import (
	"time"

	"github.com/fxamacker/cbor/v2"

	"sluice/internal/awsproto/awsjson"
)

// Timestamp is a time in a response. JSON 1.1 writes it as epoch seconds
// with a millisecond fraction (1459799926.48); CBOR 1.1 as tag 1 followed by
// integer epoch milliseconds, which is what the Java SDK reads.
type Timestamp time.Time

// TimeOf returns a *Timestamp for t, for optional response members.
func TimeOf(t time.Time) *Timestamp {
	ts := Timestamp(t)
	return &ts
}

// Time returns the time.
func (t Timestamp) Time() time.Time { return time.Time(t) }

// MarshalJSON writes epoch seconds with up to three decimals.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	return awsjson.AppendTimestamp(nil, time.Time(t)), nil
}

// MarshalCBOR writes tag 1 and the epoch milliseconds.
func (t Timestamp) MarshalCBOR() ([]byte, error) {
	return cbor.Marshal(cbor.Tag{Number: 1, Content: time.Time(t).UnixMilli()})
}
