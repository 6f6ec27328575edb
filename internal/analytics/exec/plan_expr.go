package exec

import (
	"strings"
	"unicode/utf8"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// evalCtx is what a compiled expression reads: the row being computed.
type evalCtx struct {
	t *tuple
	p *Program
}

// evalFn computes an expression on one row. Errors are *value.Error, a
// function's error, or *condError; they become error_stream rows.
type evalFn func(c *evalCtx) (value.Value, error)

// cexpr is a compiled expression: its type, fixed when the query is
// planned, and the closure that computes it. Closures read slots of the
// row directly and allocate nothing for numbers, booleans and datetimes.
type cexpr struct {
	typ value.Type
	fn  evalFn
	// isConst marks an expression folded at plan time to val.
	isConst bool
	val     value.Value
	// fields and rowFn are set for a row-valued expression (the log
	// parsers): it fills len(fields) slots.
	fields []column
	rowFn  func(c *evalCtx, dst []value.Value) ([]value.Value, error)
	// cols reports that the expression reads a column (not only ROWTIME
	// and constants); rowtime that it reads a ROWTIME; volatile that it
	// reads the clock (CURRENT_ROW_TIMESTAMP), so it is never folded.
	cols, rowtime, volatile bool
}

func constExpr(v value.Value, t value.Type) *cexpr {
	return &cexpr{typ: t, isConst: true, val: v, fn: func(*evalCtx) (value.Value, error) { return v, nil }}
}

// exprEnv is where an expression is compiled: its scope, and a hook that
// claims the nodes a stage computes itself (a group's keys and aggregates,
// a sliding window's results) before the ordinary rules see them.
type exprEnv struct {
	sc     *scope
	hook   func(e sql.Expr) (*cexpr, bool, error)
	params map[string]*cexpr // a function body's parameters
	what   string            // the clause, for messages ("WHERE clause")
	// names names the slots of the rows the expression reads when they
	// are not the scope's (a grouping's or windows' output), for error rows.
	names []string
}

// expr compiles e.
func (pl *planner) expr(e sql.Expr, env *exprEnv) (*cexpr, error) {
	if env.hook != nil {
		if c, ok, err := env.hook(e); ok || err != nil {
			return c, err
		}
	}
	c, err := pl.expr1(e, env)
	if err != nil {
		return nil, err
	}
	return fold(c), nil
}

// fold evaluates an expression whose inputs are all constants once, at
// plan time. One that fails is left to fail on each row, as it would have.
func fold(c *cexpr) *cexpr {
	if c.isConst || c.cols || c.rowtime || c.volatile || c.fields != nil || c.fn == nil {
		return c
	}
	v, err := c.fn(&evalCtx{t: &tuple{}})
	if err != nil {
		return c
	}
	return constExpr(v, c.typ)
}

func (pl *planner) expr1(e sql.Expr, env *exprEnv) (*cexpr, error) {
	switch e := e.(type) {
	case *sql.ColumnRef:
		return pl.columnRef(e, env)
	case *sql.NumberLit:
		v, err := value.NumericLiteral(e.Text)
		if err != nil {
			return nil, errAt(e.Pos, "Numeric literal %s is out of range: %v", e.Text, err)
		}
		return constExpr(v, value.TypeOf(v)), nil
	case *sql.StringLit:
		// A character literal is a CHAR of its length, as in the standard;
		// '' is a VARCHAR, as no CHAR is empty.
		if e.Value == "" {
			return constExpr(value.NewVarchar(""), value.Varchar(1)), nil
		}
		n := utf8.RuneCountInString(e.Value)
		if n > value.MaxStringLength {
			return nil, errAt(e.Pos, "Character literal is longer than %d characters", value.MaxStringLength)
		}
		return constExpr(value.NewChar(e.Value), value.Char(n)), nil
	case *sql.BinaryLit:
		v, err := value.ParseBinaryLiteral(e.Hex)
		if err != nil {
			return nil, errAt(e.Pos, "Binary literal X'%s' is not valid: %v", e.Hex, err)
		}
		return constExpr(v, value.TypeOf(v)), nil
	case *sql.BoolLit:
		return constExpr(value.NewBoolean(e.Value), value.Simple(value.KindBoolean)), nil
	case *sql.NullLit:
		return constExpr(value.Null(), value.Type{}), nil
	case *sql.DateTimeLit:
		return dateTimeLit(e)
	case *sql.IntervalLit:
		return intervalLit(e)
	case *sql.UnaryExpr:
		return pl.unary(e, env)
	case *sql.BinaryExpr:
		return pl.binary(e, env)
	case *sql.IsExpr:
		return pl.isExpr(e, env)
	case *sql.BetweenExpr:
		return pl.between(e, env)
	case *sql.InExpr:
		return pl.inExpr(e, env)
	case *sql.LikeExpr:
		return pl.likeExpr(e, env)
	case *sql.CaseExpr:
		return pl.caseExpr(e, env)
	case *sql.CastExpr:
		return pl.castExpr(e, env)
	case *sql.FuncCall:
		return pl.call(e, env)
	case *sql.TrimExpr:
		return pl.trimExpr(e, env)
	case *sql.ExtractExpr:
		return pl.extractExpr(e, env)
	case *sql.FloorExpr:
		return pl.floorExpr(e, env)
	case *sql.StepExpr:
		return pl.stepExpr(e, env)
	case *sql.IntervalExpr:
		return pl.intervalExpr(e, env)
	case *sql.CursorExpr:
		return nil, errAt(e.Pos, "CURSOR is only allowed as an argument of a table function, as TABLE(f(CURSOR(SELECT STREAM ...)))")
	case *sql.SubqueryExpr:
		return nil, errAt(e.Pos, "Scalar subqueries are not supported in a streaming query; join the stream with the table instead")
	case *sql.ExistsExpr:
		return nil, errAt(e.Pos, "EXISTS is not supported in a streaming query; join the stream with the table instead")
	case *sql.RowExpr:
		return nil, errAt(e.Pos, "A row value is only allowed before IN, as (a, b) IN ((1, 2), (3, 4))")
	case *sql.Star:
		return nil, errAt(e.Pos, "* is only allowed in a select list or in COUNT(*)")
	}
	return nil, errAt(e.Position(), "Expression %s is not supported", sql.Format(e))
}

// columnRef compiles a column reference: a slot of the row, a relation's
// ROWTIME, or a function body's parameter.
func (pl *planner) columnRef(c *sql.ColumnRef, env *exprEnv) (*cexpr, error) {
	if env.params != nil {
		if len(c.Names) == 1 {
			if p, ok := env.params[c.Names[0].Name]; ok {
				return p, nil
			}
		}
		return nil, errAt(c.Pos, "Column %s not found: a function body reads only its parameters", quote(c.Last()))
	}
	if env.sc == nil {
		return nil, errAt(c.Pos, "Column %s not found: %s reads no table", quote(c.Last()), env.what)
	}
	r, err := env.sc.resolve(c)
	if err != nil {
		return nil, err
	}
	if r.rowtime {
		return rowtimeExpr(r.timeSlot), nil
	}
	slot, t := r.col.slot, r.col.typ
	return &cexpr{typ: t, cols: true, fn: func(c *evalCtx) (value.Value, error) { return c.t.vals[slot], nil }}, nil
}

// rowtimeExpr reads a ROWTIME: the row's own time, or a joined relation's
// (kept in a slot as a TIMESTAMP).
func rowtimeExpr(slot int) *cexpr {
	ts := value.Simple(value.KindTimestamp)
	if slot < 0 {
		return &cexpr{typ: ts, rowtime: true, fn: func(c *evalCtx) (value.Value, error) { return value.NewTimestamp(c.t.time), nil }}
	}
	return &cexpr{typ: ts, rowtime: true, fn: func(c *evalCtx) (value.Value, error) { return c.t.vals[slot], nil }}
}

func dateTimeLit(e *sql.DateTimeLit) (*cexpr, error) {
	parse, k := value.ParseTimestamp, value.KindTimestamp
	switch e.Kind {
	case sql.DateLit:
		parse, k = value.ParseDate, value.KindDate
	case sql.TimeLit:
		parse, k = value.ParseTime, value.KindTime
	}
	v, err := parse(e.Value)
	if err != nil {
		return nil, errAt(e.Pos, "Illegal %s literal '%s': %v", e.Kind, e.Value, err)
	}
	return constExpr(v, value.Simple(k)), nil
}

// qualifier converts an interval qualifier of the syntax tree.
func qualifier(q sql.IntervalQualifier) (value.Qualifier, bool) {
	start, ok := value.ParseUnit(string(q.Start))
	if !ok {
		return value.Qualifier{}, false
	}
	vq := value.Qualifier{Start: start}
	if q.End != "" {
		end, ok := value.ParseUnit(string(q.End))
		if !ok {
			return value.Qualifier{}, false
		}
		vq.End = end
	}
	if len(q.Precision) > 0 {
		vq.Precision = uint8(min(q.Precision[0], 255))
	}
	if vq.End == value.UnitNone && start == value.UnitSecond && len(q.Precision) > 1 {
		vq.FracPrecision = uint8(min(q.Precision[1], 255))
	}
	if len(q.EndPrecision) > 0 {
		vq.FracPrecision = uint8(min(q.EndPrecision[0], 255))
	}
	return vq, vq.Valid()
}

func intervalLit(e *sql.IntervalLit) (*cexpr, error) {
	q, ok := qualifier(e.Qualifier)
	if !ok {
		return nil, errAt(e.Pos, "Illegal interval qualifier %s", e.Qualifier)
	}
	text := e.Value
	if e.Negative {
		text = "-" + strings.TrimSpace(text)
	}
	v, err := value.ParseInterval(text, q)
	if err != nil {
		return nil, errAt(e.Pos, "Illegal interval literal '%s' %s: %v", e.Value, e.Qualifier, err)
	}
	return constExpr(v, value.Interval(q)), nil
}
