package cluster

import (
	"encoding/binary"
	"errors"
	"hash/crc32"

	"sluice/internal/storage"
)

// Object and frame layout; see the package doc for the diagram.
const (
	objectMagic      = "SLCO"
	objectVersion    = 1
	objectHeaderSize = 8

	frameVersion    = 1
	frameHeaderSize = 36

	// What the writer puts in one frame; a larger batch takes several.
	maxFrameRecords = 500
	maxFramePayload = 16 << 20

	// Sanity bounds when decoding, looser than the writer's, so that a
	// corrupt length cannot make a reader allocate without bound.
	decodeMaxRecords = 1 << 16
	decodeMaxPayload = 64 << 20

	// maxCounter keeps counters within the 16 hex digits, top bit clear,
	// of a Kinesis sequence number.
	maxCounter = 1<<63 - 1
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var errBadObject = errors.New("cluster: not an object of this backend (bad header)")

// frameHeader is the decoded fixed header of a frame.
type frameHeader struct {
	shard      uint32
	first      uint64
	count      uint32
	arrival    int64
	payloadLen uint32
}

func (h frameHeader) size() int    { return frameHeaderSize + int(h.payloadLen) }
func (h frameHeader) last() uint64 { return h.first + uint64(h.count) - 1 }

// appendObjectHeader starts an object.
func appendObjectHeader(dst []byte) []byte {
	dst = append(dst, objectMagic...)
	dst = binary.LittleEndian.AppendUint16(dst, objectVersion)
	return binary.LittleEndian.AppendUint16(dst, 0)
}

// checkObjectHeader checks that b starts like an object of this format.
func checkObjectHeader(b []byte) error {
	if len(b) < objectHeaderSize || string(b[:4]) != objectMagic ||
		binary.LittleEndian.Uint16(b[4:]) != objectVersion || binary.LittleEndian.Uint16(b[6:]) != 0 {
		return errBadObject
	}
	return nil
}

// recordSize is the encoded size of one record in a payload.
func recordSize(r storage.Record) int {
	return uvarintLen(uint64(len(r.PartitionKey))) + len(r.PartitionKey) +
		uvarintLen(uint64(len(r.Data))) + len(r.Data)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// appendRecord appends one record of a payload to dst.
func appendRecord(dst []byte, r storage.Record) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(r.PartitionKey)))
	dst = append(dst, r.PartitionKey...)
	dst = binary.AppendUvarint(dst, uint64(len(r.Data)))
	return append(dst, r.Data...)
}

// appendFrame appends the frame of count records, already encoded in
// payload, to dst.
func appendFrame(dst []byte, shard uint32, first uint64, count int, arrival int64, payload []byte) []byte {
	start := len(dst)
	var h [frameHeaderSize]byte
	h[4] = frameVersion
	binary.LittleEndian.PutUint32(h[8:], shard)
	binary.LittleEndian.PutUint64(h[12:], first)
	binary.LittleEndian.PutUint32(h[20:], uint32(count))
	binary.LittleEndian.PutUint64(h[24:], uint64(arrival))
	binary.LittleEndian.PutUint32(h[32:], uint32(len(payload)))
	dst = append(dst, h[:]...)
	dst = append(dst, payload...)
	binary.LittleEndian.PutUint32(dst[start:], crc32.Checksum(dst[start+4:], castagnoli))
	return dst
}

// parseFrameHeader decodes and sanity-checks a frame header at the start
// of b, without the checksum.
func parseFrameHeader(b []byte) (frameHeader, bool) {
	if len(b) < frameHeaderSize || b[4] != frameVersion || b[5] != 0 || b[6] != 0 || b[7] != 0 {
		return frameHeader{}, false
	}
	h := frameHeader{
		shard:      binary.LittleEndian.Uint32(b[8:]),
		first:      binary.LittleEndian.Uint64(b[12:]),
		count:      binary.LittleEndian.Uint32(b[20:]),
		arrival:    int64(binary.LittleEndian.Uint64(b[24:])),
		payloadLen: binary.LittleEndian.Uint32(b[32:]),
	}
	switch {
	case h.count == 0 || h.count > decodeMaxRecords:
	case h.payloadLen > decodeMaxPayload || uint64(h.payloadLen) < 2*uint64(h.count):
	case h.first == 0 || h.first > maxCounter-uint64(h.count):
	case h.arrival < 0:
	default:
		return h, true
	}
	return frameHeader{}, false
}

// decodeFrame checks that b starts with a whole, intact frame and returns
// its header and payload.
func decodeFrame(b []byte) (frameHeader, []byte, bool) {
	h, ok := parseFrameHeader(b)
	if !ok || len(b) < h.size() {
		return frameHeader{}, nil, false
	}
	b = b[:h.size()]
	if crc32.Checksum(b[4:], castagnoli) != binary.LittleEndian.Uint32(b) {
		return frameHeader{}, nil, false
	}
	payload := b[frameHeaderSize:]
	if !walkRecords(payload, h.count, nil) {
		return frameHeader{}, nil, false
	}
	return h, payload, true
}

// walkRecords checks that payload holds exactly count records and calls
// fn, if not nil, for each.
func walkRecords(payload []byte, count uint32, fn func(i int, key, data []byte)) bool {
	for i := range int(count) {
		key, rest, ok := cutField(payload)
		if !ok {
			return false
		}
		data, rest, ok := cutField(rest)
		if !ok {
			return false
		}
		if fn != nil {
			fn(i, key, data)
		}
		payload = rest
	}
	return len(payload) == 0
}

// cutField splits a uvarint-length-prefixed field off b.
func cutField(b []byte) (field, rest []byte, ok bool) {
	n, w := binary.Uvarint(b)
	if w <= 0 || n > uint64(len(b)-w) {
		return nil, nil, false
	}
	end := w + int(n)
	return b[w:end:end], b[end:], true
}

// walkFrames calls fn for each intact frame of b, a run of frames, until fn
// returns false. Bytes that are not an intact frame are reported to bad
// (their offset in b and length) and skipped up to the next offset where
// an intact frame starts, so that damage costs only the frames it hit.
//
// Frames whose records all come before counter from are stepped over by
// their header alone, unchecked, so that a reader deep into a long
// (compacted) run does not checksum everything before its position each
// time; a damaged header there only makes the next frame fail its checks.
func walkFrames(b []byte, from uint64, fn func(off int, h frameHeader, payload []byte) bool, bad func(off, n int)) {
	for off := 0; off < len(b); {
		if h, ok := parseFrameHeader(b[off:]); ok && h.last() < from && off+h.size() <= len(b) {
			off += h.size()
			continue
		}
		h, payload, ok := decodeFrame(b[off:])
		if !ok {
			next := resync(b, off+1)
			bad(off, next-off)
			off = next
			continue
		}
		if !fn(off, h, payload) {
			return
		}
		off += h.size()
	}
}

// resync returns the first offset from off where an intact frame starts,
// or len(b).
func resync(b []byte, off int) int {
	for ; off+frameHeaderSize <= len(b); off++ {
		if _, ok := parseFrameHeader(b[off:]); !ok {
			continue
		}
		if _, _, ok := decodeFrame(b[off:]); ok {
			return off
		}
	}
	return len(b)
}
