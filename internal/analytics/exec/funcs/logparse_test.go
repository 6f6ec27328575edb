package funcs

import (
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

// parseRow binds a row-valued function with constant arguments (but the
// line) and evaluates it on line; nil fields means a NULL row.
func parseRow(t *testing.T, fn string, line value.Value, consts ...value.Value) ([]Field, []string, error) {
	t.Helper()
	as := []Arg{TypeArg(value.Varchar(4096))}
	vals := args(line)
	for _, c := range consts {
		as = append(as, ConstArg(c))
		vals = append(vals, c)
	}
	c, err := get(t, fn).Bind(testEnv, as)
	if err != nil {
		return nil, nil, err
	}
	if c.Row == nil || c.Type.Kind != value.KindNull {
		t.Fatalf("%s is not row-valued: %+v", fn, c)
	}
	if _, err := c.Eval(vals); err == nil {
		t.Errorf("%s: Eval of a row-valued call succeeds", fn)
	}
	prefix := args(vc("keep"))
	out, err := c.EvalRow(prefix, vals)
	if err != nil {
		return c.Row, nil, err
	}
	if len(out) != 1+len(c.Row) || out[0].Str() != "keep" {
		t.Fatalf("%s: EvalRow appended %d values to dst, want %d", fn, len(out)-1, len(c.Row))
	}
	var cols []string
	allNull := true
	for _, v := range out[1:] {
		if v.IsNull() {
			cols = append(cols, "NULL")
		} else {
			allNull = false
			cols = append(cols, v.String())
		}
	}
	if allNull {
		return c.Row, nil, nil
	}
	return c.Row, cols, nil
}

func names(fs []Field) string {
	var s []string
	for _, f := range fs {
		s = append(s, f.Name+" "+f.Type.String())
	}
	return strings.Join(s, ", ")
}

func TestRegexLogParse(t *testing.T) {
	// The developer guide's example.
	line := `203.0.113.24 - - [25/Mar/2018:15:25:37 -0700] "GET /index.php HTTP/1.1" 200 125 "-" "Mozilla/5.0 [en] Gecko/20100101 Firefox/52.0"`
	fields, cols, err := parseRow(t, "REGEX_LOG_PARSE", vc(line), vc(`(\w.+) (\d.+) (\w.+) (\w.+)`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`203.0.113.24 - - [25/Mar/2018:15:25:37 -0700] "GET /index.php HTTP/1.1" 200`, `125 "-" "Mozilla/5.0 [en]`, `Gecko/20100101`, `Firefox/52.0"`}
	if strings.Join(cols, "|") != strings.Join(want, "|") {
		t.Errorf("REGEX_LOG_PARSE guide example = %q, want %q", cols, want)
	}
	if names(fields) != "COLUMN1 VARCHAR(1024), COLUMN2 VARCHAR(1024), COLUMN3 VARCHAR(1024), COLUMN4 VARCHAR(1024)" {
		t.Errorf("fields %s", names(fields))
	}
	// The reference's example on the stock sectors.
	for _, tt := range []struct{ sector, want string }{
		{"ENERGY", "EN|RGY"}, {"HEALTHCARE", "EA|RE"}, {"TECHNOLOGY", ""}, {"FINANCIAL", ""}, {"RETAIL", ""},
	} {
		_, cols, err := parseRow(t, "REGEX_LOG_PARSE", vc(tt.sector), vc(`.*([E].).*([R].*)`))
		if err != nil || strings.Join(cols, "|") != tt.want {
			t.Errorf("REGEX_LOG_PARSE(%q) = %q, %v; want %q", tt.sector, cols, err, tt.want)
		}
	}
	// Typed columns, an optional group, a NULL line.
	fields, cols, err = parseRow(t, "REGEX_LOG_PARSE", vc("42 at 2018-05-09"), vc(`(\d+) at (\S+)( x)?`), vc(`n INTEGER, "When" TIMESTAMP 'yyyy-MM-dd', x`))
	if err != nil || strings.Join(cols, "|") != "42|2018-05-09 00:00:00.000|NULL" || names(fields) != "N INTEGER, When TIMESTAMP, X VARCHAR(1024)" {
		t.Errorf("typed REGEX_LOG_PARSE = %q (%s), %v", cols, names(fields), err)
	}
	if _, cols, _ := parseRow(t, "REGEX_LOG_PARSE", null, vc(`(a)`)); cols != nil {
		t.Errorf("REGEX_LOG_PARSE(NULL) = %q", cols)
	}
	if _, _, err := parseRow(t, "REGEX_LOG_PARSE", vc("x at y"), vc(`(\S+) at (\S+)`), vc("n INTEGER")); err == nil {
		t.Error("REGEX_LOG_PARSE converting x to INTEGER: no error")
	}
	for _, tt := range []struct {
		args []Arg
		want string
	}{
		{[]Arg{TypeArg(value.Varchar(9)), TypeArg(value.Varchar(9))}, "must be a constant regular expression"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(vc("abc"))}, "has no groups"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(vc("(a)(?=b)"))}, "lookaround"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(vc("(a)")), ConstArg(vc("x INTEGER, y INTEGER"))}, "describes 2 columns but the pattern has 1 groups"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(vc("(a)")), ConstArg(vc("x NUMBERS"))}, "not a valid column description"},
	} {
		if err := bindErr(t, "REGEX_LOG_PARSE", tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("REGEX_LOG_PARSE bind: %v, want %q", err, tt.want)
		}
	}
}

func TestFastRegexLogParse(t *testing.T) {
	tests := []struct {
		line, pattern, want string // want "" for no match
	}{
		// The reference's Examples A, B and C.
		{"Mary_had_a_little_lamb", "(.*)_+(._.*)", ""},
		{"Mary____had_a_little_lamb", "(.*)_+(.*)", "Mary|had_a_little_lamb"},
		{"Mary____had_a_little_lamb", "(.*)_+(<Alpha>.*)", "Mary|had_a_little_lamb"},
		// The reference's first example prints a_little_lamb for COLUMN2,
		// which its own pattern cannot give (the trailing _.* needs an
		// underscore after COLUMN2); the series the page describes gives
		// a_little.
		{"Mary_had_a_little_lamb", "(.*)_(._.*)_.*", "Mary_had|a_little"},
		// "If the Fast Regex pattern had omitted the final asterisk, no
		// results would be obtained."
		{"Mary_had_a_little_lamb", "(.*)_(._.*)_.", ""},
		{"2018-05-09 12:50:41 INFO started", `(<Digit>{4}-<Digit>{2}-<Digit>{2}) (.*) ([A-Z]+) (@)`, "2018-05-09|12:50:41|INFO|started"},
		{"code=404 path=/x", `code=(<100-599>) path=(.*)`, "404|/x"},
		{"code=099 path=/x", `code=(<100-599>) path=(.*)`, ""},
		{"v=007", `v=(<000-100>)`, "007"},
		{"id:abc", `"id:"([a-z]+)`, "abc"},
		{"a|b", `(a|b)\|(a|b)`, "a|b"},
		{"xy", `(x)()(y)`, "x|y"},
	}
	for _, tt := range tests {
		_, cols, err := parseRow(t, "FAST_REGEX_LOG_PARSER", vc(tt.line), vc(tt.pattern))
		if err != nil || strings.Join(cols, "|") != tt.want {
			t.Errorf("FAST_REGEX_LOG_PARSER(%q, %q) = %q, %v; want %q", tt.line, tt.pattern, cols, err, tt.want)
		}
	}
	for _, bad := range []string{"(a&b)", "(~a)", "(a", "a)", "([)", "(<Nope>)", "(a{x})", `(a)\`, "(a)|(b)", `("a)`} {
		if _, err := CompileFastRegex(bad); err == nil {
			t.Errorf("%q compiles", bad)
		}
	}
	if _, ok := Lookup("FAST_REGEX_LOG_PARSE"); !ok {
		t.Error("FAST_REGEX_LOG_PARSE, the spelling KDA's examples use, is missing")
	}
}

func TestNumberRange(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		in, out []string
	}{
		{"<100-599>", []string{"100", "404", "599"}, []string{"99", "600", "1000", "0404"}},
		{"<0-255>", []string{"0", "9", "10", "255", "007"}, []string{"256", "-1"}},
		{"<05-15>", []string{"05", "09", "10", "15"}, []string{"5", "16", "04"}},
	} {
		f, err := CompileFastRegex("(" + tt.pattern + ")")
		if err != nil {
			t.Fatalf("%s: %v", tt.pattern, err)
		}
		for _, s := range tt.in {
			if _, ok := f.Parse(nil, s); !ok {
				t.Errorf("%s does not match %s", tt.pattern, s)
			}
		}
		for _, s := range tt.out {
			if _, ok := f.Parse(nil, s); ok {
				t.Errorf("%s matches %s", tt.pattern, s)
			}
		}
	}
}

func TestVariableColumnLogParse(t *testing.T) {
	spec := vc("COL_1 TYPE VARCHAR(16), COL_2 TYPE VARCHAR(16), COL_3 TYPE VARCHAR(16)")
	// The developer guide's example.
	fields, cols, err := parseRow(t, "VARIABLE_COLUMN_LOG_PARSE", vc("x,y,z"), spec, vc(","))
	if err != nil || strings.Join(cols, "|") != "x|y|z" || names(fields) != "COL_1 VARCHAR(16), COL_2 VARCHAR(16), COL_3 VARCHAR(16)" {
		t.Errorf("guide example = %q (%s), %v", cols, names(fields), err)
	}
	tests := []struct {
		line    string
		columns value.Value
		extra   []value.Value // delimiter, escape, quotes
		want    string
	}{
		{"a,b", i32(2), args(vc(",")), "a|b"},
		{`a\,b`, i32(2), args(vc(","), vc(`\`)), "a,b|NULL"},
		{`"a,b",c`, i32(2), args(vc(","), vc(`\`), vc(`"`)), "a,b|c"},
		{`[a,b],c`, i32(2), args(vc(","), vc(`\`), vc(`[]`)), "a,b|c"},
		{"a\tb\tc", i32(2), args(vc("\t")), "a|b"},
		{"a::b::::c", i32(4), args(vc("::")), "a|b||c"},
		{"a", i32(3), args(vc(",")), "a|NULL|NULL"},
		{"", i32(1), args(vc(",")), ""},
		{"7,2018-05-09 10:00:00,1.5", vc(`id INTEGER, "at" TIMESTAMP, price DOUBLE`), args(vc(",")), "7|2018-05-09 10:00:00.000|1.5"},
		{"7,09/05/2018,", vc(`id INTEGER, d DATE 'dd/MM/yyyy', price DOUBLE`), args(vc(",")), "7|2018-05-09|NULL"},
	}
	for _, tt := range tests {
		_, cols, err := parseRow(t, "VARIABLE_COLUMN_LOG_PARSE", vc(tt.line), append(args(tt.columns), tt.extra...)...)
		if got := strings.Join(cols, "|"); err != nil || got != tt.want {
			t.Errorf("VARIABLE_COLUMN_LOG_PARSE(%q, %v) = %q, %v; want %q", tt.line, tt.columns, got, err, tt.want)
		}
	}
	if _, _, err := parseRow(t, "VARIABLE_COLUMN_LOG_PARSE", vc("x,1"), vc("a INTEGER, b INTEGER"), vc(",")); err == nil {
		t.Error("x as an INTEGER: no error")
	}
	if _, _, err := parseRow(t, "VARIABLE_COLUMN_LOG_PARSE", vc("1"), vc("a INTEGER, b INTEGER NOT NULL"), vc(",")); err == nil || !strings.Contains(err.Error(), "null value not allowed") {
		t.Errorf("a missing NOT NULL column: %v", err)
	}
	for _, tt := range []struct {
		args []Arg
		want string
	}{
		{[]Arg{TypeArg(value.Varchar(9)), TypeArg(value.Simple(value.KindInteger)), ConstArg(vc(","))}, "must be a constant number of columns"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(i32(0)), ConstArg(vc(","))}, "1 to 1000 columns"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(i32(2)), ConstArg(vc(""))}, "must not be empty"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(vc("a INTEGER, a DOUBLE")), ConstArg(vc(","))}, "named twice"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(vc("a INTEGER 'yyyy'")), ConstArg(vc(","))}, "only DATE, TIME and TIMESTAMP"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(vc("a")), ConstArg(vc(","))}, "has no type"},
		{[]Arg{TypeArg(value.Varchar(9)), ConstArg(vc("a INTERVAL DAY")), ConstArg(vc(","))}, "cannot be of type"},
	} {
		if err := bindErr(t, "VARIABLE_COLUMN_LOG_PARSE", tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("VARIABLE_COLUMN_LOG_PARSE bind: %v, want %q", err, tt.want)
		}
	}
}

func TestFixedColumnLogParse(t *testing.T) {
	line := vc("2018-05-09 12:50:41 WARN  disk 93% full")
	spec := vc(`"at" TYPE TIMESTAMP 'yyyy-MM-dd HH:mm:ss' START 0 FOR 19, level TYPE VARCHAR(5) START 20 FOR 5, msg TYPE VARCHAR(64) START 26, gone INTEGER START 99 FOR 2`)
	fields, cols, err := parseRow(t, "FIXED_COLUMN_LOG_PARSE", line, spec)
	if err != nil || strings.Join(cols, "|") != "2018-05-09 12:50:41.000|WARN |disk 93% full|NULL" {
		t.Errorf("FIXED_COLUMN_LOG_PARSE = %q, %v", cols, err)
	}
	if names(fields) != "at TIMESTAMP, LEVEL VARCHAR(5), MSG VARCHAR(64), GONE INTEGER" {
		t.Errorf("fields %s", names(fields))
	}
	if _, _, err := parseRow(t, "FIXED_COLUMN_LOG_PARSE", vc("abc"), vc("n INTEGER START 0 FOR 3")); err == nil {
		t.Error("abc as an INTEGER: no error")
	}
	if err := bindErr(t, "FIXED_COLUMN_LOG_PARSE", TypeArg(value.Varchar(9)), ConstArg(vc("n INTEGER"))); err == nil || !strings.Contains(err.Error(), "START") {
		t.Errorf("a column without START: %v", err)
	}
}

func TestW3CLogParse(t *testing.T) {
	// The reference's Example 1 and the developer guide's records.
	for _, tt := range []struct{ line, want string }{
		{`192.168.254.30 - John [24/May/2004:22:01:02 -0700] "GET /icons/apache_pb.gif HTTP/1.1" 304 0`,
			`192.168.254.30|-|John|[24/May/2004:22:01:02 -0700]|GET /icons/apache_pb.gif HTTP/1.1|304|0`},
		{`192.168.254.30 - Jane [24/May/2004:22:01:02 -0700] "GET /icons/small/dir.gif HTTP/1.1" 304 0`,
			`192.168.254.30|-|Jane|[24/May/2004:22:01:02 -0700]|GET /icons/small/dir.gif HTTP/1.1|304|0`},
		{`10.0.0.1 - - [24/May/2004:22:01:02 -0700] "GET /a\"b HTTP/1.1" 200 -`,
			`10.0.0.1|-|-|[24/May/2004:22:01:02 -0700]|GET /a\"b HTTP/1.1|200|-`},
		{`not a log line`, ``},
	} {
		fields, cols, err := parseRow(t, "W3C_LOG_PARSE", vc(tt.line), vc("COMMON"))
		if err != nil || strings.Join(cols, "|") != tt.want || len(fields) != 7 {
			t.Errorf("W3C_LOG_PARSE(%q, 'COMMON') = %q (%d fields), %v; want %q", tt.line, cols, len(fields), err, tt.want)
		}
	}
	for _, tt := range []struct{ line, format, want string }{
		{`www.example.com 1.2.3.4 - - [24/May/2004:22:01:02 -0700] "GET / HTTP/1.0" 200 12`, "common with vhost",
			`www.example.com|1.2.3.4|-|-|[24/May/2004:22:01:02 -0700]|GET / HTTP/1.0|200|12`},
		{`1.2.3.4 - - [24/May/2004:22:01:02 -0700] "GET / HTTP/1.0" 200 12 "http://a/" "Mozilla/5.0 (X11)"`, "NCSA EXTENDED",
			`1.2.3.4|-|-|[24/May/2004:22:01:02 -0700]|GET / HTTP/1.0|200|12|http://a/|Mozilla/5.0 (X11)`},
		{`http://a/b -> /index.html`, "REFERER", `http://a/b|/index.html`},
		{`Mozilla/5.0 (X11)`, "AGENT", `Mozilla/5.0 (X11)`},
		{`1.2.3.4 GET 0.25`, `%a %m %T`, `1.2.3.4|GET|0.25`},
		{`1.2.3.4 [x] GET`, `%h %[Referer]i %m`, `1.2.3.4|[x]|GET`},
		{`5% of 1.2.3.4`, `%{X}i%% of %a`, `5|1.2.3.4`},
		{`192.168.1.1, -, 03/20/01, 7:55:20, W3SVC2, SERVER, 172.21.13.45, 4502, 163, 3223, 200, 0, GET, /DeptLogo.gif, -,`, "IIS",
			`192.168.1.1|-|03/20/01|7:55:20|W3SVC2|SERVER|172.21.13.45|4502|163|3223|200|0|GET|/DeptLogo.gif|-`},
	} {
		_, cols, err := parseRow(t, "W3C_LOG_PARSE", vc(tt.line), vc(tt.format))
		if err != nil || strings.Join(cols, "|") != tt.want {
			t.Errorf("W3C_LOG_PARSE(%q, %q) = %q, %v; want %q", tt.line, tt.format, cols, err, tt.want)
		}
	}
	for _, bad := range []string{"%h %Q", "no directives", "%{Referer", "%"} {
		if err := bindErr(t, "W3C_LOG_PARSE", TypeArg(value.Varchar(9)), ConstArg(vc(bad))); err == nil {
			t.Errorf("W3C format %q binds", bad)
		}
	}
}

func TestSysLogParse(t *testing.T) {
	for _, tt := range []struct{ line, want string }{
		{"Feb  5 17:32:18 10.0.0.99 Use the BFG!", "1970-02-05 17:32:18.000|10.0.0.99 Use the BFG!"},
		{"Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8", "1970-10-11 22:14:15.000|mymachine su: 'su root' failed for lonvick on /dev/pts/8"},
		{"Feb 30 17:32:18 host x", ""},
		{"Foo  5 17:32:18 host x", ""},
		{"Feb  5 25:32:18 host x", ""},
		{"short", ""},
	} {
		fields, cols, err := parseRow(t, "SYS_LOG_PARSE", vc(tt.line))
		if err != nil || strings.Join(cols, "|") != tt.want || names(fields) != "COLUMN1 TIMESTAMP, COLUMN2 VARCHAR(1024)" {
			t.Errorf("SYS_LOG_PARSE(%q) = %q (%s), %v; want %q", tt.line, cols, names(fields), err, tt.want)
		}
	}
}

// FuzzLogParse feeds any pattern and line to the log parsers: nothing may
// panic, and a row has as many values as fields.
func FuzzLogParse(f *testing.F) {
	for _, s := range []struct{ pattern, line string }{
		{"(.*)_+(._.*)", "Mary_had_a_little_lamb"},
		{`(\w.+) (\d.+)`, "abc 123"},
		{"COMMON", `1.2.3.4 - - [24/May/2004:22:01:02 -0700] "GET / HTTP/1.0" 200 12`},
		{`a INTEGER, b TIMESTAMP 'yyyy' START 2 FOR 4`, "1 2018"},
		{`(<1-99>)"x"(@)`, "42xyz"},
	} {
		f.Add(s.pattern, s.line)
	}
	f.Fuzz(func(t *testing.T, pattern, line string) {
		for _, fn := range []string{"REGEX_LOG_PARSE", "FAST_REGEX_LOG_PARSER", "W3C_LOG_PARSE", "FIXED_COLUMN_LOG_PARSE", "VARIABLE_COLUMN_LOG_PARSE"} {
			as := []Arg{TypeArg(value.Varchar(100)), ConstArg(vc(pattern))}
			vals := args(vc(line), vc(pattern))
			if fn == "VARIABLE_COLUMN_LOG_PARSE" {
				as = append(as, ConstArg(vc(",")), ConstArg(vc(`\`)), ConstArg(vc(`"`)))
				vals = append(vals, vc(","), vc(`\`), vc(`"`))
			}
			c, err := get(t, fn).Bind(testEnv, as)
			if err != nil {
				continue
			}
			out, err := c.EvalRow(nil, vals)
			if err == nil && len(out) != len(c.Row) {
				t.Fatalf("%s(%q, %q): %d values for %d fields", fn, line, pattern, len(out), len(c.Row))
			}
		}
	})
}
