package convert

import (
	"encoding/base64"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// mismatch is a value that does not fit its column: the record fails with
// DataFormatConversion.MalformedData.
type mismatch struct {
	path string
	msg  string
}

func (m *mismatch) Error() string { return m.path + ": " + m.msg }

func mismatchf(path, format string, args ...any) *mismatch {
	return &mismatch{path: path, msg: fmt.Sprintf(format, args...)}
}

// kv is one map entry, coerced.
type kv struct {
	key, val any
}

// row coerces one JSON object into the table's columns: a value per
// column, nil for null or missing.
func (c *compiled) row(obj *jvalue) ([]any, error) {
	out := make([]any, len(c.columns))
	for i, col := range c.columns {
		key := col.name
		if k, ok := c.mapping[c.fold(col.name)]; ok {
			key = k
		}
		v := obj.get(key, c.caseInsensitive)
		if v == nil || v.kind == jNull {
			continue
		}
		x, err := c.coerce(col.typ, v, col.name)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// coerce converts a non-null JSON value to t's Go representation for the
// Parquet writer: []byte (string, char, varchar, binary, and a decimal's
// fixed-length two's complement), bool, int32 (tinyint, smallint, int,
// date), int64, float32, float64, deprecated.Int96 (timestamp), []any
// (array, and struct members in order) and []kv (map). A nil result is a
// null (a decimal that does not fit its precision, as Hive makes it).
func (c *compiled) coerce(t *hiveType, v *jvalue, path string) (any, error) {
	if v.kind == jNull {
		return nil, nil
	}
	switch t.kind {
	case kString, kVarchar, kChar:
		var s string
		switch v.kind {
		case jString, jNumber:
			s = v.s
		case jBool:
			s = strconv.FormatBool(v.b)
		default:
			if c.hive {
				return nil, mismatchf(path, "%s cannot be %s: the Hive JSON SerDe does not turn nested JSON into text", t, v.describe())
			}
			s = string(v.appendJSON(nil))
		}
		switch t.kind {
		case kVarchar:
			s = truncateRunes(s, t.length)
		case kChar:
			s = strings.TrimRight(truncateRunes(s, t.length), " ")
		}
		return []byte(s), nil
	case kBoolean:
		switch {
		case v.kind == jBool:
			return v.b, nil
		case v.kind == jString && strings.EqualFold(v.s, "true"):
			return true, nil
		case v.kind == jString && strings.EqualFold(v.s, "false"):
			return false, nil
		}
		return nil, mismatchf(path, "boolean cannot be %s", v.describe())
	case kTinyint, kSmallint, kInt, kBigint:
		text, err := c.numberText(t, v, path)
		if err != nil {
			return nil, err
		}
		bits := map[kind]int{kTinyint: 8, kSmallint: 16, kInt: 32, kBigint: 64}[t.kind]
		n, err := strconv.ParseInt(text, 10, bits)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, mismatchf(path, "%s is out of range for %s", text, t)
			}
			return nil, mismatchf(path, "%s cannot be %s", t, v.describe())
		}
		if t.kind == kBigint {
			return n, nil
		}
		return int32(n), nil
	case kFloat, kDouble:
		text, err := c.numberText(t, v, path)
		if err != nil {
			return nil, err
		}
		bits := 64
		if t.kind == kFloat {
			bits = 32
		}
		f, err := strconv.ParseFloat(text, bits)
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange && !math.IsInf(f, 0) {
				f, err = 0, nil // underflow: Java reads it as zero
			}
		}
		if err != nil {
			if ne, ok := err.(*strconv.NumError); ok && ne.Err == strconv.ErrRange {
				return nil, mismatchf(path, "%s is out of range for %s", text, t)
			}
			return nil, mismatchf(path, "%s cannot be %s", t, v.describe())
		}
		if t.kind == kFloat {
			return float32(f), nil
		}
		return f, nil
	case kDecimal:
		text, err := c.numberText(t, v, path)
		if err != nil {
			return nil, err
		}
		unscaled, ok := decimalUnscaled(text, t.scale)
		if !ok {
			return nil, mismatchf(path, "%s cannot be %s", t, v.describe())
		}
		if unscaled == nil || len(new(big.Int).Abs(unscaled).Text(10)) > t.precision && unscaled.Sign() != 0 {
			return nil, nil // does not fit: Hive stores null
		}
		return decimalBytes(unscaled, decimalByteLength(t.precision)), nil
	case kDate:
		if v.kind != jString {
			return nil, mismatchf(path, "date cannot be %s", v.describe())
		}
		d, ok := parseDate(v.s)
		if !ok {
			return nil, mismatchf(path, "%s is not a date (yyyy-mm-dd)", v.describe())
		}
		return d, nil
	case kTimestamp:
		if v.kind != jString && v.kind != jNumber {
			return nil, mismatchf(path, "timestamp cannot be %s", v.describe())
		}
		var (
			t  ts
			ok bool
		)
		if c.hive {
			t, ok = parseHiveTimestamp(v.s, c.formats)
		} else {
			t, ok = parseOpenXTimestamp(v.s)
		}
		if !ok {
			return nil, mismatchf(path, "%s is not a timestamp the %s reads", v.describe(), c.serdeName())
		}
		return t.int96(), nil
	case kBinary:
		if v.kind != jString {
			return nil, mismatchf(path, "binary cannot be %s (binary columns take base64 text)", v.describe())
		}
		b, err := base64.StdEncoding.DecodeString(v.s)
		if err != nil {
			if b, err = base64.RawStdEncoding.DecodeString(v.s); err != nil {
				return nil, mismatchf(path, "%s is not base64", v.describe())
			}
		}
		return b, nil
	case kArray:
		elems := v.arr
		if v.kind != jArray {
			if c.hive {
				return nil, mismatchf(path, "%s cannot be %s", t, v.describe())
			}
			elems = []*jvalue{v} // OpenX reads a lone value as a one-element array
		}
		out := make([]any, len(elems))
		for i, e := range elems {
			x, err := c.coerce(t.elem, e, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			out[i] = x
		}
		return out, nil
	case kMap:
		if v.kind != jObject {
			return nil, mismatchf(path, "%s cannot be %s", t, v.describe())
		}
		out := make([]kv, 0, len(v.obj))
		index := make(map[string]int, len(v.obj))
		for _, m := range v.obj {
			kp := path + "[" + strconv.Quote(m.key) + "]"
			k, err := c.coerceKey(t.key, m.key, kp)
			if err != nil {
				return nil, err
			}
			val, err := c.coerce(t.val, m.val, kp)
			if err != nil {
				return nil, err
			}
			if i, dup := index[m.key]; dup { // a repeated key: the last one wins
				out[i].val = val
				continue
			}
			index[m.key] = len(out)
			out = append(out, kv{key: k, val: val})
		}
		return out, nil
	default: // struct
		out := make([]any, len(t.fields))
		switch {
		case v.kind == jObject:
			for i, f := range t.fields {
				m := v.get(c.fold(f.name), c.caseInsensitive)
				if m == nil {
					continue
				}
				x, err := c.coerce(f.typ, m, path+"."+f.name)
				if err != nil {
					return nil, err
				}
				out[i] = x
			}
		case v.kind == jArray && !c.hive: // OpenX fills a struct from an array by position
			for i, f := range t.fields {
				if i >= len(v.arr) {
					break
				}
				x, err := c.coerce(f.typ, v.arr[i], path+"."+f.name)
				if err != nil {
					return nil, err
				}
				out[i] = x
			}
		default:
			return nil, mismatchf(path, "struct cannot be %s", v.describe())
		}
		return out, nil
	}
}

// coerceKey converts a map key, which JSON always writes as text, to the
// key type: both SerDes parse it from the text.
func (c *compiled) coerceKey(t *hiveType, key, path string) (any, error) {
	v := &jvalue{kind: jString, s: key}
	switch t.kind {
	case kTinyint, kSmallint, kInt, kBigint, kFloat, kDouble, kDecimal:
		v.kind = jNumber
		if _, err := strconv.ParseFloat(strings.TrimSpace(key), 64); err != nil {
			if ne, ok := err.(*strconv.NumError); !ok || ne.Err != strconv.ErrRange {
				return nil, mismatchf(path, "map key %q is not a number", key)
			}
		}
		v.s = strings.TrimSpace(key)
	case kBoolean:
		if !strings.EqualFold(key, "true") && !strings.EqualFold(key, "false") {
			return nil, mismatchf(path, "map key %q is not a boolean", key)
		}
	}
	x, err := c.coerce(t, v, path)
	if err == nil && x == nil {
		return nil, mismatchf(path, "map key %q does not fit %s", key, t)
	}
	return x, err
}

// numberText is the text of a number for a numeric column: a JSON number,
// or (OpenX only) a string holding one. The Hive JSON SerDe refuses a
// string where the schema has a number, as AWS documents.
func (c *compiled) numberText(t *hiveType, v *jvalue, path string) (string, error) {
	switch {
	case v.kind == jNumber:
		return v.s, nil
	case v.kind == jString && !c.hive:
		return strings.TrimSpace(v.s), nil
	case v.kind == jString:
		return "", mismatchf(path, "%s cannot be %s: the Hive JSON SerDe takes numbers only as JSON numbers", t, v.describe())
	}
	return "", mismatchf(path, "%s cannot be %s", t, v.describe())
}

func (c *compiled) serdeName() string {
	if c.hive {
		return "Hive JSON SerDe"
	}
	return "OpenX JSON SerDe"
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	i := 0
	for j := range s {
		if i == n {
			return s[:j]
		}
		i++
	}
	return s
}

// decimalUnscaled reads a decimal number (sign, digits, fraction,
// exponent) and returns it times 10^scale, rounded half up: the unscaled
// value of decimal(p,scale). It returns (nil, true) for a number too large
// for any decimal column, and false for text that is not a number.
func decimalUnscaled(text string, scale int) (*big.Int, bool) {
	s := text
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e := s[i+1:]
		eneg := false
		if e != "" && (e[0] == '-' || e[0] == '+') {
			eneg = e[0] == '-'
			e = e[1:]
		}
		if e == "" || !allDigits(e) {
			return nil, false
		}
		// Exponents past a million say "too large" or "rounds to zero"
		// just as well, and keep the arithmetic below in range.
		e = strings.TrimLeft(e, "0")
		if len(e) > 7 {
			e = "1000000"
		}
		exp, _ = strconv.Atoi("0" + e)
		if eneg {
			exp = -exp
		}
	}
	intPart, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	}
	if intPart == "" && frac == "" || !allDigits(intPart) || !allDigits(frac) {
		return nil, false
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	if digits == "" {
		return new(big.Int), true
	}
	// value = digits * 10^(exp - len(frac)); unscaled = value * 10^scale.
	shift := int64(exp) - int64(len(frac)) + int64(scale)
	if int64(len(digits))+shift > maxDecimalDigits+1 {
		return nil, true // more integer digits than any decimal holds
	}
	n, _ := new(big.Int).SetString(digits, 10)
	if shift >= 0 {
		n.Mul(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(shift), nil))
	} else {
		drop := -shift
		if drop > int64(len(digits)) {
			n.SetInt64(0) // below half of the last digit: rounds to zero
		} else {
			div := new(big.Int).Exp(big.NewInt(10), big.NewInt(drop), nil)
			q, r := new(big.Int).QuoRem(n, div, new(big.Int))
			if r.Mul(r, big.NewInt(2)).Cmp(div) >= 0 {
				q.Add(q, big.NewInt(1))
			}
			n = q
		}
	}
	if neg {
		n.Neg(n)
	}
	return n, true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// decimalByteLength is the FIXED_LEN_BYTE_ARRAY length Hive gives
// decimal(p,s): the fewest bytes whose two's complement holds 10^p - 1.
func decimalByteLength(precision int) int {
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(precision)), nil)
	for n := 1; ; n++ {
		if new(big.Int).Lsh(big.NewInt(1), uint(8*n-1)).Cmp(limit) >= 0 {
			return n
		}
	}
}

// decimalBytes is n as a big-endian two's complement of length size.
func decimalBytes(n *big.Int, size int) []byte {
	out := make([]byte, size)
	if n.Sign() >= 0 {
		n.FillBytes(out)
		return out
	}
	// Two's complement: 2^(8*size) + n.
	m := new(big.Int).Lsh(big.NewInt(1), uint(8*size))
	m.Add(m, n)
	m.FillBytes(out)
	return out
}
