package sql

import (
	"fmt"
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of expressions and queries. Real applications
// nest a handful of levels; the bound keeps hostile input (100 KB of
// opening parentheses) from exhausting the stack.
const maxDepth = 400

// Parse parses application code: statements separated by semicolons (the
// last one optional), with -- , // and /* */ comments. It returns the first
// syntax error as an *Error.
func Parse(code string) (*Application, error) {
	p := newParser(code)
	var app *Application
	err := p.run(func() { app = p.application() })
	if err != nil {
		return nil, err
	}
	return app, nil
}

// ParseExpr parses one scalar expression, for tests and tools.
func ParseExpr(s string) (Expr, error) {
	p := newParser(s)
	var e Expr
	err := p.run(func() {
		e = p.expr()
		p.expectEOF()
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// ParseQuery parses one query (SELECT, VALUES, a set operation), for tests
// and tools such as a console that runs a query on its own.
func ParseQuery(s string) (Query, error) {
	p := newParser(s)
	var q Query
	err := p.run(func() {
		q = p.query()
		p.acceptSym(";")
		p.expectEOF()
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// parser is a recursive-descent parser over the token list, with a Pratt
// loop for expressions (expr.go). It stops at the first error: the methods
// bail out by panicking with *bailout, which run recovers; nothing else is
// recovered, so a bug still shows as one.
type parser struct {
	toks []token
	i    int

	// expected collects what the parser tried at token index expectedAt, for
	// the "Was expecting one of" part of a message.
	expected   []string
	expectedAt int

	depth int
}

type bailout struct{ err *Error }

func newParser(src string) *parser {
	return &parser{toks: lex(src), expectedAt: -1}
}

func (p *parser) run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(*bailout)
			if !ok {
				panic(r)
			}
			err = b.err
		}
	}()
	f()
	return nil
}

func (p *parser) tok() token { return p.toks[p.i] }

// peek returns the token n places ahead (0 is the current one), or the
// last token (EOF or an error) past the end.
func (p *parser) peek(n int) token {
	if p.i+n >= len(p.toks) {
		return p.toks[len(p.toks)-1]
	}
	return p.toks[p.i+n]
}

func (p *parser) advance() token {
	t := p.toks[p.i]
	if t.kind != tokEOF && t.kind != tokError {
		p.i++
	}
	return t
}

// note records that the parser could have accepted the keyword or symbol
// what at the current token; the list is reset whenever the parser moves
// on. Messages quote it ("FROM").
func (p *parser) note(what string) {
	if p.expectedAt != p.i {
		p.expected = p.expected[:0]
		p.expectedAt = p.i
	}
	for _, e := range p.expected {
		if e == what {
			return
		}
	}
	p.expected = append(p.expected, what)
}

// classMark starts the expectations that are classes of tokens rather
// than tokens; messages show them unquoted.
const classMark = "\x00"

// The classes of tokens the parser notes as expected.
const (
	expIdentifier = classMark + "<identifier>"
	expExpression = classMark + "<expression>"
	expEOF        = classMark + "<EOF>"
	expString     = classMark + "<string literal>"
	expDataType   = classMark + "<data type>"
	expInteger    = classMark + "<integer>"
)

// expectOnly replaces what was noted at the current token with what: for
// messages that point at one way forward.
func (p *parser) expectOnly(what string) {
	p.expected = append(p.expected[:0], what)
	p.expectedAt = p.i
}

// fail stops the parse with an "Encountered ..." error at the current
// token (or the lexical error the token stands for).
func (p *parser) fail() { p.failHint("") }

func (p *parser) failHint(hint string) {
	t := p.tok()
	if t.kind == tokError {
		panic(&bailout{t.err})
	}
	var exp []string
	if p.expectedAt == p.i {
		for _, e := range p.expected {
			if c, ok := strings.CutPrefix(e, classMark); ok {
				exp = append(exp, c)
			} else {
				exp = append(exp, strconv.Quote(e))
			}
		}
	}
	panic(&bailout{encountered(t, exp, hint)})
}

// failAt stops the parse with a message of its own at p.
func (p *parser) failAt(pos Pos, format string, args ...any) {
	if t := p.tok(); t.kind == tokError {
		panic(&bailout{t.err})
	}
	panic(&bailout{newError(pos, fmt.Sprintf("At %s: %s", pos, fmt.Sprintf(format, args...)))})
}

// isWord reports whether the current token is the unquoted word w (upper
// case). It records nothing: use it to look, acceptWord to offer.
func (p *parser) isWord(w string) bool {
	t := p.tok()
	return t.kind == tokWord && t.value == w
}

func (p *parser) isWordAt(n int, w string) bool {
	t := p.peek(n)
	return t.kind == tokWord && t.value == w
}

func (p *parser) isSym(s string) bool {
	t := p.tok()
	return t.kind == tokSymbol && t.value == s
}

func (p *parser) isSymAt(n int, s string) bool {
	t := p.peek(n)
	return t.kind == tokSymbol && t.value == s
}

// acceptWord consumes the word w if it is next, and records that it was
// possible here either way.
func (p *parser) acceptWord(w string) bool {
	p.note(w)
	if p.isWord(w) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expectWord(w string) token {
	t := p.tok()
	if !p.acceptWord(w) {
		p.fail()
	}
	return t
}

func (p *parser) acceptSym(s string) bool {
	p.note(s)
	if p.isSym(s) {
		p.advance()
		return true
	}
	return false
}

func (p *parser) expectSym(s string) token {
	t := p.tok()
	if !p.acceptSym(s) {
		p.fail()
	}
	return t
}

func (p *parser) expectEOF() {
	p.note(expEOF)
	if p.tok().kind != tokEOF {
		p.fail()
	}
}

// isIdentStart reports whether the current token can be a name: a quoted
// identifier, or an unquoted word that is not reserved.
func (p *parser) isIdentStart() bool { return isName(p.tok()) }

func isName(t token) bool {
	return t.kind == tokQuotedIdent || t.kind == tokWord && !reserved[t.value]
}

// ident reads a name.
func (p *parser) ident() Ident {
	p.note(expIdentifier)
	t := p.tok()
	if !isName(t) {
		p.fail()
	}
	p.advance()
	return Ident{Pos: t.pos, Name: t.value, Quoted: t.kind == tokQuotedIdent}
}

// objectName reads a name with optional qualifiers: a.b.c.
func (p *parser) objectName() ObjectName {
	n := ObjectName{Parts: []Ident{p.ident()}}
	for p.isSym(".") && isName(p.peek(1)) {
		p.advance()
		n.Parts = append(n.Parts, p.ident())
	}
	return n
}

// identList reads name, name, ...
func (p *parser) identList() []Ident {
	list := []Ident{p.ident()}
	for p.acceptSym(",") {
		list = append(list, p.ident())
	}
	return list
}

// parenIdentList reads (name, name, ...).
func (p *parser) parenIdentList() []Ident {
	p.expectSym("(")
	list := p.identList()
	p.expectSym(")")
	return list
}

// enter and leave bound the recursion depth.
func (p *parser) enter() {
	p.depth++
	if p.depth > maxDepth {
		p.failAt(p.tok().pos, "Code is nested too deeply (more than %d levels)", maxDepth)
	}
}

func (p *parser) leave() { p.depth-- }

// smallInt reads an unsigned integer literal that fits in an int32, as
// type parameters, precisions and row counts are.
func (p *parser) smallInt() int {
	p.note(expInteger)
	t := p.tok()
	if t.kind != tokInteger {
		p.fail()
	}
	n, err := strconv.ParseInt(t.value, 10, 32)
	if err != nil {
		p.failAt(t.pos, "Numeric literal '%s' out of range", t.text)
	}
	p.advance()
	return int(n)
}

// stringLit reads a character literal, joining adjacent ones.
func (p *parser) stringLit() *StringLit {
	p.note(expString)
	t := p.tok()
	if t.kind != tokString && t.kind != tokUnicodeString {
		p.fail()
	}
	return p.stringValue()
}
