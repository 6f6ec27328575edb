package exec

import (
	"fmt"

	"sluice/internal/analytics/value"
)

// outlet is the end of a plan's pipeline: whoever reads the plan's rows
// sets next (a stage of the query around it, or a pump's insert).
type outlet struct {
	next sink
}

func (o *outlet) push(t *tuple) {
	if o.next != nil {
		o.next.push(t)
	}
}

// stage holds what every stage needs to report a failed row: the program,
// the pump, and the names of its input's slots.
type stage struct {
	p     *Program
	pump  string
	names []string
}

// fail writes an error row for the input row t.
func (s *stage) fail(err error, t *tuple) {
	s.p.raiseRow(s.pump, err, s.names, t)
}

// projectStage filters rows (WHERE, HAVING) and computes a select list:
// the hot path of every query, fused into one stage.
type projectStage struct {
	stage
	where *cexpr
	items []*cexpr
	// rowtime, when set, is the select item aliased AS ROWTIME: it sets
	// the output row's time.
	rowtime *cexpr
	last    int64 // time of the last row out (a promoted ROWTIME must not go back)
	out     sink

	ctx evalCtx
	buf []value.Value
	ot  tuple
}

func (s *projectStage) push(t *tuple) {
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
	buf := s.buf[:0]
	for _, it := range s.items {
		if it.rowFn != nil {
			var err error
			if buf, err = it.rowFn(&s.ctx, buf); err != nil {
				s.buf = buf
				s.fail(err, t)
				return
			}
			continue
		}
		v, err := it.fn(&s.ctx)
		if err != nil {
			s.buf = buf
			s.fail(err, t)
			return
		}
		buf = append(buf, v)
	}
	s.buf = buf
	s.ot.time, s.ot.origin, s.ot.vals = t.time, t.origin, buf
	if s.rowtime != nil {
		v, err := s.rowtime.fn(&s.ctx)
		if err == nil {
			err = s.promote(v)
		}
		if err != nil {
			s.fail(err, t)
			return
		}
	}
	s.last = s.ot.time
	s.out.push(&s.ot)
}

// promote sets the output row's time from the item aliased AS ROWTIME.
func (s *projectStage) promote(v value.Value) error {
	ms, err := promoteTime(v, s.last, s.p.now)
	if err == nil {
		s.ot.time = ms
	}
	return err
}

// promoteTime reads a time given to a row (AS ROWTIME, or an INSERT into
// the ROWTIME column). A stream's ROWTIME only rises and cannot be ahead of
// the engine's clock, so a time before the previous row's (last) or after
// now is an error.
func promoteTime(v value.Value, last, now int64) (int64, error) {
	if v.IsNull() {
		return 0, &condError{name: errNameOutOfOrder, state: "22004", msg: "the value of ROWTIME is NULL"}
	}
	if k := v.Kind(); k != value.KindTimestamp {
		c, err := value.Cast(v, value.Simple(value.KindTimestamp))
		if err != nil {
			return 0, err
		}
		v = c
	}
	ms := v.Int64()
	switch {
	case ms < last:
		return 0, &condError{name: errNameOutOfOrder, state: "22000",
			msg: fmt.Sprintf("ROWTIME %s is earlier than the previous row's (%s): a stream's rows must be in ROWTIME order", fmtTime(ms), fmtTime(last))}
	case ms > now:
		return 0, &condError{name: errNameOutOfOrder, state: "22000",
			msg: fmt.Sprintf("ROWTIME %s is ahead of the application's time (%s): a row cannot be given a time that has not come", fmtTime(ms), fmtTime(now))}
	}
	return ms, nil
}
