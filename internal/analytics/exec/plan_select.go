package exec

import (
	"strconv"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// query plans any query: a SELECT, a UNION ALL, or VALUES.
func (pl *planner) query(q sql.Query, qc *queryCtx) (*qplan, error) {
	switch q := q.(type) {
	case *sql.Select:
		return pl.selectQuery(q, qc)
	case *sql.SetOp:
		return pl.setOp(q, qc)
	case *sql.Values:
		return pl.values(q)
	}
	return nil, errAt(q.Position(), "Query %T is not supported", q)
}

// inheritWindows is the named windows a SELECT sees: those of the queries
// around it and its own WINDOW clause.
func inheritWindows(outer map[string]*sql.WindowSpec, own []sql.WindowDef) map[string]*sql.WindowSpec {
	if len(own) == 0 {
		return outer
	}
	m := make(map[string]*sql.WindowSpec, len(outer)+len(own))
	for k, w := range outer {
		m[k] = w
	}
	for _, d := range own {
		m[d.Name.Name] = d.Spec
	}
	return m
}

// selItem is one output item of a select list, * expanded.
type selItem struct {
	expr    sql.Expr // nil for a column of a *
	col     column   // a column of a *
	name    string
	pos     sql.Pos
	rowtime bool // aliased AS ROWTIME: sets the row's time
}

// selectItems expands the select list: * and t.* become their relations'
// columns (not the system columns, not ROWTIME).
func selectItems(sel *sql.Select, sc *scope) ([]selItem, error) {
	var items []selItem
	for i, it := range sel.Items {
		st, ok := it.Expr.(*sql.Star)
		if !ok {
			items = append(items, selItem{expr: it.Expr, name: it.Name(i), pos: it.Position(),
				rowtime: it.Alias != nil && it.Alias.Name == "ROWTIME"})
			continue
		}
		found := false
		for _, r := range sc.rels {
			if len(st.Qualifier) > 0 && r.name != st.Qualifier[len(st.Qualifier)-1].Name {
				continue
			}
			found = true
			for _, c := range r.cols[:r.visible] {
				items = append(items, selItem{col: c, name: c.name, pos: st.Pos})
			}
		}
		if !found {
			return nil, errAt(st.Pos, "Table %s not found", quote(st.Qualifier[len(st.Qualifier)-1].Name))
		}
	}
	return items, nil
}

// columnExpr reads a column of the input row (a * item).
func columnExpr(c column) *cexpr {
	if c.fields != nil {
		from, n := c.slot, len(c.fields)
		return &cexpr{fields: c.fields, cols: true, rowFn: func(ctx *evalCtx, dst []value.Value) ([]value.Value, error) {
			return append(dst, ctx.t.vals[from:from+n]...), nil
		}}
	}
	slot := c.slot
	return &cexpr{typ: c.typ, cols: true, fn: func(ctx *evalCtx) (value.Value, error) { return ctx.t.vals[slot], nil }}
}

// selectQuery plans a SELECT: its FROM, then WHERE, then either a
// grouping (GROUP BY, WINDOWED BY) or sliding windows (OVER), then the
// select list, DISTINCT and ORDER BY.
func (pl *planner) selectQuery(sel *sql.Select, qc *queryCtx) (*qplan, error) {
	windows := inheritWindows(qc.windows, sel.Windows)
	fp, err := pl.from(sel.From, windows)
	if err != nil {
		return nil, err
	}
	sc := fp.sc
	items, err := selectItems(sel, sc)
	if err != nil {
		return nil, err
	}
	in := stage{p: pl.prog, pump: pl.pump, names: sc.slotNames()}
	var where *cexpr
	if sel.Where != nil {
		if where, err = pl.condition(sel.Where, &exprEnv{sc: sc, what: "WHERE clause"}); err != nil {
			return nil, err
		}
	}
	grouped := len(sel.GroupBy) > 0 || sel.WindowedBy != nil || hasAggregate(sel)
	windowed := hasOver(sel)
	if !fp.streaming && (grouped || windowed || sel.Distinct || len(sel.OrderBy) > 0) {
		return nil, errAt(sel.Pos, "A query over reference tables only can filter and compute columns; aggregating, windows, DISTINCT and ORDER BY need a stream")
	}
	if fp.out == nil {
		fp.out = &outlet{}
	}
	head := fp.out
	proj := &projectStage{}
	var env *exprEnv
	var finish func() error
	switch {
	case grouped && windowed:
		return nil, errAt(sel.Pos, "A query cannot both aggregate (GROUP BY, WINDOWED BY) and use windowed functions (OVER); use a subquery for one of them")
	case grouped:
		g, err := pl.grouping(sel, items, sc, in)
		if err != nil {
			return nil, err
		}
		g.stage.where = where
		head.next = g.stage
		g.stage.out = &outlet{}
		head = g.stage.out.(*outlet)
		env, finish = g.env, g.finish
		pl.prog.timers = append(pl.prog.timers, g.stage)
		pl.prog.states = append(pl.prog.states, g.stage)
		if sel.Having != nil {
			if proj.where, err = pl.condition(sel.Having, env); err != nil {
				return nil, err
			}
		}
	case windowed:
		w := pl.newWindowing(sc, in, windows)
		w.stage.where = where
		head.next = w.stage
		w.stage.out = &outlet{}
		head = w.stage.out.(*outlet)
		env, finish = w.env, w.finish
		pl.prog.states = append(pl.prog.states, w.stage)
	default:
		env = &exprEnv{sc: sc, what: "select list"}
		proj.where = where
	}
	// The select list.
	q := &qplan{streaming: fp.streaming, reads: fp.reads}
	var aliases map[string]*cexpr
	var itemExprs []sql.Expr // the output items' expressions, by position
	for _, it := range items {
		var c *cexpr
		if it.expr == nil {
			c = columnExpr(it.col)
		} else if c, err = pl.expr(it.expr, env); err != nil {
			return nil, err
		}
		if it.rowtime {
			if c.fields != nil || (!c.typ.Kind.IsDatetime() && c.typ.Kind != value.KindNull) {
				return nil, errAt(it.pos, "ROWTIME must be a TIMESTAMP, not %s", c.typ)
			}
			proj.rowtime = c
			continue
		}
		if aliases == nil {
			aliases = map[string]*cexpr{}
		}
		aliases[it.name] = c
		itemExprs = append(itemExprs, it.expr)
		col := column{name: it.name, typ: c.typ, slot: q.width, fields: nil}
		if c.fields != nil {
			col.fields = make([]column, len(c.fields))
			for i, f := range c.fields {
				col.fields[i] = column{name: f.name, typ: f.typ, slot: q.width + i}
			}
		}
		q.cols = append(q.cols, col)
		q.pos = append(q.pos, it.pos)
		q.width += col.width()
		proj.items = append(proj.items, c)
	}
	// ORDER BY keys are computed with the select list, after its columns.
	var order *orderPlan
	if len(sel.OrderBy) > 0 {
		if order, err = pl.orderKeys(sel.OrderBy, env, aliases, proj, grouped, sc, itemExprs); err != nil {
			return nil, err
		}
	}
	if finish != nil {
		if err := finish(); err != nil {
			return nil, err
		}
	}
	proj.stage = stage{p: pl.prog, pump: pl.pump, names: inputNames(env, in.names)}
	head.next = proj
	out := &outlet{}
	proj.out = out
	if sel.Distinct {
		d, err := pl.distinct(sel, items, q, sc)
		if err != nil {
			return nil, err
		}
		out.next = d
		out = &outlet{}
		d.out = out
	}
	if order != nil {
		o := pl.orderStage(order, q.width)
		out.next = o
		out = &outlet{}
		o.out = out
	}
	q.out = out
	if !fp.streaming {
		return pl.runStatic(q, fp, sel.Pos)
	}
	return q, nil
}

// inputNames names a projection's input slots for error rows: the FROM's
// columns, or, after a grouping or windows, what those stages output.
func inputNames(env *exprEnv, names []string) []string {
	if env.names != nil {
		return env.names
	}
	return names
}

// condition compiles a WHERE, HAVING or ON condition: a BOOLEAN.
func (pl *planner) condition(e sql.Expr, env *exprEnv) (*cexpr, error) {
	c, err := pl.expr(e, env)
	if err != nil {
		return nil, err
	}
	if k := c.typ.Kind; k != value.KindBoolean && k != value.KindNull {
		return nil, errAt(e.Position(), "The %s must be a condition (BOOLEAN), not %s", env.clause(), c.typ)
	}
	return c, nil
}

// runStatic computes a query over reference tables at plan time.
func (pl *planner) runStatic(q *qplan, fp *fromPlan, pos sql.Pos) (*qplan, error) {
	col := &collector{}
	q.out.next = col
	p := pl.prog
	p.compiling = true
	for _, row := range fp.static {
		fp.out.push(&tuple{vals: row})
		if p.compileErr != nil {
			break
		}
	}
	p.compiling = false
	if err := p.compileErr; err != nil {
		p.compileErr = nil
		return nil, errAt(pos, "A query over a reference table fails on its rows: %v", err)
	}
	q.static = col.rows
	if q.static == nil {
		q.static = [][]value.Value{}
	}
	q.out = &outlet{}
	return q, nil
}

// hasAggregate reports an aggregate call (not windowed) in the select
// list, HAVING or ORDER BY, outside subqueries.
func hasAggregate(sel *sql.Select) bool {
	found := false
	visit := func(e sql.Expr) {
		sql.Inspect(e, func(n sql.Node) bool {
			switch n := n.(type) {
			case sql.Query:
				return false
			case *sql.FuncCall:
				if n.Over != nil {
					return false
				}
				if len(n.Name.Parts) == 1 && sql.IsAggregate(n.Name.Parts[0].Name) {
					found = true
				}
			}
			return !found
		})
	}
	for _, it := range sel.Items {
		visit(it.Expr)
	}
	if sel.Having != nil {
		visit(sel.Having)
	}
	for _, o := range sel.OrderBy {
		visit(o.Expr)
	}
	return found
}

// hasOver reports a windowed call (OVER) in the select list or ORDER BY.
func hasOver(sel *sql.Select) bool {
	found := false
	visit := func(e sql.Expr) {
		sql.Inspect(e, func(n sql.Node) bool {
			switch n := n.(type) {
			case sql.Query:
				return false
			case *sql.FuncCall:
				if n.Over != nil {
					found = true
				}
			}
			return !found
		})
	}
	for _, it := range sel.Items {
		visit(it.Expr)
	}
	for _, o := range sel.OrderBy {
		visit(o.Expr)
	}
	return found
}

// values plans VALUES: constant rows, a table.
func (pl *planner) values(v *sql.Values) (*qplan, error) {
	q := &qplan{static: [][]value.Value{}, out: &outlet{}}
	var types []value.Type
	for i, row := range v.Rows {
		vals := make([]value.Value, len(row))
		for j, e := range row {
			c, err := pl.expr(e, &exprEnv{what: "VALUES"})
			if err != nil {
				return nil, err
			}
			if !c.isConst {
				return nil, errAt(e.Position(), "VALUES takes constants")
			}
			vals[j] = c.val
			if i == 0 {
				types = append(types, c.typ)
			} else if j < len(types) {
				t, err := unify(types[j], c.typ, e)
				if err != nil {
					return nil, err
				}
				types[j] = t
			}
		}
		q.static = append(q.static, vals)
	}
	for j, t := range types {
		q.cols = append(q.cols, column{name: "EXPR$" + strconv.Itoa(j), typ: t, slot: j})
	}
	q.width = len(types)
	for _, row := range q.static {
		for j := range row {
			if j < len(types) && !row[j].IsNull() {
				if c, err := value.Cast(row[j], types[j]); err == nil {
					row[j] = c
				}
			}
		}
	}
	return q, nil
}
