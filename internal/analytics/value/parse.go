package value

import (
	"math"
	"strconv"
	"strings"
)

// Parsing of text into values: what CAST from a string accepts, and what
// the record package uses for CSV fields and JSON strings. Leading and
// trailing blanks are ignored, as SQL's CAST ignores them.

// numberText is a numeric literal taken apart: the value is
// (-)digits × 10^exp, digits without leading zeros ("" for zero).
type numberText struct {
	neg bool
	// The digits are intDigits followed by fracDigits, kept apart so that
	// scanning does not allocate to join them.
	intDigits, fracDigits string
	exp                   int
	hasFrac               bool // a point or an exponent was written: not an integer literal
}

// isZero reports that every digit is 0.
func (t numberText) isZero() bool { return t.intDigits == "" && t.fracDigits == "" }

// appendDigits appends all the digits.
func (t numberText) appendDigits(dst []byte) []byte {
	return append(append(dst, t.intDigits...), t.fracDigits...)
}

// maxExponent bounds the exponents scanNumber accepts, far past anything a
// DECIMAL or a DOUBLE can hold, so exponent arithmetic cannot overflow.
const maxExponent = 100_000

// scanNumber reads [+-]digits[.digits][(e|E)[+-]digits] (digits on at least
// one side of the point). It returns ok false for anything else, including
// hex, underscores, Inf and NaN, which ParseFloat would take but SQL does not.
func scanNumber(s string) (numberText, bool) {
	var t numberText
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		t.neg = s[i] == '-'
		i++
	}
	intStart := i
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[intStart:i]
	fracPart := ""
	if i < len(s) && s[i] == '.' {
		t.hasFrac = true
		i++
		fs := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		fracPart = s[fs:i]
	}
	if intPart == "" && fracPart == "" {
		return t, false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		t.hasFrac = true
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		es := i
		for i < len(s) && isDigit(s[i]) {
			if exp < maxExponent {
				exp = exp*10 + int(s[i]-'0')
			}
			i++
		}
		if es == i {
			return t, false
		}
		if eneg {
			exp = -exp
		}
	}
	if i != len(s) {
		return t, false
	}
	// Drop leading zeros and fold the fraction into the exponent. Trailing
	// zeros stay: they matter to nothing but cost nothing.
	t.exp = exp - len(fracPart)
	for len(intPart) > 0 && intPart[0] == '0' {
		intPart = intPart[1:]
	}
	if intPart == "" {
		for len(fracPart) > 0 && fracPart[0] == '0' {
			fracPart = fracPart[1:]
		}
	}
	t.intDigits, t.fracDigits = intPart, fracPart
	return t, true
}

// unscaled is the number at scale s as an int64, rounded half away from
// zero; exact reports that no nonzero digit was dropped; ok is false when it
// does not fit precision p (p <= 19: 19 means the int64 range).
func (t numberText) unscaled(s, p int) (v int64, exact, ok bool) {
	if t.isZero() {
		return 0, true, true
	}
	shift := t.exp + s // digits × 10^shift
	var buf [48]byte
	d := t.appendDigits(buf[:0]) // allocates only for absurdly long numbers
	roundUp := false
	exact = true
	if shift < 0 {
		drop := -shift
		if drop > len(d) {
			// Everything is below the last kept digit: 0 (no digit lands
			// on the rounding position).
			return 0, false, true
		}
		kept, dropped := d[:len(d)-drop], d[len(d)-drop:]
		roundUp = dropped[0] >= '5'
		for _, c := range dropped {
			if c != '0' {
				exact = false
				break
			}
		}
		d = kept
		shift = 0
	}
	// Strip leading zeros again (digits dropped from the right can leave
	// none) and check the length before building the number.
	for len(d) > 0 && d[0] == '0' {
		d = d[1:]
	}
	if len(d)+shift > p || len(d)+shift > 19 {
		return 0, exact, false
	}
	var u uint64
	for i := 0; i < len(d); i++ {
		u = u*10 + uint64(d[i]-'0')
	}
	for ; shift > 0; shift-- {
		u *= 10
	}
	if roundUp {
		u++
	}
	if u > math.MaxInt64 && !(t.neg && u == 1<<63) {
		return 0, exact, false
	}
	if p < 19 && u >= uint64(pow10[p]) {
		return 0, exact, false
	}
	if t.neg {
		return -int64(u), exact, true
	}
	return int64(u), exact, true
}

// trimBlanks removes SQL's blanks (spaces, tabs, line breaks) at both ends.
func trimBlanks(s string) string {
	i, j := 0, len(s)
	for i < j && isSpace(s[i]) {
		i++
	}
	for j > i && isSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// ParseNumber reads a numeric literal as the most exact value it can be: a
// BIGINT for an integer that fits, a DECIMAL for a fixed-point number of at
// most 18 digits, otherwise a DOUBLE. It is what a JSON number or an untyped
// CSV field becomes before it is coerced to a column's type.
func ParseNumber(s string) (Value, error) {
	s = trimBlanks(s)
	t, ok := scanNumber(s)
	if !ok {
		return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a number", quoteForMessage(s))
	}
	if !t.hasFrac {
		if v, _, ok := t.unscaled(0, 19); ok {
			return NewBigInt(v), nil
		}
	} else if scale := -t.exp; scale >= 0 && scale <= MaxDecimalPrecision {
		if v, exact, ok := t.unscaled(scale, MaxDecimalPrecision); ok && exact {
			return newDecimal(v, scale), nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return Value{}, errorf(CodeNumericOverflow, "%s is out of the range of DOUBLE", quoteForMessage(s))
	}
	return NewDouble(f), nil
}

// parseExact reads s as a value of the exact numeric type t (an integer
// kind or DECIMAL(p,s)). With round, extra fraction digits are rounded half
// away from zero (CAST); without, they are an overflow (the input mapping:
// "converting 123.4 to INT fails").
func parseExact(s string, t Type, round bool) (Value, error) {
	s = trimBlanks(s)
	nt, ok := scanNumber(s)
	if !ok {
		return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a valid %s", quoteForMessage(s), t)
	}
	if t.Kind == KindDecimal {
		v, exact, ok := nt.unscaled(int(t.Scale), int(t.Precision))
		if !ok || (!round && !exact) {
			return Value{}, errorf(CodeNumericOverflow, "%s does not fit %s", quoteForMessage(s), t)
		}
		return newDecimal(v, int(t.Scale)), nil
	}
	v, exact, ok := nt.unscaled(0, 19)
	if ok && (round || exact) {
		if lo, hi := integerRange(t.Kind); v >= lo && v <= hi {
			return Value{kind: t.Kind, n: uint64(v)}, nil
		}
	}
	return Value{}, errorf(CodeNumericOverflow, "%s does not fit %s", quoteForMessage(s), t)
}

// parseApprox reads s as a REAL or DOUBLE.
func parseApprox(s string, k Kind) (Value, error) {
	s = trimBlanks(s)
	if _, ok := scanNumber(s); !ok {
		return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a valid %s", quoteForMessage(s), k)
	}
	bitSize := 64
	if k == KindReal {
		bitSize = 32
	}
	f, err := strconv.ParseFloat(s, bitSize)
	if err != nil || math.IsInf(f, 0) {
		return Value{}, errorf(CodeNumericOverflow, "%s is out of the range of %s", quoteForMessage(s), k)
	}
	return Value{kind: k, n: math.Float64bits(f)}, nil
}

// ParseBoolean reads TRUE or FALSE, case-insensitively, as CAST does; the
// input mapping's looser rule ("true" is true, anything else false) is the
// record package's.
func ParseBoolean(s string) (Value, error) {
	s = trimBlanks(s)
	switch {
	case equalFold(s, "TRUE"):
		return NewBoolean(true), nil
	case equalFold(s, "FALSE"):
		return NewBoolean(false), nil
	case equalFold(s, "UNKNOWN"):
		return Value{}, nil
	}
	return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a valid BOOLEAN", quoteForMessage(s))
}

// dateFields reads y-M-d at the start of s (year 1–4 digits, month and day
// 1–2), returning the rest.
func dateFields(s string) (y, m, d int64, rest string, ok bool) {
	i := 0
	y, i, ok = fieldDigits(s, i, 1, 4)
	if !ok || i >= len(s) || s[i] != '-' {
		return 0, 0, 0, s, false
	}
	m, i, ok = fieldDigits(s, i+1, 1, 2)
	if !ok || i >= len(s) || s[i] != '-' {
		return 0, 0, 0, s, false
	}
	d, i, ok = fieldDigits(s, i+1, 1, 2)
	if !ok {
		return 0, 0, 0, s, false
	}
	if y < minYear || y > maxYear || m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, m) {
		return 0, 0, 0, s, false
	}
	return y, m, d, s[i:], true
}

// timeFields reads H:m[:s[.fff…]] at the start of s as milliseconds of the
// day; fraction digits past the third are dropped (milliseconds are all a
// TIMESTAMP keeps).
func timeFields(s string) (ms int64, rest string, ok bool) {
	h, i, ok := fieldDigits(s, 0, 1, 2)
	if !ok || i >= len(s) || s[i] != ':' {
		return 0, s, false
	}
	mi, i, ok := fieldDigits(s, i+1, 1, 2)
	if !ok {
		return 0, s, false
	}
	var sec, frac int64
	if i < len(s) && s[i] == ':' {
		if sec, i, ok = fieldDigits(s, i+1, 1, 2); !ok {
			return 0, s, false
		}
		if i < len(s) && s[i] == '.' {
			i++
			start := i
			for i < len(s) && isDigit(s[i]) {
				if i-start < 3 {
					frac = frac*10 + int64(s[i]-'0')
				}
				i++
			}
			if i == start {
				return 0, s, false
			}
			for n := i - start; n < 3; n++ {
				frac *= 10
			}
		}
	}
	if h > 23 || mi > 59 || sec > 59 {
		return 0, s, false
	}
	return h*msPerHour + mi*msPerMinute + sec*msPerSecond + frac, s[i:], true
}

// fieldDigits reads minDigits–maxDigits digits at s[i:].
func fieldDigits(s string, i, minDigits, maxDigits int) (int64, int, bool) {
	start := i
	var n int64
	for i < len(s) && isDigit(s[i]) && i-start < maxDigits {
		n = n*10 + int64(s[i]-'0')
		i++
	}
	if i-start < minDigits || (i < len(s) && isDigit(s[i])) {
		return 0, i, false
	}
	return n, i, true
}

// ParseTimestamp reads a TIMESTAMP: "yyyy-MM-dd HH:mm:ss[.fff]" (SQL's
// form), with 'T' allowed for the space and a trailing 'Z' (ISO 8601, as
// Python's isoformat writes the guide's EVENT_TIME samples), seconds
// optional, any number of fraction digits (kept to the millisecond), or a
// date alone (midnight).
func ParseTimestamp(s string) (Value, error) {
	s = trimBlanks(s)
	y, m, d, rest, ok := dateFields(s)
	if ok {
		days := DaysFromCivil(y, m, d)
		if rest == "" {
			return NewTimestamp(days * msPerDay), nil
		}
		if rest[0] == ' ' || rest[0] == 'T' || rest[0] == 't' {
			r := trimLeftSpaces(rest[1:])
			if ms, tail, ok := timeFields(r); ok && (tail == "" || tail == "Z" || tail == "z") {
				return NewTimestamp(days*msPerDay + ms), nil
			}
		}
	}
	return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a valid TIMESTAMP", quoteForMessage(s))
}

func trimLeftSpaces(s string) string {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	return s
}

// ParseDate reads a DATE, "yyyy-MM-dd"; a timestamp's text is accepted and
// its time dropped, as the input mapping lists both as valid datetimes.
func ParseDate(s string) (Value, error) {
	s = trimBlanks(s)
	if y, m, d, rest, ok := dateFields(s); ok && rest == "" {
		return NewDate(DaysFromCivil(y, m, d)), nil
	}
	if ts, err := ParseTimestamp(s); err == nil {
		return NewDate(FloorDiv(ts.Int64(), msPerDay)), nil
	}
	return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a valid DATE", quoteForMessage(s))
}

// ParseTime reads a TIME, "HH:mm[:ss[.fff]]"; a timestamp's text gives its
// time of day.
func ParseTime(s string) (Value, error) {
	s = trimBlanks(s)
	if ms, rest, ok := timeFields(s); ok && rest == "" {
		return NewTime(ms), nil
	}
	if ts, err := ParseTimestamp(s); err == nil {
		return NewTime(FloorMod(ts.Int64(), msPerDay)), nil
	}
	return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a valid TIME", quoteForMessage(s))
}

// ParseBinaryLiteral reads X'3F67A2' (or x'…', or the bare hex digits) with
// an even number of hex digits: the form the input mapping accepts for
// BINARY and VARBINARY columns.
func ParseBinaryLiteral(s string) (Value, error) {
	s = trimBlanks(s)
	h := s
	if len(h) >= 3 && (h[0] == 'X' || h[0] == 'x') && h[1] == '\'' && h[len(h)-1] == '\'' {
		h = h[2 : len(h)-1]
	}
	if len(h)%2 != 0 {
		return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a binary literal (odd number of hex digits)", quoteForMessage(s))
	}
	b := make([]byte, len(h)/2)
	for i := range b {
		hi, ok1 := hexValue(h[2*i])
		lo, ok2 := hexValue(h[2*i+1])
		if !ok1 || !ok2 {
			return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a binary literal", quoteForMessage(s))
		}
		b[i] = hi<<4 | lo
	}
	return Value{kind: KindVarbinary, s: string(b)}, nil
}

func hexValue(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// NumericLiteral is the value of a numeric literal in SQL text, typed as
// SQL types literals: digits alone are an INTEGER, or a BIGINT past 32
// bits; digits with a point are a DECIMAL with as many
// fraction digits as written (1.50 is DECIMAL(3,2)); a literal with an
// exponent is a DOUBLE (1.5E0). Past BIGINT or 18 digits is an overflow.
func NumericLiteral(text string) (Value, error) {
	t, ok := scanNumber(text)
	if !ok || t.neg || text == "" || text[0] == '+' {
		return Value{}, errorf(CodeInvalidCharacterValue, "%s is not a numeric literal", quoteForMessage(text))
	}
	if strings.ContainsAny(text, "eE") {
		return parseApprox(text, KindDouble)
	}
	if !t.hasFrac {
		if v, _, ok := t.unscaled(0, 19); ok {
			if v <= math.MaxInt32 {
				return NewInteger(int32(v)), nil
			}
			return NewBigInt(v), nil
		}
		return Value{}, errorf(CodeNumericOverflow, "%s is out of the range of BIGINT", quoteForMessage(text))
	}
	scale := -t.exp
	if scale > MaxDecimalPrecision {
		return Value{}, errorf(CodeNumericOverflow, "%s has more than %d fraction digits", quoteForMessage(text), MaxDecimalPrecision)
	}
	v, _, ok := t.unscaled(scale, MaxDecimalPrecision)
	if !ok {
		return Value{}, errorf(CodeNumericOverflow, "%s has more than %d digits", quoteForMessage(text), MaxDecimalPrecision)
	}
	return newDecimal(v, scale), nil
}
