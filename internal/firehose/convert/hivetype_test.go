package convert

import (
	"strings"
	"testing"
)

func TestParseHiveType(t *testing.T) {
	cases := []struct {
		in, want string
		leaves   int
	}{
		{"string", "string", 1},
		{"STRING", "string", 1},
		{"varchar(10)", "varchar(10)", 1},
		{"char( 3 )", "char(3)", 1},
		{"boolean", "boolean", 1},
		{"tinyint", "tinyint", 1},
		{"smallint", "smallint", 1},
		{"int", "int", 1},
		{"integer", "int", 1},
		{"bigint", "bigint", 1},
		{"float", "float", 1},
		{"double", "double", 1},
		{"double precision", "double", 1},
		{"decimal", "decimal(10,0)", 1},
		{"decimal(7)", "decimal(7,0)", 1},
		{"decimal(38, 10)", "decimal(38,10)", 1},
		{"date", "date", 1},
		{"timestamp", "timestamp", 1},
		{"binary", "binary", 1},
		{"array<int>", "array<int>", 1},
		{"array < array<string> >", "array<array<string>>", 1},
		{"map<string,int>", "map<string,int>", 2},
		{"map<int,struct<a:int,b:string>>", "map<int,struct<a:int,b:string>>", 3},
		{"struct<a:int,b:array<struct<c:double,d:map<string,string>>>>", "struct<a:int,b:array<struct<c:double,d:map<string,string>>>>", 4},
		{"struct<`weird name`:int, `a``b`:string, $x.y:int>", "struct<weird name:int,a`b:string,$x.y:int>", 3},
	}
	for _, tc := range cases {
		typ, err := parseHiveType(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if typ.String() != tc.want || typ.leaves != tc.leaves {
			t.Errorf("%q: got %s with %d leaves, want %s with %d", tc.in, typ, typ.leaves, tc.want, tc.leaves)
		}
	}
}

func TestParseHiveTypeErrors(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "ends where a type was expected"},
		{"geometry", `unknown column type "geometry"`},
		{"uniontype<int,string>", "uniontype is not supported"},
		{"varchar", `ends where "(" was expected`},
		{"varchar(0)", "outside 1..65535"},
		{"varchar(65536)", "outside 1..65535"},
		{"char(256)", "outside 1..255"},
		{"decimal(39,0)", "outside 1..38"},
		{"decimal(5,6)", "greater than its precision"},
		{"decimal(5", `ends where ")" was expected`},
		{"array<int", `ends where ">" was expected`},
		{"array<>", "expected a type name"},
		{"map<array<int>,int>", "not a primitive type"},
		{"map<string>", `expected ","`},
		{"struct<>", "expected a struct member name"},
		{"struct<a:int,A:string>", "declared twice"},
		{"struct<a int>", `expected ":"`},
		{"struct<`a:int>", "unterminated back quote"},
		{"int extra", `unexpected "extra"`},
		{strings.Repeat("array<", 70) + "int" + strings.Repeat(">", 70), "nests deeper"},
		{"varchar(1234567)", "expected a number"},
	}
	for _, tc := range cases {
		_, err := parseHiveType(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

// FuzzParseHiveType: the parser never panics, and what it accepts prints
// as a type it parses again to the same type.
func FuzzParseHiveType(f *testing.F) {
	for _, s := range []string{"int", "decimal(10,2)", "array<map<string,struct<a:int,`b c`:varchar(3)>>>", "struct<a:int", "char(255)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		typ, err := parseHiveType(s)
		if err != nil {
			return
		}
		if strings.ContainsAny(s, "`") {
			return // back-quoted names print unquoted
		}
		again, err := parseHiveType(typ.String())
		if err != nil || again.String() != typ.String() || again.leaves != typ.leaves {
			t.Fatalf("%q -> %s -> %v, %v", s, typ, again, err)
		}
	})
}
