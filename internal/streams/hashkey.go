package streams

import (
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"math/big"
	"math/bits"
	"strconv"
)

// HashKey is a point of Kinesis's 128-bit hash-key space, 0 … 2^128-1.
type HashKey struct{ Hi, Lo uint64 }

// MaxHashKey is 2^128-1, the end of the last shard's range.
var MaxHashKey = HashKey{Hi: ^uint64(0), Lo: ^uint64(0)}

// HashPartitionKey maps a partition key to its hash key: MD5 of the key's
// UTF-8 bytes, read as an unsigned big-endian 128-bit integer.
func HashPartitionKey(key string) HashKey {
	sum := md5.Sum([]byte(key))
	return HashKey{Hi: binary.BigEndian.Uint64(sum[:8]), Lo: binary.BigEndian.Uint64(sum[8:])}
}

// Cmp compares two hash keys.
func (h HashKey) Cmp(o HashKey) int {
	switch {
	case h.Hi < o.Hi:
		return -1
	case h.Hi > o.Hi:
		return 1
	case h.Lo < o.Lo:
		return -1
	case h.Lo > o.Lo:
		return 1
	}
	return 0
}

// Add returns h+n, wrapping at 2^128.
func (h HashKey) Add(n uint64) HashKey {
	lo, carry := bits.Add64(h.Lo, n, 0)
	return HashKey{Hi: h.Hi + carry, Lo: lo}
}

// Sub returns h-n, wrapping at 0.
func (h HashKey) Sub(n uint64) HashKey {
	lo, borrow := bits.Sub64(h.Lo, n, 0)
	return HashKey{Hi: h.Hi - borrow, Lo: lo}
}

// Big returns h as a big.Int.
func (h HashKey) Big() *big.Int {
	b := new(big.Int).SetUint64(h.Hi)
	b.Lsh(b, 64)
	return b.Or(b, new(big.Int).SetUint64(h.Lo))
}

// String returns h in decimal, as the API writes hash keys.
func (h HashKey) String() string {
	if h.Hi == 0 {
		return strconv.FormatUint(h.Lo, 10)
	}
	return h.Big().Text(10)
}

// ParseHashKey reads a decimal hash key. ok is false when s is not a decimal
// number in 0 … 2^128-1.
func ParseHashKey(s string) (h HashKey, ok bool) {
	if s == "" {
		return HashKey{}, false
	}
	b, good := new(big.Int).SetString(s, 10)
	if !good || b.Sign() < 0 || b.BitLen() > 128 {
		return HashKey{}, false
	}
	lo := new(big.Int).And(b, new(big.Int).SetUint64(^uint64(0)))
	hi := new(big.Int).Rsh(b, 64)
	return HashKey{Hi: hi.Uint64(), Lo: lo.Uint64()}, true
}

// HashRange is an inclusive range of hash keys.
type HashRange struct {
	Start, End HashKey
}

// Contains reports whether h is in r.
func (r HashRange) Contains(h HashKey) bool {
	return h.Cmp(r.Start) >= 0 && h.Cmp(r.End) <= 0
}

// SplitEvenly divides the whole hash space into n ranges as AWS does: each
// floor(2^128/n) wide, the last one ending at 2^128-1.
func SplitEvenly(n int) []HashRange {
	if n <= 0 {
		return nil
	}
	width := new(big.Int).Lsh(big.NewInt(1), 128)
	width.Div(width, big.NewInt(int64(n)))
	ranges := make([]HashRange, n)
	start := new(big.Int)
	for i := range n {
		end := new(big.Int).Add(start, width)
		end.Sub(end, big.NewInt(1))
		ranges[i].Start = fromBig(start)
		if i == n-1 {
			ranges[i].End = MaxHashKey
		} else {
			ranges[i].End = fromBig(end)
		}
		start.Add(start, width)
	}
	return ranges
}

func fromBig(b *big.Int) HashKey {
	var buf [16]byte
	b.FillBytes(buf[:])
	return HashKey{Hi: binary.BigEndian.Uint64(buf[:8]), Lo: binary.BigEndian.Uint64(buf[8:])}
}

// MarshalText writes h in decimal (for the metadata store's JSON).
func (h HashKey) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads a decimal hash key.
func (h *HashKey) UnmarshalText(b []byte) error {
	v, ok := ParseHashKey(string(b))
	if !ok {
		return fmt.Errorf("streams: invalid hash key %q", b)
	}
	*h = v
	return nil
}
