package sql

// query reads a query with its set operators and a trailing ORDER BY.
// INTERSECT binds tighter than UNION and EXCEPT; all are left-associative.
func (p *parser) query() Query {
	p.enter()
	defer p.leave()
	q := p.intersectTerm()
	for {
		var op SetOpKind
		switch {
		case p.isWord("UNION"):
			op = Union
		case p.isWord("EXCEPT"):
			op = Except
		default:
			p.note("UNION")
			p.note("EXCEPT")
			p.orderByTail(q)
			return q
		}
		pos := p.advance().pos
		all := p.setQuantifier()
		q = &SetOp{Pos: pos, Op: op, All: all, Left: q, Right: p.intersectTerm()}
	}
}

func (p *parser) intersectTerm() Query {
	q := p.queryPrimary()
	for p.isWord("INTERSECT") {
		pos := p.advance().pos
		all := p.setQuantifier()
		q = &SetOp{Pos: pos, Op: Intersect, All: all, Left: q, Right: p.queryPrimary()}
	}
	p.note("INTERSECT")
	return q
}

// setQuantifier reads ALL or DISTINCT after a set operator (DISTINCT is
// the default).
func (p *parser) setQuantifier() bool {
	if p.acceptWord("ALL") {
		return true
	}
	p.acceptWord("DISTINCT")
	return false
}

// orderByTail attaches a trailing ORDER BY to q: to the SELECT itself, or
// to the set operation it ends.
func (p *parser) orderByTail(q Query) {
	if !p.isWord("ORDER") {
		p.note("ORDER")
		return
	}
	switch q := q.(type) {
	case *Select:
		if q.OrderBy == nil {
			q.OrderBy = p.orderBy()
			return
		}
	case *SetOp:
		if q.OrderBy == nil {
			q.OrderBy = p.orderBy()
			return
		}
	}
	p.fail()
}

func (p *parser) queryPrimary() Query {
	switch {
	case p.isWord("SELECT"):
		return p.selectCore()
	case p.isWord("VALUES"):
		return p.values()
	case p.isSym("("):
		p.advance()
		q := p.query()
		p.expectSym(")")
		return q
	}
	p.note("SELECT")
	p.note("VALUES")
	p.note("(")
	p.fail()
	return nil
}

func (p *parser) values() *Values {
	v := &Values{Pos: p.expectWord("VALUES").pos}
	for {
		p.acceptWord("ROW")
		p.expectSym("(")
		v.Rows = append(v.Rows, p.exprList())
		p.expectSym(")")
		if !p.acceptSym(",") {
			return v
		}
	}
}

// selectCore reads a SELECT up to its WINDOW clause; ORDER BY is read by
// query, since after a set operation it belongs to the whole.
func (p *parser) selectCore() *Select {
	s := &Select{Pos: p.expectWord("SELECT").pos}
	s.Stream = p.acceptWord("STREAM")
	if p.acceptWord("DISTINCT") {
		s.Distinct = true
	} else if p.acceptWord("ALL") {
		s.All = true
	}
	for {
		s.Items = append(s.Items, p.selectItem())
		if !p.acceptSym(",") {
			break
		}
	}
	p.expectWord("FROM")
	for {
		s.From = append(s.From, p.fromItem())
		if !p.acceptSym(",") {
			break
		}
	}
	if p.acceptWord("WHERE") {
		s.Where = p.expr()
	}
	if p.isWord("WINDOWED") {
		s.WindowedBy = p.stagger()
	} else {
		p.note("WINDOWED")
	}
	if p.acceptWord("GROUP") {
		p.expectWord("BY")
		s.GroupBy = p.exprList()
	}
	if p.acceptWord("HAVING") {
		s.Having = p.expr()
	}
	if p.acceptWord("WINDOW") {
		for {
			name := p.ident()
			p.expectWord("AS")
			s.Windows = append(s.Windows, WindowDef{Pos: name.Pos, Name: name, Spec: p.parenWindowSpec()})
			if !p.acceptSym(",") {
				break
			}
		}
	}
	return s
}

// selectItem reads *, qualifier.*, or an expression with an optional alias.
func (p *parser) selectItem() SelectItem {
	if p.isSym("*") {
		return SelectItem{Expr: &Star{Pos: p.advance().pos}}
	}
	if n := p.qualifiedStarLength(); n > 0 {
		star := &Star{Pos: p.tok().pos}
		for range n {
			star.Qualifier = append(star.Qualifier, p.ident())
			p.advance() // the dot
		}
		p.advance() // the star
		return SelectItem{Expr: star}
	}
	p.note("*")
	item := SelectItem{Expr: p.expr()}
	if p.acceptWord("AS") {
		a := p.ident()
		item.Alias = &a
	} else if p.isIdentStart() {
		a := p.ident()
		item.Alias = &a
	} else {
		p.note(expIdentifier)
	}
	return item
}

// qualifiedStarLength returns the number of names before .* when the
// tokens ahead are name.name.*, and 0 otherwise.
func (p *parser) qualifiedStarLength() int {
	n := 0
	for isName(p.peek(2*n)) && p.isSymAt(2*n+1, ".") {
		n++
		if p.isSymAt(2*n, "*") {
			return n
		}
	}
	return 0
}

func (p *parser) orderBy() []OrderItem {
	p.expectWord("ORDER")
	p.expectWord("BY")
	var items []OrderItem
	for {
		item := OrderItem{Expr: p.expr()}
		if p.acceptWord("DESC") {
			item.Desc = true
		} else {
			p.acceptWord("ASC")
		}
		if p.acceptWord("NULLS") {
			if p.acceptWord("FIRST") {
				item.Nulls = NullsFirst
			} else {
				p.expectWord("LAST")
				item.Nulls = NullsLast
			}
		}
		items = append(items, item)
		if !p.acceptSym(",") {
			return items
		}
	}
}

// stagger reads WINDOWED BY STAGGER (PARTITION BY exprs RANGE interval).
func (p *parser) stagger() *Stagger {
	st := &Stagger{Pos: p.expectWord("WINDOWED").pos}
	p.expectWord("BY")
	p.expectWord("STAGGER")
	p.expectSym("(")
	p.expectWord("PARTITION")
	p.expectWord("BY")
	st.PartitionBy = p.exprList()
	p.expectWord("RANGE")
	st.Range = p.expr()
	p.expectSym(")")
	return st
}

// windowSpec reads what follows OVER: a window name, or a parenthesised
// specification.
func (p *parser) windowSpec() *WindowSpec {
	if p.isIdentStart() {
		name := p.ident()
		return &WindowSpec{Pos: name.Pos, Ref: &name}
	}
	p.note(expIdentifier)
	return p.parenWindowSpec()
}

// parenWindowSpec reads ([window-name] [PARTITION BY ...] [ORDER BY ...]
// [ROWS | RANGE frame]).
func (p *parser) parenWindowSpec() *WindowSpec {
	w := &WindowSpec{Pos: p.expectSym("(").pos}
	if p.isIdentStart() {
		name := p.ident()
		w.Ref = &name
	} else {
		p.note(expIdentifier)
	}
	if p.acceptWord("PARTITION") {
		p.expectWord("BY")
		w.PartitionBy = p.exprList()
	}
	if p.isWord("ORDER") {
		w.OrderBy = p.orderBy()
	} else {
		p.note("ORDER")
	}
	switch {
	case p.isWord("ROWS"), p.isWord("RANGE"):
		w.Frame = p.frame()
	default:
		p.note("ROWS")
		p.note("RANGE")
	}
	p.expectSym(")")
	return w
}

func (p *parser) frame() *Frame {
	t := p.advance()
	f := &Frame{Pos: t.pos, Unit: FrameUnit(t.value)}
	if p.acceptWord("BETWEEN") {
		f.Start = p.frameBound()
		p.expectWord("AND")
		end := p.frameBound()
		f.End = &end
		return f
	}
	f.Start = p.frameBound()
	return f
}

func (p *parser) frameBound() FrameBound {
	b := FrameBound{Pos: p.tok().pos}
	switch {
	case p.acceptWord("UNBOUNDED"):
		if p.acceptWord("PRECEDING") {
			b.Kind = UnboundedPreceding
		} else {
			p.expectWord("FOLLOWING")
			b.Kind = UnboundedFollowing
		}
		return b
	case p.acceptWord("CURRENT"):
		p.expectWord("ROW")
		b.Kind = CurrentRow
		return b
	}
	b.Offset = p.exprAbove(precAnd)
	if p.acceptWord("PRECEDING") {
		b.Kind = Preceding
	} else {
		p.expectWord("FOLLOWING")
		b.Kind = Following
	}
	return b
}
