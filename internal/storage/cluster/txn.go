package cluster

import (
	"context"
	"errors"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// Every etcd write of the backend goes through commitUnder (commit, for
// the backend's fence alone), with the fence compares first: a node whose
// election key is gone (its lease lapsed, so another node may own the
// cluster now) can never commit, whatever it believes; nor can it commit
// for a placed log whose own key is gone (claim.go).

// maxTxnOps is etcd's default limit of operations (and of compares) in one
// transaction (--max-txn-ops). The backend's own transactions stay under it,
// with room for the fence compares (two for a placed log).
const maxTxnOps = 128

// commit runs one transaction under the backend's fence (see
// commitUnder).
func (b *Backend) commit(ctx context.Context, cmps []clientv3.Cmp, ops []clientv3.Op) (ok bool, err error) {
	return b.commitUnder(ctx, b.claims, cmps, ops)
}

// ErrReadOnly is returned (wrapped) by every write of a backend opened
// with OpenReadOnly.
var ErrReadOnly = errors.New("cluster: this node reads these logs and does not own them: writes go to their owner")

// writable returns why the backend cannot write now, or nil.
func (b *Backend) writable() error { return b.writableUnder(b.claims) }

// fenced tells whether the backend's own fence was found gone.
func (b *Backend) fenced() bool { return b.own.lost.Load() }

// checkFence fails with ErrFenced unless the fence key exists with its
// create revision.
func (b *Backend) checkFence(ctx context.Context) error { return b.checkClaims(ctx, b.claims) }
