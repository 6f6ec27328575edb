package sql

import "strconv"

// queryOut is what Validate knows of a query's result.
type queryOut struct {
	columns   []string // output column names
	known     bool     // columns are exactly the result's (no * over unknown columns)
	rowtimes  int      // items aliased AS ROWTIME: they set the row's time, not a data column
	streaming bool
}

// query checks a query. outer is the scope of the query around it: its
// relations for a correlated subquery (IN, EXISTS, scalar), only its
// windows for a FROM subquery or a cursor.
func (v *validator) query(q Query, outer *scope) queryOut {
	if outer == nil {
		outer = &scope{}
	}
	switch q := q.(type) {
	case *Select:
		return v.selectQuery(q, outer)
	case *SetOp:
		return v.setOp(q, outer)
	case *Values:
		out := queryOut{known: true}
		for i, row := range q.Rows {
			if i == 0 {
				for j := range row {
					out.columns = append(out.columns, "EXPR$"+strconv.Itoa(j))
				}
			} else if len(row) != len(out.columns) {
				v.errorf(row[0].Position(), "Values passed to VALUES operator must have compatible types: row %d has %d values, row 1 has %d", i+1, len(row), len(out.columns))
			}
			for _, e := range row {
				v.expr(e, outer, clauseSelect)
			}
		}
		return out
	}
	return queryOut{}
}

func (v *validator) setOp(q *SetOp, outer *scope) queryOut {
	l := v.query(q.Left, outer)
	r := v.query(q.Right, outer)
	name := string(q.Op)
	if q.All {
		name += " ALL"
	}
	if l.known && r.known && len(l.columns)-l.rowtimes != len(r.columns)-r.rowtimes {
		v.errorf(q.Pos, "Column count mismatch in %s: %d columns on the left, %d on the right", name, len(l.columns)-l.rowtimes, len(r.columns)-r.rowtimes)
	}
	switch {
	case (l.streaming || r.streaming) && (q.Op != Union || !q.All):
		v.errorf(q.Pos, "Only UNION ALL can combine streams; %s cannot", name)
	case l.streaming != r.streaming:
		v.errorf(q.Pos, "%s cannot combine a stream with a table", name)
	}
	out := queryOut{columns: l.columns, known: l.known && r.known, rowtimes: l.rowtimes, streaming: l.streaming || r.streaming}
	if len(q.OrderBy) > 0 && out.streaming && !Monotonic(q.OrderBy[0].Expr) {
		v.errorf(q.OrderBy[0].Position(), "Streaming ORDER BY must start with a monotonic expression, such as FLOOR(s.ROWTIME TO SECOND)")
	}
	return out
}

func (v *validator) selectQuery(sel *Select, outer *scope) queryOut {
	s := &scope{parent: outer, windows: v.windowDefs(sel, outer)}
	if len(outer.rels) == 0 && outer.parent == nil {
		s.parent = nil // a FROM subquery or a cursor: not correlated
	}
	for _, f := range sel.From {
		s.rels = append(s.rels, v.fromItem(f, s)...)
	}
	v.windowClause(sel, s)
	out := queryOut{known: true, streaming: sel.Stream || s.streaming()}
	if sel.Stream && !s.streaming() && allKnownTables(s.rels) {
		v.errorf(sel.Pos, "SELECT STREAM needs a stream to read; this query reads only reference tables")
	}
	aliases := map[string]Expr{}
	for i, item := range sel.Items {
		if star, ok := item.Expr.(*Star); ok {
			v.star(star, s, &out)
			continue
		}
		v.expr(item.Expr, s, clauseSelect)
		name := item.Name(i)
		if item.Alias != nil {
			aliases[name] = item.Expr
			if name == "ROWTIME" {
				out.rowtimes++ // sets the row's time: not a data column
			}
		}
		out.columns = append(out.columns, name)
	}
	if sel.Where != nil {
		v.expr(sel.Where, s, clauseWhere)
	}
	outputs := map[string]bool{}
	for _, c := range out.columns {
		outputs[c] = true
	}
	byName := &scope{rels: s.rels, parent: s.parent, windows: s.windows, outputs: outputs}
	if st := sel.WindowedBy; st != nil {
		v.stagger(st, s)
	}
	for _, g := range sel.GroupBy {
		v.expr(g, byName, clauseGroupBy)
	}
	if sel.Having != nil {
		v.expr(sel.Having, s, clauseHaving)
	}
	for _, o := range sel.OrderBy {
		v.expr(o.Expr, byName, clauseOrderBy)
	}
	v.aggregation(sel, s, aliases, out.streaming)
	if len(sel.OrderBy) > 0 && out.streaming && !Monotonic(sel.OrderBy[0].Expr) && !monotonicAlias(sel.OrderBy[0].Expr, aliases) {
		v.errorf(sel.OrderBy[0].Position(), "Streaming ORDER BY must start with a monotonic expression, such as FLOOR(s.ROWTIME TO SECOND)")
	}
	if sel.Distinct && out.streaming && !anyMonotonicItem(sel.Items) {
		v.errorf(sel.Pos, "Streaming SELECT DISTINCT needs a monotonic expression in the select list, such as FLOOR(s.ROWTIME TO MINUTE)")
	}
	return out
}

func allKnownTables(rels []*relation) bool {
	for _, r := range rels {
		if !r.table {
			return false
		}
	}
	return len(rels) > 0
}

// star expands * or q.* into out's columns.
func (v *validator) star(st *Star, s *scope, out *queryOut) {
	rels := s.rels
	if len(st.Qualifier) > 0 {
		q := st.Qualifier[len(st.Qualifier)-1].Name
		rels = nil
		for _, r := range s.rels {
			if r.name == q {
				rels = append(rels, r)
			}
		}
		if len(rels) == 0 {
			v.errorf(st.Pos, "Table %s not found", quote(q))
			out.known = false
			return
		}
	}
	for _, r := range rels {
		out.columns = append(out.columns, r.columns...)
		if r.open || !r.exact {
			out.known = false
		}
	}
}

// aggregation checks an aggregating query (GROUP BY, WINDOWED BY, or
// aggregates in its select list): over a stream, a GROUP BY needs a
// monotonic expression to know when a group is complete; and every
// expression shown must be grouped or aggregated.
func (v *validator) aggregation(sel *Select, s *scope, aliases map[string]Expr, streaming bool) {
	aggPos, hasAgg := firstAggregate(sel)
	keys := sel.GroupBy
	switch {
	case sel.WindowedBy != nil:
		if len(sel.GroupBy) > 0 {
			v.errorf(sel.GroupBy[0].Position(), "WINDOWED BY cannot be combined with GROUP BY: the stagger window's PARTITION BY groups the rows")
		}
		keys = sel.WindowedBy.PartitionBy
	case len(sel.GroupBy) > 0 || hasAgg:
		if streaming && !anyMonotonic(sel.GroupBy, aliases) {
			pos := aggPos
			if len(sel.GroupBy) > 0 {
				pos = sel.GroupBy[0].Position()
			}
			v.errorf(pos, "Streaming aggregation requires at least one monotonic expression in GROUP BY clause, such as STEP(s.ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(s.ROWTIME TO MINUTE)")
		}
	default:
		return
	}
	grouped := map[string]bool{}
	for _, k := range keys {
		grouped[exprKey(k)] = true
		if c, ok := k.(*ColumnRef); ok && len(c.Names) == 1 && resolve(c, &scope{rels: s.rels}) != "" {
			if e, ok := aliases[c.Last()]; ok {
				grouped[exprKey(e)] = true // GROUP BY a select-list alias
			}
		}
	}
	for _, item := range sel.Items {
		if st, ok := item.Expr.(*Star); ok {
			v.errorf(st.Pos, "Expression '*' is not being grouped")
			continue
		}
		v.grouped(item.Expr, grouped, s)
	}
	if sel.Having != nil {
		v.grouped(sel.Having, grouped, s)
	}
	for _, o := range sel.OrderBy {
		if c, ok := o.Expr.(*ColumnRef); ok && len(c.Names) == 1 && aliases[c.Last()] != nil {
			continue // the select item was checked
		}
		v.grouped(o.Expr, grouped, s)
	}
}

// grouped reports the columns of e that are neither grouped nor inside an
// aggregate (those that name nothing were reported already).
func (v *validator) grouped(e Expr, keys map[string]bool, s *scope) {
	if e == nil || keys[exprKey(e)] {
		return
	}
	switch e := e.(type) {
	case *ColumnRef:
		if isRowtime(e) || resolve(e, s) != "" {
			return
		}
		v.errorf(e.Pos, "Expression %s is not being grouped", quote(Format(e)))
		return
	case *FuncCall:
		if isAggregateCall(e) || e.Over != nil {
			return
		}
	case *SubqueryExpr, *ExistsExpr:
		return
	case *InExpr:
		if e.Query != nil {
			v.grouped(e.X, keys, s)
			return
		}
	}
	for _, c := range children(e) {
		if ce, ok := c.(Expr); ok {
			v.grouped(ce, keys, s)
		}
	}
}

// firstAggregate finds the first aggregate call (not windowed) in the
// select list, HAVING or ORDER BY of sel, outside subqueries.
func firstAggregate(sel *Select) (Pos, bool) {
	var found *FuncCall
	visit := func(e Expr) {
		Inspect(e, func(n Node) bool {
			if found != nil {
				return false
			}
			switch n := n.(type) {
			case Query:
				return false
			case *FuncCall:
				if isAggregateCall(n) {
					found = n
					return false
				}
				if n.Over != nil {
					return false
				}
			}
			return true
		})
	}
	for _, item := range sel.Items {
		visit(item.Expr)
	}
	if sel.Having != nil {
		visit(sel.Having)
	}
	for _, o := range sel.OrderBy {
		visit(o.Expr)
	}
	if found == nil {
		return Pos{}, false
	}
	return found.Pos, true
}

// isAggregateCall reports whether f aggregates the rows of a group: an
// aggregate function without OVER.
func isAggregateCall(f *FuncCall) bool {
	return f.Over == nil && len(f.Name.Parts) == 1 && aggregates[f.Name.Parts[0].Name]
}

// isRowtime reports whether c is ROWTIME or s.ROWTIME.
func isRowtime(c *ColumnRef) bool { return len(c.Names) <= 2 && c.Last() == "ROWTIME" }

// Monotonic reports whether e rises with time, as SQLstream requires of a
// streaming GROUP BY, ORDER BY or SELECT DISTINCT: an expression on ROWTIME
// (ROWTIME, STEP(s.ROWTIME BY ...), FLOOR(ROWTIME TO MINUTE), ...), or one
// asserted with MONOTONIC(). The executor closes a group when its
// monotonic keys change. Monotonicity is not followed through other
// streams' columns, as SQLstream did not follow it.
func Monotonic(e Expr) bool {
	found := false
	Inspect(e, func(n Node) bool {
		switch n := n.(type) {
		case Query:
			return false
		case *ColumnRef:
			if isRowtime(n) {
				found = true
			}
		case *FuncCall:
			if len(n.Name.Parts) == 1 && n.Name.Parts[0].Name == "MONOTONIC" {
				found = true
			}
		}
		return !found
	})
	return found
}

func monotonicAlias(e Expr, aliases map[string]Expr) bool {
	c, ok := e.(*ColumnRef)
	if !ok || len(c.Names) != 1 || aliases[c.Last()] == nil {
		return false
	}
	return Monotonic(aliases[c.Last()])
}

func anyMonotonic(es []Expr, aliases map[string]Expr) bool {
	for _, e := range es {
		if Monotonic(e) || monotonicAlias(e, aliases) {
			return true
		}
	}
	return false
}

func anyMonotonicItem(items []SelectItem) bool {
	for _, it := range items {
		if Monotonic(it.Expr) {
			return true
		}
	}
	return false
}

// exprKey is the text an expression is compared by when matching the
// select list against GROUP BY: canonical SQL with each column written by
// its last name, so that TICKER and S.TICKER match.
func exprKey(e Expr) string {
	p := printer{keys: true}
	p.expr(e)
	return p.b.String()
}
