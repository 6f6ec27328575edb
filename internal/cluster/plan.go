package cluster

import (
	"cmp"
	"slices"
)

// Placement planning (docs/cluster.md, "Placement"): which node should
// own each unit (a stream, delivery stream, Analytics application or video
// stream). The coordinator runs it on what etcd
// says — the live nodes, the units and where each runs — and carries the
// moves out (the old owner releases, the new one loads). It is a pure
// function so that its properties can be checked on any input: every unit
// ends on a live node, pinned units on the coordinator, and the nodes'
// loads level out without a unit moving back and forth.

// planUnit is one unit to place.
type planUnit struct {
	ID string
	// Weight is its share of a node's work: a stream's open shards, 1
	// for any other unit (at least 1).
	Weight int
	// Pinned units stay with the coordinator: those read or written by
	// the services only the coordinator runs (channels' delivery
	// streams).
	Pinned bool
	// Node runs it now ("" when none: new, or its node left).
	Node string
	// Here marks a unit the coordinator runs without a placement key
	// (created there): the coordinator places it on itself first.
	Here bool
}

// planMove moves unit ID from node From ("" when it runs nowhere) to To.
type planMove struct {
	ID, From, To string
	// Now marks a move of a unit that runs on a live node that is not
	// only to even out load, so that the coordinator makes it at once
	// rather than at the rebalance interval: a linked unit joining the
	// node its group runs on, or a member of a pinned group going to the
	// coordinator (planLinked).
	Now bool
}

// maxRebalanceMoves bounds the moves that only even out load in one plan:
// each one pauses its unit's traffic briefly, so the coordinator spreads
// them over several rounds rather than moving everything at once.
const maxRebalanceMoves = 4

// plan returns the moves that put every unit on a live node: units that
// run nowhere (or on a node not in nodes) first, on the least loaded node;
// pinned units to the coordinator; then, while some node carries more than
// another by more than the unit moved, the lightest unit that narrows the
// gap moves from the most loaded node to the least loaded one (the unit
// nearest half the gap; at most maxRebalanceMoves of those). Each such
// move lowers the sum of the squared loads, so repeated plans settle and
// no unit moves back and forth. nodes must hold the coordinator. The
// result does not depend on the order of nodes or units.
func plan(coordinator string, nodes []string, units []planUnit) []planMove {
	load := make(map[string]int, len(nodes))
	for _, n := range nodes {
		load[n] = 0
	}
	if _, ok := load[coordinator]; !ok {
		return nil // a coordinator that is not live plans nothing
	}
	units = slices.Clone(units)
	slices.SortFunc(units, func(a, b planUnit) int { return cmp.Compare(a.ID, b.ID) })
	var moves []planMove
	var homeless []int
	for i := range units {
		u := &units[i]
		u.Weight = max(u.Weight, 1)
		_, live := load[u.Node]
		switch {
		case u.Pinned && u.Node != coordinator:
			moves = append(moves, planMove{ID: u.ID, From: liveOr(u.Node, live), To: coordinator})
			u.Node = coordinator
			load[coordinator] += u.Weight
		case !live:
			homeless = append(homeless, i)
		default:
			load[u.Node] += u.Weight
		}
	}
	// The heaviest homeless units first, so that they spread evenly.
	slices.SortStableFunc(homeless, func(a, b int) int { return cmp.Compare(units[b].Weight, units[a].Weight) })
	for _, i := range homeless {
		u := &units[i]
		to := lightest(load)
		moves = append(moves, planMove{ID: u.ID, From: "", To: to})
		u.Node = to
		load[to] += u.Weight
	}
	for range maxRebalanceMoves {
		heavy, light := heaviest(load), lightest(load)
		gap := load[heavy] - load[light]
		best := -1
		for i := range units {
			u := &units[i]
			// Moving w narrows the gap only if w < gap: the heavy node
			// stays at least as loaded as the light one was.
			if u.Node != heavy || u.Pinned || u.Weight >= gap {
				continue
			}
			// The unit nearest half the gap levels the two the most.
			if best < 0 || abs(gap-2*u.Weight) < abs(gap-2*units[best].Weight) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		u := &units[best]
		moves = append(moves, planMove{ID: u.ID, From: heavy, To: light})
		load[heavy] -= u.Weight
		load[light] += u.Weight
		u.Node = light
	}
	return moves
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// liveOr returns node if it is live, else "" (the unit runs nowhere).
func liveOr(node string, live bool) string {
	if live {
		return node
	}
	return ""
}

// lightest returns the node with the least load (the smallest ID among
// equals, so that plans are deterministic).
func lightest(load map[string]int) string {
	return pick(load, func(a, b int) bool { return a < b })
}

// heaviest returns the node with the most load (the smallest ID among
// equals).
func heaviest(load map[string]int) string {
	return pick(load, func(a, b int) bool { return a > b })
}

func pick(load map[string]int, better func(a, b int) bool) string {
	best, found := "", false
	for n, l := range load {
		if !found || better(l, load[best]) || l == load[best] && n < best {
			best, found = n, true
		}
	}
	return best
}

// planLinked is plan for units some of which must run on one node
// together: a delivery stream and the stream it reads, an application and
// the streams and delivery streams it reads and writes, since their
// services read and write them in process. Each link joins two units;
// linked units are planned as one (weights summed, pinned if any is), and
// then every member is moved where its group goes. A group whose members
// run on different nodes goes where its heaviest member on a live node
// runs; members that join it there are marked Now.
func planLinked(coordinator string, nodes []string, units []planUnit, links [][2]string) []planMove {
	live := map[string]bool{}
	for _, n := range nodes {
		live[n] = true
	}
	groupOf := linkGroups(units, links)
	groups := map[string]*planUnit{}
	heaviest := map[string]int{} // a group's heaviest member's weight so far
	var order []string
	for _, u := range units {
		g := groupOf[u.ID]
		pu := groups[g]
		if pu == nil {
			pu = &planUnit{ID: g}
			groups[g] = pu
			order = append(order, g)
		}
		w := max(u.Weight, 1)
		pu.Weight += w
		pu.Pinned = pu.Pinned || u.Pinned
		// The heaviest member on a live node decides; among equals, the
		// one on the smallest node name, so that placing a new member
		// does not move the others. Members on no live node do not count:
		// the group stays where its live members are.
		node := liveOr(u.Node, live[u.Node])
		if h := heaviest[g]; node != "" && (w > h || w == h && (pu.Node == "" || node < pu.Node)) {
			heaviest[g], pu.Node = w, node
		}
	}
	merged := make([]planUnit, 0, len(order))
	for _, g := range order {
		merged = append(merged, *groups[g])
	}
	// Where each group runs after the plan: where it is, or where it goes.
	target := map[string]string{}
	for _, g := range merged {
		target[g.ID] = g.Node
	}
	for _, m := range plan(coordinator, nodes, merged) {
		target[m.ID] = m.To
	}
	var moves []planMove
	for _, u := range units {
		g := groups[groupOf[u.ID]]
		to := target[g.ID]
		if to == u.Node || !live[to] {
			continue
		}
		from := liveOr(u.Node, live[u.Node])
		moves = append(moves, planMove{ID: u.ID, From: from, To: to, Now: from != "" && (to == g.Node || g.Pinned)})
	}
	slices.SortFunc(moves, func(a, b planMove) int { return cmp.Compare(a.ID, b.ID) })
	return moves
}

// linkGroups returns, for every unit, the ID of its group: the smallest
// ID among the units linked to it directly or through others. Links
// naming a unit not in units are ignored.
func linkGroups(units []planUnit, links [][2]string) map[string]string {
	parent := make(map[string]string, len(units))
	for _, u := range units {
		parent[u.ID] = u.ID
	}
	find := func(id string) string {
		for parent[id] != id {
			parent[id] = parent[parent[id]]
			id = parent[id]
		}
		return id
	}
	for _, l := range links {
		if _, ok := parent[l[0]]; !ok {
			continue
		}
		if _, ok := parent[l[1]]; !ok {
			continue
		}
		a, b := find(l[0]), find(l[1])
		switch {
		case a < b:
			parent[b] = a
		case b < a:
			parent[a] = b
		}
	}
	out := make(map[string]string, len(units))
	for _, u := range units {
		out[u.ID] = find(u.ID)
	}
	return out
}
