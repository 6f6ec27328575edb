package logstore

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// recover loads the log directory into l: see "Recovery" in the package doc.
// It runs before the writer goroutine starts.
func (l *Log) recover() error {
	if err := l.fs.MkdirAll(l.dir, 0o700); err != nil {
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
		} else if name != stateName && name != stateCopyName && !slices.Contains(OwnerFiles, name) {
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
	st, err := readStates(l.fs, l.dir, l.logger)
	if err != nil {
		return err
	}

	sc := newScanState()
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
	l.w.synced = l.active.size

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
	for s, floor := range sc.floor {
		ss := l.shardLocked(s)
		ss.next = max(ss.next, floor)
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
// acceptable arrival. It is the entryCheck of recovery scans.
type scanState struct {
	expect      map[uint32]uint64
	lastArrival int64
	// floor is, per shard, a counter that the next append must not go
	// below: what damaged entries claimed (see claim).
	floor map[uint32]uint64
}

func newScanState() scanState {
	return scanState{expect: map[uint32]uint64{}, floor: map[uint32]uint64{}}
}

func (sc *scanState) ok(h entryHeader, e entryMeta) bool {
	return e.first >= sc.expect[h.shard] && e.arrival >= sc.lastArrival
}

func (sc *scanState) take(h entryHeader, e entryMeta) {
	sc.expect[h.shard] = e.last() + 1
	sc.lastArrival = e.arrival
}

// accept reports whether an entry may follow the ones seen, and records it.
func (sc *scanState) accept(shard uint32, e entryMeta) bool {
	h := entryHeader{shard: shard}
	if !sc.ok(h, e) {
		return false
	}
	sc.take(h, e)
	return true
}

// claim notes the counters that a damaged entry's header claims when they
// plausibly follow the shard's last intact entry: those records may have
// been acknowledged, so their counters are never given out again. The claim
// only raises the shard's floor for new appends; it never makes the scan
// refuse an intact entry, so a damaged count cannot hide data.
func (sc *scanState) claim(h entryHeader) {
	if h.first == max(sc.expect[h.shard], 1) && h.count <= maxEntryRecords {
		sc.floor[h.shard] = max(sc.floor[h.shard], h.last()+1)
	}
}

// scanCollector is a scanState that also hands each entry taken to fn.
type scanCollector struct {
	*scanState
	fn func(h entryHeader, e entryMeta)
}

func (c scanCollector) take(h entryHeader, e entryMeta) {
	c.scanState.take(h, e)
	c.fn(h, e)
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
		saved := scanState{expect: maps.Clone(sc.expect), lastArrival: sc.lastArrival, floor: sc.floor}
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
	end, holes, err := scanSegment(f, start, size, scanCollector{sc, func(h entryHeader, e entryMeta) {
		found = append(found, located{h.shard, e})
	}}, sc.claim)
	if err != nil {
		return nil, err
	}
	for _, hl := range holes {
		l.noteDamaged(num, hl.off, hl.end-hl.off, "skipping damaged bytes; the intact entries after them are kept")
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
