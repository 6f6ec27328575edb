package value

import (
	"math"
	"math/big"
	"math/bits"
)

// Op is an arithmetic operator.
type Op uint8

// The operators. OpMod is MOD(a, b), on integers.
const (
	OpAdd Op = iota + 1
	OpSub
	OpMul
	OpDiv
	OpMod
)

var opNames = [...]string{"?", "+", "-", "*", "/", "MOD"}

func (o Op) String() string {
	if int(o) < len(opNames) {
		return opNames[o]
	}
	return "?"
}

// ArithType is the type of a op b for operands of types a and b, decided
// once when the query is planned, or an ErrInvalidArgument error when SQL
// has no such operation (a string plus a number, a date times a date):
//
//   - two integer types: the larger (SMALLINT + INTEGER is INTEGER);
//   - DOUBLE with any number: DOUBLE; REAL with REAL or an exact number:
//     REAL;
//   - DECIMAL with an exact number (an integer is DECIMAL(3|5|10|19, 0)),
//     capped at 18 digits, by KDA's rules: + and - keep the larger scale
//     with one more whole digit; * adds precisions and scales; / keeps the
//     dividend's whole digits plus the divisor's scale, and a scale of at
//     least 6 where the 18 digits leave room;
//   - TIMESTAMP ± interval, interval + TIMESTAMP: TIMESTAMP (DATE and TIME
//     likewise stay what they are; TIME takes day-time intervals only);
//   - TIMESTAMP - TIMESTAMP (and DATE - DATE, TIME - TIME): INTERVAL DAY TO
//     SECOND;
//   - interval ± interval of the same family: the interval spanning both
//     qualifiers; interval × number, number × interval, interval / number:
//     the interval.
//
// The NULL literal takes the other operand's type.
func ArithType(op Op, a, b Type) (Type, error) {
	if a.Kind == KindNull {
		a = b
	}
	if b.Kind == KindNull {
		b = a
	}
	if a.Kind == KindNull {
		return Type{}, nil
	}
	ka, kb := a.Kind, b.Kind
	switch {
	case ka.IsNumeric() && kb.IsNumeric():
		return numericResultType(op, a, b)
	case op == OpAdd || op == OpSub:
		if t, ok := datetimeResultType(op, a, b); ok {
			return t, nil
		}
	case op == OpMul && ka.IsInterval() && kb.IsNumeric():
		return a, nil
	case op == OpMul && ka.IsNumeric() && kb.IsInterval():
		return b, nil
	case op == OpDiv && ka.IsInterval() && kb.IsNumeric():
		return a, nil
	}
	return Type{}, errorf(CodeInvalidArgument, "cannot apply %s to %s and %s", op, a, b)
}

func numericResultType(op Op, a, b Type) (Type, error) {
	ka, kb := a.Kind, b.Kind
	if op == OpMod {
		if !ka.IsInteger() || !kb.IsInteger() {
			return Type{}, errorf(CodeInvalidArgument, "MOD takes integers, not %s and %s", a, b)
		}
		return Simple(max(ka, kb)), nil
	}
	switch {
	case ka == KindDouble || kb == KindDouble:
		return Simple(KindDouble), nil
	case ka == KindReal || kb == KindReal:
		return Simple(KindReal), nil
	case ka.IsInteger() && kb.IsInteger():
		return Simple(max(ka, kb)), nil
	}
	p1, s1 := decimalShape(a)
	p2, s2 := decimalShape(b)
	const maxP = MaxDecimalPrecision
	var p, s int
	switch op {
	case OpAdd, OpSub:
		s = max(s1, s2)
		p = max(p1-s1, p2-s2) + s + 1
	case OpMul:
		s = min(s1+s2, maxP)
		p = p1 + p2
	case OpDiv:
		whole := min(p1-s1+s2, maxP)
		s = max(6, s1+p2+1)
		s = min(s, maxP-whole)
		p = whole + s
	}
	p = min(p, maxP)
	s = min(s, p)
	return Decimal(p, s), nil
}

// decimalShape is the precision and scale of an exact type.
func decimalShape(t Type) (p, s int) {
	if t.Kind == KindDecimal {
		return int(t.Precision), int(t.Scale)
	}
	return min(integerDigits(t.Kind), MaxDecimalPrecision), 0
}

func datetimeResultType(op Op, a, b Type) (Type, bool) {
	ka, kb := a.Kind, b.Kind
	switch {
	case ka.IsDatetime() && kb.IsInterval():
		if ka == KindTime && kb == KindIntervalYearMonth {
			return Type{}, false
		}
		return a, true
	case op == OpAdd && ka.IsInterval() && kb.IsDatetime():
		if kb == KindTime && ka == KindIntervalYearMonth {
			return Type{}, false
		}
		return b, true
	case op == OpSub && ka.IsDatetime() && ka == kb:
		return Interval(Qualifier{Start: UnitDay, End: UnitSecond}), true
	case op == OpSub && classOf(ka) == classDatetime && classOf(kb) == classDatetime:
		return Interval(Qualifier{Start: UnitDay, End: UnitSecond}), true
	case ka.IsInterval() && ka == kb:
		qa, qb := a.Interval, b.Interval
		q := Qualifier{Start: min(qa.Start, qb.Start), End: max(qa.Last(), qb.Last())}
		if q.End == q.Start {
			q.End = UnitNone
		}
		q.Precision = max(qa.Precision, qb.Precision)
		return Interval(q.Canonical()), true
	}
	return Type{}, false
}

// Arith computes a op b as a value of type t, the type ArithType gave for
// the operands' types. NULL in gives NULL out. Errors: ErrDivisionByZero
// (any number divided by zero, REAL and DOUBLE included, as KDA sends
// price / 0 to error_stream), ErrNumericOverflow when the result leaves t's
// range or precision (or a float result is infinite), ErrDatetimeOverflow,
// ErrInvalidArgument when the operands do not fit t.
func Arith(op Op, a, b Value, t Type) (Value, error) {
	if a.kind == KindNull || b.kind == KindNull {
		return Value{}, nil
	}
	switch t.Kind {
	case KindTinyInt, KindSmallInt, KindInteger, KindBigInt:
		if a.kind.IsInteger() && b.kind.IsInteger() {
			return integerArith(op, int64(a.n), int64(b.n), t.Kind)
		}
	case KindDecimal:
		if a.kind.IsExact() && b.kind.IsExact() {
			return decimalArith(op, a, b, t)
		}
	case KindReal, KindDouble:
		if a.kind.IsNumeric() && b.kind.IsNumeric() {
			return floatArith(op, a.Float64(), b.Float64(), t.Kind)
		}
	case KindTimestamp, KindDate, KindTime:
		return datetimeArith(op, a, b, t)
	case KindIntervalDayTime, KindIntervalYearMonth:
		return intervalArith(op, a, b, t)
	}
	return Value{}, errorf(CodeInvalidArgument, "cannot compute %s %s %s as %s", a.kind, op, b.kind, t)
}

// Convenience forms that take the result type from the values (TypeOf),
// for tests and constant folding; the executor uses Arith with the planned
// type.

// Add is a + b.
func Add(a, b Value) (Value, error) { return arithOf(OpAdd, a, b) }

// Sub is a - b.
func Sub(a, b Value) (Value, error) { return arithOf(OpSub, a, b) }

// Mul is a * b.
func Mul(a, b Value) (Value, error) { return arithOf(OpMul, a, b) }

// Div is a / b.
func Div(a, b Value) (Value, error) { return arithOf(OpDiv, a, b) }

func arithOf(op Op, a, b Value) (Value, error) {
	t, err := ArithType(op, TypeOf(a), TypeOf(b))
	if err != nil {
		return Value{}, err
	}
	return Arith(op, a, b, t)
}

// Negate is -v; NULL stays NULL; the most negative integer of a kind
// overflows.
func Negate(v Value) (Value, error) {
	switch {
	case v.kind == KindNull:
		return v, nil
	case v.kind.IsInteger():
		return integerArith(OpSub, 0, int64(v.n), v.kind)
	case v.kind == KindDecimal, v.kind.IsInterval():
		if int64(v.n) == math.MinInt64 {
			return Value{}, errorf(CodeNumericOverflow, "-%s", v)
		}
		v.n = uint64(-int64(v.n))
		return v, nil
	case v.kind.IsApproximate():
		v.n ^= 1 << 63
		return v, nil
	}
	return Value{}, errorf(CodeInvalidArgument, "cannot negate %s", v.kind)
}

func overflow(op Op, k Kind) error {
	return errorf(CodeNumericOverflow, "the result of %s is out of the range of %s", op, k)
}

func integerArith(op Op, x, y int64, k Kind) (Value, error) {
	var r int64
	switch op {
	case OpAdd:
		r = x + y
		if (x > 0 && y > 0 && r < 0) || (x < 0 && y < 0 && r >= 0) {
			return Value{}, overflow(op, k)
		}
	case OpSub:
		r = x - y
		if (x >= 0 && y < 0 && r < 0) || (x < 0 && y > 0 && r >= 0) {
			return Value{}, overflow(op, k)
		}
	case OpMul:
		hi, lo := bits.Mul64(abs64(x), abs64(y))
		neg := (x < 0) != (y < 0)
		if hi != 0 || lo > math.MaxInt64 && !(neg && lo == 1<<63) {
			return Value{}, overflow(op, k)
		}
		r = int64(lo)
		if neg {
			r = -r
		}
	case OpDiv:
		if y == 0 {
			return Value{}, errorf(CodeDivisionByZero, "%d / 0", x)
		}
		if x == math.MinInt64 && y == -1 {
			return Value{}, overflow(op, k)
		}
		r = x / y // SQL truncates toward zero, as Go does
	case OpMod:
		if y == 0 {
			return Value{}, errorf(CodeDivisionByZero, "MOD(%d, 0)", x)
		}
		r = x % y // the sign of the dividend
	default:
		return Value{}, errorf(CodeInvalidArgument, "unknown operator %d", op)
	}
	if lo, hi := integerRange(k); r < lo || r > hi {
		return Value{}, overflow(op, k)
	}
	return Value{kind: k, n: uint64(r)}, nil
}

// exactParts is an exact value's unscaled number and scale.
func exactParts(v Value) (int64, int) {
	if v.kind == KindDecimal {
		return int64(v.n), int(v.scale)
	}
	return int64(v.n), 0
}

func decimalArith(op Op, a, b Value, t Type) (Value, error) {
	x, sx := exactParts(a)
	y, sy := exactParts(b)
	ts, tp := int(t.Scale), int(t.Precision)
	var r int64
	switch op {
	case OpAdd, OpSub:
		s := max(sx, sy, ts)
		xa, _, ok1 := rescale(x, sx, s)
		ya, _, ok2 := rescale(y, sy, s)
		if !ok1 || !ok2 {
			return bigDecimalArith(op, x, sx, y, sy, t)
		}
		var sum int64
		if op == OpAdd {
			sum = xa + ya
		} else {
			sum = xa - ya
		}
		// |xa|, |ya| < 2^63 but the 18-digit results make overflow only
		// possible near the int64 edge; check it anyway.
		if op == OpAdd && ((xa > 0 && ya > 0 && sum < 0) || (xa < 0 && ya < 0 && sum >= 0)) ||
			op == OpSub && ((xa >= 0 && ya < 0 && sum < 0) || (xa < 0 && ya > 0 && sum >= 0)) {
			return bigDecimalArith(op, x, sx, y, sy, t)
		}
		var ok bool
		if r, _, ok = rescale(sum, s, ts); !ok {
			return Value{}, overflow(op, KindDecimal)
		}
	case OpMul:
		hi, lo := bits.Mul64(abs64(x), abs64(y))
		if hi != 0 || lo > math.MaxInt64 {
			return bigDecimalArith(op, x, sx, y, sy, t)
		}
		p := int64(lo)
		if (x < 0) != (y < 0) {
			p = -p
		}
		var ok bool
		if r, _, ok = rescale(p, sx+sy, ts); !ok {
			return bigDecimalArith(op, x, sx, y, sy, t)
		}
	case OpDiv:
		if y == 0 {
			return Value{}, errorf(CodeDivisionByZero, "%s / 0", a)
		}
		return bigDecimalArith(op, x, sx, y, sy, t)
	default:
		return Value{}, errorf(CodeInvalidArgument, "%s on DECIMAL", op)
	}
	if !fitsPrecision(r, tp) {
		return Value{}, overflow(op, KindDecimal)
	}
	return newDecimal(r, ts), nil
}

// bigDecimalArith computes in big integers what does not fit 64 bits: the
// result at scale ts, rounded half away from zero.
func bigDecimalArith(op Op, x int64, sx int, y int64, sy int, t Type) (Value, error) {
	ts, tp := int(t.Scale), int(t.Precision)
	bx, by := bigDecimal(x), bigDecimal(y)
	var num, den *big.Int
	switch op {
	case OpAdd, OpSub:
		s := max(sx, sy)
		bx.Mul(bx, bigPow10(s-sx))
		by.Mul(by, bigPow10(s-sy))
		if op == OpAdd {
			bx.Add(bx, by)
		} else {
			bx.Sub(bx, by)
		}
		num, den = bx, bigPow10(0)
		if s > ts {
			den = bigPow10(s - ts)
		} else {
			num.Mul(num, bigPow10(ts-s))
		}
	case OpMul:
		bx.Mul(bx, by)
		s := sx + sy
		num, den = bx, bigPow10(0)
		if s > ts {
			den = bigPow10(s - ts)
		} else {
			num.Mul(num, bigPow10(ts-s))
		}
	case OpDiv:
		// x/10^sx ÷ y/10^sy at scale ts = x × 10^(ts+sy-sx) / y.
		e := ts + sy - sx
		num, den = bx, by
		if e >= 0 {
			num.Mul(num, bigPow10(e))
		} else {
			den.Mul(den, bigPow10(-e))
		}
	}
	r, ok := bigRoundDiv(num, den)
	if !ok || !fitsPrecision(r, tp) {
		return Value{}, overflow(op, KindDecimal)
	}
	return newDecimal(r, ts), nil
}

func floatArith(op Op, x, y float64, k Kind) (Value, error) {
	var r float64
	switch op {
	case OpAdd:
		r = x + y
	case OpSub:
		r = x - y
	case OpMul:
		r = x * y
	case OpDiv:
		if y == 0 {
			return Value{}, errorf(CodeDivisionByZero, "%v / 0", x)
		}
		r = x / y
	case OpMod:
		if y == 0 {
			return Value{}, errorf(CodeDivisionByZero, "MOD(%v, 0)", x)
		}
		r = math.Mod(x, y)
	}
	if k == KindReal {
		r = float64(float32(r))
	}
	if math.IsInf(r, 0) || math.IsNaN(r) {
		return Value{}, overflow(op, k)
	}
	return Value{kind: k, n: math.Float64bits(r)}, nil
}

// datetimeArith is datetime ± interval and datetime - datetime.
func datetimeArith(op Op, a, b Value, t Type) (Value, error) {
	if a.kind.IsInterval() && op == OpAdd {
		a, b = b, a
	}
	if !a.kind.IsDatetime() || !b.kind.IsInterval() || (op != OpAdd && op != OpSub) {
		return Value{}, errorf(CodeInvalidArgument, "cannot compute %s %s %s", a.kind, op, b.kind)
	}
	n := int64(b.n)
	if op == OpSub {
		if n == math.MinInt64 {
			return Value{}, errorf(CodeDatetimeOverflow, "interval out of range")
		}
		n = -n
	}
	var ms int64
	switch a.kind {
	case KindDate:
		ms = datetimeMillis(a)
	default:
		ms = int64(a.n)
	}
	var r int64
	if b.kind == KindIntervalYearMonth {
		if a.kind == KindTime {
			return Value{}, errorf(CodeInvalidArgument, "cannot add a year-month interval to a TIME")
		}
		if n > 1<<40 || n < -(1<<40) {
			return Value{}, errorf(CodeDatetimeOverflow, "%s %s %s", a, op, b)
		}
		r = AddMonths(ms, n)
	} else {
		r = ms + n
		if (n > 0 && r < ms) || (n < 0 && r > ms) {
			return Value{}, errorf(CodeDatetimeOverflow, "%s %s %s", a, op, b)
		}
	}
	switch t.Kind {
	case KindDate:
		return NewDate(FloorDiv(r, msPerDay)), nil
	case KindTime:
		return NewTime(r), nil
	}
	return NewTimestamp(r), nil
}

// intervalArith is interval ± interval, interval × number, interval /
// number, and datetime - datetime.
func intervalArith(op Op, a, b Value, t Type) (Value, error) {
	q := t.Interval
	mk := func(n int64) Value {
		if t.Kind == KindIntervalYearMonth {
			return NewIntervalYearMonth(n, q)
		}
		return NewIntervalDayTime(n, q)
	}
	switch {
	case (op == OpAdd || op == OpSub) && a.kind == b.kind && a.kind.IsInterval():
		r, err := integerArith(op, int64(a.n), int64(b.n), KindBigInt)
		if err != nil {
			return Value{}, errorf(CodeIntervalOverflow, "%s %s %s", a, op, b)
		}
		return mk(int64(r.n)), nil
	case op == OpSub && classOf(a.kind) == classOf(b.kind) && (a.kind.IsDatetime()):
		x, y := datetimeMillis(a), datetimeMillis(b)
		if a.kind == KindTime {
			x, y = int64(a.n), int64(b.n)
		}
		r, err := integerArith(OpSub, x, y, KindBigInt)
		if err != nil {
			return Value{}, errorf(CodeIntervalOverflow, "%s - %s", a, b)
		}
		return NewIntervalDayTime(int64(r.n), q), nil
	case (op == OpMul || op == OpDiv) && a.kind.IsInterval() && b.kind.IsNumeric(),
		op == OpMul && a.kind.IsNumeric() && b.kind.IsInterval():
		iv, num := a, b
		if a.kind.IsNumeric() {
			iv, num = b, a
		}
		n := int64(iv.n)
		if num.kind.IsInteger() {
			r, err := integerArith(op, n, int64(num.n), KindBigInt)
			if err != nil {
				if errorsIsCode(err, CodeDivisionByZero) {
					return Value{}, err
				}
				return Value{}, errorf(CodeIntervalOverflow, "%s %s %s", iv, op, num)
			}
			return mk(int64(r.n)), nil
		}
		f := num.Float64()
		var r float64
		if op == OpMul {
			r = float64(n) * f
		} else {
			if f == 0 {
				return Value{}, errorf(CodeDivisionByZero, "%s / 0", iv)
			}
			r = float64(n) / f
		}
		r = math.Round(r)
		if math.IsNaN(r) || r >= math.MaxInt64 || r <= math.MinInt64 {
			return Value{}, errorf(CodeIntervalOverflow, "%s %s %s", iv, op, num)
		}
		return mk(int64(r)), nil
	}
	return Value{}, errorf(CodeInvalidArgument, "cannot compute %s %s %s as %s", a.kind, op, b.kind, t)
}

func errorsIsCode(err error, c Code) bool {
	e, ok := err.(*Error)
	return ok && e.Code == c
}
