package sql

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Schema is what the application's configuration says about the relations
// its code reads: the source in-application streams of its input
// (NamePrefix_001, _002, ... with InputParallelism) and the in-application
// reference tables of its reference data sources, each with its column
// names as configured (exact case, in order). A nil *Schema means the
// configuration is unknown: the checks that need it are skipped, and names
// the code does not declare are taken to be source streams.
//
// Every source stream also has, besides its configured columns, ROWTIME and
// the columns KDA adds (SystemColumns); they can be named but * does not
// expand to them, so an INSERT fed by * over an input is not counted.
type Schema struct {
	Streams map[string][]string
	Tables  map[string][]string
}

// systemColumns are the columns KDA adds to a source stream: the record's
// arrival time and, for a Kinesis data stream, its partition key, sequence
// number and shard.
var systemColumns = []string{"APPROXIMATE_ARRIVAL_TIME", "PARTITION_KEY", "SEQUENCE_NUMBER", "SHARD_ID"}

// SystemColumns returns the columns KDA adds to every source stream besides
// ROWTIME (APPROXIMATE_ARRIVAL_TIME, PARTITION_KEY, SEQUENCE_NUMBER,
// SHARD_ID): code may name them, * does not expand to them.
func SystemColumns() []string { return slices.Clone(systemColumns) }

// ErrorStream is the in-application stream where KDA puts the rows it
// could not process; code can read it but not create or insert into it.
const ErrorStream = "error_stream"

// errorStreamColumns are the columns of the error stream.
var errorStreamColumns = []string{"ERROR_TIME", "ERROR_LEVEL", "ERROR_NAME", "MESSAGE", "DATA_ROWTIME", "DATA_ROW", "PUMP_NAME"}

// Validate checks what can be checked of parsed code before it runs, and
// returns the first problem in source order as an *Error, or nil. It checks:
//
//   - names: no stream, pump or (same-arity) function defined twice; no
//     stream named like an input, a reference table or the error stream; no
//     column declared twice or named ROWTIME; type parameters as each type
//     takes them;
//   - pumps: the target is a stream the code created before the pump; the
//     INSERT's column list names the target's columns, once each; the
//     query gives as many columns as are inserted into; the query reads a
//     stream;
//   - queries: every stream or table read exists (created earlier, or an
//     input or reference table of the schema), every column named exists
//     and is not ambiguous, * and t.* expand to something; window names are
//     defined (in the query or an enclosing one) and once; windows end at
//     the current row with sizes KDA allows; aggregates are not nested and
//     not in WHERE, GROUP BY, ON or PARTITION BY; an aggregating query
//     groups every other column it shows; a streaming GROUP BY has a
//     monotonic expression (one on ROWTIME, as STEP(s.ROWTIME BY ...) or
//     FLOOR(s.ROWTIME TO MINUTE)), as do a streaming ORDER BY (first) and
//     SELECT DISTINCT; WINDOWED BY is not combined with GROUP BY and has an
//     interval; only UNION ALL combines streams, with as many columns on
//     each side; two streams are joined over a window; CURSOR is only a
//     table function's argument;
//   - literals: interval, date, time and timestamp strings have the format
//     of their type.
//
// Without a schema the names the code does not create are taken to be
// inputs with unknown columns, so only the checks on the code's own
// streams remain. What needs the executor's catalog (function names and
// their argument types, type compatibility, the columns a table function
// returns) is the planner's to check.
func Validate(app *Application, schema *Schema) error {
	if errs := ValidateAll(app, schema); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// ValidateAll returns every problem Validate finds, in source order.
func ValidateAll(app *Application, schema *Schema) []*Error {
	v := &validator{
		schema:     schema,
		streams:    map[string]*CreateStream{},
		pumps:      map[string]*CreatePump{},
		funcs:      map[string][]*CreateFunction{},
		allStreams: map[string]*CreateStream{},
	}
	for _, cs := range app.Streams() {
		if name := cs.Name.Last(); v.allStreams[name] == nil {
			v.allStreams[name] = cs
		}
	}
	for _, st := range app.Statements {
		switch st := st.(type) {
		case *CreateStream:
			v.createStream(st)
		case *CreatePump:
			v.createPump(st)
		case *CreateFunction:
			v.createFunction(st)
		}
	}
	return v.sorted()
}

// validator holds what the statements declared so far (in code order: a
// pump sees the streams created before it).
type validator struct {
	schema  *Schema
	streams map[string]*CreateStream
	pumps   map[string]*CreatePump
	funcs   map[string][]*CreateFunction
	errs    []*Error
	// allStreams is every stream the code creates, to tell "created later"
	// from "not found".
	allStreams map[string]*CreateStream
}

func (v *validator) errorf(p Pos, format string, args ...any) {
	v.errs = append(v.errs, newError(p, fmt.Sprintf("At %s: %s", p, fmt.Sprintf(format, args...))))
}

// sorted returns the errors in source order, without repeats.
func (v *validator) sorted() []*Error {
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].Offset < v.errs[j].Offset })
	var out []*Error
	for i, e := range v.errs {
		if i > 0 && e.Msg == v.errs[i-1].Msg {
			continue
		}
		out = append(out, e)
	}
	return out
}

// quote renders a name for a message, as the validator did: 'NAME'.
func quote(name string) string { return "'" + name + "'" }

// unqualified returns the name of a stream or pump, reporting a schema
// qualifier: KDA applications have one schema, named by nothing.
func (v *validator) unqualified(n ObjectName) (string, bool) {
	if len(n.Parts) > 1 {
		v.errorf(n.Position(), "Object %s not found: an application's objects are named without a schema", quote(n.String()))
		return "", false
	}
	return n.Last(), true
}

func (v *validator) isInput(name string) bool {
	if v.schema == nil {
		return false
	}
	_, ok := v.schema.Streams[name]
	return ok
}

func (v *validator) isTable(name string) bool {
	if v.schema == nil {
		return false
	}
	_, ok := v.schema.Tables[name]
	return ok
}

func (v *validator) createStream(cs *CreateStream) {
	name, ok := v.unqualified(cs.Name)
	if ok {
		switch {
		case v.streams[name] != nil:
			v.errorf(cs.Name.Position(), "Stream %s is already created at %s", quote(name), v.streams[name].Name.Position())
		case name == ErrorStream:
			v.errorf(cs.Name.Position(), "Stream %s is the application's error stream; KDA creates it", quote(name))
		case v.isInput(name):
			v.errorf(cs.Name.Position(), "Stream %s is an input of the application; name the new stream otherwise", quote(name))
		case v.isTable(name):
			v.errorf(cs.Name.Position(), "%s is a reference table of the application; name the stream otherwise", quote(name))
		default:
			v.streams[name] = cs
		}
	}
	seen := map[string]bool{}
	for _, c := range cs.Columns {
		switch {
		case c.Name.Name == "ROWTIME":
			v.errorf(c.Pos, "Column 'ROWTIME' cannot be declared: every stream has it")
		case seen[c.Name.Name]:
			v.errorf(c.Pos, "Duplicate column name %s in stream %s", quote(c.Name.Name), quote(name))
		}
		seen[c.Name.Name] = true
		v.typeName(c.Type)
	}
}

func (v *validator) createPump(cp *CreatePump) {
	name, ok := v.unqualified(cp.Name)
	if ok {
		if prev := v.pumps[name]; prev != nil {
			v.errorf(cp.Name.Position(), "Pump %s is already created at %s", quote(name), prev.Name.Position())
		} else {
			v.pumps[name] = cp
		}
	}
	v.insert(cp.Insert, name)
}

func (v *validator) createFunction(cf *CreateFunction) {
	name, ok := v.unqualified(cf.Name)
	if ok {
		for _, prev := range v.funcs[name] {
			if len(prev.Params) == len(cf.Params) {
				v.errorf(cf.Name.Position(), "Function %s with %d parameters is already created at %s", quote(name), len(cf.Params), prev.Name.Position())
				ok = false
			}
		}
	}
	params := &relation{streaming: false}
	seen := map[string]bool{}
	for _, prm := range cf.Params {
		if seen[prm.Name.Name] {
			v.errorf(prm.Name.Pos, "Duplicate parameter name %s in function %s", quote(prm.Name.Name), quote(name))
		}
		seen[prm.Name.Name] = true
		params.columns = append(params.columns, prm.Name.Name)
		v.typeName(prm.Type)
	}
	v.typeName(cf.Returns)
	v.expr(cf.Body, &scope{rels: []*relation{params}}, clauseFunction)
	if ok {
		v.funcs[name] = append(v.funcs[name], cf)
	}
}

// insert checks a pump's INSERT: its target, its column list, and the
// query against them.
func (v *validator) insert(ins *Insert, pump string) {
	target, ok := v.unqualified(ins.Target)
	var stream *CreateStream
	if ok {
		stream = v.streams[target]
		switch {
		case stream != nil:
		case target == ErrorStream:
			v.errorf(ins.Target.Position(), "Cannot insert into the error stream %s: KDA writes it", quote(target))
		case v.isInput(target):
			v.errorf(ins.Target.Position(), "Cannot insert into %s: it is an input of the application; insert into a stream the code creates", quote(target))
		case v.isTable(target):
			v.errorf(ins.Target.Position(), "Cannot insert into %s: it is a reference table; insert into a stream the code creates", quote(target))
		case v.createdLater(target) != nil:
			v.errorf(ins.Target.Position(), "Stream %s is created at %s, after this pump; create it first", quote(target), v.createdLater(target).Name.Position())
		default:
			v.errorf(ins.Target.Position(), "Stream %s not found: create it with CREATE OR REPLACE STREAM before the pump", quote(target))
		}
	}
	if stream != nil {
		declared := map[string]bool{"ROWTIME": true}
		for _, c := range stream.Columns {
			declared[c.Name.Name] = true
		}
		seen := map[string]bool{}
		for _, c := range ins.Columns {
			switch {
			case !declared[c.Name]:
				v.errorf(c.Pos, "Unknown target column %s in stream %s", quote(c.Name), quote(target))
			case seen[c.Name]:
				v.errorf(c.Pos, "Target column %s is assigned more than once", quote(c.Name))
			}
			seen[c.Name] = true
		}
	}
	out := v.query(ins.Query, nil)
	if out.known {
		want, got := len(ins.Columns), len(out.columns)
		if want == 0 && stream != nil {
			want, got = len(stream.Columns), len(out.columns)-out.rowtimes
		}
		if want > 0 && want != got {
			v.errorf(ins.Query.Position(), "Number of INSERT target columns (%d) does not equal number of source items (%d)", want, got)
		}
	}
	if !out.streaming {
		v.errorf(ins.Query.Position(), "The query of pump %s reads no stream: a pump inserts the rows of a streaming query", quote(pump))
	}
}

// createdLater returns the CREATE STREAM of name when it comes after the
// statement being checked, and nil otherwise.
func (v *validator) createdLater(name string) *CreateStream {
	if v.streams[name] != nil {
		return nil
	}
	return v.allStreams[name]
}

// typeParams says how many parameters each type takes at most.
var typeParams = map[string]int{
	"CHAR": 1, "CHARACTER": 1, "CHAR VARYING": 1, "CHARACTER VARYING": 1, "VARCHAR": 1,
	"BINARY": 1, "BINARY VARYING": 1, "VARBINARY": 1,
	"DECIMAL": 2, "DEC": 2, "NUMERIC": 2, "TIME": 1, "TIMESTAMP": 1,
}

// typeName checks the number of a type's parameters; their ranges are the
// value package's to check when the type is resolved.
func (v *validator) typeName(t TypeName) {
	if max := typeParams[t.Name]; len(t.Params) > max {
		switch max {
		case 0:
			v.errorf(t.Pos, "Type %s takes no parameters: %s", t.Name, t)
		default:
			v.errorf(t.Pos, "Type %s takes at most %d parameter%s: %s", t.Name, max, plural(max), t)
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// names joins names for a message: 'A', 'B'.
func names(ns []string) string {
	q := make([]string, len(ns))
	for i, n := range ns {
		q[i] = quote(n)
	}
	return strings.Join(q, ", ")
}
