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
	"sluice/internal/video"
)

// services is what a node runs in one role: its storage backend and
// services (a worker's or the owner's), the followers of other nodes'
// changes, the placer of the units placed on it and, on the owner, the
// coordinator.
type services struct {
	srv     *server.Server
	backend *storagecluster.Backend
	placer  *placer
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// startServices opens the backend under fence and the services over it:
// every service on the owner (coordinating); Data Streams, Firehose, Data
// Analytics and Video Streams on a worker. Every unit starts remote
// (metadata only); the placer loads those whose placement keys name this
// node.
func (n *Node) startServices(sctx context.Context, fence storagecluster.Fence, lease clientv3.LeaseID, coordinating bool) (*services, error) {
	so := server.Options{Config: n.cfg, Logger: n.log}
	if n.opts.Server != nil {
		n.opts.Server(&so)
	}
	var backend *storagecluster.Backend
	// A unit created here is placed here from the start: its key, then
	// its log's fence, before anything of it is written.
	place := func(ctx context.Context, unit string) error {
		f, err := n.placeHere(ctx, unit, lease)
		if err != nil {
			return err
		}
		return backend.Place(unit, f)
	}
	tune, tuneFirehose, tuneAnalytics, tuneVideo := so.Tune, so.TuneFirehose, so.TuneAnalytics, so.TuneVideo
	so.Tune = func(c *streams.Config) {
		if tune != nil {
			tune(c)
		}
		c.Owns = func(string) bool { return false }
		c.Place = place
	}
	// A worker's delivery errors go to the owner's log (errorrelay.go).
	var relay *errorRelay
	if !coordinating {
		relay = newErrorRelay(n.etcd, n.prefix, n.self.ID, lease, n.log)
	}
	so.TuneFirehose = func(c *firehose.Config) {
		if tuneFirehose != nil {
			tuneFirehose(c)
		}
		if relay != nil {
			c.Errors = relay
		}
		c.Owns = func(string) bool { return false }
		c.Place = func(ctx context.Context, id string) error { return place(ctx, firehose.LogPrefix+id) }
	}
	so.TuneVideo = func(c *video.Config) {
		if tuneVideo != nil {
			tuneVideo(c)
		}
		c.Owns = func(string) bool { return false }
		c.Place = func(ctx context.Context, id string) error { return place(ctx, video.LogPrefix+id) }
	}
	so.TuneAnalytics = func(c *analytics.Config) {
		if tuneAnalytics != nil {
			tuneAnalytics(c)
		}
		c.Owns = func(string) bool { return false }
		c.Place = func(ctx context.Context, a *analytics.Application) error {
			unit := applicationUnit + a.ID
			if err := place(ctx, unit); err != nil {
				return err
			}
			return backend.FenceMeta(unit, analytics.FencedKeys(a)...)
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
	if relay != nil {
		s.wg.Go(func() { relay.run(ctx) })
	} else if sink := srv.DeliveryErrors(); sink != nil {
		s.wg.Go(func() { consumeRelayedErrors(ctx, n.etcd, n.prefix, sink, n.log) })
	}
	fh, apps := srv.Firehose(), srv.Analytics()
	s.follow(ctx, n, streams.StreamsPrefix, svc.Follow, svc.FollowAll)
	s.follow(ctx, n, firehose.DeliveryStreamsPrefix, fh.Follow, fh.FollowAll)
	s.follow(ctx, n, analytics.ApplicationsPrefix, apps.Follow, apps.FollowAll)
	s.follow(ctx, n, video.VideoStreamsPrefix, srv.Video().Follow, srv.Video().FollowAll)
	s.wg.Go(func() {
		backend.WatchMeta(ctx, streams.AccountsPrefix, func(string) {
			if err := svc.FollowAccounts(ctx); err != nil && ctx.Err() == nil {
				n.log.Warn("following the accounts' settings", "err", err)
			}
		})
	})
	p := &placer{etcd: n.etcd, prefix: n.prefix, self: n.self.ID, log: n.log, where: &n.where, loaded: &n.loaded,
		load: func(ctx context.Context, unit string, f storagecluster.Fence) error {
			if _, ok := n.creating.LoadAndDelete(unit); ok {
				return nil // being created here under f: the create places it
			}
			// Any other unit runs here under its placement's fence
			// only: one it ran unplaced (none should) is let go first.
			dropUnit(srv, unit)
			if err := backend.Place(unit, f); err != nil {
				return err
			}
			return loadUnit(ctx, srv, backend, unit)
		},
		drop: func(unit string) { dropUnit(srv, unit) },
	}
	s.placer = p
	if coordinating {
		c := &coordinator{etcd: n.etcd, prefix: n.prefix, self: n.self.ID, log: n.log, now: time.Now,
			units: func(context.Context) ([]planUnit, [][2]string, error) {
				units, links := clusterUnits(srv)
				return units, links, nil
			},
			interval:       time.Second,
			rebalanceEvery: n.cfg.Cluster.RebalanceInterval,
			watch: []string{storagecluster.MetaPrefix(n.prefix) + streams.StreamsPrefix,
				storagecluster.MetaPrefix(n.prefix) + firehose.DeliveryStreamsPrefix,
				storagecluster.MetaPrefix(n.prefix) + analytics.ApplicationsPrefix,
				storagecluster.MetaPrefix(n.prefix) + video.VideoStreamsPrefix},
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

// follow hands every change of the metadata under prefix that another
// node makes to one (key) or all ("": the watch started over) of the
// service's Follow functions.
func (s *services) follow(ctx context.Context, n *Node, prefix string, one func(context.Context, string) error, all func(context.Context) error) {
	s.wg.Go(func() {
		s.backend.WatchMeta(ctx, prefix, func(key string) {
			var err error
			if key == "" {
				err = all(ctx)
			} else {
				err = one(ctx, key)
			}
			if err != nil && ctx.Err() == nil {
				n.log.Warn("following another node's change", "key", key, "err", err)
			}
		})
	})
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
