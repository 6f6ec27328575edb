package logstore

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"slices"

	"sluice/internal/vfs"
)

// entryMeta locates one entry of a shard in a segment.
type entryMeta struct {
	first   uint64
	arrival int64
	off     int64
	count   uint32
	length  uint32
}

func (e entryMeta) last() uint64 { return e.first + uint64(e.count) - 1 }

// shardSummary describes a shard's entries in one segment.
type shardSummary struct {
	first, last            uint64 // counters, inclusive
	minArrival, maxArrival int64
	entries                uint32
	// Where the shard's entries are in a sealed segment's index file.
	idxOff int64
	idxCRC uint32
}

// add extends s with entry e, which follows every entry already in s.
func (s *shardSummary) add(e entryMeta) {
	if s.entries == 0 {
		s.first = e.first
		s.minArrival = e.arrival
	}
	s.last = e.last()
	s.maxArrival = e.arrival
	s.entries++
}

// Index file layout. See the package doc for the diagram.
const (
	indexMagic       = "SLIX"
	indexVersion     = 1
	indexHeaderSize  = 32
	indexSummarySize = 56
	indexEntrySize   = 32
)

// indexFile is a decoded index file. entries is nil when only the summaries
// were read.
type indexFile struct {
	segment uint64
	covered int64 // bytes of the segment that the index describes
	shards  []uint32
	sums    []shardSummary
	entries [][]entryMeta
}

// encodeIndex builds the index file of a segment whose first covered bytes
// hold the given shards' entries. It fills in each summary's idxOff and
// idxCRC.
func encodeIndex(segment uint64, covered int64, shards []uint32, sums []shardSummary, entries [][]entryMeta) []byte {
	total := 0
	for _, e := range entries {
		total += len(e)
	}
	tableEnd := indexHeaderSize + len(shards)*indexSummarySize + 4
	b := make([]byte, tableEnd, tableEnd+total*indexEntrySize)
	copy(b, indexMagic)
	binary.LittleEndian.PutUint16(b[4:], indexVersion)
	binary.LittleEndian.PutUint64(b[8:], segment)
	binary.LittleEndian.PutUint64(b[16:], uint64(covered))
	binary.LittleEndian.PutUint32(b[24:], uint32(len(shards)))
	binary.LittleEndian.PutUint32(b[28:], uint32(total))
	for i, shard := range shards {
		start := len(b)
		for _, e := range entries[i] {
			b = binary.LittleEndian.AppendUint64(b, e.first)
			b = binary.LittleEndian.AppendUint32(b, e.count)
			b = binary.LittleEndian.AppendUint32(b, e.length)
			b = binary.LittleEndian.AppendUint64(b, uint64(e.arrival))
			b = binary.LittleEndian.AppendUint64(b, uint64(e.off))
		}
		sums[i].idxOff = int64(start)
		sums[i].idxCRC = crc32.Checksum(b[start:], castagnoli)
		s := b[indexHeaderSize+i*indexSummarySize:]
		binary.LittleEndian.PutUint32(s[0:], shard)
		binary.LittleEndian.PutUint32(s[4:], sums[i].entries)
		binary.LittleEndian.PutUint64(s[8:], sums[i].first)
		binary.LittleEndian.PutUint64(s[16:], sums[i].last)
		binary.LittleEndian.PutUint64(s[24:], uint64(sums[i].minArrival))
		binary.LittleEndian.PutUint64(s[32:], uint64(sums[i].maxArrival))
		binary.LittleEndian.PutUint64(s[40:], uint64(sums[i].idxOff))
		binary.LittleEndian.PutUint32(s[48:], sums[i].idxCRC)
	}
	binary.LittleEndian.PutUint32(b[tableEnd-4:], crc32.Checksum(b[:tableEnd-4], castagnoli))
	return b
}

// readIndex reads an index file: its header and summaries, and, if full, every
// entry too. Corruption is reported as ErrCorrupt; I/O errors as they are.
func readIndex(fsys vfs.FS, name string, full bool) (*indexFile, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	size, err := f.Size()
	if err != nil {
		return nil, err
	}
	corrupt := func(what string) error {
		return fmt.Errorf("%w: index %s: %s", ErrCorrupt, name, what)
	}
	if size < indexHeaderSize+4 {
		return nil, corrupt("too short")
	}
	head := make([]byte, indexHeaderSize)
	if err := readFull(f, head, 0); err != nil {
		return nil, err
	}
	if string(head[:4]) != indexMagic {
		return nil, corrupt("bad magic")
	}
	if v := binary.LittleEndian.Uint16(head[4:]); v != indexVersion {
		return nil, fmt.Errorf("%w: index %s has version %d", ErrUnsupportedVersion, name, v)
	}
	nshards := int64(binary.LittleEndian.Uint32(head[24:]))
	tableEnd := indexHeaderSize + nshards*indexSummarySize + 4
	if tableEnd > size {
		return nil, corrupt("summary table past end of file")
	}
	table := make([]byte, tableEnd)
	copy(table, head)
	if err := readFull(f, table[indexHeaderSize:], indexHeaderSize); err != nil {
		return nil, err
	}
	if crc32.Checksum(table[:tableEnd-4], castagnoli) != binary.LittleEndian.Uint32(table[tableEnd-4:]) {
		return nil, corrupt("summary checksum mismatch")
	}
	ix := &indexFile{
		segment: binary.LittleEndian.Uint64(head[8:]),
		covered: int64(binary.LittleEndian.Uint64(head[16:])),
		shards:  make([]uint32, nshards),
		sums:    make([]shardSummary, nshards),
	}
	totalEntries := int64(binary.LittleEndian.Uint32(head[28:]))
	if ix.covered < 0 || tableEnd+totalEntries*indexEntrySize != size {
		return nil, corrupt("sizes do not add up")
	}
	var sum int64
	for i := range ix.shards {
		s := table[indexHeaderSize+i*indexSummarySize:]
		ix.shards[i] = binary.LittleEndian.Uint32(s[0:])
		ix.sums[i] = shardSummary{
			entries:    binary.LittleEndian.Uint32(s[4:]),
			first:      binary.LittleEndian.Uint64(s[8:]),
			last:       binary.LittleEndian.Uint64(s[16:]),
			minArrival: int64(binary.LittleEndian.Uint64(s[24:])),
			maxArrival: int64(binary.LittleEndian.Uint64(s[32:])),
			idxOff:     int64(binary.LittleEndian.Uint64(s[40:])),
			idxCRC:     binary.LittleEndian.Uint32(s[48:]),
		}
		if err := checkSummary(ix.sums[i], size); err != nil {
			return nil, corrupt(err.Error())
		}
		if i > 0 && ix.shards[i] <= ix.shards[i-1] {
			return nil, corrupt("shards out of order")
		}
		sum += int64(ix.sums[i].entries)
	}
	if sum != totalEntries {
		return nil, corrupt("entry count mismatch")
	}
	if !full {
		return ix, nil
	}
	ix.entries = make([][]entryMeta, nshards)
	for i := range ix.shards {
		if ix.entries[i], err = readShardEntries(f, ix.sums[i], ix.covered); err != nil {
			return nil, fmt.Errorf("index %s: %w", name, err)
		}
	}
	return ix, nil
}

func checkSummary(s shardSummary, size int64) error {
	switch {
	case s.entries == 0:
		return fmt.Errorf("empty shard summary")
	case s.first == 0 || s.last < s.first || s.last > maxCounter:
		return fmt.Errorf("bad counters %d..%d", s.first, s.last)
	case s.minArrival < 0 || s.maxArrival < s.minArrival:
		return fmt.Errorf("bad arrivals %d..%d", s.minArrival, s.maxArrival)
	case s.idxOff < indexHeaderSize || s.idxOff > size || int64(s.entries)*indexEntrySize > size-s.idxOff:
		return fmt.Errorf("entries block out of range")
	}
	return nil
}

// readShardEntries reads and checks one shard's entries from an index file
// whose segment is covered bytes long.
func readShardEntries(f vfs.File, s shardSummary, covered int64) ([]entryMeta, error) {
	b := make([]byte, int(s.entries)*indexEntrySize)
	if err := readFull(f, b, s.idxOff); err != nil {
		return nil, err
	}
	if crc32.Checksum(b, castagnoli) != s.idxCRC {
		return nil, fmt.Errorf("%w: shard entries checksum mismatch", ErrCorrupt)
	}
	out := make([]entryMeta, s.entries)
	for i := range out {
		e := b[i*indexEntrySize:]
		out[i] = entryMeta{
			first:   binary.LittleEndian.Uint64(e[0:]),
			count:   binary.LittleEndian.Uint32(e[8:]),
			length:  binary.LittleEndian.Uint32(e[12:]),
			arrival: int64(binary.LittleEndian.Uint64(e[16:])),
			off:     int64(binary.LittleEndian.Uint64(e[24:])),
		}
	}
	if err := checkEntries(out, s, covered); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrCorrupt, err)
	}
	return out, nil
}

// checkEntries checks that one shard's entries agree with each other, with
// their summary and with the segment's size.
func checkEntries(es []entryMeta, s shardSummary, covered int64) error {
	var prev entryMeta
	for i, e := range es {
		switch {
		case e.count == 0 || e.first == 0 || e.first > maxCounter-uint64(e.count):
			return fmt.Errorf("entry %d: bad counters", i)
		case e.length < entryHeaderSize || e.off < 0 || e.off > covered-int64(e.length):
			return fmt.Errorf("entry %d: out of the segment", i)
		case i > 0 && (e.first <= prev.last() || e.arrival < prev.arrival || e.off < prev.off+int64(prev.length)):
			return fmt.Errorf("entry %d: out of order", i)
		}
		prev = e
	}
	if len(es) == 0 || es[0].first != s.first || prev.last() != s.last ||
		es[0].arrival != s.minArrival || prev.arrival != s.maxArrival {
		return fmt.Errorf("entries disagree with their summary")
	}
	return nil
}

// readFull reads len(b) bytes at off.
func readFull(f io.ReaderAt, b []byte, off int64) error {
	n, err := f.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}

// sortedShards returns the keys of m in order.
func sortedShards[V any](m map[uint32]V) []uint32 {
	out := make([]uint32, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
