package process

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/itchyny/gojq"
)

// QueryTimeout bounds one run of the MetadataExtraction query on one
// record, so that a query that never ends (def f: f; f) fails its record
// instead of stalling delivery.
const QueryTimeout = time.Second

// extractor is a compiled MetadataExtraction processor.
type extractor struct {
	code *gojq.Code
}

// jq16Defs defines jq 1.6 builtins that gojq lacks, so that queries using
// them compile: keys_unsorted is keys (gojq keeps no key order),
// input_filename is null (records come from no file).
const jq16Defs = `def keys_unsorted: keys; def leaf_paths: paths(scalars); def recurse_down: recurse; ` +
	`def pow10: exp10; def input_filename: null; ` +
	`def scalars_or_empty: select(. == null or . == true or . == false or type == "number" or type == "string" or ((type == "array" or type == "object") and length == 0)); `

// postJQ16 are builtins gojq has that jq 1.6 does not (gojq's builtins
// minus jq 1.6's, name/arity): a query calling one does not compile on AWS.
var postJQ16 = map[string]bool{
	"abs/0": true, "add/1": true, "debug/1": true, "ltrim/0": true, "pick/1": true, "rtrim/0": true,
	"scan/2": true, "skip/2": true, "toboolean/0": true, "trim/0": true, "trimstr/1": true,
}

// newExtractor compiles a MetadataExtractionQuery.
func newExtractor(query string) (*extractor, error) {
	q, err := gojq.Parse(query)
	if err != nil {
		return nil, invalid("MetadataExtractionQuery is not a valid jq query: %v.", err)
	}
	if len(q.Imports) > 0 {
		return nil, invalid("MetadataExtractionQuery cannot import jq modules.")
	}
	if name := laterBuiltin(q); name != "" {
		return nil, invalid("MetadataExtractionQuery calls %s, which jq 1.6 (the JsonParsingEngine) does not have.", name)
	}
	if q.Term != nil && q.Term.Type == gojq.TermTypeObject && len(q.Term.SuffixList) == 0 &&
		len(q.Term.Object.KeyVals) > MaxPartitionKeys {
		return nil, invalid("MetadataExtractionQuery makes %d partition keys; the limit is %d.", len(q.Term.Object.KeyVals), MaxPartitionKeys)
	}
	full, err := gojq.Parse(jq16Defs + query)
	if err != nil {
		return nil, invalid("MetadataExtractionQuery is not a valid jq query: %v.", err)
	}
	code, err := gojq.Compile(full)
	if err != nil {
		return nil, invalid("MetadataExtractionQuery does not compile: %v.", err)
	}
	return &extractor{code: code}, nil
}

// extract runs the query on one record and returns its partition keys.
func (e *extractor) extract(data []byte) (map[string]string, string) {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, nonJSON
	}
	ctx, cancel := context.WithTimeout(context.Background(), QueryTimeout)
	defer cancel()
	iter := e.code.RunWithContext(ctx, v)
	out, ok := iter.Next()
	if !ok {
		return nil, "The MetadataExtractionQuery produced no result for the record."
	}
	if err, ok := out.(error); ok {
		if ctx.Err() != nil {
			return nil, fmt.Sprintf("The MetadataExtractionQuery did not finish within %s.", QueryTimeout)
		}
		return nil, "The MetadataExtractionQuery failed on the record: " + err.Error()
	}
	if _, more := iter.Next(); more {
		return nil, "The MetadataExtractionQuery produced more than one result for the record."
	}
	obj, ok := out.(map[string]any)
	if !ok {
		return nil, fmt.Sprintf("The MetadataExtractionQuery produced %s, not a JSON object of partition keys.", jqType(out))
	}
	if len(obj) > MaxPartitionKeys {
		return nil, fmt.Sprintf("The MetadataExtractionQuery produced %d partition keys; the limit is %d.", len(obj), MaxPartitionKeys)
	}
	keys := make(map[string]string, len(obj))
	for k, val := range obj {
		s, ok := keyString(val)
		if !ok {
			return nil, fmt.Sprintf("The partition key %q is %s; a partition key must be a string, number or boolean.", k, jqType(val))
		}
		keys[k] = s
	}
	return keys, ""
}

// keyString is a partition key value as jq 1.6 prints it raw (-r).
func keyString(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case int:
		return jq16Number(float64(v)), true
	case float64:
		return jq16Number(v), true
	case *big.Int:
		f, _ := new(big.Float).SetInt(v).Float64()
		return jq16Number(f), true
	case json.Number:
		f, err := v.Float64()
		return jq16Number(f), err == nil
	}
	return "", false
}

// jq16Number prints a number as jq 1.6 does (jvp_dtoa_fmt): the shortest
// digits that read back to the same double, in plain notation unless the
// exponent is below -4 or the number has more than 15 digits past its
// significant ones, then as d.ddde±XX; NaN is null and infinities the
// largest double.
func jq16Number(f float64) string {
	switch {
	case math.IsNaN(f):
		return "null"
	case math.IsInf(f, 1):
		f = math.MaxFloat64
	case math.IsInf(f, -1):
		f = -math.MaxFloat64
	}
	sign := ""
	if math.Signbit(f) {
		sign = "-"
		f = -f
	}
	s := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	mant, exp, _ := strings.Cut(s, "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	decpt := e + 1
	if f == 0 {
		return sign + "0"
	}
	nd := len(digits)
	var b strings.Builder
	b.WriteString(sign)
	switch {
	case decpt <= -4 || decpt > nd+15:
		b.WriteByte(digits[0])
		if nd > 1 {
			b.WriteByte('.')
			b.WriteString(digits[1:])
		}
		b.WriteByte('e')
		x := decpt - 1
		if x < 0 {
			b.WriteByte('-')
			x = -x
		} else {
			b.WriteByte('+')
		}
		if x < 10 {
			b.WriteByte('0')
		}
		b.WriteString(strconv.Itoa(x))
	case decpt <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -decpt))
		b.WriteString(digits)
	case nd <= decpt:
		b.WriteString(digits)
		b.WriteString(strings.Repeat("0", decpt-nd))
	default:
		b.WriteString(digits[:decpt])
		b.WriteByte('.')
		b.WriteString(digits[decpt:])
	}
	return b.String()
}

// jqType names a value's jq type, for messages.
func jqType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return "a number"
	}
}

// laterBuiltin returns the first call in q to a builtin jq 1.6 lacks
// (name/arity), unless the query defines a function of that name itself.
func laterBuiltin(q *gojq.Query) string {
	defined := map[string]bool{}
	var calls []string
	var walkQ func(*gojq.Query)
	var walkT func(*gojq.Term)
	walkS := func(s *gojq.String) {
		if s != nil {
			for _, q := range s.Queries {
				walkQ(q)
			}
		}
	}
	walkI := func(x *gojq.Index) {
		if x != nil {
			walkS(x.Str)
			walkQ(x.Start)
			walkQ(x.End)
		}
	}
	var walkP func(*gojq.Pattern)
	walkP = func(p *gojq.Pattern) {
		if p == nil {
			return
		}
		for _, a := range p.Array {
			walkP(a)
		}
		for _, o := range p.Object {
			walkS(o.KeyString)
			walkQ(o.KeyQuery)
			walkP(o.Val)
		}
	}
	walkQ = func(q *gojq.Query) {
		if q == nil {
			return
		}
		for _, fd := range q.FuncDefs {
			defined[fmt.Sprintf("%s/%d", fd.Name, len(fd.Args))] = true
			walkQ(fd.Body)
		}
		walkT(q.Term)
		walkQ(q.Left)
		walkQ(q.Right)
		for _, p := range q.Patterns {
			walkP(p)
		}
	}
	walkT = func(t *gojq.Term) {
		if t == nil {
			return
		}
		walkI(t.Index)
		if t.Func != nil {
			calls = append(calls, fmt.Sprintf("%s/%d", t.Func.Name, len(t.Func.Args)))
			for _, a := range t.Func.Args {
				walkQ(a)
			}
		}
		if t.Object != nil {
			for _, kv := range t.Object.KeyVals {
				walkS(kv.KeyString)
				walkQ(kv.KeyQuery)
				walkQ(kv.Val)
			}
		}
		if t.Array != nil {
			walkQ(t.Array.Query)
		}
		if t.Unary != nil {
			walkT(t.Unary.Term)
		}
		walkS(t.Str)
		if t.If != nil {
			walkQ(t.If.Cond)
			walkQ(t.If.Then)
			for _, e := range t.If.Elif {
				walkQ(e.Cond)
				walkQ(e.Then)
			}
			walkQ(t.If.Else)
		}
		if t.Try != nil {
			walkQ(t.Try.Body)
			walkQ(t.Try.Catch)
		}
		if t.Reduce != nil {
			walkQ(t.Reduce.Query)
			for _, p := range t.Reduce.Patterns {
				walkP(p)
			}
			walkQ(t.Reduce.Start)
			walkQ(t.Reduce.Update)
		}
		if t.Foreach != nil {
			walkQ(t.Foreach.Query)
			for _, p := range t.Foreach.Patterns {
				walkP(p)
			}
			walkQ(t.Foreach.Start)
			walkQ(t.Foreach.Update)
			walkQ(t.Foreach.Extract)
		}
		if t.Label != nil {
			walkQ(t.Label.Body)
		}
		walkQ(t.Query)
		for _, s := range t.SuffixList {
			walkI(s.Index)
		}
	}
	walkQ(q)
	for _, c := range calls {
		if postJQ16[c] && !defined[c] {
			return c
		}
	}
	return ""
}
