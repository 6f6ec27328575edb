package runtime

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Lambda invocations (input preprocessing and Lambda outputs) go through
// the Lambda-contract endpoint Firehose uses (--lambda-endpoint), one
// synchronous Invoke at a time per input or output. Both contracts retry an
// invocation that fails (an error, or an answer that breaks the contract)
// on the same records until it succeeds, as AWS does, with a backoff from
// lambdaBackoffMin doubling to lambdaBackoffMax.

const (
	// lambdaMaxPayload keeps an invocation's JSON under Lambda's 6 MB
	// synchronous payload limit (base64 makes data a third larger).
	lambdaMaxPayload = 4 << 20
	// lambdaMaxRecords bounds the records of one invocation.
	lambdaMaxRecords = 5000
	lambdaBackoffMin = 100 * time.Millisecond
	lambdaBackoffMax = 10 * time.Second
)

// newGUID returns a random GUID (invocationId).
func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	return formatGUID(b)
}

// stableGUID returns a GUID derived from parts, the same every time: a
// record sent again after a retry or a restart keeps its recordId.
func stableGUID(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	var b [16]byte
	copy(b[:], h.Sum(nil))
	return formatGUID(b)
}

// formatGUID spells 16 bytes as a version-4 GUID.
func formatGUID(b [16]byte) string {
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

// backoff is a retry delay that doubles up to a ceiling.
type backoff struct {
	min, max, cur time.Duration
}

// next returns the delay before the next attempt.
func (b *backoff) next() time.Duration {
	switch {
	case b.cur == 0:
		b.cur = b.min
	case b.cur < b.max:
		b.cur = min(2*b.cur, b.max)
	}
	return b.cur
}
