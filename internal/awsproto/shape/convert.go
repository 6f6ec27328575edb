package shape

import (
	"encoding/base64"
	"encoding/json"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"time"

	"sluice/internal/awsproto/awserr"
)

// Coral's names for the Java classes a JSON value arrives as.
const (
	javaNumberClass  = "class com.amazon.coral.value.json.numbers.TruncatingBigNumber"
	javaBooleanClass = "class java.lang.Boolean"
	javaStringClass  = "class java.lang.String"
	javaBytesClass   = "class [B"
	javaDateClass    = "class java.util.Date"
)

func typeError(msg string) *awserr.Error {
	return awserr.New(awserr.SerializationException, "%s", msg)
}

// convert checks v against s and returns it in canonical form: string, bool,
// int64, float64, []byte, time.Time, []any, map[string]any (a structure keeps
// only its known, non-null members). The first type error wins.
func convert(s *Shape, v Value) (any, *awserr.Error) {
	if v == nil {
		return nil, nil
	}
	c := classify(v)
	switch c {
	case classList:
		if s.Kind != List {
			return nil, typeError("Start of list found where not expected")
		}
	case classMap:
		if s.Kind != Map && s.Kind != Structure {
			return nil, typeError("Start of structure or map found where not expected.")
		}
	}
	switch s.Kind {
	case String:
		switch c {
		case classString:
			return v, nil
		case classBool:
			return nil, typeError(javaBooleanClass + " can not be converted to an String")
		case classNumber:
			return nil, typeError(javaNumberClass + " can not be converted to an String")
		case classBytes:
			return nil, typeError(javaBytesClass + " can not be converted to an String")
		case classTime:
			return nil, typeError(javaDateClass + " can not be converted to an String")
		}
	case Boolean:
		switch c {
		case classBool:
			return v, nil
		case classString:
			str := v.(string)
			switch strings.ToLower(str) {
			case "true":
				return true, nil
			case "false":
				return false, nil
			}
			return nil, typeError("'" + strings.ToUpper(str) + "' can not be converted to an Boolean")
		case classNumber:
			return nil, typeError(javaNumberClass + " can not be converted to an Boolean")
		default:
			return nil, typeError(javaBytesClass + " can not be converted to an Boolean")
		}
	case Integer, Long, Double:
		switch c {
		case classNumber:
			return toNumber(s.Kind, v), nil
		case classString:
			return nil, typeError(javaStringClass + " can not be converted to an " + s.Kind.javaName())
		case classBool:
			return nil, typeError(javaBooleanClass + " can not be converted to an " + s.Kind.javaName())
		default:
			return nil, typeError(javaBytesClass + " can not be converted to an " + s.Kind.javaName())
		}
	case Blob:
		switch c {
		case classBytes:
			return v, nil
		case classString:
			return decodeBase64(v.(string))
		case classBool:
			return nil, typeError(javaBooleanClass + " can not be converted to a Blob")
		case classNumber:
			return nil, typeError(javaNumberClass + " can not be converted to a Blob")
		default:
			return nil, typeError(javaDateClass + " can not be converted to a Blob")
		}
	case Timestamp:
		switch c {
		case classTime:
			return millisToTime(float64(v.(Millis))), nil
		case classNumber:
			return secondsToTime(v), nil
		case classString:
			return nil, typeError(javaStringClass + " can not be converted to milliseconds since epoch")
		case classBool:
			return nil, typeError(javaBooleanClass + " can not be converted to milliseconds since epoch")
		default:
			return nil, typeError(javaBytesClass + " can not be converted to milliseconds since epoch")
		}
	case List:
		if c != classList {
			return nil, typeError("Expected list or null")
		}
		items := v.([]any)
		out := make([]any, len(items))
		for i, it := range items {
			cv, err := convert(s.Elem, it)
			if err != nil {
				return nil, err
			}
			out[i] = cv
		}
		return out, nil
	case Map:
		if c != classMap {
			return nil, typeError("Expected map or null")
		}
		m := v.(map[string]any)
		out := make(map[string]any, len(m))
		for _, k := range sortedKeys(m) {
			cv, err := convert(s.Elem, m[k])
			if err != nil {
				return nil, err
			}
			out[k] = cv
		}
		return out, nil
	case Structure:
		if c != classMap {
			return nil, typeError("Expected null")
		}
		m := v.(map[string]any)
		out := make(map[string]any, len(s.Members))
		for _, mem := range s.Members {
			raw, ok := m[mem.Name]
			if !ok || raw == nil {
				continue
			}
			cv, err := convert(mem.Shape, raw)
			if err != nil {
				return nil, err
			}
			if cv != nil {
				out[mem.Name] = cv
			}
		}
		return out, nil
	}
	return nil, typeError("Unexpected value")
}

// toNumber floors a number into an integer kind, clamping to the Java type's
// range as Coral does; doubles stay as they are.
func toNumber(k Kind, v Value) any {
	var f float64
	switch x := v.(type) {
	case int64:
		return clampInt(k, x)
	case int:
		return clampInt(k, int64(x))
	case uint64:
		if x > math.MaxInt64 {
			return clampInt(k, math.MaxInt64)
		}
		return clampInt(k, int64(x))
	case float64:
		f = x
	case json.Number:
		if n, err := strconv.ParseInt(string(x), 10, 64); err == nil {
			if k == Double {
				return float64(n)
			}
			return clampInt(k, n)
		}
		bf, _, err := big.ParseFloat(string(x), 10, 128, big.ToNegativeInf)
		if err != nil {
			return clampInt(k, 0)
		}
		f, _ = bf.Float64()
		if k != Double {
			bi, _ := bf.Int(nil) // truncates toward zero
			if bf.Sign() < 0 && !bf.IsInt() {
				bi.Sub(bi, big.NewInt(1))
			}
			if bi.IsInt64() {
				return clampInt(k, bi.Int64())
			}
			if bi.Sign() < 0 {
				return clampInt(k, math.MinInt64)
			}
			return clampInt(k, math.MaxInt64)
		}
	}
	if k == Double {
		return f
	}
	f = math.Floor(f)
	switch {
	case math.IsNaN(f):
		return clampInt(k, 0)
	case f >= math.MaxInt64:
		return clampInt(k, math.MaxInt64)
	case f <= math.MinInt64:
		return clampInt(k, math.MinInt64)
	}
	return clampInt(k, int64(f))
}

func clampInt(k Kind, n int64) any {
	if k == Integer {
		if n > math.MaxInt32 {
			n = math.MaxInt32
		} else if n < math.MinInt32 {
			n = math.MinInt32
		}
	}
	if k == Double {
		return float64(n)
	}
	return n
}

func secondsToTime(v Value) time.Time {
	f, _ := toNumber(Double, v).(float64)
	return millisToTime(f * 1000)
}

func millisToTime(ms float64) time.Time {
	if math.IsNaN(ms) || math.IsInf(ms, 0) {
		return time.Time{}
	}
	// Beyond year ±292 million, time.UnixMilli would wrap; clamp instead.
	const limit = 1 << 62
	if ms > limit {
		ms = limit
	} else if ms < -limit {
		ms = -limit
	}
	return time.UnixMilli(int64(math.Round(ms))).UTC()
}

// decodeBase64 accepts what Coral accepts and words its refusals the same way.
func decodeBase64(s string) (any, *awserr.Error) {
	prefix := "'" + s + "' can not be converted to a Blob: "
	if len(s)%4 != 0 {
		return nil, typeError(prefix + "Base64 encoded length is expected a multiple of 4 bytes but found: " + strconv.Itoa(len(s)))
	}
	for i, ch := range s {
		valid := ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '+' || ch == '/' || ch == '='
		if !valid {
			return nil, typeError(prefix + "Invalid Base64 character: '" + string(ch) + "'")
		}
		if ch == '=' && i+1 < len(s) && s[i+1] != '=' {
			return nil, typeError(prefix + "Invalid Base64 character: '='")
		}
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, typeError(prefix + "Invalid last non-pad Base64 character dectected")
	}
	return b, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
