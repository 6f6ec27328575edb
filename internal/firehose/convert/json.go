package convert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// jvalue is a JSON value with its object members in document order and its
// numbers as written, which is what the SerDes see: a number in a string
// column keeps its text, and nested JSON turned into text keeps its order.
type jvalue struct {
	kind jkind
	b    bool
	s    string // string, or the number's text
	arr  []*jvalue
	obj  []member
}

type jkind uint8

const (
	jNull jkind = iota
	jBool
	jNumber
	jString
	jArray
	jObject
)

type member struct {
	key string
	val *jvalue
}

// maxJSONDepth bounds the nesting of a record's JSON.
const maxJSONDepth = 512

func (v *jvalue) describe() string {
	switch v.kind {
	case jNull:
		return "null"
	case jBool:
		return "a boolean"
	case jNumber:
		return "the number " + v.s
	case jString:
		q := v.s
		if len(q) > 40 {
			q = q[:40] + "..."
		}
		return "the string " + strconv.Quote(q)
	case jArray:
		return "a JSON array"
	default:
		return "a JSON object"
	}
}

// get returns the last member whose key matches name: exactly, or
// case-insensitively when fold.
func (v *jvalue) get(name string, fold bool) *jvalue {
	for i := len(v.obj) - 1; i >= 0; i-- {
		k := v.obj[i].key
		if k == name || fold && strings.EqualFold(k, name) {
			return v.obj[i].val
		}
	}
	return nil
}

// appendJSON writes v as compact JSON.
func (v *jvalue) appendJSON(b []byte) []byte {
	switch v.kind {
	case jNull:
		return append(b, "null"...)
	case jBool:
		return strconv.AppendBool(b, v.b)
	case jNumber:
		return append(b, v.s...)
	case jString:
		q, _ := json.Marshal(v.s)
		return append(b, q...)
	case jArray:
		b = append(b, '[')
		for i, e := range v.arr {
			if i > 0 {
				b = append(b, ',')
			}
			b = e.appendJSON(b)
		}
		return append(b, ']')
	default:
		b = append(b, '{')
		for i, m := range v.obj {
			if i > 0 {
				b = append(b, ',')
			}
			q, _ := json.Marshal(m.key)
			b = append(b, q...)
			b = append(b, ':')
			b = m.val.appendJSON(b)
		}
		return append(b, '}')
	}
}

// errEmpty, errPrimitive and errArray are record-level failures that are
// not JSON syntax errors.
var (
	errEmpty     = errors.New("the record was empty or contained only whitespace")
	errPrimitive = errors.New("the record is a JSON primitive, not an object")
	errArray     = errors.New("the record is a JSON array: send one or more JSON objects, as {\"a\":1}{\"a\":2}")
)

// keyRule says how the deserializer rewrites JSON keys as it reads them:
// the OpenX SerDe lower-cases every key when case-insensitive and turns
// dots into underscores when asked; the Hive SerDe keeps keys as written.
type keyRule struct {
	lower, dots bool
}

func (r keyRule) apply(k string) string {
	if r.dots {
		k = strings.ReplaceAll(k, ".", "_")
	}
	if r.lower {
		k = strings.ToLower(k)
	}
	return k
}

// decodeRecord reads a record's JSON objects: one or more, concatenated
// and separated by white space, as Firehose takes them. A syntax error
// comes back as a *syntaxError; a top-level array or primitive, or an
// empty record, as errArray, errPrimitive or errEmpty.
func decodeRecord(data []byte, rule keyRule) ([]*jvalue, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errEmpty
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []*jvalue
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, &syntaxError{err}
		}
		switch tok {
		case json.Delim('{'):
			v, err := readValue(dec, tok, rule, 1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		case json.Delim('['):
			return nil, errArray
		default:
			return nil, errPrimitive
		}
	}
}

type syntaxError struct{ err error }

func (e *syntaxError) Error() string { return e.err.Error() }

func readValue(dec *json.Decoder, tok json.Token, rule keyRule, depth int) (*jvalue, error) {
	if depth > maxJSONDepth {
		return nil, &syntaxError{fmt.Errorf("JSON nests deeper than %d levels", maxJSONDepth)}
	}
	switch t := tok.(type) {
	case nil:
		return &jvalue{kind: jNull}, nil
	case bool:
		return &jvalue{kind: jBool, b: t}, nil
	case json.Number:
		return &jvalue{kind: jNumber, s: string(t)}, nil
	case string:
		return &jvalue{kind: jString, s: t}, nil
	case json.Delim:
		v := &jvalue{kind: jArray}
		if t == '{' {
			v.kind = jObject
		}
		for {
			next, err := dec.Token()
			if err != nil {
				if err == io.EOF {
					err = io.ErrUnexpectedEOF
				}
				return nil, &syntaxError{err}
			}
			if d, ok := next.(json.Delim); ok && (d == '}' || d == ']') {
				return v, nil
			}
			if v.kind == jObject {
				key, ok := next.(string)
				if !ok {
					return nil, &syntaxError{fmt.Errorf("object key %v is not a string", next)}
				}
				valTok, err := dec.Token()
				if err != nil {
					if err == io.EOF {
						err = io.ErrUnexpectedEOF
					}
					return nil, &syntaxError{err}
				}
				val, err := readValue(dec, valTok, rule, depth+1)
				if err != nil {
					return nil, err
				}
				v.obj = append(v.obj, member{key: rule.apply(key), val: val})
				continue
			}
			e, err := readValue(dec, next, rule, depth+1)
			if err != nil {
				return nil, err
			}
			v.arr = append(v.arr, e)
		}
	}
	return nil, &syntaxError{fmt.Errorf("unexpected JSON token %v", tok)}
}
