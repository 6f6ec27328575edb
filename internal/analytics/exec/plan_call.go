package exec

import (
	"errors"
	"strings"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// callArg is an argument as a function's binding sees it at plan time: its
// type, and its value when constant (a pattern, a format, a unit).
type callArg struct {
	typ     value.Type
	isConst bool
	val     value.Value
}

// boundCall is a function call bound at plan time: its result type and its
// evaluator. A row-valued call has fields and evalRow instead.
type boundCall struct {
	typ           value.Type
	fields        []column
	eval          func(args []value.Value) (value.Value, error)
	evalRow       func(dst, args []value.Value) ([]value.Value, error)
	deterministic bool
}

// catalog binds calls of the scalar functions: by name (NAME(args), or a
// niladic NAME), or, with special, the function behind a syntax of its own
// ("||", "LIKE", "TRIM", "EXTRACT", "FLOOR TO", "STEP", ...).
type catalog interface {
	bind(name string, special bool, args []callArg) (*boundCall, error)
}

// errNoFunction is what a catalog returns for a name it does not have.
var errNoFunction = errors.New("no such function")

// argError is a catalog's complaint about one argument (1-based; 0 for the
// call as a whole), placed at that argument in the message.
type argError struct {
	arg int
	msg string
}

func (e *argError) Error() string { return e.msg }

// analytic names the functions that take a window (OVER) besides the
// aggregates: the reference's streaming SQL functions (LEAD is named to
// say why it cannot run).
var analytic = map[string]bool{"LAG": true, "LEAD": true, "NTH_VALUE": true, "FIRST_VALUE": true, "LAST_VALUE": true}

// call compiles a function call that no stage claimed: a scalar function of
// the catalogue, a function the code created, or a clock function.
func (pl *planner) call(e *sql.FuncCall, env *exprEnv) (*cexpr, error) {
	if len(e.Name.Parts) > 1 {
		return nil, errAt(e.Pos, "No match found for function signature %s: functions are named without a schema", e.Name.String())
	}
	name := e.Name.Parts[0].Name
	switch {
	case e.Over != nil:
		return nil, errAt(e.Pos, "Windowed aggregate expression is illegal in %s", env.clause())
	case sql.IsAggregate(name) && !pl.hasUDF(name):
		return nil, errAt(e.Pos, "Aggregate expression is illegal in %s", env.clause())
	case analytic[name]:
		return nil, errAt(e.Pos, "%s needs a window: %s(...) OVER w", name, name)
	case e.Star:
		return nil, errAt(e.Pos, "Only COUNT takes * as its argument: %s(*)", name)
	}
	if c, ok := clockFunction(name, e); ok {
		return c, nil
	}
	if pl.defining[name] {
		return nil, errAt(e.Pos, "Function %s cannot call itself", quote(name))
	}
	args := make([]*cexpr, len(e.Args))
	for i, a := range e.Args {
		c, err := pl.expr(a, env)
		if err != nil {
			return nil, err
		}
		args[i] = c
	}
	if name == "MONOTONIC" && len(args) == 1 {
		return args[0], nil // an assertion for the planner; the value is its argument's
	}
	if defs := pl.udfs[name]; len(defs) > 0 {
		for _, d := range defs {
			if len(d.def.Params) == len(args) {
				return pl.callUDF(d, e, args)
			}
		}
		return nil, errAt(e.Pos, "No match found for function signature %s with %d argument%s", name, len(args), plural(len(args)))
	}
	return pl.bindCall(name, false, e.Pos, e.Args, args)
}

// clause names where an expression stands, for messages.
func (env *exprEnv) clause() string {
	if env.what == "" {
		return "this clause"
	}
	return env.what
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// special compiles the function behind a special syntax.
func (pl *planner) special(name string, pos sql.Pos, args []*cexpr) (*cexpr, error) {
	return pl.bindCall(name, true, pos, nil, args)
}

// bindCall binds a catalogue function to compiled arguments. argPos, when
// given, places an argument's error at that argument.
func (pl *planner) bindCall(name string, special bool, pos sql.Pos, argNodes []sql.Expr, args []*cexpr) (*cexpr, error) {
	cargs := make([]callArg, len(args))
	for i, a := range args {
		cargs[i] = callArg{typ: a.typ, isConst: a.isConst, val: a.val}
	}
	b, err := pl.cat.bind(name, special, cargs)
	if err != nil {
		var ae *argError
		switch {
		case errors.Is(err, errNoFunction):
			return nil, errAt(pos, "No match found for function signature %s", name)
		case errors.As(err, &ae) && ae.arg > 0 && ae.arg <= len(argNodes):
			return nil, errAt(argNodes[ae.arg-1].Position(), "%s", ae.msg)
		}
		return nil, errAt(pos, "%v", err)
	}
	buf := make([]value.Value, len(args))
	if b.fields != nil {
		c := derived(value.Type{}, nil, args...)
		c.fields = b.fields
		evalRow := b.evalRow
		c.rowFn = func(c *evalCtx, dst []value.Value) ([]value.Value, error) {
			for i, a := range args {
				v, err := a.fn(c)
				if err != nil {
					return dst, err
				}
				buf[i] = v
			}
			return evalRow(dst, buf)
		}
		return c, nil
	}
	eval := b.eval
	c := derived(b.typ, nil, args...)
	c.volatile = c.volatile || !b.deterministic
	switch len(args) {
	case 0:
		c.fn = func(*evalCtx) (value.Value, error) { return eval(nil) }
	case 1:
		a0 := args[0].fn
		c.fn = func(c *evalCtx) (value.Value, error) {
			v, err := a0(c)
			if err != nil {
				return v, err
			}
			buf[0] = v
			return eval(buf)
		}
	default:
		c.fn = func(c *evalCtx) (value.Value, error) {
			for i, a := range args {
				v, err := a.fn(c)
				if err != nil {
					return v, err
				}
				buf[i] = v
			}
			return eval(buf)
		}
	}
	return c, nil
}

// clockFunction compiles the functions of the clock, which the executor
// owns: CURRENT_ROW_TIMESTAMP is the time of the row being computed (the
// row's ROWTIME as it enters, a window's end as the window emits); the
// others are the time the application started, for every row, as SQL
// defines them and KDA ran them.
func clockFunction(name string, e *sql.FuncCall) (*cexpr, bool) {
	if len(e.Args) > 0 {
		return nil, false
	}
	ts := value.Simple(value.KindTimestamp)
	switch name {
	case "CURRENT_ROW_TIMESTAMP":
		return &cexpr{typ: ts, volatile: true, fn: func(c *evalCtx) (value.Value, error) {
			return value.NewTimestamp(c.p.now), nil
		}}, true
	case "CURRENT_TIMESTAMP", "LOCALTIMESTAMP":
		return &cexpr{typ: ts, volatile: true, fn: func(c *evalCtx) (value.Value, error) {
			return value.NewTimestamp(c.p.start), nil
		}}, true
	case "CURRENT_DATE":
		return &cexpr{typ: value.Simple(value.KindDate), volatile: true, fn: func(c *evalCtx) (value.Value, error) {
			return value.NewDate(value.FloorDiv(c.p.start, msPerDay)), nil
		}}, true
	case "CURRENT_TIME", "LOCALTIME":
		return &cexpr{typ: value.Simple(value.KindTime), volatile: true, fn: func(c *evalCtx) (value.Value, error) {
			return value.NewTime(value.FloorMod(c.p.start, msPerDay)), nil
		}}, true
	}
	return nil, false
}

const msPerDay = 24 * 60 * 60 * 1000

func (pl *planner) likeExpr(e *sql.LikeExpr, env *exprEnv) (*cexpr, error) {
	args := []sql.Expr{e.X, e.Pattern}
	if e.Escape != nil {
		args = append(args, e.Escape)
	}
	cs := make([]*cexpr, len(args))
	for i, a := range args {
		c, err := pl.expr(a, env)
		if err != nil {
			return nil, err
		}
		cs[i] = c
	}
	name := "LIKE"
	if e.Similar {
		name = "SIMILAR TO"
	}
	c, err := pl.bindCall(name, true, e.Pos, args, cs)
	if err != nil || !e.Not {
		return c, err
	}
	f := c.fn
	return derived(booleanType, func(c *evalCtx) (value.Value, error) {
		v, err := f(c)
		if err != nil || v.IsNull() {
			return v, err
		}
		return boolOf(!v.Bool()), nil
	}, c), nil
}

func (pl *planner) trimExpr(e *sql.TrimExpr, env *exprEnv) (*cexpr, error) {
	side := string(e.Side)
	if side == "" {
		side = string(sql.TrimBoth)
	}
	chars := constExpr(value.NewChar(" "), value.Char(1))
	if e.Chars != nil {
		c, err := pl.expr(e.Chars, env)
		if err != nil {
			return nil, err
		}
		chars = c
	}
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	nodes := []sql.Expr{e, e.Chars, e.X}
	if e.Chars == nil {
		nodes[1] = e
	}
	return pl.bindCall("TRIM", true, e.Pos, nodes, []*cexpr{constExpr(value.NewVarchar(side), value.Varchar(8)), chars, x})
}

func (pl *planner) extractExpr(e *sql.ExtractExpr, env *exprEnv) (*cexpr, error) {
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	unit := constExpr(value.NewVarchar(string(e.Unit)), value.Varchar(6))
	return pl.bindCall("EXTRACT", true, e.Pos, []sql.Expr{e, e.X}, []*cexpr{unit, x})
}

func (pl *planner) floorExpr(e *sql.FloorExpr, env *exprEnv) (*cexpr, error) {
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	name := "FLOOR TO"
	if e.Ceil {
		name = "CEIL TO"
	}
	unit := constExpr(value.NewVarchar(string(e.Unit)), value.Varchar(6))
	return pl.bindCall(name, true, e.Pos, []sql.Expr{e.X, e}, []*cexpr{x, unit})
}

func (pl *planner) stepExpr(e *sql.StepExpr, env *exprEnv) (*cexpr, error) {
	x, err := pl.expr(e.X, env)
	if err != nil {
		return nil, err
	}
	w, err := pl.expr(e.Width, env)
	if err != nil {
		return nil, err
	}
	return pl.bindCall("STEP", true, e.Pos, []sql.Expr{e.X, e.Width}, []*cexpr{x, w})
}

// udf is a function the code created, compiled per call.
type udf struct {
	def    *sql.CreateFunction
	params []value.Type
	ret    value.Type
	strict bool // RETURNS NULL ON NULL INPUT
}

func (pl *planner) hasUDF(name string) bool { return len(pl.udfs[name]) > 0 }

// createFunction checks a CREATE FUNCTION and keeps it for its calls.
func (pl *planner) createFunction(cf *sql.CreateFunction) error {
	name := cf.Name.Last()
	d := &udf{def: cf}
	for _, p := range cf.Params {
		t, err := value.ParseType(p.Type.String())
		if err != nil {
			return errAt(p.Type.Pos, "%v", err)
		}
		d.params = append(d.params, t)
	}
	t, err := value.ParseType(cf.Returns.String())
	if err != nil {
		return errAt(cf.Returns.Pos, "%v", err)
	}
	d.ret = t
	for _, c := range cf.Characteristics {
		if strings.EqualFold(c, "RETURNS NULL ON NULL INPUT") {
			d.strict = true
		}
	}
	// Compile the body once with typed parameters, to report its errors
	// where it is defined (each call compiles it again over its arguments).
	params := map[string]*cexpr{}
	for i, p := range cf.Params {
		params[p.Name.Name] = &cexpr{typ: d.params[i], cols: true, fn: func(*evalCtx) (value.Value, error) { return value.Value{}, nil }}
	}
	pl.defining[name] = true
	body, err := pl.expr(cf.Body, &exprEnv{params: params, what: "function body"})
	delete(pl.defining, name)
	if err != nil {
		return err
	}
	if !assignable(body.typ, t) && !value.CanCast(body.typ, t) {
		return errAt(cf.Body.Position(), "Function %s returns %s, but its body is of type %s", quote(name), t, body.typ)
	}
	pl.udfs[name] = append(pl.udfs[name], d)
	return nil
}

// callUDF compiles a call of a function the code created: its arguments
// are computed once per row into the call's own frame, which the body
// reads; the result is cast to the declared type.
func (pl *planner) callUDF(d *udf, e *sql.FuncCall, args []*cexpr) (*cexpr, error) {
	name := d.def.Name.Last()
	if pl.defining[name] {
		return nil, errAt(e.Pos, "Function %s cannot call itself", quote(name))
	}
	frame := make([]value.Value, len(args))
	params := map[string]*cexpr{}
	for i, p := range d.def.Params {
		if !assignable(args[i].typ, d.params[i]) {
			return nil, errAt(e.Args[i].Position(), "Argument %d of %s must be of type %s, not %s", i+1, name, d.params[i], args[i].typ)
		}
		i := i
		params[p.Name.Name] = &cexpr{typ: d.params[i], cols: true, fn: func(*evalCtx) (value.Value, error) { return frame[i], nil }}
	}
	pl.defining[name] = true
	body, err := pl.expr(d.def.Body, &exprEnv{params: params, what: "function body"})
	delete(pl.defining, name)
	if err != nil {
		return nil, err
	}
	body = coerce(body, d.ret)
	casts := make([]*cexpr, len(args))
	for i, a := range args {
		casts[i] = coerce(a, d.params[i])
	}
	bf, strict := body.fn, d.strict
	c := derived(d.ret, func(c *evalCtx) (value.Value, error) {
		for i, a := range casts {
			v, err := a.fn(c)
			if err != nil {
				return v, err
			}
			if strict && v.IsNull() {
				return value.Value{}, nil
			}
			frame[i] = v
		}
		return bf(c)
	}, args...)
	c.volatile = c.volatile || body.volatile
	return c, nil
}
