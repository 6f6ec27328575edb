package exec

import (
	"sluice/internal/analytics/exec/funcs"
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

var (
	trueVal     = value.NewBoolean(true)
	falseVal    = value.NewBoolean(false)
	booleanType = value.Simple(value.KindBoolean)
)

func boolOf(b bool) value.Value {
	if b {
		return trueVal
	}
	return falseVal
}

// derived is an expression computed by fn from the inputs in: it reads
// what they read.
func derived(t value.Type, fn evalFn, in ...*cexpr) *cexpr {
	c := &cexpr{typ: t, fn: fn}
	for _, x := range in {
		c.cols = c.cols || x.cols
		c.rowtime = c.rowtime || x.rowtime
		c.volatile = c.volatile || x.volatile
	}
	return c
}

// derived2 is an expression of two operands, l computed first: an error
// of either is the expression's, else fn gives its value from theirs.
func derived2(t value.Type, l, r *cexpr, fn func(a, b value.Value) (value.Value, error)) *cexpr {
	lf, rf := l.fn, r.fn
	return derived(t, func(c *evalCtx) (value.Value, error) {
		a, err := lf(c)
		if err != nil {
			return a, err
		}
		b, err := rf(c)
		if err != nil {
			return b, err
		}
		return fn(a, b)
	}, l, r)
}

// boolean checks that an operand is a condition (BOOLEAN, or NULL).
func boolean(x *cexpr, e sql.Expr, op string) error {
	if k := x.typ.Kind; k != value.KindBoolean && k != value.KindNull {
		return errAt(e.Position(), "Cannot apply '%s' to an operand of type %s: it needs a BOOLEAN", op, x.typ)
	}
	return nil
}

func (pl *planner) unary(e *sql.UnaryExpr, env *exprEnv) (*cexpr, error) {
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	f := x.fn
	switch e.Op {
	case sql.OpNot:
		if err := boolean(x, e.X, "NOT"); err != nil {
			return nil, err
		}
		return derived(booleanType, func(c *evalCtx) (value.Value, error) {
			v, err := f(c)
			if err != nil || v.IsNull() {
				return v, err
			}
			return boolOf(!v.Bool()), nil
		}, x), nil
	case sql.OpPlus:
		if k := x.typ.Kind; !k.IsNumeric() && !k.IsInterval() && k != value.KindNull {
			return nil, errAt(e.Pos, "Cannot apply unary '+' to an operand of type %s", x.typ)
		}
		return x, nil
	}
	if k := x.typ.Kind; !k.IsNumeric() && !k.IsInterval() && k != value.KindNull {
		return nil, errAt(e.Pos, "Cannot apply unary '-' to an operand of type %s", x.typ)
	}
	t := x.typ
	if t.Kind == value.KindNull {
		t = value.Simple(value.KindInteger)
	}
	return derived(t, func(c *evalCtx) (value.Value, error) {
		v, err := f(c)
		if err != nil {
			return v, err
		}
		return value.Negate(v)
	}, x), nil
}

var arithOps = map[sql.BinaryOp]value.Op{sql.OpAdd: value.OpAdd, sql.OpSub: value.OpSub, sql.OpMul: value.OpMul, sql.OpDiv: value.OpDiv}

func (pl *planner) binary(e *sql.BinaryExpr, env *exprEnv) (*cexpr, error) {
	l, err := pl.expr(e.L, env)
	if err != nil {
		return nil, err
	}
	r, err := pl.expr(e.R, env)
	if err != nil {
		return nil, err
	}
	switch e.Op {
	case sql.OpAdd, sql.OpSub, sql.OpMul, sql.OpDiv:
		return arith(e, arithOps[e.Op], l, r)
	case sql.OpConcat:
		return pl.special("||", e.Pos, []*cexpr{l, r})
	case sql.OpAnd:
		return logic(e, l, r, true)
	case sql.OpOr:
		return logic(e, l, r, false)
	case sql.OpIsDistinctFrom, sql.OpIsNotDistinctFrom:
		if !comparable(l.typ, r.typ) {
			return nil, errAt(e.Pos, "Cannot apply '%s' to arguments of type %s and %s", e.Op, l.typ, r.typ)
		}
		distinct := e.Op == sql.OpIsDistinctFrom
		return derived2(booleanType, l, r, func(a, b value.Value) (value.Value, error) {
			if a.IsNull() || b.IsNull() {
				return boolOf((a.IsNull() != b.IsNull()) == distinct), nil
			}
			eq, _ := value.Equal(a, b)
			return boolOf(eq != distinct), nil
		}), nil
	}
	return compare(e.Pos, e.Op, l, r)
}

// comparable is value.Comparable with the NULL literal's type allowed.
func comparable(a, b value.Type) bool {
	return a.Kind == value.KindNull || b.Kind == value.KindNull || value.Comparable(a, b)
}

func arith(e *sql.BinaryExpr, op value.Op, l, r *cexpr) (*cexpr, error) {
	t, err := value.ArithType(op, l.typ, r.typ)
	if err != nil {
		return nil, errAt(e.Pos, "Cannot apply '%s' to arguments of type %s and %s", e.Op, l.typ, r.typ)
	}
	if t.Kind == value.KindNull {
		t = value.Simple(value.KindInteger)
	}
	return derived2(t, l, r, func(a, b value.Value) (value.Value, error) {
		return value.Arith(op, a, b, t)
	}), nil
}

func compare(pos sql.Pos, op sql.BinaryOp, l, r *cexpr) (*cexpr, error) {
	if !comparable(l.typ, r.typ) {
		return nil, errAt(pos, "Cannot apply '%s' to arguments of type %s and %s", op, l.typ, r.typ)
	}
	var test func(int) bool
	switch op {
	case sql.OpEq:
		test = func(c int) bool { return c == 0 }
	case sql.OpNe:
		test = func(c int) bool { return c != 0 }
	case sql.OpLt:
		test = func(c int) bool { return c < 0 }
	case sql.OpLe:
		test = func(c int) bool { return c <= 0 }
	case sql.OpGt:
		test = func(c int) bool { return c > 0 }
	case sql.OpGe:
		test = func(c int) bool { return c >= 0 }
	default:
		return nil, errAt(pos, "Operator %s is not supported", op)
	}
	return derived2(booleanType, l, r, func(a, b value.Value) (value.Value, error) {
		n, known := value.Compare(a, b)
		if !known {
			return value.Value{}, nil
		}
		return boolOf(test(n)), nil
	}), nil
}

// logic is AND (and true) or OR in three-valued logic. The right side is
// not computed when the left decides, so a guard such as x <> 0 AND y / x
// > 1 keeps the division from failing.
func logic(e *sql.BinaryExpr, l, r *cexpr, and bool) (*cexpr, error) {
	if err := boolean(l, e.L, string(e.Op)); err != nil {
		return nil, err
	}
	if err := boolean(r, e.R, string(e.Op)); err != nil {
		return nil, err
	}
	lf, rf := l.fn, r.fn
	decide := !and // AND stops at FALSE, OR at TRUE
	return derived(booleanType, func(c *evalCtx) (value.Value, error) {
		a, err := lf(c)
		if err != nil {
			return a, err
		}
		if !a.IsNull() && a.Bool() == decide {
			return a, nil
		}
		b, err := rf(c)
		if err != nil {
			return b, err
		}
		switch {
		case !b.IsNull() && b.Bool() == decide:
			return b, nil
		case a.IsNull() || b.IsNull():
			return value.Value{}, nil
		}
		return boolOf(!decide), nil
	}, l, r), nil
}

func (pl *planner) isExpr(e *sql.IsExpr, env *exprEnv) (*cexpr, error) {
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	if e.Test != sql.IsNull {
		if err := boolean(x, e.X, "IS "+string(e.Test)); err != nil {
			return nil, err
		}
	}
	f, test, not := x.fn, e.Test, e.Not
	return derived(booleanType, func(c *evalCtx) (value.Value, error) {
		v, err := f(c)
		if err != nil {
			return v, err
		}
		var r bool
		switch test {
		case sql.IsNull, sql.IsUnknown:
			r = v.IsNull()
		case sql.IsTrue:
			r = !v.IsNull() && v.Bool()
		case sql.IsFalse:
			r = !v.IsNull() && !v.Bool()
		}
		return boolOf(r != not), nil
	}, x), nil
}

func (pl *planner) between(e *sql.BetweenExpr, env *exprEnv) (*cexpr, error) {
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	lo, err := pl.expr(e.Low, env)
	if err != nil {
		return nil, err
	}
	hi, err := pl.expr(e.High, env)
	if err != nil {
		return nil, err
	}
	if !comparable(x.typ, lo.typ) || !comparable(x.typ, hi.typ) {
		return nil, errAt(e.Pos, "Cannot apply 'BETWEEN' to arguments of type %s, %s and %s", x.typ, lo.typ, hi.typ)
	}
	xf, lf, hf, sym, not := x.fn, lo.fn, hi.fn, e.Symmetric, e.Not
	return derived(booleanType, func(c *evalCtx) (value.Value, error) {
		v, err := xf(c)
		if err != nil {
			return v, err
		}
		a, err := lf(c)
		if err != nil {
			return a, err
		}
		b, err := hf(c)
		if err != nil {
			return b, err
		}
		if sym {
			if n, known := value.Compare(a, b); known && n > 0 {
				a, b = b, a
			}
		}
		// x >= a AND x <= b, in three-valued logic.
		n1, k1 := value.Compare(v, a)
		n2, k2 := value.Compare(v, b)
		switch {
		case k1 && n1 < 0, k2 && n2 > 0:
			return boolOf(not), nil
		case !k1 || !k2:
			return value.Value{}, nil
		}
		return boolOf(!not), nil
	}, x, lo, hi), nil
}

func (pl *planner) inExpr(e *sql.InExpr, env *exprEnv) (*cexpr, error) {
	if e.Query != nil {
		return nil, errAt(e.Pos, "IN with a subquery is not supported in a streaming query; join the stream with the table instead")
	}
	// (a, b) IN ((1, 2), ...) compares rows; x IN (1, 2) values.
	var xs []*cexpr
	if row, ok := e.X.(*sql.RowExpr); ok {
		for _, it := range row.Items {
			c, err := pl.expr(it, env)
			if err != nil {
				return nil, err
			}
			xs = append(xs, c)
		}
	} else {
		c, err := pl.expr(e.X, env)
		if err != nil {
			return nil, err
		}
		xs = []*cexpr{c}
	}
	var list [][]*cexpr
	var all []*cexpr
	all = append(all, xs...)
	for _, item := range e.List {
		var cs []*cexpr
		if row, ok := item.(*sql.RowExpr); ok && len(xs) > 1 {
			for _, it := range row.Items {
				c, err := pl.expr(it, env)
				if err != nil {
					return nil, err
				}
				cs = append(cs, c)
			}
		} else {
			c, err := pl.expr(item, env)
			if err != nil {
				return nil, err
			}
			cs = []*cexpr{c}
		}
		if len(cs) != len(xs) {
			return nil, errAt(item.Position(), "Values in IN must have as many columns as the row before IN (%d)", len(xs))
		}
		for i, c := range cs {
			if !comparable(xs[i].typ, c.typ) {
				return nil, errAt(item.Position(), "Values passed to IN operator must have compatible types: %s and %s", xs[i].typ, c.typ)
			}
		}
		list = append(list, cs)
		all = append(all, cs...)
	}
	not := e.Not
	xv := make([]value.Value, len(xs))
	return derived(booleanType, func(c *evalCtx) (value.Value, error) {
		for i, x := range xs {
			v, err := x.fn(c)
			if err != nil {
				return v, err
			}
			xv[i] = v
		}
		unknown := false
		for _, cs := range list {
			match := true
			for i, item := range cs {
				v, err := item.fn(c)
				if err != nil {
					return v, err
				}
				eq, known := value.Equal(xv[i], v)
				if !known {
					unknown, match = true, false
					break
				}
				if !eq {
					match = false
					break
				}
			}
			if match {
				return boolOf(!not), nil
			}
		}
		if unknown {
			return value.Value{}, nil
		}
		return boolOf(not), nil
	}, all...), nil
}

func (pl *planner) caseExpr(e *sql.CaseExpr, env *exprEnv) (*cexpr, error) {
	var operand *cexpr
	var err error
	if e.Operand != nil {
		if operand, err = pl.expr(e.Operand, env); err != nil {
			return nil, err
		}
	}
	var conds, results []*cexpr
	all := []*cexpr{}
	var t value.Type
	for i, w := range e.Whens {
		cond, err := pl.expr(w.Cond, env)
		if err != nil {
			return nil, err
		}
		if operand != nil {
			if cond, err = compare(w.Pos, sql.OpEq, operand, cond); err != nil {
				return nil, err
			}
		} else if err := boolean(cond, w.Cond, "WHEN"); err != nil {
			return nil, err
		}
		res, err := pl.expr(w.Result, env)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			t = res.typ
		} else if t, err = unify(t, res.typ, w.Result); err != nil {
			return nil, err
		}
		conds, results = append(conds, cond), append(results, res)
		all = append(all, cond, res)
	}
	var elseExpr *cexpr
	if e.Else != nil {
		if elseExpr, err = pl.expr(e.Else, env); err != nil {
			return nil, err
		}
		if t, err = unify(t, elseExpr.typ, e.Else); err != nil {
			return nil, err
		}
		all = append(all, elseExpr)
	}
	for i := range results {
		results[i] = coerce(results[i], t)
	}
	if elseExpr != nil {
		elseExpr = coerce(elseExpr, t)
	}
	return derived(t, func(c *evalCtx) (value.Value, error) {
		for i, cond := range conds {
			v, err := cond.fn(c)
			if err != nil {
				return v, err
			}
			if !v.IsNull() && v.Bool() {
				return results[i].fn(c)
			}
		}
		if elseExpr != nil {
			return elseExpr.fn(c)
		}
		return value.Value{}, nil
	}, all...), nil
}

// unify is the type of a value that may come from either of two branches.
func unify(a, b value.Type, at sql.Expr) (value.Type, error) {
	t, ok := commonType(a, b)
	if !ok {
		return t, errAt(at.Position(), "Illegal mixing of types in CASE or COALESCE: %s and %s", a, b)
	}
	return t, nil
}

// coerce converts an expression's values to type t when its own type is
// not t (a CASE branch, an argument of a function body).
func coerce(x *cexpr, t value.Type) *cexpr {
	if x.typ == t || t.Kind == value.KindNull {
		return x
	}
	if x.isConst {
		if v, err := value.Cast(x.val, t); err == nil {
			return constExpr(v, t)
		}
	}
	f := x.fn
	c := derived(t, func(c *evalCtx) (value.Value, error) {
		v, err := f(c)
		if err != nil || v.IsNull() {
			return v, err
		}
		return value.Cast(v, t)
	}, x)
	return c
}

func (pl *planner) castExpr(e *sql.CastExpr, env *exprEnv) (*cexpr, error) {
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	t, err := value.ParseType(e.Type.String())
	if err != nil {
		return nil, errAt(e.Type.Pos, "%v", err)
	}
	if x.typ.Kind != value.KindNull && !value.CanCast(x.typ, t) {
		return nil, errAt(e.Pos, "Cast function cannot convert value of type %s to type %s", x.typ, t)
	}
	f := x.fn
	return derived(t, func(c *evalCtx) (value.Value, error) {
		v, err := f(c)
		if err != nil || v.IsNull() {
			return value.Value{}, err
		}
		return value.Cast(v, t)
	}, x), nil
}

// intervalExpr is (a - b) qualifier: the difference of two datetimes in
// the qualifier's units (truncated to its last field, package funcs's
// DatetimeDiff), or an interval shown with another qualifier.
func (pl *planner) intervalExpr(e *sql.IntervalExpr, env *exprEnv) (*cexpr, error) {
	q, ok := qualifier(e.Qualifier)
	if !ok {
		return nil, errAt(e.Pos, "Illegal interval qualifier %s", e.Qualifier)
	}
	if d, ok := e.X.(*sql.BinaryExpr); ok && d.Op == sql.OpSub {
		a, err := pl.expr(d.L, env)
		if err != nil {
			return nil, err
		}
		b, err := pl.expr(d.R, env)
		if err != nil {
			return nil, err
		}
		if a.typ.Kind.IsDatetime() && b.typ.Kind.IsDatetime() {
			if !value.Comparable(a.typ, b.typ) {
				return nil, errAt(e.Pos, "Cannot subtract %s from %s", b.typ, a.typ)
			}
			return derived2(value.Interval(q), a, b, func(x, y value.Value) (value.Value, error) {
				return funcs.DatetimeDiff(x, y, q)
			}), nil
		}
	}
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	if !x.typ.Kind.IsInterval() || x.typ.Kind == value.KindIntervalYearMonth != q.Start.IsYearMonth() {
		return nil, errAt(e.Pos, "(%s) %s needs a difference of datetimes, not a value of type %s", sql.Format(e.X), e.Qualifier, x.typ)
	}
	f := x.fn
	return derived(value.Interval(q), func(c *evalCtx) (value.Value, error) {
		v, err := f(c)
		if err != nil {
			return v, err
		}
		return v.WithQualifier(q), nil
	}, x), nil
}
