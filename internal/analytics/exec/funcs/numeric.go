package funcs

// Numeric functions: ABS, CEIL/CEILING and FLOOR on numbers, EXP, LN,
// LOG10, MOD, POWER; and STEP on numbers and datetimes (the special
// STEP(x BY width)). None allocates: the executor calls them per row.

import (
	"math"

	"sluice/internal/analytics/value"
)

func numericFuncs() []*Func {
	return []*Func{
		{Name: "ABS", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindAbs},
		{Name: "CEIL", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindRound(true)},
		{Name: "CEILING", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindRound(true)},
		{Name: "FLOOR", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindRound(false)},
		{Name: "EXP", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindDoubleFunc("EXP", evalExp)},
		{Name: "LN", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindDoubleFunc("LN", evalLog("LN", math.Log))},
		{Name: "LOG10", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindDoubleFunc("LOG10", evalLog("LOG10", math.Log10))},
		{Name: "POWER", MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindPower},
		{Name: "MOD", MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindMod},
		{Name: "STEP", MinArgs: 2, MaxArgs: 2, Syntax: SyntaxSpecial, Deterministic: true, bind: bindStep},
	}
}

// bindAbs binds ABS on a number or an interval: the argument's type.
func bindAbs(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "ABS", args: args}
	if err := c.is(0, "a number or an interval", func(k value.Kind) bool { return k.IsNumeric() || k.IsInterval() }); err != nil {
		return nil, err
	}
	return scalar(args[0].Type, evalAbs), nil
}

func evalAbs(a []value.Value) (value.Value, error) {
	v := a[0]
	switch k := v.Kind(); {
	case k == value.KindDouble:
		return value.NewDouble(math.Abs(v.Float64())), nil
	case k == value.KindReal:
		return value.NewReal(float32(math.Abs(v.Float64()))), nil
	case k == value.KindNull:
		return v, nil
	case v.Int64() < 0:
		return value.Negate(v) // the integers' most negative values overflow
	}
	return v, nil
}

// bindRound binds CEIL/CEILING and FLOOR on a number: an integer stays
// what it is, a DECIMAL(p,s) becomes DECIMAL(p-s+1,0) (CEIL(9.5) is 10),
// REAL and DOUBLE stay approximate (Java's Math.ceil and Math.floor).
func bindRound(ceil bool) func(*Env, []Arg) (*Call, error) {
	return func(_ *Env, args []Arg) (*Call, error) {
		name := "FLOOR"
		if ceil {
			name = "CEIL"
		}
		c := checker{fn: name, args: args}
		if err := c.numeric(0); err != nil {
			return nil, err
		}
		t := args[0].Type
		if t.Kind == value.KindDecimal && t.Scale > 0 {
			t = value.Decimal(min(int(t.Precision-t.Scale)+1, value.MaxDecimalPrecision), 0)
		}
		return scalar(t, func(a []value.Value) (value.Value, error) { return roundNumber(a[0], ceil) }), nil
	}
}

func roundNumber(v value.Value, ceil bool) (value.Value, error) {
	switch v.Kind() {
	case value.KindDouble:
		if ceil {
			return value.NewDouble(math.Ceil(v.Float64())), nil
		}
		return value.NewDouble(math.Floor(v.Float64())), nil
	case value.KindReal:
		if ceil {
			return value.NewReal(float32(math.Ceil(v.Float64()))), nil
		}
		return value.NewReal(float32(math.Floor(v.Float64()))), nil
	case value.KindDecimal:
		if v.Scale() == 0 {
			return v, nil
		}
		u, p := v.Int64(), pow10[v.Scale()]
		q, r := u/p, u%p
		switch {
		case ceil && r > 0:
			q++
		case !ceil && r < 0:
			q--
		}
		return value.NewDecimal(q, 0)
	}
	return v, nil
}

// pow10 is 10^0 … 10^18.
var pow10 = [...]int64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
	1e15, 1e16, 1e17, 1e18,
}

// bindDoubleFunc binds a function of one number that computes in DOUBLE.
func bindDoubleFunc(name string, eval func(float64) (value.Value, error)) func(*Env, []Arg) (*Call, error) {
	return func(_ *Env, args []Arg) (*Call, error) {
		c := checker{fn: name, args: args}
		if err := c.numeric(0); err != nil {
			return nil, err
		}
		return scalar(value.Simple(value.KindDouble), func(a []value.Value) (value.Value, error) {
			if a[0].IsNull() {
				return a[0], nil
			}
			return eval(a[0].Float64())
		}), nil
	}
}

// finite turns an infinite result of finite operands into the overflow
// error KDA sends to error_stream.
func finite(fn string, f float64) (value.Value, error) {
	if math.IsInf(f, 0) {
		return value.Value{}, &value.Error{Code: value.CodeNumericOverflow, Message: fn + " is out of the range of DOUBLE"}
	}
	return value.NewDouble(f), nil
}

func evalExp(x float64) (value.Value, error) {
	if math.IsInf(x, 0) {
		return value.NewDouble(math.Exp(x)), nil
	}
	return finite("EXP", math.Exp(x))
}

// evalLog is LN or LOG10: KDA raises an exception for zero and negative
// arguments.
func evalLog(name string, f func(float64) float64) func(float64) (value.Value, error) {
	return func(x float64) (value.Value, error) {
		if x <= 0 {
			return value.Value{}, errorf(CondInvalidLogArgument, name, "the argument %v is not positive", x)
		}
		return value.NewDouble(f(x)), nil
	}
}

// bindPower binds POWER(base, exponent) in DOUBLE; 0 to a negative power and
// a negative base to a fractional power are exceptions, as KDA documents.
func bindPower(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "POWER", args: args}
	for i := range args {
		if err := c.numeric(i); err != nil {
			return nil, err
		}
	}
	return scalar(value.Simple(value.KindDouble), evalPower), nil
}

func evalPower(a []value.Value) (value.Value, error) {
	if a[0].IsNull() || a[1].IsNull() {
		return value.Value{}, nil
	}
	b, e := a[0].Float64(), a[1].Float64()
	switch {
	case b == 0 && e < 0:
		return value.Value{}, errorf(CondInvalidPowerArgument, "POWER", "0 to the negative power %v", e)
	case b < 0 && e != math.Trunc(e):
		return value.Value{}, errorf(CondInvalidPowerArgument, "POWER", "the negative base %v to the fractional power %v", b, e)
	case math.IsInf(b, 0) || math.IsInf(e, 0):
		return value.NewDouble(math.Pow(b, e)), nil
	}
	return finite("POWER", math.Pow(b, e))
}

// bindMod binds MOD(dividend, divisor) on integers (KDA allows scale 0
// only): the remainder with the dividend's sign (MOD(-4,3) is -1), the
// wider operand's type; dividing by zero is an error.
func bindMod(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "MOD", args: args}
	for i := range args {
		if err := c.integer(i); err != nil {
			return nil, err
		}
	}
	ta, tb := args[0].Type, args[1].Type
	var t value.Type
	switch {
	case ta.Kind == value.KindDecimal || tb.Kind == value.KindDecimal:
		pa, _ := decimalShape(ta)
		pb, _ := decimalShape(tb)
		if ta.Kind == value.KindNull {
			pa = pb
		}
		t = value.Decimal(min(max(pa, pb), value.MaxDecimalPrecision), 0)
	case ta.Kind == value.KindNull:
		t = tb
	case tb.Kind == value.KindNull:
		t = ta
	default:
		t = value.Simple(max(ta.Kind, tb.Kind))
	}
	if t.Kind == value.KindNull {
		t = value.Simple(value.KindInteger)
	}
	return scalar(t, func(a []value.Value) (value.Value, error) {
		if a[0].IsNull() || a[1].IsNull() {
			return value.Value{}, nil
		}
		x, _ := intOf(a[0])
		y, _ := intOf(a[1])
		if y == 0 {
			return value.Value{}, &value.Error{Code: value.CodeDivisionByZero, Message: "MOD by zero"}
		}
		r := int64(0)
		if y != -1 { // MinInt64 % -1 overflows in Go's division; the remainder is 0
			r = x % y
		}
		if t.Kind == value.KindDecimal {
			return value.NewDecimal(r, 0)
		}
		return value.NewInt(t.Kind, r)
	}), nil
}

// bindStep binds the special STEP(x, width): x rounded down to a multiple
// of width. On integers width is a positive integer; on DATE, TIME and
// TIMESTAMP it is a positive interval, and multiples count from 1970-01-01
// 00:00:00 (a year-month interval counts months from January 1970). The
// result has x's type.
func bindStep(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "STEP", args: args}
	k := args[0].Type.Kind
	switch {
	case k.IsInteger() || (k == value.KindDecimal && args[0].Type.Scale == 0):
		if err := c.integer(1); err != nil {
			return nil, err
		}
	case k.IsDatetime():
		wk := args[1].Type.Kind
		if err := c.is(1, "an interval", value.Kind.IsInterval); err != nil {
			return nil, err
		}
		if k == value.KindTime && wk == value.KindIntervalYearMonth {
			return nil, c.fail(1, "must be a day-time interval to step a TIME")
		}
	case k == value.KindNull:
	default:
		return nil, c.fail(0, "must be an integer, DATE, TIME or TIMESTAMP, not %s", args[0].Type)
	}
	if args[1].Const && !args[1].Value.IsNull() {
		if err := stepWidthOK(args[1].Value); err != nil {
			return nil, c.fail(1, "must be positive: %s", err.(*Error).Message)
		}
	}
	t := args[0].Type
	if t.Kind == value.KindNull {
		t = value.Simple(value.KindBigInt)
	}
	return scalar(t, func(a []value.Value) (value.Value, error) { return Step(a[0], a[1]) }), nil
}

func stepWidthOK(w value.Value) error {
	n := w.Int64()
	if w.Kind() == value.KindDecimal {
		n, _ = intOf(w)
	}
	if n <= 0 {
		return errorf(CondInvalidParameter, "STEP", "the width %s is not positive", w)
	}
	return nil
}

// Step is STEP(x BY width) (see bindStep); NULL in gives NULL.
func Step(x, width value.Value) (value.Value, error) {
	if x.IsNull() || width.IsNull() {
		return value.Value{}, nil
	}
	if err := stepWidthOK(width); err != nil {
		return value.Value{}, err
	}
	switch k := x.Kind(); {
	case k.IsInteger() || k == value.KindDecimal:
		n, _ := intOf(x)
		w, _ := intOf(width)
		r := value.FloorDiv(n, w) * w
		if k == value.KindDecimal {
			return value.NewDecimal(r, 0)
		}
		return value.NewInt(k, r)
	case k == value.KindTimestamp || k == value.KindDate || k == value.KindTime:
		ms := datetimeMillis(x)
		var r int64
		if width.Kind() == value.KindIntervalYearMonth {
			r = value.MonthStart(value.FloorDiv(value.MonthIndex(ms), width.Int64()) * width.Int64())
		} else {
			r = value.FloorDiv(ms, width.Int64()) * width.Int64()
		}
		return datetimeOf(k, r), nil
	}
	return value.Value{}, &value.Error{Code: value.CodeInvalidArgument, Message: "STEP of " + x.Kind().String()}
}
