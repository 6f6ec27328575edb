package exec

import (
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// setOp plans UNION ALL: the rows of both sides, in time order (which
// every stream keeps, so merging is forwarding), each column converted to
// the type both sides' values fit.
func (pl *planner) setOp(q *sql.SetOp, qc *queryCtx) (*qplan, error) {
	if q.Op != sql.Union || !q.All {
		name := string(q.Op)
		if q.All {
			name += " ALL"
		}
		return nil, errAt(q.Pos, "%s is not supported: only UNION ALL combines streams", name)
	}
	l, err := pl.query(q.Left, qc)
	if err != nil {
		return nil, err
	}
	r, err := pl.query(q.Right, qc)
	if err != nil {
		return nil, err
	}
	if len(l.cols) != len(r.cols) {
		return nil, errAt(q.Pos, "Column count mismatch in UNION ALL: %d columns on the left, %d on the right", len(l.cols), len(r.cols))
	}
	if l.streaming != r.streaming {
		return nil, errAt(q.Pos, "UNION ALL cannot combine a stream with a table")
	}
	out := &qplan{streaming: l.streaming, reads: append(append([]string(nil), l.reads...), r.reads...), pos: l.pos}
	types := make([]value.Type, len(l.cols))
	for i := range l.cols {
		a, b := l.cols[i], r.cols[i]
		if a.fields != nil || b.fields != nil {
			return nil, errAt(q.Pos, "UNION ALL cannot combine row-valued columns (%s)", a.name)
		}
		t, ok := commonType(a.typ, b.typ)
		if !ok {
			return nil, errAt(q.Pos, "Type mismatch in column %d of UNION ALL: %s and %s", i+1, a.typ, b.typ)
		}
		types[i] = t
		out.cols = append(out.cols, column{name: a.name, typ: t, slot: i})
	}
	out.width = len(types)
	merged := &outlet{}
	if out.streaming {
		for _, side := range []*qplan{l, r} {
			side.out.next = pl.castSide(side, types, merged)
		}
	} else {
		out.static = [][]value.Value{}
		for _, side := range []*qplan{l, r} {
			for _, row := range side.static {
				vals := append([]value.Value(nil), row...)
				for i, t := range types {
					if c, err := value.Cast(vals[i], t); err == nil && !vals[i].IsNull() {
						vals[i] = c
					}
				}
				out.static = append(out.static, vals)
			}
		}
	}
	out.out = merged
	if len(q.OrderBy) == 0 {
		return out, nil
	}
	if !out.streaming {
		return nil, errAt(q.OrderBy[0].Position(), "ORDER BY over reference tables only is not supported")
	}
	// ORDER BY over the union: its keys over the output columns.
	rel := &relation{cols: out.cols, visible: len(out.cols), timeSlot: -1, streaming: true}
	sc := &scope{rels: []*relation{rel}, width: out.width}
	proj := &projectStage{stage: stage{p: pl.prog, pump: pl.pump, names: out.names()}}
	aliases := map[string]*cexpr{}
	var exprs []sql.Expr
	for _, c := range out.cols {
		ce := columnExpr(c)
		proj.items = append(proj.items, ce)
		aliases[c.name] = ce
		exprs = append(exprs, &sql.ColumnRef{Names: []sql.Ident{{Name: c.name}}})
	}
	order, err := pl.orderKeys(q.OrderBy, &exprEnv{sc: sc, what: "ORDER BY clause"}, aliases, proj, false, sc, exprs)
	if err != nil {
		return nil, err
	}
	merged.next = proj
	o := pl.orderStage(order, out.width)
	proj.out = o
	o.out = &outlet{}
	out.out = o.out.(*outlet)
	return out, nil
}

// castSide passes a side's rows on, converting the columns whose type is
// not the union's.
func (pl *planner) castSide(side *qplan, types []value.Type, next sink) sink {
	need := false
	for i, c := range side.cols {
		if c.typ != types[i] {
			need = true
		}
	}
	if !need {
		return next
	}
	proj := &projectStage{stage: stage{p: pl.prog, pump: pl.pump, names: side.names()}, out: next}
	for i, c := range side.cols {
		proj.items = append(proj.items, coerce(columnExpr(c), types[i]))
	}
	return proj
}
