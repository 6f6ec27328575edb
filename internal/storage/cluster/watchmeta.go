package cluster

import (
	"context"
	"errors"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// WatchMeta follows the MetaStore keys under prefix, as another node's
// services change them, until ctx ends: changed is called with the key of
// every put and delete, in commit order, one call at a time. It is first
// called with "" once the watch is established, and again whenever the
// watch had to start over (etcd lost its leader or was unreachable, or
// compacted revisions the watch needed): "" means "reread everything
// under prefix", since changes in between may be missed; a key after ""
// is a change newer than that reread can have missed. A read-only
// backend can watch too.
func (b *Backend) WatchMeta(ctx context.Context, prefix string, changed func(key string)) {
	delay := followRetry
	for {
		err := b.watchMetaOnce(ctx, prefix, changed, func() { delay = followRetry })
		if ctx.Err() != nil {
			return
		}
		b.log.Warn("following metadata: the etcd watch broke; starting over", "prefix", prefix, "err", err, "retry_in", delay)
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return
		}
		delay = min(2*delay, maxFollowRetry)
	}
}

// watchMetaOnce watches from the current revision: it reads the revision
// first, starts the watch just after it, and calls changed("") before any
// event, so that the caller's reread sees at least that revision and every
// later change comes as an event.
func (b *Backend) watchMetaOnce(ctx context.Context, prefix string, changed func(string), established func()) error {
	base := b.keys.meta()
	rctx, cancel := context.WithTimeout(ctx, b.opts.tuning.opTimeout)
	resp, err := b.etcd.Get(rctx, base+prefix, clientv3.WithPrefix(), clientv3.WithCountOnly())
	cancel()
	if err != nil {
		return err
	}
	wctx, stop := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer stop()
	wch := b.etcd.Watch(wctx, base+prefix, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1))
	changed("")
	established()
	for resp := range wch {
		if err := resp.Err(); err != nil {
			return err
		}
		for _, ev := range resp.Events {
			changed(string(ev.Kv.Key[len(base):]))
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return errors.New("the watch ended")
}
