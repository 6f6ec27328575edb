package cluster

import (
	"encoding/json"
	"slices"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// TestPlacementSpreadsAndHandsOver: the coordinator places every unit on
// the only node, spreads them when a second joins — each move a handoff,
// the old owner dropping before the new one loads — deletes the key of a
// unit that is gone, and brings a pinned unit to itself.
func TestPlacementSpreadsAndHandsOver(t *testing.T) {
	e := newPlacementEnv(t, "u0", "u1", "u2", "u3", "u4", "u5")
	e.start("n1", true)
	e.spread(6, map[string]int{"n1": 6})
	e.start("n2", false)
	e.spread(6, map[string]int{"n1": 3, "n2": 3})
	e.noOverlaps()
	// Every key names its holder, bound to the holder's lease, with no
	// handoff left.
	resp, err := e.admin.Get(t.Context(), placementPrefix(e.prefix), clientv3.WithPrefix())
	if err != nil {
		t.Fatal(err)
	}
	if len(resp.Kvs) != 6 {
		t.Fatalf("%d placement keys, want 6", len(resp.Kvs))
	}
	for _, kv := range resp.Kvs {
		unit, p, ok := parsePlacement(e.prefix, kv)
		if !ok || p.To != "" || p.Node != e.holderOf(unit) {
			t.Fatalf("key %s = %s, held by %q", kv.Key, kv.Value, e.holderOf(unit))
		}
		node, err := e.admin.Get(t.Context(), nodeKey(e.prefix, p.Node))
		if err != nil || len(node.Kvs) != 1 || node.Kvs[0].Lease != kv.Lease {
			t.Fatalf("key %s bound to lease %x, not its node's (%v)", kv.Key, kv.Lease, err)
		}
	}

	e.setUnits(func(us []planUnit) []planUnit {
		return slices.DeleteFunc(us, func(u planUnit) bool { return u.ID == "u5" })
	})
	e.waitFor("u5 dropped and its key deleted", func() bool {
		r, err := e.admin.Get(t.Context(), placementKey(e.prefix, "u5"))
		return err == nil && len(r.Kvs) == 0 && e.holderOf("u5") == ""
	})

	onN2 := ""
	for _, u := range []string{"u0", "u1", "u2", "u3", "u4"} {
		if e.holderOf(u) == "n2" {
			onN2 = u
		}
	}
	e.setUnits(func(us []planUnit) []planUnit {
		for i := range us {
			us[i].Pinned = us[i].ID == onN2
		}
		return us
	})
	e.waitFor("the pinned unit on the coordinator", func() bool { return e.holderOf(onN2) == "n1" })
	e.noOverlaps()
}

// TestPlacementLoadFailure: a node that cannot load a unit gives it back
// after a pause, and the coordinator places it on another node.
func TestPlacementLoadFailure(t *testing.T) {
	e := newPlacementEnv(t, "u0", "u1")
	e.failing = map[string]string{"u0": "n2", "u1": "n2"}
	e.start("n2", false)
	e.start("n1", true) // the coordinator places on n2 too (least loaded, or on a tie)
	e.spread(2, map[string]int{"n1": 2})
	e.noOverlaps()
}

// TestPlacementNodeLossAndStuckOwner: the units of a node that crashes are
// placed on the others once its lease lapses, under new fences; an owner
// that does not let a unit go in time is fenced off (its key deleted, the
// unit placed again under a new create revision) and the move goes on.
func TestPlacementNodeLossAndStuckOwner(t *testing.T) {
	e := newPlacementEnv(t, "u0", "u1", "u2", "u3", "u4", "u5")
	e.start("n1", true)
	n2 := e.start("n2", false)
	n3 := e.start("n3", false)
	e.spread(6, map[string]int{"n1": 2, "n2": 2, "n3": 2})
	e.noOverlaps()
	var lost []string
	old := map[string]int64{}
	for _, u := range []string{"u0", "u1", "u2", "u3", "u4", "u5"} {
		if e.holderOf(u) == "n3" {
			lost = append(lost, u)
			old[u] = e.fenceOf(u).Revision
		}
	}
	e.crash(n3)
	e.spread(6, map[string]int{"n1": 3, "n2": 3})
	for _, u := range lost {
		if f := e.fenceOf(u); f.Revision == old[u] || f.Key != placementKey(e.prefix, u) {
			t.Fatalf("%s placed again under %+v, was revision %d", u, f, old[u])
		}
	}
	e.noOverlaps()

	// n2 hangs while dropping; the unit pinned to the coordinator moves
	// anyway, under a fence n2's can no longer pass.
	var victim string
	for _, u := range []string{"u0", "u1", "u2", "u3", "u4", "u5"} {
		if e.holderOf(u) == "n2" {
			victim = u
		}
	}
	stale := e.fenceOf(victim)
	n2.stick()
	e.setUnits(func(us []planUnit) []planUnit {
		for i := range us {
			us[i].Pinned = us[i].ID == victim
		}
		return us
	})
	e.waitFor("the stuck unit fenced off and loaded on the coordinator", func() bool {
		e.mu.Lock()
		defer e.mu.Unlock()
		return e.fence[victim].Revision != stale.Revision && len(e.overlaps) > 0
	})
	e.mu.Lock()
	f, overlaps := e.fence[victim], e.overlaps
	e.mu.Unlock()
	if len(overlaps) != 1 || f.Key != stale.Key {
		t.Fatalf("after fencing off: fence %+v (was %+v), overlaps %v", f, stale, overlaps)
	}
	r, err := e.admin.Get(t.Context(), stale.Key)
	if err != nil || len(r.Kvs) != 1 || r.Kvs[0].CreateRevision == stale.Revision {
		t.Fatalf("the stuck owner's fence still holds: %v %v", r, err)
	}
	var v placementValue
	if json.Unmarshal(r.Kvs[0].Value, &v) != nil || v.Node != "n1" || v.To != "" {
		t.Fatalf("placement after fencing off: %s", r.Kvs[0].Value)
	}
	n2.unstick()
}
