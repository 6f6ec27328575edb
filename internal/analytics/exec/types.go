package exec

import (
	"sluice/internal/analytics/value"
)

// integerDigits is how many decimal digits each integer kind holds, for
// unifying an integer with a DECIMAL.
var integerDigits = map[value.Kind]int{
	value.KindTinyInt: 3, value.KindSmallInt: 5, value.KindInteger: 10, value.KindBigInt: 19,
}

// commonType is the type that holds values of both a and b: the type of a
// CASE or COALESCE whose branches have these types, as SQL's "least
// restrictive type".
func commonType(a, b value.Type) (value.Type, bool) {
	switch {
	case a.Kind == value.KindNull:
		return b, true
	case b.Kind == value.KindNull, a == b:
		return a, true
	}
	ka, kb := a.Kind, b.Kind
	switch {
	case ka.IsNumeric() && kb.IsNumeric():
		return numericCommon(a, b), true
	case ka.IsString() && kb.IsString():
		n := max(a.MaxChars(), b.MaxChars())
		if ka == value.KindChar && kb == value.KindChar {
			return value.Char(n), true
		}
		return value.Varchar(n), true
	case ka.IsBinary() && kb.IsBinary():
		n := max(a.MaxChars(), b.MaxChars())
		if ka == value.KindBinary && kb == value.KindBinary {
			return value.Binary(n), true
		}
		return value.Varbinary(n), true
	case ka == kb && !ka.IsInterval():
		return a, true
	case ka.IsDatetime() && kb.IsDatetime() && ka != value.KindTime && kb != value.KindTime:
		return value.Simple(value.KindTimestamp), true
	case ka.IsInterval() && ka == kb:
		t, err := value.ArithType(value.OpAdd, a, b)
		return t, err == nil
	}
	return value.Type{}, false
}

func numericCommon(a, b value.Type) value.Type {
	ka, kb := a.Kind, b.Kind
	switch {
	case ka == value.KindDouble || kb == value.KindDouble:
		return value.Simple(value.KindDouble)
	case ka == value.KindReal || kb == value.KindReal:
		return value.Simple(value.KindReal)
	case ka.IsInteger() && kb.IsInteger():
		return value.Simple(max(ka, kb))
	}
	digits := func(t value.Type) (whole, scale int) {
		if t.Kind == value.KindDecimal {
			return int(t.Precision - t.Scale), int(t.Scale)
		}
		return integerDigits[t.Kind], 0
	}
	wa, sa := digits(a)
	wb, sb := digits(b)
	s := max(sa, sb)
	p := min(max(wa, wb)+s, value.MaxDecimalPrecision)
	return value.Decimal(p, min(s, p))
}

// assignable reports whether a value of type from may be inserted into a
// column of type to without a CAST, by the standard's assignment rules as
// SQLstream applied them: numbers to numbers, strings to strings, binary to
// binary, booleans to booleans, datetimes to datetimes they convert to,
// intervals of one family to each other. Converting across families needs
// a CAST in the query.
func assignable(from, to value.Type) bool {
	f, t := from.Kind, to.Kind
	switch {
	case f == value.KindNull:
		return true
	case f.IsNumeric():
		return t.IsNumeric()
	case f.IsString():
		return t.IsString()
	case f.IsBinary():
		return t.IsBinary()
	case f == value.KindBoolean:
		return t == value.KindBoolean
	case f.IsDatetime():
		return t.IsDatetime() && value.CanCast(from, to)
	case f.IsInterval():
		return f == t
	}
	return false
}
