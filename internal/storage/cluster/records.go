package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/storage"
)

// records is the RecordStore: the open logs, and the keys that say which
// logs exist (ids/), are quarantined, or are being removed (gone/).
type records struct {
	b   *Backend
	log *slog.Logger

	mu          sync.Mutex
	logs        map[string]*clusterLog
	broken      map[string]storage.LogFailure // logs that failed to open
	quarantined map[string]bool
	removing    map[string]int         // logs whose objects are being deleted: not opened meanwhile
	releasing   map[string]*clusterLog // logs closing for another node to take over (Release): not opened meanwhile
	placed      placements             // logs with fences of their own; a mutex of its own
	closed      bool

	bg sync.WaitGroup // removals finishing in the background
}

func newRecords(b *Backend) *records {
	return &records{
		b:           b,
		log:         b.log,
		logs:        map[string]*clusterLog{},
		broken:      map[string]storage.LogFailure{},
		quarantined: map[string]bool{},
		removing:    map[string]int{},
		releasing:   map[string]*clusterLog{},
		placed:      placements{claims: map[string]*claim{}, metaKeys: map[string]string{}, metaPrefixes: map[string]string{}},
	}
}

// start learns which logs are quarantined and has the removals a crash
// interrupted (or that could not delete every object) finished in the
// background: an object the store refuses to delete must not keep every
// node from owning the cluster.
func (r *records) start(ctx context.Context) error {
	var gone []string
	_, err := r.b.scan(ctx, r.b.keys.gone(), 0, func(kv *mvccpb.KeyValue) error {
		gone = append(gone, string(kv.Key[len(r.b.keys.gone()):]))
		return nil
	})
	if err != nil {
		return fmt.Errorf("cluster: list removals in progress: %w", err)
	}
	_, err = r.b.scan(ctx, r.b.keys.ids(), 0, func(kv *mvccpb.KeyValue) error {
		if string(kv.Value) == idQuarantined {
			r.quarantined[string(kv.Key[len(r.b.keys.ids()):])] = true
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("cluster: list logs: %w", err)
	}
	for _, id := range gone {
		r.log.Info("finishing the removal of a log's objects", "log_id", id)
		r.mu.Lock()
		r.removing[id]++
		r.mu.Unlock()
		r.removeLater(id)
	}
	return nil
}

// errRemoving is what Open returns for a log whose removal is still
// deleting its objects: a log opened now would have its new objects
// deleted too.
var errRemoving = errors.New("the log was removed and its objects are still being deleted; try again later")

// errReleasing is what Open returns for a log that Release is closing.
var errReleasing = errors.New("the log is being handed over to another node; try again later")

// Open returns the log of a stream, creating it if needed. Opening a log
// clears its removal mark and takes it out of quarantine. A read-only
// backend opens a view of the log instead, changing nothing.
func (r *records) Open(ctx context.Context, id string) (storage.Log, error) {
	if !validID(id) {
		return nil, fmt.Errorf("cluster: invalid stream id %q", id)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.logs[id]; ok {
		return l, nil
	}
	switch {
	case r.closed:
		return nil, fmt.Errorf("cluster: open log %s: %w", id, errClosed)
	case r.removing[id] > 0:
		return nil, fmt.Errorf("cluster: open log %s: %w", id, errRemoving)
	case r.releasing[id] != nil:
		return nil, fmt.Errorf("cluster: open log %s: %w", id, errReleasing)
	}
	claims := r.claimsOf(id)
	if !r.b.readOnly {
		k := r.b.keys
		_, err := r.b.commitUnder(ctx, claims, nil, []clientv3.Op{clientv3.OpPut(k.id(id), idLive), clientv3.OpDelete(k.removing(id))})
		if err != nil {
			return nil, fmt.Errorf("cluster: open log %s: %w", id, err)
		}
	}
	if r.quarantined[id] {
		delete(r.quarantined, id)
		r.log.Info("a quarantined log has its metadata again: back in use", "log_id", id)
	}
	if len(claims) > 1 {
		if err := r.learnMetaKey(ctx, id); err != nil {
			return nil, fmt.Errorf("cluster: open log %s: %w", id, err)
		}
	}
	l, err := openLog(ctx, r.b, id, claims)
	if err != nil {
		r.broken[id] = storage.LogFailure{ID: id, Since: time.Now(), Err: err}
		return nil, err
	}
	delete(r.broken, id)
	r.logs[id] = l
	return l, nil
}

// Remove deletes a stream's log: its keys in one transaction that leaves
// a gone/<id> key behind, then its objects, then the gone key. The log is
// not opened again until its objects are gone. If some cannot be deleted
// now, Remove returns and they are deleted in the background, retried
// until they are; a crash in between leaves the gone key, and the next
// owner finishes. None of it holds r.mu: Health and the Opens of other
// logs go on meanwhile.
func (r *records) Remove(ctx context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("cluster: invalid stream id %q", id)
	}
	claims := r.claimsOf(id)
	if err := r.b.writableUnder(claims); err != nil {
		return fmt.Errorf("cluster: remove log %s: %w", id, err)
	}
	r.mu.Lock()
	if r.releasing[id] != nil {
		r.mu.Unlock()
		return fmt.Errorf("cluster: remove log %s: %w", id, errReleasing)
	}
	l := r.logs[id]
	delete(r.logs, id)
	delete(r.broken, id)
	r.removing[id]++
	r.mu.Unlock()
	if l != nil {
		l.close(true, r.closeDeadline()) // its appends fail; its objects all go below
	}
	k := r.b.keys
	_, err := r.b.commitUnder(ctx, claims, nil, []clientv3.Op{
		clientv3.OpDelete(k.log(id), clientv3.WithPrefix()),
		clientv3.OpDelete(k.id(id)),
		clientv3.OpPut(k.goneID(id), time.Now().UTC().Format(time.RFC3339)),
	})
	if err != nil {
		r.doneRemoving(id)
		return fmt.Errorf("cluster: remove log %s: %w", id, err)
	}
	r.mu.Lock()
	delete(r.quarantined, id)
	r.mu.Unlock()
	r.placed.forget(id) // a new stream of the same name is another log
	if err := r.finishRemoval(ctx, id); err != nil {
		if errors.Is(err, storage.ErrFenced) {
			r.doneRemoving(id)
			return err // the new owner finishes it
		}
		r.log.Warn("deleting the objects of a removed log failed; retrying in the background", "log_id", id, "err", err)
		r.removeLater(id)
		return nil
	}
	r.doneRemoving(id)
	return nil
}

// doneRemoving lets log id be opened again once no removal of it runs.
func (r *records) doneRemoving(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.removing[id]--; r.removing[id] <= 0 {
		delete(r.removing, id)
	}
}

// removeLater finishes the removal of log id in the background: it tries
// again, less and less often, until it succeeds, the backend closes or is
// fenced (the next owner finishes it then), logging each failure. It
// calls doneRemoving when it stops.
func (r *records) removeLater(id string) {
	r.bg.Go(func() {
		defer r.doneRemoving(id)
		delay := r.b.opts.tuning.removeRetry
		for attempt := 1; ; attempt++ {
			err := r.finishRemoval(r.b.ctx, id)
			switch {
			case err == nil:
				if attempt > 1 {
					r.log.Info("finished deleting the objects of a removed log", "log_id", id, "attempts", attempt)
				}
				return
			case r.b.ctx.Err() != nil:
				return
			case errors.Is(err, storage.ErrFenced):
				r.log.Info("stopped deleting the objects of a removed log: this node no longer owns the cluster; the next owner finishes", "log_id", id)
				return
			}
			r.log.Warn("deleting the objects of a removed log failed; trying again later",
				"log_id", id, "attempt", attempt, "retry_in", delay, "err", err)
			select {
			case <-r.b.ctx.Done():
				return
			case <-time.After(delay):
			}
			delay = min(2*delay, maxRemoveRetry)
		}
	})
}

// maxRemoveRetry bounds the delay between attempts to finish a removal.
const maxRemoveRetry = 5 * time.Minute

// finishRemoval deletes every object of a removed log, then its gone key.
func (r *records) finishRemoval(ctx context.Context, id string) error {
	if err := r.b.writable(); err != nil {
		return fmt.Errorf("cluster: remove log %s: %w", id, err)
	}
	if err := r.deleteObjects(ctx, id); err != nil {
		return fmt.Errorf("cluster: delete the objects of removed log %s: %w", id, err)
	}
	opCtx, cancel := context.WithTimeout(ctx, r.b.opts.tuning.opTimeout)
	defer cancel()
	if _, err := r.b.commit(opCtx, nil, []clientv3.Op{clientv3.OpDelete(r.b.keys.goneID(id))}); err != nil {
		return fmt.Errorf("cluster: remove log %s: %w", id, err)
	}
	return nil
}

// deleteObjects deletes every object under the log's prefix, a few at a
// time, each call to the store bounded by opTimeout.
func (r *records) deleteObjects(ctx context.Context, id string) error {
	listCtx, cancel := context.WithTimeout(ctx, r.b.opts.tuning.opTimeout)
	keys, err := r.b.opts.Objects.List(listCtx, r.b.opts.Bucket, r.b.keys.objects(id))
	cancel()
	if err != nil {
		return err
	}
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(keys); i += workers {
				opCtx, cancel := context.WithTimeout(ctx, r.b.opts.tuning.opTimeout)
				err := r.b.opts.Objects.Delete(opCtx, r.b.opts.Bucket, keys[i])
				cancel()
				if err != nil {
					errs[w] = err
					return
				}
				r.b.cache.drop(keys[i])
				r.b.stats.objectsDeleted.Add(1)
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// IDs lists the logs that exist and are not quarantined.
func (r *records) IDs(ctx context.Context) ([]string, error) {
	var ids []string
	base := r.b.keys.ids()
	_, err := r.b.scan(ctx, base, 0, func(kv *mvccpb.KeyValue) error {
		if string(kv.Value) == idLive {
			ids = append(ids, string(kv.Key[len(base):]))
		}
		return nil
	})
	return ids, err
}

// Close closes every log, flushing what is queued, all at once and within
// closeTimeout in all (see clusterLog.close). Open fails from then on.
func (r *records) Close() error {
	r.mu.Lock()
	r.closed = true
	logs := slices.AppendSeq(slices.Collect(maps.Values(r.logs)), maps.Values(r.releasing))
	r.logs = map[string]*clusterLog{}
	r.mu.Unlock()
	deadline := r.closeDeadline()
	var wg sync.WaitGroup
	for _, l := range logs {
		wg.Go(func() { l.close(false, deadline) }) // a log Release closes: waits for it
	}
	wg.Wait()
	return nil
}

// closeDeadline is when a close starting now gives up flushing.
func (r *records) closeDeadline() time.Time {
	return time.Now().Add(r.b.opts.tuning.closeTimeout)
}

// abandon stops every log without flushing, as a crash would (tests).
func (r *records) abandon() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, l := range r.logs {
		l.close(true, r.closeDeadline())
		delete(r.logs, id)
	}
}

// Health reports the failing logs, the quarantined ones and the damage
// readers found.
func (r *records) Health() storage.Health {
	var h storage.Health
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, l := range r.logs {
		// A log that moved is not failing: it is another node's now, and
		// its owner here releases it (the node stays healthy).
		if since, err := l.Failure(); err != nil && !errors.Is(err, storage.ErrMoved) {
			h.Failing = append(h.Failing, storage.LogFailure{ID: id, Since: since, Err: err})
		}
		if n := l.nDamaged.Load(); n > 0 {
			if h.Damaged == nil {
				h.Damaged = map[string]uint64{}
			}
			h.Damaged[id] = n
		}
	}
	for _, f := range r.broken {
		h.Failing = append(h.Failing, f)
	}
	for id := range r.quarantined {
		h.Quarantined = append(h.Quarantined, id)
	}
	slices.Sort(h.Quarantined)
	return h
}

// validID accepts the stream IDs the streams package issues (lowercase
// letters, digits and '-'), which also keeps keys and object keys tidy.
func validID(id string) bool {
	if id == "" || len(id) > 64 || id[0] == '-' {
		return false
	}
	for _, c := range id {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}
