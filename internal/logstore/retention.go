package logstore

import (
	"errors"
	"io/fs"
	"slices"
)

// Expire deletes the segments whose newest entry is older than cutoffMillis,
// oldest first. If every entry of the active segment is expired too, it is
// sealed first so that it can go. The counters' high-water marks are
// persisted before any file is removed, so counters never go back, even once
// every segment of a shard is gone.
//
// Records with ArrivalMillis >= cutoffMillis are never deleted; older ones in
// a segment that also holds newer ones stay on disk until the whole segment
// expires (Read and Bounds hide them).
func (l *Log) Expire(cutoffMillis int64) error {
	if l.isDone.Load() {
		return ErrClosed
	}
	l.expireMu.Lock()
	defer l.expireMu.Unlock()

	err := l.control(func() error {
		if l.err() != nil || l.w.off == 0 {
			return nil
		}
		l.mu.RLock()
		expired := l.active.maxArrival < cutoffMillis && l.active.entries > 0
		l.mu.RUnlock()
		if !expired {
			return nil
		}
		if err := l.roll(); err != nil {
			return l.fail(err)
		}
		return nil
	})
	if err != nil {
		return err
	}

	l.mu.RLock()
	n := 0
	for _, s := range l.segs {
		if !s.sealed || s == l.active || (s.entries > 0 && s.maxArrival >= cutoffMillis) {
			break
		}
		n++
	}
	l.mu.RUnlock()
	if n == 0 {
		return nil
	}
	if err := l.writeState(); err != nil {
		return err
	}

	l.mu.Lock()
	victims := slices.Clone(l.segs[:n])
	l.segs = slices.Clone(l.segs[n:])
	for _, ss := range l.shards {
		k := 0
		for k < len(ss.segs) && ss.segs[k].seg.num <= victims[n-1].num {
			k++
		}
		if k > 0 {
			ss.segs = slices.Clone(ss.segs[k:])
		}
	}
	l.mu.Unlock()

	var errs []error
	for _, s := range victims {
		s.removed.Store(true)
		l.files.retire(s)
		l.cache.dropSegment(s.num)
		// The segment first, then its index: an index without its
		// segment is cleaned up by Open; a segment without its index
		// would be rescanned.
		for _, p := range []string{s.path, s.idxPath} {
			if err := l.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	if err := l.fs.SyncDir(l.dir); err != nil {
		errs = append(errs, err)
	}
	l.logger.Debug("expired segments", "count", n, "cutoff", cutoffMillis)
	return errors.Join(errs...)
}
