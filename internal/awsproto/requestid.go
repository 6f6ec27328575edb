package awsproto

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strconv"
)

// newRequestID returns a random (version 4) UUID for x-amzn-RequestId.
func newRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// newID2 returns an x-amz-id-2 value: base64 of 72 random bytes, the size
// AWS's own fall in.
func newID2() string {
	var b [72]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}

func itoa(n int) string { return strconv.Itoa(n) }

// NewRequestID returns a request ID as the handlers make them, for wire
// packages that serve a protocol of their own (STS's query protocol).
func NewRequestID() string { return newRequestID() }
