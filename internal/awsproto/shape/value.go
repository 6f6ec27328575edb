package shape

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Value is a decoded request body, or part of one, before it is checked:
//
//	nil                 JSON null or CBOR null/undefined: the member is absent
//	bool
//	json.Number         a JSON number, as written
//	int64, uint64       a CBOR integer
//	float64             a CBOR float
//	string
//	[]byte              a CBOR byte string
//	Millis              a CBOR tag-1 timestamp (AWS puts epoch milliseconds there)
//	[]any               a list
//	map[string]any      a structure or a map
type Value = any

// Millis is a CBOR timestamp: AWS's CBOR protocol writes tag 1 followed by
// the epoch time in milliseconds (not seconds, as RFC 8949 would have it).
type Millis float64

// Number kinds of the generic tree, for type errors.
type valueClass int

const (
	classNull valueClass = iota
	classBool
	classNumber
	classString
	classBytes
	classList
	classMap
	classTime
)

func classify(v Value) valueClass {
	switch v.(type) {
	case nil:
		return classNull
	case bool:
		return classBool
	case json.Number, int64, uint64, float64, int:
		return classNumber
	case string:
		return classString
	case []byte:
		return classBytes
	case []any:
		return classList
	case map[string]any:
		return classMap
	case Millis:
		return classTime
	}
	return classNull
}

// javaString renders a checked value the way Coral prints it inside
// "Value '...' at ...": strings as they are, blobs as Java's ByteBuffer,
// lists as [a, b], maps as {k=v}, structures as Name(Member=value, ...).
func javaString(s *Shape, v any) string {
	switch s.Kind {
	case Blob:
		b, _ := v.([]byte)
		n := strconv.Itoa(len(b))
		return "java.nio.HeapByteBuffer[pos=0 lim=" + n + " cap=" + n + "]"
	case Timestamp:
		t, _ := v.(time.Time)
		return JavaDate(t)
	case List:
		items, _ := v.([]any)
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = javaStringOrNull(s.Elem, it)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case Map:
		m, _ := v.(map[string]any)
		keys := sortedKeys(m)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + javaStringOrNull(s.Elem, m[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case Structure:
		m, _ := v.(map[string]any)
		parts := make([]string, len(s.Members))
		for i, mem := range s.Members {
			parts[i] = mem.Name + "=" + javaStringOrNull(mem.Shape, m[mem.Name])
		}
		return s.Name + "(" + strings.Join(parts, ", ") + ")"
	}
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(x)
	}
	return "null"
}

func javaStringOrNull(s *Shape, v any) string {
	if v == nil {
		return "null"
	}
	return javaString(s, v)
}

// JavaDate formats t as Java's Date.toString() in UTC, which is how AWS
// prints times in several messages: "Thu Jan 22 01:22:02 UTC 2015".
func JavaDate(t time.Time) string {
	return t.UTC().Format("Mon Jan 02 15:04:05 UTC 2006")
}
