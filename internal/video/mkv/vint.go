package mkv

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// unknownSize is the size of an element whose size field has all its value
// bits set (0xFF, 0x7FFF, …, 0x01FFFFFFFFFFFFFF): its end is found by
// reading on.
const unknownSize = math.MaxUint64

// vintLen is the length of a variable-size integer led by b: 1 to 8, or 9
// for the invalid 0x00.
func vintLen(b byte) int { return bits.LeadingZeros8(b) + 1 }

// parseID reads an element ID (1 to 4 bytes, marker kept) from the start of
// b. n is 0 if b is too short, -1 if the ID is invalid.
func parseID(b []byte) (id uint32, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	n = vintLen(b[0])
	if n > 4 {
		return 0, -1
	}
	if len(b) < n {
		return 0, 0
	}
	for _, c := range b[:n] {
		id = id<<8 | uint32(c)
	}
	return id, n
}

// parseVint reads a variable-size integer (1 to 8 bytes, marker removed)
// from the start of b. It returns unknownSize for the all-ones values. n is
// 0 if b is too short, -1 if the integer is invalid.
func parseVint(b []byte) (v uint64, n int) {
	if len(b) == 0 {
		return 0, 0
	}
	n = vintLen(b[0])
	if n > 8 {
		return 0, -1
	}
	if len(b) < n {
		return 0, 0
	}
	v = uint64(b[0]) & (0xFF >> n)
	for _, c := range b[1:n] {
		v = v<<8 | uint64(c)
	}
	if v == 1<<(7*n)-1 {
		return unknownSize, n
	}
	return v, n
}

// parseHead reads an element's ID and size from the start of b. n is 0 if b
// is too short, -1 if the head is invalid.
func parseHead(b []byte) (id uint32, size uint64, n int) {
	id, k := parseID(b)
	if k <= 0 {
		return 0, 0, k
	}
	size, m := parseVint(b[k:])
	if m <= 0 {
		return 0, 0, m
	}
	return id, size, k + m
}

// idLen is the encoded length of an element ID.
func idLen(id uint32) int {
	switch {
	case id < 1<<8:
		return 1
	case id < 1<<16:
		return 2
	case id < 1<<24:
		return 3
	}
	return 4
}

// appendID appends an element ID.
func appendID(dst []byte, id uint32) []byte {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], id)
	return append(dst, b[4-idLen(id):]...)
}

// sizeLen is the shortest length that encodes v as a known size (the
// all-ones value of each length means unknown).
func sizeLen(v uint64) int {
	n := 1
	for n < 8 && v >= 1<<(7*n)-1 {
		n++
	}
	return n
}

// appendSize appends v as a known element size in its shortest form.
func appendSize(dst []byte, v uint64) []byte {
	n := sizeLen(v)
	v |= 1 << (7 * n) // the length marker
	for i := n - 1; i >= 0; i-- {
		dst = append(dst, byte(v>>(8*i)))
	}
	return dst
}

// unknownSizeBytes is the 8-byte unknown size that GetMedia's headers give
// their Segment (what ffmpeg's -live 1 writes too).
var unknownSizeBytes = [8]byte{0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF}

// readUint decodes an EBML unsigned integer of 0 to 8 bytes.
func readUint(b []byte) (uint64, bool) {
	if len(b) > 8 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		v = v<<8 | uint64(c)
	}
	return v, true
}

// readInt decodes an EBML signed integer of 0 to 8 bytes.
func readInt(b []byte) (int64, bool) {
	if len(b) > 8 {
		return 0, false
	}
	if len(b) == 0 {
		return 0, true
	}
	v := int64(int8(b[0]))
	for _, c := range b[1:] {
		v = v<<8 | int64(c)
	}
	return v, true
}

// readFloat decodes an EBML float of 0, 4 or 8 bytes.
func readFloat(b []byte) (float64, bool) {
	switch len(b) {
	case 0:
		return 0, true
	case 4:
		return float64(math.Float32frombits(binary.BigEndian.Uint32(b))), true
	case 8:
		return math.Float64frombits(binary.BigEndian.Uint64(b)), true
	}
	return 0, false
}

// readString decodes an EBML string, dropping the zero padding it may end
// with.
func readString(b []byte) string {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	return string(b)
}
