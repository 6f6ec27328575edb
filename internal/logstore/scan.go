package logstore

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"

	"sluice/internal/vfs"
)

// Scanning a segment at recovery, and where an index block is damaged.
//
// A segment holds entries back to back with no sync markers, so after a
// damaged entry the scanner looks for the earliest offset where an intact
// entry starts that may follow what was read before. Damage followed by
// such an entry is a hole: it is skipped and the entries after it are kept.
// Damage with nothing valid after it is a torn tail, the bytes of a write
// that never completed: the segment ends there.
//
// A record's data could itself hold the bytes of an intact entry; if the
// entry around it is damaged, the scan takes that one as real. That needs
// damage at that very entry, and costs at most the records behind it in
// their shard; the alternative, ending at the first damage, costs every
// record after it in every shard.

// hole is a damaged range of a segment, followed by intact entries.
type hole struct {
	off, end int64
}

// entryCheck decides whether an intact entry may follow the entries taken
// before it (ok, with no side effect) and records one that was taken (take).
type entryCheck interface {
	ok(h entryHeader, e entryMeta) bool
	take(h entryHeader, e entryMeta)
}

// scanSegment reads the entries of f between off and size and calls
// check.take for each intact, acceptable one, in file order. It returns the
// offset just past the last one taken (the segment's valid size) and the
// holes skipped before it. At damage whose header still parses, it calls
// damaged with that header, so that counters it claims are never reused.
// Only I/O errors, and an intact entry of a newer format version, are
// errors.
func scanSegment(f vfs.File, off, size int64, check entryCheck, damaged func(h entryHeader)) (int64, []hole, error) {
	r := segReader{f: f, size: size}
	var holes []hole
	end := off
	for off+entryHeaderSize <= size {
		h, e, ok, err := r.entryAt(off, check)
		if err != nil {
			return end, holes, err
		}
		if ok {
			check.take(h, e)
			off += h.size()
			end = off
			continue
		}
		if err := checkNewerEntry(&r, off); err != nil {
			return end, holes, err
		}
		claimed, parsed := r.header(off)
		if parsed && damaged != nil {
			damaged(claimed)
		}
		next, found, err := r.resync(off, check)
		if err != nil {
			return end, holes, err
		}
		if !found {
			break // a torn tail
		}
		holes = append(holes, hole{off: off, end: next})
		off = next
	}
	return end, holes, nil
}

// entryAt decodes the entry at off and reports whether it is intact and
// acceptable to check.
func (r *segReader) entryAt(off int64, check entryCheck) (entryHeader, entryMeta, bool, error) {
	h, ok := r.header(off)
	if !ok || h.size() > r.size-off {
		return h, entryMeta{}, false, nil
	}
	b, err := r.at(off, int(h.size()))
	if err != nil {
		return h, entryMeta{}, false, err
	}
	if _, _, err := decodeEntry(b); err != nil {
		return h, entryMeta{}, false, nil
	}
	e := entryMeta{first: h.first, arrival: h.arrival, off: off, count: h.count, length: uint32(h.size())}
	return h, e, check.ok(h, e), nil
}

// header parses the entry header at off, if one fits and is sane.
func (r *segReader) header(off int64) (entryHeader, bool) {
	if off+entryHeaderSize > r.size {
		return entryHeader{}, false
	}
	hb, err := r.at(off, entryHeaderSize)
	if err != nil {
		return entryHeader{}, false
	}
	h, err := parseHeader(hb)
	return h, err == nil
}

// resync finds the first offset after the damaged entry at off where an
// intact, acceptable entry starts. It tries every byte rather than jumping
// to where the damaged header says its entry ends: that header may be the
// damaged part, and the earliest intact entry is the same however much is
// appended later, so a second recovery keeps what the first one kept.
func (r *segReader) resync(off int64, check entryCheck) (int64, bool, error) {
	for p := off + 1; p+entryHeaderSize <= r.size; p++ {
		_, _, ok, err := r.entryAt(p, check)
		if err != nil || ok {
			return p, ok, err
		}
	}
	return 0, false, nil
}

// checkNewerEntry returns ErrUnsupportedVersion if the entry at off has a
// version newer than this code and an intact checksum: a downgrade must not
// truncate data a newer version wrote. (Every version keeps the checksum and
// the payload length where version 1 has them.)
func checkNewerEntry(r *segReader, off int64) error {
	if off+entryHeaderSize > r.size {
		return nil
	}
	hb, err := r.at(off, entryHeaderSize)
	if err != nil || hb[4] <= entryVersion {
		return err
	}
	payload := int64(binary.LittleEndian.Uint32(hb[32:]))
	if payload > decodeMaxPayload || entryHeaderSize+payload > r.size-off {
		return nil
	}
	want := binary.LittleEndian.Uint32(hb)
	b, err := r.at(off, entryHeaderSize+int(payload))
	if err != nil {
		return err
	}
	if crc32.Checksum(b[4:], castagnoli) == want {
		return fmt.Errorf("%w: entry version %d at offset %d", ErrUnsupportedVersion, b[4], off)
	}
	return nil
}

// segReader reads a file sequentially through a window buffer.
type segReader struct {
	f    vfs.File
	size int64
	buf  []byte
	off  int64 // file offset of buf[0]
}

const scanWindow = 1 << 20

// at returns n bytes at off; off+n must not exceed r.size. The result is
// valid until the next call.
func (r *segReader) at(off int64, n int) ([]byte, error) {
	if off >= r.off && off+int64(n) <= r.off+int64(len(r.buf)) {
		return r.buf[off-r.off:][:n], nil
	}
	want := int64(max(n, scanWindow))
	want = min(want, r.size-off)
	if int64(cap(r.buf)) < want {
		r.buf = make([]byte, want)
	}
	r.buf = r.buf[:want]
	if err := readFull(r.f, r.buf, off); err != nil {
		r.buf = r.buf[:0]
		return nil, err
	}
	r.off = off
	return r.buf[:n], nil
}
