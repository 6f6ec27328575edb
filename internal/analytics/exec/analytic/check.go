package analytic

import (
	"errors"
	"fmt"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// Check looks at the calls of this package's functions in parsed code, as
// CreateApplication and UpdateApplication validate code before there is
// anything to run: the number of arguments, and each constant one (a
// literal, signed or not, or NULL) against the reference's type and range,
// with the messages and positions Compile gives. It returns the first
// problem as an *sql.Error, or nil. What depends on the cursor's columns
// (the column TOP_K_ITEMS_TUMBLING names, the numeric columns
// RANDOM_CUT_FOREST needs) and arguments that are expressions are checked
// by Bind when the application starts.
func Check(app *sql.Application) error {
	var first *sql.Error
	sql.Inspect(app, func(n sql.Node) bool {
		if first != nil {
			return false
		}
		if tf, ok := n.(*sql.TableFunctionRef); ok {
			first = checkCall(tf.Call)
		}
		return first == nil
	})
	if first != nil {
		return first
	}
	return nil
}

func checkCall(call *sql.FuncCall) *sql.Error {
	if call == nil || len(call.Name.Parts) != 1 {
		return nil
	}
	name := call.Name.Last()
	sig, cross := signatureOf(name)
	if sig == nil || len(call.Args) == 0 {
		return nil
	}
	if _, ok := call.Args[0].(*sql.CursorExpr); !ok {
		return errAt(call.Args[0].Position(), "%s: its first argument must be CURSOR(SELECT STREAM ...): %s", name, sig.usage)
	}
	args := call.Args[1:]
	vals := make([]value.Value, len(args))
	known := make([]bool, len(args))
	for i, a := range args {
		vals[i], known[i] = constant(a)
	}
	b, err := sig.bind(vals, known)
	if err == nil && cross != nil {
		err = cross(b)
	}
	var ae *exec.ArgError
	if !errors.As(err, &ae) {
		return nil
	}
	if ae.Arg >= 1 && ae.Arg <= len(call.Args) {
		return errAt(call.Args[ae.Arg-1].Position(), "%s: %s", name, ae.Msg)
	}
	return errAt(call.Pos, "%s: %s", name, ae.Msg)
}

// constant is the value of a literal argument; false for anything else.
func constant(e sql.Expr) (value.Value, bool) {
	switch e := e.(type) {
	case *sql.NullLit:
		return value.Null(), true
	case *sql.BoolLit:
		return value.NewBoolean(e.Value), true
	case *sql.StringLit:
		return value.NewChar(e.Value), true
	case *sql.NumberLit:
		v, err := value.NumericLiteral(e.Text)
		return v, err == nil
	case *sql.UnaryExpr:
		if e.Op != sql.OpNeg && e.Op != sql.OpPlus {
			return value.Value{}, false
		}
		v, ok := constant(e.X)
		if !ok || !v.Kind().IsNumeric() || e.Op == sql.OpPlus {
			return v, ok && v.Kind().IsNumeric()
		}
		return negate(v)
	}
	return value.Value{}, false
}

// negate is -v for a numeric literal's value (enough for range checks).
func negate(v value.Value) (value.Value, bool) {
	switch k := v.Kind(); {
	case k.IsInteger():
		return value.NewBigInt(-v.Int64()), true
	case k == value.KindDecimal:
		d, err := value.NewDecimal(-v.Int64(), v.Scale())
		return d, err == nil
	case k.IsApproximate():
		return value.NewDouble(-v.Float64()), true
	}
	return value.Value{}, false
}

// errAt is a validation error at a position, worded as exec's.
func errAt(p sql.Pos, format string, args ...any) *sql.Error {
	return &sql.Error{Line: p.Line, Column: p.Column, Offset: p.Offset, Msg: "At " + p.String() + ": " + fmt.Sprintf(format, args...)}
}
