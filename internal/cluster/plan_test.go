package cluster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// applyPlan carries moves out on units, checking that each starts where
// the unit is (or nowhere, for a unit on a node that left).
func applyPlan(t testing.TB, nodes []string, units []planUnit, moves []planMove) {
	t.Helper()
	byID := map[string]*planUnit{}
	for i := range units {
		byID[units[i].ID] = &units[i]
	}
	for _, m := range moves {
		u := byID[m.ID]
		if u == nil {
			t.Fatalf("move of an unknown unit: %+v", m)
		}
		from := u.Node
		if !slices.Contains(nodes, from) {
			from = ""
		}
		if m.From != from || !slices.Contains(nodes, m.To) || m.To == m.From {
			t.Fatalf("move %+v of a unit on %q (live nodes %v)", m, u.Node, nodes)
		}
		u.Node = m.To
	}
}

func loads(nodes []string, units []planUnit) map[string]int {
	l := map[string]int{}
	for _, n := range nodes {
		l[n] = 0
	}
	for _, u := range units {
		l[u.Node] += max(u.Weight, 1)
	}
	return l
}

// checkSettled plans until nothing moves and checks the result: every
// unit on a live node, pinned ones on the coordinator, and no unpinned
// unit on the most loaded node light enough to narrow its gap to the
// least loaded one.
func checkSettled(t testing.TB, coord string, nodes []string, units []planUnit) {
	t.Helper()
	rounds := 0
	for {
		moves := plan(coord, nodes, units)
		if len(moves) == 0 {
			break
		}
		applyPlan(t, nodes, units, moves)
		if rounds++; rounds > len(units)+10 {
			t.Fatalf("plans did not settle after %d rounds: %+v", rounds, units)
		}
	}
	l := loads(nodes, units)
	for _, u := range units {
		if !slices.Contains(nodes, u.Node) {
			t.Fatalf("unit %s on %q, not a live node", u.ID, u.Node)
		}
		if u.Pinned && u.Node != coord {
			t.Fatalf("pinned unit %s on %s, not the coordinator %s", u.ID, u.Node, coord)
		}
	}
	heavy, light := heaviest(l), lightest(l)
	for _, u := range units {
		if u.Node == heavy && !u.Pinned && max(u.Weight, 1) < l[heavy]-l[light] {
			t.Fatalf("settled with unit %s (weight %d) on %s (load %d) while %s carries %d", u.ID, u.Weight, heavy, l[heavy], light, l[light])
		}
	}
}

func TestPlanSpreadsNewStreams(t *testing.T) {
	nodes := []string{"n1", "n2", "n3"}
	var units []planUnit
	for i := range 9 {
		units = append(units, planUnit{ID: fmt.Sprintf("s%d", i), Weight: 2})
	}
	applyPlan(t, nodes, units, plan("n1", nodes, units))
	l := loads(nodes, units)
	if l["n1"] != 6 || l["n2"] != 6 || l["n3"] != 6 {
		t.Fatalf("9 streams of 2 shards over 3 nodes: %v", l)
	}
}

// A node leaves: its units go to the others, and only its units move.
func TestPlanReassignsALeftNodesUnits(t *testing.T) {
	units := []planUnit{
		{ID: "a", Weight: 4, Node: "n1"}, {ID: "b", Weight: 4, Node: "n2"},
		{ID: "c", Weight: 4, Node: "n3"}, {ID: "d", Weight: 4, Node: "n3"}, {ID: "e", Weight: 4, Node: "n2"}, {ID: "f", Weight: 4, Node: "n1"},
	}
	nodes := []string{"n1", "n2"}
	moves := plan("n1", nodes, units)
	if len(moves) != 2 {
		t.Fatalf("moves after n3 left: %+v", moves)
	}
	for _, m := range moves {
		if (m.ID != "c" && m.ID != "d") || m.From != "" {
			t.Fatalf("move after n3 left: %+v", m)
		}
	}
	applyPlan(t, nodes, units, moves)
	if l := loads(nodes, units); l["n1"] != 12 || l["n2"] != 12 {
		t.Fatalf("loads after n3 left: %v", l)
	}
}

// A node joins: some units move to it, a few per round.
func TestPlanFillsAJoiningNode(t *testing.T) {
	var units []planUnit
	for i := range 20 {
		units = append(units, planUnit{ID: fmt.Sprintf("s%02d", i), Weight: 1, Node: []string{"n1", "n2"}[i%2]})
	}
	nodes := []string{"n1", "n2", "n3"}
	moves := plan("n1", nodes, units)
	if len(moves) != maxRebalanceMoves {
		t.Fatalf("first round after n3 joined: %d moves, want %d", len(moves), maxRebalanceMoves)
	}
	checkSettled(t, "n1", nodes, units)
	if l := loads(nodes, units); l["n3"] < 6 {
		t.Fatalf("loads after n3 joined: %v", l)
	}
}

func TestPlanKeepsPinnedUnitsOnTheCoordinator(t *testing.T) {
	units := []planUnit{{ID: "src", Weight: 50, Pinned: true, Node: "n2"}, {ID: "x", Weight: 1}}
	nodes := []string{"n1", "n2"}
	moves := plan("n1", nodes, units)
	applyPlan(t, nodes, units, moves)
	if units[0].Node != "n1" || units[1].Node != "n2" {
		t.Fatalf("after the plan: %+v (moves %+v)", units, moves)
	}
	if moves := plan("n1", nodes, units); len(moves) != 0 {
		t.Fatalf("a pinned unit was moved off the coordinator: %+v", moves)
	}
}

// The plan does not depend on the order of nodes or units.
func TestPlanIsDeterministic(t *testing.T) {
	units := []planUnit{{ID: "a", Weight: 3}, {ID: "b", Weight: 1, Node: "n2"}, {ID: "c", Weight: 7, Node: "n9"}, {ID: "d", Weight: 2, Node: "n1"}}
	want := fmt.Sprint(plan("n1", []string{"n1", "n2", "n3"}, units))
	r := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		u := slices.Clone(units)
		r.Shuffle(len(u), func(i, j int) { u[i], u[j] = u[j], u[i] })
		n := []string{"n1", "n2", "n3"}
		r.Shuffle(len(n), func(i, j int) { n[i], n[j] = n[j], n[i] })
		if got := fmt.Sprint(plan("n1", n, u)); got != want {
			t.Fatalf("plan of shuffled input: %s, want %s", got, want)
		}
	}
}

// FuzzPlan checks the properties on any input: moves start where units
// are, plans settle within a bound, and the settled placement keeps
// every unit on a live node, pinned ones on the coordinator, with no
// narrowing move left.
func FuzzPlan(f *testing.F) {
	f.Add(uint64(1), uint8(3), uint8(10))
	f.Add(uint64(7), uint8(1), uint8(0))
	f.Add(uint64(42), uint8(5), uint8(60))
	f.Fuzz(func(t *testing.T, seed uint64, nNodes, nUnits uint8) {
		r := rand.New(rand.NewPCG(seed, seed>>7))
		nodes := []string{}
		for i := range int(nNodes%6) + 1 {
			nodes = append(nodes, fmt.Sprintf("n%d", i))
		}
		var units []planUnit
		for i := range int(nUnits % 80) {
			u := planUnit{ID: fmt.Sprintf("u%02d", i), Weight: r.IntN(40), Pinned: r.IntN(8) == 0}
			switch r.IntN(3) {
			case 0: // nowhere
			case 1:
				u.Node = nodes[r.IntN(len(nodes))]
			case 2:
				u.Node = "gone"
			}
			units = append(units, u)
		}
		checkSettled(t, nodes[r.IntN(len(nodes))], nodes, units)
	})
}

// settleLinked plans with links until nothing moves.
func settleLinked(t testing.TB, coord string, nodes []string, units []planUnit, links [][2]string) {
	t.Helper()
	for round := 0; ; round++ {
		moves := planLinked(coord, nodes, units, links)
		if len(moves) == 0 {
			return
		}
		applyPlan(t, nodes, units, moves)
		if round > len(units)+10 {
			t.Fatalf("linked plans did not settle: %+v", units)
		}
	}
}

func nodeOf(units []planUnit, id string) string {
	for _, u := range units {
		if u.ID == id {
			return u.Node
		}
	}
	return "?"
}

// A new delivery stream joins the stream it reads, which does not move.
func TestPlanLinkedPlacesANewMemberWithItsGroup(t *testing.T) {
	nodes := []string{"n1", "n2", "n3"}
	units := []planUnit{
		{ID: "stream", Weight: 1, Node: "n2"}, {ID: "delivery", Weight: 1},
		{ID: "other", Weight: 1, Node: "n1"}, {ID: "third", Weight: 1, Node: "n3"},
	}
	moves := planLinked("n1", nodes, units, [][2]string{{"delivery", "stream"}})
	if fmt.Sprint(moves) != "[{delivery  n2 false}]" {
		t.Fatalf("moves: %+v", moves)
	}
}

// Linked units on different nodes end on one; a pinned member takes its
// group to the coordinator.
func TestPlanLinkedJoinsAndPins(t *testing.T) {
	nodes := []string{"n1", "n2", "n3"}
	units := []planUnit{
		{ID: "a", Weight: 3, Node: "n2"}, {ID: "b", Weight: 1, Node: "n3"}, {ID: "c", Weight: 1, Node: "n1"},
		{ID: "app", Weight: 1, Pinned: true, Node: "n1"}, {ID: "in", Weight: 5, Node: "n3"}, {ID: "out", Weight: 2, Node: "n2"},
	}
	links := [][2]string{{"a", "b"}, {"b", "c"}, {"app", "in"}, {"out", "app"}}
	settleLinked(t, "n1", nodes, units, links)
	if n := nodeOf(units, "a"); nodeOf(units, "b") != n || nodeOf(units, "c") != n {
		t.Fatalf("linked a, b, c apart: %+v", units)
	}
	for _, id := range []string{"app", "in", "out"} {
		if nodeOf(units, id) != "n1" {
			t.Fatalf("%s of the pinned group not on the coordinator: %+v", id, units)
		}
	}
}

// The coordinator makes at once only the moves of units that run nowhere
// and those marked Now (the others wait for the rebalance interval): those
// alone bring linked units together, on the node of the heaviest live
// member, and pinned groups to the coordinator.
func TestPlanLinkedJoinsBetweenRebalances(t *testing.T) {
	nodes := []string{"n1", "n2", "n3"}
	units := []planUnit{
		{ID: "app", Weight: 1, Node: "n2"}, {ID: "in", Weight: 4, Node: "n3"}, {ID: "out", Weight: 1, Node: "n1"},
		{ID: "ds", Weight: 1, Node: "gone"}, {ID: "src", Weight: 9, Node: "gone"}, {ID: "mine", Weight: 2, Node: "n2"},
		{ID: "chan", Weight: 1, Pinned: true, Node: "n3"}, {ID: "chansrc", Weight: 3, Node: "n2"},
	}
	links := [][2]string{{"app", "in"}, {"out", "app"}, {"ds", "src"}, {"src", "mine"}, {"chan", "chansrc"}}
	for round := 0; ; round++ {
		var now []planMove
		for _, m := range planLinked("n1", nodes, units, links) {
			if m.From == "" || m.Now {
				now = append(now, m)
			}
		}
		if len(now) == 0 {
			break
		}
		applyPlan(t, nodes, units, now)
		if round > 10 {
			t.Fatalf("did not settle: %+v", units)
		}
	}
	for _, want := range []struct {
		ids  []string
		node string
	}{
		{[]string{"app", "in", "out"}, "n3"}, {[]string{"ds", "src", "mine"}, "n2"}, {[]string{"chan", "chansrc"}, "n1"},
	} {
		for _, id := range want.ids {
			if nodeOf(units, id) != want.node {
				t.Fatalf("%s on %s, want %s with %v: %+v", id, nodeOf(units, id), want.node, want.ids, units)
			}
		}
	}
}

// FuzzPlanLinked: on any input, settled linked plans keep every group on
// one live node, and pinned groups on the coordinator.
func FuzzPlanLinked(f *testing.F) {
	f.Add(uint64(3), uint8(3), uint8(12), uint8(6))
	f.Add(uint64(9), uint8(2), uint8(40), uint8(30))
	f.Fuzz(func(t *testing.T, seed uint64, nNodes, nUnits, nLinks uint8) {
		r := rand.New(rand.NewPCG(seed, seed>>9))
		nodes := []string{}
		for i := range int(nNodes%5) + 1 {
			nodes = append(nodes, fmt.Sprintf("n%d", i))
		}
		var units []planUnit
		for i := range int(nUnits%50) + 1 {
			u := planUnit{ID: fmt.Sprintf("u%02d", i), Weight: r.IntN(20), Pinned: r.IntN(10) == 0}
			if r.IntN(3) > 0 {
				u.Node = append(slices.Clone(nodes), "gone")[r.IntN(len(nodes)+1)]
			}
			units = append(units, u)
		}
		var links [][2]string
		for range int(nLinks % 40) {
			links = append(links, [2]string{units[r.IntN(len(units))].ID, units[r.IntN(len(units))].ID})
		}
		coord := nodes[r.IntN(len(nodes))]
		settleLinked(t, coord, nodes, units, links)
		groups := linkGroups(units, links)
		where, pinned := map[string]string{}, map[string]bool{}
		for _, u := range units {
			g := groups[u.ID]
			if w, ok := where[g]; ok && w != u.Node {
				t.Fatalf("group %s on %s and %s: %+v", g, w, u.Node, units)
			}
			where[g] = u.Node
			pinned[g] = pinned[g] || u.Pinned
			if !slices.Contains(nodes, u.Node) {
				t.Fatalf("unit %s on %q", u.ID, u.Node)
			}
		}
		for g, p := range pinned {
			if p && where[g] != coord {
				t.Fatalf("pinned group %s on %s, not the coordinator %s", g, where[g], coord)
			}
		}
	})
}
