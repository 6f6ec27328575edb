package sql

import (
	"strings"
)

// clause is where an expression stands, for the rules on aggregates.
type clause int

const (
	clauseSelect clause = iota
	clauseWhere
	clauseGroupBy
	clauseHaving
	clauseOrderBy
	clauseOn
	clausePartition
	clauseStagger
	clauseFunction
	clauseTableArg
)

var clauseNames = map[clause]string{
	clauseWhere: "WHERE clause", clauseGroupBy: "GROUP BY clause", clauseHaving: "HAVING clause",
	clauseOn: "ON clause", clausePartition: "PARTITION BY clause", clauseStagger: "WINDOWED BY clause",
	clauseFunction: "function body", clauseTableArg: "table function argument",
}

// aggregateAllowed says where an aggregate (without OVER) may stand, and
// windowAllowed where a windowed aggregate may.
func aggregateAllowed(c clause) bool {
	return c == clauseSelect || c == clauseHaving || c == clauseOrderBy
}

func windowAllowed(c clause) bool { return c == clauseSelect || c == clauseOrderBy }

// analytic are the functions, besides the aggregates, that take a window
// and IGNORE NULLS or RESPECT NULLS.
var analytic = map[string]bool{"LAG": true, "NTH_VALUE": true, "FIRST_VALUE": true, "LAST_VALUE": true}

// expr checks an expression standing in clause c of scope s.
func (v *validator) expr(e Expr, s *scope, c clause) { v.walk(e, s, c, false) }

// walk checks e; inAggregate is set inside an aggregate's arguments.
func (v *validator) walk(e Expr, s *scope, c clause, inAggregate bool) {
	switch e := e.(type) {
	case nil:
		return
	case *ColumnRef:
		v.column(e, s)
		return
	case *FuncCall:
		v.call(e, s, c, inAggregate)
		return
	case *CursorExpr:
		v.errorf(e.Pos, "CURSOR is only allowed as an argument of a table function, as TABLE(f(CURSOR(SELECT STREAM ...)))")
		v.query(e.Query, &scope{windows: s.windows})
		return
	case *SubqueryExpr:
		v.query(e.Query, s)
		return
	case *ExistsExpr:
		v.query(e.Query, s)
		return
	case *InExpr:
		v.walk(e.X, s, c, inAggregate)
		for _, x := range e.List {
			v.walk(x, s, c, inAggregate)
		}
		if e.Query != nil {
			v.query(e.Query, s)
		}
		return
	case *IntervalLit:
		v.intervalLit(e)
	case *DateTimeLit:
		v.dateTimeLit(e)
	case *CastExpr:
		v.typeName(e.Type)
	}
	for _, ch := range children(e) {
		if ce, ok := ch.(Expr); ok {
			v.walk(ce, s, c, inAggregate)
		}
	}
}

// call checks a function call: where aggregates and windows may be, the
// forms only some functions take, the arity of the code's own functions.
func (v *validator) call(f *FuncCall, s *scope, c clause, inAggregate bool) {
	name := ""
	if len(f.Name.Parts) == 1 {
		name = f.Name.Parts[0].Name
	}
	isAgg := aggregates[name]
	windowed := isAgg || analytic[name]
	if windowed {
		switch {
		case inAggregate:
			v.errorf(f.Pos, "Aggregate expressions cannot be nested")
		case f.Over == nil && isAgg && !aggregateAllowed(c):
			v.errorf(f.Pos, "Aggregate expression is illegal in %s", clauseNames[c])
		case f.Over != nil && !windowAllowed(c):
			v.errorf(f.Pos, "Windowed aggregate expression is illegal in %s", clauseNames[c])
		}
	}
	switch {
	case f.Star && name != "COUNT":
		v.errorf(f.Pos, "Only COUNT takes * as its argument: %s(*)", f.Name.String())
	case (f.Distinct || f.All) && !isAgg:
		v.errorf(f.Pos, "DISTINCT and ALL are only allowed in an aggregate function call: %s is not one", quote(f.Name.String()))
	case f.Nulls != NullsUnspecified && !analytic[name]:
		v.errorf(f.Pos, "%s is only allowed after LAG, NTH_VALUE, FIRST_VALUE or LAST_VALUE", f.Nulls)
	case (name == "LAG" || name == "NTH_VALUE") && f.Over == nil:
		v.errorf(f.Pos, "%s needs a window: %s(...) OVER w", name, name)
	}
	if defs := v.funcs[name]; len(defs) > 0 && !windowed {
		ok := false
		for _, d := range defs {
			ok = ok || len(d.Params) == len(f.Args)
		}
		if !ok {
			v.errorf(f.Pos, "No match found for function signature %s with %d argument%s", name, len(f.Args), plural(len(f.Args)))
		}
	}
	for _, a := range f.Args {
		v.walk(a, s, c, inAggregate || windowed)
	}
	if f.Over != nil {
		v.windowUse(f.Over, s, useAggregate)
	}
}

// windowUsage is what a window is used for.
type windowUsage int

const (
	useAggregate windowUsage = iota // agg(x) OVER w
	useJoin                         // JOIN s OVER w
)

// windowDefs returns the windows visible in sel: those of the queries
// around it (SQLstream's subqueries inherit them) and sel's own.
func (v *validator) windowDefs(sel *Select, outer *scope) map[string]*WindowSpec {
	if len(sel.Windows) == 0 {
		return outer.windows
	}
	m := make(map[string]*WindowSpec, len(outer.windows)+len(sel.Windows))
	for k, w := range outer.windows {
		m[k] = w
	}
	own := map[string]bool{}
	for _, wd := range sel.Windows {
		if own[wd.Name.Name] {
			v.errorf(wd.Name.Pos, "Duplicate window name %s", quote(wd.Name.Name))
		}
		own[wd.Name.Name] = true
		m[wd.Name.Name] = wd.Spec
	}
	return m
}

// windowClause checks the definitions of sel's WINDOW clause, in its scope.
func (v *validator) windowClause(sel *Select, s *scope) {
	for _, wd := range sel.Windows {
		v.windowParts(wd.Spec, s)
	}
}

// windowUse checks a window where it is used.
func (v *validator) windowUse(w *WindowSpec, s *scope, use windowUsage) {
	if w.Ref == nil || w.PartitionBy != nil || w.OrderBy != nil || w.Frame != nil {
		v.windowParts(w, s) // inline: check its parts here
	} else if s.windows[w.Ref.Name] == nil {
		v.errorf(w.Ref.Pos, "Window %s not found", quote(w.Ref.Name))
		return
	}
	eff, ok := effectiveWindow(w, s.windows)
	if !ok {
		return
	}
	switch use {
	case useAggregate:
		for _, o := range eff.OrderBy {
			if !Monotonic(o.Expr) {
				v.errorf(o.Position(), "The window of a windowed aggregate is ordered by ROWTIME; it cannot have ORDER BY %s", Format(o.Expr))
				break
			}
		}
	case useJoin:
		switch {
		case len(eff.PartitionBy) > 0:
			v.errorf(eff.PartitionBy[0].Position(), "The window of a stream in a join cannot be partitioned")
		case eff.Frame == nil:
			v.errorf(w.Pos, "The window of a stream in a join needs a size, as OVER (RANGE INTERVAL '1' MINUTE PRECEDING)")
		}
	}
}

// effectiveWindow merges a window with the named windows it refines: the
// partitioning, order and frame each come from the nearest that has them.
func effectiveWindow(w *WindowSpec, named map[string]*WindowSpec) (WindowSpec, bool) {
	var eff WindowSpec
	seen := map[*WindowSpec]bool{}
	for w != nil {
		if seen[w] {
			return eff, false // a cycle, reported where the windows are defined
		}
		seen[w] = true
		if eff.PartitionBy == nil {
			eff.PartitionBy = w.PartitionBy
		}
		if eff.OrderBy == nil {
			eff.OrderBy = w.OrderBy
		}
		if eff.Frame == nil {
			eff.Frame = w.Frame
		}
		if w.Ref == nil {
			break
		}
		w = named[w.Ref.Name]
	}
	return eff, true
}

// windowParts checks a window specification's own parts: the window it
// refines, its PARTITION BY and ORDER BY, and its frame.
func (v *validator) windowParts(w *WindowSpec, s *scope) {
	if w.Ref != nil {
		switch base := s.windows[w.Ref.Name]; {
		case base == nil:
			v.errorf(w.Ref.Pos, "Window %s not found", quote(w.Ref.Name))
		case base == w:
			v.errorf(w.Ref.Pos, "Window %s cannot refine itself", quote(w.Ref.Name))
		default:
			if _, ok := effectiveWindow(w, s.windows); !ok {
				v.errorf(w.Ref.Pos, "Windows refine each other in a cycle through %s", quote(w.Ref.Name))
			}
		}
	}
	for _, e := range w.PartitionBy {
		v.expr(e, s, clausePartition)
	}
	for _, o := range w.OrderBy {
		v.expr(o.Expr, s, clausePartition)
	}
	if w.Frame != nil {
		v.frame(w.Frame)
	}
}

// frame checks a window frame against what KDA allows: windows that end at
// the current row, sized by a count of rows or an interval of ROWTIME, never
// negative.
func (v *validator) frame(f *Frame) {
	v.frameBound(f, f.Start)
	if f.End == nil {
		return
	}
	v.frameBound(f, *f.End)
	if k := f.End.Kind; k == Preceding || k == UnboundedPreceding {
		v.errorf(f.End.Pos, "Offset windows are not supported: a window ends at CURRENT ROW")
	}
}

func (v *validator) frameBound(f *Frame, b FrameBound) {
	switch b.Kind {
	case UnboundedFollowing:
		v.errorf(b.Pos, "UNBOUNDED FOLLOWING is not supported: a window over a stream cannot reach past the current row")
		return
	case Following:
		v.errorf(b.Pos, "Windows that end after the current row (FOLLOWING) are not supported")
		return
	case Preceding:
	default:
		return
	}
	if u, ok := b.Offset.(*UnaryExpr); ok && u.Op == OpNeg {
		v.errorf(b.Offset.Position(), "Windows defined with negative integers or intervals are not allowed")
		return
	}
	switch f.Unit {
	case Rows:
		if n, ok := b.Offset.(*NumberLit); !ok || n.Kind != ExactInteger {
			v.errorf(b.Offset.Position(), "ROWS takes a number of rows, as ROWS 10 PRECEDING")
		}
	case Range:
		lit, ok := b.Offset.(*IntervalLit)
		switch {
		case !ok:
			v.errorf(b.Offset.Position(), "RANGE takes an interval of ROWTIME, as RANGE INTERVAL '1' MINUTE PRECEDING")
		case lit.Negative || strings.HasPrefix(strings.TrimSpace(lit.Value), "-"):
			v.errorf(b.Offset.Position(), "Windows defined with negative integers or intervals are not allowed")
		default:
			v.intervalLit(lit)
		}
	}
}

// stagger checks WINDOWED BY STAGGER: its partition keys, and its range, a
// positive day-time interval.
func (v *validator) stagger(st *Stagger, s *scope) {
	for _, e := range st.PartitionBy {
		v.expr(e, s, clauseStagger)
	}
	lit, ok := st.Range.(*IntervalLit)
	if !ok || lit.Negative || lit.Qualifier.YearMonth() || strings.HasPrefix(strings.TrimSpace(lit.Value), "-") {
		v.errorf(st.Range.Position(), "WINDOWED BY STAGGER takes RANGE INTERVAL 'n' unit, a positive interval from SECOND to DAY")
		return
	}
	v.intervalLit(lit)
}
