package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/storage"
)

// QuarantinedLog is a log of the cluster kept in quarantine because its
// owner found it without metadata (see package storage), as `sluice
// recover` lists it.
type QuarantinedLog struct {
	ID string
	// Manifest is the metadata it keeps of itself, or nil with Problem
	// saying why it cannot be restored from it.
	Manifest *storage.Manifest
	Problem  string
	// Objects and Bytes are what its committed ranges hold.
	Objects int
	Bytes   int64
}

// ListQuarantined describes the quarantined logs of the cluster under
// prefix, from one etcd snapshot. It only reads, so it may run while the
// cluster serves.
func ListQuarantined(ctx context.Context, etcd *clientv3.Client, prefix string) ([]QuarantinedLog, error) {
	if !strings.HasSuffix(prefix, "/") {
		return nil, fmt.Errorf("cluster: prefix %q must end with /", prefix)
	}
	k := newKeys(prefix)
	var out []QuarantinedLog
	rev, err := scanEtcd(ctx, etcd, k.ids(), 0, func(kv *mvccpb.KeyValue) error {
		if string(kv.Value) == idQuarantined {
			out = append(out, QuarantinedLog{ID: string(kv.Key[len(k.ids()):])})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cluster: list quarantined logs: %w", err)
	}
	for i := range out {
		q := &out[i]
		resp, err := etcd.Get(ctx, k.manifest(q.ID), clientv3.WithRev(rev))
		if err != nil {
			return nil, fmt.Errorf("cluster: read the manifest of %s: %w", q.ID, err)
		}
		q.Manifest, q.Problem = manifestOf(resp.Kvs)
		objects := map[string]bool{}
		_, err = scanEtcd(ctx, etcd, k.ranges(q.ID), rev, func(kv *mvccpb.KeyValue) error {
			if v, err := decodeRange(kv.Value); err == nil {
				objects[v.object] = true
				q.Bytes += v.size
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("cluster: read the ranges of %s: %w", q.ID, err)
		}
		q.Objects = len(objects)
	}
	return out, nil
}

// manifestOf decodes a manifest key's value; nil and why when it is
// absent or damaged.
func manifestOf(kvs []*mvccpb.KeyValue) (*storage.Manifest, string) {
	if len(kvs) == 0 {
		return nil, "the log has no manifest"
	}
	var m storage.Manifest
	if err := json.Unmarshal(kvs[0].Value, &m); err != nil || m.Key == "" || !json.Valid(m.Value) {
		return nil, fmt.Sprintf("the log's manifest is damaged: %s", kvs[0].Key)
	}
	return &m, ""
}

// ErrNotQuarantined is returned by MarkForRestore for a log that is not
// in quarantine.
var ErrNotQuarantined = errors.New("no quarantined log with that ID")

// MarkForRestore puts log id back among the cluster's logs, marked to be
// restored: the next time an owner opens the backend (the owner restarts,
// or another takes over) it writes the log's metadata back from its
// manifest, or, if it cannot (a stream of that name exists now, say),
// returns it to quarantine and logs why. As the embedded store's
// MarkForRestore, it acts at the next start, not on the running owner.
//
// One etcd transaction, taken only if the log is still quarantined and
// its manifest is the one read: an owner quarantining or restoring it at
// the same time makes it fail rather than interleave.
func MarkForRestore(ctx context.Context, etcd *clientv3.Client, prefix, id string) error {
	if !strings.HasSuffix(prefix, "/") {
		return fmt.Errorf("cluster: prefix %q must end with /", prefix)
	}
	if !validID(id) {
		return fmt.Errorf("%w: %q", ErrNotQuarantined, id)
	}
	k := newKeys(prefix)
	resp, err := etcd.Txn(ctx).Then(clientv3.OpGet(k.id(id)), clientv3.OpGet(k.manifest(id))).Commit()
	if err != nil {
		return fmt.Errorf("cluster: restore %s: %w", id, err)
	}
	idKvs, manifest := resp.Responses[0].GetResponseRange().Kvs, resp.Responses[1].GetResponseRange().Kvs
	if len(idKvs) == 0 || string(idKvs[0].Value) != idQuarantined {
		return fmt.Errorf("%w: %q", ErrNotQuarantined, id)
	}
	if _, problem := manifestOf(manifest); problem != "" {
		return errors.New(problem)
	}
	done, err := etcd.Txn(ctx).If(
		clientv3.Compare(clientv3.ModRevision(k.id(id)), "=", idKvs[0].ModRevision),
		clientv3.Compare(clientv3.ModRevision(k.manifest(id)), "=", manifest[0].ModRevision),
	).Then(
		clientv3.OpPut(k.restore(id), "restore"),
		clientv3.OpPut(k.id(id), idLive),
	).Commit()
	if err != nil {
		return fmt.Errorf("cluster: restore %s: %w", id, err)
	}
	if !done.Succeeded {
		return fmt.Errorf("cluster: restore %s: the log changed meanwhile; list the quarantined logs again", id)
	}
	return nil
}
