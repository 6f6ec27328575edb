package logstore

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"sluice/internal/vfs"
)

// recover loads the log directory into l: see "Recovery" in the package doc.
// It runs before the writer goroutine starts.
func (l *Log) recover() error {
	if err := l.fs.MkdirAll(l.dir, 0o755); err != nil {
		return err
	}
	// The directory's own entry must be durable before anything in it is.
	if err := l.fs.SyncDir(filepath.Dir(l.dir)); err != nil {
		return err
	}
	names, err := l.fs.List(l.dir)
	if err != nil {
		return err
	}
	var logs []uint64
	idxs := map[uint64]bool{}
	var junk []string
	for _, name := range names {
		if n, ok := parseNumbered(name, logSuffix); ok {
			logs = append(logs, n)
		} else if n, ok := parseNumbered(name, indexSuffix); ok {
			idxs[n] = true
		} else if strings.HasSuffix(name, tmpSuffix) {
			junk = append(junk, name)
		} else if name != stateName {
			l.logger.Warn("ignoring unknown file", "name", name)
		}
	}
	slices.Sort(logs)
	for n := range idxs {
		if _, found := slices.BinarySearch(logs, n); !found {
			// Expire removed the segment and crashed before its index.
			junk = append(junk, indexName(n))
		}
	}
	for _, name := range junk {
		if err := l.fs.Remove(filepath.Join(l.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if len(junk) > 0 {
		if err := l.fs.SyncDir(l.dir); err != nil {
			return err
		}
	}
	st, err := readState(l.fs, l.dir)
	if err != nil {
		return err
	}

	sc := scanState{expect: map[uint32]uint64{}}
	for i, num := range logs {
		seg, err := l.loadSegment(num, idxs[num], i == len(logs)-1, &sc)
		if err != nil {
			return fmt.Errorf("segment %d: %w", num, err)
		}
		l.segs = append(l.segs, seg)
	}
	l.nextSegNum = st.lastSegment + 1
	if len(logs) > 0 {
		l.nextSegNum = max(l.nextSegNum, logs[len(logs)-1]+1)
	}
	if len(l.segs) == 0 {
		seg, err := l.createSegment(l.nextSegNum)
		if err != nil {
			return err
		}
		l.nextSegNum++
		l.segs = append(l.segs, seg)
	}
	l.active = l.segs[len(l.segs)-1]
	l.w.off = l.active.size

	for _, seg := range l.segs {
		for _, s := range sortedShards(seg.shards) {
			sh := seg.shards[s]
			ss := l.shardLocked(s)
			ss.segs = append(ss.segs, sh)
			ss.next = max(ss.next, sh.sum.last+1)
			ss.lastArrival = max(ss.lastArrival, sh.sum.maxArrival)
		}
		l.lastArrival = max(l.lastArrival, seg.maxArrival)
	}
	for s, m := range st.shards {
		ss := l.shardLocked(s)
		ss.next = max(ss.next, m.next)
		ss.lastArrival = max(ss.lastArrival, m.lastArrival)
	}
	l.lastArrival = max(l.lastArrival, st.lastArrival)
	l.w.next = make(map[uint32]uint64, len(l.shards))
	for s, ss := range l.shards {
		l.w.next[s] = ss.next
	}
	l.w.lastArrival = l.lastArrival
	return nil
}

// scanState carries, from one segment to the next, what later entries must
// respect: per shard the lowest acceptable first counter, and the lowest
// acceptable arrival.
type scanState struct {
	expect      map[uint32]uint64
	lastArrival int64
}

// accept reports whether an entry may follow the ones seen, and records it.
func (sc *scanState) accept(shard uint32, e entryMeta) bool {
	if e.first < sc.expect[shard] || e.arrival < sc.lastArrival {
		return false
	}
	sc.expect[shard] = e.last() + 1
	sc.lastArrival = e.arrival
	return true
}

// loadSegment loads segment num. A sealed segment with a complete index costs
// one read of the index's summary table; the last segment, or one whose
// index is missing, stale or corrupt, is read from its index and scanned
// past it, and its torn tail is truncated.
func (l *Log) loadSegment(num uint64, hasIdx, last bool, sc *scanState) (*segment, error) {
	seg := newSegment(l.dir, num)
	info, err := l.fs.Stat(seg.path)
	if err != nil {
		return nil, err
	}
	size := info.Size()

	var ix *indexFile
	if hasIdx {
		ix, err = l.loadIndex(seg, size, last)
		if err != nil {
			return nil, err
		}
	}
	if ix != nil && !last && ix.covered == size {
		// Sealed and fully indexed: summaries only, no data read.
		seg.sealed = true
		seg.size = size
		for i, s := range ix.shards {
			sum := ix.sums[i]
			seg.shards[s] = &segShard{seg: seg, shard: s, sum: sum}
			sc.expect[s] = max(sc.expect[s], sum.last+1)
			sc.lastArrival = max(sc.lastArrival, sum.maxArrival)
			seg.entries += int(sum.entries)
			if i == 0 || sum.minArrival < seg.minArrival {
				seg.minArrival = sum.minArrival
			}
			seg.maxArrival = max(seg.maxArrival, sum.maxArrival)
		}
		if info, err := l.fs.Stat(seg.idxPath); err == nil {
			seg.idxBytes = info.Size()
		}
		return seg, nil
	}

	f, err := l.fs.OpenReadWrite(seg.path)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
		}
	}()

	// Entries in file order: from the index, then from the scan.
	type located struct {
		shard uint32
		e     entryMeta
	}
	var found []located
	start := int64(0)
	if ix != nil {
		for i, s := range ix.shards {
			for _, e := range ix.entries[i] {
				found = append(found, located{s, e})
			}
		}
		slices.SortFunc(found, func(a, b located) int { return cmp.Compare(a.e.off, b.e.off) })
		saved := scanState{expect: maps.Clone(sc.expect), lastArrival: sc.lastArrival}
		for _, x := range found {
			if !sc.accept(x.shard, x.e) {
				l.logger.Warn("ignoring index out of order with earlier segments, rescanning", "segment", num)
				*sc, found = saved, nil
				break
			}
		}
		if found != nil {
			start = ix.covered
		}
	}
	end, err := scanEntries(f, start, size, func(h entryHeader, e entryMeta) bool {
		if !sc.accept(h.shard, e) {
			return false
		}
		found = append(found, located{h.shard, e})
		return true
	})
	if err != nil {
		return nil, err
	}
	if end < size {
		l.logger.Warn("truncating torn or corrupt segment tail", "segment", num, "valid", end, "size", size)
		if err := f.Truncate(end); err != nil {
			return nil, err
		}
		if err := f.Sync(); err != nil {
			return nil, err
		}
	}
	for _, x := range found {
		seg.addEntry(x.shard, x.e)
	}
	seg.size = end
	if last {
		l.files.setActive(seg, f)
		ok = true
		return seg, nil
	}
	// An unindexed sealed segment (a crash, or a lost index): index it now.
	if err := l.writeIndex(seg, end); err != nil {
		return nil, err
	}
	seg.sealed = true
	for _, sh := range seg.shards {
		sh.entries = nil
	}
	return seg, nil
}

// loadIndex reads seg's index file, in full if full is set. It returns nil,
// nil when the index is unusable (corrupt, from another segment, describing
// more than the segment holds): the caller then scans the segment.
func (l *Log) loadIndex(seg *segment, size int64, full bool) (*indexFile, error) {
	ix, err := readIndex(l.fs, seg.idxPath, full)
	if err == nil && (ix.segment != seg.num || ix.covered > size) {
		err = fmt.Errorf("%w: index %s does not match its segment", ErrCorrupt, seg.idxPath)
	}
	if err == nil && !full && ix.covered < size {
		// Needs scanning past the index: read it all.
		return l.loadIndex(seg, size, true)
	}
	if errors.Is(err, ErrCorrupt) || errors.Is(err, ErrUnsupportedVersion) {
		l.logger.Warn("ignoring index, rescanning segment", "segment", seg.num, "err", err)
		return nil, nil
	}
	return ix, err
}

// scanEntries reads the entries of f from off to size, calling fn for each
// intact one, and returns the offset just past the last one accepted. It
// stops at the first incomplete or invalid entry, or when fn returns false;
// only I/O errors are errors.
func scanEntries(f vfs.File, off, size int64, fn func(h entryHeader, e entryMeta) bool) (int64, error) {
	r := segReader{f: f, size: size}
	for off+entryHeaderSize <= size {
		hb, err := r.at(off, entryHeaderSize)
		if err != nil {
			return off, err
		}
		h, err := parseHeader(hb)
		if err != nil {
			if err := checkNewerEntry(&r, off); err != nil {
				return off, err
			}
			break
		}
		if h.size() > size-off {
			break
		}
		b, err := r.at(off, int(h.size()))
		if err != nil {
			return off, err
		}
		if _, _, err := decodeEntry(b); err != nil {
			break
		}
		e := entryMeta{first: h.first, arrival: h.arrival, off: off, count: h.count, length: uint32(h.size())}
		if !fn(h, e) {
			break
		}
		off += h.size()
	}
	return off, nil
}

// checkNewerEntry returns ErrUnsupportedVersion if the entry at off has a
// version newer than this code and an intact checksum: a downgrade must not
// truncate data a newer version wrote. (Every version keeps the checksum and
// the payload length where version 1 has them.)
func checkNewerEntry(r *segReader, off int64) error {
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
