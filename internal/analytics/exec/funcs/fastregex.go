package funcs

// FAST_REGEX_LOG_PARSER (also spelled FAST_REGEX_LOG_PARSE, as KDA's own
// examples do). Its patterns are in the syntax of the dk.brics automaton
// library SQLstream used, not Java's:
//
//	[abc] [a-z] [^abc]   character classes      .    any character
//	x? x* x+ x{n} x{n,} x{n,m}                   @    any string
//	x|y                  alternation            #    the empty language
//	"text"               a literal string       ()   the empty string
//	<Digit> <Upper> <Lower> <ASCII> <Alpha> <Alnum> <Punct> <Blank> <Space>
//	<Cntrl> <XDigit> <Print> <Graph>            named classes
//	<n-m>                a decimal number from n to m (zero-padded to
//	                     their width when both have as many digits)
//	\c                   the character c
//
// Intersection (&) and complement (~) have no RE2 form and are refused.
// Each top-level parenthesised group is a column, COLUMN1 … COLUMNn, of
// type VARCHAR(1024).
//
// The matching is KDA's "lazy, no backtracking" one. The pattern is cut
// into a series of expressions, one per group and one per stretch between
// groups; an expression's fixed-length start (a literal, a class, x{n}, the
// x of x+) moves to the end of the previous one, and an expression of fixed
// length merges into the previous one. Each expression is then matched in
// turn where the previous one stopped, never revisited: one that ends in a
// fixed-length part (a delimiter) takes the shortest match, one that does
// not takes the longest, and the last must reach the end of the line. So
// '(.*)_+(._.*)' finds no match in 'Mary_had_a_little_lamb' (after "Mary_"
// the next expression needs "x_" and finds "ha"), where REGEX_LOG_PARSE
// would backtrack and succeed; '(.*)_+(<Alpha>.*)' gives Mary and
// had_a_little_lamb from 'Mary____had_a_little_lamb'.

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

// frlpAtom is one item of a sequence, with its repetition, in RE2 syntax.
type frlpAtom struct {
	re    string
	fixed bool // matches a fixed number of characters
}

// frlpPiece is an atom and the column (group, from 1) it belongs to, or 0
// outside every group.
type frlpPiece struct {
	frlpAtom
	group int
}

// FastRegex is a compiled FAST_REGEX_LOG_PARSER pattern.
type FastRegex struct {
	segments []frlpSegment
	groups   int
}

// frlpSegment is one expression of the series: a regexp anchored where
// the previous one stopped, and which of its capturing groups is which
// column.
type frlpSegment struct {
	re      *regexp.Regexp
	columns []int // capture i+1 is column columns[i]
}

var frlpNamed = map[string]string{
	"Digit":  `[0-9]`,
	"Upper":  `[A-Z]`,
	"Lower":  `[a-z]`,
	"ASCII":  `[\x00-\x7F]`,
	"Alpha":  `[A-Za-z]`,
	"Alnum":  `[A-Za-z0-9]`,
	"Punct":  `[!-/:-@\[-` + "`" + `{-~]`,
	"Blank":  `[ \t]`,
	"Space":  `[ \t\n\f\r\x0B]`,
	"Cntrl":  `[\x00-\x1F\x7F]`,
	"XDigit": `[0-9a-fA-F]`,
	"Print":  `[!-~]`,
	"Graph":  `[!-~]`,
}

// CompileFastRegex compiles a FAST_REGEX_LOG_PARSER pattern.
func CompileFastRegex(pattern string) (*FastRegex, error) {
	p := frlpParser{s: pattern}
	exprs, groups, err := p.top()
	if err != nil {
		return nil, errorf(CondInvalidRegex, "FAST_REGEX_LOG_PARSER", "%s: %v", quote(pattern), err)
	}
	// Build the series: fixed-length starts move back, fixed-length
	// expressions merge.
	var segs [][]frlpPiece
	var cur []frlpPiece
	for _, e := range exprs {
		k := 0
		for k < len(e.atoms) && e.atoms[k].fixed {
			cur = append(cur, frlpPiece{e.atoms[k], e.group})
			k++
		}
		if k == len(e.atoms) {
			continue
		}
		if len(cur) > 0 {
			segs = append(segs, cur)
		}
		cur = nil
		for _, a := range e.atoms[k:] {
			cur = append(cur, frlpPiece{a, e.group})
		}
	}
	segs = append(segs, cur)
	f := &FastRegex{groups: groups}
	for i, seg := range segs {
		var b strings.Builder
		b.WriteString(`\A`)
		lazy := len(seg) > 0 && seg[len(seg)-1].fixed && i < len(segs)-1
		if lazy {
			b.WriteString(`(?U)`)
		}
		var cols []int
		for j := 0; j < len(seg); {
			g := seg[j].group
			if g == 0 {
				b.WriteString(seg[j].re)
				j++
				continue
			}
			cols = append(cols, g)
			b.WriteByte('(')
			for ; j < len(seg) && seg[j].group == g; j++ {
				b.WriteString(seg[j].re)
			}
			b.WriteByte(')')
		}
		if i == len(segs)-1 {
			b.WriteString(`\z`)
		}
		re, err := regexp.Compile(b.String())
		if err != nil {
			return nil, errorf(CondInvalidRegex, "FAST_REGEX_LOG_PARSER", "%s: %v", quote(pattern), err)
		}
		f.segments = append(f.segments, frlpSegment{re: re, columns: cols})
	}
	return f, nil
}

// Groups is the number of columns.
func (f *FastRegex) Groups() int { return f.groups }

// Parse matches the line, appending the columns' text to dst; ok is false
// when it does not match.
func (f *FastRegex) Parse(dst []string, s string) ([]string, bool) {
	spans := make([][2]int, f.groups+1)
	for i := range spans {
		spans[i] = [2]int{-1, -1}
	}
	pos := 0
	for _, seg := range f.segments {
		m := seg.re.FindStringSubmatchIndex(s[pos:])
		if m == nil {
			return dst, false
		}
		for k, g := range seg.columns {
			lo, hi := m[2*k+2]+pos, m[2*k+3]+pos
			if spans[g][0] < 0 {
				spans[g][0] = lo
			}
			spans[g][1] = hi
		}
		pos += m[1]
	}
	for g := 1; g <= f.groups; g++ {
		if spans[g][0] < 0 {
			dst = append(dst, "")
			continue
		}
		dst = append(dst, s[spans[g][0]:spans[g][1]])
	}
	return dst, true
}

// frlpExpr is a group's content (group > 0) or a stretch between groups.
type frlpExpr struct {
	group int
	atoms []frlpAtom
}

type frlpParser struct {
	s string
	i int
}

type frlpError string

func (e frlpError) Error() string { return string(e) }

// top reads the pattern's top level: groups and what lies between them.
func (p *frlpParser) top() ([]frlpExpr, int, error) {
	var exprs []frlpExpr
	var outside []frlpAtom
	groups := 0
	for p.i < len(p.s) {
		if p.s[p.i] == '(' && !strings.HasPrefix(p.s[p.i:], "()") {
			exprs = append(exprs, frlpExpr{atoms: outside})
			outside = nil
			p.i++
			atoms, alt, err := p.sequence(')')
			if err != nil {
				return nil, 0, err
			}
			if p.i >= len(p.s) {
				return nil, 0, frlpError("missing )")
			}
			p.i++
			groups++
			if alt {
				atoms = []frlpAtom{{re: "(?:" + joinAtoms(atoms) + ")"}}
			}
			exprs = append(exprs, frlpExpr{group: groups, atoms: atoms})
			continue
		}
		atoms, alt, err := p.sequence('(')
		if err != nil {
			return nil, 0, err
		}
		if alt {
			// An alternation outside the groups: match the pattern as one.
			return nil, 0, frlpError("| outside a group: put the alternatives in parentheses")
		}
		outside = append(outside, atoms...)
		if p.i < len(p.s) && p.s[p.i] == ')' {
			return nil, 0, frlpError("unmatched )")
		}
	}
	exprs = append(exprs, frlpExpr{atoms: outside})
	return exprs, groups, nil
}

func joinAtoms(as []frlpAtom) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(a.re)
	}
	return b.String()
}

// sequence reads atoms up to stop (not consumed) or the end, at one nesting
// level. alt reports a | at this level; the atoms then form alternatives
// already joined into RE2 text.
func (p *frlpParser) sequence(stop byte) ([]frlpAtom, bool, error) {
	var alts []string
	var atoms []frlpAtom
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == ')' || c == '(' && stop == '(' && !strings.HasPrefix(p.s[p.i:], "()") {
			break
		}
		if c == '|' {
			p.i++
			alts = append(alts, joinAtoms(atoms))
			atoms = nil
			continue
		}
		base, fixed, err := p.simple()
		if err != nil {
			return nil, false, err
		}
		got, err := p.repeat(base, fixed)
		if err != nil {
			return nil, false, err
		}
		atoms = append(atoms, got...)
	}
	if alts != nil {
		alts = append(alts, joinAtoms(atoms))
		return []frlpAtom{{re: strings.Join(alts, "|")}}, true, nil
	}
	return atoms, false, nil
}

// repeat reads the repetitions after an atom. x+ becomes x x*, and x{n,m}
// becomes x{n} x{0,m-n}, so that their fixed-length start can move.
func (p *frlpParser) repeat(base string, fixed bool) ([]frlpAtom, error) {
	atoms := []frlpAtom{{re: base, fixed: fixed}}
	for p.i < len(p.s) {
		last := &atoms[len(atoms)-1]
		switch p.s[p.i] {
		case '?', '*':
			last.re = "(?:" + last.re + ")" + string(p.s[p.i])
			last.fixed = false
			p.i++
		case '+':
			if len(atoms) == 1 && last.fixed {
				atoms = append(atoms, frlpAtom{re: "(?:" + base + ")*"})
			} else {
				last.re = "(?:" + last.re + ")+"
				last.fixed = false
			}
			p.i++
		case '{':
			end := strings.IndexByte(p.s[p.i:], '}')
			if end < 0 || !validRepeat(p.s[p.i+1:p.i+end]) {
				return nil, frlpError("{ does not start a repetition {n}, {n,} or {n,m} with counts up to 1000")
			}
			body := p.s[p.i+1 : p.i+end]
			p.i += end + 1
			lo, hi, comma := body, "", false
			if j := strings.IndexByte(body, ','); j >= 0 {
				lo, hi, comma = body[:j], body[j+1:], true
			}
			n, _ := strconv.Atoi(lo)
			switch {
			case len(atoms) == 1 && last.fixed && !comma:
				last.re = "(?:" + base + "){" + lo + "}"
			case len(atoms) == 1 && last.fixed:
				last.re = "(?:" + base + "){" + lo + "}"
				rest := "*"
				if hi != "" {
					m, _ := strconv.Atoi(hi)
					rest = "{0," + strconv.Itoa(m-n) + "}"
				}
				atoms = append(atoms, frlpAtom{re: "(?:" + base + ")" + rest})
			default:
				last.re = "(?:" + last.re + "){" + body + "}"
				last.fixed = false
			}
		default:
			return atoms, nil
		}
	}
	return atoms, nil
}

// simple reads one atom, without repetition.
func (p *frlpParser) simple() (string, bool, error) {
	r, size := utf8.DecodeRuneInString(p.s[p.i:])
	p.i += size
	switch r {
	case '.':
		return `(?s:.)`, true, nil
	case '@':
		return `(?s:.*)`, false, nil
	case '#':
		return `[^\x00-\x{10FFFF}]`, true, nil
	case '&', '~':
		return "", false, frlpError(string(r) + " (intersection, complement) is not supported")
	case '\\':
		if p.i >= len(p.s) {
			return "", false, frlpError("the pattern ends with \\")
		}
		c, n := utf8.DecodeRuneInString(p.s[p.i:])
		p.i += n
		return regexp.QuoteMeta(string(c)), true, nil
	case '"':
		end := strings.IndexByte(p.s[p.i:], '"')
		if end < 0 {
			return "", false, frlpError("unclosed \"")
		}
		lit := p.s[p.i : p.i+end]
		p.i += end + 1
		return regexp.QuoteMeta(lit), true, nil
	case '(':
		if strings.HasPrefix(p.s[p.i:], ")") {
			p.i++
			return `(?:)`, true, nil
		}
		atoms, alt, err := p.sequence(')')
		if err != nil {
			return "", false, err
		}
		if p.i >= len(p.s) {
			return "", false, frlpError("missing )")
		}
		p.i++
		fixed := !alt
		for _, a := range atoms {
			fixed = fixed && a.fixed
		}
		return "(?:" + joinAtoms(atoms) + ")", fixed, nil
	case '[':
		return p.class()
	case '<':
		return p.angle()
	case ')', '|', '{', '}', '*', '+', '?':
		return "", false, frlpError("unexpected " + string(r))
	}
	return regexp.QuoteMeta(string(r)), true, nil
}

// class reads [...] (after its [): characters, ranges, \ escapes, and a ^
// first to negate.
func (p *frlpParser) class() (string, bool, error) {
	var b strings.Builder
	b.WriteByte('[')
	if strings.HasPrefix(p.s[p.i:], "^") {
		b.WriteByte('^')
		p.i++
	}
	n := 0
	for {
		if p.i >= len(p.s) {
			return "", false, frlpError("unclosed [")
		}
		r, size := utf8.DecodeRuneInString(p.s[p.i:])
		p.i += size
		switch {
		case r == ']' && n > 0:
			b.WriteByte(']')
			return b.String(), true, nil
		case r == ']':
			return "", false, frlpError("an empty character class []")
		case r == '\\':
			if p.i >= len(p.s) {
				return "", false, frlpError("unclosed [")
			}
			c, n := utf8.DecodeRuneInString(p.s[p.i:])
			p.i += n
			b.WriteString(hexRune(c))
		case r == '-' && n > 0 && !strings.HasPrefix(p.s[p.i:], "]"):
			b.WriteByte('-')
		default:
			b.WriteString(hexRune(r))
		}
		n++
	}
}

// angle reads <Name> or <n-m> (after its <).
func (p *frlpParser) angle() (string, bool, error) {
	end := strings.IndexByte(p.s[p.i:], '>')
	if end < 0 {
		return "", false, frlpError("unclosed <")
	}
	body := p.s[p.i : p.i+end]
	p.i += end + 1
	if re, ok := frlpNamed[body]; ok {
		return re, true, nil
	}
	if j := strings.IndexByte(body, '-'); j > 0 {
		lo, hi := body[:j], body[j+1:]
		a, err1 := strconv.ParseUint(lo, 10, 32)
		b, err2 := strconv.ParseUint(hi, 10, 32)
		if err1 == nil && err2 == nil && a <= b {
			if len(lo) == len(hi) {
				return "(?:" + numberRange(zeroPad(a, len(lo)), zeroPad(b, len(lo))) + ")", len(lo) > 0 && a == b, nil
			}
			var alts []string
			for width := len(strconv.FormatUint(a, 10)); width <= len(strconv.FormatUint(b, 10)); width++ {
				lo, hi := max(a, pow10u(width-1)), min(b, pow10u(width)-1)
				if width == 1 {
					lo = a
				}
				alts = append(alts, numberRange(zeroPad(lo, width), zeroPad(hi, width)))
			}
			return "0*(?:" + strings.Join(alts, "|") + ")", false, nil
		}
	}
	return "", false, frlpError("<" + body + "> is neither a named class nor a number range <n-m>")
}

func pow10u(n int) uint64 {
	r := uint64(1)
	for range n {
		r *= 10
	}
	return r
}

func zeroPad(n uint64, width int) string {
	s := strconv.FormatUint(n, 10)
	return strings.Repeat("0", max(width-len(s), 0)) + s
}

// numberRange is a regexp for the digit strings of one width from lo to
// hi.
func numberRange(lo, hi string) string {
	if len(lo) == 0 {
		return ""
	}
	if len(lo) == 1 {
		if lo == hi {
			return lo
		}
		return "[" + lo + "-" + hi + "]"
	}
	if lo[0] == hi[0] {
		return lo[:1] + "(?:" + numberRange(lo[1:], hi[1:]) + ")"
	}
	rest := len(lo) - 1
	alts := []string{lo[:1] + "(?:" + numberRange(lo[1:], strings.Repeat("9", rest)) + ")"}
	if lo[0]+1 <= hi[0]-1 {
		alts = append(alts, "["+string(lo[0]+1)+"-"+string(hi[0]-1)+"][0-9]{"+strconv.Itoa(rest)+"}")
	}
	alts = append(alts, hi[:1]+"(?:"+numberRange(strings.Repeat("0", rest), hi[1:])+")")
	return strings.Join(alts, "|")
}

// bindFastRegexLogParse binds FAST_REGEX_LOG_PARSER(line, pattern): the
// pattern must be a constant.
func bindFastRegexLogParse(_ *Env, args []Arg) (*Call, error) {
	const fn = "FAST_REGEX_LOG_PARSER"
	c := checker{fn: fn, args: args}
	if err := c.str(0); err != nil {
		return nil, err
	}
	pattern, err := c.constString(1, "fast regex pattern")
	if err != nil {
		return nil, err
	}
	f, err := CompileFastRegex(pattern)
	if err != nil {
		return nil, c.fail(1, "is not a valid fast regex pattern: %s", errMsg(err))
	}
	if f.groups == 0 {
		return nil, c.fail(1, "has no groups, so the row would have no columns")
	}
	fields := numbered(f.groups, logColumnType)
	return rowCall(fields, func(dst, a []value.Value) ([]value.Value, bool, error) {
		var buf [16]string
		cols, ok := f.Parse(buf[:0], a[0].Str())
		if !ok {
			return dst, false, nil
		}
		for _, s := range cols {
			v, _ := value.Cast(value.NewVarchar(s), logColumnType)
			dst = append(dst, v)
		}
		return dst, true, nil
	}), nil
}
