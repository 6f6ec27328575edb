package exec

import (
	"strconv"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// orderMode is when a streaming ORDER BY releases the rows it holds: its
// first key is monotonic, so a batch is complete once that key can no
// longer take the batch's value.
type orderMode uint8

const (
	// orderTimed: the first key is ROWTIME, or FLOOR, CEIL or STEP of it;
	// a batch is released when its window ends, at that time.
	orderTimed orderMode = iota + 1
	// orderSameTime: the rows of a batch all have one ROWTIME (a
	// grouping's rows for one window); released once time is past it.
	orderSameTime
	// orderKeyChange: another monotonic expression; a batch is released,
	// at its latest row's time, when a row with another value comes.
	orderKeyChange
)

// orderPlan is a planned ORDER BY: its keys are computed by the select
// list's stage after the output columns, from slot first.
type orderPlan struct {
	first      int
	n          int
	desc       []bool
	nullsFirst []bool
	mode       orderMode
	rule       closeRule
}

// orderKeys compiles the ORDER BY keys into the projection, after its
// columns, and says how the buffer is released. aliases are the select
// items by name; an ordinal names an item by position.
func (pl *planner) orderKeys(items []sql.OrderItem, env *exprEnv, aliases map[string]*cexpr, proj *projectStage, grouped bool, sc *scope, itemExprs []sql.Expr) (*orderPlan, error) {
	op := &orderPlan{first: len(proj.items), n: len(items)}
	width := 0
	for _, it := range proj.items {
		if it.fields != nil {
			width += len(it.fields)
		} else {
			width++
		}
	}
	op.first = width
	var firstAST sql.Expr
	for i, it := range items {
		var c *cexpr
		ast := it.Expr
		switch e := it.Expr.(type) {
		case *sql.NumberLit:
			n, err := strconv.Atoi(e.Text)
			if err != nil || n < 1 || n > len(itemExprs) {
				return nil, errAt(e.Pos, "Ordinal %s in ORDER BY is out of range: the select list has %d items", e.Text, len(itemExprs))
			}
			c, ast = proj.items[n-1], itemExprs[n-1]
		case *sql.ColumnRef:
			if len(e.Names) == 1 {
				if a, ok := aliases[e.Names[0].Name]; ok {
					c = a
					for j, x := range itemExprs {
						if x != nil && proj.items[j] == a {
							ast = x
						}
					}
				}
			}
		}
		if c == nil {
			var err error
			if c, err = pl.expr(it.Expr, env); err != nil {
				return nil, err
			}
		}
		if c.fields != nil {
			return nil, errAt(it.Position(), "Cannot order by a row")
		}
		if i == 0 {
			firstAST = ast
		}
		proj.items = append(proj.items, c)
		op.desc = append(op.desc, it.Desc)
		nf := !it.Desc // NULL sorts first ascending, last descending, unless told
		switch it.Nulls {
		case sql.NullsFirst:
			nf = true
		case sql.NullsLast:
			nf = false
		}
		op.nullsFirst = append(op.nullsFirst, nf)
	}
	switch {
	case grouped:
		op.mode = orderSameTime
	default:
		r, _, err := pl.closeRuleOf(firstAST, sc, op.first)
		if err != nil {
			return nil, err
		}
		if r != nil {
			op.mode, op.rule = orderTimed, *r
		} else {
			op.mode = orderKeyChange
		}
	}
	return op, nil
}

// orderStage makes the stage that sorts a query's rows.
func (pl *planner) orderStage(o *orderPlan, width int) *orderStage {
	s := &orderStage{stage: stage{p: pl.prog, pump: pl.pump}, plan: o, width: width}
	pl.prog.timers = append(pl.prog.timers, s)
	pl.prog.states = append(pl.prog.states, s)
	return s
}

// distinct makes the stage of SELECT STREAM DISTINCT: it forgets the rows
// it has seen when the first monotonic item moves on.
func (pl *planner) distinct(sel *sql.Select, items []selItem, q *qplan, sc *scope) (*distinctStage, error) {
	mono := -1
	var rule *closeRule
	slot := 0
	for i, it := range items {
		if it.rowtime {
			continue
		}
		if it.expr != nil && monotonicExpr(it.expr) && mono < 0 {
			mono = q.cols[len(colsBefore(items, i))].slot
			r, _, err := pl.closeRuleOf(it.expr, sc, 0)
			if err != nil {
				return nil, err
			}
			rule = r
		}
		slot++
	}
	if mono < 0 {
		return nil, errAt(sel.Pos, "Streaming SELECT DISTINCT needs a monotonic expression in the select list, such as FLOOR(s.ROWTIME TO MINUTE)")
	}
	d := &distinctStage{stage: stage{p: pl.prog, pump: pl.pump, names: q.names()}, mono: mono, rule: rule, width: q.width, seen: map[string]int64{}}
	pl.prog.states = append(pl.prog.states, d)
	return d, nil
}

// colsBefore lists the output items before item i (those not aliased AS
// ROWTIME).
func colsBefore(items []selItem, i int) []selItem {
	var out []selItem
	for _, it := range items[:i] {
		if !it.rowtime {
			out = append(out, it)
		}
	}
	return out
}

// compareKeys orders two rows by the ORDER BY keys.
func (o *orderPlan) compareKeys(a, b []value.Value) int {
	for i := 0; i < o.n; i++ {
		x, y := a[o.first+i], b[o.first+i]
		var c int
		switch {
		case x.IsNull() && y.IsNull():
			c = 0
		case x.IsNull() || y.IsNull():
			c = 1
			if x.IsNull() == o.nullsFirst[i] {
				c = -1
			}
			return c
		default:
			c = value.SortCompare(x, y)
			if o.desc[i] {
				c = -c
			}
		}
		if c != 0 {
			return c
		}
	}
	return 0
}
