package streams

import (
	"strconv"
	"strings"
)

// MaxShardIndex is the largest shard index AWS accepts in a shard ID.
const MaxShardIndex = 2147483647

// ShardID formats a shard index as AWS names shards: shardId-000000000000.
func ShardID(index uint32) string {
	b := []byte("shardId-000000000000")
	for i := len(b) - 1; index > 0; i-- { // uint32 has at most 10 digits
		b[i] = byte('0' + index%10)
		index /= 10
	}
	return string(b)
}

// ParseShardID reads a shard ID leniently, as AWS does: the text after the
// first '-' (or the whole string when there is none) is a decimal index, so
// "shardId-0", "shard-0", "foo-0" and "0" all name shardId-000000000000.
// ok is false for a non-numeric or out-of-range index.
func ParseShardID(id string) (index uint32, ok bool) {
	digits := id
	if _, after, found := strings.Cut(id, "-"); found {
		digits = after
		// JavaScript's split('-')[1] keeps only up to the next '-'.
		if before, _, more := strings.Cut(after, "-"); more {
			digits = before
		}
	}
	if digits == "" {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	if err != nil || n > MaxShardIndex {
		return 0, false
	}
	return uint32(n), true
}

// canonicalShardID is the shard ID to echo in a message about a shard the
// client named: its AWS form when it names a shard index (AWS writes
// shardId-000000000005 for "shardId-5", "shard-5" or "5"), else the ID as
// sent, as AWS echoes one that names none.
func canonicalShardID(id string) string {
	if ix, ok := ParseShardID(id); ok {
		return ShardID(ix)
	}
	return id
}
