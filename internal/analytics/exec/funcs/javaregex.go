package funcs

// KDA's regular expressions are java.util.regex's; Sluice runs them on Go's
// RE2, which matches in linear time and has no backtracking. CompileJava
// translates what means the same in both, rewrites what RE2 spells
// differently, and refuses what RE2 cannot do (the package doc has the
// table). Refusing happens when the pattern compiles: at plan time for a
// constant pattern, so the application fails validation with the reason
// rather than matching differently.

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// javaFlags are the inline flags that change how Sluice translates: s
// (DOTALL), d (UNIX_LINES) and x (COMMENTS). i and m pass through to RE2.
type javaFlags struct{ s, d, x bool }

// Java's line terminators, which its . does not match (without DOTALL).
const (
	javaNotLineTerm = `[^\n\r\x{85}\x{2028}\x{2029}]`
	javaSpaceSet    = `\t\n\x0B\f\r `
	javaHSpaceSet   = ` \t\x{A0}\x{1680}\x{180E}\x{2000}-\x{200A}\x{202F}\x{205F}\x{3000}`
	javaVSpaceSet   = `\n\x0B\f\r\x{85}\x{2028}\x{2029}`
)

// CompileJava compiles a Java regular expression for Go. Errors are *Error
// with CondInvalidRegex.
func CompileJava(fn, pattern string) (*regexp.Regexp, error) {
	return compileJavaIn(fn, pattern, "", "")
}

// compileJavaIn compiles a Java pattern wrapped in RE2 text, as
// `\A(?:` and `)\z` make Matcher.matches' whole-string match.
func compileJavaIn(fn, pattern, before, after string) (*regexp.Regexp, error) {
	src, err := translateJava(pattern)
	if err != nil {
		return nil, errorf(CondInvalidRegex, fn, "%s: %s", quote(pattern), err.Error())
	}
	re, err := regexp.Compile(before + src + after)
	if err != nil {
		msg := err.Error()
		if e, ok := err.(*syntax.Error); ok {
			msg = string(e.Code) + " " + quote(e.Expr)
		}
		return nil, errorf(CondInvalidRegex, fn, "%s: %s", quote(pattern), msg)
	}
	return re, nil
}

type javaRegexError string

func (e javaRegexError) Error() string { return string(e) }

func refuse(format string, a ...any) error {
	return javaRegexError(fmt.Sprintf(format, a...))
}

// translateJava rewrites a Java pattern in RE2 syntax.
func translateJava(p string) (string, error) {
	t := javaTranslator{p: p}
	return t.run()
}

type javaTranslator struct {
	p     string
	i     int
	b     strings.Builder
	flags javaFlags
	stack []javaFlags
}

func (t *javaTranslator) next() (rune, bool) {
	if t.i >= len(t.p) {
		return 0, false
	}
	r, size := utf8.DecodeRuneInString(t.p[t.i:])
	t.i += size
	return r, true
}

func (t *javaTranslator) peek() rune {
	if t.i >= len(t.p) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(t.p[t.i:])
	return r
}

func (t *javaTranslator) run() (string, error) {
	for {
		r, ok := t.next()
		if !ok {
			if len(t.stack) > 0 {
				return "", refuse("missing closing )")
			}
			return t.b.String(), nil
		}
		if t.flags.x {
			if unicode.IsSpace(r) {
				continue
			}
			if r == '#' {
				for r, ok := t.next(); ok && r != '\n'; r, ok = t.next() {
				}
				continue
			}
		}
		var err error
		switch r {
		case '\\':
			err = t.escape(false)
		case '[':
			err = t.class()
		case '(':
			err = t.group()
		case ')':
			n := len(t.stack)
			if n == 0 {
				return "", refuse("unmatched ) at offset %d", t.i-1)
			}
			t.b.WriteByte(')')
			t.flags = t.stack[n-1]
			t.stack = t.stack[:n-1]
		case '.':
			switch {
			case t.flags.s:
				t.b.WriteString(`(?s:.)`)
			case t.flags.d:
				t.b.WriteString(`[^\n]`)
			default:
				t.b.WriteString(javaNotLineTerm)
			}
		case '*', '+', '?':
			t.b.WriteRune(r)
			err = t.quantifierSuffix()
		case '{':
			err = t.repetition()
		default:
			t.b.WriteRune(r)
		}
		if err != nil {
			return "", err
		}
	}
}

// quantifierSuffix handles what may follow a quantifier: ? (reluctant,
// which RE2 has) or + (possessive, which it has not).
func (t *javaTranslator) quantifierSuffix() error {
	switch t.peek() {
	case '?':
		t.i++
		t.b.WriteByte('?')
	case '+':
		return refuse("possessive quantifiers (*+, ++, ?+, {n}+) cannot run without backtracking control; use a greedy one")
	}
	return nil
}

// repetition reads {n}, {n,} or {n,m}; Java rejects any other {.
func (t *javaTranslator) repetition() error {
	end := strings.IndexByte(t.p[t.i:], '}')
	if end < 0 || !validRepeat(t.p[t.i:t.i+end]) {
		return refuse("{ at offset %d is not a repetition {n}, {n,} or {n,m} with counts up to 1000", t.i-1)
	}
	t.b.WriteString("{" + t.p[t.i:t.i+end] + "}")
	t.i += end + 1
	return t.quantifierSuffix()
}

// group reads what follows a (: a capture, a non-capturing or named group,
// or inline flags; lookaround and atomic groups are refused.
func (t *javaTranslator) group() error {
	if t.peek() != '?' {
		t.stack = append(t.stack, t.flags)
		t.b.WriteByte('(')
		return nil
	}
	t.i++
	rest := t.p[t.i:]
	switch {
	case strings.HasPrefix(rest, ":"):
		t.i++
		t.stack = append(t.stack, t.flags)
		t.b.WriteString("(?:")
		return nil
	case strings.HasPrefix(rest, "="), strings.HasPrefix(rest, "!"),
		strings.HasPrefix(rest, "<="), strings.HasPrefix(rest, "<!"):
		return refuse("lookaround groups (?=, (?!, (?<=, (?<! are not supported (RE2 has none)")
	case strings.HasPrefix(rest, ">"):
		return refuse("atomic groups (?> are not supported (RE2 has none)")
	case strings.HasPrefix(rest, "<"):
		end := strings.IndexByte(rest, '>')
		if end < 2 {
			return refuse("a named group needs a name: (?<name>...)")
		}
		name := rest[1:end]
		for k, c := range name {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || k > 0 && c >= '0' && c <= '9') {
				return refuse("the group name %q must be a letter followed by letters and digits", name)
			}
		}
		t.i += end + 1
		t.stack = append(t.stack, t.flags)
		t.b.WriteString("(?P<" + name + ">")
		return nil
	}
	// Inline flags: (?idmsux-idmsux) or (?idmsux-idmsux:X).
	var on, off strings.Builder
	nf := t.flags
	neg := false
	for {
		r, ok := t.next()
		if !ok {
			return refuse("unterminated inline flags (?")
		}
		switch r {
		case '-':
			neg = true
			continue
		case ')', ':':
			flags := on.String()
			if off.Len() > 0 {
				flags += "-" + off.String()
			}
			if r == ')' {
				t.flags = nf
				if flags != "" {
					t.b.WriteString("(?" + flags + ")")
				}
				return nil
			}
			t.stack = append(t.stack, t.flags)
			t.flags = nf
			t.b.WriteString("(?" + flags + ":")
			return nil
		case 'i', 'm', 's':
			if neg {
				off.WriteRune(r)
			} else {
				on.WriteRune(r)
			}
			if r == 's' {
				nf.s = !neg
			}
		case 'd':
			nf.d = !neg
		case 'x':
			nf.x = !neg
		case 'u':
			// UNICODE_CASE: RE2's (?i) already folds Unicode.
		case 'U':
			return refuse("the flag U (UNICODE_CHARACTER_CLASS) is not supported: \\w, \\d and \\s stay ASCII")
		default:
			return refuse("unknown inline flag %q", r)
		}
	}
}

// escape translates a backslash sequence (the backslash read), outside or
// inside a character class.
func (t *javaTranslator) escape(inClass bool) error {
	r, ok := t.next()
	if !ok {
		return refuse("the pattern ends with a backslash")
	}
	w := func(s string) error { t.b.WriteString(s); return nil }
	set := func(body string, negate bool) error {
		switch {
		case inClass && negate:
			return refuse("\\%c inside [ ] is not supported", r)
		case inClass:
			return w(body)
		case negate:
			return w("[^" + body + "]")
		}
		return w("[" + body + "]")
	}
	switch r {
	case 'd', 'D', 'w', 'W', 't', 'n', 'r', 'f', 'a':
		return w(`\` + string(r))
	case 'b', 'B', 'A', 'z':
		if inClass {
			return refuse("\\%c inside [ ] is not a character", r)
		}
		return w(`\` + string(r))
	case 's':
		return set(javaSpaceSet, false)
	case 'S':
		if inClass {
			return w(`\S`) // RE2's \S also counts \x0B as non-space
		}
		return set(javaSpaceSet, true)
	case 'h':
		return set(javaHSpaceSet, false)
	case 'H':
		return set(javaHSpaceSet, true)
	case 'v':
		return set(javaVSpaceSet, false)
	case 'V':
		return set(javaVSpaceSet, true)
	case 'R':
		if inClass {
			return refuse("\\R inside [ ] is not supported")
		}
		return w(`(?:\r\n|[` + javaVSpaceSet + `])`)
	case 'e':
		return w(`\x1B`)
	case 'Z', 'G', 'X':
		return refuse("\\%c is not supported (RE2 has no equivalent)", r)
	case 'k', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return refuse("back references (\\%c) are not supported: RE2 does not backtrack", r)
	case '0':
		return t.octal()
	case 'x':
		return t.hexEscape()
	case 'u':
		return t.unicodeEscape()
	case 'c':
		c, ok := t.next()
		if !ok {
			return refuse("\\c needs a control character letter")
		}
		return w(hexRune(c ^ 64))
	case 'p', 'P':
		return t.property(r == 'P', inClass)
	case 'Q':
		end := strings.Index(t.p[t.i:], `\E`)
		lit := t.p[t.i:]
		if end >= 0 {
			lit = t.p[t.i : t.i+end]
			t.i += end + 2
		} else {
			t.i = len(t.p)
		}
		if inClass {
			for _, c := range lit {
				t.b.WriteString(classLiteral(c))
			}
			return nil
		}
		return w(regexp.QuoteMeta(lit))
	case 'E':
		return nil // a \E without \Q: Java ignores it
	}
	if r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
		return refuse("\\%c is not an escape Java defines", r)
	}
	// A backslash before any other character makes it literal.
	if inClass {
		return w(classLiteral(r))
	}
	return w(regexp.QuoteMeta(string(r)))
}

// classLiteral writes a character literally inside an RE2 class.
func classLiteral(r rune) string {
	if r < utf8.RuneSelf && !unicode.IsLetter(r) && !unicode.IsDigit(r) && r > ' ' {
		return `\` + string(r)
	}
	return hexRune(r)
}

func hexRune(r rune) string { return `\x{` + strconv.FormatInt(int64(r), 16) + `}` }

// octal reads \0n, \0nn or \0mnn (m at most 3).
func (t *javaTranslator) octal() error {
	n, digits, first := 0, 0, 0
	for digits < 3 && t.i < len(t.p) && t.p[t.i] >= '0' && t.p[t.i] <= '7' {
		d := int(t.p[t.i] - '0')
		if digits == 0 {
			first = d
		}
		if digits == 2 && first > 3 {
			break
		}
		n = n*8 + d
		digits++
		t.i++
	}
	if digits == 0 {
		return refuse("\\0 needs an octal number")
	}
	t.b.WriteString(hexRune(rune(n)))
	return nil
}

// hexEscape reads \xhh or \x{h...h}.
func (t *javaTranslator) hexEscape() error {
	if t.peek() == '{' {
		end := strings.IndexByte(t.p[t.i:], '}')
		if end < 0 {
			return refuse("unclosed \\x{")
		}
		n, err := strconv.ParseUint(t.p[t.i+1:t.i+end], 16, 32)
		if err != nil || n > unicode.MaxRune {
			return refuse("\\x{%s} is not a code point", t.p[t.i+1:t.i+end])
		}
		t.i += end + 1
		t.b.WriteString(hexRune(rune(n)))
		return nil
	}
	if t.i+2 > len(t.p) {
		return refuse("\\x needs two hex digits")
	}
	n, err := strconv.ParseUint(t.p[t.i:t.i+2], 16, 8)
	if err != nil {
		return refuse("\\x needs two hex digits")
	}
	t.i += 2
	t.b.WriteString(hexRune(rune(n)))
	return nil
}

// unicodeEscape reads \uhhhh, joining a surrogate pair \uD83D\uDE00 into
// one code point as Java does.
func (t *javaTranslator) unicodeEscape() error {
	read := func() (rune, bool) {
		if t.i+4 > len(t.p) {
			return 0, false
		}
		n, err := strconv.ParseUint(t.p[t.i:t.i+4], 16, 16)
		if err != nil {
			return 0, false
		}
		t.i += 4
		return rune(n), true
	}
	r, ok := read()
	if !ok {
		return refuse("\\u needs four hex digits")
	}
	if r >= 0xD800 && r < 0xDC00 && strings.HasPrefix(t.p[t.i:], `\u`) {
		save := t.i
		t.i += 2
		if lo, ok := read(); ok && lo >= 0xDC00 && lo < 0xE000 {
			r = (r-0xD800)<<10 + (lo - 0xDC00) + 0x10000
		} else {
			t.i = save
		}
	}
	t.b.WriteString(hexRune(r))
	return nil
}

// javaPOSIX are Java's \p{Name} POSIX classes, US-ASCII only.
var javaPOSIX = map[string][]runeRange{
	"Lower":  {{'a', 'z'}},
	"Upper":  {{'A', 'Z'}},
	"ASCII":  {{0, 0x7F}},
	"Alpha":  {{'A', 'Z'}, {'a', 'z'}},
	"Digit":  {{'0', '9'}},
	"Alnum":  {{'0', '9'}, {'A', 'Z'}, {'a', 'z'}},
	"Punct":  {{'!', '/'}, {':', '@'}, {'[', '`'}, {'{', '~'}},
	"Graph":  {{'!', '~'}},
	"Print":  {{' ', '~'}},
	"Blank":  {{' ', ' '}, {'\t', '\t'}},
	"Cntrl":  {{0, 0x1F}, {0x7F, 0x7F}},
	"XDigit": {{'0', '9'}, {'A', 'F'}, {'a', 'f'}},
	"Space":  {{'\t', '\r'}, {' ', ' '}},
}

// javaNamed are Java's java.lang.Character classes, as Unicode categories.
var javaNamed = map[string]string{
	"javaLowerCase":      `\p{Ll}`,
	"javaUpperCase":      `\p{Lu}`,
	"javaLetter":         `\p{L}`,
	"javaDigit":          `\p{Nd}`,
	"javaLetterOrDigit":  `\p{L}\p{Nd}`,
	"javaAlphabetic":     `\p{L}\p{Nl}`,
	"IsAlphabetic":       `\p{L}\p{Nl}`,
	"IsLetter":           `\p{L}`,
	"IsDigit":            `\p{Nd}`,
	"IsLowercase":        `\p{Ll}`,
	"IsUppercase":        `\p{Lu}`,
	"IsPunctuation":      `\p{P}`,
	"IsControl":          `\p{Cc}`,
	"IsWhite_Space":      `\s\x0B\x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}`,
	"javaWhitespace":     `\t-\r\x1C-\x1F \x{1680}\x{2000}-\x{2006}\x{2008}-\x{200A}\x{2028}\x{2029}\x{205F}\x{3000}`,
	"javaSpaceChar":      `\p{Zs}\p{Zl}\p{Zp}`,
	"javaTitleCase":      `\p{Lt}`,
	"javaISOControl":     `\x00-\x1F\x7F-\x{9F}`,
	"javaDefined":        `\P{Cn}`,
	"javaIdentifierPart": `\p{L}\p{Nd}\p{Nl}\p{Mn}\p{Mc}\p{Pc}\p{Sc}`,
}

// property translates \p{Name} or \P{Name} (the p or P read).
func (t *javaTranslator) property(negate, inClass bool) error {
	var name string
	if t.peek() == '{' {
		end := strings.IndexByte(t.p[t.i:], '}')
		if end < 0 {
			return refuse("unclosed \\p{")
		}
		name = t.p[t.i+1 : t.i+end]
		t.i += end + 1
	} else {
		r, ok := t.next()
		if !ok {
			return refuse("\\p needs a property name")
		}
		name = string(r)
	}
	for _, prefix := range []string{"general_category=", "gc=", "script=", "sc=", "Is"} {
		if strings.HasPrefix(name, prefix) {
			if _, named := javaNamed[name]; named {
				break
			}
			name = strings.TrimPrefix(name, prefix)
			break
		}
	}
	if set, ok := javaPOSIX[name]; ok {
		if negate {
			set = complement(set)
		}
		body := classBody(set)
		if inClass {
			t.b.WriteString(body)
		} else {
			t.b.WriteString("[" + body + "]")
		}
		return nil
	}
	if body, ok := javaNamed[name]; ok {
		switch {
		case negate && inClass:
			return refuse("\\P{%s} inside [ ] is not supported", name)
		case negate:
			t.b.WriteString("[^" + body + "]")
		case inClass:
			t.b.WriteString(body)
		default:
			t.b.WriteString("[" + body + "]")
		}
		return nil
	}
	if _, ok := unicode.Categories[name]; ok || unicode.Scripts[name] != nil {
		if negate {
			t.b.WriteString(`\P{` + name + `}`)
		} else {
			t.b.WriteString(`\p{` + name + `}`)
		}
		return nil
	}
	return refuse("the property \\p{%s} is not supported (Unicode blocks and other Java properties have no RE2 equivalent)", name)
}

// classBody writes ranges as the inside of an RE2 class. (Every POSIX class
// and its complement is non-empty, so classText gives a plain [...].)
func classBody(rs []runeRange) string {
	s := classText(rs)
	return strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")
}

// class translates a character class (its [ read). Java's nested classes
// (unions) and && (intersections) have no RE2 form and are refused.
func (t *javaTranslator) class() error {
	t.b.WriteByte('[')
	if t.peek() == '^' {
		t.i++
		t.b.WriteByte('^')
	}
	first := true
	for {
		r, ok := t.next()
		if !ok {
			return refuse("unclosed character class")
		}
		switch {
		case r == ']' && !first:
			t.b.WriteByte(']')
			return nil
		case r == ']':
			t.b.WriteString(`\]`)
		case r == '[':
			return refuse("nested character classes (Java's [a[b]] unions) are not supported")
		case r == '&' && t.peek() == '&':
			return refuse("character class intersections (&&) are not supported")
		case r == '\\':
			if err := t.escape(true); err != nil {
				return err
			}
		case t.flags.x && unicode.IsSpace(r):
		default:
			t.b.WriteRune(r)
		}
		first = false
	}
}
