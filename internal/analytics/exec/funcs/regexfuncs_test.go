package funcs

import (
	"strings"
	"testing"
)

func TestRegexReplace(t *testing.T) {
	tests := []struct {
		desc string
		args []any // original, regex, replacement, start, occurrence
		want want
	}{
		// The reference's example and the developer guide's.
		{"sector", []any{"TECHNOLOGY", "TECHNOLOGY", "INFORMATION TECHNOLOGY", 1, 0}, want{v: vc("INFORMATION TECHNOLOGY")}},
		{"sector unchanged", []any{"ENERGY", "TECHNOLOGY", "INFORMATION TECHNOLOGY", 1, 0}, want{v: vc("ENERGY")}},
		{"referrer", []any{"http://www.amazon.com", "http://", "https://", 1, 0}, want{v: vc("https://www.amazon.com")}},
		// replaceAll semantics.
		{"all", []any{"a1b22c333", `\d+`, "#", 1, 0}, want{v: vc("a#b#c#")}},
		{"second", []any{"a1b22c333", `\d+`, "#", 1, 2}, want{v: vc("a1b#c333")}},
		{"past the matches", []any{"a1b22c333", `\d+`, "#", 1, 4}, want{v: vc("a1b22c333")}},
		{"from position 3", []any{"a1b22c333", `\d+`, "#", 3, 0}, want{v: vc("a1b#c#")}},
		{"from position 3, first", []any{"a1b22c333", `\d+`, "#", 3, 1}, want{v: vc("a1b#c333")}},
		{"^ at the start position", []any{"xxyy", `^x`, "-", 2, 0}, want{v: vc("x-yy")}},
		{"start past the end", []any{"abc", `.`, "-", 4, 0}, want{v: vc("abc")}},
		{"start counts characters", []any{"ééab", `[a-z]`, "-", 3, 0}, want{v: vc("éé--")}},
		{"groups", []any{"John Smith", `(\w+) (\w+)`, "$2, $1", 1, 0}, want{v: vc("Smith, John")}},
		{"named group", []any{"2018-05", `(?<y>\d+)-(?<m>\d+)`, "${m}/${y}", 1, 0}, want{v: vc("05/2018")}},
		{"$12 with one group is $1 then 2", []any{"ab", `(a)`, "$12", 1, 0}, want{v: vc("a2b")}},
		{"escaped $", []any{"ab", `a`, `\$1`, 1, 0}, want{v: vc("$1b")}},
		{"unmatched group", []any{"b", `(a)?b`, "[$1]", 1, 0}, want{v: vc("[]")}},
		{"start < 1", []any{"abc", `a`, "x", 0, 0}, want{errText: "less than 1"}},
		{"occurrence < 0", []any{"abc", `a`, "x", 1, -1}, want{errText: "negative"}},
		{"bad group", []any{"abc", `a`, "$2", 1, 0}, want{errText: "group 2"}},
		{"bad reference", []any{"abc", `a`, "$x", 1, 0}, want{errText: "illegal group reference"}},
		{"trailing backslash", []any{"abc", `a`, `x\`, 1, 0}, want{errText: "backslash"}},
		{"null", []any{nil, `a`, "x", 1, 0}, want{v: null}},
	}
	for _, tt := range tests {
		vals := args()
		for _, a := range tt.args {
			switch a := a.(type) {
			case nil:
				vals = append(vals, null)
			case string:
				vals = append(vals, vc(a))
			case int:
				vals = append(vals, i32(int32(a)))
			}
		}
		check(t, "REGEX_REPLACE "+tt.desc, "REGEX_REPLACE", vals, tt.want)
	}
	// Three arguments: from 1, every match.
	check(t, "REGEX_REPLACE with defaults", "REGEX_REPLACE", args(vc("aXbX"), vc("X"), vc("-")), want{v: vc("a-b-")})
	// A bad constant pattern is a validation error.
	err := bindErr(t, "REGEX_REPLACE", ConstArg(vc("a")), ConstArg(vc("a++")), ConstArg(vc("b")))
	if err == nil || !strings.Contains(err.Error(), "possessive") {
		t.Errorf("REGEX_REPLACE with a possessive quantifier: %v", err)
	}
}
