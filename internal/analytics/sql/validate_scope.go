package sql

// relation is one relation a query reads, as Validate sees it: the names
// its columns can be reached by.
type relation struct {
	name      string   // correlation name: the alias, or the stream's name; "" for none
	columns   []string // the columns, in order (what * expands to)
	hidden    []string // columns that can be named but that * leaves out
	open      bool     // columns unknown (an input without a schema, a table function): any name resolves
	exact     bool     // * expands to exactly columns (not so for an input, whose system columns may count)
	streaming bool
	table     bool // a reference table
}

func (r *relation) has(col string) bool {
	if r.open || col == "ROWTIME" && r.streaming {
		return true
	}
	for _, c := range r.columns {
		if c == col {
			return true
		}
	}
	for _, c := range r.hidden {
		if c == col {
			return true
		}
	}
	return false
}

// scope is what names mean inside one SELECT: the relations of its FROM,
// the windows it can use (its own WINDOW clause and those of the queries
// around it), and the enclosing query's scope for correlated subqueries.
// outputs, when set, are select-list names that a bare column may also
// mean (in ORDER BY and GROUP BY).
type scope struct {
	rels    []*relation
	parent  *scope
	windows map[string]*WindowSpec
	outputs map[string]bool
}

func (s *scope) streaming() bool {
	for _, r := range s.rels {
		if r.streaming {
			return true
		}
	}
	return false
}

// column checks a column reference: COL, REL.COL, or a field of a
// row-valued column (REL.COL.FIELD, COL.FIELD), looked up in the scope and
// then in the enclosing ones.
func (v *validator) column(c *ColumnRef, s *scope) {
	if msg := resolve(c, s); msg != "" {
		v.errorf(c.Pos, "%s", msg)
	}
}

// resolve returns "" when c names a column in s, and the error otherwise.
func resolve(c *ColumnRef, s *scope) string {
	first := c.Names[0].Name
	for sc := s; sc != nil; sc = sc.parent {
		if len(c.Names) >= 2 {
			for _, r := range sc.rels {
				if r.name != first {
					continue
				}
				if col := c.Names[1].Name; !r.has(col) {
					return "Column " + quote(col) + " not found in table " + quote(first)
				}
				return ""
			}
		}
		matches, open := 0, false
		for _, r := range sc.rels {
			switch {
			case r.open:
				open = true
			case r.has(first):
				matches++
			}
		}
		if first == "ROWTIME" && matches > 0 {
			return "" // the current row's time: never ambiguous
		}
		if matches > 1 {
			return "Column " + quote(first) + " is ambiguous"
		}
		if matches == 1 || open {
			return ""
		}
		if len(c.Names) == 1 && sc.outputs[first] {
			return ""
		}
	}
	if len(c.Names) >= 2 {
		return "Table " + quote(first) + " not found"
	}
	return "Column " + quote(first) + " not found in any table"
}

// fromItem returns the relations a FROM item reads, checking it.
func (v *validator) fromItem(f FromItem, s *scope) []*relation {
	switch f := f.(type) {
	case *TableRef:
		r := v.tableRef(f)
		v.alias(r, f.Alias)
		if f.Over != nil {
			if r.table {
				v.errorf(f.Over.Pos, "OVER gives a stream a window in a join; %s is a reference table", quote(f.Name.Last()))
			}
			// The window's expressions are over the stream it windows.
			own := &scope{rels: append(append([]*relation(nil), s.rels...), r), parent: s.parent, windows: s.windows}
			v.windowUse(f.Over, own, useJoin)
		}
		return []*relation{r}
	case *SubqueryRef:
		out := v.query(f.Query, &scope{windows: s.windows})
		r := &relation{columns: out.columns, open: !out.known, exact: out.known, streaming: out.streaming}
		v.alias(r, f.Alias)
		return []*relation{r}
	case *TableFunctionRef:
		r := &relation{open: true}
		for _, arg := range f.Call.Args {
			if cur, ok := arg.(*CursorExpr); ok {
				if v.query(cur.Query, &scope{windows: s.windows}).streaming {
					r.streaming = true
				}
				continue
			}
			v.expr(arg, &scope{}, clauseTableArg)
		}
		v.alias(r, f.Alias)
		return []*relation{r}
	case *Join:
		left := v.fromItem(f.Left, s)
		right := v.fromItem(f.Right, s)
		rels := append(left, right...)
		on := &scope{rels: append(append([]*relation(nil), s.rels...), rels...), parent: s.parent, windows: s.windows}
		if f.On != nil {
			v.expr(f.On, on, clauseOn)
		}
		for _, u := range f.Using {
			for _, side := range [][]*relation{left, right} {
				if !anyHas(side, u.Name) {
					v.errorf(u.Pos, "Column %s in USING clause not found on both sides of the join", quote(u.Name))
					break
				}
			}
		}
		if anyStreaming(left) && anyStreaming(right) && !windowed(f.Left) && !windowed(f.Right) {
			v.errorf(f.Pos, "A join of two streams needs a window on one of them, as JOIN s OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS t")
		}
		return rels
	}
	return nil
}

func anyHas(rels []*relation, col string) bool {
	for _, r := range rels {
		if r.has(col) {
			return true
		}
	}
	return false
}

func anyStreaming(rels []*relation) bool {
	for _, r := range rels {
		if r.streaming {
			return true
		}
	}
	return false
}

// windowed reports whether a join side is a stream given a window.
func windowed(f FromItem) bool {
	t, ok := f.(*TableRef)
	return ok && t.Over != nil
}

// tableRef returns the relation a stream or table name stands for.
func (v *validator) tableRef(t *TableRef) *relation {
	name, ok := v.unqualified(t.Name)
	r := &relation{name: name, open: true, streaming: true}
	if !ok {
		return r
	}
	if cs := v.streams[name]; cs != nil {
		r.open, r.exact = false, true
		for _, c := range cs.Columns {
			r.columns = append(r.columns, c.Name.Name)
		}
		return r
	}
	switch {
	case name == ErrorStream:
		r.open, r.exact, r.columns = false, true, errorStreamColumns
	case v.isInput(name):
		r.open, r.columns, r.hidden = false, v.schema.Streams[name], systemColumns
	case v.isTable(name):
		r.open, r.exact, r.streaming, r.table, r.columns = false, true, false, true, v.schema.Tables[name]
	case v.createdLater(name) != nil:
		v.errorf(t.Name.Position(), "Stream %s is created at %s, after this pump; create it first", quote(name), v.createdLater(name).Name.Position())
	case v.schema != nil:
		v.errorf(t.Name.Position(), "Object %s not found", quote(name))
	}
	return r
}

// alias applies an alias: the relation's new name, and new names for its
// columns, as many as it has.
func (v *validator) alias(r *relation, a *Alias) {
	if a == nil {
		return
	}
	r.name = a.Name.Name
	if len(a.Columns) == 0 {
		return
	}
	if !r.open && len(a.Columns) != len(r.columns) {
		v.errorf(a.Pos, "List of column aliases must have same degree as table; table has %d columns (%s), whereas alias list has %d columns",
			len(r.columns), names(r.columns), len(a.Columns))
	}
	seen := map[string]bool{}
	r.columns = nil
	for _, c := range a.Columns {
		if seen[c.Name] {
			v.errorf(c.Pos, "Duplicate name %s in column alias list", quote(c.Name))
		}
		seen[c.Name] = true
		r.columns = append(r.columns, c.Name)
	}
	r.open, r.exact = false, true
}
