package exec

import (
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// groupingPlan is a planned GROUP BY or WINDOWED BY: the stage, and how
// the select list, HAVING and ORDER BY compile over its output (the keys,
// then the aggregates).
type groupingPlan struct {
	stage  *groupStage
	env    *exprEnv
	finish func() error
}

// grouping plans a streaming GROUP BY (a tumbling window, closed by a key
// on ROWTIME) or a WINDOWED BY STAGGER.
func (pl *planner) grouping(sel *sql.Select, items []selItem, sc *scope, in stage) (*groupingPlan, error) {
	keyNodes := sel.GroupBy
	what := "GROUP BY clause"
	if sel.WindowedBy != nil {
		keyNodes, what = sel.WindowedBy.PartitionBy, "WINDOWED BY clause"
	}
	keys := make([]*cexpr, len(keyNodes))
	keyFP := make([]string, len(keyNodes))
	var rules []closeRule
	var generic []int
	names := make([]string, 0, len(keyNodes))
	for i, k := range keyNodes {
		k = groupAlias(k, items, sc)
		c, err := pl.expr(k, &exprEnv{sc: sc, what: what})
		if err != nil {
			return nil, err
		}
		if c.fields != nil {
			return nil, errAt(k.Position(), "Cannot group by a row")
		}
		keys[i], keyFP[i] = c, fingerprint(k, sc)
		names = append(names, sql.Format(k))
		if sel.WindowedBy != nil {
			continue
		}
		r, isGeneric, err := pl.closeRuleOf(k, sc, i)
		if err != nil {
			return nil, err
		}
		switch {
		case r != nil:
			rules = append(rules, *r)
		case isGeneric:
			generic = append(generic, i)
		}
	}
	if len(keyNodes) == 0 {
		return nil, errAt(sel.Pos, "Streaming aggregation requires at least one monotonic expression in GROUP BY clause, such as STEP(s.ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(s.ROWTIME TO MINUTE)")
	}
	if sel.WindowedBy == nil && len(rules) == 0 && len(generic) == 0 {
		return nil, errAt(keyNodes[0].Position(), "Streaming aggregation requires at least one monotonic expression in GROUP BY clause, such as STEP(s.ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(s.ROWTIME TO MINUTE)")
	}
	gs := newGroupStage(in, keys, nil)
	gs.rules = rules
	if len(rules) == 0 {
		gs.generic = generic
	}
	if sel.WindowedBy != nil {
		ms, err := pl.dayTimeInterval(sel.WindowedBy.Range, "WINDOWED BY STAGGER's RANGE")
		if err != nil {
			return nil, err
		}
		gs.stagger = ms
	}
	var aggs []*aggSpec
	var aggFP []string
	nk := len(keys)
	hook := func(e sql.Expr) (*cexpr, bool, error) {
		f := fingerprint(e, sc)
		for i, kf := range keyFP {
			if kf == f {
				slot := i
				return &cexpr{typ: keys[i].typ, cols: true, fn: func(c *evalCtx) (value.Value, error) { return c.t.vals[slot], nil }}, true, nil
			}
		}
		switch e := e.(type) {
		case *sql.FuncCall:
			if e.Over != nil || len(e.Name.Parts) != 1 || !sql.IsAggregate(e.Name.Parts[0].Name) || pl.hasUDF(e.Name.Parts[0].Name) {
				return nil, false, nil
			}
			idx := -1
			for i, af := range aggFP {
				if af == f {
					idx = i
				}
			}
			if idx < 0 {
				spec, err := pl.aggSpecOf(e, &exprEnv{sc: sc})
				if err != nil {
					return nil, true, err
				}
				if spec.kind == aggExpAvg {
					return nil, true, errAt(e.Pos, "EXP_AVG needs a sliding window: EXP_AVG(x, INTERVAL '10' SECOND) OVER w")
				}
				aggs, aggFP = append(aggs, spec), append(aggFP, f)
				names = append(names, sql.Format(e))
				idx = len(aggs) - 1
			}
			slot, t := nk+idx, aggs[idx].typ
			return &cexpr{typ: t, cols: true, fn: func(c *evalCtx) (value.Value, error) { return c.t.vals[slot], nil }}, true, nil
		case *sql.ColumnRef:
			if r, err := sc.resolve(e); err == nil && r.rowtime {
				// The ROWTIME of a group's row: its window's end.
				return rowtimeExpr(-1), true, nil
			}
			return nil, true, errAt(e.Pos, "Expression %s is not being grouped", quote(sql.Format(e)))
		}
		return nil, false, nil
	}
	env := &exprEnv{hook: hook, what: "select list"}
	finish := func() error {
		gs.aggs = aggs
		gs.argVals = make([]value.Value, len(aggs))
		env.names = names
		gs.outNames = names
		return nil
	}
	return &groupingPlan{stage: gs, env: env, finish: finish}, nil
}

// groupAlias is a GROUP BY key that names a select item by its alias (and
// no column): the item's expression.
func groupAlias(k sql.Expr, items []selItem, sc *scope) sql.Expr {
	c, ok := k.(*sql.ColumnRef)
	if !ok || len(c.Names) != 1 {
		return k
	}
	if _, err := sc.resolve(c); err == nil {
		return k
	}
	for _, it := range items {
		if it.expr != nil && it.name == c.Names[0].Name {
			return it.expr
		}
	}
	return k
}

// isOwnRowtime reports whether e is the ROWTIME of the rows grouped: the
// row's own time (not a joined relation's).
func isOwnRowtime(e sql.Expr, sc *scope) bool {
	c, ok := e.(*sql.ColumnRef)
	if !ok {
		return false
	}
	r, err := sc.resolve(c)
	return err == nil && r.rowtime && r.timeSlot == -1
}

// monotonicExpr reports what the validator takes for monotonic: an
// expression on ROWTIME, or one asserted with MONOTONIC().
func monotonicExpr(e sql.Expr) bool {
	found := false
	sql.Inspect(e, func(n sql.Node) bool {
		switch n := n.(type) {
		case sql.Query:
			return false
		case *sql.ColumnRef:
			if len(n.Names) <= 2 && n.Last() == "ROWTIME" {
				found = true
			}
		case *sql.FuncCall:
			if len(n.Name.Parts) == 1 && n.Name.Parts[0].Name == "MONOTONIC" {
				found = true
			}
		}
		return !found
	})
	return found
}

// closeRuleOf says how a GROUP BY key closes its groups: a rule when the key
// is ROWTIME, FLOOR or CEIL of it, or STEP of it; generic when it is
// another monotonic expression; neither for an ordinary key.
func (pl *planner) closeRuleOf(k sql.Expr, sc *scope, idx int) (*closeRule, bool, error) {
	switch e := k.(type) {
	case *sql.ColumnRef:
		if isOwnRowtime(e, sc) {
			return &closeRule{kind: closeRowtime, key: idx}, false, nil
		}
	case *sql.FloorExpr:
		if isOwnRowtime(e.X, sc) {
			u, ok := value.ParseUnit(string(e.Unit))
			if !ok {
				return nil, false, errAt(e.Pos, "Unknown time unit %s", e.Unit)
			}
			kind := closeFloor
			if e.Ceil {
				kind = closeCeil
			}
			return &closeRule{kind: kind, key: idx, unit: u}, false, nil
		}
	case *sql.StepExpr:
		if isOwnRowtime(e.X, sc) {
			c, err := pl.expr(e.Width, &exprEnv{what: "STEP's width"})
			if err != nil {
				return nil, false, err
			}
			if !c.isConst || !c.typ.Kind.IsInterval() || c.val.IsNull() || c.val.Int64() <= 0 {
				return nil, false, errAt(e.Width.Position(), "STEP of ROWTIME takes a positive interval constant, as INTERVAL '60' SECOND")
			}
			r := &closeRule{kind: closeStep, key: idx}
			if c.typ.Kind == value.KindIntervalYearMonth {
				r.months = c.val.Int64()
			} else {
				r.width = c.val.Int64()
			}
			return r, false, nil
		}
	}
	return nil, monotonicExpr(k), nil
}

// dayTimeInterval reads a positive day-time interval constant, in ms.
func (pl *planner) dayTimeInterval(e sql.Expr, what string) (int64, error) {
	c, err := pl.expr(e, &exprEnv{what: what})
	if err != nil {
		return 0, err
	}
	if !c.isConst || c.typ.Kind != value.KindIntervalDayTime || c.val.IsNull() || c.val.Int64() <= 0 {
		return 0, errAt(e.Position(), "%s takes a positive interval from SECOND to DAY, as INTERVAL '1' MINUTE", what)
	}
	return c.val.Int64(), nil
}
