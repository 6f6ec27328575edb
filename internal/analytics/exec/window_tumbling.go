package exec

import (
	"container/heap"

	"sluice/internal/analytics/value"
)

// closeKind is how a monotonic GROUP BY key says when its group is
// complete.
type closeKind uint8

const (
	closeFloor   closeKind = iota + 1 // FLOOR(ROWTIME TO unit): at the next unit
	closeCeil                         // CEIL(ROWTIME TO unit): once time is past the value
	closeStep                         // STEP(ROWTIME BY width): a width later
	closeRowtime                      // ROWTIME itself: once time is past it
)

// closeRule is a GROUP BY key on ROWTIME whose groups end at a time the
// planner can compute from the key's value: a tumbling window.
type closeRule struct {
	kind   closeKind
	key    int // which key
	unit   value.Unit
	width  int64 // STEP's width in milliseconds, or
	months int64 // in months for a year-month interval
}

// deadline is when the group whose key has value v closes: the end of its
// window (the time a row of the next window would have), or, for a key
// that ends at its own value, once time is past it.
func (r closeRule) deadline(v value.Value) deadline {
	ms := v.Int64()
	switch r.kind {
	case closeFloor:
		return deadline{at: value.NextUnit(ms, r.unit)}
	case closeStep:
		if r.months > 0 {
			return deadline{at: value.MonthStart(value.MonthIndex(ms) + r.months)}
		}
		return deadline{at: ms + r.width}
	}
	return deadline{at: ms, strict: true}
}

// group is one group of a tumbling or stagger window: its key values and
// the accumulators of its aggregates.
type group struct {
	key     string
	keyVals []value.Value
	accs    []accumulator
	dl      deadline
	origin  int64
	seq     int64
	idx     int // in the heap
}

// groupStage is a streaming GROUP BY (a tumbling window) or a WINDOWED BY
// STAGGER: rows are folded into groups by key, and each group is emitted
// once, when it closes, with the window's end as its ROWTIME. Its output
// rows are the key values and then the aggregates' results.
type groupStage struct {
	stage
	where *cexpr
	keys  []*cexpr
	aggs  []*aggSpec
	rules []closeRule
	// generic lists the monotonic keys whose closing time cannot be
	// computed (MONOTONIC(x), an expression of ROWTIME other than FLOOR,
	// CEIL or STEP): when a row comes with other values for them, every
	// open group closes at that row's time.
	generic []int
	// stagger is a stagger window's range (ms): a group closes that long
	// after its first row.
	stagger int64
	out     sink
	// outNames names the output's slots (keys, then aggregates), for the
	// error row of a group whose result fails.
	outNames []string

	groups  map[string]*group
	heap    groupHeap // groups with a deadline, by (deadline, creation)
	untimed []*group  // groups closed only by a change of the generic keys
	seq     int64
	curGen  []value.Value
	hasGen  bool
	// busy tracks, for a stagger window, the span since which some window
	// has always been open, and the earliest origin in it (see held).
	busyStart, busyEnd, busyOrigin int64
	busy                           bool

	ctx     evalCtx
	keyBuf  []byte
	keyVals []value.Value
	argVals []value.Value
	outVals []value.Value
	ot      tuple
}

func newGroupStage(st stage, keys []*cexpr, aggs []*aggSpec) *groupStage {
	return &groupStage{stage: st, keys: keys, aggs: aggs, groups: map[string]*group{},
		keyVals: make([]value.Value, len(keys)), argVals: make([]value.Value, len(aggs))}
}

func (s *groupStage) push(t *tuple) {
	s.ctx.t, s.ctx.p = t, s.p
	if s.where != nil {
		v, err := s.where.fn(&s.ctx)
		if err != nil {
			s.fail(err, t)
			return
		}
		if v.IsNull() || !v.Bool() {
			return
		}
	}
	for i, k := range s.keys {
		v, err := k.fn(&s.ctx)
		if err != nil {
			s.fail(err, t)
			return
		}
		s.keyVals[i] = v
	}
	for i, a := range s.aggs {
		if a.arg == nil {
			s.argVals[i] = trueVal // COUNT(*)
			continue
		}
		v, err := a.arg.fn(&s.ctx)
		if err != nil {
			s.fail(err, t)
			return
		}
		s.argVals[i] = v
	}
	if len(s.generic) > 0 {
		s.checkGeneric(t.time)
	}
	s.keyBuf = s.keyBuf[:0]
	for _, v := range s.keyVals {
		s.keyBuf = value.AppendKey(s.keyBuf, v)
	}
	g := s.groups[string(s.keyBuf)]
	if g == nil {
		g = s.open(t)
	}
	for i, a := range g.accs {
		if err := a.add(s.argVals[i]); err != nil {
			s.fail(err, t)
		}
	}
	if t.origin < g.origin {
		g.origin = t.origin
	}
	if s.stagger > 0 && t.origin < s.busyOrigin {
		s.busyOrigin = t.origin
	}
}

// open creates the group of the current key values.
func (s *groupStage) open(t *tuple) *group {
	g := &group{key: string(s.keyBuf), keyVals: append([]value.Value(nil), s.keyVals...), origin: t.origin, seq: s.seq}
	s.seq++
	g.accs = make([]accumulator, len(s.aggs))
	for i, a := range s.aggs {
		g.accs[i] = newAccumulator(a, false)
	}
	s.groups[g.key] = g
	switch {
	case s.stagger > 0:
		g.dl = deadline{at: t.time + s.stagger}
		if !s.busy || t.time >= s.busyEnd {
			s.busy, s.busyStart, s.busyOrigin = true, t.time, t.origin
		}
		s.busyEnd = max(s.busyEnd, g.dl.at)
	case len(s.rules) > 0:
		set := false
		for _, r := range s.rules {
			if g.keyVals[r.key].IsNull() {
				continue
			}
			d := r.deadline(g.keyVals[r.key])
			if !set || d.at < g.dl.at || d.at == g.dl.at && d.strict {
				g.dl, set = d, true
			}
		}
		if !set {
			g.dl = deadline{at: t.time, strict: true}
		}
	default:
		s.untimed = append(s.untimed, g)
		return g
	}
	heap.Push(&s.heap, g)
	return g
}

// checkGeneric closes every open group when the row's generic monotonic
// keys have moved on.
func (s *groupStage) checkGeneric(now int64) {
	same := s.hasGen
	for i, k := range s.generic {
		if same && !sameValue(s.curGen[i], s.keyVals[k]) {
			same = false
		}
	}
	if same {
		return
	}
	if s.hasGen {
		for _, g := range s.untimed {
			s.emit(g, now)
		}
		s.untimed = s.untimed[:0]
		for s.heap.Len() > 0 {
			s.emit(heap.Pop(&s.heap).(*group), now)
		}
	}
	s.curGen = s.curGen[:0]
	for _, k := range s.generic {
		s.curGen = append(s.curGen, s.keyVals[k])
	}
	s.hasGen = true
}

// sameValue reports whether a and b are equal, NULLs equal to each other
// (as GROUP BY compares them).
func sameValue(a, b value.Value) bool {
	if a.IsNull() || b.IsNull() {
		return a.IsNull() && b.IsNull()
	}
	eq, ok := value.Equal(a, b)
	return ok && eq
}

func (s *groupStage) next() (deadline, bool) {
	if s.heap.Len() == 0 {
		return deadline{}, false
	}
	return s.heap[0].dl, true
}

func (s *groupStage) fire(clock int64) {
	if s.heap.Len() == 0 {
		return
	}
	at := s.heap[0].dl.at
	for s.heap.Len() > 0 && s.heap[0].dl.at == at && s.heap[0].dl.due(clock) {
		s.emit(heap.Pop(&s.heap).(*group), at)
	}
}

// emit writes a closed group's row, at time at.
func (s *groupStage) emit(g *group, at int64) {
	delete(s.groups, g.key)
	vals := append(s.outVals[:0], g.keyVals...)
	for _, a := range g.accs {
		v, err := a.result()
		if err != nil {
			s.outVals = vals
			s.p.raiseRow(s.pump, err, s.outNames, &tuple{time: at, origin: g.origin, vals: g.keyVals})
			return
		}
		vals = append(vals, v)
	}
	s.outVals = vals
	s.ot.time, s.ot.origin, s.ot.vals = at, g.origin, vals
	s.out.push(&s.ot)
}

// held is the earliest origin of an open group. A stagger window's groups
// start where their first row came, so a replay must start where no
// window was open: the start of the current busy span (see the package
// doc, Recovery).
func (s *groupStage) held() (int64, bool) {
	if len(s.groups) == 0 {
		return 0, false
	}
	if s.stagger > 0 {
		return s.busyOrigin, true
	}
	first := true
	var min int64
	for _, g := range s.groups {
		if first || g.origin < min {
			min, first = g.origin, false
		}
	}
	return min, true
}

// groupHeap orders groups by deadline, then by creation.
type groupHeap []*group

func (h groupHeap) Len() int { return len(h) }
func (h groupHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.dl.at != b.dl.at {
		return a.dl.at < b.dl.at
	}
	return a.seq < b.seq
}
func (h groupHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].idx, h[j].idx = i, j
}
func (h *groupHeap) Push(x any) {
	g := x.(*group)
	g.idx = len(*h)
	*h = append(*h, g)
}
func (h *groupHeap) Pop() any {
	old := *h
	n := len(old)
	g := old[n-1]
	old[n-1] = nil
	*h = old[:n-1]
	return g
}
