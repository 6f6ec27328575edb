package sql

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Format prints a node as canonical SQL: keywords in upper case, clauses on
// lines of their own, parentheses only where precedence needs them, names
// quoted when they were written quoted (or cannot be written bare). The
// result parses back to the same tree, positions aside; the console shows
// it and messages quote it.
func Format(n Node) string {
	var p printer
	p.node(n)
	return p.b.String()
}

type printer struct {
	b      strings.Builder
	indent int
	// keys prints names as they are, and columns by their last name: the
	// comparison keys of exprKey, not SQL.
	keys bool
}

func (p *printer) w(s string) { p.b.WriteString(s) }

// nl starts a new line at the current indentation.
func (p *printer) nl() {
	p.b.WriteByte('\n')
	for range p.indent {
		p.b.WriteString("    ")
	}
}

func (p *printer) node(n Node) {
	switch n := n.(type) {
	case *Application:
		for i, s := range n.Statements {
			if i > 0 {
				p.w("\n\n")
			}
			p.statement(s)
			p.w(";")
		}
		if len(n.Statements) > 0 {
			p.w("\n")
		}
	case Statement:
		p.statement(n)
	case Query:
		p.query(n)
	case Expr:
		p.expr(n)
	case FromItem:
		p.fromItem(n)
	case *WindowSpec:
		p.windowSpec(n)
	case TypeName:
		p.w(n.String())
	case Ident:
		p.ident(n)
	case ObjectName:
		p.objectName(n)
	case SelectItem:
		p.selectItem(n)
	case OrderItem:
		p.orderItem(n)
	}
}

// ident prints a name, quoted when it was written quoted or when it would
// not read back as the same name bare.
func (p *printer) ident(id Ident) {
	if p.keys {
		p.w(id.Name)
		return
	}
	if !id.Quoted && bareName(id.Name) {
		p.w(id.Name)
		return
	}
	p.w(`"`)
	p.w(strings.ReplaceAll(id.Name, `"`, `""`))
	p.w(`"`)
}

// bareName reports whether name, written without quotes, lexes back as the
// same unquoted, unreserved name.
func bareName(name string) bool {
	if name == "" || reserved[name] || foldWord(name) != name {
		return false
	}
	for i, r := range name {
		if r == utf8.RuneError {
			return false
		}
		if i == 0 && r != '_' && !unicode.IsLetter(r) {
			return false
		}
		if r != '_' && r != '$' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return utf8.RuneCountInString(name) <= MaxIdentifierLength
}

func (p *printer) idents(ids []Ident, sep string) {
	for i, id := range ids {
		if i > 0 {
			p.w(sep)
		}
		p.ident(id)
	}
}

func (p *printer) objectName(n ObjectName) { p.idents(n.Parts, ".") }

func (p *printer) stringLit(s string) {
	p.w("'")
	p.w(strings.ReplaceAll(s, "'", "''"))
	p.w("'")
}

func (p *printer) statement(s Statement) {
	switch s := s.(type) {
	case *CreateStream:
		p.w("CREATE ")
		if s.OrReplace {
			p.w("OR REPLACE ")
		}
		p.w("STREAM ")
		p.objectName(s.Name)
		p.w(" (")
		p.indent++
		for i, c := range s.Columns {
			if i > 0 {
				p.w(",")
			}
			p.nl()
			p.ident(c.Name)
			p.w(" ")
			p.w(c.Type.String())
			if c.NotNull {
				p.w(" NOT NULL")
			}
		}
		p.indent--
		p.w(")")
		if s.Description != nil {
			p.w(" DESCRIPTION ")
			p.stringLit(s.Description.Value)
		}
	case *CreatePump:
		p.w("CREATE ")
		if s.OrReplace {
			p.w("OR REPLACE ")
		}
		p.w("PUMP ")
		p.objectName(s.Name)
		if s.State != PumpDefault {
			p.w(" ")
			p.w(string(s.State))
		}
		if s.Description != nil {
			p.w(" DESCRIPTION ")
			p.stringLit(s.Description.Value)
		}
		p.w(" AS")
		p.indent++
		p.nl()
		p.insert(s.Insert)
		p.indent--
	case *CreateFunction:
		p.createFunction(s)
	}
}

func (p *printer) insert(ins *Insert) {
	p.w("INSERT ")
	if ins.Expedited {
		p.w("EXPEDITED ")
	}
	p.w("INTO ")
	p.objectName(ins.Target)
	if len(ins.Columns) > 0 {
		p.w(" (")
		p.idents(ins.Columns, ", ")
		p.w(")")
	}
	p.nl()
	p.query(ins.Query)
}

func (p *printer) createFunction(f *CreateFunction) {
	p.w("CREATE ")
	if f.OrReplace {
		p.w("OR REPLACE ")
	}
	p.w("FUNCTION ")
	p.objectName(f.Name)
	p.w("(")
	for i, prm := range f.Params {
		if i > 0 {
			p.w(", ")
		}
		p.ident(prm.Name)
		p.w(" ")
		p.w(prm.Type.String())
	}
	p.w(") RETURNS ")
	p.w(f.Returns.String())
	p.indent++
	for _, c := range f.Characteristics {
		p.nl()
		p.w(c)
		if c == "SPECIFIC" && f.Specific != nil {
			p.w(" ")
			p.ident(*f.Specific)
		}
	}
	p.nl()
	p.w("RETURN ")
	p.expr(f.Body)
	p.indent--
}

// query prints a query; a SELECT's clauses go on lines of their own.
func (p *printer) query(q Query) {
	switch q := q.(type) {
	case *Select:
		p.selectQuery(q)
	case *SetOp:
		p.setOperand(q.Left, q, false)
		p.nl()
		p.w(string(q.Op))
		if q.All {
			p.w(" ALL")
		}
		p.nl()
		p.setOperand(q.Right, q, true)
		p.orderBy(q.OrderBy)
	case *Values:
		p.w("VALUES ")
		for i, row := range q.Rows {
			if i > 0 {
				p.w(", ")
			}
			p.w("(")
			p.exprs(row)
			p.w(")")
		}
	}
}

// setOperand prints one side of a set operation, in parentheses when it
// would otherwise regroup: a looser operator under a tighter one, an equal
// one on the right (they associate to the left), and an operand with its
// own ORDER BY (which would attach to the whole).
func (p *printer) setOperand(q Query, parent *SetOp, right bool) {
	paren := false
	switch q := q.(type) {
	case *SetOp:
		paren = len(q.OrderBy) > 0 || setOpPrec(q.Op) < setOpPrec(parent.Op) || right && setOpPrec(q.Op) == setOpPrec(parent.Op)
	case *Select:
		paren = len(q.OrderBy) > 0
	}
	if paren {
		p.w("(")
		p.query(q)
		p.w(")")
		return
	}
	p.query(q)
}

// setOpPrec is the binding power of a set operator: INTERSECT binds
// tighter than UNION and EXCEPT.
func setOpPrec(op SetOpKind) int {
	if op == Intersect {
		return 2
	}
	return 1
}

func (p *printer) selectQuery(s *Select) {
	p.w("SELECT ")
	if s.Stream {
		p.w("STREAM ")
	}
	if s.Distinct {
		p.w("DISTINCT ")
	} else if s.All {
		p.w("ALL ")
	}
	for i, item := range s.Items {
		if i > 0 {
			p.w(", ")
		}
		p.selectItem(item)
	}
	p.nl()
	p.w("FROM ")
	for i, f := range s.From {
		if i > 0 {
			p.w(", ")
		}
		p.fromItem(f)
	}
	if s.Where != nil {
		p.nl()
		p.w("WHERE ")
		p.expr(s.Where)
	}
	if st := s.WindowedBy; st != nil {
		p.nl()
		p.w("WINDOWED BY STAGGER (PARTITION BY ")
		p.exprs(st.PartitionBy)
		p.w(" RANGE ")
		p.expr(st.Range)
		p.w(")")
	}
	if len(s.GroupBy) > 0 {
		p.nl()
		p.w("GROUP BY ")
		p.exprs(s.GroupBy)
	}
	if s.Having != nil {
		p.nl()
		p.w("HAVING ")
		p.expr(s.Having)
	}
	if len(s.Windows) > 0 {
		p.nl()
		p.w("WINDOW ")
		for i, wd := range s.Windows {
			if i > 0 {
				p.w(", ")
			}
			p.ident(wd.Name)
			p.w(" AS ")
			p.parenWindowSpec(wd.Spec)
		}
	}
	p.orderBy(s.OrderBy)
}

func (p *printer) selectItem(item SelectItem) {
	p.expr(item.Expr)
	if item.Alias != nil {
		p.w(" AS ")
		p.ident(*item.Alias)
	}
}

func (p *printer) orderBy(items []OrderItem) {
	if len(items) == 0 {
		return
	}
	p.nl()
	p.w("ORDER BY ")
	p.orderItems(items)
}

func (p *printer) orderItems(items []OrderItem) {
	for i, o := range items {
		if i > 0 {
			p.w(", ")
		}
		p.orderItem(o)
	}
}

func (p *printer) orderItem(o OrderItem) {
	p.expr(o.Expr)
	if o.Desc {
		p.w(" DESC")
	}
	if o.Nulls != NullsDefault {
		p.w(" ")
		p.w(string(o.Nulls))
	}
}

func (p *printer) fromItem(f FromItem) {
	switch f := f.(type) {
	case *TableRef:
		p.objectName(f.Name)
		if f.Over != nil {
			p.w(" OVER ")
			p.windowSpec(f.Over)
		}
		p.alias(f.Alias)
	case *SubqueryRef:
		p.nestedQuery(f.Query)
		p.alias(f.Alias)
	case *TableFunctionRef:
		p.w("TABLE(")
		p.expr(f.Call)
		p.w(")")
		p.alias(f.Alias)
	case *Join:
		p.fromItem(f.Left)
		p.nl()
		if f.Natural {
			p.w("NATURAL ")
		}
		switch f.Kind {
		case InnerJoin:
			p.w("JOIN ")
		default:
			p.w(string(f.Kind))
			p.w(" JOIN ")
		}
		if _, nested := f.Right.(*Join); nested {
			p.w("(")
			p.fromItem(f.Right)
			p.w(")")
		} else {
			p.fromItem(f.Right)
		}
		switch {
		case f.On != nil:
			p.w(" ON ")
			p.expr(f.On)
		case len(f.Using) > 0:
			p.w(" USING (")
			p.idents(f.Using, ", ")
			p.w(")")
		}
	}
}

func (p *printer) alias(a *Alias) {
	if a == nil {
		return
	}
	p.w(" AS ")
	p.ident(a.Name)
	if len(a.Columns) > 0 {
		p.w("(")
		p.idents(a.Columns, ", ")
		p.w(")")
	}
}

// windowSpec prints what follows OVER: a bare window name, or (spec).
func (p *printer) windowSpec(w *WindowSpec) {
	if w.Ref != nil && w.PartitionBy == nil && w.OrderBy == nil && w.Frame == nil {
		p.ident(*w.Ref)
		return
	}
	p.parenWindowSpec(w)
}

func (p *printer) parenWindowSpec(w *WindowSpec) {
	var parts []func()
	if w.Ref != nil {
		parts = append(parts, func() { p.ident(*w.Ref) })
	}
	if len(w.PartitionBy) > 0 {
		parts = append(parts, func() { p.w("PARTITION BY "); p.exprs(w.PartitionBy) })
	}
	if len(w.OrderBy) > 0 {
		parts = append(parts, func() { p.w("ORDER BY "); p.orderItems(w.OrderBy) })
	}
	if w.Frame != nil {
		parts = append(parts, func() { p.frame(w.Frame) })
	}
	p.w("(")
	for i, part := range parts {
		if i > 0 {
			p.w(" ")
		}
		part()
	}
	p.w(")")
}

func (p *printer) frame(f *Frame) {
	p.w(string(f.Unit))
	p.w(" ")
	if f.End != nil {
		p.w("BETWEEN ")
		p.frameBound(f.Start)
		p.w(" AND ")
		p.frameBound(*f.End)
		return
	}
	p.frameBound(f.Start)
}

func (p *printer) frameBound(b FrameBound) {
	if b.Offset != nil {
		p.operand(b.Offset, precAnd, true)
		p.w(" ")
	}
	p.w(string(b.Kind))
}
