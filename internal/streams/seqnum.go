package streams

import (
	"math/big"
	"math/bits"
	"strconv"
)

// Sequence numbers follow the 56-digit layout AWS issues (version 2, as
// reverse-engineered by kinesalite and observed on real streams). In hex the
// number has 47 digits:
//
//	2 | shard creation, epoch s (9) | shard index & 0xf (1) | counter (16) | 00 | arrival, epoch s (9) | shard index (8) | 2
//
// Within a shard the creation time and index are fixed, so sequence numbers
// order by the per-shard counter, which the log makes dense and strictly
// increasing. The number also tells which shard (and, through the shard's
// creation time, which stream) it came from.
type SeqNum struct {
	ShardCreated int64  // epoch seconds
	ShardIndex   uint32 // at most MaxShardIndex
	Counter      uint64 // per-shard record counter, < 2^63
	Arrival      int64  // epoch seconds
}

// MaxCounter is the largest counter a sequence number can carry; closed
// shards end with it.
const MaxCounter = 1<<63 - 1

// String renders the sequence number in decimal.
func (s SeqNum) String() string {
	var buf [64]byte // 57 digits at most
	return string(s.Append(buf[:0]))
}

// Append appends the decimal sequence number to dst.
func (s SeqNum) Append(dst []byte) []byte {
	var n uint192
	n.appendHex(2, 1)
	n.appendHex(uint64(s.ShardCreated)&0xfffffffff, 9)
	n.appendHex(uint64(s.ShardIndex)&0xf, 1)
	n.appendHex(s.Counter, 16)
	n.appendHex(0, 2)
	n.appendHex(uint64(s.Arrival)&0xfffffffff, 9)
	n.appendHex(uint64(s.ShardIndex), 8)
	n.appendHex(2, 1)
	return n.appendDecimal(dst)
}

// ParseSeqNum reads a sequence number issued by Sluice. ok is false for
// anything that is not a well-formed version-2 sequence number.
func ParseSeqNum(s string) (SeqNum, bool) {
	if len(s) == 0 || len(s) > 130 {
		return SeqNum{}, false
	}
	b, good := new(big.Int).SetString(s, 10)
	if !good || b.Sign() <= 0 {
		return SeqNum{}, false
	}
	hex := b.Text(16)
	if len(hex) != 47 || hex[0] != '2' || hex[46] != '2' || hex[27:29] != "00" {
		return SeqNum{}, false
	}
	field := func(from, to int) uint64 {
		var v uint64
		for _, c := range hex[from:to] {
			v <<= 4
			switch {
			case c >= '0' && c <= '9':
				v |= uint64(c - '0')
			default:
				v |= uint64(c-'a') + 10
			}
		}
		return v
	}
	counter := field(11, 27)
	index := field(38, 46)
	if counter > MaxCounter || index > MaxShardIndex || field(10, 11) != index&0xf {
		return SeqNum{}, false
	}
	return SeqNum{
		ShardCreated: int64(field(1, 10)),
		ShardIndex:   uint32(index),
		Counter:      counter,
		Arrival:      int64(field(29, 38)),
	}, true
}

// uint192 is just wide enough for the 188-bit sequence number.
type uint192 [3]uint64 // most significant first

func (n *uint192) appendHex(v uint64, digits int) {
	shift := uint(4 * digits)
	n[0] = n[0]<<shift | n[1]>>(64-shift)
	n[1] = n[1]<<shift | n[2]>>(64-shift)
	n[2] = n[2]<<shift | v&(1<<shift-1)
}

// appendDecimal converts to base 10 by repeated division by 10^19.
func (n uint192) appendDecimal(buf []byte) []byte {
	const chunk = 10000000000000000000 // 10^19
	var parts [4]uint64
	k := 0
	for n[0] != 0 || n[1] != 0 || n[2] != 0 {
		var rem uint64
		for i := range n {
			n[i], rem = bits.Div64(rem, n[i], chunk)
		}
		parts[k] = rem
		k++
	}
	if k == 0 {
		return append(buf, '0')
	}
	buf = strconv.AppendUint(buf, parts[k-1], 10)
	var tmp [20]byte
	for i := k - 2; i >= 0; i-- {
		d := strconv.AppendUint(tmp[:0], parts[i], 10)
		for range 19 - len(d) {
			buf = append(buf, '0')
		}
		buf = append(buf, d...)
	}
	return buf
}

// SeqNumWriter appends the sequence numbers of a run of records, such as a
// GetRecords page, where each is usually the one before plus one. It keeps
// the last number's decimal digits and, for the next counter with the same
// shard and arrival second, adds 2^80 (the counter's place) to them digit
// by digit instead of dividing 188 bits down to decimal again. The zero
// value is ready to use.
type SeqNumWriter struct {
	last   SeqNum
	digits [64]byte
	n      int // len of digits in use; 0 before the first number
}

// counterUnit is 2^80 in decimal: one step of the counter, whose field sits
// 20 hex digits from the right of the number.
const counterUnit = "1208925819614629174706176"

// Append appends s in decimal to dst, like s.Append.
func (w *SeqNumWriter) Append(dst []byte, s SeqNum) []byte {
	l := w.last
	if w.n == 0 || s.Counter != l.Counter+1 || s.ShardCreated != l.ShardCreated || s.ShardIndex != l.ShardIndex ||
		s.Arrival != l.Arrival {
		w.n = len(s.Append(w.digits[:0]))
	} else {
		w.n = addDecimal(&w.digits, w.n, counterUnit)
	}
	w.last = s
	return append(dst, w.digits[:w.n]...)
}

// addDecimal adds the decimal number add to the n digits in d and returns
// the new digit count. add is shorter than the number, which is above
// 2^184 here, so the sum fits.
func addDecimal(d *[64]byte, n int, add string) int {
	carry := byte(0)
	i, j := n-1, len(add)-1
	for ; j >= 0; i, j = i-1, j-1 {
		v := d[i] - '0' + add[j] - '0' + carry // 0..19
		carry = v / 10                         // no branch: carries are as likely as not
		d[i] = '0' + v - 10*carry
	}
	for ; i >= 0 && carry != 0; i-- {
		if d[i] == '9' {
			d[i] = '0'
		} else {
			d[i]++
			carry = 0
		}
	}
	if carry != 0 { // a new leading digit
		copy(d[1:n+1], d[:n])
		d[0] = '1'
		n++
	}
	return n
}
