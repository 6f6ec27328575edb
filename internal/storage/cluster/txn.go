package cluster

import (
	"context"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Every etcd write of the backend goes through commit, with the fence
// compare first: a node whose election key is gone (its lease lapsed, so
// another node may own the cluster now) can never commit, whatever it
// believes.

// maxTxnOps is etcd's default limit of operations (and of compares) in one
// transaction (--max-txn-ops). The backend's own transactions stay under it,
// with room for the fence compare.
const maxTxnOps = 128

// fenceCmp is the compare every transaction carries.
func (b *Backend) fenceCmp() clientv3.Cmp {
	return clientv3.Compare(clientv3.CreateRevision(b.opts.Fence.Key), "=", b.opts.Fence.Revision)
}

// commit runs one fenced transaction: if the fence holds and every compare
// of cmps succeeds, ops are applied and ok is true. ok is false with a nil
// error when the fence holds but another compare failed, and the error is
// ErrFenced when the fence is gone. Any other error leaves it unknown
// whether the transaction was applied (etcd may apply a request whose
// answer was lost), which callers must allow for.
func (b *Backend) commit(ctx context.Context, cmps []clientv3.Cmp, ops []clientv3.Op) (ok bool, err error) {
	if err := b.writable(); err != nil {
		return false, err
	}
	all := make([]clientv3.Cmp, 0, 1+len(cmps))
	all = append(all, b.fenceCmp())
	all = append(all, cmps...)
	resp, err := b.etcd.Txn(ctx).If(all...).Then(ops...).Else(clientv3.OpGet(b.opts.Fence.Key)).Commit()
	if err != nil {
		return false, err
	}
	b.stats.commits.Add(1)
	if resp.Succeeded {
		return true, nil
	}
	if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 0 || kvs[0].CreateRevision != b.opts.Fence.Revision {
		b.stats.fencedCommits.Add(1)
		b.setFenced()
		return false, ErrFenced
	}
	return false, nil
}

// ErrReadOnly is returned (wrapped) by every write of a backend opened
// with OpenReadOnly.
var ErrReadOnly = errors.New("cluster: this node reads these logs and does not own them: writes go to their owner")

// writable returns why the backend cannot write now, or nil.
func (b *Backend) writable() error {
	switch {
	case b.readOnly:
		return ErrReadOnly
	case b.fenced.Load():
		return ErrFenced
	}
	return nil
}

// setFenced marks the backend fenced, for good.
func (b *Backend) setFenced() {
	b.fencedAt.CompareAndSwap(0, time.Now().UnixNano()) // before the flag, which readers check first
	if b.fenced.CompareAndSwap(false, true) {
		b.log.Error("fenced: another node owns the cluster now; every write of this node is refused",
			"fence_key", b.opts.Fence.Key, "fence_revision", b.opts.Fence.Revision)
	}
}

// checkFence fails with ErrFenced unless the fence key exists with its
// create revision.
func (b *Backend) checkFence(ctx context.Context) error {
	resp, err := b.etcd.Get(ctx, b.opts.Fence.Key)
	if err != nil {
		return fmt.Errorf("cluster: read the fence key: %w", err)
	}
	if len(resp.Kvs) == 0 || resp.Kvs[0].CreateRevision != b.opts.Fence.Revision {
		b.setFenced()
		return fmt.Errorf("cluster: fence key %s with create revision %d: %w", b.opts.Fence.Key, b.opts.Fence.Revision, ErrFenced)
	}
	return nil
}
