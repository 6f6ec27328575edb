package exec

import (
	"errors"
	"fmt"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// TableFunc is a function over a cursor of rows that emits rows, called as
// TABLE(fn(CURSOR(SELECT STREAM ...), arg, ...)): TOP_K_ITEMS_TUMBLING,
// COUNT_DISTINCT_ITEMS_TUMBLING, HOTSPOTS, RANDOM_CUT_FOREST and the like.
// Env.TableFuncs lends them to the planner by name.
type TableFunc interface {
	// Bind checks a call when the application is compiled: the columns of
	// its cursor (the query inside CURSOR, in order) and its other
	// arguments, which are constants (NULL for an omitted optional one is
	// the function's business). It returns the columns of the rows it
	// emits and the instance that will run the call. An *ArgError places
	// the complaint at one argument.
	Bind(input []Column, args []value.Value) (TableFuncInstance, []Column, error)
}

// TableFuncInstance runs one call of a table function. The executor calls
// it from one goroutine, in time order: Row for each row of the cursor,
// Advance when time passes. emit hands it an output row, which the
// executor copies: its Values are the output columns, and its Time must not
// go back and must not be ahead of the call's time (the row's, or now); a
// row that breaks this goes to error_stream.
type TableFuncInstance interface {
	// Row takes the next row of the cursor.
	Row(r Row, emit func(Row)) error
	// Advance tells the instance that no row earlier than now will come:
	// a tumbling function emits the windows that ended at or before now.
	Advance(now int64, emit func(Row)) error
	// Next is when the instance next wants Advance called (the end of its
	// open window), if ever.
	Next() (int64, bool)
	// Held is the earliest ROWTIME of the input rows whose effect on later
	// output it keeps (a window's first row, a model's training rows), for
	// LowWatermark; false when it keeps nothing that a replay from its
	// next row would not rebuild.
	Held() (int64, bool)
}

// ArgError is a table function's complaint about one argument at Bind:
// Arg is 1-based, counting the cursor.
type ArgError struct {
	Arg int
	Msg string
}

func (e *ArgError) Error() string { return e.Msg }

// tableFunction plans TABLE(fn(CURSOR(...), ...)).
func (pl *planner) tableFunction(f *sql.TableFunctionRef, windows map[string]*sql.WindowSpec) (*fromPlan, error) {
	call := f.Call
	name := call.Name.Last()
	fn := pl.env.TableFuncs[name]
	if fn == nil || len(call.Name.Parts) > 1 {
		return nil, errAt(call.Pos, "No match found for table function %s", call.Name.String())
	}
	var cursor *qplan
	var curPos int
	var args []value.Value
	for i, a := range call.Args {
		if cur, ok := a.(*sql.CursorExpr); ok {
			if cursor != nil {
				return nil, errAt(a.Position(), "%s takes one CURSOR", name)
			}
			q, err := pl.query(cur.Query, &queryCtx{windows: windows})
			if err != nil {
				return nil, err
			}
			if !q.streaming {
				return nil, errAt(a.Position(), "The CURSOR of %s must read a stream", name)
			}
			cursor, curPos = q, i
			continue
		}
		c, err := pl.expr(a, &exprEnv{what: "a table function's argument"})
		if err != nil {
			return nil, err
		}
		if !c.isConst {
			return nil, errAt(a.Position(), "Arguments of %s besides its CURSOR must be constants", name)
		}
		args = append(args, c.val)
	}
	if cursor == nil {
		return nil, errAt(call.Pos, "%s takes a CURSOR(SELECT STREAM ...) as an argument", name)
	}
	in := make([]Column, 0, len(cursor.cols))
	for _, c := range cursor.cols {
		if c.fields != nil {
			return nil, errAt(call.Args[curPos].Position(), "The CURSOR of %s cannot have a row-valued column (%s)", name, c.name)
		}
		in = append(in, Column{Name: c.name, Type: c.typ})
	}
	inst, outCols, err := fn.Bind(in, args)
	if err != nil {
		var ae *ArgError
		if errors.As(err, &ae) && ae.Arg >= 1 && ae.Arg <= len(call.Args) {
			return nil, errAt(call.Args[ae.Arg-1].Position(), "%s: %s", name, ae.Msg)
		}
		return nil, errAt(call.Pos, "%s: %v", name, err)
	}
	if inst == nil {
		return nil, errAt(call.Pos, "%s: the function returned no instance", name)
	}
	st := &tableFuncStage{stage: stage{p: pl.prog, pump: pl.pump, names: cursor.names()}, fn: inst, name: name, width: len(outCols)}
	for _, c := range outCols {
		if !c.Type.IsColumnType() {
			return nil, errAt(call.Pos, "%s: its output column %s has type %s, which no column can have", name, c.Name, c.Type)
		}
		st.types = append(st.types, c.Type)
	}
	st.emit = st.emitRow
	cursor.out.next = st
	out := &outlet{}
	st.out = out
	pl.prog.timers = append(pl.prog.timers, st)
	pl.prog.states = append(pl.prog.states, st)
	rel := &relation{name: name, visible: len(outCols), timeSlot: -1, streaming: true}
	for i, c := range outCols {
		rel.cols = append(rel.cols, column{name: c.Name, typ: c.Type, slot: i})
	}
	if err := applyAlias(rel, f.Alias); err != nil {
		return nil, err
	}
	return &fromPlan{sc: &scope{rels: []*relation{rel}, width: len(outCols)}, out: out, streaming: true, reads: cursor.reads}, nil
}

// tableFuncStage runs a table function's instance between its cursor and
// the query that reads it.
type tableFuncStage struct {
	stage
	fn    TableFuncInstance
	name  string
	width int
	types []value.Type // of the output columns
	out   sink
	emit  func(Row)

	last   int64 // time of the last row out
	limit  int64 // rows out may not be later than this (the call's time)
	origin int64 // origin given to rows out
	ot     tuple
	vals   []value.Value
}

func (s *tableFuncStage) push(t *tuple) {
	s.limit, s.origin = t.time, t.origin
	if h, ok := s.fn.Held(); ok && h < s.origin {
		s.origin = h
	}
	if err := s.fn.Row(Row{Time: t.time, Values: t.vals}, s.emit); err != nil {
		s.fail(&condError{name: errNameTableFunc, state: "38000", msg: fmt.Sprintf("%s: %v", s.name, err)}, t)
	}
}

func (s *tableFuncStage) emitRow(r Row) {
	switch {
	case len(r.Values) != s.width:
		s.fail(&condError{name: errNameTableFunc, state: "38000",
			msg: fmt.Sprintf("%s emitted a row of %d values; it declared %d columns", s.name, len(r.Values), s.width)}, &tuple{time: r.Time, vals: r.Values})
		return
	case r.Time < s.last || r.Time > s.limit:
		s.fail(&condError{name: errNameOutOfOrder, state: "22000",
			msg: fmt.Sprintf("%s emitted a row at %s, outside %s to %s", s.name, fmtTime(r.Time), fmtTime(s.last), fmtTime(s.limit))}, &tuple{time: r.Time, vals: r.Values})
		return
	}
	s.vals = append(s.vals[:0], r.Values...)
	for i, v := range s.vals {
		if k := v.Kind(); k != value.KindNull && k != s.types[i].Kind {
			c, err := value.Cast(v, s.types[i])
			if err != nil {
				s.fail(&condError{name: errNameTableFunc, state: "38000",
					msg: fmt.Sprintf("%s emitted a value for its column %d that is not a %s: %v", s.name, i+1, s.types[i], err)}, &tuple{time: r.Time, vals: r.Values})
				return
			}
			s.vals[i] = c
		}
	}
	s.last = r.Time
	s.ot.time, s.ot.origin, s.ot.vals = r.Time, s.origin, s.vals
	s.out.push(&s.ot)
}

func (s *tableFuncStage) next() (deadline, bool) {
	at, ok := s.fn.Next()
	return deadline{at: at}, ok
}

func (s *tableFuncStage) fire(clock int64) {
	at, ok := s.fn.Next()
	if !ok {
		return
	}
	s.limit, s.origin = at, at
	if h, ok := s.fn.Held(); ok {
		s.origin = h
	}
	if err := s.fn.Advance(at, s.emit); err != nil {
		s.fail(&condError{name: errNameTableFunc, state: "38000", msg: fmt.Sprintf("%s: %v", s.name, err)}, &tuple{time: at, origin: s.origin})
	}
	if next, ok := s.fn.Next(); ok && next <= at {
		// An instance that does not move its deadline would be fired
		// forever; Advance(at) must consume what is due at at.
		s.fail(&condError{name: errNameTableFunc, state: "38000", msg: fmt.Sprintf("%s: Next still %s after Advance", s.name, fmtTime(next))}, &tuple{time: at})
		s.fn = stalled{s.fn}
	}
}

func (s *tableFuncStage) held() (int64, bool) { return s.fn.Held() }

// stalled wraps an instance whose Next did not move: it is not advanced
// again.
type stalled struct{ TableFuncInstance }

func (stalled) Next() (int64, bool) { return 0, false }
