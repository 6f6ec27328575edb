package exec

import (
	"sluice/internal/analytics/value"
)

// tableJoinStage joins each row of a stream with a reference table: by a
// hash index on the table when the condition has equalities between the
// two, by a scan otherwise. A LEFT JOIN (the stream's side kept) emits the
// stream's row with NULLs when nothing matches. The joined row keeps the
// stream row's time.
type tableJoinStage struct {
	stage
	streamLeft bool
	outer      bool
	rows       [][]value.Value
	index      map[string][]int // by key; nil without equalities
	keys       []*cexpr         // on the stream's rows
	norm       []keyNorm
	residual   *cexpr
	wl, wr     int
	out        sink

	ctx    evalCtx
	keyBuf []byte
	buf    []value.Value
	ot     tuple
	nulls  []value.Value
}

func newTableJoin(st stage, streamLeft, outer bool, rows [][]value.Value, jk *joinKeys, wl, wr int) *tableJoinStage {
	s := &tableJoinStage{stage: st, streamLeft: streamLeft, outer: outer, rows: rows, residual: jk.residual, wl: wl, wr: wr}
	tableKeys, tableSide, streamSide := jk.right, 1, 0
	s.keys = jk.left
	if !streamLeft {
		tableKeys, tableSide, streamSide = jk.left, 0, 1
		s.keys = jk.right
	}
	_ = streamSide
	s.norm = jk.norm
	tw := wr
	if !streamLeft {
		tw = wl
	}
	s.nulls = make([]value.Value, tw)
	if len(tableKeys) > 0 {
		s.index = map[string][]int{}
		ctx := &evalCtx{p: st.p}
		var key []byte
	rows:
		for i, row := range rows {
			ctx.t = &tuple{vals: row}
			key = key[:0]
			for j, k := range tableKeys {
				v, err := k.fn(ctx)
				if err != nil {
					continue rows
				}
				var ok bool
				if key, ok = s.norm[j].appendKey(key, v, tableSide); !ok {
					continue rows
				}
			}
			s.index[string(key)] = append(s.index[string(key)], i)
		}
	}
	return s
}

// streamSide is the side (0 left, 1 right) of the stream in the key norms.
func (s *tableJoinStage) streamSide() int {
	if s.streamLeft {
		return 0
	}
	return 1
}

func (s *tableJoinStage) push(t *tuple) {
	matched := false
	if s.index != nil {
		s.ctx.t, s.ctx.p = t, s.p
		s.keyBuf = s.keyBuf[:0]
		for j, k := range s.keys {
			v, err := k.fn(&s.ctx)
			if err != nil {
				s.fail(err, t)
				return
			}
			var ok bool
			if s.keyBuf, ok = s.norm[j].appendKey(s.keyBuf, v, s.streamSide()); !ok {
				s.finish(t, false)
				return
			}
		}
		for _, i := range s.index[string(s.keyBuf)] {
			if s.try(t, s.rows[i]) {
				matched = true
			}
		}
	} else {
		for _, row := range s.rows {
			if s.try(t, row) {
				matched = true
			}
		}
	}
	s.finish(t, matched)
}

// finish emits the stream's row with NULLs for the table when it is an
// outer join and nothing matched.
func (s *tableJoinStage) finish(t *tuple, matched bool) {
	if !matched && s.outer {
		s.emit(t, s.nulls)
	}
}

// try joins the stream's row with one table row, emitting it when the
// rest of the condition holds.
func (s *tableJoinStage) try(t *tuple, row []value.Value) bool {
	s.build(t, row)
	if s.residual != nil {
		s.ctx.t, s.ctx.p = &s.ot, s.p
		v, err := s.residual.fn(&s.ctx)
		if err != nil {
			s.fail(err, t)
			return false
		}
		if v.IsNull() || !v.Bool() {
			return false
		}
	}
	s.out.push(&s.ot)
	return true
}

func (s *tableJoinStage) emit(t *tuple, row []value.Value) {
	s.build(t, row)
	s.out.push(&s.ot)
}

// build lays out the joined row in s.ot.
func (s *tableJoinStage) build(t *tuple, row []value.Value) {
	buf := s.buf[:0]
	ts := value.NewTimestamp(t.time)
	if s.streamLeft {
		buf = append(buf, t.vals...)
		buf = append(buf, ts)
		buf = append(buf, row...)
		buf = append(buf, value.Value{})
	} else {
		buf = append(buf, row...)
		buf = append(buf, value.Value{})
		buf = append(buf, t.vals...)
		buf = append(buf, ts)
	}
	s.buf = buf
	s.ot.time, s.ot.origin, s.ot.vals = t.time, t.origin, buf
}
