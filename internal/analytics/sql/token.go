package sql

import "fmt"

// Pos is a place in the application code. Line and Column are 1-based and
// count characters (a tab is one column), as KDA's validator counted them;
// Offset is the byte offset from the start of the code.
type Pos struct {
	Offset int
	Line   int
	Column int
}

// String renders the position the way the validator's messages do.
func (p Pos) String() string { return fmt.Sprintf("line %d, column %d", p.Line, p.Column) }

// Position returns p itself, so that every node embedding a Pos is a Node.
func (p Pos) Position() Pos { return p }

// tokenKind classifies a token. Keywords are not a kind of their own: the
// dialect has hundreds of words that are keywords in one place and names in
// another, so the lexer emits every unquoted word as tokWord and the parser
// decides what it is where it stands.
type tokenKind uint8

const (
	tokEOF           tokenKind = iota
	tokWord                    // unquoted word; value is folded to upper case
	tokQuotedIdent             // "..."; value is unescaped, case kept
	tokString                  // '...' (also N'...'); value is unescaped
	tokUnicodeString           // U&'...'; value is the raw body, decoded by the parser (it may be followed by UESCAPE)
	tokBinaryString            // X'...'; value is the hex digits
	tokInteger                 // 42
	tokDecimal                 // 4.2, .5, 5.
	tokApprox                  // 4.2E-3
	tokSymbol                  // punctuation and operators: ( ) , ; . + - * / || = <> != < <= > >=
	tokError                   // a lexical error; err says what
)

// token is one lexeme. text is the source as written (used in messages);
// value is what it means (a folded word, an unescaped string).
type token struct {
	kind  tokenKind
	text  string
	value string
	pos   Pos
	err   *Error // for tokError
}

// describe renders the token for "Encountered ..." messages: as written, so
// that the user recognises it, and <EOF> for the end of the code.
func (t token) describe() string {
	if t.kind == tokEOF {
		return "<EOF>"
	}
	s := t.text
	const max = 40
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "..."
	}
	return s
}
