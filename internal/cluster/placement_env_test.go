package cluster

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"
	"go.uber.org/zap"

	"sluice/internal/cluster/clustertest"
	storagecluster "sluice/internal/storage/cluster"
)

// placementEnv runs placers and a coordinator on one etcd, with loads and
// drops recorded instead of services: which node holds each unit, under
// which fence, and every time two nodes held one unit at once.
type placementEnv struct {
	t      *testing.T
	urls   []string
	admin  *clientv3.Client
	prefix string

	mu       sync.Mutex
	units    []planUnit
	links    [][2]string
	holder   map[string]string               // unit → node holding it
	fence    map[string]storagecluster.Fence // unit → the fence it was loaded under
	overlaps []string
	dead     map[string]bool   // crashed nodes, whose drops no longer count
	failing  map[string]string // unit -> the node whose loads of it fail
}

func newPlacementEnv(t *testing.T, units ...string) *placementEnv {
	e := &placementEnv{t: t, urls: clustertest.StartEtcd(t, 1).ClientURLs(), prefix: "/sluice/",
		holder: map[string]string{}, fence: map[string]storagecluster.Fence{}, dead: map[string]bool{}}
	e.admin = e.client()
	for _, u := range units {
		e.units = append(e.units, planUnit{ID: u, Weight: 1})
	}
	return e
}

func (e *placementEnv) client() *clientv3.Client {
	c, err := clientv3.New(clientv3.Config{Endpoints: e.urls, DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { c.Close() })
	return c
}

// placementNode is a node of the test: its own etcd client and session,
// its registry key and its placer.
type placementNode struct {
	id     string
	etcd   *clientv3.Client
	sess   *concurrency.Session
	stop   context.CancelFunc
	done   chan struct{}
	stuck  chan struct{} // when set, drops wait for it to close
	stuckM sync.Mutex
}

// start registers node id with a 2 s lease and runs its placer; it
// coordinates too when coordinates is set.
func (e *placementEnv) start(id string, coordinates bool) *placementNode {
	n := &placementNode{id: id, etcd: e.client(), done: make(chan struct{})}
	sess, err := concurrency.NewSession(n.etcd, concurrency.WithTTL(2))
	if err != nil {
		e.t.Fatal(err)
	}
	n.sess = sess
	if _, err := n.etcd.Put(e.t.Context(), nodeKey(e.prefix, id), id, clientv3.WithLease(sess.Lease())); err != nil {
		e.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.stop = cancel
	log := slog.New(slog.DiscardHandler)
	p := &placer{etcd: n.etcd, prefix: e.prefix, self: id, log: log,
		load: func(_ context.Context, unit string, f storagecluster.Fence) error { return e.loaded(id, unit, f) },
		drop: func(unit string) {
			n.waitUnstuck()
			time.Sleep(20 * time.Millisecond) // a flush: a new owner loading meanwhile would overlap
			e.dropped(id, unit)
		}}
	var wg sync.WaitGroup
	wg.Go(func() { p.run(ctx) })
	if coordinates {
		c := &coordinator{etcd: n.etcd, prefix: e.prefix, self: id, units: e.source, log: log, now: time.Now,
			interval: 100 * time.Millisecond, handoffTimeout: time.Second, rebalanceEvery: 100 * time.Millisecond}
		wg.Go(func() { c.run(ctx) })
	}
	go func() { wg.Wait(); close(n.done) }()
	e.t.Cleanup(func() { n.unstick(); cancel(); <-n.done })
	return n
}

func (n *placementNode) stick() {
	n.stuckM.Lock()
	defer n.stuckM.Unlock()
	n.stuck = make(chan struct{})
}

func (n *placementNode) unstick() {
	n.stuckM.Lock()
	defer n.stuckM.Unlock()
	if n.stuck != nil {
		close(n.stuck)
		n.stuck = nil
	}
}

func (n *placementNode) waitUnstuck() {
	n.stuckM.Lock()
	ch := n.stuck
	n.stuckM.Unlock()
	if ch != nil {
		<-ch
	}
}

// crash ends the node as kill -9 would: its etcd client closes (the lease
// lapses on its own) and nothing it held counts any more.
func (e *placementEnv) crash(n *placementNode) {
	e.mu.Lock()
	e.dead[n.id] = true
	for u, h := range e.holder {
		if h == n.id {
			delete(e.holder, u)
		}
	}
	e.mu.Unlock()
	n.etcd.Close()
}

func (e *placementEnv) source(context.Context) ([]planUnit, [][2]string, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.units), slices.Clone(e.links), nil
}

func (e *placementEnv) loaded(node, unit string, f storagecluster.Fence) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.dead[node] {
		return nil
	}
	if e.failing[unit] == node {
		return fmt.Errorf("%s cannot load %s", node, unit)
	}
	if h := e.holder[unit]; h != "" && h != node {
		e.overlaps = append(e.overlaps, fmt.Sprintf("%s loaded on %s while %s held it", unit, node, h))
	}
	e.holder[unit], e.fence[unit] = node, f
	return nil
}

func (e *placementEnv) dropped(node, unit string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.holder[unit] == node {
		delete(e.holder, unit)
	}
}

// setUnits changes the units the coordinator places.
func (e *placementEnv) setUnits(f func([]planUnit) []planUnit) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.units = f(e.units)
}

// counts returns how many units each node holds, and how many are held.
func (e *placementEnv) counts() (map[string]int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]int{}
	for _, h := range e.holder {
		out[h]++
	}
	return out, len(e.holder)
}

func (e *placementEnv) fenceOf(unit string) storagecluster.Fence {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.fence[unit]
}

func (e *placementEnv) holderOf(unit string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.holder[unit]
}

// waitFor polls cond for up to 15 s.
func (e *placementEnv) waitFor(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			c, held := e.counts()
			e.t.Fatalf("waiting for %s: held %d, by node %v", what, held, c)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// spread waits until every unit is held, perNode on each of nodes.
func (e *placementEnv) spread(total int, perNode map[string]int) {
	e.t.Helper()
	e.waitFor(fmt.Sprintf("%d units spread as %v", total, perNode), func() bool {
		c, held := e.counts()
		if held != total || len(c) != len(perNode) {
			return false
		}
		for n, want := range perNode {
			if c[n] != want {
				return false
			}
		}
		return true
	})
}

// noOverlaps fails the test if two nodes ever held a unit at once.
func (e *placementEnv) noOverlaps() {
	e.t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.overlaps) > 0 {
		e.t.Fatalf("units held by two nodes at once: %v", e.overlaps)
	}
}
