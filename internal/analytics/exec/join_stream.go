package exec

import (
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// jrow is a row held in a stream join's window.
type jrow struct {
	time, origin int64
	vals         []value.Value
	key          string
	matched      bool
	// matchOrigin is the earliest origin of the rows it matched: a replay
	// must see them again, or an outer join would emit the row unmatched.
	matchOrigin int64
	gone        bool
}

// joinSide is one input of a stream-to-stream join and its window: the
// rows of that stream a row of the other can still meet.
type joinSide struct {
	keys    []*cexpr
	byRows  bool  // ROWS n: the last n+1 rows
	rows    int   //
	rangeMs int64 // RANGE: rows younger than this; 0 is the current row only
	outer   bool  // its unmatched rows are emitted with NULLs
	width   int

	fifo  []*jrow // in arrival (time) order
	head  int
	scan  int // no row before this index is both kept and unmatched (next's cursor)
	index map[string][]*jrow
	nulls []value.Value
}

// inWindow reports whether a row of time rt is in the side's window when
// the time is now (RANGE windows; ROWS windows count instead).
func (s *joinSide) inWindow(rt, now int64) bool {
	if s.rangeMs <= 0 {
		return rt >= now
	}
	return rt > now-s.rangeMs
}

// deadline is when a row can no longer be matched: once time has left its
// window.
func (s *joinSide) deadline(r *jrow) deadline {
	if s.rangeMs <= 0 {
		return deadline{at: r.time, strict: true}
	}
	return deadline{at: r.time + s.rangeMs}
}

func (s *joinSide) len() int { return len(s.fifo) - s.head }

func (s *joinSide) front() *jrow { return s.fifo[s.head] }

// popFront removes the oldest row.
func (s *joinSide) popFront() *jrow {
	r := s.fifo[s.head]
	s.fifo[s.head] = nil
	s.head++
	if s.head > 64 && s.head*2 > len(s.fifo) {
		n := copy(s.fifo, s.fifo[s.head:])
		clear(s.fifo[n:])
		s.fifo = s.fifo[:n]
		s.scan -= s.head
		s.head = 0
	}
	s.scan = max(s.scan, s.head)
	r.gone = true
	if s.index != nil {
		l := s.index[r.key]
		for i, x := range l {
			if x == r {
				l = append(l[:i:i], l[i+1:]...)
				break
			}
		}
		if len(l) == 0 {
			delete(s.index, r.key)
		} else {
			s.index[r.key] = l
		}
	}
	return r
}

// streamJoinStage joins two streams within their windows (SQLstream's
// semantics): a row arriving on one side is joined with the rows of the
// other side's window at that time, so a pair meets once, when the later
// of its two rows arrives, and the joined row has that row's time. A
// stream without OVER has the window of its current row. An outer join
// emits a kept side's row with NULLs once it has left its window without a
// match, at the time its window ended.
type streamJoinStage struct {
	stage
	sides    [2]*joinSide
	norm     []keyNorm
	residual *cexpr
	out      sink

	ctx    evalCtx
	keyBuf []byte
	buf    []value.Value
	ot     tuple
}

// joinPort is one input of a stream join.
type joinPort struct {
	j    *streamJoinStage
	side int
}

func (p *joinPort) push(t *tuple) { p.j.arrive(p.side, t) }

func (pl *planner) streamJoin(st stage, l, r *fromPlan, kind sql.JoinKind, jk *joinKeys, windows map[string]*sql.WindowSpec) (*streamJoinStage, error) {
	js := &streamJoinStage{stage: st, norm: jk.norm, residual: jk.residual}
	for i, fp := range []*fromPlan{l, r} {
		side := &joinSide{width: fp.sc.width}
		side.nulls = make([]value.Value, fp.sc.width+1)
		if i == 0 {
			side.keys = jk.left
			side.outer = kind == sql.LeftJoin || kind == sql.FullJoin
		} else {
			side.keys = jk.right
			side.outer = kind == sql.RightJoin || kind == sql.FullJoin
		}
		if len(side.keys) > 0 {
			side.index = map[string][]*jrow{}
		}
		if fp.over != nil {
			eff, err := effectiveWindow(fp.over, windows)
			if err != nil {
				return nil, err
			}
			if len(eff.PartitionBy) > 0 {
				return nil, errAt(eff.PartitionBy[0].Position(), "The window of a stream in a join cannot be partitioned")
			}
			f := eff.Frame
			switch {
			case f == nil || f.Start.Kind == sql.UnboundedPreceding:
				return nil, errAt(fp.over.Pos, "The window of a stream in a join needs a size, as OVER (RANGE INTERVAL '1' MINUTE PRECEDING)")
			case f.Unit == sql.Rows:
				side.byRows = true
				if f.Start.Kind == sql.Preceding {
					n, err := pl.constCount(f.Start.Offset, "ROWS", 0)
					if err != nil {
						return nil, err
					}
					side.rows = n
				}
			case f.Start.Kind == sql.Preceding:
				ms, err := pl.dayTimeInterval(f.Start.Offset, "RANGE")
				if err != nil {
					return nil, err
				}
				side.rangeMs = ms
			}
		}
		js.sides[i] = side
	}
	return js, nil
}

// arrive joins a row of one side with the other side's window, then keeps
// it in its own.
func (j *streamJoinStage) arrive(side int, t *tuple) {
	me, other := j.sides[side], j.sides[1-side]
	j.ctx.t, j.ctx.p = t, j.p
	key := ""
	hasKey := true
	if len(me.keys) > 0 {
		j.keyBuf = j.keyBuf[:0]
		for i, k := range me.keys {
			v, err := k.fn(&j.ctx)
			if err != nil {
				j.fail(err, t)
				return
			}
			var ok bool
			if j.keyBuf, ok = j.norm[i].appendKey(j.keyBuf, v, side); !ok {
				hasKey = false
				break
			}
		}
		key = string(j.keyBuf)
	}
	j.evict(other, t.time)
	j.evict(me, t.time)
	r := &jrow{time: t.time, origin: t.origin, vals: append([]value.Value(nil), t.vals...), key: key, matchOrigin: t.origin}
	if hasKey {
		var cands []*jrow
		if other.index != nil {
			cands = other.index[key]
		} else {
			cands = other.fifo[other.head:]
		}
		for _, o := range cands {
			if o.gone || !other.byRows && !other.inWindow(o.time, t.time) {
				continue
			}
			if j.try(side, r, o) {
				r.matched, o.matched = true, true
				r.matchOrigin = min(r.matchOrigin, o.origin)
				o.matchOrigin = min(o.matchOrigin, r.origin)
			}
		}
	}
	if !hasKey && !me.outer {
		return // a NULL key meets nothing, and nothing keeps it
	}
	me.fifo = append(me.fifo, r)
	if me.index != nil && hasKey {
		me.index[key] = append(me.index[key], r)
	}
	if me.byRows {
		for me.len() > me.rows+1 {
			j.drop(me, me.popFront(), t.time)
		}
	}
}

// evict drops from a side's RANGE window the rows too old at time now.
// Kept rows that found no match have been emitted by the timer already.
func (j *streamJoinStage) evict(s *joinSide, now int64) {
	if s.byRows {
		return
	}
	for s.len() > 0 && !s.inWindow(s.front().time, now) {
		j.drop(s, s.popFront(), now)
	}
}

// drop forgets a row that left its window, first emitting it with NULLs if
// its side is kept and it never matched.
func (j *streamJoinStage) drop(s *joinSide, r *jrow, now int64) {
	if !s.outer || r.matched {
		return
	}
	at := now
	if !s.byRows {
		at = s.deadline(r).at
	}
	side := 0
	if s == j.sides[1] {
		side = 1
	}
	j.build(side, r, nil, at)
	j.out.push(&j.ot)
}

// try joins the arriving row r (of side) with o, emitting the pair when the
// rest of the condition holds.
func (j *streamJoinStage) try(side int, r, o *jrow) bool {
	j.build(side, r, o, r.time)
	j.ot.origin = min(r.origin, o.origin)
	if j.residual != nil {
		j.ctx.t, j.ctx.p = &j.ot, j.p
		v, err := j.residual.fn(&j.ctx)
		if err != nil {
			j.fail(err, &tuple{time: r.time, origin: r.origin, vals: r.vals})
			return false
		}
		if v.IsNull() || !v.Bool() {
			return false
		}
	}
	j.out.push(&j.ot)
	return true
}

// build lays out a joined row: left values, left time, right values, right
// time; o nil gives the other side NULLs.
func (j *streamJoinStage) build(side int, r, o *jrow, at int64) {
	rows := [2]*jrow{}
	rows[side], rows[1-side] = r, o
	buf := j.buf[:0]
	for i, x := range rows {
		if x == nil {
			buf = append(buf, j.sides[i].nulls...)
			continue
		}
		buf = append(buf, x.vals...)
		buf = append(buf, value.NewTimestamp(x.time))
	}
	j.buf = buf
	j.ot.time, j.ot.origin, j.ot.vals = at, r.origin, buf
}

// next is the earliest time a kept side's unmatched row leaves its window.
func (j *streamJoinStage) next() (deadline, bool) {
	var best deadline
	ok := false
	for _, s := range j.sides {
		if !s.outer || s.byRows {
			continue
		}
		// A row's match only ever goes from false to true, so the cursor
		// never has to look back.
		for s.scan < len(s.fifo) && s.fifo[s.scan].matched {
			s.scan++
		}
		if s.scan < len(s.fifo) {
			d := s.deadline(s.fifo[s.scan])
			if !ok || d.at < best.at {
				best, ok = d, true
			}
		}
	}
	return best, ok
}

func (j *streamJoinStage) fire(clock int64) {
	d, ok := j.next()
	if !ok {
		return
	}
	for _, s := range j.sides {
		if !s.outer || s.byRows {
			continue
		}
		for s.len() > 0 {
			r := s.front()
			rd := s.deadline(r)
			if rd.at > d.at || !rd.due(clock) {
				break
			}
			j.drop(s, s.popFront(), rd.at)
		}
	}
}

// held is the earliest origin a join still depends on: its windows' rows
// (RANGE windows as of the clock), and for a kept side the rows they
// matched.
func (j *streamJoinStage) held() (int64, bool) {
	var m int64
	ok := false
	for _, s := range j.sides {
		j.evict(s, j.p.clock)
		for i := s.head; i < len(s.fifo); i++ {
			r := s.fifo[i]
			o := r.origin
			if s.outer {
				o = min(o, r.matchOrigin)
			}
			if !ok || o < m {
				m, ok = o, true
			}
		}
	}
	return m, ok
}
