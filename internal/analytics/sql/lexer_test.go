package sql

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// positionOf computes the line and column of a byte offset the way the
// lexer counts them (CR, LF and CRLF end lines; columns count characters).
func positionOf(src string, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off; {
		r, w := utf8.DecodeRuneInString(src[i:])
		switch {
		case r == '\r' && i+1 < len(src) && src[i+1] == '\n' && i+1 < off:
			line, col = line+1, 1
			w = 2
		case r == '\n' || r == '\r':
			line, col = line+1, 1
		default:
			col++
		}
		i += w
	}
	return line, col
}

func describeTokens(toks []token) string {
	var parts []string
	for _, t := range toks {
		switch t.kind {
		case tokEOF:
			parts = append(parts, "EOF")
		case tokError:
			parts = append(parts, "ERROR("+t.err.Msg+")")
		case tokWord:
			parts = append(parts, "W:"+t.value)
		case tokQuotedIdent:
			parts = append(parts, fmt.Sprintf("Q:%q", t.value))
		case tokString:
			parts = append(parts, fmt.Sprintf("S:%q", t.value))
		case tokUnicodeString:
			parts = append(parts, fmt.Sprintf("U:%q", t.value))
		case tokBinaryString:
			parts = append(parts, "X:"+t.value)
		case tokInteger:
			parts = append(parts, "I:"+t.value)
		case tokDecimal:
			parts = append(parts, "D:"+t.value)
		case tokApprox:
			parts = append(parts, "A:"+t.value)
		case tokSymbol:
			parts = append(parts, t.value)
		}
	}
	return strings.Join(parts, " ")
}

func TestLexer(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"", "EOF"},
		{"select Stream", "W:SELECT W:STREAM EOF"},
		{`"Mixed Case" "with ""quote"""`, `Q:"Mixed Case" Q:"with \"quote\"" EOF`},
		{`'it''s' N'nat' X'0aFF' U&'\0041'`, `S:"it's" S:"nat" X:0aFF U:"\\0041" EOF`},
		{"42 4.2 .5 5. 1e3 1.5E-6 2e 3e+", "I:42 D:4.2 D:.5 D:5. A:1e3 A:1.5E-6 I:2 W:E I:3 W:E + EOF"},
		{"a<>b!=c<=d>=e||f", "W:A <> W:B != W:C <= W:D >= W:E || W:F EOF"},
		{"a -- comment\nb // comment\r\nc /* multi\nline */ d", "W:A W:B W:C W:D EOF"},
		{"t.col t.\"c\" _x $y", `W:T . W:COL W:T . Q:"c" W:_X ERROR(Lexical error at line 1, column 16. Encountered: "$" (36), after : "")`},
		{"x$1 été", "W:X$1 W:ÉTÉ EOF"},
		{"a # b", `W:A ERROR(Lexical error at line 1, column 3. Encountered: "#" (35), after : "")`},
		{"'open", `ERROR(Lexical error at line 1, column 6. Encountered: <EOF>, after : "'open" (the string literal opened at line 1, column 1 is never closed))`},
		{"/* open", `ERROR(Lexical error at line 1, column 8. Encountered: <EOF>, after : "/* open" (the comment opened at line 1, column 1 is never closed))`},
		{`""`, `ERROR(At line 1, column 1: Zero-length delimited identifier)`},
		{"\"a\tb\"", `ERROR(Lexical error at line 1, column 3. Encountered: "\t" (9), after : "\"a" (a quoted identifier cannot hold control characters))`},
		{"X'0G'", `ERROR(At line 1, column 1: Binary literal string must contain only characters '0' - '9', 'A' - 'F')`},
		{"a\xffb", `W:A ERROR(Lexical error at line 1, column 2. Encountered: invalid UTF-8 byte 0xff)`},
		{"'multi\r\nline'", `S:"multi\r\nline" EOF`},
	}
	for _, tt := range tests {
		if got := describeTokens(lex(tt.src)); got != tt.want {
			t.Errorf("lex(%q)\n got %s\nwant %s", tt.src, got, tt.want)
		}
	}
}

func TestLexerIdentifierLength(t *testing.T) {
	ok := strings.Repeat("a", MaxIdentifierLength)
	if got := describeTokens(lex(ok)); got != "W:"+strings.ToUpper(ok)+" EOF" {
		t.Errorf("128 characters: %s", got)
	}
	if got := describeTokens(lex(`"` + strings.Repeat("é", MaxIdentifierLength) + `"`)); strings.Contains(got, "ERROR") {
		t.Errorf("128 quoted characters: %s", got)
	}
	for _, src := range []string{ok + "b", `"` + ok + `b"`} {
		toks := lex(src)
		last := toks[len(toks)-1]
		if last.kind != tokError || !strings.Contains(last.err.Msg, "must be less than or equal to 128 characters") {
			t.Errorf("129 characters: %s", describeTokens(toks))
		}
	}
}

func TestLexerPositions(t *testing.T) {
	src := "CREATE\n  STREAM\r\n\t\"é\" (x\rINT);"
	want := []struct{ line, col int }{{1, 1}, {2, 3}, {3, 2}, {3, 6}, {3, 7}, {4, 1}, {4, 4}, {4, 5}, {4, 6}}
	toks := lex(src)
	if len(toks) != len(want) {
		t.Fatalf("tokens %s", describeTokens(toks))
	}
	for i, tok := range toks {
		if tok.pos.Line != want[i].line || tok.pos.Column != want[i].col {
			t.Errorf("token %d %q at %d:%d, want %d:%d", i, tok.text, tok.pos.Line, tok.pos.Column, want[i].line, want[i].col)
		}
		if l, c := positionOf(src, tok.pos.Offset); l != tok.pos.Line || c != tok.pos.Column {
			t.Errorf("token %d offset %d is %d:%d", i, tok.pos.Offset, l, c)
		}
	}
}
