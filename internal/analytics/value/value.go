package value

import (
	"math"
	"time"
)

// Value is one SQL value: NULL (the zero Value) or a value of a kind. It is
// small and comparable with == only bit for bit; use [Compare] and [Equal]
// for SQL semantics. See the package doc for the representation.
type Value struct {
	s     string // CHAR/VARCHAR text, BINARY/VARBINARY bytes
	n     uint64 // the payload of every other kind
	kind  Kind
	scale int8 // DECIMAL
	start Unit // interval qualifier, for printing
	end   Unit
}

// Null is SQL NULL.
func Null() Value { return Value{} }

// Kind is the value's kind; KindNull for NULL.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports SQL NULL.
func (v Value) IsNull() bool { return v.kind == KindNull }

// Constructors. The integer ones take the kind's Go type so the range holds
// by construction.

// NewBoolean is a BOOLEAN.
func NewBoolean(b bool) Value {
	var n uint64
	if b {
		n = 1
	}
	return Value{kind: KindBoolean, n: n}
}

// NewTinyInt is a TINYINT.
func NewTinyInt(i int8) Value { return Value{kind: KindTinyInt, n: uint64(int64(i))} }

// NewSmallInt is a SMALLINT.
func NewSmallInt(i int16) Value { return Value{kind: KindSmallInt, n: uint64(int64(i))} }

// NewInteger is an INTEGER.
func NewInteger(i int32) Value { return Value{kind: KindInteger, n: uint64(int64(i))} }

// NewBigInt is a BIGINT.
func NewBigInt(i int64) Value { return Value{kind: KindBigInt, n: uint64(i)} }

// NewInt is a value of integer kind k, or an overflow error when i is out of
// k's range (or k is not an integer kind).
func NewInt(k Kind, i int64) (Value, error) {
	if !k.IsInteger() {
		return Value{}, errorf(CodeInvalidArgument, "%s is not an integer type", k)
	}
	if lo, hi := integerRange(k); i < lo || i > hi {
		return Value{}, errorf(CodeNumericOverflow, "%d is out of the range of %s", i, k)
	}
	return Value{kind: k, n: uint64(i)}, nil
}

// NewDecimal is the DECIMAL unscaled × 10^-scale, e.g. NewDecimal(8451, 2)
// is 84.51. The scale must be 0–18, and |unscaled| < 10^18.
func NewDecimal(unscaled int64, scale int) (Value, error) {
	if scale < 0 || scale > MaxDecimalPrecision {
		return Value{}, errorf(CodeInvalidArgument, "DECIMAL scale %d is out of 0-%d", scale, MaxDecimalPrecision)
	}
	if unscaled >= pow10[MaxDecimalPrecision] || unscaled <= -pow10[MaxDecimalPrecision] {
		return Value{}, errorf(CodeNumericOverflow, "%d has more than %d digits", unscaled, MaxDecimalPrecision)
	}
	return Value{kind: KindDecimal, n: uint64(unscaled), scale: int8(scale)}, nil
}

// newDecimal skips the checks for callers that made them.
func newDecimal(unscaled int64, scale int) Value {
	return Value{kind: KindDecimal, n: uint64(unscaled), scale: int8(scale)}
}

// NewReal is a REAL.
func NewReal(f float32) Value { return Value{kind: KindReal, n: math.Float64bits(float64(f))} }

// NewDouble is a DOUBLE.
func NewDouble(f float64) Value { return Value{kind: KindDouble, n: math.Float64bits(f)} }

// NewVarchar is a VARCHAR holding s as it is.
func NewVarchar(s string) Value { return Value{kind: KindVarchar, s: s} }

// NewChar is a CHAR holding s as it is; CHAR(n)'s padding is the cast's
// business (Cast(NewVarchar(s), Char(n))).
func NewChar(s string) Value { return Value{kind: KindChar, s: s} }

// NewVarbinary is a VARBINARY holding a copy of b.
func NewVarbinary(b []byte) Value { return Value{kind: KindVarbinary, s: string(b)} }

// NewBinary is a BINARY holding a copy of b.
func NewBinary(b []byte) Value { return Value{kind: KindBinary, s: string(b)} }

// NewDate is the DATE days after 1970-01-01.
func NewDate(days int64) Value { return Value{kind: KindDate, n: uint64(days)} }

// NewTime is the TIME ms milliseconds after midnight, taken modulo a day.
func NewTime(ms int64) Value {
	ms %= msPerDay
	if ms < 0 {
		ms += msPerDay
	}
	return Value{kind: KindTime, n: uint64(ms)}
}

// NewTimestamp is the TIMESTAMP ms milliseconds after the epoch (UTC).
func NewTimestamp(ms int64) Value { return Value{kind: KindTimestamp, n: uint64(ms)} }

// TimestampOf is the TIMESTAMP of t, in UTC, to the millisecond.
func TimestampOf(t time.Time) Value { return NewTimestamp(t.UnixMilli()) }

// NewIntervalDayTime is a day-time interval of ms milliseconds, printed with
// qualifier q (DAY TO SECOND when q is the zero Qualifier or year-month).
func NewIntervalDayTime(ms int64, q Qualifier) Value {
	if q.Start == UnitNone || q.Start.IsYearMonth() {
		q = Qualifier{Start: UnitDay, End: UnitSecond}
	}
	return Value{kind: KindIntervalDayTime, n: uint64(ms), start: q.Start, end: q.End}
}

// NewIntervalYearMonth is a year-month interval of months, printed with
// qualifier q (YEAR TO MONTH when q is the zero Qualifier or day-time).
func NewIntervalYearMonth(months int64, q Qualifier) Value {
	if !q.Start.IsYearMonth() {
		q = Qualifier{Start: UnitYear, End: UnitMonth}
	}
	return Value{kind: KindIntervalYearMonth, n: uint64(months), start: q.Start, end: q.End}
}

// Accessors. Each reads the payload for the kinds it names and gives the
// zero value for others; check Kind first.

// Bool is a BOOLEAN's value.
func (v Value) Bool() bool { return v.kind == KindBoolean && v.n != 0 }

// Int64 is an integer kind's value, a DECIMAL's unscaled value, a DATE's
// days, a TIME's or TIMESTAMP's or day-time interval's milliseconds, a
// year-month interval's months.
func (v Value) Int64() int64 {
	switch v.kind {
	case KindNull, KindReal, KindDouble, KindChar, KindVarchar, KindBinary, KindVarbinary:
		return 0
	}
	return int64(v.n)
}

// Scale is a DECIMAL's scale, 0 for other kinds.
func (v Value) Scale() int { return int(v.scale) }

// Float64 is a numeric value as a float64 (exact for REAL and DOUBLE,
// nearest for the others), 0 for other kinds.
func (v Value) Float64() float64 {
	switch {
	case v.kind.IsInteger():
		return float64(int64(v.n))
	case v.kind == KindDecimal:
		return decimalToFloat(int64(v.n), int(v.scale))
	case v.kind.IsApproximate():
		return math.Float64frombits(v.n)
	}
	return 0
}

// Str is a CHAR's or VARCHAR's text, or a BINARY's or VARBINARY's bytes;
// "" for other kinds. (String is the printed form of any value.)
func (v Value) Str() string {
	if v.kind.IsString() || v.kind.IsBinary() {
		return v.s
	}
	return ""
}

// Time is a TIMESTAMP, DATE or TIME as a time.Time in UTC (a TIME on
// 1970-01-01).
func (v Value) Time() time.Time {
	switch v.kind {
	case KindTimestamp, KindTime:
		return time.UnixMilli(int64(v.n)).UTC()
	case KindDate:
		return time.UnixMilli(0).UTC().AddDate(0, 0, int(int64(v.n)))
	}
	return time.Time{}
}

// qualifier is an interval value's qualifier.
func (v Value) qualifier() Qualifier { return Qualifier{Start: v.start, End: v.end} }

// Qualifier is an interval value's qualifier; the zero Qualifier for other
// kinds.
func (v Value) Qualifier() Qualifier {
	if v.kind.IsInterval() {
		return v.qualifier()
	}
	return Qualifier{}
}

// WithQualifier is an interval value printed with q instead (same length of
// time); other values are returned as they are.
func (v Value) WithQualifier(q Qualifier) Value {
	if v.kind.IsInterval() && q.Valid() && q.Start.IsYearMonth() == (v.kind == KindIntervalYearMonth) {
		v.start, v.end = q.Start, q.End
	}
	return v
}
