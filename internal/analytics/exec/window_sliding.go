package exec

import (
	"math"

	"sluice/internal/analytics/value"
)

// frameKind is how far back a sliding window reaches.
type frameKind uint8

const (
	frameRows      frameKind = iota + 1 // the current row and n before it
	frameRange                          // the rows of the last interval of ROWTIME
	frameUnbounded                      // everything since the partition's first row
)

// winFuncKind is what a function over a sliding window computes.
type winFuncKind uint8

const (
	winAggregate winFuncKind = iota + 1 // SUM, AVG, COUNT, MIN, MAX, STDDEV_..., VAR_...
	winExpAvg                           // EXP_AVG
	winLag                              // LAG(x, k, default)
	winNth                              // NTH_VALUE(x, n) [FROM LAST], FIRST_VALUE, LAST_VALUE
)

// winFunc is one windowed call of a query: agg(x) OVER w, LAG(...) OVER w.
type winFunc struct {
	kind        winFuncKind
	spec        *aggSpec // winAggregate, winExpAvg
	acc         int      // winAggregate: its accumulator in a partition
	out         int      // where its result goes among the stage's results
	arg         int      // index of its argument among the window's stored values
	offset      int      // LAG's k; NTH_VALUE's n
	fromLast    bool     // NTH_VALUE FROM LAST, LAST_VALUE
	ignoreNulls bool
	def         *cexpr // LAG's default, on the current row
	typ         value.Type
}

// slidingWindow is one window specification of a query (its partitioning
// and frame) with the functions computed over it. It keeps, per
// partition, the rows of the frame: for each, the values of the functions'
// arguments.
type slidingWindow struct {
	partition []*cexpr
	kind      frameKind
	rows      int   // frameRows: rows before the current one
	rangeMs   int64 // frameRange: the interval
	args      []*cexpr
	argKeys   []string // fingerprints of args
	funcs     []*winFunc
	naccs     int
	// firstRows is how many of a partition's first rows an unbounded window
	// keeps (FIRST_VALUE, NTH_VALUE FROM FIRST); lastRows how many of its
	// latest (LAG, NTH_VALUE FROM LAST).
	firstRows, lastRows int

	parts map[string]*partition
	fifo  partRing // frameRange: rows in arrival order, for eviction across partitions

	// per row scratch
	keyBuf  []byte
	argVals []value.Value
	cur     *partition
}

type partition struct {
	key    string
	rows   rowRing
	accs   []accumulator
	first  rowRing // an unbounded window's first rows
	origin int64   // an unbounded window's first origin
}

// low is the earliest ROWTIME a RANGE window at time t contains: the
// interval back from t, its far end excluded (a row exactly one interval
// old has left, as the guide's sliding-window walk-through counts it); a
// zero interval is the rows at t.
func (w *slidingWindow) low(t int64) int64 {
	if w.rangeMs <= 0 {
		return t
	}
	return t - w.rangeMs + 1
}

// slidingStage computes a query's windowed functions: one output row per
// input row, the input's values followed by each function's result.
type slidingStage struct {
	stage
	where   *cexpr
	windows []*slidingWindow
	width   int // of the input rows
	nfuncs  int // results after them
	out     sink

	ctx evalCtx
	buf []value.Value
	ot  tuple
}

func (s *slidingStage) push(t *tuple) {
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
	// Compute every key and argument before changing any state, so that a
	// row that fails leaves the windows as they were.
	for _, w := range s.windows {
		w.keyBuf = w.keyBuf[:0]
		for _, k := range w.partition {
			v, err := k.fn(&s.ctx)
			if err != nil {
				s.fail(err, t)
				return
			}
			w.keyBuf = value.AppendKey(w.keyBuf, v)
		}
		for i, a := range w.args {
			v, err := a.fn(&s.ctx)
			if err != nil {
				s.fail(err, t)
				return
			}
			w.argVals[i] = v
		}
	}
	buf := append(s.buf[:0], t.vals...)
	for range s.nfuncs {
		buf = append(buf, value.Value{})
	}
	for _, w := range s.windows {
		w.evict(t.time)
		p := w.parts[string(w.keyBuf)]
		if p == nil {
			p = w.newPartition(string(w.keyBuf), t.origin)
		}
		w.cur = p
		if w.kind == frameRows {
			for p.rows.len() > w.rows {
				w.removeOldest(p)
			}
		}
		if err := w.add(p, t); err != nil {
			s.buf = buf
			s.fail(err, t)
			return
		}
		for _, f := range w.funcs {
			v, err := w.result(f, p, t, &s.ctx)
			if err != nil {
				s.buf = buf
				s.fail(err, t)
				return
			}
			buf[s.width+f.out] = v
		}
	}
	s.buf = buf
	s.ot.time, s.ot.origin, s.ot.vals = t.time, t.origin, buf
	s.out.push(&s.ot)
}

func (w *slidingWindow) newPartition(key string, origin int64) *partition {
	p := &partition{key: key, origin: origin}
	p.rows.stride = len(w.args)
	p.first.stride = len(w.args)
	for _, f := range w.funcs {
		if f.kind == winAggregate {
			p.accs = append(p.accs, newAccumulator(f.spec, w.kind != frameUnbounded))
		}
	}
	w.parts[key] = p
	return p
}

// add puts the current row (its argument values) into partition p. An
// argument an aggregate cannot take (a sum that overflows) is left out of
// that aggregate, and the error is returned for the row's error row.
func (w *slidingWindow) add(p *partition, t *tuple) error {
	var first error
	for _, f := range w.funcs {
		if f.kind == winAggregate {
			if err := p.accs[f.acc].add(w.argVals[f.arg]); err != nil && first == nil {
				first = err
			}
		}
	}
	if w.kind == frameUnbounded {
		if p.first.len() < w.firstRows {
			p.first.push(t.time, t.origin, w.argVals)
		}
		if w.lastRows == 0 {
			return first
		}
		for p.rows.len() >= w.lastRows {
			p.rows.popFront()
		}
	}
	p.rows.push(t.time, t.origin, w.argVals)
	if w.kind == frameRange {
		w.fifo.push(t.time, p)
	}
	return first
}

// removeOldest takes a partition's oldest row out of its window.
func (w *slidingWindow) removeOldest(p *partition) {
	row := p.rows.row(0)
	for _, f := range w.funcs {
		if f.kind == winAggregate {
			p.accs[f.acc].remove(row[f.arg])
		}
	}
	p.rows.popFront()
}

// evict takes out of a RANGE window the rows that are too old at time now,
// whatever their partition, and forgets partitions left empty: memory
// follows the window's contents, not the number of keys ever seen.
func (w *slidingWindow) evict(now int64) {
	if w.kind != frameRange {
		return
	}
	low := w.low(now)
	for w.fifo.n > 0 && w.fifo.frontTime() < low {
		p := w.fifo.pop()
		w.removeOldest(p)
		if p.rows.len() == 0 {
			delete(w.parts, p.key)
		}
	}
}

// result computes function f for the current row, which p holds last.
func (w *slidingWindow) result(f *winFunc, p *partition, t *tuple, ctx *evalCtx) (value.Value, error) {
	switch f.kind {
	case winAggregate:
		return p.accs[f.acc].result()
	case winExpAvg:
		return w.expAvg(f, p, t.time)
	case winLag:
		k := f.offset
		for i := p.rows.len() - 2; i >= 0; i-- {
			v := p.rows.row(i)[f.arg]
			if f.ignoreNulls && v.IsNull() {
				continue
			}
			k--
			if k == 0 {
				return v, nil
			}
		}
		if f.offset == 0 {
			return w.argVals[f.arg], nil
		}
		if f.def == nil {
			return value.Value{}, nil
		}
		return f.def.fn(ctx)
	case winNth:
		rows := &p.rows
		if w.kind == frameUnbounded && !f.fromLast {
			rows = &p.first
		}
		n := f.offset
		for j := 0; j < rows.len(); j++ {
			i := j
			if f.fromLast {
				i = rows.len() - 1 - j
			}
			v := rows.row(i)[f.arg]
			if f.ignoreNulls && v.IsNull() {
				continue
			}
			n--
			if n == 0 {
				return v, nil
			}
		}
		return value.Value{}, nil
	}
	return value.Value{}, nil
}

// expAvg is EXP_AVG: the average of the window's values weighted by age,
// each half-life older weighing half as much. The window is cut into
// half-life-long spans back from the current row, and a value's weight is
// that of its span (the reference's example: with a 10-second half-life
// over 30 seconds, the latest 10 seconds weigh twice the middle ones and
// four times the oldest).
func (w *slidingWindow) expAvg(f *winFunc, p *partition, now int64) (value.Value, error) {
	var num, den float64
	for i := 0; i < p.rows.len(); i++ {
		v := p.rows.row(i)[f.arg]
		if v.IsNull() {
			continue
		}
		span := (now - p.rows.time(i)) / f.spec.halfLife
		wt := math.Ldexp(1, -int(min(span, 1000)))
		num += wt * v.Float64()
		den += wt
	}
	if den == 0 {
		return value.Value{}, nil
	}
	if f.typ.Kind == value.KindReal {
		return value.NewReal(float32(num / den)), nil
	}
	return value.NewDouble(num / den), nil
}

// held is the earliest origin among the rows a window still holds that can
// affect a later row: for RANGE those young enough at the program's clock;
// for ROWS every partition's rows, however old (a partition's next row
// sees its last n); for an unbounded window, its partitions' first rows.
func (s *slidingStage) held() (int64, bool) {
	var m int64
	ok := false
	take := func(o int64, has bool) {
		if has && (!ok || o < m) {
			m, ok = o, true
		}
	}
	for _, w := range s.windows {
		switch w.kind {
		case frameRange:
			w.evict(s.p.clock)
			for _, p := range w.parts {
				take(p.rows.minOrigin(0))
			}
		case frameRows:
			for _, p := range w.parts {
				take(p.rows.minOrigin(0))
			}
		default:
			for _, p := range w.parts {
				take(p.origin, true)
			}
		}
	}
	return m, ok
}

// partRing is a FIFO of (time, partition): a RANGE window's rows in
// arrival order, across partitions.
type partRing struct {
	times   []int64
	parts   []*partition
	head, n int
}

func (r *partRing) push(t int64, p *partition) {
	if r.n == len(r.times) {
		c := max(8, 2*len(r.times))
		times, parts := make([]int64, c), make([]*partition, c)
		for i := 0; i < r.n; i++ {
			j := (r.head + i) % len(r.times)
			times[i], parts[i] = r.times[j], r.parts[j]
		}
		r.times, r.parts, r.head = times, parts, 0
	}
	j := (r.head + r.n) % len(r.times)
	r.times[j], r.parts[j] = t, p
	r.n++
}

func (r *partRing) frontTime() int64 { return r.times[r.head] }

func (r *partRing) pop() *partition {
	p := r.parts[r.head]
	r.parts[r.head] = nil
	r.head = (r.head + 1) % len(r.times)
	r.n--
	return p
}
