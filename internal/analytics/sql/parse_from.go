package sql

// fromItem reads one relation of a FROM list with the joins that follow it
// (joins are left-associative).
func (p *parser) fromItem() FromItem {
	left := p.fromPrimary()
	for {
		pos := p.tok().pos
		j := &Join{Pos: pos, Left: left}
		switch {
		case p.acceptWord("CROSS"):
			p.expectWord("JOIN")
			j.Kind = CrossJoin
			j.Right = p.fromPrimary()
			left = j
			continue
		case p.acceptWord("NATURAL"):
			j.Natural = true
			j.Kind = p.joinKind()
			j.Right = p.fromPrimary()
			left = j
			continue
		}
		if !p.isJoinStart() {
			return left
		}
		j.Kind = p.joinKind()
		j.Right = p.fromPrimary()
		if p.acceptWord("USING") {
			j.Using = p.parenIdentList()
		} else {
			p.expectWord("ON")
			j.On = p.expr()
		}
		left = j
	}
}

// isJoinStart reports whether a join follows, and notes the words that
// would start one.
func (p *parser) isJoinStart() bool {
	for _, w := range []string{"JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL"} {
		p.note(w)
	}
	return p.isWord("JOIN") || p.isWord("INNER") || p.isWord("LEFT") || p.isWord("RIGHT") || p.isWord("FULL")
}

// joinKind reads [INNER | LEFT [OUTER] | RIGHT [OUTER] | FULL [OUTER]] JOIN.
func (p *parser) joinKind() JoinKind {
	kind := InnerJoin
	switch {
	case p.acceptWord("INNER"):
	case p.acceptWord("LEFT"):
		kind = LeftJoin
		p.acceptWord("OUTER")
	case p.acceptWord("RIGHT"):
		kind = RightJoin
		p.acceptWord("OUTER")
	case p.acceptWord("FULL"):
		kind = FullJoin
		p.acceptWord("OUTER")
	}
	p.expectWord("JOIN")
	return kind
}

// fromPrimary reads a stream or table name (with an optional OVER window
// for a stream-to-stream join), a parenthesised query, TABLE(function(...)),
// or a parenthesised join; each may have an alias.
func (p *parser) fromPrimary() FromItem {
	start := p.tok().pos
	switch {
	case p.isWord("TABLE"):
		p.advance()
		p.expectSym("(")
		call, ok := p.expr().(*FuncCall)
		if !ok || call.Over != nil {
			p.failAt(start, "TABLE(...) takes a call of a table function, such as TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM s)))")
		}
		p.expectSym(")")
		return &TableFunctionRef{Pos: start, Call: call, Alias: p.alias()}
	case p.isSym("(") && p.startsQueryAt(1):
		p.advance()
		q := p.query()
		p.expectSym(")")
		return &SubqueryRef{Pos: start, Query: q, Alias: p.alias()}
	case p.isSym("("):
		p.advance()
		p.enter()
		item := p.fromItem()
		p.leave()
		p.expectSym(")")
		return item
	}
	p.note("(")
	p.note("TABLE")
	t := &TableRef{Pos: start, Name: p.objectName()}
	if p.acceptWord("OVER") {
		t.Over = p.windowSpec()
	}
	t.Alias = p.alias()
	return t
}

// alias reads [AS] name [(column, ...)], or returns nil.
func (p *parser) alias() *Alias {
	if !p.acceptWord("AS") {
		if !p.isIdentStart() {
			p.note(expIdentifier)
			return nil
		}
	}
	name := p.ident()
	a := &Alias{Pos: name.Pos, Name: name}
	if p.isSym("(") {
		a.Columns = p.parenIdentList()
	}
	return a
}
