package value

import (
	"math"
	"strconv"
	"unicode/utf8"
)

// String is the value as text (see AppendText), and "NULL" for NULL.
func (v Value) String() string {
	if v.kind == KindNull {
		return "NULL"
	}
	return string(v.AppendText(nil))
}

// AppendText appends the value as KDA prints it: the text of CAST(v AS
// VARCHAR), which the JSON and CSV outputs also write (see the package doc
// for each kind). NULL appends nothing: each output says NULL its own way.
func (v Value) AppendText(dst []byte) []byte {
	switch v.kind {
	case KindNull:
		return dst
	case KindBoolean:
		if v.n != 0 {
			return append(dst, "TRUE"...)
		}
		return append(dst, "FALSE"...)
	case KindTinyInt, KindSmallInt, KindInteger, KindBigInt:
		return strconv.AppendInt(dst, int64(v.n), 10)
	case KindDecimal:
		return appendDecimal(dst, int64(v.n), int(v.scale))
	case KindReal:
		return appendJavaFloat(dst, math.Float64frombits(v.n), 32)
	case KindDouble:
		return appendJavaFloat(dst, math.Float64frombits(v.n), 64)
	case KindChar, KindVarchar:
		return append(dst, v.s...)
	case KindBinary, KindVarbinary:
		return appendHex(dst, v.s)
	case KindDate:
		return appendDate(dst, int64(v.n))
	case KindTime:
		return appendTimeOfDay(dst, int64(v.n))
	case KindTimestamp:
		ms := int64(v.n)
		days := FloorDiv(ms, msPerDay)
		dst = appendDate(dst, days)
		dst = append(dst, ' ')
		return appendTimeOfDay(dst, ms-days*msPerDay)
	case KindIntervalDayTime, KindIntervalYearMonth:
		return appendInterval(dst, int64(v.n), v.kind, v.qualifier())
	}
	return dst
}

// appendDecimal writes unscaled×10^-scale with exactly scale fraction
// digits and a 0 before the point: 84.51, 0.05, -0.50.
func appendDecimal(dst []byte, unscaled int64, scale int) []byte {
	if scale == 0 {
		return strconv.AppendInt(dst, unscaled, 10)
	}
	u := abs64(unscaled)
	if unscaled < 0 {
		dst = append(dst, '-')
	}
	var buf [24]byte
	digits := strconv.AppendUint(buf[:0], u, 10)
	if len(digits) <= scale {
		dst = append(dst, '0', '.')
		for i := len(digits); i < scale; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	point := len(digits) - scale
	dst = append(dst, digits[:point]...)
	dst = append(dst, '.')
	return append(dst, digits[point:]...)
}

// appendJavaFloat writes f as Java's Double.toString (bitSize 64) or
// Float.toString (bitSize 32) does, with the shortest digits that read back
// as the same number: plain notation with at least one fraction digit for
// 10^-3 <= |f| < 10^7 (100.0, 84.51, 0.001), otherwise d.dddE±n (1.0E7,
// 1.5E-4); NaN, Infinity, -Infinity.
func appendJavaFloat(dst []byte, f float64, bitSize int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	case f == 0:
		if math.Signbit(f) {
			return append(dst, "-0.0"...)
		}
		return append(dst, "0.0"...)
	}
	// 'e' with the shortest precision gives d.ddde±XX: the digits and the
	// decimal exponent.
	var buf [32]byte
	e := strconv.AppendFloat(buf[:0], f, 'e', -1, bitSize)
	neg := e[0] == '-'
	if neg {
		e = e[1:]
		dst = append(dst, '-')
	}
	epos := 0
	for i, c := range e {
		if c == 'e' {
			epos = i
			break
		}
	}
	mant, expText := e[:epos], e[epos+1:]
	exp, _ := strconv.Atoi(string(expText))
	var digits [24]byte
	nd := 0
	for _, c := range mant {
		if c != '.' {
			digits[nd] = c
			nd++
		}
	}
	ds := digits[:nd]
	if exp >= -3 && exp < 7 {
		if exp < 0 {
			dst = append(dst, '0', '.')
			for i := -1; i > exp; i-- {
				dst = append(dst, '0')
			}
			return append(dst, ds...)
		}
		intDigits := exp + 1
		if nd <= intDigits {
			dst = append(dst, ds...)
			for i := nd; i < intDigits; i++ {
				dst = append(dst, '0')
			}
			return append(dst, '.', '0')
		}
		dst = append(dst, ds[:intDigits]...)
		dst = append(dst, '.')
		return append(dst, ds[intDigits:]...)
	}
	if nd == 1 {
		// Java prints at least two digits in this layout and picks the two
		// closest to the value: Double.MIN_VALUE is 4.9E-324, not 5.0E-324.
		two := strconv.AppendFloat(buf[:0], math.Abs(f), 'e', 1, bitSize)
		ds = []byte{two[0], two[2]}
		exp, _ = strconv.Atoi(string(two[4:]))
	}
	dst = append(dst, ds[0], '.')
	dst = append(dst, ds[1:]...)
	dst = append(dst, 'E')
	return strconv.AppendInt(dst, int64(exp), 10)
}

const hexDigits = "0123456789ABCDEF"

func appendHex(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		dst = append(dst, hexDigits[s[i]>>4], hexDigits[s[i]&0xF])
	}
	return dst
}

// appendDate writes yyyy-MM-dd; a year outside 0–9999 (only reachable by
// arithmetic) is written with its sign and all its digits.
func appendDate(dst []byte, days int64) []byte {
	y, m, d := CivilFromDays(days)
	if y < 0 {
		dst = append(dst, '-')
		y = -y
	}
	if y < 1000 {
		dst = appendPadded(dst, y, 4)
	} else {
		dst = strconv.AppendInt(dst, y, 10)
	}
	dst = append(dst, '-')
	dst = appendPadded(dst, m, 2)
	dst = append(dst, '-')
	return appendPadded(dst, d, 2)
}

// appendTimeOfDay writes HH:mm:ss.SSS for ms in [0, a day).
func appendTimeOfDay(dst []byte, ms int64) []byte {
	dst = appendPadded(dst, ms/msPerHour, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, ms/msPerMinute%60, 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, ms/msPerSecond%60, 2)
	dst = append(dst, '.')
	return appendPadded(dst, ms%msPerSecond, 3)
}

func appendPadded(dst []byte, n int64, width int) []byte {
	var buf [20]byte
	s := strconv.AppendInt(buf[:0], n, 10)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}

// appendInterval writes an interval as the body of its literal with a sign:
// +1 02:03:04.000 (DAY TO SECOND), +90 (MINUTE), -1-06 (YEAR TO MONTH),
// +4.500 (SECOND).
func appendInterval(dst []byte, n int64, k Kind, q Qualifier) []byte {
	if n < 0 {
		dst = append(dst, '-')
	} else {
		dst = append(dst, '+')
	}
	u := abs64(n)
	if k == KindIntervalYearMonth {
		if q.Start == UnitMonth {
			return strconv.AppendUint(dst, u, 10)
		}
		dst = strconv.AppendUint(dst, u/12, 10)
		if q.End == UnitMonth {
			dst = append(dst, '-')
			dst = appendPadded(dst, int64(u%12), 2)
		}
		return dst
	}
	last := q.Last()
	first := true
	for unit := q.Start; unit <= last; unit++ {
		size := uint64(unit.Millis())
		var field uint64
		if first {
			field = u / size
		} else {
			field = u / size % uint64(unitModulus(unit))
		}
		switch {
		case first:
			dst = strconv.AppendUint(dst, field, 10)
		case unit == UnitHour:
			dst = append(dst, ' ')
			dst = appendPadded(dst, int64(field), 2)
		default:
			dst = append(dst, ':')
			dst = appendPadded(dst, int64(field), 2)
		}
		first = false
	}
	if last == UnitSecond {
		dst = append(dst, '.')
		dst = appendPadded(dst, int64(u%1000), 3)
	}
	return dst
}

// unitModulus is how many of a unit make the next larger one.
func unitModulus(u Unit) int64 {
	switch u {
	case UnitHour:
		return 24
	case UnitMinute, UnitSecond:
		return 60
	case UnitMonth:
		return 12
	}
	return 1 << 62
}

// charCount is the number of characters (code points) of s; invalid UTF-8
// bytes count one each.
func charCount(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.RuneCountInString(s)
		}
	}
	return len(s)
}

// truncateChars is the first n characters of s.
func truncateChars(s string, n int) string {
	if len(s) <= n {
		return s
	}
	count := 0
	for i := range s {
		if count == n {
			return s[:i]
		}
		count++
	}
	return s
}
