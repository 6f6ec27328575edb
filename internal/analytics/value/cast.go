package value

import (
	"math"
	"strconv"
	"strings"
)

// Cast converts v to type t as SQL's CAST does in KDA:
//
//   - NULL stays NULL.
//   - Numeric to numeric: an out-of-range value is an overflow error; an
//     approximate or DECIMAL value cast to an integer or to fewer DECIMAL
//     fraction digits is rounded half away from zero (KDA's reference:
//     "Real numbers are rounded").
//   - String to any type but binary: the text, blanks trimmed, read as a
//     literal of the type (ParseTimestamp, ParseNumber's syntax, TRUE/FALSE,
//     an interval's field text); anything else is an invalid character value.
//   - Any type to CHAR(n)/VARCHAR(n): its text (AppendText). A string longer
//     than n is cut to n characters; any other value that does not fit is a
//     string truncation error (KDA selects no row for CAST(DATE
//     '2008-08-23' AS VARCHAR(9))). CHAR(n) pads with blanks.
//   - DATE, TIME and TIMESTAMP convert among themselves (a DATE is midnight;
//     a TIME is on 1970-01-01, as there is no current date in a stream).
//   - A day-time interval to BIGINT or DECIMAL is its count of the
//     qualifier's last unit (INTERVAL '90' SECOND is 90).
//   - BOOLEAN to and from strings; BINARY/VARBINARY among themselves
//     (BINARY(n) pads with zero bytes; a longer value is a truncation error).
//
// Other conversions are ErrCastNotSupported, which the SQL validator should
// have refused already; use CanCast there.
func Cast(v Value, t Type) (Value, error) { return convert(v, t, true) }

// CastExact is Cast, except that numeric digits that do not fit the
// target's scale are an overflow error instead of being rounded: the
// input mapping's rule ("converting 123.4 to INT fails").
func CastExact(v Value, t Type) (Value, error) { return convert(v, t, false) }

// CanCast reports whether CAST from a value of type from to type to is one
// SQL allows (the table in KDA's CAST reference); the values may still fail.
func CanCast(from, to Type) bool {
	f, k := from.Kind, to.Kind
	switch {
	case f == KindNull || f == k:
		return true
	case k == KindNull:
		return false
	case f.IsNumeric():
		return k.IsNumeric() || k.IsString()
	case f.IsString():
		return !k.IsBinary()
	case f == KindDate:
		return k == KindTimestamp || k.IsString()
	case f == KindTime:
		return k == KindTimestamp || k.IsString()
	case f == KindTimestamp:
		return k == KindDate || k == KindTime || k.IsString()
	case f == KindIntervalDayTime:
		return k == KindBigInt || k == KindDecimal || k.IsString() || k == KindIntervalDayTime
	case f == KindIntervalYearMonth:
		return k == KindBigInt || k == KindDecimal || k.IsString()
	case f == KindBoolean:
		return k.IsString()
	case f.IsBinary():
		return k.IsBinary()
	}
	return false
}

func convert(v Value, t Type, round bool) (Value, error) {
	if v.kind == KindNull {
		return Value{}, nil
	}
	switch t.Kind {
	case KindBoolean:
		switch {
		case v.kind == KindBoolean:
			return v, nil
		case v.kind.IsString():
			return ParseBoolean(v.s)
		}
	case KindTinyInt, KindSmallInt, KindInteger, KindBigInt, KindDecimal:
		switch {
		case v.kind.IsNumeric():
			return numericToExact(v, t, round)
		case v.kind.IsString():
			return parseExact(v.s, t, round)
		case v.kind.IsInterval() && (t.Kind == KindBigInt || t.Kind == KindDecimal):
			return intervalToNumber(v, t)
		}
	case KindReal, KindDouble:
		switch {
		case v.kind.IsNumeric():
			return numericToApprox(v, t.Kind)
		case v.kind.IsString():
			return parseApprox(v.s, t.Kind)
		}
	case KindChar, KindVarchar:
		return toString(v, t)
	case KindBinary, KindVarbinary:
		if v.kind.IsBinary() {
			return toBinary(v, t)
		}
	case KindDate:
		switch v.kind {
		case KindDate:
			return v, nil
		case KindTimestamp:
			return NewDate(FloorDiv(int64(v.n), msPerDay)), nil
		case KindChar, KindVarchar:
			return ParseDate(v.s)
		}
	case KindTime:
		switch v.kind {
		case KindTime:
			return v, nil
		case KindTimestamp:
			return NewTime(FloorMod(int64(v.n), msPerDay)), nil
		case KindChar, KindVarchar:
			return ParseTime(v.s)
		}
	case KindTimestamp:
		switch v.kind {
		case KindTimestamp:
			return v, nil
		case KindDate:
			days := int64(v.n)
			if days > math.MaxInt64/msPerDay || days < math.MinInt64/msPerDay {
				return Value{}, errorf(CodeDatetimeOverflow, "DATE %s is out of the range of TIMESTAMP", v)
			}
			return NewTimestamp(days * msPerDay), nil
		case KindTime:
			return NewTimestamp(int64(v.n)), nil
		case KindChar, KindVarchar:
			return ParseTimestamp(v.s)
		}
	case KindIntervalDayTime, KindIntervalYearMonth:
		switch {
		case v.kind == t.Kind:
			return v.WithQualifier(t.Interval), nil
		case v.kind.IsString():
			return ParseInterval(v.s, t.Interval)
		}
	}
	return Value{}, errorf(CodeCastNotSupported, "cannot cast %s to %s", v.kind, t)
}

// numericToExact converts a numeric value to an integer kind or DECIMAL(p,s).
func numericToExact(v Value, t Type, round bool) (Value, error) {
	var unscaled int64
	var exact, ok bool
	targetScale, prec := 0, 19
	if t.Kind == KindDecimal {
		targetScale, prec = int(t.Scale), int(t.Precision)
	}
	switch {
	case v.kind.IsInteger():
		unscaled, exact, ok = rescale(int64(v.n), 0, targetScale)
	case v.kind == KindDecimal:
		unscaled, exact, ok = rescale(int64(v.n), int(v.scale), targetScale)
	default:
		f := math.Float64frombits(v.n)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return Value{}, errorf(CodeNumericOverflow, "%s does not fit %s", v, t)
		}
		// The float's shortest decimal text is the number the user sees;
		// converting from it rounds as they expect (2.675 to DECIMAL(3,2) is
		// 2.68, not the 2.67 its binary value would give).
		bitSize := 64
		if v.kind == KindReal {
			bitSize = 32
		}
		var buf [32]byte
		nt, _ := scanNumber(string(strconv.AppendFloat(buf[:0], f, 'e', -1, bitSize)))
		unscaled, exact, ok = nt.unscaled(targetScale, prec)
	}
	if !ok || (!round && !exact) || !fitsPrecision(unscaled, prec) {
		return Value{}, errorf(CodeNumericOverflow, "%s does not fit %s", v, t)
	}
	if t.Kind == KindDecimal {
		return newDecimal(unscaled, targetScale), nil
	}
	if lo, hi := integerRange(t.Kind); unscaled < lo || unscaled > hi {
		return Value{}, errorf(CodeNumericOverflow, "%s is out of the range of %s", v, t)
	}
	return Value{kind: t.Kind, n: uint64(unscaled)}, nil
}

func numericToApprox(v Value, k Kind) (Value, error) {
	f := v.Float64()
	if v.kind == KindDecimal {
		// Via the text, so 0.1 is the double nearest 0.1 whatever the scale.
		var buf [32]byte
		f, _ = strconv.ParseFloat(string(appendDecimal(buf[:0], int64(v.n), int(v.scale))), 64)
	}
	if k == KindReal {
		if math.Abs(f) > math.MaxFloat32 && !math.IsInf(f, 0) {
			return Value{}, errorf(CodeNumericOverflow, "%s is out of the range of REAL", v)
		}
		return NewReal(float32(f)), nil
	}
	return NewDouble(f), nil
}

// intervalToNumber is the interval's count of its last unit.
func intervalToNumber(v Value, t Type) (Value, error) {
	n := int64(v.n)
	if v.kind == KindIntervalDayTime {
		n /= v.qualifier().Last().Millis()
	} else if v.start == UnitYear && v.end == UnitNone {
		n /= 12
	}
	return numericToExact(NewBigInt(n), t, true)
}

// toString is CAST to CHAR(n) or VARCHAR(n).
func toString(v Value, t Type) (Value, error) {
	n := int(t.Length)
	var s string
	if v.kind.IsString() {
		s = truncateChars(v.s, n)
	} else {
		var buf [48]byte
		text := v.AppendText(buf[:0])
		if charCount(string(text)) > n {
			return Value{}, errorf(CodeStringTruncation, "%s is longer than %s", quoteForMessage(string(text)), t)
		}
		s = string(text)
	}
	if t.Kind == KindChar {
		if c := charCount(s); c < n {
			s += strings.Repeat(" ", n-c)
		}
	}
	return Value{kind: t.Kind, s: s}, nil
}

func toBinary(v Value, t Type) (Value, error) {
	n := int(t.Length)
	if len(v.s) > n {
		return Value{}, errorf(CodeStringTruncation, "%d bytes do not fit %s", len(v.s), t)
	}
	s := v.s
	if t.Kind == KindBinary && len(s) < n {
		s += strings.Repeat("\x00", n-len(s))
	}
	return Value{kind: t.Kind, s: s}, nil
}
