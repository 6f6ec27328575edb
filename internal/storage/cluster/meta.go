package cluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"sluice/internal/storage"
)

// etcdMeta is the MetaStore on etcd: every key under <prefix>meta/. Reads
// are linearizable; Update is an optimistic transaction (see Update).
type etcdMeta struct {
	b *Backend
}

// Update retries fn this many times when other writers changed what it
// read.
const maxUpdateAttempts = 10

// errConflict is returned by Update when fn kept reading keys that changed
// before it could commit.
var errConflict = errors.New("cluster: metadata transaction kept conflicting with other writers")

func (m *etcdMeta) Get(ctx context.Context, key string) ([]byte, error) {
	resp, err := m.b.etcd.Get(ctx, m.b.keys.meta()+key)
	if err != nil {
		return nil, err
	}
	if len(resp.Kvs) == 0 {
		return nil, storage.ErrNotFound
	}
	return resp.Kvs[0].Value, nil
}

func (m *etcdMeta) Scan(ctx context.Context, prefix string, fn func(key string, value []byte) error) error {
	base := m.b.keys.meta()
	_, err := m.b.scan(ctx, base+prefix, 0, func(kv *mvccpb.KeyValue) error {
		return fn(string(kv.Key[len(base):]), kv.Value)
	})
	return err
}

func (m *etcdMeta) Close() error { return nil }

// Update runs fn against a transaction that reads from etcd (remembering
// each key's ModRevision, 0 when absent) and buffers its writes (reads see
// them), then commits them in one etcd transaction guarded by the fence and
// by every key read being unchanged. When a read key changed meanwhile, fn
// runs again on fresh reads.
func (m *etcdMeta) Update(ctx context.Context, fn func(tx storage.MetaTx) error) error {
	for attempt := range maxUpdateAttempts {
		if attempt > 0 {
			// Back off a random while, so that writers of one key do not
			// keep colliding.
			select {
			case <-time.After(time.Duration(rand.Int64N(int64(time.Millisecond) << min(attempt, 6)))):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if err := m.b.writable(); err != nil {
			return fmt.Errorf("cluster: metadata update: %w", err)
		}
		tx := &etcdTx{ctx: ctx, m: m, reads: map[string]txRead{}, writes: map[string]txWrite{}}
		if err := fn(tx); err != nil {
			return err
		}
		if len(tx.writes) == 0 {
			return nil
		}
		cmps, ops := tx.txn()
		claims := m.b.recs.placed.forMeta(slices.Collect(maps.Keys(tx.writes)), m.b.claims)
		ok, err := m.b.commitUnder(ctx, claims, cmps, ops)
		if err != nil {
			return tx.explain(err, len(cmps)+len(claims), len(ops))
		}
		if ok {
			return nil
		}
	}
	return errConflict
}

// etcdTx is one attempt of an Update.
type etcdTx struct {
	ctx    context.Context
	m      *etcdMeta
	reads  map[string]txRead  // etcd key -> what was read
	writes map[string]txWrite // etcd key -> the last write
}

type txRead struct {
	value  []byte // nil when absent
	modRev int64  // 0 when absent
}

type txWrite struct {
	value  []byte
	delete bool
}

func (t *etcdTx) Get(key string) ([]byte, error) {
	k := t.m.b.keys.meta() + key
	if w, ok := t.writes[k]; ok {
		if w.delete {
			return nil, storage.ErrNotFound
		}
		return bytes.Clone(w.value), nil
	}
	r, ok := t.reads[k]
	if !ok {
		resp, err := t.m.b.etcd.Get(t.ctx, k)
		if err != nil {
			return nil, err
		}
		if len(resp.Kvs) > 0 {
			r = txRead{value: resp.Kvs[0].Value, modRev: resp.Kvs[0].ModRevision}
		}
		t.reads[k] = r
	}
	if r.modRev == 0 {
		return nil, storage.ErrNotFound
	}
	return bytes.Clone(r.value), nil
}

func (t *etcdTx) Put(key string, value []byte) error {
	if key == "" {
		return errors.New("cluster: empty key")
	}
	t.writes[t.m.b.keys.meta()+key] = txWrite{value: bytes.Clone(value)}
	return nil
}

func (t *etcdTx) Delete(key string) error {
	t.writes[t.m.b.keys.meta()+key] = txWrite{delete: true}
	return nil
}

// txn returns the compares (every key read unchanged) and the operations
// (the last write of each key: etcd refuses two on one key), in key order.
func (t *etcdTx) txn() ([]clientv3.Cmp, []clientv3.Op) {
	cmps := make([]clientv3.Cmp, 0, len(t.reads))
	for _, k := range slices.Sorted(maps.Keys(t.reads)) {
		cmps = append(cmps, clientv3.Compare(clientv3.ModRevision(k), "=", t.reads[k].modRev))
	}
	ops := make([]clientv3.Op, 0, len(t.writes))
	for _, k := range slices.Sorted(maps.Keys(t.writes)) {
		if w := t.writes[k]; w.delete {
			ops = append(ops, clientv3.OpDelete(k))
		} else {
			ops = append(ops, clientv3.OpPut(k, string(w.value)))
		}
	}
	return cmps, ops
}

// explain words etcd's refusals of a transaction that is too large for it.
func (t *etcdTx) explain(err error, cmps, ops int) error {
	switch {
	case errors.Is(err, rpctypes.ErrTooManyOps):
		return fmt.Errorf("cluster: a metadata transaction of %d writes and %d compares is over etcd's limit "+
			"(%d by default; raise etcd's --max-txn-ops): %w", ops, cmps, maxTxnOps, err)
	case errors.Is(err, rpctypes.ErrRequestTooLarge) || status.Code(err) == codes.ResourceExhausted:
		key, size := "", 0
		for k, w := range t.writes {
			if len(w.value) > size {
				key, size = k, len(w.value)
			}
		}
		return fmt.Errorf("cluster: a metadata transaction is too large for etcd (its largest value, %s, has %d bytes; "+
			"etcd takes requests up to 1.5 MiB by default, --max-request-bytes): %w",
			key[len(t.m.b.keys.meta()):], size, err)
	}
	return err
}

// scanPage is how many keys one etcd range request returns.
const scanPage = 1000

// scan calls fn for every key with prefix, in key order, paging through
// them at one revision (rev, or the current one when 0) so that the whole
// scan is one consistent snapshot. It returns the revision read.
func (b *Backend) scan(ctx context.Context, prefix string, rev int64, fn func(kv *mvccpb.KeyValue) error) (int64, error) {
	return scanEtcd(ctx, b.etcd, prefix, rev, fn)
}

// scanEtcd is Backend.scan with the client given (for the operator's
// commands, which open no backend).
func scanEtcd(ctx context.Context, etcd *clientv3.Client, prefix string, rev int64, fn func(kv *mvccpb.KeyValue) error) (int64, error) {
	end := clientv3.GetPrefixRangeEnd(prefix)
	from := prefix
	for {
		opts := []clientv3.OpOption{clientv3.WithRange(end), clientv3.WithLimit(scanPage)}
		if rev > 0 {
			opts = append(opts, clientv3.WithRev(rev))
		}
		resp, err := etcd.Get(ctx, from, opts...)
		if err != nil {
			return 0, err
		}
		if rev == 0 {
			rev = resp.Header.Revision
		}
		for _, kv := range resp.Kvs {
			if err := fn(kv); err != nil {
				return 0, err
			}
		}
		if !resp.More || len(resp.Kvs) == 0 {
			return rev, nil
		}
		from = string(resp.Kvs[len(resp.Kvs)-1].Key) + "\x00"
	}
}
