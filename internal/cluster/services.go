package cluster

import (
	"context"
	"errors"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"sluice/internal/analytics"
	"sluice/internal/firehose"
	"sluice/internal/server"
	storagecluster "sluice/internal/storage/cluster"
	"sluice/internal/streams"
)

// services is what a node runs in one role: its storage backend and
// services (a worker's or the owner's), the follower of other nodes'
// stream changes, the placer of the streams placed on it and, on the
// owner, the coordinator.
type services struct {
	srv     *server.Server
	backend *storagecluster.Backend
	placer  *placer
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// startServices opens the backend under fence and the services over it:
// every service on the owner (coordinating), Data Streams only on a
// worker. The streams start remote (metadata only); the placer loads
// those whose placement keys name this node.
func (n *Node) startServices(sctx context.Context, fence storagecluster.Fence, lease clientv3.LeaseID, coordinating bool) (*services, error) {
	so := server.Options{Config: n.cfg, Logger: n.log}
	if n.opts.Server != nil {
		n.opts.Server(&so)
	}
	var backend *storagecluster.Backend
	tune := so.Tune
	so.Tune = func(c *streams.Config) {
		if tune != nil {
			tune(c)
		}
		c.Owns = func(string) bool { return false }
		// A stream created here is placed here from the start.
		c.Place = func(ctx context.Context, id string) error {
			f, err := n.placeHere(ctx, id, lease)
			if err != nil {
				return err
			}
			return backend.Place(id, f)
		}
	}
	backend, err := storagecluster.Open(sctx, storagecluster.Options{
		Etcd:          n.etcd,
		Prefix:        n.prefix,
		Objects:       n.objects,
		Bucket:        n.cfg.Cluster.Bucket,
		Fence:         fence,
		Now:           so.Now,
		FlushInterval: n.cfg.Cluster.FlushInterval,
		Logger:        n.log,
	})
	if err != nil {
		return nil, err
	}
	so.Backend = backend
	var srv *server.Server
	if coordinating {
		so.ClusterStatus = n.statusForConsole
		srv, err = server.New(sctx, so)
	} else {
		srv, err = server.NewWorker(sctx, so)
	}
	if err != nil {
		backend.Close()
		return nil, err
	}
	svc := srv.Streams()
	if coordinating {
		// Logs without metadata: a deletion to finish, a restore, or
		// metadata lost (quarantined). Those of streams being created
		// have a placement key already.
		keys, _, _, err := readPlacements(sctx, n.etcd, n.prefix)
		if err == nil {
			err = svc.DisownOrphans(sctx, func(id string) bool { _, ok := keys[id]; return ok })
		}
		if err != nil {
			n.log.Warn("settling the logs without metadata; they are left for the next owner", "err", err)
		}
	}
	ctx, cancel := context.WithCancel(sctx)
	s := &services{srv: srv, backend: backend, cancel: cancel}
	s.wg.Go(func() {
		backend.WatchMeta(ctx, streams.StreamsPrefix, func(key string) {
			var err error
			if key == "" {
				err = svc.FollowAll(ctx)
			} else {
				err = svc.Follow(ctx, key)
			}
			if err != nil && ctx.Err() == nil {
				n.log.Warn("following another node's change of a stream", "key", key, "err", err)
			}
		})
	})
	s.wg.Go(func() {
		backend.WatchMeta(ctx, streams.AccountsPrefix, func(string) {
			if err := svc.FollowAccounts(ctx); err != nil && ctx.Err() == nil {
				n.log.Warn("following the accounts' settings", "err", err)
			}
		})
	})
	p := &placer{etcd: n.etcd, prefix: n.prefix, self: n.self.ID, log: n.log, where: &n.where,
		load: func(ctx context.Context, id string, f storagecluster.Fence) error {
			if _, ok := n.creating.LoadAndDelete(id); ok {
				return nil // being created here under f: CreateStream places it
			}
			// Any other stream runs here under its placement's fence
			// only: one it ran unplaced (none should) is let go first.
			svc.DropStream(id)
			if err := backend.Place(id, f); err != nil {
				return err
			}
			return svc.LoadStream(ctx, id)
		},
		drop: svc.DropStream,
	}
	s.placer = p
	if coordinating {
		c := &coordinator{etcd: n.etcd, prefix: n.prefix, self: n.self.ID, log: n.log, now: time.Now,
			units:          func(context.Context) ([]planUnit, [][2]string, error) { return streamUnits(srv), nil, nil },
			interval:       time.Second,
			rebalanceEvery: n.cfg.Cluster.RebalanceInterval,
			watch:          []string{storagecluster.MetaPrefix(n.prefix) + streams.StreamsPrefix},
			handoffTimeout: 2 * n.cfg.Cluster.LeaseTTL,
		}
		// The streams of the nodes that left (the last owner among them)
		// are placed, and those placed here loaded, before the owner
		// takes requests.
		if err := c.round(ctx); err != nil {
			n.log.Warn("placing the streams", "err", err)
		}
		p.ready = make(chan struct{})
		ready := p.ready
		s.wg.Go(func() { c.run(ctx) })
		s.wg.Go(func() { p.run(ctx) })
		select {
		case <-ready:
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
			n.log.Warn("the streams placed here are still loading; serving meanwhile")
		}
	} else {
		s.wg.Go(func() { p.run(ctx) })
	}
	n.mu.Lock()
	n.backend = backend
	n.mu.Unlock()
	return s, nil
}

// stopServices drops the streams placed here (their writes committed
// under their fences), then closes the services and the backend. When the
// node is leaving, the streams' placement keys go too, so that the owner
// places them elsewhere at once.
func (n *Node) stopServices(s *services, leaving bool) {
	s.placer.leaving.Store(leaving)
	s.cancel()
	s.wg.Wait()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.srv.Drain()
	if err := s.srv.Close(ctx); err != nil {
		n.log.Warn("closing the services", "err", err)
	}
	n.mu.Lock()
	if n.backend == s.backend {
		n.backend = nil
	}
	n.mu.Unlock()
}

// streamUnits lists the streams for the coordinator's plan: each weighs
// its open shards; one that a Firehose delivery stream reads (a channel's
// included) or a Data Analytics application reads or writes is pinned to
// the owner, where those services run and read it in process; one the
// owner runs without a placement key (created there) is marked Here.
func streamUnits(srv *server.Server) []planUnit {
	pinned := map[string]bool{} // by stream ARN
	srv.Firehose().Each(func(ds *firehose.DeliveryStream, _ *firehose.Metrics) {
		if ds.Source != nil {
			pinned[ds.Source.StreamARN] = true
		}
	})
	srv.Analytics().Each(func(a *analytics.Application) {
		for _, in := range a.Inputs {
			pinned[in.Source.ARN] = true
		}
		for _, out := range a.Outputs {
			pinned[out.Destination.ARN] = true
		}
	})
	all, owned := srv.Streams().Snapshots()
	units := make([]planUnit, 0, len(all))
	for i, st := range all {
		units = append(units, planUnit{ID: st.ID, Weight: len(st.OpenShards()), Pinned: pinned[st.ARN()], Here: owned[i]})
	}
	return units
}

// placeHere creates the placement key of a new unit for this node, bound
// to its session lease, and returns it as the unit's fence. It fails if
// the unit has a key already, or the node's registration lapsed.
func (n *Node) placeHere(ctx context.Context, unit string, lease clientv3.LeaseID) (storagecluster.Fence, error) {
	// The placer sees the key as soon as it is put, before the create
	// has written anything: it leaves the unit to the create.
	n.creating.Store(unit, true)
	rev, err := createPlacement(ctx, n.etcd, n.prefix, unit, n.self.ID, lease)
	switch {
	case err != nil:
		// Unknown whether it was put: if it was, the placer loads the
		// unit, finds nothing, and refuses the key.
		n.creating.Delete(unit)
		return storagecluster.Fence{}, err
	case rev == 0:
		n.creating.Delete(unit)
		return storagecluster.Fence{}, errors.New("the unit is placed already, or this node's registration lapsed")
	}
	return storagecluster.Fence{Key: placementKey(n.prefix, unit), Revision: rev}, nil
}
