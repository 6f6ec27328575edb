package logstore

import (
	"encoding/binary"
	"errors"
	"hash/crc32"
)

// Entry framing. See the package doc for the diagram.
const (
	entryVersion    = 1
	entryHeaderSize = 36

	// Limits of what the writer puts in one entry; a Batch larger than this
	// is written as several entries.
	maxEntryRecords = 500
	maxEntryPayload = 16 << 20

	// Sanity limits when decoding, looser than the writer's, so that a
	// future writer may use larger entries without a format change while a
	// corrupt length still cannot make us allocate without bound.
	decodeMaxRecords = 1 << 16
	decodeMaxPayload = 64 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// errBadEntry reports bytes that are not a valid entry: a torn write,
// corruption, or not a segment at all.
var errBadEntry = errors.New("invalid entry")

// entryHeader is the decoded fixed header of an entry.
type entryHeader struct {
	shard      uint32
	first      uint64
	count      uint32
	arrival    int64
	payloadLen uint32
}

// size is the entry's total length on disk.
func (h entryHeader) size() int64 { return entryHeaderSize + int64(h.payloadLen) }

// last is the counter of the entry's last record.
func (h entryHeader) last() uint64 { return h.first + uint64(h.count) - 1 }

// recordSize is the encoded size of one record in a payload.
func recordSize(r Record) int {
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

// appendEntry appends the entry holding recs, whose payload is payloadLen
// bytes (the sum of recordSize), to dst.
func appendEntry(dst []byte, shard uint32, first uint64, arrival int64, recs []Record, payloadLen int) []byte {
	start := len(dst)
	total := entryHeaderSize + payloadLen
	if cap(dst)-start < total {
		grown := make([]byte, start, start+total+(start+total)/4)
		copy(grown, dst)
		dst = grown
	}
	dst = dst[:start+entryHeaderSize]
	h := dst[start:]
	h[4] = entryVersion
	h[5] = 0 // flags
	binary.LittleEndian.PutUint16(h[6:], 0)
	binary.LittleEndian.PutUint32(h[8:], shard)
	binary.LittleEndian.PutUint64(h[12:], first)
	binary.LittleEndian.PutUint32(h[20:], uint32(len(recs)))
	binary.LittleEndian.PutUint64(h[24:], uint64(arrival))
	binary.LittleEndian.PutUint32(h[32:], uint32(payloadLen))
	for _, r := range recs {
		dst = binary.AppendUvarint(dst, uint64(len(r.PartitionKey)))
		dst = append(dst, r.PartitionKey...)
		dst = binary.AppendUvarint(dst, uint64(len(r.Data)))
		dst = append(dst, r.Data...)
	}
	binary.LittleEndian.PutUint32(dst[start:], crc32.Checksum(dst[start+4:], castagnoli))
	return dst
}

// parseHeader decodes and sanity-checks an entry header from the first
// entryHeaderSize bytes of b. It does not verify the checksum.
func parseHeader(b []byte) (entryHeader, error) {
	if len(b) < entryHeaderSize {
		return entryHeader{}, errBadEntry
	}
	if b[4] != entryVersion || b[5] != 0 || binary.LittleEndian.Uint16(b[6:]) != 0 {
		return entryHeader{}, errBadEntry
	}
	h := entryHeader{
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
		return h, nil
	}
	return entryHeader{}, errBadEntry
}

// maxCounter bounds counters so that they fit the 16 hex digits, top bit
// clear, of a Kinesis sequence number.
const maxCounter = 1<<63 - 1

// decodeEntry checks that b starts with a complete, intact entry and returns
// its header and payload.
func decodeEntry(b []byte) (entryHeader, []byte, error) {
	h, err := parseHeader(b)
	if err != nil {
		return h, nil, err
	}
	if int64(len(b)) < h.size() {
		return h, nil, errBadEntry
	}
	b = b[:h.size()]
	if crc32.Checksum(b[4:], castagnoli) != binary.LittleEndian.Uint32(b) {
		return h, nil, errBadEntry
	}
	payload := b[entryHeaderSize:]
	if err := walkRecords(payload, h.count, nil); err != nil {
		return h, nil, err
	}
	return h, payload, nil
}

// walkRecords checks that payload holds exactly count records and calls fn,
// if not nil, for each.
func walkRecords(payload []byte, count uint32, fn func(i int, key, data []byte)) error {
	for i := range int(count) {
		key, rest, ok := cutField(payload)
		if !ok {
			return errBadEntry
		}
		data, rest, ok := cutField(rest)
		if !ok {
			return errBadEntry
		}
		if fn != nil {
			fn(i, key, data)
		}
		payload = rest
	}
	if len(payload) != 0 {
		return errBadEntry
	}
	return nil
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
