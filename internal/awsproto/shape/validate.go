package shape

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"sluice/internal/awsproto/awserr"
)

// maxReported is how many violations Coral lists in one ValidationException.
const maxReported = 10

type violations struct {
	items []string
}

func (vs *violations) add(path string, s *Shape, v any, rule string) {
	if len(vs.items) >= maxReported {
		return
	}
	value := "null"
	if v != nil {
		value = "'" + javaString(s, v) + "'"
	}
	vs.items = append(vs.items, "Value "+value+" at '"+path+"' failed to satisfy constraint: "+rule)
}

func (vs *violations) full() bool { return len(vs.items) >= maxReported }

func (vs *violations) err() *awserr.Error {
	if len(vs.items) == 0 {
		return nil
	}
	noun := "errors"
	if len(vs.items) == 1 {
		noun = "error"
	}
	return awserr.New(awserr.ValidationException, "%d validation %s detected: %s",
		len(vs.items), noun, strings.Join(vs.items, "; "))
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

func join(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// checkStruct checks a canonical structure value member by member.
func checkStruct(vs *violations, s *Shape, m map[string]any, parent string) {
	for _, mem := range s.Members {
		if vs.full() {
			return
		}
		path := join(parent, lowerFirst(mem.Name))
		v := m[mem.Name]
		if v == nil {
			if mem.Required {
				vs.add(path, mem.Shape, nil, "Member must not be null")
			}
			continue
		}
		checkValue(vs, mem.Shape, v, path)
	}
}

// checkValue checks one present value against its shape's constraints, in
// the order Coral reports them: value range, pattern, length, enum, then the
// members or elements inside.
func checkValue(vs *violations, s *Shape, v any, path string) {
	switch s.Kind {
	case Integer, Long:
		n, _ := v.(int64)
		if s.HasMin && n < s.Min {
			vs.add(path, s, v, "Member must have value greater than or equal to "+strconv.FormatInt(s.Min, 10))
		}
		if s.HasMax && n > s.Max {
			vs.add(path, s, v, "Member must have value less than or equal to "+strconv.FormatInt(s.Max, 10))
		}
	case Double:
		f, _ := v.(float64)
		if s.HasMin && f < float64(s.Min) {
			vs.add(path, s, v, "Member must have value greater than or equal to "+strconv.FormatInt(s.Min, 10))
		}
		if s.HasMax && f > float64(s.Max) {
			vs.add(path, s, v, "Member must have value less than or equal to "+strconv.FormatInt(s.Max, 10))
		}
	case String, Blob:
		for _, rule := range scalarRules(s, v) {
			vs.add(path, s, v, rule)
		}
	case List:
		items, _ := v.([]any)
		checkLength(vs, s, v, int64(len(items)), path)
		if isScalar(s.Elem) {
			// Coral reports element constraints once, on the list.
			if rule := elementRule(s.Elem, items); rule != "" {
				vs.add(path, s, v, "Member must satisfy constraint: "+rule)
			}
			return
		}
		for i, it := range items {
			if vs.full() {
				return
			}
			elemPath := path + "." + strconv.Itoa(i+1) + ".member"
			if it == nil {
				continue
			}
			checkValue(vs, s.Elem, it, elemPath)
		}
	case Map:
		m, _ := v.(map[string]any)
		checkLength(vs, s, v, int64(len(m)), path)
		keys := sortedKeys(m)
		keyValues := make([]any, len(keys))
		values := make([]any, len(keys))
		for i, k := range keys {
			keyValues[i] = k
			values[i] = m[k]
		}
		if rule := elementRule(s.Key, keyValues); rule != "" {
			vs.add(path, s, v, "Map keys must satisfy constraint: "+rule)
		}
		if isScalar(s.Elem) {
			if rule := elementRule(s.Elem, values); rule != "" {
				vs.add(path, s, v, "Map value must satisfy constraint: "+rule)
			}
		}
	case Structure:
		m, _ := v.(map[string]any)
		checkStruct(vs, s, m, path)
	}
}

func isScalar(s *Shape) bool {
	return s != nil && s.Kind != List && s.Kind != Map && s.Kind != Structure
}

func checkLength(vs *violations, s *Shape, v any, n int64, path string) {
	if s.HasMin && n < s.Min {
		vs.add(path, s, v, "Member must have length greater than or equal to "+strconv.FormatInt(s.Min, 10))
	}
	if s.HasMax && n > s.Max {
		vs.add(path, s, v, "Member must have length less than or equal to "+strconv.FormatInt(s.Max, 10))
	}
}

// scalarRules lists the constraints a string or blob value breaks.
func scalarRules(s *Shape, v any) []string {
	var rules []string
	var n int64
	switch x := v.(type) {
	case string:
		if s.Pattern != nil && !s.Pattern.MatchString(x) {
			rules = append(rules, "Member must satisfy regular expression pattern: "+s.PatternText)
		}
		// Java counts UTF-16 code units; count runes outside the BMP twice.
		n = UTF16Len(x)
	case []byte:
		n = int64(len(x))
	}
	if s.HasMin && n < s.Min {
		rules = append(rules, "Member must have length greater than or equal to "+strconv.FormatInt(s.Min, 10))
	}
	if s.HasMax && n > s.Max {
		rules = append(rules, "Member must have length less than or equal to "+strconv.FormatInt(s.Max, 10))
	}
	if len(s.Enum) > 0 {
		str, _ := v.(string)
		found := false
		for _, e := range s.Enum {
			if e == str {
				found = true
				break
			}
		}
		if !found {
			rules = append(rules, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
		}
	}
	return rules
}

// elementRule returns Coral's bracketed list of an element shape's
// constraints when any element breaks one, or "".
func elementRule(s *Shape, items []any) string {
	if s == nil {
		return ""
	}
	broken := false
	for _, it := range items {
		if it != nil && len(scalarRules(s, it)) > 0 {
			broken = true
			break
		}
	}
	if !broken {
		return ""
	}
	var parts []string
	if s.HasMax {
		parts = append(parts, "Member must have length less than or equal to "+strconv.FormatInt(s.Max, 10))
	}
	if s.HasMin {
		parts = append(parts, "Member must have length greater than or equal to "+strconv.FormatInt(s.Min, 10))
	}
	if s.Pattern != nil {
		parts = append(parts, "Member must satisfy regular expression pattern: "+s.PatternText)
	}
	if len(s.Enum) > 0 {
		parts = append(parts, "Member must satisfy enum value set: ["+strings.Join(s.Enum, ", ")+"]")
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// UTF16Len is the length Java's String.length() reports, which is what
// AWS's length constraints count.
func UTF16Len(s string) int64 {
	var n int64
	for len(s) > 0 {
		r, size := utf8.DecodeRuneInString(s)
		s = s[size:]
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}
