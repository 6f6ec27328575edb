package exec

import (
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// column is a column of a relation as the planner sees it: where its value
// is in the tuple, and its type. A row-valued column (what the log-parsing
// functions return) has fields instead, in consecutive slots from slot.
type column struct {
	name   string
	typ    value.Type
	slot   int
	fields []column
}

// width is how many tuple slots the column takes.
func (c column) width() int {
	if c.fields != nil {
		return len(c.fields)
	}
	return 1
}

// relation is one relation of a FROM clause: a stream, a table, a
// subquery, a table function, reached by its correlation name.
type relation struct {
	name string
	cols []column // what * expands to, then the hidden (system) columns
	// visible is how many of cols * expands to.
	visible int
	// timeSlot is where the relation's ROWTIME is in the tuple, or -1 when
	// it is the tuple's own time (a relation read alone); -2 for a table,
	// which has none.
	timeSlot  int
	streaming bool
}

// find returns the column called name.
func (r *relation) find(name string) (column, bool) {
	for _, c := range r.cols {
		if c.name == name {
			return c, true
		}
	}
	return column{}, false
}

// shifted returns r with every slot moved by delta (the relation now sits
// further along a wider tuple, as a join's right side does).
func (r *relation) shifted(delta int) *relation {
	n := *r
	n.cols = make([]column, len(r.cols))
	for i, c := range r.cols {
		n.cols[i] = shiftColumn(c, delta)
	}
	if n.timeSlot >= 0 {
		n.timeSlot += delta
	}
	return &n
}

func shiftColumn(c column, delta int) column {
	c.slot += delta
	if c.fields != nil {
		f := make([]column, len(c.fields))
		for i, x := range c.fields {
			f[i] = shiftColumn(x, delta)
		}
		c.fields = f
	}
	return c
}

// scope is what names mean in one SELECT: its FROM's relations laid out in
// one tuple, and the windows it can use (its own WINDOW clause and those of
// the queries around it, which SQLstream's subqueries inherit).
type scope struct {
	rels    []*relation
	width   int
	windows map[string]*sql.WindowSpec
}

// slotNames names each slot of the scope's tuple, for error rows.
func (s *scope) slotNames() []string {
	names := make([]string, s.width)
	for _, r := range s.rels {
		if r.timeSlot >= 0 {
			names[r.timeSlot] = qualified(r.name, "ROWTIME")
		}
		for _, c := range r.cols {
			if c.fields != nil {
				for _, f := range c.fields {
					names[f.slot] = qualified(r.name, c.name+"."+f.name)
				}
				continue
			}
			if c.slot < len(names) {
				names[c.slot] = c.name
			}
		}
	}
	return names
}

func qualified(rel, col string) string {
	if rel == "" {
		return col
	}
	return rel + "." + col
}

// ref is what a column reference resolves to: a column's value, a field of
// a row-valued column, or a relation's ROWTIME.
type ref struct {
	col      column
	rowtime  bool
	timeSlot int
}

// resolve finds what c names in s: COL, REL.COL, COL.FIELD or
// REL.COL.FIELD; ROWTIME and REL.ROWTIME are the row's time.
func (s *scope) resolve(c *sql.ColumnRef) (ref, error) {
	names := c.Names
	first := names[0].Name
	if len(names) >= 2 {
		for _, r := range s.rels {
			if r.name != first {
				continue
			}
			return resolveIn(r, names[1:], c)
		}
	}
	var found []*relation
	for _, r := range s.rels {
		if first == "ROWTIME" && r.streaming {
			found = append(found, r)
			continue
		}
		if _, ok := r.find(first); ok {
			found = append(found, r)
		}
	}
	switch {
	case len(found) == 0 && first == "ROWTIME":
		return ref{}, errAt(c.Pos, "ROWTIME is not defined here: the query reads no stream")
	case len(found) == 0 && len(names) >= 2:
		return ref{}, errAt(c.Pos, "Table %s not found", quote(first))
	case len(found) == 0:
		return ref{}, errAt(c.Pos, "Column %s not found in any table", quote(first))
	case first == "ROWTIME":
		// The current row's time: in a join, the later of its sides'.
		if len(found) == 1 {
			return ref{rowtime: true, timeSlot: found[0].timeSlot}, nil
		}
		return ref{rowtime: true, timeSlot: -1}, nil
	case len(found) > 1:
		return ref{}, errAt(c.Pos, "Column %s is ambiguous", quote(first))
	}
	return resolveIn(found[0], names, c)
}

// resolveIn resolves names (a column, perhaps followed by a field) in r.
func resolveIn(r *relation, names []sql.Ident, c *sql.ColumnRef) (ref, error) {
	name := names[0].Name
	if name == "ROWTIME" && len(names) == 1 {
		if r.timeSlot == -2 {
			return ref{}, errAt(c.Pos, "Table %s has no ROWTIME: it is a reference table", quote(r.name))
		}
		return ref{rowtime: true, timeSlot: r.timeSlot}, nil
	}
	col, ok := r.find(name)
	if !ok {
		return ref{}, errAt(names[0].Pos, "Column %s not found in table %s", quote(name), quote(r.name))
	}
	if len(names) == 1 {
		if col.fields != nil {
			return ref{}, errAt(c.Pos, "Column %s is a row: name one of its fields, as %s.%s", quote(name), name, col.fields[0].name)
		}
		return ref{col: col}, nil
	}
	if col.fields == nil || len(names) > 2 {
		return ref{}, errAt(names[1].Pos, "Column %s has no field %s", quote(name), quote(names[1].Name))
	}
	for _, f := range col.fields {
		if f.name == names[1].Name {
			return ref{col: f}, nil
		}
	}
	return ref{}, errAt(names[1].Pos, "Column %s has no field %s", quote(name), quote(names[1].Name))
}

func quote(s string) string { return "'" + s + "'" }
