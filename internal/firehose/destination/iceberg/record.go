package iceberg

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/apache/arrow-go/v18/arrow/decimal128"
	iceberg "github.com/apache/iceberg-go"
)

// Error codes of the records a table does not take. AWS publishes no list
// of Iceberg delivery error codes; CodeMissingColumn is the code real
// Firehose writes to the iceberg-failed error output when a record lacks
// a column, and the other two are Sluice's names in the same form.
const (
	// CodeMissingColumn: a column of the table is not a key of the record.
	CodeMissingColumn = "Iceberg.MissingColumnWithinRecord"
	// CodeTypeMismatch: a value does not have its column's type.
	CodeTypeMismatch = "Iceberg.SchemaTypeMismatch"
	// CodeInvalidRecord: the record is not one JSON object.
	CodeInvalidRecord = "Iceberg.InvalidRecord"
)

// Failure is a record the table did not take: its index in the batch,
// the error code and a message naming the column.
type Failure struct {
	Index         int
	Code, Message string
}

// recordError is why one record fails.
type recordError struct{ code, msg string }

func (e *recordError) Error() string { return e.msg }

func mismatch(path, format string, args ...any) error {
	return &recordError{code: CodeTypeMismatch, msg: path + ": " + fmt.Sprintf(format, args...)}
}

// row turns one record into the values of the schema's columns (see the
// package doc for the rules). The values are nil (null), bool, int32,
// int64, float32, float64, decimal128.Num, string, []byte, []any (a list
// or a struct's members in order) and []pair (a map).
func row(sc *iceberg.Schema, rec []byte) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(rec))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &recordError{code: CodeInvalidRecord, msg: "the record is not JSON: " + err.Error()}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &recordError{code: CodeInvalidRecord, msg: "the record holds more than one JSON value"}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &recordError{code: CodeInvalidRecord, msg: "the record is not a JSON object"}
	}
	fields := sc.Fields()
	out := make([]any, len(fields))
	var missing []string
	for i, f := range fields {
		x, ok := obj[f.Name]
		if !ok {
			missing = append(missing, f.Name)
			continue
		}
		val, err := value(f.Type, x, f.Name)
		if err != nil {
			return nil, err
		}
		if val == nil && f.Required {
			return nil, mismatch(f.Name, "null in a required column")
		}
		out[i] = val
	}
	if len(missing) > 0 {
		return nil, &recordError{code: CodeMissingColumn,
			msg: "One or more columns are missing in the record: " + strings.Join(missing, ", ")}
	}
	return out, nil
}

// pair is one map entry.
type pair struct{ key, val any }

// value coerces one JSON value (decoded with UseNumber) to an Iceberg type.
func value(t iceberg.Type, x any, path string) (any, error) {
	if x == nil {
		return nil, nil
	}
	switch t := t.(type) {
	case iceberg.BooleanType:
		if b, ok := x.(bool); ok {
			return b, nil
		}
	case iceberg.Int32Type:
		n, err := integer(x, path, math.MinInt32, math.MaxInt32)
		return int32(n), err
	case iceberg.Int64Type:
		return integer(x, path, math.MinInt64, math.MaxInt64)
	case iceberg.Float32Type:
		f, err := float(x, path, 32)
		return float32(f), err
	case iceberg.Float64Type:
		return float(x, path, 64)
	case iceberg.DecimalType:
		return decimal(x, path, t.Precision(), t.Scale())
	case iceberg.DateType:
		return date(x, path)
	case iceberg.TimestampType:
		return integer(x, path, math.MinInt64, math.MaxInt64)
	case iceberg.StringType:
		if s, ok := x.(string); ok {
			return s, nil
		}
	case iceberg.BinaryType:
		if s, ok := x.(string); ok {
			if b, ok := binary(s); ok {
				return b, nil
			}
			return nil, mismatch(path, "the string is not Base64")
		}
	case *iceberg.ListType:
		arr, ok := x.([]any)
		if !ok {
			break
		}
		out := make([]any, len(arr))
		for i, e := range arr {
			v, err := value(t.Element, e, path+"["+strconv.Itoa(i)+"]")
			if err != nil {
				return nil, err
			}
			if v == nil && t.ElementRequired {
				return nil, mismatch(path, "null element in a list of required elements")
			}
			out[i] = v
		}
		return out, nil
	case *iceberg.MapType:
		obj, ok := x.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]pair, 0, len(keys))
		for _, k := range keys {
			kv, err := mapKey(t.KeyType, k, path)
			if err != nil {
				return nil, err
			}
			v, err := value(t.ValueType, obj[k], path+"."+k)
			if err != nil {
				return nil, err
			}
			if v == nil && t.ValueRequired {
				return nil, mismatch(path, "null value in a map of required values")
			}
			out = append(out, pair{kv, v})
		}
		return out, nil
	case *iceberg.StructType:
		obj, ok := x.(map[string]any)
		if !ok {
			break
		}
		out := make([]any, len(t.FieldList))
		for i, f := range t.FieldList {
			v, err := value(f.Type, obj[f.Name], path+"."+f.Name)
			if err != nil {
				return nil, err
			}
			if v == nil && f.Required {
				return nil, mismatch(path+"."+f.Name, "null in a required field")
			}
			out[i] = v
		}
		return out, nil
	default:
		return nil, mismatch(path, "Sluice writes no %s values", t)
	}
	return nil, mismatch(path, "a %s does not fit a %s column", jsonKind(x), t)
}

func jsonKind(x any) string {
	switch x.(type) {
	case bool:
		return "boolean"
	case json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// integer is a JSON number with an integral value in [lo, hi] (1e3 and
// 10.0 count; 1.5 and "1" do not).
func integer(x any, path string, lo, hi int64) (int64, error) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, mismatch(path, "a %s is not an integer", jsonKind(x))
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		if i < lo || i > hi {
			return 0, mismatch(path, "%s is out of range", n)
		}
		return i, nil
	}
	if !smallExponent(string(n)) {
		return 0, mismatch(path, "%s is out of range", n)
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok || !r.IsInt() || !r.Num().IsInt64() {
		return 0, mismatch(path, "%s is not an integer in range", n)
	}
	i := r.Num().Int64()
	if i < lo || i > hi {
		return 0, mismatch(path, "%s is out of range", n)
	}
	return i, nil
}

func float(x any, path string, bits int) (float64, error) {
	n, ok := x.(json.Number)
	if !ok {
		return 0, mismatch(path, "a %s is not a number", jsonKind(x))
	}
	f, err := strconv.ParseFloat(string(n), bits)
	if err != nil {
		return 0, mismatch(path, "%s does not fit a %d-bit float", n, bits)
	}
	return f, nil
}

// decimal is a JSON number, or a string holding one, rounded half up to
// scale; more than precision digits fail.
func decimal(x any, path string, precision, scale int) (decimal128.Num, error) {
	var text string
	switch v := x.(type) {
	case json.Number:
		text = string(v)
	case string:
		text = strings.TrimSpace(v)
	default:
		return decimal128.Num{}, mismatch(path, "a %s is not a decimal", jsonKind(x))
	}
	if !isJSONNumber(text) {
		return decimal128.Num{}, mismatch(path, "%q is not a decimal number", text)
	}
	if !smallExponent(text) {
		return decimal128.Num{}, mismatch(path, "%s is out of range", text)
	}
	r, ok := new(big.Rat).SetString(text)
	if !ok {
		return decimal128.Num{}, mismatch(path, "%q is not a decimal number", text)
	}
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	r.Mul(r, new(big.Rat).SetInt(pow))
	// Round half away from zero (HALF_UP on the magnitude).
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(r.Denom()) >= 0 {
		if r.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	limit := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(precision)), nil)
	if new(big.Int).Abs(q).Cmp(limit) >= 0 {
		return decimal128.Num{}, mismatch(path, "%s has more than %d digits at scale %d", text, precision, scale)
	}
	return decimal128.FromBigInt(q), nil
}

// date is "yyyy-mm-dd" or an integer count of days since 1970-01-01.
func date(x any, path string) (int32, error) {
	if s, ok := x.(string); ok {
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return 0, mismatch(path, "%q is not a yyyy-mm-dd date", s)
		}
		return int32(t.Unix() / 86400), nil
	}
	n, err := integer(x, path, math.MinInt32, math.MaxInt32)
	return int32(n), err
}

// binary decodes a binary value sent as a string. AWS lists Basic Base64,
// MIME Base64, URL and filename safe Base64 and hex, without saying how it
// tells them apart; every even-length string of hex digits is also valid
// Base64, so Sluice reads Base64 (standard or URL-safe, padded or not, MIME
// line breaks ignored) and never hex.
func binary(s string) ([]byte, bool) {
	mime := strings.NewReplacer("\r", "", "\n", "").Replace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(mime); err == nil {
			return b, true
		}
	}
	return nil, false
}

// mapKey converts a JSON object key to a map's key type: strings as they
// are, numbers, dates and booleans from their text.
func mapKey(t iceberg.Type, k, path string) (any, error) {
	switch t.(type) {
	case iceberg.StringType:
		return k, nil
	case iceberg.BooleanType:
		b, err := strconv.ParseBool(k)
		if err != nil || (k != "true" && k != "false") {
			return nil, mismatch(path, "map key %q is not a boolean", k)
		}
		return b, nil
	case iceberg.DateType:
		return date(k, path)
	case iceberg.Int32Type, iceberg.Int64Type, iceberg.TimestampType, iceberg.Float32Type,
		iceberg.Float64Type, iceberg.DecimalType:
		if !isJSONNumber(k) {
			return nil, mismatch(path, "map key %q is not a number", k)
		}
		v, err := value(t, json.Number(k), path)
		if err != nil {
			var re *recordError
			if errors.As(err, &re) {
				return nil, mismatch(path, "map key %q does not fit %s", k, t)
			}
			return nil, err
		}
		return v, nil
	}
	return nil, mismatch(path, "map keys of type %s cannot come from JSON", t)
}

// isJSONNumber answers whether s is a JSON number, as a map key holding a
// number must be.
func isJSONNumber(s string) bool {
	if s == "" || !(s[0] == '-' || s[0] >= '0' && s[0] <= '9') {
		return false
	}
	var n json.Number
	return json.Unmarshal([]byte(s), &n) == nil
}

// maxExponent bounds the exponent of a number read exactly (big.Rat):
// 1e999999999 would take big.Rat minutes and gigabytes, and no integer or
// decimal column holds a number with an exponent this large, nor a
// non-zero one this small.
const maxExponent = 400

// smallExponent answers whether a JSON number's exponent is within
// ±maxExponent.
func smallExponent(n string) bool {
	i := strings.IndexAny(n, "eE")
	if i < 0 {
		return true
	}
	e, err := strconv.Atoi(strings.TrimPrefix(n[i+1:], "+"))
	return err == nil && e >= -maxExponent && e <= maxExponent
}
