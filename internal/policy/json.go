package policy

import (
	"bytes"
	"encoding/json"
)

// field is one member of a JSON object, kept in document order.
type field struct {
	name  string
	value json.RawMessage
}

// objectFields reads a JSON object member by member. encoding/json would
// keep the last of two members with one name; a policy with
// "Effect":"Deny" and "Effect":"Allow" is refused instead, since readers
// of it would disagree on what it says.
func objectFields(raw json.RawMessage) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, malformed(msgSyntax)
	}
	var fields []field
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, malformed(msgSyntax)
		}
		name, ok := tok.(string)
		if !ok {
			return nil, malformed(msgSyntax)
		}
		if seen[name] {
			return nil, malformed("Duplicate field " + name)
		}
		seen[name] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, malformed(msgSyntax)
		}
		fields = append(fields, field{name, value})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, malformed(msgSyntax)
	}
	return fields, nil
}

// jsonString reads a JSON string. Unlike json.Unmarshal it refuses null,
// which would otherwise read as "".
func jsonString(raw json.RawMessage) (string, bool) {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// stringList reads an element that is a string or an array of strings.
func stringList(raw json.RawMessage) ([]string, error) {
	if one, ok := jsonString(raw); ok {
		return []string{one}, nil
	}
	var items []json.RawMessage
	if len(raw) == 0 || raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		return nil, malformed(msgSyntax)
	}
	many := make([]string, 0, len(items))
	for _, item := range items {
		s, ok := jsonString(item)
		if !ok {
			return nil, malformed(msgSyntax)
		}
		many = append(many, s)
	}
	return many, nil
}

// conditionValues reads the values of one condition key: a string, a
// number or a boolean, or an array of them. AWS accepts
// {"aws:SecureTransport": false} as readily as "false"; a number keeps its
// JSON text.
func conditionValues(raw json.RawMessage) ([]string, error) {
	var items []json.RawMessage
	if len(raw) > 0 && raw[0] == '[' {
		if json.Unmarshal(raw, &items) != nil {
			return nil, malformed(msgSyntax)
		}
	} else {
		items = []json.RawMessage{raw}
	}
	values := make([]string, 0, len(items))
	for _, item := range items {
		dec := json.NewDecoder(bytes.NewReader(item))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return nil, malformed(msgSyntax)
		}
		switch v := v.(type) {
		case string:
			values = append(values, v)
		case json.Number:
			values = append(values, v.String())
		case bool:
			if v {
				values = append(values, "true")
			} else {
				values = append(values, "false")
			}
		default:
			return nil, malformed(msgSyntax)
		}
	}
	return values, nil
}
