package eventstream

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"testing"
	"time"
)

// testUUID is an arbitrary UUID (RFC 9562's example of a version 4 UUID).
var testUUID = [16]byte{0x91, 0x91, 0x08, 0xf7, 0x52, 0xd1, 0x43, 0x20, 0x9b, 0xac, 0xf8, 0x47, 0xdb, 0x41, 0x48, 0xa8}

// allTypes is one header of each of the ten types, at awkward values.
func allTypes() []Header {
	return []Header{
		{"true", BoolValue(true)},
		{"false", BoolValue(false)},
		{"int8", Int8Value(math.MinInt8)},
		{"int16", Int16Value(math.MinInt16)},
		{"int32", Int32Value(math.MinInt32)},
		{"int64", Int64Value(math.MinInt64)},
		{"bytes", BytesValue([]byte{0, 1, 0xfe, 0xff})},
		{"string", StringValue("héllo, wörld")},
		{"timestamp", TimestampValue(time.UnixMilli(1_700_000_000_123))},
		{"uuid", UUIDValue(testUUID)},
	}
}

// encode encodes messages one after another, failing the test on error.
func encode(t testing.TB, ms ...Message) []byte {
	t.Helper()
	var b []byte
	for _, m := range ms {
		var err error
		if b, err = AppendMessage(b, m); err != nil {
			t.Fatal(err)
		}
	}
	return b
}

// decodeAll decodes r to its end, returning the messages and the error that
// stopped it (nil for io.EOF).
func decodeAll(r io.Reader) ([]Message, error) {
	d := NewDecoder(r)
	var ms []Message
	for {
		m, err := d.Decode()
		if err == io.EOF {
			return ms, nil
		}
		if err != nil {
			return ms, err
		}
		ms = append(ms, m)
	}
}

// frame builds a message around raw headers and payload, with correct
// lengths and CRCs, so that tests can hand the decoder malformed headers.
func frame(headers, payload []byte) []byte {
	total := overhead + len(headers) + len(payload)
	b := prelude(uint32(total), uint32(len(headers)))
	b = append(b, headers...)
	b = append(b, payload...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// prelude returns a prelude with a correct CRC for any lengths.
func prelude(total, hlen uint32) []byte {
	b := binary.BigEndian.AppendUint32(nil, total)
	b = binary.BigEndian.AppendUint32(b, hlen)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b))
}

// equalMessages reports whether two messages have the same headers, in the
// same order, and the same payload (nil and empty are the same).
func equalMessages(a, b Message) bool {
	if len(a.Headers) != len(b.Headers) || !bytes.Equal(a.Payload, b.Payload) {
		return false
	}
	for i := range a.Headers {
		if a.Headers[i] != b.Headers[i] {
			return false
		}
	}
	return true
}

func wantFormatError(t *testing.T, err, kind error) {
	t.Helper()
	var fe *FormatError
	if !errors.As(err, &fe) || !errors.Is(err, kind) {
		t.Fatalf("got error %v, want a *FormatError wrapping %q", err, kind)
	}
}
