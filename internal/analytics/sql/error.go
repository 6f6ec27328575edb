package sql

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Error is a code validation error: a syntax error from Parse or a semantic
// one from Validate. Line and Column (1-based) locate it for an editor; Msg
// is the whole message, position included, in the style of the SQL validator
// KDA used (SQLstream's, from the Calcite family):
//
//	Encountered "FORM" at line 3, column 14. Was expecting one of: "," "FROM"
//	Lexical error at line 1, column 8. Encountered: "#" (35), after : ""
//	At line 4, column 10: Column 'PRICE' not found in any table
//
// so that the API layer can answer CodeValidationException with Error().
type Error struct {
	Line   int
	Column int
	Offset int // byte offset of the position in the code
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// Pos returns the error's position.
func (e *Error) Pos() Pos { return Pos{Offset: e.Offset, Line: e.Line, Column: e.Column} }

func newError(p Pos, msg string) *Error {
	return &Error{Line: p.Line, Column: p.Column, Offset: p.Offset, Msg: msg}
}

// encountered builds the parser's message for an unexpected token. The
// expected alternatives are sorted (symbols and keywords first, then the
// <classes> such as <identifier>) so that the message is stable.
func encountered(t token, expected []string, hint string) *Error {
	var b strings.Builder
	fmt.Fprintf(&b, "Encountered %s at %s.", strconv.Quote(t.describe()), t.pos)
	if len(expected) > 0 {
		exp := append([]string(nil), expected...)
		sort.Slice(exp, func(i, j int) bool {
			ci, cj := strings.HasPrefix(exp[i], "<"), strings.HasPrefix(exp[j], "<")
			if ci != cj {
				return cj
			}
			return exp[i] < exp[j]
		})
		if len(exp) == 1 {
			b.WriteString(" Was expecting: ")
		} else {
			b.WriteString(" Was expecting one of: ")
		}
		for i, e := range exp {
			if i > 0 {
				b.WriteString(" ")
			}
			b.WriteString(e)
		}
	}
	if hint != "" {
		b.WriteString(" (")
		b.WriteString(hint)
		b.WriteString(")")
	}
	return newError(t.pos, b.String())
}

// lexicalError reports a character or construct the lexer cannot read, in
// the JavaCC wording the validator used: what was found, and what came
// before it in the same lexeme.
func lexicalError(p Pos, found string, after string) *Error {
	var what string
	if found == "" {
		what = "<EOF>"
	} else {
		r := []rune(found)[0]
		what = fmt.Sprintf("%s (%d)", strconv.Quote(string(r)), r)
	}
	return newError(p, fmt.Sprintf("Lexical error at %s. Encountered: %s, after : %s", p, what, strconv.Quote(after)))
}
