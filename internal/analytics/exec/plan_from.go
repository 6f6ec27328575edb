package exec

import (
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// queryCtx is what a query inherits from the query around it: the named
// windows it can use.
type queryCtx struct {
	windows map[string]*sql.WindowSpec
}

// qplan is a planned query: its output columns (laid out from slot 0), the
// outlet its rows leave by, and, for a query over reference tables only,
// its rows computed at plan time.
type qplan struct {
	cols      []column
	pos       []sql.Pos // where each output column was written
	width     int
	out       *outlet
	streaming bool
	reads     []string
	static    [][]value.Value
}

func (q *qplan) names() []string {
	names := make([]string, q.width)
	for _, c := range q.cols {
		if c.fields != nil {
			for _, f := range c.fields {
				names[f.slot] = c.name + "." + f.name
			}
			continue
		}
		names[c.slot] = c.name
	}
	return names
}

// colAt is the output column at slot (a column's first).
func (q *qplan) colAt(slot int) column {
	return q.cols[q.colIndex(slot)]
}

// colIndex is the index of the output column at slot.
func (q *qplan) colIndex(slot int) int {
	for i, c := range q.cols {
		if c.slot == slot {
			return i
		}
	}
	return 0
}

// itemPos is where output column i was written, for messages.
func (q *qplan) itemPos(i int, def sql.Node) sql.Pos {
	if i < len(q.pos) && q.pos[i].Line > 0 {
		return q.pos[i]
	}
	return def.Position()
}

// fromPlan is a FROM clause planned: the scope its rows are laid out in,
// and where they come out (streaming), or its rows (tables only).
type fromPlan struct {
	sc        *scope
	out       *outlet
	streaming bool
	static    [][]value.Value
	reads     []string
	// over is the window a stream was given in a join (JOIN s OVER w).
	over *sql.WindowSpec
}

// from plans a FROM clause: its items, joined across commas.
func (pl *planner) from(items []sql.FromItem, windows map[string]*sql.WindowSpec) (*fromPlan, error) {
	var acc *fromPlan
	for _, it := range items {
		fp, err := pl.fromItem(it, windows)
		if err != nil {
			return nil, err
		}
		if acc == nil {
			acc = fp
			continue
		}
		// a, b is a cross join.
		if acc, err = pl.joinPlans(acc, fp, sql.CrossJoin, nil, it.Position(), windows); err != nil {
			return nil, err
		}
	}
	acc.sc.windows = windows
	return acc, nil
}

func (pl *planner) fromItem(f sql.FromItem, windows map[string]*sql.WindowSpec) (*fromPlan, error) {
	switch f := f.(type) {
	case *sql.TableRef:
		return pl.tableRef(f)
	case *sql.SubqueryRef:
		q, err := pl.query(f.Query, &queryCtx{windows: windows})
		if err != nil {
			return nil, err
		}
		rel := &relation{cols: q.cols, visible: len(q.cols), timeSlot: -1, streaming: q.streaming}
		if !q.streaming {
			rel.timeSlot = -2
		}
		if err := applyAlias(rel, f.Alias); err != nil {
			return nil, err
		}
		return &fromPlan{sc: &scope{rels: []*relation{rel}, width: q.width}, out: q.out, streaming: q.streaming, static: q.static, reads: q.reads}, nil
	case *sql.TableFunctionRef:
		return pl.tableFunction(f, windows)
	case *sql.Join:
		return pl.join(f, windows)
	}
	return nil, errAt(f.Position(), "FROM item %T is not supported", f)
}

// tableRef plans a stream or a reference table named in FROM.
func (pl *planner) tableRef(f *sql.TableRef) (*fromPlan, error) {
	if len(f.Name.Parts) > 1 {
		return nil, errAt(f.Name.Position(), "Object %s not found: an application's streams and tables are named without a schema", quote(f.Name.String()))
	}
	name := f.Name.Last()
	if s := pl.prog.streams[name]; s != nil {
		rel := &relation{name: name, visible: s.visible, timeSlot: -1, streaming: true}
		for i, c := range s.cols {
			rel.cols = append(rel.cols, column{name: c.Name, typ: c.Type, slot: i})
		}
		if err := applyAlias(rel, f.Alias); err != nil {
			return nil, err
		}
		out := &outlet{}
		s.consumers = append(s.consumers, out)
		return &fromPlan{sc: &scope{rels: []*relation{rel}, width: len(s.cols)}, out: out, streaming: true, reads: []string{name}, over: f.Over}, nil
	}
	if t := pl.tables[name]; t != nil {
		if f.Over != nil {
			return nil, errAt(f.Over.Pos, "OVER gives a stream a window in a join; %s is a reference table", quote(name))
		}
		rel := &relation{name: name, visible: len(t.Columns), timeSlot: -2}
		for i, c := range t.Columns {
			rel.cols = append(rel.cols, column{name: c.Name, typ: c.Type, slot: i})
		}
		if err := applyAlias(rel, f.Alias); err != nil {
			return nil, err
		}
		rows := t.Rows
		if rows == nil {
			rows = [][]value.Value{}
		}
		return &fromPlan{sc: &scope{rels: []*relation{rel}, width: len(t.Columns)}, static: rows}, nil
	}
	return nil, errAt(f.Name.Position(), "Object %s not found", quote(name))
}

// applyAlias renames a relation, and its columns when the alias lists them.
func applyAlias(r *relation, a *sql.Alias) error {
	if a == nil {
		return nil
	}
	r.name = a.Name.Name
	if len(a.Columns) == 0 {
		return nil
	}
	if len(a.Columns) != r.visible {
		return errAt(a.Pos, "List of column aliases must have same degree as table; table has %d columns, whereas alias list has %d columns", r.visible, len(a.Columns))
	}
	cols := append([]column(nil), r.cols...)
	for i, c := range a.Columns {
		cols[i].name = c.Name
	}
	r.cols = cols
	return nil
}

// collector gathers the rows of a query over tables, computed at plan time.
type collector struct {
	rows [][]value.Value
}

func (c *collector) push(t *tuple) {
	c.rows = append(c.rows, append([]value.Value(nil), t.vals...))
}
