package cluster

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/storage"
)

// quarantineMsg is logged for each log quarantined.
const quarantineMsg = "a log has no metadata: it is kept in quarantine, not deleted; " +
	"sluice recover --cluster-etcd ... --restore LOG marks it to be adopted from its manifest at the next start"

// Describe durably replaces the manifest of log id, creating the log's
// place (its ids/ key) if needed; it writes nothing if the manifest is m
// already.
func (r *records) Describe(ctx context.Context, id string, m storage.Manifest) error {
	if !validID(id) {
		return fmt.Errorf("cluster: invalid stream id %q", id)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	k := r.b.keys
	resp, err := r.b.etcd.Txn(ctx).Then(clientv3.OpGet(k.manifest(id)), clientv3.OpGet(k.id(id))).Commit()
	if err != nil {
		return fmt.Errorf("cluster: describe log %s: %w", id, err)
	}
	old, exists := resp.Responses[0].GetResponseRange().Kvs, len(resp.Responses[1].GetResponseRange().Kvs) > 0
	r.placed.describe(id, r.b.keys.meta()+m.Key)
	if len(old) > 0 && bytes.Equal(old[0].Value, b) && exists {
		return nil
	}
	ops := []clientv3.Op{clientv3.OpPut(k.manifest(id), string(b))}
	if !exists {
		ops = append(ops, clientv3.OpPut(k.id(id), idLive))
	}
	if _, err := r.b.commitUnder(ctx, r.claimsOf(id), nil, ops); err != nil {
		return fmt.Errorf("cluster: describe log %s: %w", id, err)
	}
	return nil
}

// MarkRemoving durably notes that log id is about to be removed; nothing
// for a log that does not exist.
func (r *records) MarkRemoving(ctx context.Context, id string) error {
	if !validID(id) {
		return fmt.Errorf("cluster: invalid stream id %q", id)
	}
	k := r.b.keys
	// A compare that fails (no such log: nothing to mark) is no error.
	_, err := r.b.commitUnder(ctx, r.claimsOf(id),
		[]clientv3.Cmp{clientv3.Compare(clientv3.CreateRevision(k.id(id)), ">", 0)},
		[]clientv3.Op{clientv3.OpPut(k.removing(id), "removing")})
	if err != nil {
		return fmt.Errorf("cluster: mark log %s for removal: %w", id, err)
	}
	return nil
}

// Disown handles a log its owner has no metadata for: removed if marked
// for removal, handed to adopt if an operator put its restore key, else
// (or if adopt refuses) quarantined.
func (r *records) Disown(ctx context.Context, id string, adopt func(storage.Manifest) error) (storage.Disposition, error) {
	if !validID(id) {
		return 0, fmt.Errorf("cluster: invalid stream id %q", id)
	}
	claims := r.claimsOf(id)
	if err := r.b.writableUnder(claims); err != nil {
		return 0, fmt.Errorf("cluster: disown log %s: %w", id, err)
	}
	if r.isReleasing(id) {
		return 0, fmt.Errorf("cluster: disown log %s: %w", id, errReleasing)
	}
	k := r.b.keys
	resp, err := r.b.etcd.Txn(ctx).Then(clientv3.OpGet(k.removing(id)), clientv3.OpGet(k.restore(id)), clientv3.OpGet(k.manifest(id))).Commit()
	if err != nil {
		return 0, fmt.Errorf("cluster: disown log %s: %w", id, err)
	}
	removing := len(resp.Responses[0].GetResponseRange().Kvs) > 0
	restore := len(resp.Responses[1].GetResponseRange().Kvs) > 0
	manifest := resp.Responses[2].GetResponseRange().Kvs
	if removing {
		r.log.Info("finishing the removal of a deleted log", "log_id", id)
		return storage.Removed, r.Remove(ctx, id)
	}
	if restore {
		err := adoptManifest(manifest, adopt)
		if err == nil {
			if _, err := r.b.commitUnder(ctx, claims, nil, []clientv3.Op{clientv3.OpDelete(k.restore(id)), clientv3.OpPut(k.id(id), idLive)}); err != nil {
				return 0, fmt.Errorf("cluster: disown log %s: %w", id, err)
			}
			r.mu.Lock()
			delete(r.quarantined, id)
			r.mu.Unlock()
			r.log.Info("restored a quarantined log: its metadata was written back from its manifest", "log_id", id)
			return storage.Adopted, nil
		}
		r.log.Error("cannot restore a log from its manifest; it goes back to quarantine", "log_id", id, "err", err)
	}
	r.mu.Lock()
	l := r.logs[id]
	delete(r.logs, id)
	r.mu.Unlock()
	if l != nil {
		l.close(false, r.closeDeadline())
	}
	if _, err := r.b.commitUnder(ctx, claims, nil, []clientv3.Op{clientv3.OpDelete(k.restore(id)), clientv3.OpPut(k.id(id), idQuarantined)}); err != nil {
		return 0, fmt.Errorf("cluster: quarantine log %s: %w", id, err)
	}
	r.mu.Lock()
	r.quarantined[id] = true
	r.mu.Unlock()
	r.log.Error(quarantineMsg, "log_id", id, "restore_key", k.restore(id))
	return storage.Quarantined, nil
}

// adoptManifest decodes a manifest value and hands it to adopt.
func adoptManifest(kvs []*mvccpb.KeyValue, adopt func(storage.Manifest) error) error {
	m, problem := manifestOf(kvs)
	if m == nil {
		return errors.New(problem)
	}
	return adopt(*m)
}
