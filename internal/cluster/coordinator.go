package cluster

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// unitSource lists the units to place (Node is filled in by the
// coordinator from the placement keys) and the links between them
// (planLinked).
type unitSource func(ctx context.Context) (units []planUnit, links [][2]string, err error)

// coordinator runs on the election's winner: round after round it reads
// the live nodes, the placement keys and the units, plans (planLinked) and
// carries the plan out on the placement keys (placement.go).
type coordinator struct {
	etcd   *clientv3.Client
	prefix string
	self   string
	units  unitSource
	// handoffTimeout is how long an old owner has to let a unit go before
	// its key is deleted (fencing it off).
	handoffTimeout time.Duration
	// interval is the time between rounds when nothing changes.
	interval time.Duration
	// rebalanceEvery is how often units that run on a live node may move
	// only to even loads out (0: never); lastRebalance when they last
	// could (a coordinator starts the clock when it starts).
	rebalanceEvery time.Duration
	lastRebalance  time.Time
	// watch are more key prefixes whose changes start a round (the units'
	// metadata: a new stream is placed at once).
	watch []string
	log   *slog.Logger
	now   func() time.Time

	// asked is when this coordinator first saw each handoff, by unit and
	// the key's mod revision then.
	asked map[string]handoffSeen
	// handedTo is where each unit handed off goes once its old owner has
	// let go and deleted the key.
	handedTo map[string]string
	// gone is when this coordinator first found a placement key of a unit
	// that does not exist: a node creating a unit places it before its
	// metadata is written, so such a key is deleted only once it has been
	// without a unit for the handoff timeout.
	gone map[string]time.Time
}

// goneAWhile notes that unit's key has no unit, and tells whether that
// has lasted the handoff timeout.
func (c *coordinator) goneAWhile(unit string) bool {
	if c.gone == nil {
		c.gone = map[string]time.Time{}
	}
	since, ok := c.gone[unit]
	if !ok {
		c.gone[unit] = c.now()
		return false
	}
	return c.now().Sub(since) >= c.handoffTimeout
}

type handoffSeen struct {
	modRevision int64
	since       time.Time
}

// run plans rounds until ctx ends: every interval, and soon after a node
// joins or leaves or a placement key changes.
func (c *coordinator) run(ctx context.Context) {
	kick := make(chan struct{}, 1)
	for _, prefix := range append([]string{c.prefix + "nodes/", placementPrefix(c.prefix)}, c.watch...) {
		go c.watchKeys(ctx, prefix, kick)
	}
	tick := time.NewTicker(c.interval)
	defer tick.Stop()
	for {
		if err := c.round(ctx); err != nil && ctx.Err() == nil {
			c.log.Warn("placement round", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-kick:
		case <-tick.C:
		}
	}
}

// watchKeys signals kick whenever a key under prefix changes.
func (c *coordinator) watchKeys(ctx context.Context, prefix string, kick chan<- struct{}) {
	for ctx.Err() == nil {
		for range c.etcd.Watch(clientv3.WithRequireLeader(ctx), prefix, clientv3.WithPrefix()) {
			select {
			case kick <- struct{}{}:
			default:
			}
		}
		select {
		case <-ctx.Done():
		case <-time.After(c.interval):
		}
	}
}

// round plans once and carries the plan out. Keys are only ever changed
// under a compare with what was read, so a round that raced with a node
// leaving or an owner letting go changes nothing and the next one plans
// again.
func (c *coordinator) round(ctx context.Context) error {
	leases, err := c.liveNodes(ctx)
	if err != nil {
		return err
	}
	keys, bad, _, err := readPlacements(ctx, c.etcd, c.prefix)
	if err != nil {
		return err
	}
	units, links, err := c.units(ctx)
	if err != nil {
		return err
	}
	var errs []error
	// Keys of units that are no more, and keys that do not parse.
	exists := make(map[string]bool, len(units))
	for _, u := range units {
		exists[u.ID] = true
	}
	for unit, p := range keys {
		if !exists[unit] && c.goneAWhile(unit) {
			bad[unit] = p.ModRevision
		}
	}
	for unit := range c.gone {
		if _, ok := keys[unit]; !ok || exists[unit] {
			delete(c.gone, unit)
		}
	}
	for unit, rev := range bad {
		errs = append(errs, c.deleteKey(ctx, unit, rev))
		delete(keys, unit)
	}
	// Units a node could not load go to another node.
	moving := map[string]bool{}
	for unit, p := range keys {
		if !p.Refused {
			continue
		}
		errs = append(errs, c.deleteKey(ctx, unit, p.ModRevision))
		delete(keys, unit)
		if to := c.leastLoaded(keys, leases, p.Node); to != "" {
			errs = append(errs, c.create(ctx, unit, to, leases[to]))
			keys[unit] = placement{placementValue: placementValue{Node: to}}
			moving[unit] = true // placed this round: not planned again
		}
	}
	// Handoffs under way: the unit counts where it goes, and is not moved
	// again; one whose old owner is too slow is fenced off.
	for unit, p := range keys {
		if moving[unit] {
			continue
		}
		if p.To == "" {
			delete(c.asked, unit)
			continue
		}
		moving[unit] = true
		if _, live := leases[p.To]; live && !c.overdue(unit, p.ModRevision) {
			continue
		}
		c.log.Warn("the owner did not hand the unit over in time; fencing it off", "unit", unit, "owner", p.Node, "to", p.To)
		errs = append(errs, c.deleteKey(ctx, unit, p.ModRevision))
		delete(keys, unit)
		delete(c.asked, unit)
		moving[unit] = false
	}
	nodes := slices.Sorted(maps.Keys(leases))
	for i := range units {
		u := &units[i]
		p, ok := keys[u.ID]
		switch {
		case ok && p.To != "":
			u.Node = p.To
		case ok:
			u.Node = p.Node
			delete(c.handedTo, u.ID)
		case u.Here:
			// Created here: placed here first, so that no other node
			// loads it while this one runs it.
			errs = append(errs, c.create(ctx, u.ID, c.self, leases[c.self]))
			u.Node = c.self
		default:
			// Let go after a handoff: placed where the plan sent it.
			if to, live := c.handedTo[u.ID], leases[c.handedTo[u.ID]] != 0; live {
				errs = append(errs, c.create(ctx, u.ID, to, leases[to]))
				u.Node = to
			}
			delete(c.handedTo, u.ID)
		}
	}
	pinned := map[string]bool{}
	for _, u := range units {
		pinned[u.ID] = u.Pinned
	}
	if c.lastRebalance.IsZero() {
		c.lastRebalance = c.now()
	}
	rebalance := c.rebalanceEvery > 0 && c.now().Sub(c.lastRebalance) >= c.rebalanceEvery
	if rebalance {
		c.lastRebalance = c.now()
	}
	for _, m := range planLinked(c.self, nodes, units, links) {
		p, placed := keys[m.ID]
		switch {
		case moving[m.ID]:
		case !placed:
			errs = append(errs, c.create(ctx, m.ID, m.To, leases[m.To]))
		case rebalance || pinned[m.ID] || m.Now:
			errs = append(errs, c.handOff(ctx, m.ID, p, m.To))
		}
	}
	return errors.Join(errs...)
}

// leastLoaded returns the live node other than not that holds the fewest
// placement keys (by name among equals), "" when there is none.
func (c *coordinator) leastLoaded(keys map[string]placement, leases map[string]clientv3.LeaseID, not string) string {
	count := map[string]int{}
	for n := range leases {
		if n != not {
			count[n] = 0
		}
	}
	for _, p := range keys {
		if _, ok := count[p.Node]; ok {
			count[p.Node]++
		}
	}
	return lightest(count)
}

// liveNodes returns the registered nodes' session leases by node ID.
func (c *coordinator) liveNodes(ctx context.Context) (map[string]clientv3.LeaseID, error) {
	resp, err := c.etcd.Get(ctx, c.prefix+"nodes/", clientv3.WithPrefix())
	if err != nil {
		return nil, err
	}
	out := make(map[string]clientv3.LeaseID, len(resp.Kvs))
	for _, kv := range resp.Kvs {
		id := strings.TrimPrefix(string(kv.Key), c.prefix+"nodes/")
		if kv.Lease != 0 && id != "" {
			out[id] = clientv3.LeaseID(kv.Lease)
		}
	}
	return out, nil
}

// overdue tells whether the handoff of unit, seen at modRevision, has
// waited longer than the timeout since this coordinator first saw it.
func (c *coordinator) overdue(unit string, modRevision int64) bool {
	if c.asked == nil {
		c.asked = map[string]handoffSeen{}
	}
	seen, ok := c.asked[unit]
	if !ok || seen.modRevision != modRevision {
		c.asked[unit] = handoffSeen{modRevision: modRevision, since: c.now()}
		return false
	}
	return c.now().Sub(seen.since) > c.handoffTimeout
}

// create places unit on node: a new key bound to the node's lease, only
// if the unit has no key and the node is still registered under lease.
func (c *coordinator) create(ctx context.Context, unit, node string, lease clientv3.LeaseID) error {
	_, err := createPlacement(ctx, c.etcd, c.prefix, unit, node, lease)
	return err
}

// handOff asks the unit's owner to let it go to node, if its key is still
// as read.
func (c *coordinator) handOff(ctx context.Context, unit string, p placement, to string) error {
	key := placementKey(c.prefix, unit)
	val, _ := json.Marshal(placementValue{Node: p.Node, To: to})
	resp, err := c.etcd.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(key), "=", p.ModRevision)).
		Then(clientv3.OpPut(key, string(val), clientv3.WithIgnoreLease())).Commit()
	if err == nil && resp.Succeeded {
		if c.handedTo == nil {
			c.handedTo = map[string]string{}
		}
		c.handedTo[unit] = to
	}
	return err
}

// deleteKey deletes unit's key if it is unchanged since modRevision.
func (c *coordinator) deleteKey(ctx context.Context, unit string, modRevision int64) error {
	key := placementKey(c.prefix, unit)
	_, err := c.etcd.Txn(ctx).If(clientv3.Compare(clientv3.ModRevision(key), "=", modRevision)).Then(clientv3.OpDelete(key)).Commit()
	return err
}
