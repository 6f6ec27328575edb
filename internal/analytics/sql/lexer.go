package sql

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxIdentifierLength is the longest identifier KDA accepts, in characters.
const MaxIdentifierLength = 128

// lexer turns application code into tokens. It never fails outright: a
// character it cannot read becomes a tokError token that ends the list, so
// that the parser reports errors in source order (a syntax error before a
// lexical one is reported first, as the validator's lazy lexer did).
type lexer struct {
	src  string
	off  int // byte offset of the next character
	line int
	col  int
	toks []token
}

// lex returns the tokens of src, ending with tokEOF or tokError.
func lex(src string) []token {
	l := &lexer{src: src, line: 1, col: 1}
	// Most tokens are five to ten bytes long; guessing avoids regrowing.
	l.toks = make([]token, 0, len(src)/6+2)
	for {
		t := l.next()
		l.toks = append(l.toks, t)
		if t.kind == tokEOF || t.kind == tokError {
			return l.toks
		}
	}
}

func (l *lexer) pos() Pos { return Pos{Offset: l.off, Line: l.line, Column: l.col} }

// peekRune returns the character i runes ahead without consuming anything
// (i is 0 or 1 in practice).
func (l *lexer) peekRune(i int) rune {
	off := l.off
	for ; i > 0; i-- {
		if off >= len(l.src) {
			return -1
		}
		_, w := utf8.DecodeRuneInString(l.src[off:])
		off += w
	}
	if off >= len(l.src) {
		return -1
	}
	r, _ := utf8.DecodeRuneInString(l.src[off:])
	return r
}

// advance consumes one character, keeping line and column: CR, LF and CRLF
// each end a line.
func (l *lexer) advance() rune {
	r, w := utf8.DecodeRuneInString(l.src[l.off:])
	l.off += w
	switch {
	case r == '\n':
		l.line, l.col = l.line+1, 1
	case r == '\r':
		if l.off < len(l.src) && l.src[l.off] == '\n' {
			l.off++
		}
		l.line, l.col = l.line+1, 1
	default:
		l.col++
	}
	return r
}

func (l *lexer) next() token {
	if t, ok := l.skipSpaceAndComments(); !ok {
		return t
	}
	start := l.pos()
	if l.off >= len(l.src) {
		return token{kind: tokEOF, pos: start}
	}
	r := l.peekRune(0)
	switch {
	case (r == 'N' || r == 'n') && l.peekRune(1) == '\'':
		l.advance()
		return l.quoted(start, '\'', tokString)
	case (r == 'X' || r == 'x') && l.peekRune(1) == '\'':
		l.advance()
		return l.quoted(start, '\'', tokBinaryString)
	case (r == 'U' || r == 'u') && l.peekRune(1) == '&' && l.peekAfterAmp() == '\'':
		l.advance()
		l.advance()
		return l.quoted(start, '\'', tokUnicodeString)
	case r == '_' || unicode.IsLetter(r):
		return l.word(start)
	case r >= '0' && r <= '9', r == '.' && isDigit(l.peekRune(1)):
		return l.number(start)
	case r == '\'':
		return l.quoted(start, '\'', tokString)
	case r == '"':
		return l.quoted(start, '"', tokQuotedIdent)
	}
	return l.symbol(start, r)
}

func (l *lexer) peekAfterAmp() rune { return l.peekRune(2) }

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// skipSpaceAndComments skips white space and the three comment forms the
// dialect has: -- and // to the end of the line, /* to */. It returns false
// with an error token for a comment that never ends.
func (l *lexer) skipSpaceAndComments() (token, bool) {
	for l.off < len(l.src) {
		r := l.peekRune(0)
		switch {
		case unicode.IsSpace(r):
			l.advance()
		case r == '-' && l.peekRune(1) == '-', r == '/' && l.peekRune(1) == '/':
			for l.off < len(l.src) && l.src[l.off] != '\n' && l.src[l.off] != '\r' {
				l.advance()
			}
		case r == '/' && l.peekRune(1) == '*':
			start := l.pos()
			l.advance()
			l.advance()
			for {
				if l.off >= len(l.src) {
					err := lexicalError(l.pos(), "", excerpt(l.src[start.Offset:]))
					err.Msg += fmt.Sprintf(" (the comment opened at %s is never closed)", start)
					return token{kind: tokError, pos: l.pos(), err: err}, false
				}
				if l.src[l.off] == '*' && l.peekRune(1) == '/' {
					l.advance()
					l.advance()
					break
				}
				l.advance()
			}
		default:
			return token{}, true
		}
	}
	return token{}, true
}

// excerpt shortens the text of an unfinished lexeme for a message.
func excerpt(s string) string {
	const max = 20
	if r := []rune(s); len(r) > max {
		return string(r[:max]) + "..."
	}
	return s
}

func (l *lexer) word(start Pos) token {
	for l.off < len(l.src) {
		r := l.peekRune(0)
		if r != '_' && r != '$' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		l.advance()
	}
	text := l.src[start.Offset:l.off]
	if n := utf8.RuneCountInString(text); n > MaxIdentifierLength {
		return identifierTooLong(start, text)
	}
	return token{kind: tokWord, text: text, value: foldWord(text), pos: start}
}

// foldWord upper-cases an unquoted identifier. ASCII words, nearly all of
// them, are folded without allocating when already upper case.
func foldWord(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToUpper(s)
		}
		if c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

func identifierTooLong(p Pos, name string) token {
	return token{kind: tokError, pos: p, err: newError(p, fmt.Sprintf(
		"At %s: Length of identifier '%s' must be less than or equal to %d characters",
		p, excerpt(name), MaxIdentifierLength))}
}

// number reads an exact integer (42), an exact decimal (4.2, .5, 5.) or an
// approximate number (4.2E-3). An E not followed by digits ends the number
// before it, as the validator's lexer did: 1e is 1 and the word E.
func (l *lexer) number(start Pos) token {
	kind := tokInteger
	for isDigit(l.peekRune(0)) {
		l.advance()
	}
	if l.peekRune(0) == '.' {
		kind = tokDecimal
		l.advance()
		for isDigit(l.peekRune(0)) {
			l.advance()
		}
	}
	if r := l.peekRune(0); r == 'e' || r == 'E' {
		n := l.peekRune(1)
		if isDigit(n) || (n == '+' || n == '-') && isDigit(l.peekRune(2)) {
			kind = tokApprox
			l.advance()
			if n == '+' || n == '-' {
				l.advance()
			}
			for isDigit(l.peekRune(0)) {
				l.advance()
			}
		}
	}
	text := l.src[start.Offset:l.off]
	return token{kind: kind, text: text, value: text, pos: start}
}

// quoted reads a string literal or a quoted identifier; the quote character
// is escaped by doubling it. Strings may span lines. A quoted identifier
// keeps its case, may hold any character but the control characters
// (U+0000 to U+001F), and is 1 to 128 characters long.
func (l *lexer) quoted(start Pos, q rune, kind tokenKind) token {
	l.advance() // opening quote
	var b strings.Builder
	for {
		if l.off >= len(l.src) {
			what := "string literal"
			if kind == tokQuotedIdent {
				what = "quoted identifier"
			}
			err := lexicalError(l.pos(), "", excerpt(l.src[start.Offset:]))
			err.Msg += fmt.Sprintf(" (the %s opened at %s is never closed)", what, start)
			return token{kind: tokError, pos: l.pos(), err: err}
		}
		p := l.pos()
		r := l.advance()
		if r == q {
			if l.peekRune(0) != q {
				break
			}
			l.advance()
		}
		if kind == tokQuotedIdent && r < 0x20 {
			err := lexicalError(p, string(r), excerpt(l.src[start.Offset:p.Offset]))
			err.Msg += " (a quoted identifier cannot hold control characters)"
			return token{kind: tokError, pos: p, err: err}
		}
		if r == '\r' && l.src[l.off-1] == '\n' {
			b.WriteString("\r\n") // advance consumed both
			continue
		}
		if r == utf8.RuneError {
			// Keep invalid bytes as they are: the value is what was written.
			b.WriteString(l.src[p.Offset:l.off])
			continue
		}
		b.WriteRune(r)
	}
	text := l.src[start.Offset:l.off]
	value := b.String()
	if kind == tokQuotedIdent {
		if value == "" {
			return token{kind: tokError, pos: start, err: newError(start, fmt.Sprintf("At %s: Zero-length delimited identifier", start))}
		}
		if utf8.RuneCountInString(value) > MaxIdentifierLength {
			return identifierTooLong(start, value)
		}
	}
	if kind == tokBinaryString {
		for i := 0; i < len(value); i++ {
			if !isHex(value[i]) {
				return token{kind: tokError, pos: start, err: newError(start, fmt.Sprintf(
					"At %s: Binary literal string must contain only characters '0' - '9', 'A' - 'F'", start))}
			}
		}
	}
	return token{kind: kind, text: text, value: value, pos: start}
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// symbol reads punctuation and operators, two-character ones first.
func (l *lexer) symbol(start Pos, r rune) token {
	two := ""
	if n := l.peekRune(1); n >= 0 {
		two = string(r) + string(n)
	}
	switch two {
	case "<>", "<=", ">=", "!=", "||":
		l.advance()
		l.advance()
		return token{kind: tokSymbol, text: two, value: two, pos: start}
	}
	switch r {
	case '(', ')', ',', ';', '.', '+', '-', '*', '/', '=', '<', '>':
		l.advance()
		s := string(r)
		return token{kind: tokSymbol, text: s, value: s, pos: start}
	}
	if r == utf8.RuneError {
		if _, w := utf8.DecodeRuneInString(l.src[l.off:]); w == 1 {
			err := newError(start, fmt.Sprintf("Lexical error at %s. Encountered: invalid UTF-8 byte 0x%02x", start, l.src[l.off]))
			return token{kind: tokError, pos: start, err: err}
		}
	}
	return token{kind: tokError, pos: start, err: lexicalError(start, string(r), "")}
}
