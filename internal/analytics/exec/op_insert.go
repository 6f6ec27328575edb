package exec

import (
	"fmt"

	"sluice/internal/analytics/value"
)

// insertStage is a pump's INSERT: it puts the query's rows into the target
// stream, each value converted to its column's type by the assignment rules
// (checked when the pump was planned; what fails on a value, an overflow or
// a NULL in a NOT NULL column, becomes an error row).
type insertStage struct {
	stage
	target *streamNode
	// from[i] is the query column that fills target column i, or -1 (NULL).
	from []int
	// cast[i] reports that the column's values need converting.
	cast []bool
	// direct: the query's rows are the target's as they are.
	direct bool
	// rowtime is the query column inserted into ROWTIME, or -1: it sets
	// the row's time.
	rowtime int

	buf []value.Value
	ot  tuple
}

func (s *insertStage) push(t *tuple) {
	time := t.time
	if s.rowtime >= 0 {
		ms, err := promoteTime(t.vals[s.rowtime], s.target.last, s.p.now)
		if err != nil {
			s.fail(err, t)
			return
		}
		time = ms
	}
	if time < s.target.last {
		// Every stage emits in time order; several pumps into one stream
		// are merged in time order by the program. This guards the
		// invariant rather than relying on it.
		s.fail(&condError{name: errNameOutOfOrder, state: "22000",
			msg: fmt.Sprintf("row at ROWTIME %s is earlier than the last row of %s (%s)", fmtTime(t.time), s.target.name, fmtTime(s.target.last))}, t)
		return
	}
	if s.direct {
		s.target.insert(t)
		return
	}
	buf := s.buf[:0]
	for i, src := range s.from {
		var v value.Value
		if src >= 0 {
			v = t.vals[src]
		}
		if s.cast[i] && !v.IsNull() {
			c, err := value.Cast(v, s.target.cols[i].Type)
			if err != nil {
				s.buf = buf
				s.fail(fmt.Errorf("column %s of %s: %w", s.target.cols[i].Name, s.target.name, err), t)
				return
			}
			v = c
		}
		if v.IsNull() && s.target.notNull[i] {
			s.buf = buf
			s.fail(&condError{name: errNameNotNull, state: "23502",
				msg: fmt.Sprintf("column %s of %s is NOT NULL; the row has NULL", s.target.cols[i].Name, s.target.name)}, t)
			return
		}
		buf = append(buf, v)
	}
	s.buf = buf
	s.ot.time, s.ot.origin, s.ot.vals = time, t.origin, buf
	s.target.insert(&s.ot)
}
