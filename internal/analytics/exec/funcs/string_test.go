package funcs

import (
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

// The examples of KDA's String and Search Functions reference, each with
// its documented result.
func TestStringFunctionsReference(t *testing.T) {
	tests := []struct {
		desc string
		fn   string
		args []value.Value
		want want
	}{
		// CHAR_LENGTH / CHARACTER_LENGTH
		{"CHAR_LENGTH('one')", "CHAR_LENGTH", args(ch("one")), want{v: i32(3)}},
		{"CHAR_LENGTH('')", "CHAR_LENGTH", args(ch("")), want{v: i32(0)}},
		{"CHARACTER_LENGTH('fred')", "CHARACTER_LENGTH", args(ch("fred")), want{v: i32(4)}},
		{"CHARACTER_LENGTH(cast(null as varchar(16)))", "CHARACTER_LENGTH", args(null), want{v: null}},
		{"CHARACTER_LENGTH(cast('fred' as char(16)))", "CHARACTER_LENGTH", args(ch("fred            ")), want{v: i32(16)}},
		{"CHAR_LENGTH(multibyte)", "CHAR_LENGTH", args(vc("héllo, 世界")), want{v: i32(9)}},
		// INITCAP, LOWER, UPPER
		{"INITCAP('Each FIRST lEtTeR is cAPITALIZED')", "INITCAP", args(ch("Each FIRST lEtTeR is cAPITALIZED")), want{v: ch("Each First Letter Is Capitalized")}},
		{"LOWER('abcDEFghi123')", "LOWER", args(ch("abcDEFghi123")), want{v: ch("abcdefghi123")}},
		{"UPPER('abcDEFghi123')", "UPPER", args(ch("abcDEFghi123")), want{v: ch("ABCDEFGHI123")}},
		{"UPPER(varchar)", "UPPER", args(vc("straße")), want{v: vc("STRAßE")}},
		// POSITION
		{"POSITION('findme' IN '1234findmeXXX')", "POSITION", args(ch("findme"), ch("1234findmeXXX")), want{v: i32(5)}},
		{"POSITION('findme' IN '1234not-hereXXX')", "POSITION", args(ch("findme"), ch("1234not-hereXXX")), want{v: i32(0)}},
		{"POSITION('1' IN '1234567')", "POSITION", args(ch("1"), ch("1234567")), want{v: i32(1)}},
		{"POSITION('7' IN '1234567')", "POSITION", args(ch("7"), ch("1234567")), want{v: i32(7)}},
		{"POSITION('' IN '1234567')", "POSITION", args(ch(""), ch("1234567")), want{v: i32(1)}},
		{"POSITION(null IN ...)", "POSITION", args(null, ch("1234567")), want{v: null}},
		{"POSITION counts characters", "POSITION", args(ch("b"), vc("ééb")), want{v: i32(3)}},
		// SUBSTRING FROM/FOR
		{"SUBSTRING('123456789' FROM 3 FOR 4)", "SUBSTRING", args(ch("123456789"), i32(3), i32(4)), want{v: vc("3456")}},
		{"SUBSTRING('123456789' FROM 17 FOR 4)", "SUBSTRING", args(ch("123456789"), i32(17), i32(4)), want{v: vc("")}},
		{"SUBSTRING('123456789' FROM -1 FOR 4)", "SUBSTRING", args(ch("123456789"), i32(-1), i32(4)), want{v: vc("12")}},
		{"SUBSTRING('123456789' FROM 6 FOR 0)", "SUBSTRING", args(ch("123456789"), i32(6), i32(0)), want{v: vc("")}},
		{"SUBSTRING('123456789' FROM 8 FOR 4)", "SUBSTRING", args(ch("123456789"), i32(8), i32(4)), want{v: vc("89")}},
		// SUBSTRING FROM regex
		{"SUBSTRING('TECHNOLOGY' FROM 'L[A-Z]*')", "SUBSTRING", args(ch("TECHNOLOGY"), ch("L[A-Z]*")), want{v: vc("LOGY")}},
		{"SUBSTRING('TECHNOLOGY' FROM 'FOO')", "SUBSTRING", args(ch("TECHNOLOGY"), ch("FOO")), want{v: null}},
		{"SUBSTRING('TECHNOLOGY' FROM 'O[A-Z]')", "SUBSTRING", args(ch("TECHNOLOGY"), ch("O[A-Z]")), want{v: vc("OL")}},
		// SUBSTRING, numeric
		{"SUBSTRING('123456789', 3, 4)", "SUBSTRING", args(ch("123456789"), i32(3), i32(4)), want{v: vc("3456")}},
		{"SUBSTRING('123456789', 7, 4)", "SUBSTRING", args(ch("123456789"), i32(7), i32(4)), want{v: vc("789")}},
		// The reference gives NULL for the comma form past the end but ''
		// for FROM 17 FOR 4; the parser folds both forms into one, and Sluice
		// follows SQL (and the FROM/FOR example): ''.
		{"SUBSTRING('123456789', 10, 4)", "SUBSTRING", args(ch("123456789"), i32(10), i32(4)), want{v: vc("")}},
		// SUBSTRING SIMILAR ... ESCAPE
		{`SUBSTRING('123456789' SIMILAR '23#"456#"78' ESCAPE '#')`, "SUBSTRING SIMILAR", args(ch("123456789"), ch(`23#"456#"78`), ch("#")), want{v: vc("456")}},
		{`SUBSTRING('TECHNOLOGY' SIMILAR 'TECH%"NOLO%"GY' ESCAPE '%')`, "SUBSTRING SIMILAR", args(ch("TECHNOLOGY"), ch(`TECH%"NOLO%"GY`), ch("%")), want{v: vc("NOLO")}},
		{`SUBSTRING('123456789' FROM '23#"456#"78' FOR '#')`, "SUBSTRING", args(ch("123456789"), ch(`23#"456#"78`), ch("#")), want{v: vc("456")}},
		// OVERLAY
		{"OVERLAY('12345' PLACING 'foo' FROM 1)", "OVERLAY", args(ch("12345"), ch("foo"), i32(1)), want{v: vc("foo45")}},
		{"OVERLAY('12345' PLACING 'foo' FROM 0)", "OVERLAY", args(ch("12345"), ch("foo"), i32(0)), want{v: vc("foo345")}},
		{"OVERLAY('12345' PLACING 'foo' FROM -2)", "OVERLAY", args(ch("12345"), ch("foo"), i32(-2)), want{v: vc("foo12345")}},
		{"OVERLAY('12345' PLACING 'foo' FROM 4)", "OVERLAY", args(ch("12345"), ch("foo"), i32(4)), want{v: vc("123foo")}},
		{"OVERLAY('12345' PLACING 'foo' FROM 17)", "OVERLAY", args(ch("12345"), ch("foo"), i32(17)), want{v: vc("12345foo")}},
		{"OVERLAY('12345' PLACING 'foo' FROM 2 FOR 0)", "OVERLAY", args(ch("12345"), ch("foo"), i32(2), i32(0)), want{v: vc("1foo2345")}},
		{"OVERLAY('12345' PLACING 'foo' FROM 2 FOR 2)", "OVERLAY", args(ch("12345"), ch("foo"), i32(2), i32(2)), want{v: vc("1foo45")}},
		{"OVERLAY('12345' PLACING 'foo' FROM 2 FOR 9)", "OVERLAY", args(ch("12345"), ch("foo"), i32(2), i32(9)), want{v: vc("1foo")}},
		{"OVERLAY negative length", "OVERLAY", args(ch("12345"), ch("foo"), i32(2), i32(-1)), want{errText: "substring error"}},
		{"OVERLAY null", "OVERLAY", args(ch("12345"), null, i32(2)), want{v: null}},
		// TRIM (the executor passes ' ' when the SQL names no character)
		{"TRIM(' Trim front and back ')", "TRIM", args(ch("BOTH"), ch(" "), ch(" Trim front and back ")), want{v: vc("Trim front and back")}},
		{"TRIM(BOTH FROM ' Trim front and back ')", "TRIM", args(ch("BOTH"), ch(" "), ch(" Trim front and back ")), want{v: vc("Trim front and back")}},
		{"TRIM(BOTH ' ' FROM ' Trim front and back ')", "TRIM", args(ch("BOTH"), ch(" "), ch(" Trim front and back ")), want{v: vc("Trim front and back")}},
		{"TRIM(LEADING 'x' FROM 'xxxTrim frontxxx')", "TRIM", args(ch("LEADING"), ch("x"), ch("xxxTrim frontxxx")), want{v: vc("Trim frontxxx")}},
		{"TRIM(TRAILING 'x' FROM 'xxxTrimxBackxxx')", "TRIM", args(ch("TRAILING"), ch("x"), ch("xxxTrimxBackxxx")), want{v: vc("xxxTrimxBack")}},
		{"TRIM(BOTH 'y' FROM 'xxxNo y to trimxxx')", "TRIM", args(ch("BOTH"), ch("y"), ch("xxxNo y to trimxxx")), want{v: vc("xxxNo y to trimxxx")}},
		{"TRIM(null)", "TRIM", args(ch("BOTH"), ch(" "), null), want{v: null}},
		{"TRIM(BOTH null FROM ...)", "TRIM", args(ch("BOTH"), null, ch(" a ")), want{v: null}},
		// || (String Operators)
		{"'SQL'||'stream'", "||", args(ch("SQL"), ch("stream")), want{v: ch("SQLstream")}},
		{"'SQL'||''", "||", args(ch("SQL"), ch("")), want{v: ch("SQL")}},
		{"'SQL'||'stream'||' Incorporated'", "||", args(vc("SQLstream"), ch(" Incorporated")), want{v: vc("SQLstream Incorporated")}},
		{"null || 'a'", "||", args(null, ch("a")), want{v: null}},
		{"X'0A' || X'FF'", "||", args(value.NewBinary([]byte{0x0A}), value.NewVarbinary([]byte{0xFF})), want{v: value.NewVarbinary([]byte{0x0A, 0xFF})}},
	}
	for _, tt := range tests {
		check(t, tt.desc, tt.fn, tt.args, tt.want)
	}
}

// The developer guide's SUBSTRING example: the domain of a referrer URL.
func TestSubstringGuideExample(t *testing.T) {
	ref := vc("http://www.amazon.com")
	com, _, _ := run(t, "POSITION", ch(".com"), ref)
	www, _, _ := run(t, "POSITION", ch("www."), ref)
	n := com.Int64() - www.Int64() - 4
	got, _, err := run(t, "SUBSTRING", ref, i32(12), i32(int32(n)))
	if err != nil || got.Str() != "amazon" {
		t.Errorf(`SUBSTRING("referrer", 12, POSITION('.com' IN "referrer") - POSITION('www.' IN "referrer") - 4) = %v, %v; want amazon`, got, err)
	}
}

func TestStringResultTypes(t *testing.T) {
	tests := []struct {
		fn   string
		args []Arg
		want string
	}{
		{"SUBSTRING", []Arg{TypeArg(value.Char(9)), TypeArg(value.Simple(value.KindInteger))}, "VARCHAR(9)"},
		{"UPPER", []Arg{TypeArg(value.Char(4))}, "CHAR(4)"},
		{"LOWER", []Arg{TypeArg(value.Varchar(40))}, "VARCHAR(40)"},
		{"CHAR_LENGTH", []Arg{TypeArg(value.Varchar(40))}, "INTEGER"},
		{"OVERLAY", []Arg{TypeArg(value.Varchar(5)), TypeArg(value.Char(3)), TypeArg(value.Simple(value.KindInteger))}, "VARCHAR(8)"},
		{"||", []Arg{TypeArg(value.Char(3)), TypeArg(value.Char(6))}, "CHAR(9)"},
		{"||", []Arg{TypeArg(value.Char(3)), TypeArg(value.Varchar(6))}, "VARCHAR(9)"},
		{"||", []Arg{TypeArg(value.Varchar(65534)), TypeArg(value.Varchar(6))}, "VARCHAR(65534)"},
		{"TRIM", []Arg{ConstArg(ch("BOTH")), ConstArg(ch(" ")), TypeArg(value.Char(10))}, "VARCHAR(10)"},
		{"REGEX_REPLACE", []Arg{TypeArg(value.Varchar(10)), ConstArg(ch("a")), ConstArg(ch("b")), ConstArg(i32(1)), ConstArg(i32(0))}, "VARCHAR(65534)"},
	}
	for _, tt := range tests {
		c, err := get(t, tt.fn).Bind(testEnv, tt.args)
		if err != nil {
			t.Errorf("%s: %v", tt.fn, err)
			continue
		}
		if c.Type.String() != tt.want {
			t.Errorf("%s: result type %s, want %s", tt.fn, c.Type, tt.want)
		}
	}
}

func TestStringArgErrors(t *testing.T) {
	tests := []struct {
		fn   string
		args []Arg
		want string
	}{
		{"SUBSTRING", []Arg{TypeArg(value.Simple(value.KindInteger)), TypeArg(value.Simple(value.KindInteger))}, "SUBSTRING: argument 1 must be a character string (CHAR or VARCHAR), not INTEGER"},
		{"SUBSTRING", []Arg{TypeArg(value.Varchar(3)), TypeArg(value.Simple(value.KindDouble))}, "argument 2 must be an integer, not DOUBLE"},
		{"SUBSTRING", []Arg{TypeArg(value.Varchar(3))}, "SUBSTRING takes 2 to 3 arguments, not 1"},
		{"SUBSTRING", []Arg{TypeArg(value.Varchar(3)), ConstArg(ch("a(?=b)"))}, "lookaround"},
		{"TRIM", []Arg{ConstArg(ch("MIDDLE")), ConstArg(ch(" ")), TypeArg(value.Varchar(3))}, "must be BOTH, LEADING or TRAILING"},
		{"TRIM", []Arg{ConstArg(ch("BOTH")), ConstArg(ch("xy")), TypeArg(value.Varchar(3))}, "exactly one character"},
		{"TRIM", []Arg{ConstArg(ch("BOTH")), ConstArg(ch("")), TypeArg(value.Varchar(3))}, "exactly one character"},
		{"TRIM", []Arg{TypeArg(value.Varchar(4)), ConstArg(ch(" ")), TypeArg(value.Varchar(3))}, "must be a constant side"},
		{"||", []Arg{TypeArg(value.Varchar(3)), TypeArg(value.Simple(value.KindInteger))}, "argument 2 must be a character string"},
		{"||", []Arg{TypeArg(value.Varchar(3)), TypeArg(value.Binary(2))}, "argument 1 must be a binary string"},
		{"POSITION", []Arg{TypeArg(value.Simple(value.KindDate)), TypeArg(value.Varchar(3))}, "argument 1 must be a character string"},
		{"OVERLAY", []Arg{TypeArg(value.Varchar(3)), TypeArg(value.Varchar(3)), TypeArg(value.Varchar(3))}, "argument 3 must be an integer"},
	}
	for _, tt := range tests {
		err := bindErr(t, tt.fn, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: got %v, want %q", tt.fn, err, tt.want)
		}
	}
}

func TestTrimRunTimeChar(t *testing.T) {
	// A trim character from a column is checked per row.
	c, err := get(t, "TRIM").Bind(testEnv, []Arg{ConstArg(ch("BOTH")), TypeArg(value.Varchar(4)), TypeArg(value.Varchar(9))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Eval(args(ch("BOTH"), vc("ab"), vc("abba"))); err == nil || !strings.Contains(err.Error(), "trim error") {
		t.Errorf("TRIM with 'ab': %v, want a trim error", err)
	}
	if v, err := c.Eval(args(ch("BOTH"), vc("é"), vc("ééaéé"))); err != nil || v.Str() != "a" {
		t.Errorf("TRIM é: %v, %v", v, err)
	}
}

func TestSubstringEdges(t *testing.T) {
	s := "héllo wörld"
	for _, tt := range []struct {
		start, n int64
		want     string
	}{
		{1, 3, "hél"}, {2, 100, "éllo wörld"}, {0, 2, "h"}, {-5, 7, "h"}, {11, 1, "d"}, {12, 1, ""},
		{-9223372036854775808, 9223372036854775807, ""}, {3, 9223372036854775807, "llo wörld"},
	} {
		end := tt.start + tt.n
		if tt.n > 0 && tt.start > 0 && end < 0 {
			end = 1<<63 - 1
		}
		if got := substring(s, tt.start, end); got != tt.want {
			t.Errorf("substring(%q, %d, %d) = %q, want %q", s, tt.start, tt.n, got, tt.want)
		}
	}
	if _, _, err := run(t, "SUBSTRING", vc("abc"), i32(1), i32(-1)); err == nil {
		t.Error("SUBSTRING with a negative length: no error")
	}
	if v, _, _ := run(t, "SUBSTRING", vc("abc"), i64(-9223372036854775808), i64(9223372036854775807)); v.Str() != "" {
		t.Errorf("SUBSTRING at the int64 edges = %v", v)
	}
}
