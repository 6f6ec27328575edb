package fragments

import (
	"errors"
	"hash/crc32"
	"hash/fnv"
	"strconv"
)

// Fragment numbers and continuation tokens are 47 decimal digits, the
// length of AWS's:
//
//	kind  value                  salt                   check
//	1     20 (zero-padded)       20 (zero-padded)       6
//
//	kind   '9' a fragment number: value is the fragment's sequence;
//	       '8' a continuation token: value is the index position
//	       (shard-1 counter) of the next fragment to send
//	salt   derived from the stream's ID, so that a number of one stream
//	       (or of a deleted stream of the same name) is not taken for one
//	       of another
//	check  CRC-32C of the 41 digits before it, mod 1,000,000
//
// With the kind and the salt fixed per stream, the numbers of a stream
// compare as its sequences do, as strings and as integers.
const (
	numberLen   = 47
	kindNumber  = '9'
	kindToken   = '8'
	valueDigits = 20
	saltDigits  = 20
	checkDigits = 6
)

// ErrBadNumber is returned for a string that is not a fragment number or
// continuation token of the stream.
var ErrBadNumber = errors.New("fragments: not a fragment number of this stream")

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// saltOf derives a stream's salt from its ID.
func saltOf(streamID string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(streamID))
	return h.Sum64() % 1e19 // 19 digits at most, so the salt never overflows its 20
}

func encode(kind byte, value, salt uint64) string {
	b := make([]byte, 0, numberLen)
	b = append(b, kind)
	b = appendPadded(b, value, valueDigits)
	b = appendPadded(b, salt, saltDigits)
	sum := crc32.Checksum(b, castagnoli) % 1_000_000
	b = appendPadded(b, uint64(sum), checkDigits)
	return string(b)
}

func appendPadded(b []byte, v uint64, width int) []byte {
	s := strconv.FormatUint(v, 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

func decode(s string, kind byte, salt uint64) (uint64, error) {
	if len(s) != numberLen || s[0] != kind {
		return 0, ErrBadNumber
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, ErrBadNumber
		}
	}
	body := s[:numberLen-checkDigits]
	sum, _ := strconv.ParseUint(s[numberLen-checkDigits:], 10, 64)
	if uint64(crc32.Checksum([]byte(body), castagnoli)%1_000_000) != sum {
		return 0, ErrBadNumber
	}
	v, err := strconv.ParseUint(s[1:1+valueDigits], 10, 64)
	if err != nil {
		return 0, ErrBadNumber
	}
	got, err := strconv.ParseUint(s[1+valueDigits:1+valueDigits+saltDigits], 10, 64)
	if err != nil || got != salt {
		return 0, ErrBadNumber
	}
	return v, nil
}

// FormatNumber returns the fragment number of sequence seq in the stream
// with that salt.
func FormatNumber(seq, salt uint64) string { return encode(kindNumber, seq, salt) }

// ParseNumber returns the sequence of a fragment number of the stream with
// that salt, or ErrBadNumber.
func ParseNumber(s string, salt uint64) (uint64, error) { return decode(s, kindNumber, salt) }

// FormatToken returns the continuation token that resumes at index
// position pos.
func FormatToken(pos, salt uint64) string { return encode(kindToken, pos, salt) }

// ParseToken returns the index position a continuation token resumes at,
// or ErrBadNumber.
func ParseToken(s string, salt uint64) (uint64, error) { return decode(s, kindToken, salt) }

// nextSeq returns the sequence of the next fragment: above last, and at
// least the current time in milliseconds times 1,000, so that sequences
// keep growing across restarts even once retention has removed every
// fragment that would say where they were.
func nextSeq(last uint64, nowMillis int64) uint64 {
	seq := last + 1
	if t := uint64(max(nowMillis, 0)) * 1000; t > seq {
		seq = t
	}
	return seq
}
