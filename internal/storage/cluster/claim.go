package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/storage"
)

// ErrLogMoved is returned (wrapped) by the writes of a log whose own fence
// (Backend.Place) is gone: another node may own that log now. The node's
// other logs go on.
var ErrLogMoved = fmt.Errorf("cluster: its placement fence is gone: %w", storage.ErrMoved)

// claim is a fence the backend writes under, and whether a commit or a
// check found it gone, which is for good. The backend has one (Options.Fence:
// every etcd write carries it); a placed log has one more of its own.
type claim struct {
	Fence
	lostErr error // what writes under a lost claim fail with
	log     *slog.Logger
	lost    atomic.Bool
	lostAt  atomic.Int64 // Unix ns
}

func (c *claim) cmp() clientv3.Cmp {
	return clientv3.Compare(clientv3.CreateRevision(c.Key), "=", c.Revision)
}

// holds tells whether kvs, a read of the claim's key, shows the claim.
func (c *claim) holds(kvs []*mvccpb.KeyValue) bool {
	return len(kvs) > 0 && kvs[0].CreateRevision == c.Revision
}

// setLost marks the claim lost, for good.
func (c *claim) setLost() {
	c.lostAt.CompareAndSwap(0, time.Now().UnixNano()) // before the flag, which readers check first
	if c.lost.CompareAndSwap(false, true) {
		c.log.Error("fenced: another node may own this now; every write under it is refused",
			"fence_key", c.Key, "fence_revision", c.Revision, "err", c.lostErr)
	}
}

// lostSince returns when the first of claims was found lost and its
// error, or a nil error.
func lostSince(claims []*claim) (time.Time, error) {
	for _, c := range claims {
		if c.lost.Load() {
			return time.Unix(0, c.lostAt.Load()), c.lostErr
		}
	}
	return time.Time{}, nil
}

// commitUnder runs one transaction under claims: if every claim holds and
// every compare of cmps succeeds, ops are applied and ok is true. ok is
// false with a nil error when the claims hold but another compare failed;
// the error is the lost claim's (ErrFenced, ErrLogMoved) when one is gone.
// Any other error leaves it unknown whether the transaction was applied
// (etcd may apply a request whose answer was lost), which callers must
// allow for.
func (b *Backend) commitUnder(ctx context.Context, claims []*claim, cmps []clientv3.Cmp, ops []clientv3.Op) (ok bool, err error) {
	if err := b.writableUnder(claims); err != nil {
		return false, err
	}
	all := make([]clientv3.Cmp, 0, len(claims)+len(cmps))
	reads := make([]clientv3.Op, 0, len(claims))
	for _, c := range claims {
		all = append(all, c.cmp())
		reads = append(reads, clientv3.OpGet(c.Key))
	}
	all = append(all, cmps...)
	resp, err := b.etcd.Txn(ctx).If(all...).Then(ops...).Else(reads...).Commit()
	if err != nil {
		return false, err
	}
	b.stats.commits.Add(1)
	if resp.Succeeded {
		return true, nil
	}
	for i, c := range claims {
		if !c.holds(resp.Responses[i].GetResponseRange().Kvs) {
			b.stats.fencedCommits.Add(1)
			c.setLost()
			return false, c.lostErr
		}
	}
	return false, nil
}

// writableUnder returns why nothing can be written under claims now, or
// nil.
func (b *Backend) writableUnder(claims []*claim) error {
	if b.readOnly {
		return ErrReadOnly
	}
	_, err := lostSince(claims)
	return err
}

// checkClaims fails with the claim's error unless every claim's key
// exists with its create revision.
func (b *Backend) checkClaims(ctx context.Context, claims []*claim) error {
	for _, c := range claims {
		resp, err := b.etcd.Get(ctx, c.Key)
		if err != nil {
			return fmt.Errorf("cluster: read the fence key: %w", err)
		}
		if !c.holds(resp.Kvs) {
			c.setLost()
			return fmt.Errorf("cluster: fence key %s with create revision %d: %w", c.Key, c.Revision, c.lostErr)
		}
	}
	return nil
}
