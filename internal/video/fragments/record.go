package fragments

import (
	"encoding/binary"
	"errors"
)

// The index record (shard 1), version 1: a version byte, then unsigned
// and signed varints.
//
//	version    1 byte = 1
//	seq        uvarint  the fragment number's sequence
//	media      uvarint  shard-0 counter of the first media record
//	parts      uvarint  media records (1..maxParts)
//	size       uvarint  bytes of the Cluster (the media records' total)
//	header     uvarint  shard-2 counter of the header record
//	producer   varint   producer timestamp, Unix milliseconds
//	server     varint   server timestamp, Unix milliseconds
//	duration   uvarint  milliseconds
//	timecode   varint   the cluster's timecode, in ticks, as sent
//
// Bytes after the last field are ignored, so that a later version may add
// fields behind these ones; a record with another version byte is skipped
// at load (and reported).
const (
	recordVersion = 1
	maxParts      = 64
	maxSize       = 1 << 30
)

var errBadRecord = errors.New("fragments: malformed index record")

// indexRecord is what an index record holds.
type indexRecord struct {
	seq        uint64
	media      uint64
	parts      uint32
	size       int64
	header     uint64
	producerMs int64
	serverMs   int64
	durationMs int64
	timecode   int64
}

func (r *indexRecord) append(b []byte) []byte {
	b = append(b, recordVersion)
	b = binary.AppendUvarint(b, r.seq)
	b = binary.AppendUvarint(b, r.media)
	b = binary.AppendUvarint(b, uint64(r.parts))
	b = binary.AppendUvarint(b, uint64(r.size))
	b = binary.AppendUvarint(b, r.header)
	b = binary.AppendVarint(b, r.producerMs)
	b = binary.AppendVarint(b, r.serverMs)
	b = binary.AppendUvarint(b, uint64(r.durationMs))
	b = binary.AppendVarint(b, r.timecode)
	return b
}

// parseRecord decodes an index record. It never panics; anything but a
// well-formed version-1 record is errBadRecord.
func parseRecord(b []byte) (indexRecord, error) {
	var r indexRecord
	if len(b) == 0 || b[0] != recordVersion {
		return r, errBadRecord
	}
	p := parser{b: b[1:]}
	r.seq = p.uvarint()
	r.media = p.uvarint()
	parts := p.uvarint()
	size := p.uvarint()
	r.header = p.uvarint()
	r.producerMs = p.varint()
	r.serverMs = p.varint()
	dur := p.uvarint()
	r.timecode = p.varint()
	if p.bad || parts == 0 || parts > maxParts || size > maxSize || size < parts || dur > 1<<40 ||
		r.seq == 0 || r.media == 0 || r.header == 0 {
		return indexRecord{}, errBadRecord
	}
	r.parts, r.size, r.durationMs = uint32(parts), int64(size), int64(dur)
	return r, nil
}

type parser struct {
	b   []byte
	bad bool
}

func (p *parser) uvarint() uint64 {
	v, n := binary.Uvarint(p.b)
	if n <= 0 {
		p.bad = true
		p.b = nil
		return 0
	}
	p.b = p.b[n:]
	return v
}

func (p *parser) varint() int64 {
	v, n := binary.Varint(p.b)
	if n <= 0 {
		p.bad = true
		p.b = nil
		return 0
	}
	p.b = p.b[n:]
	return v
}
