package funcs

// REGEX_REPLACE and SUBSTRING(s FROM regex): Java regular expressions (see
// javaregex.go), compiled once when the pattern is a constant.

import (
	"regexp"
	"strings"

	"sluice/internal/analytics/value"
)

func regexFuncs() []*Func {
	return []*Func{
		{Name: "REGEX_REPLACE", MinArgs: 3, MaxArgs: 5, Deterministic: true, bind: bindRegexReplace},
	}
}

// bindRegexSubstring binds SUBSTRING(s FROM regex): the first match, or
// NULL when there is none.
func bindRegexSubstring(args []Arg) (*Call, error) {
	t := varchar(strLen(args[0].Type))
	first := func(re *regexp.Regexp, s string) value.Value {
		loc := re.FindStringIndex(s)
		if loc == nil {
			return value.Value{}
		}
		return value.NewVarchar(s[loc[0]:loc[1]])
	}
	if args[1].Const {
		if args[1].Value.IsNull() {
			return scalar(t, func([]value.Value) (value.Value, error) { return value.Value{}, nil }), nil
		}
		re, err := CompileJava("SUBSTRING", args[1].Value.Str())
		if err != nil {
			return nil, &ArgError{Func: "SUBSTRING", Arg: 2, Msg: "is not a regular expression Sluice can run: " + errMsg(err)}
		}
		return scalar(t, func(a []value.Value) (value.Value, error) {
			if a[0].IsNull() {
				return value.Value{}, nil
			}
			return first(re, a[0].Str()), nil
		}), nil
	}
	var cache lastCompiled[*regexp.Regexp]
	return scalar(t, func(a []value.Value) (value.Value, error) {
		if a[0].IsNull() || a[1].IsNull() {
			return value.Value{}, nil
		}
		re, err := cache.get(patternKey{pattern: a[1].Str()}, func(k patternKey) (*regexp.Regexp, error) {
			return CompileJava("SUBSTRING", k.pattern)
		})
		if err != nil {
			return value.Value{}, err
		}
		return first(re, a[0].Str()), nil
	}), nil
}

// replacer is a compiled regex with a compiled Java replacement string.
type replacer struct {
	re    *regexp.Regexp
	parts []replPart
}

// replPart is literal text, or (group >= 0) a group's text.
type replPart struct {
	lit   string
	group int
}

// parseReplacement reads a Java replacement string as Matcher.replaceAll
// does: $n and ${name} are groups (a multi-digit $nn takes as many digits
// as still name a group), a backslash makes the next character literal.
func parseReplacement(repl string, re *regexp.Regexp) ([]replPart, error) {
	const fn = "REGEX_REPLACE"
	var parts []replPart
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			parts = append(parts, replPart{lit: lit.String(), group: -1})
			lit.Reset()
		}
	}
	groups := re.NumSubexp()
	for i := 0; i < len(repl); i++ {
		c := repl[i]
		switch c {
		case '\\':
			i++
			if i >= len(repl) {
				return nil, errorf(CondInvalidParameter, fn, "the replacement %s ends with a backslash", quote(repl))
			}
			lit.WriteByte(repl[i])
		case '$':
			i++
			if i >= len(repl) {
				return nil, errorf(CondInvalidParameter, fn, "the replacement %s ends with $", quote(repl))
			}
			flush()
			if repl[i] == '{' {
				end := strings.IndexByte(repl[i:], '}')
				if end < 0 {
					return nil, errorf(CondInvalidParameter, fn, "unclosed ${ in the replacement %s", quote(repl))
				}
				name := repl[i+1 : i+end]
				g := re.SubexpIndex(name)
				if g < 0 {
					return nil, errorf(CondInvalidParameter, fn, "the replacement %s names no group %q", quote(repl), name)
				}
				parts = append(parts, replPart{group: g})
				i += end
				continue
			}
			if repl[i] < '0' || repl[i] > '9' {
				return nil, errorf(CondInvalidParameter, fn, "illegal group reference in the replacement %s", quote(repl))
			}
			g := int(repl[i] - '0')
			if g > groups {
				return nil, errorf(CondInvalidParameter, fn, "the replacement %s refers to group %d; the pattern has %d", quote(repl), g, groups)
			}
			for i+1 < len(repl) && repl[i+1] >= '0' && repl[i+1] <= '9' {
				n := g*10 + int(repl[i+1]-'0')
				if n > groups {
					break
				}
				g = n
				i++
			}
			parts = append(parts, replPart{group: g})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return parts, nil
}

func compileReplacer(pattern, repl string) (*replacer, error) {
	re, err := CompileJava("REGEX_REPLACE", pattern)
	if err != nil {
		return nil, err
	}
	parts, err := parseReplacement(repl, re)
	if err != nil {
		return nil, err
	}
	return &replacer{re: re, parts: parts}, nil
}

// replace replaces the occurrence-th match (every match when occurrence is
// 0) in s from character start (1-based) on.
func (r *replacer) replace(s string, start, occurrence int64) (string, error) {
	const fn = "REGEX_REPLACE"
	if start < 1 {
		return "", errorf(CondInvalidParameter, fn, "the start position %d is less than 1", start)
	}
	if occurrence < 0 {
		return "", errorf(CondInvalidParameter, fn, "the occurrence %d is negative", occurrence)
	}
	if start > int64(len(s)) {
		return s, nil // past the end, even counting bytes: the original
	}
	off, _ := charSpan(s, int(start-1), int(start))
	if off >= len(s) {
		return s, nil
	}
	head, sub := s[:off], s[off:]
	matches := r.re.FindAllStringSubmatchIndex(sub, -1)
	if len(matches) == 0 || occurrence > int64(len(matches)) {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(head)
	prev := 0
	for k, m := range matches {
		if occurrence != 0 && int64(k+1) != occurrence {
			continue
		}
		b.WriteString(sub[prev:m[0]])
		for _, p := range r.parts {
			if p.group < 0 {
				b.WriteString(p.lit)
			} else if m[2*p.group] >= 0 {
				b.WriteString(sub[m[2*p.group]:m[2*p.group+1]])
			}
		}
		prev = m[1]
	}
	b.WriteString(sub[prev:])
	return b.String(), nil
}

// bindRegexReplace binds REGEX_REPLACE(original, regex, replacement
// [, startPosition [, occurrence]]): java.lang.String.replaceAll from
// startPosition (default 1) on, every match when occurrence is 0 (the
// default) or only the occurrence-th. The result is VARCHAR(65534), the
// most a VARCHAR holds (AWS documents 65535).
func bindRegexReplace(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "REGEX_REPLACE", args: args}
	for i := range args {
		var err error
		if i < 3 {
			err = c.str(i)
		} else {
			err = c.integer(i)
		}
		if err != nil {
			return nil, err
		}
	}
	t := value.Varchar(value.MaxStringLength)
	run := func(r *replacer, a []value.Value) (value.Value, error) {
		start, occ := int64(1), int64(0)
		if len(a) > 3 {
			start, _ = intOf(a[3])
		}
		if len(a) > 4 {
			occ, _ = intOf(a[4])
		}
		out, err := r.replace(a[0].Str(), start, occ)
		if err != nil {
			return value.Value{}, err
		}
		return value.NewVarchar(out), nil
	}
	if args[1].Const && args[2].Const && !args[1].Value.IsNull() && !args[2].Value.IsNull() {
		r, err := compileReplacer(args[1].Value.Str(), args[2].Value.Str())
		if err != nil {
			return nil, &ArgError{Func: "REGEX_REPLACE", Arg: 2, Msg: "does not compile: " + errMsg(err)}
		}
		return scalar(t, func(a []value.Value) (value.Value, error) {
			if anyNull(a) {
				return value.Value{}, nil
			}
			return run(r, a)
		}), nil
	}
	var cache lastCompiled[*replacer]
	return scalar(t, func(a []value.Value) (value.Value, error) {
		if anyNull(a) {
			return value.Value{}, nil
		}
		r, err := cache.get(patternKey{a[1].Str(), a[2].Str()}, func(k patternKey) (*replacer, error) {
			return compileReplacer(k.pattern, k.escape)
		})
		if err != nil {
			return value.Value{}, err
		}
		return run(r, a)
	}), nil
}
