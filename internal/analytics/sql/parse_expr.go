package sql

// Binding powers of the operators, from the loosest. They follow the
// validator's grammar (the Calcite family's): || binds like * and /; IS
// is looser than the comparisons; BETWEEN, IN, LIKE and SIMILAR TO are
// tighter; NOT is looser than all of them but AND and OR.
const (
	precLowest  = 0
	precOr      = 22
	precAnd     = 24
	precNot     = 26
	precIs      = 28
	precCompare = 30
	precLike    = 32 // BETWEEN, IN, LIKE, SIMILAR TO
	precAdd     = 40
	precMul     = 60 // * / ||
	precUnary   = 80
)

var binaryOps = map[string]struct {
	op   BinaryOp
	prec int
}{
	"OR": {OpOr, precOr}, "AND": {OpAnd, precAnd},
	"=": {OpEq, precCompare}, "<>": {OpNe, precCompare}, "!=": {OpNe, precCompare},
	"<": {OpLt, precCompare}, "<=": {OpLe, precCompare}, ">": {OpGt, precCompare}, ">=": {OpGe, precCompare},
	"+": {OpAdd, precAdd}, "-": {OpSub, precAdd},
	"*": {OpMul, precMul}, "/": {OpDiv, precMul}, "||": {OpConcat, precMul},
}

// expr reads a full expression.
func (p *parser) expr() Expr { return p.exprAbove(precLowest) }

// exprList reads expr, expr, ...
func (p *parser) exprList() []Expr {
	list := []Expr{p.expr()}
	for p.acceptSym(",") {
		list = append(list, p.expr())
	}
	return list
}

// exprAbove reads an expression whose operators all bind tighter than min:
// the Pratt loop. The operators it looks at are not noted as expected
// tokens, or every error message would list them all.
func (p *parser) exprAbove(min int) Expr {
	p.enter()
	defer p.leave()
	left := p.prefix()
	for {
		t := p.tok()
		if t.kind != tokSymbol && t.kind != tokWord {
			return left
		}
		if op, ok := binaryOps[t.value]; ok && (t.kind == tokSymbol) == (t.value != "OR" && t.value != "AND") {
			if op.prec <= min {
				return left
			}
			p.advance()
			right := p.exprAbove(op.prec)
			left = &BinaryExpr{Pos: left.Position(), Op: op.op, L: left, R: right}
			continue
		}
		if t.kind != tokWord {
			return left
		}
		switch {
		case t.value == "IS":
			if precIs <= min {
				return left
			}
			left = p.isTest(left)
		case t.value == "NOT" && (p.isWordAt(1, "BETWEEN") || p.isWordAt(1, "IN") || p.isWordAt(1, "LIKE") || p.isWordAt(1, "SIMILAR")),
			t.value == "BETWEEN", t.value == "IN", t.value == "LIKE", t.value == "SIMILAR":
			if precLike <= min {
				return left
			}
			left = p.likeLevel(left)
		default:
			return left
		}
	}
}

// isTest reads IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x.
func (p *parser) isTest(x Expr) Expr {
	p.expectWord("IS")
	not := p.acceptWord("NOT")
	e := &IsExpr{Pos: x.Position(), X: x, Not: not}
	switch {
	case p.acceptWord("NULL"):
		e.Test = IsNull
	case p.acceptWord("TRUE"):
		e.Test = IsTrue
	case p.acceptWord("FALSE"):
		e.Test = IsFalse
	case p.acceptWord("UNKNOWN"):
		e.Test = IsUnknown
	case p.acceptWord("DISTINCT"):
		p.expectWord("FROM")
		op := OpIsDistinctFrom
		if not {
			op = OpIsNotDistinctFrom
		}
		return &BinaryExpr{Pos: x.Position(), Op: op, L: x, R: p.exprAbove(precIs)}
	default:
		p.fail()
	}
	return e
}

// likeLevel reads [NOT] BETWEEN, IN, LIKE or SIMILAR TO after x.
func (p *parser) likeLevel(x Expr) Expr {
	not := p.acceptWord("NOT")
	switch {
	case p.acceptWord("BETWEEN"):
		e := &BetweenExpr{Pos: x.Position(), X: x, Not: not}
		if p.acceptWord("SYMMETRIC") {
			e.Symmetric = true
		} else {
			p.acceptWord("ASYMMETRIC")
		}
		e.Low = p.exprAbove(precLike)
		p.expectWord("AND")
		e.High = p.exprAbove(precLike)
		return e
	case p.acceptWord("IN"):
		e := &InExpr{Pos: x.Position(), X: x, Not: not}
		p.expectSym("(")
		if p.startsQueryAt(0) {
			e.Query = p.query()
		} else {
			e.List = p.exprList()
		}
		p.expectSym(")")
		return e
	case p.acceptWord("LIKE"):
		return p.likeTail(&LikeExpr{Pos: x.Position(), X: x, Not: not})
	case p.acceptWord("SIMILAR"):
		p.expectWord("TO")
		return p.likeTail(&LikeExpr{Pos: x.Position(), X: x, Not: not, Similar: true})
	}
	p.fail()
	return nil
}

func (p *parser) likeTail(e *LikeExpr) Expr {
	e.Pattern = p.exprAbove(precLike)
	if p.acceptWord("ESCAPE") {
		e.Escape = p.exprAbove(precLike)
	}
	return e
}

// prefix reads a unary operator and its operand, EXISTS, or a primary.
func (p *parser) prefix() Expr {
	t := p.tok()
	switch {
	case t.kind == tokSymbol && (t.value == "-" || t.value == "+"):
		p.advance()
		op := OpNeg
		if t.value == "+" {
			op = OpPlus
		}
		return &UnaryExpr{Pos: t.pos, Op: op, X: p.exprAbove(precUnary)}
	case t.kind == tokWord && t.value == "NOT":
		p.advance()
		return &UnaryExpr{Pos: t.pos, Op: OpNot, X: p.exprAbove(precNot)}
	case t.kind == tokWord && t.value == "EXISTS":
		p.advance()
		p.expectSym("(")
		q := p.query()
		p.expectSym(")")
		return &ExistsExpr{Pos: t.pos, Query: q}
	}
	return p.primary()
}

// primary reads a literal, a name, a call, a parenthesised expression or
// query, or one of the special forms.
func (p *parser) primary() Expr {
	t := p.tok()
	switch t.kind {
	case tokInteger:
		p.advance()
		return &NumberLit{Pos: t.pos, Text: t.value, Kind: ExactInteger}
	case tokDecimal:
		p.advance()
		return &NumberLit{Pos: t.pos, Text: t.value, Kind: ExactDecimal}
	case tokApprox:
		p.advance()
		return &NumberLit{Pos: t.pos, Text: t.value, Kind: Approximate}
	case tokString, tokUnicodeString:
		return p.stringValue()
	case tokBinaryString:
		p.advance()
		return &BinaryLit{Pos: t.pos, Hex: t.value}
	case tokSymbol:
		if t.value == "(" {
			return p.parenthesised()
		}
	case tokWord:
		if e := p.keywordPrimary(t); e != nil {
			return e
		}
		if !reserved[t.value] {
			return p.nameOrCall()
		}
	case tokQuotedIdent:
		return p.nameOrCall()
	}
	p.note(expExpression)
	p.fail()
	return nil
}

// parenthesised reads (query), (expr) with an optional interval qualifier
// after it, or a row (a, b, ...).
func (p *parser) parenthesised() Expr {
	start := p.expectSym("(").pos
	if p.startsQueryAt(0) {
		q := p.query()
		p.expectSym(")")
		return &SubqueryExpr{Pos: start, Query: q}
	}
	first := p.expr()
	p.note(",")
	if p.isSym(",") {
		row := &RowExpr{Pos: start, Items: []Expr{first}}
		for p.acceptSym(",") {
			row.Items = append(row.Items, p.expr())
		}
		p.expectSym(")")
		return row
	}
	p.expectSym(")")
	// (t1 - t2) MINUTE TO SECOND: a datetime difference as an interval.
	if p.tok().kind == tokWord && unitRank(TimeUnit(p.tok().value)) >= 0 {
		return &IntervalExpr{Pos: start, X: first, Qualifier: p.intervalQualifier()}
	}
	return first
}

// nameOrCall reads a column reference (a.b.c) or a function call (f(...),
// schema.f(...)).
func (p *parser) nameOrCall() Expr {
	start := p.tok().pos
	names := []Ident{p.ident()}
	for p.isSym(".") {
		p.advance()
		names = append(names, p.ident())
	}
	if p.isSym("(") {
		return p.call(start, ObjectName{Parts: names})
	}
	if len(names) == 1 && !names[0].Quoted && niladic[names[0].Name] {
		return &FuncCall{Pos: start, Name: ObjectName{Parts: names}, NoParens: true}
	}
	return &ColumnRef{Pos: start, Names: names}
}

// call reads the argument list of a call and what may follow it: FROM
// FIRST | FROM LAST (NTH_VALUE), IGNORE NULLS | RESPECT NULLS, OVER window.
func (p *parser) call(start Pos, name ObjectName) *FuncCall {
	f := &FuncCall{Pos: start, Name: name}
	p.expectSym("(")
	if p.acceptWord("DISTINCT") {
		f.Distinct = true
	} else if p.acceptWord("ALL") {
		f.All = true
	}
	switch {
	case p.isSym("*") && !f.Distinct && !f.All:
		p.advance()
		f.Star = true
	case p.isSym(")") && !f.Distinct && !f.All:
	default:
		f.Args = p.exprList()
	}
	p.expectSym(")")
	if len(name.Parts) == 1 && name.Parts[0].Name == "NTH_VALUE" && p.isWord("FROM") {
		switch {
		case p.isWordAt(1, "FIRST"):
			f.FromFirst = true
		case p.isWordAt(1, "LAST"):
			f.FromLast = true
		}
		if f.FromFirst || f.FromLast {
			p.advance()
			p.advance()
		}
	}
	switch {
	case p.isWord("IGNORE") && p.isWordAt(1, "NULLS"):
		f.Nulls = IgnoreNulls
	case p.isWord("RESPECT") && p.isWordAt(1, "NULLS"):
		f.Nulls = RespectNulls
	}
	if f.Nulls != NullsUnspecified {
		p.advance()
		p.advance()
	}
	if p.acceptWord("OVER") {
		f.Over = p.windowSpec()
	}
	return f
}
