package sql

// exprPrec is the binding power of e's outermost operator; primaries bind
// tightest.
func exprPrec(e Expr) int {
	switch e := e.(type) {
	case *BinaryExpr:
		switch e.Op {
		case OpOr:
			return precOr
		case OpAnd:
			return precAnd
		case OpIsDistinctFrom, OpIsNotDistinctFrom:
			return precIs
		case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
			return precCompare
		case OpAdd, OpSub:
			return precAdd
		case OpMul, OpDiv, OpConcat:
			return precMul
		}
	case *UnaryExpr:
		if e.Op == OpNot {
			return precNot
		}
		return precUnary
	case *IsExpr:
		return precIs
	case *BetweenExpr, *InExpr, *LikeExpr:
		return precLike
	}
	return 100
}

// operand prints e where the parser reads an expression above prec:
// in parentheses when its operator binds as loosely (strict) or more
// loosely than that.
func (p *printer) operand(e Expr, prec int, strict bool) {
	ep := exprPrec(e)
	if ep < prec || strict && ep == prec {
		p.w("(")
		p.expr(e)
		p.w(")")
		return
	}
	p.expr(e)
}

func (p *printer) exprs(es []Expr) {
	for i, e := range es {
		if i > 0 {
			p.w(", ")
		}
		p.expr(e)
	}
}

func (p *printer) expr(e Expr) {
	switch e := e.(type) {
	case *ColumnRef:
		if p.keys {
			p.w(e.Last())
			return
		}
		p.idents(e.Names, ".")
	case *Star:
		for _, q := range e.Qualifier {
			p.ident(q)
			p.w(".")
		}
		p.w("*")
	case *NumberLit:
		p.w(e.Text)
	case *StringLit:
		p.stringLit(e.Value)
	case *BinaryLit:
		p.w("X'")
		p.w(e.Hex)
		p.w("'")
	case *BoolLit:
		if e.Value {
			p.w("TRUE")
		} else {
			p.w("FALSE")
		}
	case *NullLit:
		p.w("NULL")
	case *DateTimeLit:
		p.w(string(e.Kind))
		p.w(" ")
		p.stringLit(e.Value)
	case *IntervalLit:
		p.w("INTERVAL ")
		if e.Negative {
			p.w("-")
		}
		p.stringLit(e.Value)
		p.w(" ")
		p.w(e.Qualifier.String())
	case *UnaryExpr:
		p.w(string(e.Op))
		if e.Op == OpNot {
			p.w(" ")
			p.operand(e.X, precNot, true)
		} else {
			p.operand(e.X, precUnary, true)
		}
	case *BinaryExpr:
		prec := exprPrec(e)
		p.operand(e.L, prec, false)
		p.w(" ")
		p.w(string(e.Op))
		p.w(" ")
		p.operand(e.R, prec, true)
	case *IsExpr:
		p.operand(e.X, precIs, false)
		p.w(" IS ")
		if e.Not {
			p.w("NOT ")
		}
		p.w(string(e.Test))
	case *BetweenExpr:
		p.operand(e.X, precLike, false)
		p.not(e.Not)
		p.w(" BETWEEN ")
		if e.Symmetric {
			p.w("SYMMETRIC ")
		}
		p.operand(e.Low, precLike, true)
		p.w(" AND ")
		p.operand(e.High, precLike, true)
	case *InExpr:
		p.operand(e.X, precLike, false)
		p.not(e.Not)
		p.w(" IN ")
		if e.Query != nil {
			p.nestedQuery(e.Query)
		} else {
			p.w("(")
			p.exprs(e.List)
			p.w(")")
		}
	case *LikeExpr:
		p.operand(e.X, precLike, false)
		p.not(e.Not)
		if e.Similar {
			p.w(" SIMILAR TO ")
		} else {
			p.w(" LIKE ")
		}
		p.operand(e.Pattern, precLike, true)
		if e.Escape != nil {
			p.w(" ESCAPE ")
			p.operand(e.Escape, precLike, true)
		}
	case *CaseExpr:
		p.w("CASE")
		if e.Operand != nil {
			p.w(" ")
			p.expr(e.Operand)
		}
		for _, w := range e.Whens {
			p.w(" WHEN ")
			p.expr(w.Cond)
			p.w(" THEN ")
			p.expr(w.Result)
		}
		if e.Else != nil {
			p.w(" ELSE ")
			p.expr(e.Else)
		}
		p.w(" END")
	case *CastExpr:
		p.w("CAST(")
		p.expr(e.X)
		p.w(" AS ")
		p.w(e.Type.String())
		p.w(")")
	case *FuncCall:
		p.call(e)
	case *TrimExpr:
		p.w("TRIM(")
		if e.Side != TrimDefault {
			p.w(string(e.Side))
			p.w(" ")
		}
		if e.Chars != nil {
			p.expr(e.Chars)
			p.w(" ")
		}
		if e.Side != TrimDefault || e.Chars != nil {
			p.w("FROM ")
		}
		p.expr(e.X)
		p.w(")")
	case *ExtractExpr:
		p.w("EXTRACT(")
		p.w(string(e.Unit))
		p.w(" FROM ")
		p.expr(e.X)
		p.w(")")
	case *FloorExpr:
		if e.Ceil {
			p.w("CEIL(")
		} else {
			p.w("FLOOR(")
		}
		p.expr(e.X)
		p.w(" TO ")
		p.w(string(e.Unit))
		p.w(")")
	case *StepExpr:
		p.w("STEP(")
		p.expr(e.X)
		p.w(" BY ")
		p.expr(e.Width)
		p.w(")")
	case *CursorExpr:
		p.w("CURSOR")
		p.nestedQuery(e.Query)
	case *SubqueryExpr:
		p.nestedQuery(e.Query)
	case *ExistsExpr:
		p.w("EXISTS ")
		p.nestedQuery(e.Query)
	case *RowExpr:
		if e.Keyword {
			p.w("ROW")
		}
		p.w("(")
		p.exprs(e.Items)
		p.w(")")
	case *IntervalExpr:
		p.w("(")
		p.expr(e.X)
		p.w(") ")
		p.w(e.Qualifier.String())
	}
}

// nestedQuery prints (query) with the query indented on lines of its own.
func (p *printer) nestedQuery(q Query) {
	p.w("(")
	p.indent++
	p.nl()
	p.query(q)
	p.indent--
	p.nl()
	p.w(")")
}

func (p *printer) not(not bool) {
	if not {
		p.w(" NOT")
	}
}

// call prints a function call; SUBSTRING, POSITION and OVERLAY in the
// standard's keyword form.
func (p *printer) call(f *FuncCall) {
	p.objectName(f.Name)
	if f.NoParens {
		return
	}
	p.w("(")
	plain := len(f.Name.Parts) == 1 && !f.Name.Parts[0].Quoted && !f.Distinct && !f.All && !f.Star
	name := f.Name.Last()
	switch {
	case plain && name == "SUBSTRING" && (len(f.Args) == 2 || len(f.Args) == 3):
		p.expr(f.Args[0])
		p.w(" FROM ")
		p.expr(f.Args[1])
		if len(f.Args) == 3 {
			p.w(" FOR ")
			p.expr(f.Args[2])
		}
	case plain && name == "POSITION" && len(f.Args) == 2:
		p.operand(f.Args[0], precLike, true)
		p.w(" IN ")
		p.expr(f.Args[1])
	case plain && name == "OVERLAY" && (len(f.Args) == 3 || len(f.Args) == 4):
		p.expr(f.Args[0])
		p.w(" PLACING ")
		p.expr(f.Args[1])
		p.w(" FROM ")
		p.expr(f.Args[2])
		if len(f.Args) == 4 {
			p.w(" FOR ")
			p.expr(f.Args[3])
		}
	default:
		if f.Distinct {
			p.w("DISTINCT ")
		} else if f.All {
			p.w("ALL ")
		}
		if f.Star {
			p.w("*")
		}
		p.exprs(f.Args)
	}
	p.w(")")
	switch {
	case f.FromFirst:
		p.w(" FROM FIRST")
	case f.FromLast:
		p.w(" FROM LAST")
	}
	if f.Nulls != NullsUnspecified {
		p.w(" ")
		p.w(string(f.Nulls))
	}
	if f.Over != nil {
		p.w(" OVER ")
		p.windowSpec(f.Over)
	}
}
