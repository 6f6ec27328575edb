package cluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
}

func newRecords(b *Backend) *records {
	return &records{
		b:           b,
		log:         b.log,
		logs:        map[string]*clusterLog{},
		broken:      map[string]storage.LogFailure{},
		quarantined: map[string]bool{},
	}
}

// start finishes the removals a crash interrupted and learns which logs
// are quarantined.
func (r *records) start(ctx context.Context) error {
	var gone []string
	_, err := r.b.scan(ctx, r.b.keys.gone(), 0, func(kv *mvccpb.KeyValue) error {
		gone = append(gone, string(kv.Key[len(r.b.keys.gone()):]))
		return nil
	})
	if err != nil {
		return fmt.Errorf("cluster: list removals in progress: %w", err)
	}
	for _, id := range gone {
		r.log.Info("finishing the removal of a log's objects", "log_id", id)
		if err := r.finishRemoval(ctx, id); err != nil {
			return err
		}
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
	return nil
}

// Open returns the log of a stream, creating it if needed. Opening a log
// clears its removal mark and takes it out of quarantine.
func (r *records) Open(ctx context.Context, id string) (storage.Log, error) {
	if !validID(id) {
		return nil, fmt.Errorf("cluster: invalid stream id %q", id)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.logs[id]; ok {
		return l, nil
	}
	k := r.b.keys
	_, err := r.b.commit(ctx, nil, []clientv3.Op{clientv3.OpPut(k.id(id), idLive), clientv3.OpDelete(k.removing(id))})
	if err != nil {
		return nil, fmt.Errorf("cluster: open log %s: %w", id, err)
	}
	if r.quarantined[id] {
		delete(r.quarantined, id)
		r.log.Info("a quarantined log has its metadata again: back in use", "log_id", id)
	}
	l, err := openLog(ctx, r.b, id)
	if err != nil {
		r.broken[id] = storage.LogFailure{ID: id, Since: time.Now(), Err: err}
		return nil, err
	}
	delete(r.broken, id)
	r.logs[id] = l
	return l, nil
}

// Remove deletes a stream's log: its keys in one transaction that leaves
// a gone/<id> key behind, then its objects, then the gone key. A crash in
// between leaves the gone key, and the next Open of the backend finishes.
func (r *records) Remove(ctx context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("cluster: invalid stream id %q", id)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.logs[id]; ok {
		l.close(true) // its appends fail; its objects all go below
		delete(r.logs, id)
	}
	delete(r.broken, id)
	k := r.b.keys
	_, err := r.b.commit(ctx, nil, []clientv3.Op{
		clientv3.OpDelete(k.log(id), clientv3.WithPrefix()),
		clientv3.OpDelete(k.id(id)),
		clientv3.OpPut(k.goneID(id), time.Now().UTC().Format(time.RFC3339)),
	})
	if err != nil {
		return fmt.Errorf("cluster: remove log %s: %w", id, err)
	}
	delete(r.quarantined, id)
	return r.finishRemoval(ctx, id)
}

// finishRemoval deletes every object of a removed log, then its gone key.
func (r *records) finishRemoval(ctx context.Context, id string) error {
	if err := r.deleteObjects(ctx, id); err != nil {
		return fmt.Errorf("cluster: delete the objects of removed log %s: %w", id, err)
	}
	if _, err := r.b.commit(ctx, nil, []clientv3.Op{clientv3.OpDelete(r.b.keys.goneID(id))}); err != nil {
		return fmt.Errorf("cluster: remove log %s: %w", id, err)
	}
	return nil
}

// deleteObjects deletes every object under the log's prefix, a few at a
// time.
func (r *records) deleteObjects(ctx context.Context, id string) error {
	keys, err := r.b.opts.Objects.List(ctx, r.b.opts.Bucket, r.b.keys.objects(id))
	if err != nil {
		return err
	}
	const workers = 8
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(keys); i += workers {
				if err := r.b.opts.Objects.Delete(ctx, r.b.opts.Bucket, keys[i]); err != nil {
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

// Close closes every log, flushing what is queued.
func (r *records) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, l := range r.logs {
		l.close(false)
		delete(r.logs, id)
	}
	return nil
}

// abandon stops every log without flushing, as a crash would (tests).
func (r *records) abandon() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, l := range r.logs {
		l.close(true)
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
		if since, err := l.Failure(); err != nil {
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
