package funcs

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"sluice/internal/analytics/value"
)

// Syntax is how SQL spells a call of a function.
type Syntax uint8

// The syntaxes.
const (
	// SyntaxCall is NAME(arg, ...); Lookup finds these.
	SyntaxCall Syntax = iota
	// SyntaxNiladic is NAME without parentheses (CURRENT_DATE,
	// CURRENT_ROW_TIMESTAMP); Lookup finds these too.
	SyntaxNiladic
	// SyntaxSpecial is a syntax of its own (TRIM(LEADING 'x' FROM s),
	// EXTRACT(HOUR FROM t), s LIKE p, a || b): the planner maps the AST node
	// to the function with Special; Lookup does not find it, so a query
	// cannot call it by name.
	SyntaxSpecial
)

// Arg is an argument as the planner knows it when it binds a call: its type
// and, when the argument is a constant expression (a literal, or an
// expression the planner folded), its value. Functions that compile
// something from an argument (a regular expression, a date pattern, a log
// format) do it once at Bind when that argument is constant.
type Arg struct {
	Type  value.Type
	Const bool
	Value value.Value // when Const
}

// TypeArg is a non-constant argument of type t.
func TypeArg(t value.Type) Arg { return Arg{Type: t} }

// ConstArg is a constant argument v, typed as v's narrowest type
// (value.TypeOf); use an Arg literal to give it its declared type instead.
func ConstArg(v value.Value) Arg { return Arg{Type: value.TypeOf(v), Const: true, Value: v} }

// Env is what a query gives the functions that need more than their
// arguments. The executor owns the clock: nothing here reads the system time.
type Env struct {
	// QueryStart is when the query started. CURRENT_DATE, CURRENT_TIME,
	// CURRENT_TIMESTAMP, LOCALTIME and LOCALTIMESTAMP return it for every row
	// (SQL's rule, and KDA's: "set to values at the time the query first
	// executes"); SimpleDateFormat patterns place two-digit years ('yy') in
	// the century around it, as Java does around the formatter's creation.
	QueryStart time.Time
	// Now is the time of the row being computed: CURRENT_ROW_TIMESTAMP
	// returns it ("a new timestamp for each row"). The executor sets it
	// from its injected clock, once per output row so that every
	// CURRENT_ROW_TIMESTAMP of one row agrees. Nil means QueryStart.
	Now func() time.Time
}

// Func describes one function of the catalogue. Use Bind at plan time to
// check a call's arguments and get a Call; the Call evaluates rows.
type Func struct {
	// Name is the function's name in upper case, as Lookup and Special find it.
	Name string
	// MinArgs and MaxArgs bound the number of arguments; MaxArgs < 0 means
	// no upper bound (COALESCE).
	MinArgs, MaxArgs int
	Syntax           Syntax
	// Deterministic reports that a call with the same arguments gives the
	// same result for the whole query, so the planner may fold a call whose
	// arguments are all constant. CURRENT_ROW_TIMESTAMP is the only one that
	// is not.
	Deterministic bool
	// UsesEnv reports that Bind needs a non-nil Env: the current-time
	// functions and the parsers of two-digit years.
	UsesEnv bool

	bind func(env *Env, args []Arg) (*Call, error)
}

// Call is a bound call: the result type decided at plan time and the
// evaluator the executor runs per row. A Call holds no per-row state and may
// be evaluated from several goroutines at once.
type Call struct {
	Func *Func
	// Type is the result type. For a row-valued call (the log parsers) it
	// is the zero Type and Row lists the fields.
	Type value.Type
	// Row is the fields of a row-valued result: the log-parsing functions
	// return a ROW whose fields a query reads as r.COLUMN1 or expands with
	// r.*; nil for scalar calls.
	Row []Field

	nargs   int // the arguments bound, which every row must bring
	eval    func(args []value.Value) (value.Value, error)
	evalRow func(dst, args []value.Value) ([]value.Value, error)
}

// Field is one field of a row-valued result.
type Field struct {
	Name string
	Type value.Type
}

// Eval computes the call on one row's argument values, in the order they
// were bound. Errors are *Error or *value.Error; the executor turns them into
// error_stream rows (see Describe).
func (c *Call) Eval(args []value.Value) (value.Value, error) {
	if c.eval == nil || len(args) != c.nargs {
		return value.Value{}, c.misuse(len(args))
	}
	return c.eval(args)
}

// misuse is the error for a call evaluated the wrong way: a bug in the
// caller, reported rather than a panic.
func (c *Call) misuse(n int) error {
	switch {
	case n != c.nargs:
		return fmt.Errorf("%s was bound with %d arguments and evaluated with %d", c.Func.Name, c.nargs, n)
	case c.eval == nil:
		return fmt.Errorf("%s returns a row: use EvalRow", c.Func.Name)
	}
	return fmt.Errorf("%s returns a scalar: use Eval", c.Func.Name)
}

// EvalRow computes a row-valued call, appending its fields (len(c.Row) of
// them) to dst. A NULL row (the input is NULL, or a log line the pattern does
// not match) appends len(c.Row) NULLs.
func (c *Call) EvalRow(dst, args []value.Value) ([]value.Value, error) {
	if c.evalRow == nil || len(args) != c.nargs {
		return dst, c.misuse(len(args))
	}
	return c.evalRow(dst, args)
}

// Bind checks a call's arguments at plan time and returns the bound call.
// Errors are *ArgError, which the API reports as CodeValidationException.
func (f *Func) Bind(env *Env, args []Arg) (*Call, error) {
	if len(args) < f.MinArgs || (f.MaxArgs >= 0 && len(args) > f.MaxArgs) {
		return nil, &ArgError{Func: f.Name, Msg: arityText(f, len(args))}
	}
	if f.UsesEnv && env == nil {
		return nil, &ArgError{Func: f.Name, Msg: "needs the query's environment (the executor binds it with an Env)"}
	}
	c, err := f.bind(env, args)
	if err != nil {
		return nil, err
	}
	c.Func = f
	c.nargs = len(args)
	return c, nil
}

// ResultType checks argument types alone (no constants) and returns the
// result type. Functions whose result depends on a constant argument (the
// log parsers, whose columns come from their pattern) need Bind.
func (f *Func) ResultType(args []value.Type) (value.Type, error) {
	as := make([]Arg, len(args))
	for i, t := range args {
		as[i] = Arg{Type: t}
	}
	c, err := f.Bind(&Env{}, as)
	if err != nil {
		return value.Type{}, err
	}
	if c.Row != nil {
		return value.Type{}, &ArgError{Func: f.Name, Msg: "returns a row; bind it to learn its fields"}
	}
	return c.Type, nil
}

func arityText(f *Func, n int) string {
	switch {
	case f.MaxArgs == f.MinArgs:
		return fmt.Sprintf("takes %d argument%s, not %d", f.MinArgs, plural(f.MinArgs), n)
	case f.MaxArgs < 0:
		return fmt.Sprintf("takes at least %d argument%s, not %d", f.MinArgs, plural(f.MinArgs), n)
	}
	return fmt.Sprintf("takes %d to %d arguments, not %d", f.MinArgs, f.MaxArgs, n)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Lookup finds a function called by name (NAME(args) or a niladic NAME);
// name must be upper case, as unquoted identifiers fold.
func Lookup(name string) (*Func, bool) {
	f, ok := byName[name]
	return f, ok
}

// Special finds the function behind a special syntax: "TRIM", "EXTRACT",
// "FLOOR TO", "CEIL TO", "STEP", "LIKE", "SIMILAR TO", "SUBSTRING SIMILAR"
// and "||". The package doc lists their argument conventions.
func Special(name string) (*Func, bool) {
	f, ok := specialByName[name]
	return f, ok
}

// Names lists the functions Lookup finds, sorted.
func Names() []string { return sortedKeys(byName) }

// SpecialNames lists the functions Special finds, sorted.
func SpecialNames() []string { return sortedKeys(specialByName) }

func sortedKeys(m map[string]*Func) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// The catalogue: built once from the family files' lists and never changed
// after, so concurrent lookups need no lock.
var byName, specialByName = buildCatalogue()

func buildCatalogue() (named, special map[string]*Func) {
	named = map[string]*Func{}
	special = map[string]*Func{}
	all := slices.Concat(stringFuncs(), patternFuncs(), regexFuncs(), numericFuncs(),
		datetimeFuncs(), dateConvFuncs(), nullFuncs(), logParseFuncs())
	for _, f := range all {
		m := named
		if f.Syntax == SyntaxSpecial {
			m = special
		}
		m[f.Name] = f // a name listed twice is caught by TestCatalogueNames
	}
	return named, special
}

// scalar builds a Call for a scalar result.
func scalar(t value.Type, eval func([]value.Value) (value.Value, error)) *Call {
	return &Call{Type: t, eval: eval}
}
