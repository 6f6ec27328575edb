package exec

import (
	"slices"

	"sluice/internal/analytics/value"
)

// orow is a row held by an ORDER BY or DISTINCT.
type orow struct {
	time, origin int64
	vals         []value.Value
}

// orderStage is a streaming ORDER BY: it holds the rows of one value of
// the first (monotonic) key, and releases them sorted by all the keys once
// that value is complete. Released rows are given the batch's release time
// as their ROWTIME (the window's end for FLOOR, CEIL or STEP of ROWTIME),
// so that the stream's ROWTIME still only rises after the reordering.
type orderStage struct {
	stage
	plan  *orderPlan
	width int // output columns, before the keys
	out   sink

	rows []orow
	cur  value.Value
	dl   deadline
	ot   tuple
}

func (s *orderStage) push(t *tuple) {
	k := t.vals[s.plan.first]
	if len(s.rows) > 0 && !sameValue(k, s.cur) {
		s.flush(s.rows[len(s.rows)-1].time)
	}
	if len(s.rows) == 0 {
		s.cur = k
		switch s.plan.mode {
		case orderTimed:
			if k.IsNull() {
				s.dl = deadline{at: t.time, strict: true}
			} else {
				s.dl = s.plan.rule.deadline(k)
			}
		}
	}
	if s.plan.mode == orderSameTime {
		s.dl = deadline{at: t.time, strict: true}
	}
	s.rows = append(s.rows, orow{time: t.time, origin: t.origin, vals: append([]value.Value(nil), t.vals...)})
}

// flush sorts and emits the batch with time at.
func (s *orderStage) flush(at int64) {
	slices.SortStableFunc(s.rows, func(a, b orow) int { return s.plan.compareKeys(a.vals, b.vals) })
	rows := s.rows
	s.rows = nil
	for _, r := range rows {
		s.ot.time, s.ot.origin, s.ot.vals = max(at, r.time), r.origin, r.vals[:s.width]
		s.out.push(&s.ot)
	}
}

func (s *orderStage) next() (deadline, bool) {
	if len(s.rows) == 0 || s.plan.mode == orderKeyChange {
		return deadline{}, false
	}
	return s.dl, true
}

func (s *orderStage) fire(clock int64) {
	if d, ok := s.next(); ok && d.due(clock) {
		s.flush(d.at)
	}
}

func (s *orderStage) held() (int64, bool) {
	var m int64
	for i, r := range s.rows {
		if i == 0 || r.origin < m {
			m = r.origin
		}
	}
	return m, len(s.rows) > 0
}

// distinctStage is SELECT STREAM DISTINCT: a row is emitted the first time
// its values are seen within one value of the monotonic item (at once,
// with its own time); the values seen are forgotten when that item moves
// on, which bounds them by the window.
type distinctStage struct {
	stage
	mono  int        // slot of the monotonic item
	rule  *closeRule // when it is ROWTIME, FLOOR, CEIL or STEP of it
	width int
	out   sink

	seen map[string]int64 // the rows' keys, with their origins
	cur  value.Value
	key  []byte
}

func (s *distinctStage) push(t *tuple) {
	m := t.vals[s.mono]
	if len(s.seen) > 0 && !sameValue(m, s.cur) {
		clear(s.seen)
	}
	s.cur = m
	s.key = s.key[:0]
	for _, v := range t.vals[:s.width] {
		s.key = value.AppendKey(s.key, v)
	}
	if _, dup := s.seen[string(s.key)]; dup {
		return
	}
	s.seen[string(s.key)] = t.origin
	s.out.push(t)
}

func (s *distinctStage) held() (int64, bool) {
	if len(s.seen) == 0 {
		return 0, false
	}
	if s.rule != nil && !s.cur.IsNull() && s.rule.deadline(s.cur).due(s.p.clock) {
		clear(s.seen) // the window is over: no later row can repeat these
		return 0, false
	}
	var m int64
	first := true
	for _, o := range s.seen {
		if first || o < m {
			m, first = o, false
		}
	}
	return m, true
}
