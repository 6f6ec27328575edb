package logstore

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"
)

// Healing a failed log.
//
// A write or fdatasync error fails the log (Log.fail): Appends are refused
// at once with ErrWriteFailed. Retrying fdatasync is never safe: after a
// failed fsync, Linux may have marked the dirty pages clean, so a second
// fsync that succeeds proves nothing. Instead, every HealInterval the writer
// goroutine tries to reopen the log from its durable state, as a restart
// would, without a restart:
//
//  1. a probe file is written and synced, so that a disk that is still full
//     or failing keeps the log failed (and /healthcheck says so);
//  2. the active segment is opened again through a fresh descriptor,
//     whatever was written past its durable size is cut off (in the default
//     mode those bytes were never acknowledged; in relaxed mode the records
//     written since the last sync were acknowledged, so they are written
//     again from the pages readers see), and the file is synced;
//  3. the writer forgets the failed groups (their counters were never
//     published) and appends are let in again.
//
// Nothing acknowledged is lost, counters never go back, and the log keeps
// its place in every reader.

const probeBytes = 64 << 10

// heal runs on the writer goroutine while the log is failed.
func (l *Log) heal() {
	if l.err() == nil {
		return
	}
	if err := l.probe(); err != nil {
		l.logger.Debug("log still failing: the disk does not take writes", "err", err)
		return
	}
	l.removeTemps()
	if err := l.reopenActive(); err != nil {
		l.logger.Debug("log still failing: reopening the active segment", "err", err)
		return
	}
	w := &l.w
	w.buf = w.buf[:0]
	clear(w.pending)
	w.pending = w.pending[:0]
	l.mu.RLock()
	w.next = make(map[uint32]uint64, len(l.shards))
	for s, ss := range l.shards {
		w.next[s] = ss.next
	}
	l.mu.RUnlock()
	w.healed = true
	l.failMu.Lock()
	l.failErr = nil
	l.failMu.Unlock()
	l.logger.Info("log reopened from its durable state; appends are accepted again")
}

// wroteAfterHeal ends the failure once a write has succeeded after heal.
func (l *Log) wroteAfterHeal() {
	l.w.healed = false
	l.failMu.Lock()
	since := l.failedSince
	l.failedSince = time.Time{}
	l.failMu.Unlock()
	l.logger.Info("log writes succeed again", "failed_for", time.Since(since).Round(time.Millisecond))
}

// probe writes, syncs and removes a small file beside the segments.
func (l *Log) probe() error {
	name := filepath.Join(l.dir, "probe"+tmpSuffix)
	f, err := l.fs.Create(name)
	if err != nil {
		return err
	}
	_, err = f.Write(make([]byte, probeBytes))
	if err == nil {
		err = f.Sync()
	}
	err = errors.Join(err, f.Close(), l.fs.Remove(name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return err
}

// removeTemps removes the temporary files that failed index or state writes
// left behind (Open would remove them too), to give their space back. Only
// the log's own: the owner's files (OwnerFiles) may be being written.
func (l *Log) removeTemps() {
	names, err := l.fs.List(l.dir)
	if err != nil {
		return
	}
	l.stateMu.Lock() // no state write is under way
	defer l.stateMu.Unlock()
	for _, n := range names {
		if strings.HasSuffix(n, indexSuffix+tmpSuffix) || n == stateName+tmpSuffix || n == stateCopyName+tmpSuffix {
			l.fs.Remove(filepath.Join(l.dir, n))
		}
	}
}

// reopenActive opens the active segment again, cuts it to the size that
// readers see (rewriting what relaxed mode acknowledged but had not synced),
// syncs it and makes the new descriptor the writer's.
func (l *Log) reopenActive() error {
	seg := l.active
	l.mu.RLock()
	size := seg.size
	l.mu.RUnlock()
	f, err := l.fs.OpenReadWrite(seg.path)
	if err != nil {
		return err
	}
	err = func() error {
		if l.w.synced < size {
			b := make([]byte, size-l.w.synced)
			if err := readFull(seg.f, b, l.w.synced); err != nil {
				return err
			}
			if _, err := f.WriteAt(b, l.w.synced); err != nil {
				return err
			}
		}
		if err := f.Truncate(size); err != nil {
			return err
		}
		return f.Sync()
	}()
	if err != nil {
		f.Close()
		return err
	}
	l.files.replace(seg, f)
	l.w.off, l.w.synced, l.w.dirty = size, size, false
	return nil
}
