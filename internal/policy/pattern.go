package policy

import (
	"strings"
	"unicode/utf8"
)

// A pattern is one policy string compiled at Parse: literal text, the
// wildcards * and ? where the element allows them, and policy variables
// where the document's version allows them. Patterns without variables
// are expanded once, at compile time.
type pattern struct {
	tokens []token
	static bool   // no variables: glob and text below are the whole pattern
	glob   []rune // when static
	text   string // when static and compiled without wildcards
}

type tokenKind uint8

const (
	literal  tokenKind = iota
	anyRun             // *
	anyOne             // ?
	variable           // ${key} or ${key, 'default'}
)

type token struct {
	kind        tokenKind
	text        string // the literal text, or the lower-cased context key of a variable
	fallback    string
	hasFallback bool
}

// In an expanded glob the wildcards are negative runes, which no decoded
// string holds, so literal text never passes for a wildcard.
const (
	globAnyRun rune = -1
	globAnyOne rune = -2
)

func compilePattern(s string, wildcards, variables bool) pattern {
	var p pattern
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.tokens = append(p.tokens, token{kind: literal, text: lit.String()})
			lit.Reset()
		}
	}
	p.static = true
	for i := 0; i < len(s); {
		if variables && strings.HasPrefix(s[i:], "${") {
			if tok, n, ok := parseVariable(s[i:]); ok {
				if tok.kind == literal {
					lit.WriteString(tok.text)
				} else {
					flush()
					p.tokens = append(p.tokens, tok)
					p.static = false
				}
				i += n
				continue
			}
		}
		if c := s[i]; wildcards && (c == '*' || c == '?') {
			flush()
			kind := anyRun
			if c == '?' {
				kind = anyOne
			}
			p.tokens = append(p.tokens, token{kind: kind})
			i++
			continue
		}
		lit.WriteByte(s[i])
		i++
	}
	flush()
	if p.static {
		glob, _ := p.expand(nil)
		text, _ := p.resolveText(nil)
		p.glob, p.text = glob, text
	}
	return p
}

// parseVariable reads the variable at the start of s ("${" ...). It
// returns the token, the length consumed, and false when s does not hold a
// well-formed variable, in which case the caller keeps the text literally.
func parseVariable(s string) (token, int, bool) {
	end, quoted := -1, false
	for j := 2; j < len(s); j++ {
		if s[j] == '\'' {
			quoted = !quoted
		} else if s[j] == '}' && !quoted {
			end = j
			break
		}
	}
	if end < 0 {
		return token{}, 0, false
	}
	body := strings.TrimSpace(s[2:end])
	switch body {
	case "*", "?", "$":
		return token{kind: literal, text: body}, end + 1, true
	}
	key, fallback, hasFallback := body, "", false
	if comma := strings.IndexByte(body, ','); comma >= 0 {
		key = strings.TrimSpace(body[:comma])
		quotedDefault := strings.TrimSpace(body[comma+1:])
		if len(quotedDefault) < 2 || quotedDefault[0] != '\'' || quotedDefault[len(quotedDefault)-1] != '\'' {
			return token{}, 0, false
		}
		inner := quotedDefault[1 : len(quotedDefault)-1]
		// A quote inside a default is written twice.
		if strings.Contains(strings.ReplaceAll(inner, "''", ""), "'") {
			return token{}, 0, false
		}
		fallback, hasFallback = strings.ReplaceAll(inner, "''", "'"), true
	}
	if colon := strings.IndexByte(key, ':'); colon <= 0 || strings.ContainsAny(key, " \t'${}") {
		return token{}, 0, false
	}
	return token{kind: variable, text: strings.ToLower(key), fallback: fallback, hasFallback: hasFallback}, end + 1, true
}

// expand returns the pattern as a glob, its variables replaced from the
// request context. It fails when a variable has no single value and no
// default: AWS then treats the element as not matching.
func (p *pattern) expand(context map[string][]string) ([]rune, bool) {
	if p.static && p.glob != nil {
		return p.glob, true
	}
	glob := make([]rune, 0, 64)
	for _, t := range p.tokens {
		switch t.kind {
		case literal:
			glob = append(glob, []rune(t.text)...)
		case anyRun:
			glob = append(glob, globAnyRun)
		case anyOne:
			glob = append(glob, globAnyOne)
		case variable:
			value, ok := lookupVariable(t, context)
			if !ok {
				return nil, false
			}
			glob = append(glob, []rune(value)...)
		}
	}
	return glob, true
}

// resolveText is expand for patterns compiled without wildcards, as text.
func (p *pattern) resolveText(context map[string][]string) (string, bool) {
	if p.static && p.glob != nil {
		return p.text, true
	}
	var b strings.Builder
	for _, t := range p.tokens {
		switch t.kind {
		case literal:
			b.WriteString(t.text)
		case variable:
			value, ok := lookupVariable(t, context)
			if !ok {
				return "", false
			}
			b.WriteString(value)
		}
	}
	return b.String(), true
}

// lookupVariable gives a variable's value. Multivalued keys cannot be
// variables, as in AWS.
func lookupVariable(t token, context map[string][]string) (string, bool) {
	if values := context[t.text]; len(values) == 1 {
		return values[0], true
	}
	return t.fallback, t.hasFallback
}

// globMatch reports whether s matches glob as a whole: * is any run of
// characters, ? any one character. It backtracks only to the last *, so it
// runs in O(len(glob)·len(s)) whatever the input.
func globMatch(glob []rune, s string) bool {
	g, i := 0, 0
	starG, starI := -1, 0
	for i < len(s) {
		if g < len(glob) {
			switch glob[g] {
			case globAnyRun:
				starG, starI = g, i
				g++
				continue
			case globAnyOne:
				_, width := utf8.DecodeRuneInString(s[i:])
				i += width
				g++
				continue
			default:
				if r, width := utf8.DecodeRuneInString(s[i:]); r == glob[g] {
					i += width
					g++
					continue
				}
			}
		}
		if starG < 0 {
			return false
		}
		// Let the last * take one more character and try again after it.
		_, width := utf8.DecodeRuneInString(s[starI:])
		starI += width
		g, i = starG+1, starI
	}
	for g < len(glob) && glob[g] == globAnyRun {
		g++
	}
	return g == len(glob)
}

// arnMatch is the matching of the Arn condition operators: each of the six
// colon-separated parts of the ARN is matched on its own, so a wildcard
// never crosses a colon. Values that are not six-part ARNs, such as "*",
// are matched whole.
func arnMatch(glob []rune, s string) bool {
	globParts := splitGlob(glob)
	sParts := strings.SplitN(s, ":", 6)
	if len(globParts) != 6 || len(sParts) != 6 {
		return globMatch(glob, s)
	}
	for i := range 6 {
		if !globMatch(globParts[i], sParts[i]) {
			return false
		}
	}
	return true
}

// splitGlob splits a glob at its first five colons, like strings.SplitN(s, ":", 6).
func splitGlob(glob []rune) [][]rune {
	var parts [][]rune
	start := 0
	for i, r := range glob {
		if r == ':' && len(parts) < 5 {
			parts = append(parts, glob[start:i])
			start = i + 1
		}
	}
	return append(parts, glob[start:])
}
