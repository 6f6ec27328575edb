package logstore

import (
	"container/list"
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"sluice/internal/vfs"
)

// File names in a log directory.
const (
	logSuffix     = ".log"
	indexSuffix   = ".idx"
	tmpSuffix     = vfs.TmpSuffix
	stateName     = "state"
	stateCopyName = "state.copy"
	numDigits     = 20
)

// OwnerFiles are files that a log directory may hold for the log's owner
// (package storage keeps a manifest and marks there); Open leaves them
// alone.
var OwnerFiles = []string{"manifest.json", "removing", "restore"}

func segmentName(num uint64) string { return fmt.Sprintf("%0*d%s", numDigits, num, logSuffix) }
func indexName(num uint64) string   { return fmt.Sprintf("%0*d%s", numDigits, num, indexSuffix) }

// parseNumbered parses "<20 digits><suffix>".
func parseNumbered(name, suffix string) (uint64, bool) {
	digits, ok := strings.CutSuffix(name, suffix)
	if !ok || len(digits) != numDigits {
		return 0, false
	}
	n, err := strconv.ParseUint(digits, 10, 64)
	return n, err == nil
}

// segment is one <n>.log file and what the log knows of it.
type segment struct {
	num     uint64
	path    string
	idxPath string

	// Guarded by Log.mu.
	sealed     bool
	size       int64 // bytes of published entries
	idxBytes   int64 // size of the index file, for Stats
	entries    int
	minArrival int64
	maxArrival int64
	shards     map[uint32]*segShard

	// removed is set by Expire before it removes the files.
	removed atomic.Bool

	// Guarded by fileTable.mu.
	f     vfs.File
	stale []vfs.File // replaced descriptors still held by readers
	users int
	gone  bool          // removed or log closed: close f once unused
	elem  *list.Element // in fileTable.lru while sealed and open
}

func newSegment(dir string, num uint64) *segment {
	return &segment{
		num:     num,
		path:    filepath.Join(dir, segmentName(num)),
		idxPath: filepath.Join(dir, indexName(num)),
		shards:  map[uint32]*segShard{},
	}
}

// addEntry records a published entry of shard in the active segment and
// returns the segShard it went to and whether that is new. Log.mu must be
// held for writing.
func (s *segment) addEntry(shard uint32, e entryMeta) (*segShard, bool) {
	sh, ok := s.shards[shard]
	if !ok {
		sh = &segShard{seg: s, shard: shard}
		s.shards[shard] = sh
	}
	sh.entries = append(sh.entries, e)
	sh.sum.add(e)
	if s.entries == 0 {
		s.minArrival = e.arrival
	}
	s.entries++
	s.maxArrival = e.arrival
	return sh, !ok
}

// segShard is one shard's part of one segment.
type segShard struct {
	seg   *segment
	shard uint32
	sum   shardSummary // guarded by Log.mu
	// entries is the full list while the segment is active (guarded by
	// Log.mu); nil once sealed: see Log.entriesOf.
	entries []entryMeta
}

// errSegmentGone reports a segment removed by Expire while being read.
var errSegmentGone = errors.New("segment removed")

// fileTable manages the open file of every segment. The active segment's
// file stays open; sealed segments' files are opened on demand and the least
// recently used are closed past a bound, so a long retention does not hold
// one descriptor per segment. Readers hold a file between acquire and
// release; a segment that is removed, or a log that closes, closes its file
// when the last reader releases it.
type fileTable struct {
	mu  sync.Mutex
	fs  vfs.FS
	max int
	lru list.List // of *segment: sealed, open; most recent first
}

const maxOpenSealed = 8

// setActive installs f as the writable file of the active segment s.
func (t *fileTable) setActive(s *segment, f vfs.File) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.f = f
}

// sealed makes s's file eligible for closing when idle.
func (t *fileTable) sealed(s *segment) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.f != nil && s.elem == nil && !s.gone {
		s.elem = t.lru.PushFront(s)
		t.evict()
	}
}

// acquire returns s's open file, opening it if needed.
func (t *fileTable) acquire(s *segment) (vfs.File, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.gone {
		return nil, errSegmentGone
	}
	if s.f == nil {
		f, err := t.fs.Open(s.path)
		if err != nil {
			return nil, err
		}
		s.f = f
		s.elem = t.lru.PushFront(s)
	} else if s.elem != nil {
		t.lru.MoveToFront(s.elem)
	}
	s.users++
	t.evict()
	return s.f, nil
}

func (t *fileTable) release(s *segment) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.users--
	if s.users == 0 {
		t.closeStale(s)
		if s.gone {
			t.closeLocked(s)
		}
	}
	t.evict()
}

// replace makes f the file of s (the active segment reopened after a
// failure). Readers holding the old descriptor keep it until they release.
func (t *fileTable) replace(s *segment, f vfs.File) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if s.f != nil {
		s.stale = append(s.stale, s.f)
	}
	s.f = f
	if s.users == 0 {
		t.closeStale(s)
	}
}

func (t *fileTable) closeStale(s *segment) {
	for _, f := range s.stale {
		f.Close()
	}
	s.stale = nil
}

// retire marks s removed: its file closes now, or when its last reader
// releases it.
func (t *fileTable) retire(s *segment) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s.gone = true
	if s.users == 0 {
		t.closeLocked(s)
	}
}

// evict closes idle sealed files past the bound.
func (t *fileTable) evict() {
	for el := t.lru.Back(); el != nil && t.lru.Len() > t.max; {
		prev := el.Prev()
		if s := el.Value.(*segment); s.users == 0 {
			t.closeLocked(s)
		}
		el = prev
	}
}

func (t *fileTable) closeLocked(s *segment) {
	t.closeStale(s)
	if s.elem != nil {
		t.lru.Remove(s.elem)
		s.elem = nil
	}
	if s.f != nil {
		s.f.Close()
		s.f = nil
	}
}
