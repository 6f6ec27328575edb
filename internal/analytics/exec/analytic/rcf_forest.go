package analytic

import (
	"math"
)

// boxCacheBudget bounds the memory of a forest's cached bounding boxes:
// trees × 2·subSampleSize nodes × 2·dimensions doubles. The defaults (100
// trees of 256) cache up to 62 dimensions in 32 MiB; past the budget (say
// 30 columns with shingles of 30) boxes are computed when needed, which
// gives the same scores more slowly.
const boxCacheBudget = 256 << 20

// forest is a random cut forest over a stream of points: trees trees, each
// over its own time-decayed sample of at most capacity points.
type forest struct {
	dim      int
	capacity int
	lambda   float64 // 1/timeDecay
	decay    int64   // timeDecay: only the most recent points count
	store    *pointStore
	trees    []*rcfTree
	seq      int64     // points offered so far
	attr     []float64 // one tree's attribution
	sum      []float64 // the forest's
}

func newForest(dim, trees, capacity int, decay int64, seed uint64) *forest {
	f := &forest{
		dim: dim, capacity: capacity, lambda: 1 / float64(decay), decay: decay,
		store: newPointStore(dim),
		attr:  make([]float64, 2*dim),
		sum:   make([]float64, 2*dim),
	}
	cache := float64(trees)*float64(2*capacity)*float64(2*dim)*8 <= boxCacheBudget
	for i := range trees {
		f.trees = append(f.trees, newRCFTree(dim, f.store, cache, mix64(seed+uint64(i)*0x9e3779b97f4a7c15)))
	}
	return f
}

// ready reports whether the forest has seen capacity points: before that
// AWS's function answers 0 ("The algorithm returns zero for the first
// subSampleSize records while the machine learning model is trained").
func (f *forest) ready() bool { return f.seq >= int64(f.capacity) }

// score is the average of the trees' scores of q.
func (f *forest) score(q []float64) float64 {
	var s float64
	for _, t := range f.trees {
		s += t.score(q, nil)
	}
	return s / float64(len(f.trees))
}

// explain is the average of the trees' scores of q and of their
// attributions (HIGH then LOW side of each dimension), whose sum is the
// score.
func (f *forest) explain(q []float64) (float64, []float64) {
	clear(f.sum)
	var s float64
	for _, t := range f.trees {
		s += t.score(q, f.attr)
		for i, a := range f.attr {
			f.sum[i] += a
		}
	}
	n := float64(len(f.trees))
	for i := range f.sum {
		f.sum[i] /= n
	}
	return s / n, f.sum
}

// update offers q, made from rows the oldest of which came at t, to every
// tree's sampler; a tree whose sampler takes it inserts it.
func (f *forest) update(q []float64, t int64) {
	seq := f.seq
	f.seq++
	slot := int32(none)
	for _, tr := range f.trees {
		tr.expire(seq-f.decay, func(x sample) {
			tr.remove(x.slot)
			f.store.release(x.slot)
		})
		u := tr.rng.Float64()
		w := -f.lambda*float64(seq) + math.Log(-math.Log(u))
		if tr.full(f.capacity) && !(w < tr.samples[0].w) {
			continue
		}
		if slot == none {
			slot = f.store.add(q, seq, t)
		}
		if tr.full(f.capacity) {
			x := tr.pop()
			tr.remove(x.slot)
			f.store.release(x.slot)
		}
		f.store.retain(slot)
		tr.push(sample{w: w, slot: slot, seq: seq, time: t})
		tr.insert(slot)
	}
}

// held is the ROWTIME of the oldest row whose point a tree holds (or an
// earlier one, see sampler).
func (f *forest) held() (int64, bool) {
	var t int64
	ok := false
	for _, tr := range f.trees {
		if tr.hasMin && (!ok || tr.minTime < t) {
			t, ok = tr.minTime, true
		}
	}
	return t, ok
}
