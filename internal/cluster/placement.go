package cluster

import (
	"context"
	"encoding/json"
	"strings"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"
)

// Placement keys (step 4 of spreading ownership, docs/cluster.md). Where a
// unit (a stream, a delivery stream, an application, a video stream) runs
// is the etcd key <prefix>placement/<unit>: its value names the owner node,
// and it is bound to that node's session lease, the one its registry key
// nodes/<node> is bound to. A node that dies or is cut off from etcd loses
// its units with its lease, and the storage's per-log fence of each unit is
// the key's create revision (storagecluster.Backend.Place), so whatever the
// node still tries to commit for them is refused.
//
// The coordinator (the election's winner, coordinator.go) creates the keys
// the plan asks for and moves units; every node's placer (placer.go) loads
// the units its keys name and drops those they stop naming.
//
// A move is a handoff, so that what the old owner queued is flushed rather
// than refused: the coordinator sets the key's To to the new owner; the old
// owner drops the unit (its last writes commit under its fence, still
// valid) and deletes the key; the coordinator then creates the key for the
// new owner, with a new create revision. An old owner that has not let go
// within the handoff timeout (paused, or cut off from etcd) has its key
// deleted by the coordinator instead: that fences it off, and the move
// goes on.

// placementValue is the value of a placement key.
type placementValue struct {
	// Node owns the unit, and the key is bound to its lease.
	Node string `json:"node"`
	// To, when set, is where the coordinator moves the unit: Node is to
	// drop it and delete the key.
	To string `json:"to,omitempty"`
	// Refused is set by Node when it could not load the unit: the
	// coordinator places it on another node.
	Refused bool `json:"refused,omitempty"`
}

// placement is one placement key as read.
type placement struct {
	placementValue
	CreateRevision, ModRevision int64
}

func placementPrefix(prefix string) string { return prefix + "placement/" }

func placementKey(prefix, unit string) string { return placementPrefix(prefix) + unit }

func nodeKey(prefix, node string) string { return prefix + "nodes/" + node }

// parsePlacement reads a placement key; ok is false for a key outside
// the prefix or a value that is not a placement (left to the coordinator,
// which deletes keys of units that do not exist).
func parsePlacement(prefix string, kv *mvccpb.KeyValue) (unit string, p placement, ok bool) {
	unit, found := strings.CutPrefix(string(kv.Key), placementPrefix(prefix))
	if !found || unit == "" {
		return "", placement{}, false
	}
	if json.Unmarshal(kv.Value, &p.placementValue) != nil || p.Node == "" {
		return unit, placement{}, false
	}
	p.CreateRevision, p.ModRevision = kv.CreateRevision, kv.ModRevision
	return unit, p, true
}

// readPlacement returns the node unit's placement key names, "" when it
// has none (or etcd did not answer).
func readPlacement(ctx context.Context, etcd *clientv3.Client, prefix, unit string) string {
	resp, err := etcd.Get(ctx, placementKey(prefix, unit))
	if err != nil || len(resp.Kvs) == 0 {
		return ""
	}
	_, p, _ := parsePlacement(prefix, resp.Kvs[0])
	return p.Node
}

// readPlacements returns every placement key by unit, and keys that do
// not parse (by unit, with their mod revision, for the coordinator to
// delete), at one revision.
func readPlacements(ctx context.Context, etcd *clientv3.Client, prefix string) (map[string]placement, map[string]int64, int64, error) {
	resp, err := etcd.Get(ctx, placementPrefix(prefix), clientv3.WithPrefix())
	if err != nil {
		return nil, nil, 0, err
	}
	out := make(map[string]placement, len(resp.Kvs))
	bad := map[string]int64{}
	for _, kv := range resp.Kvs {
		unit, p, ok := parsePlacement(prefix, kv)
		switch {
		case ok:
			out[unit] = p
		case unit != "":
			bad[unit] = kv.ModRevision
		}
	}
	return out, bad, resp.Header.Revision, nil
}

// createPlacement places unit on node: a new key bound to the node's
// lease, only if the unit has no key and the node is still registered
// under lease. It returns the key's create revision, 0 when the compares
// failed.
func createPlacement(ctx context.Context, etcd *clientv3.Client, prefix, unit, node string, lease clientv3.LeaseID) (int64, error) {
	key := placementKey(prefix, unit)
	val, _ := json.Marshal(placementValue{Node: node})
	resp, err := etcd.Txn(ctx).If(
		clientv3.Compare(clientv3.CreateRevision(key), "=", 0),
		clientv3.Compare(clientv3.LeaseValue(nodeKey(prefix, node)), "=", lease),
	).Then(clientv3.OpPut(key, string(val), clientv3.WithLease(lease))).Commit()
	if err != nil || !resp.Succeeded {
		return 0, err
	}
	return resp.Header.Revision, nil
}

// releasePlacement deletes unit's key if it is still the one created at
// rev: the owner letting a unit go (a handoff, a failed load), or the
// coordinator fencing one off. A key created since is left alone.
func releasePlacement(ctx context.Context, etcd *clientv3.Client, prefix, unit string, rev int64) error {
	key := placementKey(prefix, unit)
	_, err := etcd.Txn(ctx).If(clientv3.Compare(clientv3.CreateRevision(key), "=", rev)).Then(clientv3.OpDelete(key)).Commit()
	return err
}
