package value

import (
	"encoding/binary"
	"math"
	"strings"
)

// class groups the kinds that compare with each other.
type class uint8

const (
	classNone class = iota
	classBoolean
	classNumeric
	classString
	classBinary
	classDatetime // DATE and TIMESTAMP compare; TIME only with TIME
	classTime
	classDayTime
	classYearMonth
)

func classOf(k Kind) class {
	switch {
	case k == KindBoolean:
		return classBoolean
	case k.IsNumeric():
		return classNumeric
	case k.IsString():
		return classString
	case k.IsBinary():
		return classBinary
	case k == KindDate || k == KindTimestamp:
		return classDatetime
	case k == KindTime:
		return classTime
	case k == KindIntervalDayTime:
		return classDayTime
	case k == KindIntervalYearMonth:
		return classYearMonth
	}
	return classNone
}

// Comparable reports whether values of types a and b can be compared (=,
// <, ORDER BY, a join condition): both numeric, both strings, both dates or
// timestamps, and so on. The NULL literal compares with anything. A string
// does not compare with a number without a CAST, as in SQLstream.
func Comparable(a, b Type) bool {
	if a.Kind == KindNull || b.Kind == KindNull {
		return true
	}
	ca := classOf(a.Kind)
	return ca != classNone && ca == classOf(b.Kind)
}

// Compare orders a and b: -1, 0 or 1, with known true. known is false when
// either is NULL (the comparison is UNKNOWN) or the kinds do not compare
// (which Comparable refuses at validation).
//
// Numbers compare by value across kinds (1 = 1.0); strings by their UTF-8
// bytes, with trailing blanks ignored when either side is a CHAR (SQL's PAD
// SPACE: 'a' = 'a  '); a DATE as midnight of its day against a TIMESTAMP.
func Compare(a, b Value) (c int, known bool) {
	if a.kind == KindNull || b.kind == KindNull {
		return 0, false
	}
	if a.kind == b.kind {
		switch a.kind {
		case KindTinyInt, KindSmallInt, KindInteger, KindBigInt, KindDate, KindTime, KindTimestamp,
			KindIntervalDayTime, KindIntervalYearMonth:
			return cmpInt(int64(a.n), int64(b.n)), true
		case KindDouble, KindReal:
			return cmpFloat(math.Float64frombits(a.n), math.Float64frombits(b.n)), true
		case KindVarchar, KindBinary, KindVarbinary:
			return strings.Compare(a.s, b.s), true
		}
	}
	ca := classOf(a.kind)
	if ca == classNone || ca != classOf(b.kind) {
		return 0, false
	}
	switch ca {
	case classBoolean:
		return cmpInt(int64(a.n), int64(b.n)), true
	case classNumeric:
		return compareNumbers(a, b), true
	case classString:
		if a.kind == KindChar || b.kind == KindChar {
			return strings.Compare(strings.TrimRight(a.s, " "), strings.TrimRight(b.s, " ")), true
		}
		return strings.Compare(a.s, b.s), true
	case classBinary:
		return strings.Compare(a.s, b.s), true
	case classDatetime:
		return cmpInt(datetimeMillis(a), datetimeMillis(b)), true
	}
	return cmpInt(int64(a.n), int64(b.n)), true
}

// Equal is Compare's equality: eq with known true, or known false when
// either is NULL or the kinds do not compare.
func Equal(a, b Value) (eq, known bool) {
	c, known := Compare(a, b)
	return c == 0 && known, known
}

func datetimeMillis(v Value) int64 {
	if v.kind == KindDate {
		d := int64(v.n)
		switch {
		case d > math.MaxInt64/msPerDay:
			return math.MaxInt64
		case d < math.MinInt64/msPerDay:
			return math.MinInt64
		}
		return d * msPerDay
	}
	return int64(v.n)
}

// compareNumbers compares two numeric values of different kinds: exactly
// when both are exact, as float64 when either is approximate (as SQL
// converts the exact one to the approximate type).
func compareNumbers(a, b Value) int {
	if a.kind.IsExact() && b.kind.IsExact() {
		return compareDecimals(int64(a.n), int(a.scale), int64(b.n), int(b.scale))
	}
	return cmpFloat(a.Float64(), b.Float64())
}

// cmpFloat orders floats with NaN (which values never hold, but a caller
// could construct) after everything, so the order stays total.
func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	case x == y:
		return 0
	case math.IsNaN(x) && math.IsNaN(y):
		return 0
	case math.IsNaN(x):
		return 1
	}
	return -1
}

// SortCompare is a total order for ORDER BY and sorted state: NULL first,
// then by Compare; values whose kinds do not compare order by kind.
func SortCompare(a, b Value) int {
	switch {
	case a.kind == KindNull && b.kind == KindNull:
		return 0
	case a.kind == KindNull:
		return -1
	case b.kind == KindNull:
		return 1
	}
	if c, ok := Compare(a, b); ok {
		return c
	}
	return cmpInt(int64(classOf(a.kind)), int64(classOf(b.kind)))
}

// AppendKey appends a byte string that identifies v for grouping (GROUP BY,
// DISTINCT, PARTITION BY, join keys): two values of one type get the same
// key exactly when they are equal, and NULLs share a key. Across kinds,
// equal integers and DECIMALs share keys (1 and 1.00), as do integers and
// doubles that hold an integer; a fractional DECIMAL and a DOUBLE do not
// (0.1 is not exactly any double), so group on a column of one type. Keys
// of several columns concatenate unambiguously.
func AppendKey(dst []byte, v Value) []byte {
	c := classOf(v.kind)
	dst = append(dst, byte(c))
	switch c {
	case classNone:
		return dst
	case classNumeric:
		return appendNumericKey(dst, v)
	case classString:
		s := v.s
		if v.kind == KindChar {
			s = strings.TrimRight(s, " ")
		} else if strings.HasSuffix(s, " ") {
			// A VARCHAR with trailing blanks still equals the CHAR without
			// them only under PAD SPACE, which applies when a CHAR is
			// involved; group VARCHARs by their exact text.
			dst = append(dst, 1)
		}
		dst = binary.AppendUvarint(dst, uint64(len(s)))
		return append(dst, s...)
	case classBinary:
		dst = binary.AppendUvarint(dst, uint64(len(v.s)))
		return append(dst, v.s...)
	case classDatetime:
		return binary.BigEndian.AppendUint64(dst, uint64(datetimeMillis(v)))
	}
	return binary.BigEndian.AppendUint64(dst, v.n)
}

// appendNumericKey makes equal numbers of different kinds (1, 1.0, 1.00)
// share a key: integers and DECIMALs whose value is an integer become that
// integer, other DECIMALs their digits without trailing zeros, floats their
// bits (with -0 as 0) unless they hold an integer exactly.
func appendNumericKey(dst []byte, v Value) []byte {
	switch {
	case v.kind.IsInteger():
		return appendIntKey(dst, int64(v.n))
	case v.kind == KindDecimal:
		u, s := int64(v.n), int(v.scale)
		for s > 0 && u%10 == 0 {
			u /= 10
			s--
		}
		if s == 0 {
			return appendIntKey(dst, u)
		}
		dst = append(dst, 'd', byte(s))
		return binary.BigEndian.AppendUint64(dst, uint64(u))
	default:
		f := math.Float64frombits(v.n)
		if f == math.Trunc(f) && math.Abs(f) < 1<<63 {
			return appendIntKey(dst, int64(f))
		}
		return appendFloatKey(dst, f)
	}
}

func appendIntKey(dst []byte, i int64) []byte {
	dst = append(dst, 'i')
	return binary.BigEndian.AppendUint64(dst, uint64(i))
}

func appendFloatKey(dst []byte, f float64) []byte {
	if f == 0 {
		f = 0 // -0 groups with 0
	}
	dst = append(dst, 'f')
	return binary.BigEndian.AppendUint64(dst, math.Float64bits(f))
}
