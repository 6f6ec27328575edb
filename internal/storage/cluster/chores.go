package cluster

import (
	"context"
	"errors"
	"time"

	"sluice/internal/objectstore"
)

// chores is the log's background goroutine: it deletes retired objects
// when they are due, compacts small objects, checks whether a failing
// log's store and etcd answer again and, now and then, deletes orphaned
// objects.
func (l *clusterLog) chores() {
	defer l.done.Done()
	t := l.b.opts.tuning
	tick := time.NewTicker(t.maintainEvery)
	defer tick.Stop()
	lastSweep := time.Now().Add(t.sweepDelay - t.sweepEvery)
	for {
		select {
		case <-l.stop:
			return
		case now := <-tick.C:
			// A fenced node may still delete what it retired: nothing
			// references it, for the new owner read the index after this
			// node's last commit.
			l.deleteRetired(now)
			if l.writable() != nil {
				continue
			}
			l.probe()
			l.compactSome()
			if now.Sub(lastSweep) >= t.sweepEvery {
				lastSweep = now
				ctx, cancel := l.opContext()
				if err := l.sweep(ctx); err != nil {
					l.log.Warn("sweeping orphaned objects failed; trying again later", "err", err)
				}
				cancel()
			}
		}
	}
}

// probe clears the failure of a log whose flushes failed once the object
// store and etcd answer again, so that a log nobody appends to does not
// stay reported as failing (the next flush says for sure).
func (l *clusterLog) probe() {
	if _, err := l.Failure(); err == nil {
		return
	}
	ctx, cancel := l.opContext()
	defer cancel()
	_, err := l.b.opts.Objects.Get(ctx, l.b.opts.Bucket, l.b.keys.objects(l.id)+"probe")
	if err != nil && !errors.Is(err, objectstore.ErrNoSuchKey) {
		return
	}
	if l.b.checkClaims(ctx, l.claims) == nil {
		l.flushSucceeded()
	}
}

// deleteRetired deletes the retired objects due by now. Failed deletions
// are tried again later.
func (l *clusterLog) deleteRetired(now time.Time) {
	l.commitMu.Lock()
	var due []retiredObject
	keep := l.retired[:0]
	for _, r := range l.retired {
		if !r.due.After(now) {
			due = append(due, r)
		} else {
			keep = append(keep, r)
		}
	}
	l.retired = keep
	l.commitMu.Unlock()
	var failed []retiredObject
	for _, r := range due {
		if err := l.deleteObject(r.name); err != nil {
			l.log.Warn("deleting an unreferenced object failed; trying again later", "object", r.name, "err", err)
			failed = append(failed, r)
		}
	}
	if len(failed) > 0 {
		l.commitMu.Lock()
		l.retired = append(l.retired, failed...)
		l.commitMu.Unlock()
	}
}

// deleteObject deletes one object of the log from the store.
func (l *clusterLog) deleteObject(name string) error {
	ctx, cancel := l.opContext()
	defer cancel()
	key := l.b.objectKey(l.id, name)
	l.b.cache.drop(key)
	if err := l.b.opts.Objects.Delete(ctx, l.b.opts.Bucket, key); err != nil {
		return err
	}
	l.b.stats.objectsDeleted.Add(1)
	return nil
}

// sweep deletes the log's orphaned objects: written but never referenced
// (their flush failed after the put, or the node died between the put and
// the commit, or before it deleted an object it had retired). Only objects
// older than sweepAge are considered, so that the objects of a flush in
// flight are safe even if this node was fenced without knowing it yet and
// another node now writes the log; the fence is checked right before
// deleting, for the same reason.
func (l *clusterLog) sweep(ctx context.Context) error {
	keys, err := l.b.opts.Objects.List(ctx, l.b.opts.Bucket, l.b.keys.objects(l.id))
	if err != nil {
		return err
	}
	l.commitMu.Lock()
	if l.needReload {
		l.commitMu.Unlock()
		return nil // the index is not known well enough
	}
	known := map[string]bool{}
	for _, r := range l.retired {
		known[r.name] = true
	}
	l.mu.RLock()
	for _, o := range l.objects {
		known[o.name] = true
	}
	l.mu.RUnlock()
	l.commitMu.Unlock()
	prefix := l.b.keys.objects(l.id)
	old := time.Now().Add(-l.b.opts.tuning.sweepAge)
	var orphans []string
	for _, k := range keys {
		name := k[len(prefix):]
		if _, written, ok := parseObjectName(name); ok && !known[name] && written.Before(old) {
			orphans = append(orphans, name)
		}
	}
	if len(orphans) == 0 {
		return nil
	}
	if err := l.b.checkClaims(ctx, l.claims); err != nil {
		return err
	}
	for _, name := range orphans {
		if err := l.deleteObject(name); err != nil {
			return err
		}
	}
	l.log.Info("deleted orphaned objects", "count", len(orphans))
	return nil
}
