package sql

// keywordPrimary reads the expressions that start with a keyword: the
// literals TRUE, FALSE, NULL, DATE/TIME/TIMESTAMP '...', INTERVAL '...'; CASE;
// and the functions with a syntax of their own. It returns nil when t
// starts none of them (the word is then a name, or an error).
func (p *parser) keywordPrimary(t token) Expr {
	switch t.value {
	case "TRUE", "FALSE":
		p.advance()
		return &BoolLit{Pos: t.pos, Value: t.value == "TRUE"}
	case "NULL":
		p.advance()
		return &NullLit{Pos: t.pos}
	case "CASE":
		return p.caseExpr()
	case "INTERVAL":
		return p.intervalLit()
	case "DATE", "TIME", "TIMESTAMP":
		if next := p.peek(1).kind; next == tokString || next == tokUnicodeString {
			p.advance()
			return &DateTimeLit{Pos: t.pos, Kind: DateTimeKind(t.value), Value: p.stringValue().Value}
		}
		return nil
	case "CAST":
		return p.cast()
	}
	if !p.isSymAt(1, "(") {
		return nil
	}
	switch t.value {
	case "EXTRACT":
		return p.extract()
	case "POSITION":
		return p.position()
	case "SUBSTRING":
		return p.substring()
	case "OVERLAY":
		return p.overlay()
	case "TRIM":
		return p.trim()
	case "FLOOR", "CEIL", "CEILING":
		return p.floor()
	case "STEP":
		return p.step()
	case "CURSOR":
		p.advance()
		p.expectSym("(")
		q := p.query()
		p.expectSym(")")
		return &CursorExpr{Pos: t.pos, Query: q}
	case "ROW":
		p.advance()
		p.expectSym("(")
		row := &RowExpr{Pos: t.pos, Keyword: true, Items: p.exprList()}
		p.expectSym(")")
		return row
	}
	return nil
}

// funcName returns the one-part name of the special function at t.
func funcName(t token) ObjectName {
	return ObjectName{Parts: []Ident{{Pos: t.pos, Name: t.value}}}
}

func (p *parser) caseExpr() Expr {
	c := &CaseExpr{Pos: p.expectWord("CASE").pos}
	if !p.isWord("WHEN") {
		c.Operand = p.expr()
	}
	for {
		w := When{Pos: p.expectWord("WHEN").pos}
		w.Cond = p.expr()
		p.expectWord("THEN")
		w.Result = p.expr()
		c.Whens = append(c.Whens, w)
		p.note("WHEN")
		if !p.isWord("WHEN") {
			break
		}
	}
	if p.acceptWord("ELSE") {
		c.Else = p.expr()
	}
	p.expectWord("END")
	return c
}

func (p *parser) cast() Expr {
	c := &CastExpr{Pos: p.expectWord("CAST").pos}
	p.expectSym("(")
	c.X = p.expr()
	p.expectWord("AS")
	c.Type = p.typeName()
	p.expectSym(")")
	return c
}

func (p *parser) extract() Expr {
	e := &ExtractExpr{Pos: p.advance().pos}
	p.expectSym("(")
	e.Unit = p.timeUnit()
	p.expectWord("FROM")
	e.X = p.expr()
	p.expectSym(")")
	return e
}

// position reads POSITION(a IN b), and the call form POSITION(a, b).
func (p *parser) position() Expr {
	t := p.advance()
	f := &FuncCall{Pos: t.pos, Name: funcName(t)}
	p.expectSym("(")
	// The needle is read above IN's binding power, so that IN ends it.
	f.Args = []Expr{p.exprAbove(precLike)}
	if !p.acceptSym(",") {
		p.expectWord("IN")
	}
	f.Args = append(f.Args, p.expr())
	p.expectSym(")")
	return f
}

// substring reads SUBSTRING(x FROM a [FOR b]) and SUBSTRING(x, a [, b]).
func (p *parser) substring() Expr { return p.keywordCall("FROM") }

// overlay reads OVERLAY(x PLACING y FROM a [FOR b]).
func (p *parser) overlay() Expr { return p.keywordCall("PLACING", "FROM") }

// keywordCall reads a call whose arguments after the first each follow one
// of words, in order, then an optional FOR and its argument; or the call
// form, its arguments separated by commas.
func (p *parser) keywordCall(words ...string) Expr {
	t := p.advance()
	f := &FuncCall{Pos: t.pos, Name: funcName(t)}
	p.expectSym("(")
	f.Args = []Expr{p.expr()}
	if p.acceptSym(",") {
		f.Args = append(f.Args, p.exprList()...)
	} else {
		for _, w := range words {
			p.expectWord(w)
			f.Args = append(f.Args, p.expr())
		}
		if p.acceptWord("FOR") {
			f.Args = append(f.Args, p.expr())
		}
	}
	p.expectSym(")")
	return f
}

// trim reads TRIM([BOTH | LEADING | TRAILING] [chars] FROM x) and TRIM(x).
func (p *parser) trim() Expr {
	e := &TrimExpr{Pos: p.advance().pos}
	p.expectSym("(")
	switch {
	case p.acceptWord("BOTH"):
		e.Side = TrimBoth
	case p.acceptWord("LEADING"):
		e.Side = TrimLeading
	case p.acceptWord("TRAILING"):
		e.Side = TrimTrailing
	}
	if e.Side != TrimDefault && p.acceptWord("FROM") {
		e.X = p.expr()
		p.expectSym(")")
		return e
	}
	first := p.expr()
	if p.acceptWord("FROM") {
		e.Chars = first
		e.X = p.expr()
	} else if e.Side != TrimDefault {
		p.fail() // TRIM(LEADING 'x') has no operand
	} else {
		e.X = first
	}
	p.expectSym(")")
	return e
}

// floor reads FLOOR(x TO unit) and CEIL(x TO unit); without TO it is the
// numeric function, a plain call.
func (p *parser) floor() Expr {
	t := p.advance()
	p.expectSym("(")
	x := p.expr()
	if p.acceptWord("TO") {
		e := &FloorExpr{Pos: t.pos, Ceil: t.value != "FLOOR", X: x, Unit: p.timeUnit()}
		p.expectSym(")")
		return e
	}
	f := &FuncCall{Pos: t.pos, Name: funcName(t), Args: []Expr{x}}
	p.expectSym(")")
	if p.acceptWord("OVER") {
		f.Over = p.windowSpec()
	}
	return f
}

// step reads STEP(x BY width).
func (p *parser) step() Expr {
	e := &StepExpr{Pos: p.advance().pos}
	p.expectSym("(")
	e.X = p.expr()
	p.expectWord("BY")
	e.Width = p.expr()
	p.expectSym(")")
	return e
}

// timeUnit reads YEAR, MONTH, DAY, HOUR, MINUTE or SECOND.
func (p *parser) timeUnit() TimeUnit {
	for _, u := range timeUnits {
		if p.acceptWord(string(u)) {
			return u
		}
	}
	p.fail()
	return ""
}
