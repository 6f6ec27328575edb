package cluster

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	"go.uber.org/zap"

	"sluice/internal/config"
	"sluice/internal/objectstore"
	"sluice/internal/server"
	storagecluster "sluice/internal/storage/cluster"
)

// Member is a node as the others see it: in <prefix>nodes/<id> while its
// session lives, and as the election's value while it owns the cluster.
type Member struct {
	ID        string    `json:"id"`
	Advertise string    `json:"advertise"`
	Started   time.Time `json:"started"`
}

// Options are what a Node is built from.
type Options struct {
	Config config.Config
	Logger *slog.Logger
	// Server adjusts the options the owner builds its services with
	// (tests shorten heartbeats, say).
	Server func(*server.Options)
}

// Node is one running node of a cluster.
type Node struct {
	cfg     config.Config
	opts    Options
	self    Member
	prefix  string
	log     *slog.Logger
	etcd    *clientv3.Client
	objects *objectstore.S3
	front   *server.Front
	fwd     *forwarder

	role atomic.Pointer[role]
	// sessionLive is whether the node holds a live etcd session (health).
	sessionLive atomic.Bool
	stats       nodeStats

	mu      sync.Mutex
	backend *storagecluster.Backend // the owner's, for /metrics

	peers peers     // the nodes' addresses, whose X-Forwarded-For is believed
	where locations // where each stream runs, for routing
	// creating are the units a create on this node is placing here.
	creating sync.Map
	// loaded are the units this node's services run (the placer's).
	loaded loadedUnits
	replay replayBudget
	// creates serializes the owner's CreateStream calls, each until the
	// node it sent it to has answered: the next one's node then counts
	// the stream against the account's limits (see limitOps).
	creates sync.Mutex

	// metrics gathers the node's own series; runtimeMetrics the Go
	// runtime's and the process's while it serves no services.
	metrics, runtimeMetrics *prometheus.Registry
}

// role is what the node does with a request now.
type role struct {
	// srv is the services this node runs: a worker's (Data Streams, the
	// streams placed here) or, while it owns the cluster, all of them.
	srv *server.Server
	// coordinating is set while srv is the owner's: every service, the
	// placement of streams, the creates.
	coordinating bool
	// owning is true from winning the election until the owner's services
	// are closed (srv is nil while they open).
	owning bool
	// leader is the owner to forward to (zero when unknown).
	leader Member
}

// New connects to etcd and prepares the node; Run serves.
func New(opts Options) (*Node, error) {
	cfg := opts.Config
	if !cfg.Cluster.Enabled() {
		return nil, errors.New("cluster: --cluster-etcd is not set")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	id := cfg.Cluster.ResolvedNodeID()
	log = log.With("node", id)
	etcd, err := Connect(cfg.Cluster)
	if err != nil {
		return nil, err
	}
	front, err := server.NewFront(cfg, log)
	if err != nil {
		etcd.Close()
		return nil, err
	}
	n := &Node{
		cfg:    cfg,
		opts:   opts,
		self:   Member{ID: id, Advertise: cfg.ResolvedAdvertise(), Started: time.Now().UTC()},
		prefix: cfg.Cluster.Prefix,
		log:    log,
		etcd:   etcd,
		objects: objectstore.NewS3(objectstore.S3Options{
			Endpoint: cfg.S3Endpoint, Region: cfg.S3Region, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey, PathStyle: cfg.S3PathStyle,
		}),
		front: front,
	}
	n.fwd = newForwarder(n)
	n.newNodeMetrics()
	n.role.Store(&role{})
	front.SetHandler(n)
	return n, nil
}

// Connect opens an etcd client with the cluster's URLs and TLS settings.
func Connect(c config.Cluster) (*clientv3.Client, error) {
	ec := clientv3.Config{
		Endpoints:            c.EtcdURLs(),
		DialTimeout:          5 * time.Second,
		DialKeepAliveTime:    2 * time.Second,
		DialKeepAliveTimeout: 2 * time.Second,
		// The client's own log (retries, lease revocations) would drown
		// Sluice's; errors reach Sluice as errors.
		Logger: zap.NewNop(),
	}
	if c.EtcdCA != "" || c.EtcdCert != "" {
		t := &tls.Config{MinVersion: tls.VersionTLS12}
		if c.EtcdCA != "" {
			pem, err := os.ReadFile(c.EtcdCA)
			if err != nil {
				return nil, fmt.Errorf("etcd-ca: %w", err)
			}
			t.RootCAs = x509.NewCertPool()
			if !t.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("etcd-ca: %s holds no PEM certificate", c.EtcdCA)
			}
		}
		if c.EtcdCert != "" {
			cert, err := tls.LoadX509KeyPair(c.EtcdCert, c.EtcdKey)
			if err != nil {
				return nil, fmt.Errorf("etcd-cert: %w", err)
			}
			t.Certificates = []tls.Certificate{cert}
		}
		ec.TLS = t
	}
	cli, err := clientv3.New(ec)
	if err != nil {
		return nil, fmt.Errorf("cluster: etcd %v: %w", c.EtcdURLs(), err)
	}
	return cli, nil
}

// Run serves on the configured listeners and takes part in the election
// until ctx ends; then it stops serving, closes the services if it owns
// the cluster (every acknowledged write is committed by then), resigns
// and leaves.
func (n *Node) Run(ctx context.Context) error {
	lns, err := n.front.Listeners("", "")
	if err != nil {
		n.etcd.Close()
		return err
	}
	return n.Serve(ctx, lns...)
}

// ListenTLS binds addr for TLS with the node's certificate (tests bind
// their own listeners and pass them to Serve).
func (n *Node) ListenTLS(addr string) (net.Listener, error) { return n.front.ListenTLS(addr) }

// Serve is Run on listeners the caller bound.
func (n *Node) Serve(ctx context.Context, lns ...net.Listener) error {
	errc := make(chan error, len(lns))
	for _, ln := range lns {
		go func() { errc <- n.front.Serve(ln) }()
	}
	// The election outlives the listeners by the time requests in flight
	// take to finish, so that they finish on open services.
	electCtx, stopElecting := context.WithCancel(context.Background())
	defer stopElecting()
	elected := make(chan struct{})
	go func() {
		defer close(elected)
		n.elect(electCtx)
	}()
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
		n.log.Info("shutting down")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if srv := n.Services(); srv != nil {
		srv.Drain()
	}
	err = errors.Join(err, n.front.ShutdownHTTP(shutdownCtx))
	stopElecting()
	<-elected
	return errors.Join(err, n.etcd.Close())
}

// elect joins the election over and over (each time with a new session,
// since a lapsed one cannot come back) until ctx ends.
func (n *Node) elect(ctx context.Context) {
	for ctx.Err() == nil {
		if err := n.term(ctx); err != nil && ctx.Err() == nil {
			n.log.Warn("cluster session ended; rejoining", "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
}

// term is one session: register, campaign, own the cluster if elected,
// until the session or ctx ends.
func (n *Node) term(ctx context.Context) error {
	ttl := int(n.cfg.Cluster.LeaseTTL / time.Second)
	// The lease is kept alive until this term is over, past ctx: a node
	// that is stopping still owns the cluster while it closes its
	// services (their last commits need the fence), then resigns.
	keep, stopKeeping := context.WithCancel(context.Background())
	defer stopKeeping()
	sess, err := concurrency.NewSession(n.etcd, concurrency.WithTTL(ttl), concurrency.WithContext(keep))
	if err != nil {
		return fmt.Errorf("opening an etcd session: %w", err)
	}
	defer sess.Close() // revokes the lease: the node leaves the registry at once
	n.sessionLive.Store(true)
	defer n.sessionLive.Store(false)
	// sctx ends when ctx does or the lease is lost.
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-sess.Done():
			cancel()
		case <-sctx.Done():
		}
	}()
	me, _ := json.Marshal(n.self)
	fence, err := n.register(sctx, string(me), sess.Lease())
	if err != nil {
		return err
	}
	go n.watchPeers(sctx)
	el := concurrency.NewElection(sess, n.prefix+"owner")
	go n.observe(sctx, el)
	// Until it wins the election, the node serves the streams placed on
	// it, under its registry key as its fence.
	worker, err := n.startServices(sctx, fence, sess.Lease(), false)
	if err != nil {
		return fmt.Errorf("opening the worker's services: %w", err)
	}
	n.setServices(worker.srv, false)
	err = el.Campaign(sctx, string(me))
	n.setServices(nil, false)
	n.stopServices(worker, ctx.Err() != nil)
	if err != nil {
		return fmt.Errorf("campaigning: %w", err)
	}
	return n.own(ctx, sctx, sess, el)
}

// register puts the node's registry key, bound to lease, and returns it
// as the fence of the node's worker services (its create revision).
func (n *Node) register(ctx context.Context, me string, lease clientv3.LeaseID) (storagecluster.Fence, error) {
	key := nodeKey(n.prefix, n.self.ID)
	// A key left by this node's last run (killed before its lease ran
	// out) goes first, so that this run's fence is a new create revision
	// that the last run's can never pass for.
	if _, err := n.etcd.Delete(ctx, key); err != nil {
		return storagecluster.Fence{}, fmt.Errorf("registering: %w", err)
	}
	if _, err := n.etcd.Put(ctx, key, me, clientv3.WithLease(lease)); err != nil {
		return storagecluster.Fence{}, fmt.Errorf("registering: %w", err)
	}
	resp, err := n.etcd.Get(ctx, key)
	switch {
	case err != nil:
		return storagecluster.Fence{}, fmt.Errorf("registering: %w", err)
	case len(resp.Kvs) == 0 || resp.Kvs[0].Lease != int64(lease):
		return storagecluster.Fence{}, errors.New("registering: the registry key lapsed at once")
	}
	return storagecluster.Fence{Key: key, Revision: resp.Kvs[0].CreateRevision}, nil
}

// setServices makes srv the services requests go to (nil: none), keeping
// the owner to forward to.
func (n *Node) setServices(srv *server.Server, coordinating bool) {
	for {
		cur := n.role.Load()
		if n.role.CompareAndSwap(cur, &role{srv: srv, coordinating: coordinating, owning: cur.owning, leader: cur.leader}) {
			return
		}
	}
}

// observe follows the election's leader, to forward to it, until ctx
// ends. etcd ends an observation on any error (a leader change of etcd's
// own, a compacted revision), so it observes again.
func (n *Node) observe(ctx context.Context, el *concurrency.Election) {
	for ctx.Err() == nil {
		for resp := range el.Observe(ctx) {
			if len(resp.Kvs) == 0 {
				continue
			}
			var m Member
			if json.Unmarshal(resp.Kvs[0].Value, &m) != nil || m.ID == n.self.ID {
				continue
			}
			n.follow(m)
		}
		select {
		case <-ctx.Done():
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// follow makes m the owner to forward to, unless this node owns the
// cluster (own's role wins a race with a stale observation).
func (n *Node) follow(m Member) {
	for {
		cur := n.role.Load()
		if cur.owning || cur.leader == m {
			return
		}
		if n.role.CompareAndSwap(cur, &role{srv: cur.srv, leader: m}) {
			n.log.Info("following", "owner", m.ID, "advertise", m.Advertise)
			return
		}
	}
}

// own runs every service while this node holds the election: it places
// the streams (the coordinator) and runs Firehose, Data Analytics, Video
// Streams and channels, and the streams placed on it, under the
// election's key as its fence.
func (n *Node) own(ctx, sctx context.Context, sess *concurrency.Session, el *concurrency.Election) error {
	n.role.Store(&role{owning: true})
	n.stats.ownerships.Add(1)
	start := time.Now()
	n.log.Info("elected owner; opening the services", "lease", fmt.Sprintf("%x", sess.Lease()))
	svcs, err := n.startServices(sctx, storagecluster.Fence{Key: el.Key(), Revision: el.Rev()}, sess.Lease(), true)
	if err != nil {
		n.resign(el)
		n.role.Store(&role{})
		return fmt.Errorf("opening the services: %w", err)
	}
	n.role.Store(&role{owning: true, coordinating: true, srv: svcs.srv})
	n.log.Info("serving as owner", "opened_in", time.Since(start).Round(time.Millisecond))
	<-sctx.Done()
	lost := ctx.Err() == nil
	// Stop taking requests here first: followers and clients retry.
	n.role.Store(&role{owning: true})
	n.stopServices(svcs, !lost)
	if !lost {
		n.resign(el)
	}
	n.role.Store(&role{})
	if lost {
		n.stats.fenced.Add(1)
		return errors.New("the lease lapsed while owning the cluster; its commits are fenced off")
	}
	return nil
}

// resign gives the election up at once, so another node need not wait for
// the lease to lapse.
func (n *Node) resign(el *concurrency.Election) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := el.Resign(ctx); err != nil {
		n.log.Debug("resigning", "err", err)
	}
}

// nodeStats are the node's own counters (/metrics).
type nodeStats struct {
	ownerships atomic.Int64
	fenced     atomic.Int64
	forwarded  atomic.Int64
	refused    atomic.Int64
}

// Server returns the services while this node owns the cluster and they
// are open, else nil (tests reach the services through it).
func (n *Node) Server() *server.Server {
	if cur := n.role.Load(); cur.coordinating {
		return cur.srv
	}
	return nil
}

// Services returns the services this node runs now, a worker's or the
// owner's, or nil.
func (n *Node) Services() *server.Server { return n.role.Load().srv }

// ID is the node's ID.
func (n *Node) ID() string { return n.self.ID }

// Leader is the owner this node forwards to ("" when it owns the cluster
// or knows no owner).
func (n *Node) Leader() string { return n.role.Load().leader.ID }

func (n *Node) statusForConsole(ctx context.Context) (any, error) {
	return ReadStatus(ctx, n.etcd, n.prefix)
}
