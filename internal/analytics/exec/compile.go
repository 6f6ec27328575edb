package exec

import (
	"fmt"
	"strings"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// planner turns the statements of an application into stages wired between
// streams.
type planner struct {
	prog   *Program
	env    Env
	cat    catalog
	tables map[string]*Table
	udfs   map[string][]*udf
	// defining holds the functions whose body is being compiled, so that a
	// function cannot call itself.
	defining map[string]bool
	pump     string // the pump being planned, for error rows
	// reads and writes record, per pump, the streams it reads and writes,
	// to refuse pumps that feed a stream back into itself.
	reads  map[string][]string
	writes map[string]string
}

// Compile checks an application's code against its configuration and
// builds the Program that runs it. Every error is an *sql.Error with the
// line and column of the problem: first what package sql's Validate finds,
// then what only the planner knows (types, functions, windows it cannot
// run).
func Compile(app *sql.Application, env Env) (*Program, error) {
	if app == nil {
		return nil, &sql.Error{Line: 1, Column: 1, Msg: "At line 1, column 1: no application code"}
	}
	if err := sql.Validate(app, schemaOf(env)); err != nil {
		return nil, err
	}
	pl := &planner{
		prog:     &Program{streams: map[string]*streamNode{}, start: env.Start, replayLimit: env.ReplayLimit},
		env:      env,
		cat:      defaultCatalog(env.Start),
		tables:   map[string]*Table{},
		udfs:     map[string][]*udf{},
		defining: map[string]bool{},
		reads:    map[string][]string{},
		writes:   map[string]string{},
	}
	if err := pl.sources(); err != nil {
		return nil, err
	}
	for _, st := range app.Statements {
		var err error
		switch st := st.(type) {
		case *sql.CreateStream:
			err = pl.createStream(st)
		case *sql.CreatePump:
			err = pl.createPump(st)
		case *sql.CreateFunction:
			err = pl.createFunction(st)
		}
		if err != nil {
			return nil, err
		}
	}
	// error_stream comes last, so its subscribers hear of a call's errors
	// after the rows.
	pl.prog.streamList = append(pl.prog.streamList, pl.prog.errStream)
	for _, name := range env.Outputs {
		if pl.prog.streams[name] == nil {
			return nil, &sql.Error{Line: 1, Column: 1, Msg: fmt.Sprintf(
				"At line 1, column 1: An output reads the in-application stream %s, which the application code does not create", quote(name))}
		}
	}
	return pl.prog, nil
}

// schemaOf is the configuration as Validate reads it.
func schemaOf(env Env) *sql.Schema {
	s := &sql.Schema{Streams: map[string][]string{}, Tables: map[string][]string{}}
	for _, st := range env.Streams {
		names := make([]string, len(st.Columns))
		for i, c := range st.Columns {
			names[i] = c.Name
		}
		s.Streams[st.Name] = names
	}
	for _, t := range env.Tables {
		names := make([]string, len(t.Columns))
		for i, c := range t.Columns {
			names[i] = c.Name
		}
		s.Tables[t.Name] = names
	}
	return s
}

// sources creates the source streams, the reference tables and
// error_stream.
func (pl *planner) sources() error {
	p := pl.prog
	for _, st := range pl.env.Streams {
		if p.streams[st.Name] != nil {
			return fmt.Errorf("exec: source stream %s is configured twice", st.Name)
		}
		cols := append(append([]Column(nil), st.Columns...), st.System...)
		for _, c := range cols {
			if !c.Type.IsColumnType() {
				return fmt.Errorf("exec: column %s of source stream %s has type %s, which no column can have", c.Name, st.Name, c.Type)
			}
		}
		s := newStreamNode(st.Name, cols, len(st.Columns))
		s.source = true
		p.streams[st.Name] = s
		p.streamList = append(p.streamList, s)
	}
	for i := range pl.env.Tables {
		t := pl.env.Tables[i]
		// The rows are converted to the columns' types once, into a copy:
		// the executor relies on a value's kind being its column's.
		for _, c := range t.Columns {
			if !c.Type.IsColumnType() {
				return fmt.Errorf("exec: column %s of reference table %s has type %s, which no column can have", c.Name, t.Name, c.Type)
			}
		}
		rows := make([][]value.Value, len(t.Rows))
		for j, row := range t.Rows {
			if len(row) != len(t.Columns) {
				return fmt.Errorf("exec: row %d of reference table %s has %d values; the table has %d columns", j+1, t.Name, len(row), len(t.Columns))
			}
			rows[j] = make([]value.Value, len(row))
			for k, v := range row {
				if v.Kind() != value.KindNull && v.Kind() != t.Columns[k].Type.Kind {
					c, err := value.Cast(v, t.Columns[k].Type)
					if err != nil {
						return fmt.Errorf("exec: row %d of reference table %s: column %s: %w", j+1, t.Name, t.Columns[k].Name, err)
					}
					v = c
				}
				rows[j][k] = v
			}
		}
		t.Rows = rows
		pl.tables[t.Name] = &t
	}
	errCols := ErrorStreamColumns()
	p.errStream = newStreamNode(sql.ErrorStream, errCols, len(errCols))
	p.streams[sql.ErrorStream] = p.errStream
	return nil
}

func (pl *planner) createStream(cs *sql.CreateStream) error {
	name := cs.Name.Last()
	cols := make([]Column, len(cs.Columns))
	for i, c := range cs.Columns {
		t, err := value.ParseType(c.Type.String())
		if err != nil {
			return errAt(c.Type.Pos, "%v", err)
		}
		if !t.IsColumnType() {
			return errAt(c.Type.Pos, "Type %s cannot be the type of a column", t)
		}
		cols[i] = Column{Name: c.Name.Name, Type: t}
	}
	s := newStreamNode(name, cols, len(cols))
	for i, c := range cs.Columns {
		s.notNull[i] = c.NotNull
	}
	pl.prog.streams[name] = s
	pl.prog.streamList = append(pl.prog.streamList, s)
	return nil
}

// createPump plans a pump's query and connects it to its target stream.
func (pl *planner) createPump(cp *sql.CreatePump) error {
	name := cp.Name.Last()
	ins := cp.Insert
	target := pl.prog.streams[ins.Target.Last()]
	pl.pump = name
	defer func() { pl.pump = "" }()
	q, err := pl.query(ins.Query, &queryCtx{})
	if err != nil {
		return err
	}
	if !q.streaming {
		return errAt(ins.Query.Position(), "The query of pump %s reads no stream: a pump inserts the rows of a streaming query", quote(name))
	}
	st := &insertStage{stage: stage{p: pl.prog, pump: name, names: q.names()}, target: target, rowtime: -1}
	// Which query column fills which target column.
	st.from = make([]int, len(target.cols))
	for i := range st.from {
		st.from[i] = -1
	}
	if len(ins.Columns) == 0 {
		if len(q.cols) != len(target.cols) {
			return errAt(ins.Query.Position(), "Number of INSERT target columns (%d) does not equal number of source items (%d)", len(target.cols), len(q.cols))
		}
		for i := range target.cols {
			st.from[i] = q.cols[i].slot
		}
	} else {
		if len(q.cols) != len(ins.Columns) {
			return errAt(ins.Query.Position(), "Number of INSERT target columns (%d) does not equal number of source items (%d)", len(ins.Columns), len(q.cols))
		}
		for j, c := range ins.Columns {
			if c.Name == "ROWTIME" {
				qc := q.cols[j]
				if qc.fields != nil || !qc.typ.Kind.IsDatetime() && qc.typ.Kind != value.KindNull {
					return errAt(q.itemPos(j, ins.Query), "ROWTIME must be a TIMESTAMP, not %s", qc.typ)
				}
				st.rowtime = qc.slot
				continue
			}
			idx := -1
			for i, tc := range target.cols {
				if tc.Name == c.Name {
					idx = i
				}
			}
			if idx < 0 {
				return errAt(c.Pos, "Unknown target column %s in stream %s", quote(c.Name), quote(target.name))
			}
			st.from[idx] = q.cols[j].slot
		}
	}
	st.cast = make([]bool, len(target.cols))
	direct := len(ins.Columns) == 0
	for i, tc := range target.cols {
		src := st.from[i]
		if src < 0 {
			continue
		}
		qc := q.colAt(src)
		if qc.fields != nil {
			return errAt(q.itemPos(q.colIndex(src), ins.Query), "Cannot assign to target field %s of type %s from source field %s, a row; name its fields", quote(tc.Name), tc.Type, quote(qc.name))
		}
		if !assignable(qc.typ, tc.Type) {
			return errAt(q.itemPos(q.colIndex(src), ins.Query), "Cannot assign to target field %s of type %s from source field %s of type %s",
				quote(tc.Name), tc.Type, quote(qc.name), qc.typ)
		}
		st.cast[i] = qc.typ != tc.Type && qc.typ.Kind != value.KindNull
		if st.cast[i] || target.notNull[i] {
			direct = false
		}
	}
	st.direct = direct && st.rowtime < 0 && q.width == len(target.cols)
	q.out.next = st
	pl.reads[name] = append(pl.reads[name], q.reads...)
	if cp.State == sql.PumpStopped {
		q.out.next = nil // declared STOPPED: planned and checked, but it inserts nothing
	}
	return pl.checkCycle(name, ins.Target.Last(), cp)
}

// checkCycle refuses a pump that writes a stream its own rows come from,
// directly or through other pumps: rows would feed themselves forever.
// A pump reading stream S and writing T is an edge S -> T; the new pump
// closes a cycle when its target reaches a stream it reads.
func (pl *planner) checkCycle(pump, target string, cp *sql.CreatePump) error {
	pl.writes[pump] = target
	edges := map[string][]string{}
	for p, rs := range pl.reads {
		for _, r := range rs {
			edges[r] = append(edges[r], pl.writes[p])
		}
	}
	for _, r := range pl.reads[pump] {
		if path, ok := findPath(edges, target, r); ok {
			return errAt(cp.Insert.Target.Position(), "Pump %s would feed stream %s with its own rows (%s -> %s): a pump cannot read what it writes",
				quote(pump), quote(target), r, strings.Join(path, " -> "))
		}
	}
	return nil
}

// findPath finds a path of edges from one stream to another.
func findPath(edges map[string][]string, from, to string) ([]string, bool) {
	seen := map[string]bool{}
	var walk func(at string, path []string) ([]string, bool)
	walk = func(at string, path []string) ([]string, bool) {
		path = append(path, at)
		if at == to {
			return path, true
		}
		if seen[at] {
			return nil, false
		}
		seen[at] = true
		for _, n := range edges[at] {
			if p, ok := walk(n, path); ok {
				return p, true
			}
		}
		return nil, false
	}
	return walk(from, nil)
}
