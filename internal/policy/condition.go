package policy

import (
	"encoding/json"
	"strings"
)

// condition is one key under one operator: "StringEquals": {"aws:username": ["a", "b"]}.
type condition struct {
	op       operator
	set      setQualifier
	ifExists bool
	key      string   // lower-cased: AWS compares condition keys case-insensitively
	values   valueSet // nil for Null
	null     []bool   // Null's values: true means "the key is absent"
}

// setQualifier is the ForAnyValue: or ForAllValues: prefix of an operator.
type setQualifier uint8

const (
	single setQualifier = iota
	forAnyValue
	forAllValues
)

// family groups operators that read and compare values alike.
type family uint8

const (
	stringExact family = iota
	stringIgnoreCase
	stringLike
	numeric
	date
	boolean
	binary
	ipAddress
	arnLike // ArnEquals and ArnLike match alike, wildcards included, as AWS documents
	null
)

type comparison uint8

const (
	equal comparison = iota
	less
	lessOrEqual
	greater
	greaterOrEqual
)

type operator struct {
	family  family
	cmp     comparison
	negated bool // StringNotEquals and kin: true when no value matches
}

// lookupOperator knows the operators without qualifier or IfExists.
func lookupOperator(name string) (operator, bool) {
	switch name {
	case "StringEquals":
		return operator{family: stringExact}, true
	case "StringNotEquals":
		return operator{family: stringExact, negated: true}, true
	case "StringEqualsIgnoreCase":
		return operator{family: stringIgnoreCase}, true
	case "StringNotEqualsIgnoreCase":
		return operator{family: stringIgnoreCase, negated: true}, true
	case "StringLike":
		return operator{family: stringLike}, true
	case "StringNotLike":
		return operator{family: stringLike, negated: true}, true
	case "NumericEquals":
		return operator{family: numeric}, true
	case "NumericNotEquals":
		return operator{family: numeric, negated: true}, true
	case "NumericLessThan":
		return operator{family: numeric, cmp: less}, true
	case "NumericLessThanEquals":
		return operator{family: numeric, cmp: lessOrEqual}, true
	case "NumericGreaterThan":
		return operator{family: numeric, cmp: greater}, true
	case "NumericGreaterThanEquals":
		return operator{family: numeric, cmp: greaterOrEqual}, true
	case "DateEquals":
		return operator{family: date}, true
	case "DateNotEquals":
		return operator{family: date, negated: true}, true
	case "DateLessThan":
		return operator{family: date, cmp: less}, true
	case "DateLessThanEquals":
		return operator{family: date, cmp: lessOrEqual}, true
	case "DateGreaterThan":
		return operator{family: date, cmp: greater}, true
	case "DateGreaterThanEquals":
		return operator{family: date, cmp: greaterOrEqual}, true
	case "Bool":
		return operator{family: boolean}, true
	case "BinaryEquals":
		return operator{family: binary}, true
	case "IpAddress":
		return operator{family: ipAddress}, true
	case "NotIpAddress":
		return operator{family: ipAddress, negated: true}, true
	case "ArnEquals", "ArnLike":
		return operator{family: arnLike}, true
	case "ArnNotEquals", "ArnNotLike":
		return operator{family: arnLike, negated: true}, true
	case "Null":
		return operator{family: null}, true
	}
	return operator{}, false
}

// parseOperator reads a full operator name such as
// "ForAllValues:StringLikeIfExists".
func parseOperator(name string) (operator, setQualifier, bool, error) {
	base, set := name, single
	if rest, ok := strings.CutPrefix(base, "ForAnyValue:"); ok {
		base, set = rest, forAnyValue
	} else if rest, ok := strings.CutPrefix(base, "ForAllValues:"); ok {
		base, set = rest, forAllValues
	}
	base, ifExists := strings.CutSuffix(base, "IfExists")
	op, ok := lookupOperator(base)
	// Null tests presence itself; a qualifier or IfExists on it means nothing.
	if !ok || (op.family == null && (ifExists || set != single)) {
		return operator{}, single, false, malformed("Invalid condition operator: " + name)
	}
	return op, set, ifExists, nil
}

// parseConditions reads the Condition element: operators, each to an
// object of keys to values.
func parseConditions(raw json.RawMessage, variables bool) ([]condition, error) {
	operators, err := objectFields(raw)
	if err != nil {
		return nil, err
	}
	var conditions []condition
	for _, o := range operators {
		op, set, ifExists, err := parseOperator(o.name)
		if err != nil {
			return nil, err
		}
		keys, err := objectFields(o.value)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if !hasVendor(k.name) {
				return nil, malformed(msgVendor)
			}
			values, err := conditionValues(k.value)
			if err != nil {
				return nil, err
			}
			if len(values) == 0 {
				return nil, malformed("Condition key " + k.name + " has no values")
			}
			c := condition{op: op, set: set, ifExists: ifExists, key: strings.ToLower(k.name)}
			if op.family == null {
				c.null, err = parseBools(values)
			} else {
				c.values, err = parseValues(op, values, variables)
			}
			if err != nil {
				return nil, err
			}
			conditions = append(conditions, c)
		}
	}
	return conditions, nil
}

// holds evaluates the condition against the request context.
func (c *condition) holds(context map[string][]string) bool {
	got := context[c.key]
	present := len(got) > 0
	if c.op.family == null {
		for _, absent := range c.null {
			if absent != present {
				return true
			}
		}
		return false
	}
	// A negated operator, unqualified, asks that no request value match:
	// like ForAllValues it holds for every value, and so on a missing key.
	every := c.set == forAllValues || (c.set == single && c.op.negated)
	if !present {
		return c.ifExists || every
	}
	for _, v := range got {
		accepted := c.values.matchesAny(v, context) != c.op.negated
		if every && !accepted {
			return false
		}
		if !every && accepted {
			return true
		}
	}
	return every
}
