package funcs

// SIMILAR TO: SQL's regular expressions, translated to Go's RE2 syntax.
//
//	_           any one character         %          any run of characters
//	|           alternation               ( )        grouping
//	* + ?       repetition                {m} {m,} {m,n}
//	[abc] [a-z] a character of the set    [^abc]     a character not in it
//	[a-e^c]     a character of the first set and not of the second
//	[:ALPHA:] [:UPPER:] [:LOWER:] [:DIGIT:] [:ALNUM:] [:SPACE:] [:WHITESPACE:]  inside brackets
//
// Every other character is itself (a . or $ included). The characters
// [ ] ( ) | ^ - + * _ % ? { } are special: an ESCAPE character before one
// (or before itself) makes it literal, and inside brackets the special
// ones other than - and ^ must be escaped ('[^(a-e)]d' is invalid, as KDA
// documents). SIMILAR TO matches the whole string; SUBSTRING SIMILAR
// searches for the first match (see bindSimilarSubstring).

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

const similarSpecials = "[]()|^-+*_%?{}"

// SimilarPattern is a compiled SIMILAR TO pattern.
type SimilarPattern struct{ re *regexp.Regexp }

// CompileSimilar compiles a SIMILAR TO pattern with the ESCAPE string
// escape ("" for none).
func CompileSimilar(pattern, escape string) (*SimilarPattern, error) {
	src, err := translateSimilar("SIMILAR TO", pattern, escape)
	if err != nil {
		return nil, err
	}
	re, err := regexp.Compile(`\A(?s:` + src + `)\z`)
	if err != nil {
		return nil, errorf(CondInvalidRegex, "SIMILAR TO", "%s: %v", quote(pattern), err)
	}
	return &SimilarPattern{re: re}, nil
}

// Match reports whether the whole of s matches.
func (p *SimilarPattern) Match(s string) bool { return p.re.MatchString(s) }

func bindSimilar(_ *Env, args []Arg) (*Call, error) {
	return bindMatch("SIMILAR TO", args, func(p, e string) (matcherOf, error) { return CompileSimilar(p, e) })
}

// translateSimilar turns a SIMILAR TO pattern into RE2 syntax.
func translateSimilar(fn, pattern, escape string) (string, error) {
	esc, hasEsc, err := escapeRune(fn, escape)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	bad := func(format string, a ...any) (string, error) {
		return "", errorf(CondInvalidRegex, fn, "%s: "+format, append([]any{quote(pattern)}, a...)...)
	}
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		i += size
		if hasEsc && r == esc {
			lit, n, err := escaped(fn, pattern, i, esc)
			if err != nil {
				return "", err
			}
			i += n
			b.WriteString(regexp.QuoteMeta(string(lit)))
			continue
		}
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		case '|', '*', '+', '?', ')':
			b.WriteRune(r)
		case '(':
			b.WriteString("(?:")
		case '{':
			end := strings.IndexByte(pattern[i:], '}')
			if end < 0 || !validRepeat(pattern[i:i+end]) {
				return bad("{ does not start a repetition {m}, {m,} or {m,n}")
			}
			b.WriteString("{" + pattern[i:i+end] + "}")
			i += end + 1
		case '[':
			set, n, err := similarClass(fn, pattern, i, esc, hasEsc)
			if err != nil {
				return "", err
			}
			i += n
			b.WriteString(set)
		case ']', '}':
			return bad("unbalanced %q", r)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String(), nil
}

// escaped reads the character after an escape at pattern[i:]: a special
// character or the escape itself, literally.
func escaped(fn, pattern string, i int, esc rune) (rune, int, error) {
	if i >= len(pattern) {
		return 0, 0, errorf(CondInvalidEscapeSequence, fn, "the pattern %s ends with its escape character", quote(pattern))
	}
	next, n := utf8.DecodeRuneInString(pattern[i:])
	if next != esc && !strings.ContainsRune(similarSpecials, next) {
		return 0, 0, errorf(CondInvalidEscapeSequence, fn, "in %s the escape character precedes %q, which is not a special character", quote(pattern), next)
	}
	return next, n, nil
}

// validRepeat checks the inside of {…}: m, m, or m,n with m <= n <= 1000
// (RE2's limit on counted repetition).
func validRepeat(s string) bool {
	lo, hi, comma := s, "", false
	if j := strings.IndexByte(s, ','); j >= 0 {
		lo, hi, comma = s[:j], s[j+1:], true
	}
	m, err := strconv.Atoi(lo)
	if err != nil || m < 0 || m > 1000 || lo[0] == '+' {
		return false
	}
	if !comma || hi == "" {
		return true
	}
	n, err := strconv.Atoi(hi)
	return err == nil && hi[0] != '+' && n >= m && n <= 1000
}

// runeRange is a closed range of code points.
type runeRange struct{ lo, hi rune }

var similarNamedClasses = map[string][]runeRange{
	"ALPHA":      {{'A', 'Z'}, {'a', 'z'}},
	"UPPER":      {{'A', 'Z'}},
	"LOWER":      {{'a', 'z'}},
	"DIGIT":      {{'0', '9'}},
	"ALNUM":      {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}},
	"SPACE":      {{' ', ' '}},
	"WHITESPACE": {{'\t', '\r'}, {' ', ' '}, {0x85, 0x85}, {0xA0, 0xA0}, {0x2028, 0x2029}},
}

// similarClass reads a bracket expression after its [ at pattern[i:] and
// returns an RE2 class and the bytes it read. The set is computed here
// (inclusions minus exclusions, complemented after [^) because RE2 has no
// class subtraction.
func similarClass(fn, pattern string, i int, esc rune, hasEsc bool) (string, int, error) {
	start := i
	bad := func(format string, a ...any) (string, int, error) {
		return "", 0, errorf(CondInvalidRegex, fn, "%s: "+format, append([]any{quote(pattern)}, a...)...)
	}
	negate := false
	if strings.HasPrefix(pattern[i:], "^") {
		negate = true
		i++
	}
	var include, exclude []runeRange
	target := &include
	members := 0
	for {
		if i >= len(pattern) {
			return bad("unclosed [")
		}
		r, size := utf8.DecodeRuneInString(pattern[i:])
		i += size
		switch {
		case r == ']' && !(hasEsc && r == esc):
			if members == 0 {
				return bad("an empty character set []")
			}
			set := subtract(include, exclude)
			if negate {
				set = complement(set)
			}
			return classText(set), i - start, nil
		case r == '^' && !(hasEsc && r == esc):
			if target == &exclude || members == 0 {
				return bad("^ must separate two character lists in [ ]")
			}
			target = &exclude
			members = 0
			continue
		case r == '[' && strings.HasPrefix(pattern[i:], ":"):
			end := strings.Index(pattern[i:], ":]")
			if end < 0 {
				return bad("unclosed [: :]")
			}
			name := strings.ToUpper(pattern[i+1 : i+end])
			set, ok := similarNamedClasses[name]
			if !ok {
				return bad("unknown character class [:%s:]", name)
			}
			*target = append(*target, set...)
			i += end + 2
			members++
			continue
		}
		lo, err := classChar(fn, pattern, &i, r, esc, hasEsc)
		if err != nil {
			return "", 0, err
		}
		hi := lo
		if strings.HasPrefix(pattern[i:], "-") && !strings.HasPrefix(pattern[i:], "-]") {
			i++
			r2, size2 := utf8.DecodeRuneInString(pattern[i:])
			i += size2
			if hi, err = classChar(fn, pattern, &i, r2, esc, hasEsc); err != nil {
				return "", 0, err
			}
			if hi < lo {
				return bad("the range %c-%c is backwards", lo, hi)
			}
		}
		*target = append(*target, runeRange{lo, hi})
		members++
	}
}

// classChar reads one character of a bracket expression, r, already
// decoded (its bytes before *i): an escape makes the next character
// literal; the specials other than - and ^ must be escaped.
func classChar(fn, pattern string, i *int, r, esc rune, hasEsc bool) (rune, error) {
	if hasEsc && r == esc {
		lit, n, err := escaped(fn, pattern, *i, esc)
		if err != nil {
			return 0, err
		}
		*i += n
		return lit, nil
	}
	if strings.ContainsRune("[]()|+*_%?{}", r) {
		return 0, errorf(CondInvalidRegex, fn, "%s: %q must be escaped inside [ ]", quote(pattern), r)
	}
	return r, nil
}

// normalize sorts and merges ranges.
func normalize(rs []runeRange) []runeRange {
	sort.Slice(rs, func(i, j int) bool { return rs[i].lo < rs[j].lo })
	var out []runeRange
	for _, r := range rs {
		if n := len(out); n > 0 && r.lo <= out[n-1].hi+1 {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return out
}

// subtract is a minus b.
func subtract(a, b []runeRange) []runeRange {
	a, b = normalize(a), normalize(b)
	var out []runeRange
	for _, r := range a {
		lo := r.lo
		for _, x := range b {
			if x.hi < lo || x.lo > r.hi {
				continue
			}
			if x.lo > lo {
				out = append(out, runeRange{lo, x.lo - 1})
			}
			lo = x.hi + 1
		}
		if lo <= r.hi {
			out = append(out, runeRange{lo, r.hi})
		}
	}
	return out
}

// complement is every code point not in rs.
func complement(rs []runeRange) []runeRange {
	return subtract([]runeRange{{0, utf8.MaxRune}}, rs)
}

// classText writes a set as an RE2 class; the empty set matches nothing.
func classText(rs []runeRange) string {
	if len(rs) == 0 {
		return `[^\x00-\x{10FFFF}]`
	}
	var b strings.Builder
	b.WriteByte('[')
	for _, r := range rs {
		b.WriteString(`\x{` + strconv.FormatInt(int64(r.lo), 16) + `}`)
		if r.hi != r.lo {
			b.WriteString(`-\x{` + strconv.FormatInt(int64(r.hi), 16) + `}`)
		}
	}
	b.WriteByte(']')
	return b.String()
}

// SimilarSubstring is a compiled SUBSTRING(s SIMILAR pattern ESCAPE e).
type SimilarSubstring struct{ re *regexp.Regexp }

// CompileSimilarSubstring compiles a three-part pattern R1 e" R2 e" R3. KDA
// returns the part of the first match that R2 matches ('123456789' SIMILAR
// '23#"456#"78' ESCAPE '#' is 456), so the pattern is searched for, not
// matched against the whole string as in SQL:2008; R1 matches as little as
// it can.
func CompileSimilarSubstring(pattern, escape string) (*SimilarSubstring, error) {
	const fn = "SUBSTRING"
	esc, hasEsc, err := escapeRune(fn, escape)
	if err != nil {
		return nil, err
	}
	if !hasEsc {
		return nil, errorf(CondInvalidEscapeChar, fn, "SUBSTRING SIMILAR needs an escape character")
	}
	// Split at the two escape-quote markers, skipping other escapes.
	var parts []string
	last := 0
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		if r == esc && i+size < len(pattern) {
			next, n := utf8.DecodeRuneInString(pattern[i+size:])
			if next == '"' {
				parts = append(parts, pattern[last:i])
				i += size + n
				last = i
				continue
			}
			i += size + n
			continue
		}
		i += size
	}
	parts = append(parts, pattern[last:])
	if len(parts) != 3 {
		return nil, errorf(CondInvalidEscapeSequence, fn, "%s must have exactly two %c\" markers around the part to return", quote(pattern), esc)
	}
	var src [3]string
	for k, p := range parts {
		if src[k], err = translateSimilar(fn, p, escape); err != nil {
			return nil, err
		}
	}
	re, err := regexp.Compile(`(?s:(?U:` + src[0] + `)(` + src[1] + `)` + src[2] + `)`)
	if err != nil {
		return nil, errorf(CondInvalidRegex, fn, "%s: %v", quote(pattern), err)
	}
	return &SimilarSubstring{re: re}, nil
}

// Find is the part of s the middle of the pattern matched, ok false when
// the pattern is not found.
func (p *SimilarSubstring) Find(s string) (string, bool) {
	m := p.re.FindStringSubmatchIndex(s)
	if m == nil {
		return "", false
	}
	return s[m[2]:m[3]], true
}

// bindSimilarSubstring binds SUBSTRING(s SIMILAR pattern ESCAPE e) (and
// SQL:1999's SUBSTRING(s FROM pattern FOR e)): NULL when the pattern is not
// found.
func bindSimilarSubstring(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "SUBSTRING", args: args}
	for i := range args {
		if err := c.str(i); err != nil {
			return nil, err
		}
	}
	t := varchar(strLen(args[0].Type))
	find := func(p *SimilarSubstring, s string) (value.Value, error) {
		if sub, ok := p.Find(s); ok {
			return value.NewVarchar(sub), nil
		}
		return value.Value{}, nil
	}
	if constPattern(args) && !isNullConst(args) {
		p, err := CompileSimilarSubstring(args[1].Value.Str(), args[2].Value.Str())
		if err != nil {
			return nil, &ArgError{Func: "SUBSTRING", Arg: 2, Msg: "is not a valid pattern: " + errMsg(err)}
		}
		return scalar(t, func(a []value.Value) (value.Value, error) {
			if a[0].IsNull() {
				return value.Value{}, nil
			}
			return find(p, a[0].Str())
		}), nil
	}
	var cache lastCompiled[*SimilarSubstring]
	return scalar(t, func(a []value.Value) (value.Value, error) {
		if anyNull(a) {
			return value.Value{}, nil
		}
		p, err := cache.get(patternKey{a[1].Str(), a[2].Str()}, func(k patternKey) (*SimilarSubstring, error) {
			return CompileSimilarSubstring(k.pattern, k.escape)
		})
		if err != nil {
			return value.Value{}, err
		}
		return find(p, a[0].Str())
	}), nil
}
