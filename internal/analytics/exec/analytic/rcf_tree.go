package analytic

import (
	"math"
	"math/rand/v2"
)

// none is the absence of a node.
const none = -1

// rcfNode is a node of a random cut tree: an internal node cuts its box at
// cut in dimension dim (points with x[dim] <= cut go left); a leaf (dim
// -1) holds a point of the store, mass times when the sample holds equal
// points.
type rcfNode struct {
	parent, left, right int32
	dim                 int32
	cut                 float64
	mass                int32
	slot                int32
}

// rcfTree is a robust random cut tree over the points its sampler holds
// (Guha, Mishra, Roy and Schrijvers, "Robust Random Cut Forest Based
// Anomaly Detection on Streams", ICML 2016). Inserting a point draws a cut
// over the box of a node and the point, with a dimension chosen in
// proportion to its span and a value uniform in it: a cut that separates
// the point from the node's box makes a new node there; otherwise the
// point goes down the node's own cut. Deleting a point removes its leaf and
// puts its sibling in its parent's place. The resulting tree is
// distributed as if built from scratch over the points it holds.
//
// Internal nodes' bounding boxes are cached (boxes != nil) unless the
// forest's cache would exceed its budget; without the cache a box is
// computed from the node's subtree when needed. Both give the same
// results.
type rcfTree struct {
	dim   int
	store *pointStore
	nodes []rcfNode
	boxes []float64 // 2*dim per node: min values, then max values
	cache bool
	free  []int32
	root  int32
	rng   *rand.Rand

	sampler

	// scratch
	lo, hi, lo2, hi2 []float64
	path, stack      []int32
}

func newRCFTree(dim int, store *pointStore, cache bool, seed uint64) *rcfTree {
	return &rcfTree{
		dim: dim, store: store, cache: cache, root: none,
		rng: rand.New(rand.NewPCG(seed, mix64(seed^0x9e3779b97f4a7c15))),
		lo:  make([]float64, dim), hi: make([]float64, dim),
		lo2: make([]float64, dim), hi2: make([]float64, dim),
	}
}

// mass is the number of points the tree holds.
func (t *rcfTree) mass() int32 {
	if t.root == none {
		return 0
	}
	return t.nodes[t.root].mass
}

func (t *rcfTree) newNode(n rcfNode) int32 {
	if k := len(t.free); k > 0 {
		i := t.free[k-1]
		t.free = t.free[:k-1]
		t.nodes[i] = n
		return i
	}
	t.nodes = append(t.nodes, n)
	if t.cache {
		t.boxes = append(t.boxes, make([]float64, 2*t.dim)...)
	}
	return int32(len(t.nodes) - 1)
}

func (t *rcfTree) newLeaf(slot, parent int32) int32 {
	t.store.retain(slot)
	return t.newNode(rcfNode{parent: parent, left: none, right: none, dim: -1, mass: 1, slot: slot})
}

func (t *rcfTree) box(n int32) (lo, hi []float64) {
	o := int(n) * 2 * t.dim
	return t.boxes[o : o+t.dim], t.boxes[o+t.dim : o+2*t.dim]
}

// boxOf fills lo and hi with node n's bounding box.
func (t *rcfTree) boxOf(n int32, lo, hi []float64) {
	nd := &t.nodes[n]
	if nd.dim < 0 {
		p := t.store.point(nd.slot)
		copy(lo, p)
		copy(hi, p)
		return
	}
	if t.cache {
		l, h := t.box(n)
		copy(lo, l)
		copy(hi, h)
		return
	}
	// Without the cache: the union of the subtree's points.
	first := true
	t.stack = append(t.stack[:0], n)
	for len(t.stack) > 0 {
		x := t.stack[len(t.stack)-1]
		t.stack = t.stack[:len(t.stack)-1]
		if xd := &t.nodes[x]; xd.dim >= 0 {
			t.stack = append(t.stack, xd.left, xd.right)
			continue
		}
		p := t.store.point(t.nodes[x].slot)
		if first {
			copy(lo, p)
			copy(hi, p)
			first = false
			continue
		}
		for i, v := range p {
			lo[i] = math.Min(lo[i], v)
			hi[i] = math.Max(hi[i], v)
		}
	}
}

// replaceChild puts c where old was under parent (or at the root).
func (t *rcfTree) replaceChild(parent, old, c int32) {
	if parent == none {
		t.root = c
		return
	}
	if t.nodes[parent].left == old {
		t.nodes[parent].left = c
	} else {
		t.nodes[parent].right = c
	}
}

// insert adds the point in slot to the tree.
func (t *rcfTree) insert(slot int32) {
	p := t.store.point(slot)
	if t.root == none {
		t.root = t.newLeaf(slot, none)
		return
	}
	n := t.root
	for {
		t.boxOf(n, t.lo, t.hi)
		leaf := t.nodes[n].dim < 0
		if leaf && equalPoints(t.store.point(t.nodes[n].slot), p) {
			t.nodes[n].mass++ // its ancestors were counted on the way down
			return
		}
		// The box with the point: t.lo2, t.hi2.
		var total float64
		for i, v := range p {
			t.lo2[i] = math.Min(t.lo[i], v)
			t.hi2[i] = math.Max(t.hi[i], v)
			total += t.hi2[i] - t.lo2[i]
		}
		d, c, ok := t.drawCut(total)
		sep := ok && (p[d] < t.lo[d] && c < t.lo[d] || p[d] > t.hi[d] && c >= t.hi[d])
		if !sep && leaf {
			// Rounding kept the draw from separating two different
			// points: cut between them where they first differ.
			for i := range p {
				if p[i] != t.lo[i] {
					d, c, sep = i, math.Min(p[i], t.lo[i]), true
					break
				}
			}
		}
		if sep {
			parent := t.nodes[n].parent
			in := t.newNode(rcfNode{parent: parent, dim: int32(d), cut: c, mass: t.nodes[n].mass + 1, slot: none})
			l := t.newLeaf(slot, in)
			if p[d] <= c {
				t.nodes[in].left, t.nodes[in].right = l, n
			} else {
				t.nodes[in].left, t.nodes[in].right = n, l
			}
			t.replaceChild(parent, n, in)
			t.nodes[n].parent = in
			if t.cache {
				lo, hi := t.box(in)
				copy(lo, t.lo2)
				copy(hi, t.hi2)
			}
			return
		}
		nd := &t.nodes[n]
		nd.mass++
		if t.cache {
			lo, hi := t.box(n)
			copy(lo, t.lo2)
			copy(hi, t.hi2)
		}
		if p[nd.dim] <= nd.cut {
			n = nd.left
		} else {
			n = nd.right
		}
	}
}

// drawCut draws a random cut of the box t.lo2..t.hi2, whose spans add up
// to total: a dimension with probability in proportion to its span, and a
// value uniform in [min, max) of it.
func (t *rcfTree) drawCut(total float64) (int, float64, bool) {
	if !(total > 0) || math.IsInf(total, 0) {
		return 0, 0, false
	}
	r := t.rng.Float64() * total
	last := -1
	for i := range t.lo2 {
		span := t.hi2[i] - t.lo2[i]
		if span <= 0 {
			continue
		}
		last = i
		if r < span {
			c := t.lo2[i] + r
			if c >= t.hi2[i] {
				c = math.Nextafter(t.hi2[i], t.lo2[i])
			}
			return i, c, true
		}
		r -= span
	}
	if last < 0 {
		return 0, 0, false
	}
	return last, t.lo2[last] + (t.hi2[last]-t.lo2[last])/2, true
}

// remove deletes one point equal to the one in slot; false when the tree
// has none.
func (t *rcfTree) remove(slot int32) bool {
	if t.root == none {
		return false
	}
	p := t.store.point(slot)
	n := t.root
	for t.nodes[n].dim >= 0 {
		if nd := &t.nodes[n]; p[nd.dim] <= nd.cut {
			n = nd.left
		} else {
			n = nd.right
		}
	}
	if !equalPoints(t.store.point(t.nodes[n].slot), p) {
		return false
	}
	if t.nodes[n].mass > 1 {
		for x := n; x != none; x = t.nodes[x].parent {
			t.nodes[x].mass--
		}
		return true
	}
	parent := t.nodes[n].parent
	t.store.release(t.nodes[n].slot)
	t.freeNode(n)
	if parent == none {
		t.root = none
		return true
	}
	sib := t.nodes[parent].left
	if sib == n {
		sib = t.nodes[parent].right
	}
	gp := t.nodes[parent].parent
	t.nodes[sib].parent = gp
	t.replaceChild(gp, parent, sib)
	t.freeNode(parent)
	changed := t.cache
	for x := gp; x != none; x = t.nodes[x].parent {
		t.nodes[x].mass--
		if changed {
			changed = t.refreshBox(x)
		}
	}
	return true
}

func (t *rcfTree) freeNode(n int32) {
	t.nodes[n] = rcfNode{parent: none, left: none, right: none, dim: -1, slot: none}
	t.free = append(t.free, n)
}

// refreshBox recomputes a cached box from its children's; false when it
// did not change (so no ancestor's does).
func (t *rcfTree) refreshBox(x int32) bool {
	nd := t.nodes[x]
	t.boxOf(nd.left, t.lo, t.hi)
	t.boxOf(nd.right, t.lo2, t.hi2)
	lo, hi := t.box(x)
	changed := false
	for i := range lo {
		l, h := math.Min(t.lo[i], t.lo2[i]), math.Max(t.hi[i], t.hi2[i])
		if l != lo[i] || h != hi[i] {
			changed = true
			lo[i], hi[i] = l, h
		}
	}
	return changed
}

// score is the tree's anomaly score of q, as AWS's random cut forest
// defines it: the expected depth at which q would be isolated had it been
// inserted, scored 1/(depth+1) and averaged over the probabilities of the
// cuts that would separate it from each box on its path, normalised by
// log2(mass+1) so that a point no more isolated than typical scores about
// 1. A point equal to one held scores its depth damped by how many equal
// points the tree holds.
//
// With attr non-nil (2*dim: the HIGH then the LOW side of each dimension)
// it also adds the score's attribution: the part of each separating cut's
// probability owed to the gap on each side of each dimension. The
// attribution's sum is the score.
func (t *rcfTree) score(q []float64, attr []float64) float64 {
	if t.root == none {
		return 0
	}
	d := t.dim
	path := t.path[:0]
	n := t.root
	for t.nodes[n].dim >= 0 {
		path = append(path, n)
		if nd := &t.nodes[n]; q[nd.dim] <= nd.cut {
			n = nd.left
		} else {
			n = nd.right
		}
	}
	t.path = path
	treeMass := float64(t.mass())
	norm := math.Log2(treeMass + 1)
	leaf := &t.nodes[n]
	lp := t.store.point(leaf.slot)
	depth := float64(len(path))
	var s float64
	var hi, lo []float64
	if attr != nil {
		hi, lo = attr[:d], attr[d:2*d]
		clear(attr)
	}
	if equalPoints(lp, q) {
		m := float64(leaf.mass)
		s = (1 - m/(2*treeMass)) / (depth + math.Log2(m+1))
		for i := range hi {
			hi[i] = s / float64(2*d) * norm
			lo[i] = s / float64(2*d) * norm
		}
		return s * norm
	}
	unseen := 1 / (depth + 1)
	s = unseen
	if attr != nil {
		var sum float64
		for i := range q {
			sum += math.Abs(q[i] - lp[i])
		}
		for i := range q {
			if q[i] > lp[i] {
				hi[i] = (q[i] - lp[i]) / sum * unseen
			} else if q[i] < lp[i] {
				lo[i] = (lp[i] - q[i]) / sum * unseen
			}
		}
	}
	// Up the path, with the box of each node: the cached one, or (without
	// the cache) the box so far merged with the sibling's.
	copy(t.lo, lp)
	copy(t.hi, lp)
	child := n
	for k := len(path) - 1; k >= 0; k-- {
		x := path[k]
		if t.cache {
			l, h := t.box(x)
			copy(t.lo, l)
			copy(t.hi, h)
		} else {
			sib := t.nodes[x].left
			if sib == child {
				sib = t.nodes[x].right
			}
			t.boxOf(sib, t.lo2, t.hi2)
			for i := range t.lo {
				t.lo[i] = math.Min(t.lo[i], t.lo2[i])
				t.hi[i] = math.Max(t.hi[i], t.hi2[i])
			}
		}
		child = x
		var gaps, span float64
		for i, v := range q {
			l, h := t.lo[i], t.hi[i]
			if v > h {
				gaps += v - h
				h = v
			} else if v < l {
				gaps += l - v
				l = v
			}
			span += h - l
		}
		if !(gaps > 0) || !(span > 0) {
			break // q is inside this box, and so inside every box above
		}
		prob := gaps / span
		unseen := 1 / (float64(k) + 1)
		s = prob*unseen + (1-prob)*s
		if attr != nil {
			for i, v := range q {
				hi[i] *= 1 - prob
				lo[i] *= 1 - prob
				if v > t.hi[i] {
					hi[i] += (v - t.hi[i]) / span * unseen
				} else if v < t.lo[i] {
					lo[i] += (t.lo[i] - v) / span * unseen
				}
			}
		}
	}
	for i := range attr {
		attr[i] *= norm
	}
	return s * norm
}
