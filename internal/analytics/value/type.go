package value

import "strconv"

// AWS's limits on type parameters.
const (
	MaxStringLength     = 65534 // CHAR, VARCHAR, BINARY, VARBINARY: "greater than 0 and less than 65535"
	MaxDecimalPrecision = 18    // "For DECIMAL we support a maximum of 18 digits for precision and scale"
	DefaultDecimalPrec  = 18
	MaxIntervalPrec     = 10 // leading field precision of an interval
	DefaultIntervalPrec = 2
	MaxFracPrecision    = 3 // milliseconds
)

// Type is a SQL type: a kind and its parameters. The zero Type is the type of
// the NULL literal. Build one with ParseType or the constructors below; a
// Type is comparable with ==.
type Type struct {
	Kind Kind
	// Length is n in CHAR(n), VARCHAR(n), BINARY(n), VARBINARY(n).
	Length int32
	// Precision and Scale are DECIMAL(p,s)'s.
	Precision int8
	Scale     int8
	// Interval is an interval type's qualifier.
	Interval Qualifier
}

// Constructors for the types with parameters; they clamp nothing, so use
// them with values in range (ParseType checks what it reads).

// Simple is a type without parameters: BOOLEAN, the integers, REAL, DOUBLE,
// DATE, TIME, TIMESTAMP.
func Simple(k Kind) Type { return Type{Kind: k} }

// Varchar is VARCHAR(n).
func Varchar(n int) Type { return Type{Kind: KindVarchar, Length: int32(n)} }

// Char is CHAR(n).
func Char(n int) Type { return Type{Kind: KindChar, Length: int32(n)} }

// Binary is BINARY(n).
func Binary(n int) Type { return Type{Kind: KindBinary, Length: int32(n)} }

// Varbinary is VARBINARY(n).
func Varbinary(n int) Type { return Type{Kind: KindVarbinary, Length: int32(n)} }

// Decimal is DECIMAL(p,s).
func Decimal(p, s int) Type { return Type{Kind: KindDecimal, Precision: int8(p), Scale: int8(s)} }

// Interval is the interval type with qualifier q.
func Interval(q Qualifier) Type {
	k := KindIntervalDayTime
	if q.Start.IsYearMonth() {
		k = KindIntervalYearMonth
	}
	return Type{Kind: k, Interval: q}
}

// String spells the type as AWS does: "VARCHAR(16)", "DECIMAL(5,2)",
// "DOUBLE", "INTERVAL DAY TO SECOND".
func (t Type) String() string {
	switch t.Kind {
	case KindChar, KindVarchar, KindBinary, KindVarbinary:
		return t.Kind.String() + "(" + strconv.Itoa(int(t.Length)) + ")"
	case KindDecimal:
		return "DECIMAL(" + strconv.Itoa(int(t.Precision)) + "," + strconv.Itoa(int(t.Scale)) + ")"
	case KindIntervalDayTime, KindIntervalYearMonth:
		return "INTERVAL " + t.Interval.String()
	}
	return t.Kind.String()
}

// IsColumnType reports whether a stream or table column may have this type:
// every type but the intervals and the NULL literal's.
func (t Type) IsColumnType() bool {
	return t.Kind != KindNull && !t.Kind.IsInterval() && t.Kind < kindCount
}

// MaxChars is the most characters a value of a character type may hold, or
// of bytes for a binary type, and 0 for other types.
func (t Type) MaxChars() int {
	if t.Kind.IsString() || t.Kind.IsBinary() {
		return int(t.Length)
	}
	return 0
}

// TypeOf is the narrowest type that holds v: its kind with, for strings,
// the length of v, and for DECIMAL the digits v has (1.50 is DECIMAL(3,2)).
func TypeOf(v Value) Type {
	switch v.kind {
	case KindChar, KindVarchar:
		n := charCount(v.s)
		if n < 1 {
			n = 1
		}
		return Type{Kind: v.kind, Length: int32(n)}
	case KindBinary, KindVarbinary:
		n := len(v.s)
		if n < 1 {
			n = 1
		}
		return Type{Kind: v.kind, Length: int32(n)}
	case KindDecimal:
		return Decimal(max(digitCount(abs64(int64(v.n))), int(v.scale), 1), int(v.scale))
	case KindIntervalDayTime, KindIntervalYearMonth:
		return Interval(v.qualifier())
	}
	return Type{Kind: v.kind}
}
