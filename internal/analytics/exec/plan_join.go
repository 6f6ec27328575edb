package exec

import (
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// join plans a JOIN of the FROM clause.
func (pl *planner) join(f *sql.Join, windows map[string]*sql.WindowSpec) (*fromPlan, error) {
	l, err := pl.fromItem(f.Left, windows)
	if err != nil {
		return nil, err
	}
	r, err := pl.fromItem(f.Right, windows)
	if err != nil {
		return nil, err
	}
	if f.Natural {
		return nil, errAt(f.Pos, "NATURAL JOIN is not supported; write the join condition with ON")
	}
	on := f.On
	for _, u := range f.Using {
		eq := &sql.BinaryExpr{Pos: u.Pos, Op: sql.OpEq,
			L: &sql.ColumnRef{Pos: u.Pos, Names: []sql.Ident{{Pos: u.Pos, Name: relName(l, u.Name)}, u}},
			R: &sql.ColumnRef{Pos: u.Pos, Names: []sql.Ident{{Pos: u.Pos, Name: relName(r, u.Name)}, u}}}
		if on == nil {
			on = eq
		} else {
			on = &sql.BinaryExpr{Pos: u.Pos, Op: sql.OpAnd, L: on, R: eq}
		}
	}
	return pl.joinPlans(l, r, f.Kind, on, f.Pos, windows)
}

// relName is the name of the relation of a join side that has column
// col, for USING.
func relName(fp *fromPlan, col string) string {
	for _, r := range fp.sc.rels {
		if _, ok := r.find(col); ok {
			return r.name
		}
	}
	return ""
}

// joinScope lays two sides out in one row: the left's values, the left
// row's time, the right's values, the right row's time.
func joinScope(l, r *scope) *scope {
	wl, wr := l.width, r.width
	sc := &scope{width: wl + 1 + wr + 1}
	for _, rel := range l.rels {
		n := rel.shifted(0)
		if n.timeSlot == -1 {
			n.timeSlot = wl
		}
		sc.rels = append(sc.rels, n)
	}
	for _, rel := range r.rels {
		n := rel.shifted(wl + 1)
		if rel.timeSlot == -1 {
			n.timeSlot = wl + 1 + wr
		}
		sc.rels = append(sc.rels, n)
	}
	return sc
}

// joinKeys splits a join condition into equalities between one side and
// the other, which the join looks up by hash, and the rest, checked on
// each candidate pair.
type joinKeys struct {
	left, right []*cexpr   // computed on each side's own rows
	norm        []keyNorm  // how to compare each pair
	residual    *cexpr     // on the joined row; nil when nothing is left
	residualSrc []sql.Expr // the conjuncts it checks
}

func (pl *planner) joinCondition(on sql.Expr, l, r *scope, sc *scope) (*joinKeys, error) {
	jk := &joinKeys{}
	if on == nil {
		return jk, nil
	}
	var conj []sql.Expr
	var split func(e sql.Expr)
	split = func(e sql.Expr) {
		if b, ok := e.(*sql.BinaryExpr); ok && b.Op == sql.OpAnd {
			split(b.L)
			split(b.R)
			return
		}
		conj = append(conj, e)
	}
	split(on)
	quiet := func(e sql.Expr, s *scope) *cexpr {
		c, err := pl.expr(e, &exprEnv{sc: s, what: "ON clause"})
		if err != nil || c.fields != nil || !c.cols {
			return nil
		}
		return c
	}
	for _, e := range conj {
		b, ok := e.(*sql.BinaryExpr)
		if ok && b.Op == sql.OpEq {
			a1, b1 := quiet(b.L, l), quiet(b.R, r)
			if a1 == nil || b1 == nil {
				a1, b1 = quiet(b.R, l), quiet(b.L, r)
			}
			if a1 != nil && b1 != nil && comparable(a1.typ, b1.typ) {
				if n, ok := keyNormOf(a1.typ, b1.typ); ok {
					jk.left, jk.right, jk.norm = append(jk.left, a1), append(jk.right, b1), append(jk.norm, n)
					continue
				}
			}
		}
		jk.residualSrc = append(jk.residualSrc, e)
	}
	for _, e := range jk.residualSrc {
		c, err := pl.condition(e, &exprEnv{sc: sc, what: "ON clause"})
		if err != nil {
			return nil, err
		}
		if jk.residual == nil {
			jk.residual = c
			continue
		}
		prev := jk.residual
		jk.residual, err = logic(&sql.BinaryExpr{Op: sql.OpAnd, L: on, R: on}, prev, c, true)
		if err != nil {
			return nil, err
		}
	}
	return jk, nil
}

// keyNorm is how a join key's values are made comparable byte for byte:
// converted to the pair's common type, and, when either side is a CHAR,
// without trailing blanks (CHAR compares padded with blanks).
type keyNorm struct {
	typ     value.Type
	cast    [2]bool
	padTrim bool
}

func keyNormOf(a, b value.Type) (keyNorm, bool) {
	t, ok := commonType(a, b)
	if !ok || t.Kind == value.KindNull {
		return keyNorm{}, false
	}
	// A fractional DECIMAL and a DOUBLE have no common key (0.1 is no
	// double): compare such pairs one by one instead.
	if t.Kind.IsApproximate() && (a.Kind == value.KindDecimal || b.Kind == value.KindDecimal) {
		return keyNorm{}, false
	}
	n := keyNorm{typ: t, padTrim: t.Kind.IsString() && (a.Kind == value.KindChar || b.Kind == value.KindChar)}
	n.cast[0] = a != t && !(t.Kind.IsString() && a.Kind.IsString())
	n.cast[1] = b != t && !(t.Kind.IsString() && b.Kind.IsString())
	return n, true
}

// appendKey appends side's key value v; ok is false for NULL, which
// matches nothing.
func (n keyNorm) appendKey(dst []byte, v value.Value, side int) ([]byte, bool) {
	if v.IsNull() {
		return dst, false
	}
	if n.cast[side] {
		c, err := value.Cast(v, n.typ)
		if err != nil {
			return dst, false
		}
		v = c
	}
	if n.typ.Kind.IsString() {
		s := v.Str()
		if n.padTrim {
			for len(s) > 0 && s[len(s)-1] == ' ' {
				s = s[:len(s)-1]
			}
		}
		return value.AppendKey(dst, value.NewVarchar(s)), true
	}
	return value.AppendKey(dst, v), true
}

// joinPlans joins two planned FROM items.
func (pl *planner) joinPlans(l, r *fromPlan, kind sql.JoinKind, on sql.Expr, pos sql.Pos, windows map[string]*sql.WindowSpec) (*fromPlan, error) {
	sc := joinScope(l.sc, r.sc)
	jk, err := pl.joinCondition(on, l.sc, r.sc, sc)
	if err != nil {
		return nil, err
	}
	st := stage{p: pl.prog, pump: pl.pump, names: sc.slotNames()}
	fp := &fromPlan{sc: sc, reads: append(append([]string(nil), l.reads...), r.reads...)}
	switch {
	case !l.streaming && !r.streaming:
		return pl.staticJoin(l, r, kind, jk, sc, pos)
	case l.streaming != r.streaming:
		streamLeft := l.streaming
		outer := kind == sql.LeftJoin && streamLeft || kind == sql.RightJoin && !streamLeft
		if kind == sql.FullJoin || kind == sql.LeftJoin && !streamLeft || kind == sql.RightJoin && streamLeft {
			return nil, errAt(pos, "A %s JOIN cannot keep a reference table's unmatched rows: over a stream they are never final; join the table to the stream with LEFT JOIN", kind)
		}
		stream, table := l, r
		if !streamLeft {
			stream, table = r, l
		}
		if stream.over != nil {
			return nil, errAt(stream.over.Pos, "OVER gives a stream a window in a join with another stream; here it is joined with a reference table")
		}
		js := newTableJoin(st, streamLeft, outer, table.static, jk, l.sc.width, r.sc.width)
		stream.out.next = js
		fp.out, fp.streaming = &outlet{}, true
		js.out = fp.out
		return fp, nil
	}
	js, err := pl.streamJoin(st, l, r, kind, jk, windows)
	if err != nil {
		return nil, err
	}
	l.out.next = &joinPort{j: js, side: 0}
	r.out.next = &joinPort{j: js, side: 1}
	fp.out, fp.streaming = &outlet{}, true
	js.out = fp.out
	pl.prog.timers = append(pl.prog.timers, js)
	pl.prog.states = append(pl.prog.states, js)
	return fp, nil
}

// staticJoin joins two reference tables (or queries over them) when the
// application is compiled.
func (pl *planner) staticJoin(l, r *fromPlan, kind sql.JoinKind, jk *joinKeys, sc *scope, pos sql.Pos) (*fromPlan, error) {
	if kind == sql.RightJoin || kind == sql.FullJoin {
		return nil, errAt(pos, "%s JOIN of two reference tables is not supported; use LEFT JOIN", kind)
	}
	js := newTableJoin(stage{p: pl.prog, pump: pl.pump, names: sc.slotNames()}, true, kind == sql.LeftJoin, r.static, jk, l.sc.width, r.sc.width)
	col := &collector{}
	js.out = col
	p := pl.prog
	p.compiling = true
	for _, row := range l.static {
		js.push(&tuple{vals: row})
	}
	p.compiling = false
	if err := p.compileErr; err != nil {
		p.compileErr = nil
		return nil, errAt(pos, "The join of reference tables fails on their rows: %v", err)
	}
	rows := col.rows
	if rows == nil {
		rows = [][]value.Value{}
	}
	return &fromPlan{sc: sc, static: rows}, nil
}
