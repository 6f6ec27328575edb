package firehoseapi

import (
	"regexp"
	"strings"

	"sluice/internal/awsproto/shape"
)

// The model's patterns are Java regular expressions, matched by AWS's
// request layer against the whole value. Go's RE2 differs from Java in
// three ways that matter here, so javaPattern rewrites a model pattern
// before compiling it:
//
//   - Java's '.' does not match the line terminators \n, \r, U+0085,
//     U+2028 and U+2029; Go's matches all but \n.
//   - Java's \s is [ \t\n\x0B\f\r] and \S its complement; Go's \s leaves
//     out \x0B.
//   - Java reads \_ as '_' and \uXXXX as a code point; RE2 refuses both.
//
// Lookarounds ((?!…), (?<!…)), which RE2 does not have, are refused: the
// shapes that use them give an equivalent Go expression to patternAs.
const (
	javaDot      = `[^\n\r\x{85}\x{2028}\x{2029}]`
	javaSpace    = `[\t\n\x0B\f\r ]`
	javaNonSpace = `[^\t\n\x0B\f\r ]`
)

// pattern returns s with the model's pattern text, matched as Java would.
func pattern(s *shape.Shape, text string) *shape.Shape {
	return patternAs(s, text, javaPattern(text))
}

// patternAs returns s with the model's pattern text, matched by the Go
// expression re, which must accept exactly what text accepts in Java.
func patternAs(s *shape.Shape, text, re string) *shape.Shape {
	c := *s
	c.PatternText = text
	c.Pattern = regexp.MustCompile(`^(?:` + re + `)$`)
	return &c
}

// javaPattern rewrites a Java regular expression of the model into RE2
// syntax with the same meaning. It is only given the model's constant
// patterns and panics on a construct it does not know.
func javaPattern(p string) string {
	var b strings.Builder
	inClass := false
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			i++
			e := p[i]
			switch {
			case e == 's' && !inClass:
				b.WriteString(javaSpace)
			case e == 'S' && !inClass:
				b.WriteString(javaNonSpace)
			case e == 's' || e == 'S':
				panic("firehoseapi: \\s in a character class: " + p)
			case e == 'u' && i+4 < len(p):
				b.WriteString(`\x{` + p[i+1:i+5] + `}`)
				i += 4
			case e == '_':
				b.WriteByte('_')
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		case c == '[' && !inClass:
			inClass = true
			b.WriteByte(c)
			if i+1 < len(p) && p[i+1] == '^' {
				b.WriteByte('^')
				i++
			}
		case c == ']' && inClass:
			inClass = false
			b.WriteByte(c)
		case c == '.' && !inClass:
			b.WriteString(javaDot)
		case c == '(' && !inClass && strings.HasPrefix(p[i:], "(?") && !strings.HasPrefix(p[i:], "(?:"):
			panic("firehoseapi: lookaround or flags in a model pattern, use patternAs: " + p)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// Patterns with a lookahead or lookbehind, and their Go equivalents.
const (
	// nonBlankText is `^(?!\s*$).+`: one or more characters on one line,
	// not all of them white space.
	nonBlankText   = `^(?!\s*$).+`
	nonBlankTextGo = javaDot + `*[^\t\n\x0B\f\r \x{85}\x{2028}\x{2029}]` + javaDot + `*`

	// jdbcURL is ClusterJDBCURL; (?!-)…(?<!-) keeps a host label from
	// starting or ending with '-'.
	jdbcURL   = `jdbc:(redshift|postgresql)://((?!-)[A-Za-z0-9-]{1,63}(?<!-)\.)+(redshift(-serverless)?)\.([a-zA-Z0-9\.\-]+):\d{1,5}/[a-zA-Z0-9_$-]+`
	jdbcURLGo = `jdbc:(redshift|postgresql)://([A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(redshift(-serverless)?)\.([a-zA-Z0-9\.\-]+):\d{1,5}/[a-zA-Z0-9_$-]+`
)
