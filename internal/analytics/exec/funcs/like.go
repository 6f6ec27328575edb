package funcs

// LIKE: a pattern of literal characters, _ (any one character) and % (any
// run of characters, empty included), matched against the whole string and
// case-sensitively. An ESCAPE character makes the next _, % or escape
// character literal. The pattern compiles to segments between %s, each a
// fixed number of characters, so matching is a prefix test, a suffix test
// and a leftmost search for each middle segment: no backtracking, no regexp.

import (
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

// LikePattern is a compiled LIKE pattern.
type LikePattern struct {
	segs   []likeSeg // the pieces between %s
	anyPct bool      // the pattern has a %: segs[0] is a prefix, the last a suffix
}

// likeSeg is a run of literal text and _ wildcards: a fixed number of
// characters.
type likeSeg struct {
	parts []likePart
	chars int // characters the segment matches
}

// likePart is literal text, or (lit == "") n characters of anything.
type likePart struct {
	lit string
	any int
}

// CompileLike compiles a LIKE pattern. escape is the ESCAPE clause's
// string, or "" when there is none; it must be one character.
func CompileLike(pattern, escape string) (*LikePattern, error) {
	esc, hasEsc, err := escapeRune("LIKE", escape)
	if err != nil {
		return nil, err
	}
	p := &LikePattern{}
	var cur likeSeg
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			cur.parts = append(cur.parts, likePart{lit: lit.String()})
			cur.chars += charCount(lit.String())
			lit.Reset()
		}
	}
	for i := 0; i < len(pattern); {
		r, size := utf8.DecodeRuneInString(pattern[i:])
		i += size
		switch {
		case hasEsc && r == esc:
			if i >= len(pattern) {
				return nil, errorf(CondInvalidEscapeSequence, "LIKE", "the pattern %s ends with its escape character", quote(pattern))
			}
			next, n := utf8.DecodeRuneInString(pattern[i:])
			if next != '%' && next != '_' && next != esc {
				return nil, errorf(CondInvalidEscapeSequence, "LIKE", "in %s the escape character precedes %q, which is not _, %% or itself", quote(pattern), next)
			}
			i += n
			lit.WriteRune(next)
		case r == '%':
			flush()
			p.segs = append(p.segs, cur)
			cur = likeSeg{}
			p.anyPct = true
		case r == '_':
			flush()
			if k := len(cur.parts); k > 0 && cur.parts[k-1].lit == "" {
				cur.parts[k-1].any++
			} else {
				cur.parts = append(cur.parts, likePart{any: 1})
			}
			cur.chars++
		default:
			lit.WriteString(pattern[i-size : i])
		}
	}
	flush()
	p.segs = append(p.segs, cur)
	return p, nil
}

// escapeRune checks an ESCAPE string: "" means none; otherwise exactly one
// character.
func escapeRune(fn, escape string) (rune, bool, error) {
	if escape == "" {
		return 0, false, nil
	}
	r, size := utf8.DecodeRuneInString(escape)
	if size != len(escape) || r == utf8.RuneError {
		return 0, false, errorf(CondInvalidEscapeChar, fn, "the escape %s must be one character", quote(escape))
	}
	return r, true, nil
}

// Match reports whether s matches the whole pattern.
func (p *LikePattern) Match(s string) bool {
	if !p.anyPct {
		end, ok := p.segs[0].matchAt(s, 0)
		return ok && end == len(s)
	}
	first, last := p.segs[0], p.segs[len(p.segs)-1]
	start, ok := first.matchAt(s, 0)
	if !ok {
		return false
	}
	// The suffix segment is anchored at the end: find where its characters
	// begin by walking back.
	tail, ok := suffixStart(s, last.chars)
	if !ok || tail < start {
		return false
	}
	if end, ok := last.matchAt(s, tail); !ok || end != len(s) {
		return false
	}
	window := s[:tail]
	for _, seg := range p.segs[1 : len(p.segs)-1] {
		end, ok := seg.find(window, start)
		if !ok {
			return false
		}
		start = end
	}
	return true
}

// suffixStart is the byte offset where the last n characters of s begin.
func suffixStart(s string, n int) (int, bool) {
	i := len(s)
	for ; n > 0; n-- {
		if i == 0 {
			return 0, false
		}
		if s[i-1] < utf8.RuneSelf {
			i--
		} else {
			_, size := utf8.DecodeLastRuneInString(s[:i])
			i -= size
		}
	}
	return i, true
}

// matchAt matches the segment at byte offset i of s, returning where it
// ends.
func (g likeSeg) matchAt(s string, i int) (int, bool) {
	for _, p := range g.parts {
		if p.lit != "" {
			if !strings.HasPrefix(s[i:], p.lit) {
				return 0, false
			}
			i += len(p.lit)
			continue
		}
		for n := p.any; n > 0; n-- {
			if i >= len(s) {
				return 0, false
			}
			if s[i] < utf8.RuneSelf {
				i++
			} else {
				_, size := utf8.DecodeRuneInString(s[i:])
				i += size
			}
		}
	}
	return i, true
}

// find is the end of the leftmost match of the segment in s at or after
// byte offset from. The leftmost match is the right one for a segment
// between two %s: any later match leaves less room for what follows.
func (g likeSeg) find(s string, from int) (int, bool) {
	if len(g.parts) == 0 {
		return from, true
	}
	lead := g.parts[0].lit
	for i := from; i <= len(s); {
		if lead != "" {
			j := strings.Index(s[i:], lead)
			if j < 0 {
				return 0, false
			}
			i += j
		}
		if end, ok := g.matchAt(s, i); ok {
			return end, true
		}
		if i == len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return 0, false
}

// patternKey identifies a pattern compiled at run time.
type patternKey struct{ pattern, escape string }

// lastCompiled caches the last pattern a call compiled at run time, for a
// pattern that is a column rather than a constant: rows often repeat it.
// It is safe for concurrent use; a miss just compiles again.
type lastCompiled[T any] struct {
	p atomic.Pointer[compiledEntry[T]]
}

type compiledEntry[T any] struct {
	key patternKey
	val T
	err error
}

func (c *lastCompiled[T]) get(key patternKey, compile func(patternKey) (T, error)) (T, error) {
	if e := c.p.Load(); e != nil && e.key == key {
		return e.val, e.err
	}
	v, err := compile(key)
	c.p.Store(&compiledEntry[T]{key: key, val: v, err: err})
	return v, err
}

func patternFuncs() []*Func {
	return []*Func{
		{Name: "LIKE", MinArgs: 2, MaxArgs: 3, Syntax: SyntaxSpecial, Deterministic: true, bind: bindLike},
		{Name: "SIMILAR TO", MinArgs: 2, MaxArgs: 3, Syntax: SyntaxSpecial, Deterministic: true, bind: bindSimilar},
		{Name: "SUBSTRING SIMILAR", MinArgs: 3, MaxArgs: 3, Syntax: SyntaxSpecial, Deterministic: true, bind: bindSimilarSubstring},
	}
}

// matcherOf is what LIKE and SIMILAR TO compile a pattern to.
type matcherOf interface{ Match(string) bool }

// bindMatch binds s LIKE pattern [ESCAPE e] and its SIMILAR TO twin: a
// BOOLEAN, UNKNOWN (NULL) when any operand is NULL. A constant pattern
// compiles once here, and a bad one is a validation error; a pattern from a
// column compiles per distinct value at run time.
func bindMatch(fn string, args []Arg, compile func(pattern, escape string) (matcherOf, error)) (*Call, error) {
	c := checker{fn: fn, args: args}
	for i := range args {
		if err := c.str(i); err != nil {
			return nil, err
		}
	}
	boolean := value.Simple(value.KindBoolean)
	if constPattern(args) {
		if isNullConst(args) {
			return scalar(boolean, func([]value.Value) (value.Value, error) { return value.Value{}, nil }), nil
		}
		esc := ""
		if len(args) == 3 {
			esc = args[2].Value.Str()
		}
		m, err := compile(args[1].Value.Str(), esc)
		if err != nil {
			return nil, &ArgError{Func: fn, Arg: 2, Msg: "is not a valid pattern: " + errMsg(err)}
		}
		return scalar(boolean, func(a []value.Value) (value.Value, error) {
			if a[0].IsNull() {
				return value.Value{}, nil
			}
			return value.NewBoolean(m.Match(a[0].Str())), nil
		}), nil
	}
	var cache lastCompiled[matcherOf]
	return scalar(boolean, func(a []value.Value) (value.Value, error) {
		if anyNull(a) {
			return value.Value{}, nil
		}
		key := patternKey{pattern: a[1].Str()}
		if len(a) == 3 {
			key.escape = a[2].Str()
		}
		m, err := cache.get(key, func(k patternKey) (matcherOf, error) { return compile(k.pattern, k.escape) })
		if err != nil {
			return value.Value{}, err
		}
		return value.NewBoolean(m.Match(a[0].Str())), nil
	}), nil
}

// constPattern reports that the pattern (argument 2) and any later
// arguments (the escape) are constants.
func constPattern(args []Arg) bool {
	for _, a := range args[1:] {
		if !a.Const {
			return false
		}
	}
	return true
}

// isNullConst reports a constant NULL among the pattern arguments.
func isNullConst(args []Arg) bool {
	for _, a := range args[1:] {
		if a.Const && a.Value.IsNull() {
			return true
		}
	}
	return false
}

func bindLike(_ *Env, args []Arg) (*Call, error) {
	return bindMatch("LIKE", args, func(p, e string) (matcherOf, error) { return CompileLike(p, e) })
}
