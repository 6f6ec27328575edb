package cluster

import "sync/atomic"

// Stats are the backend's counters since Open, for /metrics.
type Stats struct {
	ObjectsWritten uint64 // objects put: flushes and compactions
	BytesWritten   uint64 // bytes of those objects
	ObjectsDeleted uint64 // objects deleted: expired, compacted away, orphaned, removed
	Commits        uint64 // etcd transactions that reached etcd
	FencedCommits  uint64 // transactions refused because the fence was gone
	FailedFlushes  uint64 // flushes that failed (S3 or etcd), failing their appends
	CacheHits      uint64 // reads of object bytes served from memory
	CacheMisses    uint64 // reads of object bytes fetched from the store
	CacheBytes     int64  // bytes the read cache holds now
	Compactions    uint64 // runs of small objects rewritten into one
	Fenced         bool   // the backend is fenced: another node owns the cluster
}

// counters are the atomics behind Stats.
type counters struct {
	objectsWritten atomic.Uint64
	bytesWritten   atomic.Uint64
	objectsDeleted atomic.Uint64
	commits        atomic.Uint64
	fencedCommits  atomic.Uint64
	failedFlushes  atomic.Uint64
	compactions    atomic.Uint64
}

// Stats returns the backend's counters.
func (b *Backend) Stats() Stats {
	return Stats{
		ObjectsWritten: b.stats.objectsWritten.Load(),
		BytesWritten:   b.stats.bytesWritten.Load(),
		ObjectsDeleted: b.stats.objectsDeleted.Load(),
		Commits:        b.stats.commits.Load(),
		FencedCommits:  b.stats.fencedCommits.Load(),
		FailedFlushes:  b.stats.failedFlushes.Load(),
		CacheHits:      b.cache.hits.Load(),
		CacheMisses:    b.cache.misses.Load(),
		CacheBytes:     b.cache.bytes(),
		Compactions:    b.stats.compactions.Load(),
		Fenced:         b.fenced(),
	}
}
