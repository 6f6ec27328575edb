package sql

import (
	"os"
	"path/filepath"
	"testing"
)

// seedFiles adds every .sql file of testdata to the fuzz corpus.
func seedFiles(f *testing.F) {
	for _, dir := range []string{"testdata/apps", "testdata/errors"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sql"))
		for _, file := range files {
			b, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(string(b))
		}
	}
	for _, s := range []string{
		"", ";", "'", `"`, "/*", "--", "U&'\\", "X'0", "1e", ".5e-", "\r\n\r", "\xff", "a\x00b",
		`SELECT STREAM "a""b" FROM t`, "CREATE FUNCTION f() RETURNS INT RETURN 1",
	} {
		f.Add(s)
	}
}

// FuzzLexer lexes arbitrary input. Properties: lex never panics; it ends
// with exactly one EOF or error token; token offsets rise and stay within
// the input; each token's line and column agree with its offset; each
// token's text is the input at its offset.
func FuzzLexer(f *testing.F) {
	seedFiles(f)
	f.Fuzz(func(t *testing.T, src string) {
		toks := lex(src)
		if len(toks) == 0 {
			t.Fatal("no tokens")
		}
		last := -1
		for i, tok := range toks {
			end := tok.kind == tokEOF || tok.kind == tokError
			if end != (i == len(toks)-1) {
				t.Fatalf("token %d of %d: kind %d", i, len(toks), tok.kind)
			}
			if tok.pos.Offset < last || tok.pos.Offset > len(src) {
				t.Fatalf("token %d at offset %d (previous %d, input %d bytes)", i, tok.pos.Offset, last, len(src))
			}
			last = tok.pos.Offset
			if l, c := positionOf(src, tok.pos.Offset); l != tok.pos.Line || c != tok.pos.Column {
				t.Fatalf("token %d: offset %d is %d:%d, token says %d:%d", i, tok.pos.Offset, l, c, tok.pos.Line, tok.pos.Column)
			}
			if tok.kind == tokError {
				if tok.err == nil {
					t.Fatal("error token without an error")
				}
				checkPosition(t, src, tok.err)
				continue
			}
			if tok.pos.Offset+len(tok.text) > len(src) || src[tok.pos.Offset:tok.pos.Offset+len(tok.text)] != tok.text {
				t.Fatalf("token %d text %q is not the input at offset %d", i, tok.text, tok.pos.Offset)
			}
		}
	})
}

// FuzzParse parses arbitrary input. Properties: Parse never panics; an
// error is an *Error whose position is within the input and consistent;
// valid code prints (Format) to canonical SQL that parses back to the same
// tree and prints the same again; Validate never panics, with or without a
// schema, and its errors have consistent positions.
func FuzzParse(f *testing.F) {
	seedFiles(f)
	schema := &Schema{
		Streams: map[string][]string{"SOURCE_SQL_STREAM_001": {"TICKER_SYMBOL", "SECTOR", "CHANGE", "PRICE"}},
		Tables:  map[string][]string{"CompanyName": {"Ticker", "Company"}},
	}
	f.Fuzz(func(t *testing.T, src string) {
		app, err := Parse(src)
		if err != nil {
			e, ok := err.(*Error)
			if !ok {
				t.Fatalf("error %T: %v", err, err)
			}
			checkPosition(t, src, e)
			return
		}
		canonical := Format(app)
		again, err := Parse(canonical)
		if err != nil {
			t.Fatalf("canonical SQL does not parse: %v\n%s", err, canonical)
		}
		if shape(again) != shape(app) {
			t.Fatalf("canonical SQL parses to another tree:\n%s", canonical)
		}
		if Format(again) != canonical {
			t.Fatalf("Format is not idempotent:\n%s", canonical)
		}
		for _, s := range []*Schema{nil, schema} {
			for _, e := range ValidateAll(app, s) {
				checkPosition(t, src, e)
			}
		}
	})
}

// FuzzParseExpr parses arbitrary expressions, with the same round-trip
// property as FuzzParse, reaching the expression grammar faster.
func FuzzParseExpr(f *testing.F) {
	for _, s := range []string{
		"1 + 2 * 3 - -4 / (5 || 'a')", "a BETWEEN b AND c AND NOT d IS NULL", "x NOT IN (1, 2) OR y LIKE 'z' ESCAPE '!'",
		"CASE WHEN a THEN b ELSE c END", "CAST(x AS DECIMAL(5,2))", "TRIM(LEADING 'x' FROM y)", "FLOOR(t TO MINUTE)",
		"STEP(s.ROWTIME BY INTERVAL '1' MINUTE)", "SUBSTRING(a FROM 1 FOR 2)", "POSITION(a IN b)", "(a - b) DAY TO SECOND",
		"LAG(x, 1) IGNORE NULLS OVER (PARTITION BY y ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)", "EXISTS (SELECT 1 FROM t)",
		"u&'\\0041' UESCAPE '!'", "INTERVAL -'1-2' YEAR TO MONTH", "a IS NOT DISTINCT FROM b", "ROW(1, 2) IN (VALUES (1, 2))",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := ParseExpr(src)
		if err != nil {
			if pe, ok := err.(*Error); !ok {
				t.Fatalf("error %T", err)
			} else {
				checkPosition(t, src, pe)
			}
			return
		}
		canonical := Format(e)
		again, err := ParseExpr(canonical)
		if err != nil {
			t.Fatalf("canonical form %q does not parse: %v", canonical, err)
		}
		if shape(again) != shape(e) {
			t.Fatalf("canonical form %q parses to another tree", canonical)
		}
	})
}
