package funcs

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

func TestCatalogueNames(t *testing.T) {
	named, special := Names(), SpecialNames()
	if len(byName)+len(specialByName) != len(stringFuncs())+len(patternFuncs())+len(regexFuncs())+len(numericFuncs())+
		len(datetimeFuncs())+len(dateConvFuncs())+len(nullFuncs())+len(logParseFuncs()) {
		t.Error("a function is registered twice")
	}
	for _, n := range named {
		f, _ := Lookup(n)
		if f.Name != n || strings.ToUpper(n) != n || f.Syntax == SyntaxSpecial || f.bind == nil ||
			(f.MaxArgs >= 0 && f.MaxArgs < f.MinArgs) || (f.Syntax == SyntaxNiladic && f.MaxArgs != 0) {
			t.Errorf("%s: %+v", n, f)
		}
		if _, ok := Special(n); ok {
			t.Errorf("%s is both named and special", n)
		}
	}
	for _, n := range special {
		if f, _ := Special(n); f.Syntax != SyntaxSpecial {
			t.Errorf("%s is not SyntaxSpecial", n)
		}
		if _, ok := Lookup(n); ok {
			t.Errorf("the special %s is callable by name", n)
		}
	}
	// Every function of KDA's reference pages is there.
	for _, n := range []string{
		"CHAR_LENGTH", "CHARACTER_LENGTH", "INITCAP", "LOWER", "OVERLAY", "POSITION", "REGEX_REPLACE", "SUBSTRING", "UPPER",
		"ABS", "CEIL", "CEILING", "EXP", "FLOOR", "LN", "LOG10", "MOD", "POWER",
		"CURRENT_DATE", "CURRENT_ROW_TIMESTAMP", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "TSDIFF",
		"CHAR_TO_DATE", "CHAR_TO_TIME", "CHAR_TO_TIMESTAMP", "DATE_TO_CHAR", "TIME_TO_CHAR", "TIMESTAMP_TO_CHAR", "TO_TIMESTAMP", "UNIX_TIMESTAMP",
		"COALESCE", "NULLIF",
		"FAST_REGEX_LOG_PARSER", "FIXED_COLUMN_LOG_PARSE", "REGEX_LOG_PARSE", "SYS_LOG_PARSE", "VARIABLE_COLUMN_LOG_PARSE", "W3C_LOG_PARSE",
	} {
		if _, ok := Lookup(n); !ok {
			t.Errorf("%s is missing", n)
		}
	}
	if !slices.Equal(special, []string{"CEIL TO", "EXTRACT", "FLOOR TO", "LIKE", "SIMILAR TO", "STEP", "SUBSTRING SIMILAR", "TRIM", "||"}) {
		t.Errorf("special functions %v", special)
	}
	if _, ok := Lookup("substring"); ok {
		t.Error("Lookup is case-sensitive: names are upper case")
	}
}

// nullSamples are arguments each function computes a value from; the test
// below replaces each argument with NULL in turn. constant marks arguments
// that must be constants (a TRIM side, an EXTRACT unit), which stay.
var nullSamples = map[string]struct {
	args     func(t testing.TB) []value.Value
	constant []int
}{
	"CHAR_LENGTH":      {func(testing.TB) []value.Value { return args(vc("abc")) }, nil},
	"CHARACTER_LENGTH": {func(testing.TB) []value.Value { return args(vc("abc")) }, nil},
	"UPPER":            {func(testing.TB) []value.Value { return args(vc("abc")) }, nil},
	"LOWER":            {func(testing.TB) []value.Value { return args(vc("abc")) }, nil},
	"INITCAP":          {func(testing.TB) []value.Value { return args(vc("abc")) }, nil},
	"POSITION":         {func(testing.TB) []value.Value { return args(vc("b"), vc("abc")) }, nil},
	"SUBSTRING":        {func(testing.TB) []value.Value { return args(vc("abc"), i32(1), i32(2)) }, nil},
	"OVERLAY":          {func(testing.TB) []value.Value { return args(vc("abc"), vc("x"), i32(1), i32(1)) }, nil},
	"REGEX_REPLACE":    {func(testing.TB) []value.Value { return args(vc("abc"), vc("b"), vc("x"), i32(1), i32(0)) }, nil},
	"ABS":              {func(testing.TB) []value.Value { return args(i32(-1)) }, nil},
	"CEIL":             {func(testing.TB) []value.Value { return args(dbl(1.5)) }, nil},
	"CEILING":          {func(testing.TB) []value.Value { return args(dbl(1.5)) }, nil},
	"FLOOR":            {func(testing.TB) []value.Value { return args(dbl(1.5)) }, nil},
	"EXP":              {func(testing.TB) []value.Value { return args(dbl(1.5)) }, nil},
	"LN":               {func(testing.TB) []value.Value { return args(dbl(1.5)) }, nil},
	"LOG10":            {func(testing.TB) []value.Value { return args(dbl(1.5)) }, nil},
	"POWER":            {func(testing.TB) []value.Value { return args(dbl(1.5), i32(2)) }, nil},
	"MOD":              {func(testing.TB) []value.Value { return args(i32(5), i32(3)) }, nil},
	"MONOTONIC":        {func(testing.TB) []value.Value { return args(i32(5)) }, nil},
	"TSDIFF": {func(t testing.TB) []value.Value {
		return args(ts(t, "2018-01-01 00:00:00"), ts(t, "2018-01-02 00:00:00"))
	}, nil},
	"UNIX_TIMESTAMP":    {func(t testing.TB) []value.Value { return args(ts(t, "2018-01-01 00:00:00")) }, nil},
	"TO_TIMESTAMP":      {func(testing.TB) []value.Value { return args(i64(0)) }, nil},
	"CHAR_TO_DATE":      {func(testing.TB) []value.Value { return args(vc("yyyy"), vc("2018")) }, nil},
	"CHAR_TO_TIME":      {func(testing.TB) []value.Value { return args(vc("HH"), vc("12")) }, nil},
	"CHAR_TO_TIMESTAMP": {func(testing.TB) []value.Value { return args(vc("yyyy"), vc("2018")) }, nil},
	"||":                {func(testing.TB) []value.Value { return args(vc("a"), vc("b")) }, nil},
	"LIKE":              {func(testing.TB) []value.Value { return args(vc("a"), vc("a%"), vc(`\`)) }, nil},
	"SIMILAR TO":        {func(testing.TB) []value.Value { return args(vc("a"), vc("a%"), vc(`\`)) }, nil},
	"SUBSTRING SIMILAR": {func(testing.TB) []value.Value { return args(vc("abc"), vc(`a#"b#"c`), vc("#")) }, nil},
	"TRIM":              {func(testing.TB) []value.Value { return args(vc("BOTH"), vc("x"), vc("xax")) }, []int{0}},
	"EXTRACT":           {func(t testing.TB) []value.Value { return args(vc("YEAR"), ts(t, "2018-01-01 00:00:00")) }, []int{0}},
	"FLOOR TO":          {func(t testing.TB) []value.Value { return args(ts(t, "2018-01-01 00:00:00"), vc("DAY")) }, []int{1}},
	"CEIL TO":           {func(t testing.TB) []value.Value { return args(ts(t, "2018-01-01 00:00:00"), vc("DAY")) }, []int{1}},
	"STEP":              {func(testing.TB) []value.Value { return args(i32(23), i32(5)) }, nil},
}

// TestNullInNullOut checks SQL's rule for every function it applies to: a
// NULL argument gives NULL. The functions it does not apply to have their
// own tests: COALESCE and NULLIF (their point), *_TO_CHAR (a NULL datetime
// prints 'null', as KDA documents), the current-time functions (no
// arguments) and the log parsers (a NULL line is a NULL row).
func TestNullInNullOut(t *testing.T) {
	exempt := []string{"COALESCE", "NULLIF", "DATE_TO_CHAR", "TIME_TO_CHAR", "TIMESTAMP_TO_CHAR",
		"CURRENT_DATE", "CURRENT_TIME", "CURRENT_TIMESTAMP", "LOCALTIME", "LOCALTIMESTAMP", "CURRENT_ROW_TIMESTAMP",
		"REGEX_LOG_PARSE", "FAST_REGEX_LOG_PARSER", "FAST_REGEX_LOG_PARSE", "FIXED_COLUMN_LOG_PARSE",
		"VARIABLE_COLUMN_LOG_PARSE", "W3C_LOG_PARSE", "SYS_LOG_PARSE"}
	for _, name := range append(Names(), SpecialNames()...) {
		sample, ok := nullSamples[name]
		if !ok {
			if !slices.Contains(exempt, name) {
				t.Errorf("%s has no NULL test", name)
			}
			continue
		}
		f := get(t, name)
		vals := sample.args(t)
		if v, _, err := run(t, name, vals...); err != nil || v.IsNull() {
			t.Errorf("%s%v = %v, %v: the sample must give a value", name, vals, v, err)
		}
		for i := range vals {
			if slices.Contains(sample.constant, i) {
				continue
			}
			as := make([]Arg, len(vals))
			for k, v := range vals {
				as[k] = TypeArg(value.TypeOf(v))
				if slices.Contains(sample.constant, k) {
					as[k] = ConstArg(v)
				}
			}
			c, err := f.Bind(testEnv, as)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			with := slices.Clone(vals)
			with[i] = null
			if v, err := c.Eval(with); err != nil || !v.IsNull() {
				t.Errorf("%s with argument %d NULL = %v, %v; want NULL", name, i+1, v, err)
			}
			// The NULL literal as a constant argument, too.
			as[i] = ConstArg(null)
			if c, err := f.Bind(testEnv, as); err == nil {
				if v, err := c.Eval(with); err != nil || !v.IsNull() {
					t.Errorf("%s with a NULL literal as argument %d = %v, %v; want NULL", name, i+1, v, err)
				}
			}
		}
	}
}

// TestNumericNoAlloc checks that the numeric and datetime functions the
// executor runs per row do not allocate.
func TestNumericNoAlloc(t *testing.T) {
	at := ts(t, "2018-05-09 12:50:41.337")
	for _, tt := range []struct {
		fn   string
		args []value.Value
	}{
		{"ABS", args(dbl(-1.5))}, {"ABS", args(i64(-3))}, {"ABS", args(num(t, "-2.50"))},
		{"CEIL", args(num(t, "2.5"))}, {"FLOOR", args(dbl(2.5))}, {"EXP", args(dbl(2))}, {"LN", args(dbl(2))},
		{"LOG10", args(i32(100))}, {"POWER", args(dbl(2), i32(10))}, {"MOD", args(i64(17), i32(5))},
		{"STEP", args(i32(23), i32(5))}, {"STEP", args(at, ivl(t, "10", value.Qualifier{Start: value.UnitSecond}))},
		{"EXTRACT", args(ch("MINUTE"), at)}, {"FLOOR TO", args(at, ch("MINUTE"))}, {"CEIL TO", args(at, ch("MONTH"))},
		{"UNIX_TIMESTAMP", args(at)}, {"TO_TIMESTAMP", args(i64(5))}, {"TSDIFF", args(at, at)},
		{"CHAR_LENGTH", args(vc("héllo"))}, {"POSITION", args(vc("l"), vc("héllo"))}, {"SUBSTRING", args(vc("héllo"), i32(2), i32(3))},
		{"LIKE", args(vc("héllo"), vc("h%l_o"))}, {"TRIM", args(ch("BOTH"), ch(" "), vc("  x  "))},
	} {
		_, c, err := run(t, tt.fn, tt.args...)
		if err != nil {
			t.Fatalf("%s: %v", tt.fn, err)
		}
		if n := testing.AllocsPerRun(100, func() { _, _ = c.Eval(tt.args) }); n != 0 {
			t.Errorf("%s%v allocates %v times per call", tt.fn, tt.args, n)
		}
	}
}

func TestDescribe(t *testing.T) {
	_, _, err := run(t, "LN", i32(0))
	if name, state, ok := Describe(err); !ok || name != "invalid argument for logarithm" || state != "2201E" {
		t.Errorf("Describe(LN(0)) = %s %s %v", name, state, ok)
	}
	_, _, err = run(t, "MOD", i32(1), i32(0))
	if name, state, ok := Describe(err); !ok || name != "division by zero" || state != "22012" {
		t.Errorf("Describe(MOD(1,0)) = %s %s %v", name, state, ok)
	}
	if !errors.Is(err, value.ErrDivisionByZero) {
		t.Error("MOD by zero is not value.ErrDivisionByZero")
	}
	if _, _, ok := Describe(errors.New("x")); ok {
		t.Error("Describe of a foreign error")
	}
	_, _, err = run(t, "CHAR_TO_TIMESTAMP", vc("yyyy"), vc("x"))
	if !errors.Is(err, &Error{Cond: CondInvalidDatetimeFormat}) {
		t.Errorf("errors.Is by condition: %v", err)
	}
	for c := CondInvalidRegex; c <= CondInvalidParameter; c++ {
		if strings.HasPrefix(c.String(), "condition") || c.SQLState() == "HY000" || len(c.SQLState()) != 5 {
			t.Errorf("condition %d: %s %s", c, c, c.SQLState())
		}
	}
	if Condition(200).SQLState() != "HY000" || !strings.HasPrefix(Condition(200).String(), "condition") {
		t.Error("an unknown condition")
	}
	ae := &ArgError{Func: "F", Msg: "takes 1 argument, not 2"}
	if ae.Error() != "F takes 1 argument, not 2" {
		t.Error(ae.Error())
	}
}

// TestConcurrentEval evaluates calls whose patterns come from a column
// from several goroutines at once: a Call's compile cache is shared.
func TestConcurrentEval(t *testing.T) {
	like, err := get(t, "LIKE").Bind(testEnv, []Arg{TypeArg(value.Varchar(9)), TypeArg(value.Varchar(9))})
	if err != nil {
		t.Fatal(err)
	}
	parse, err := get(t, "CHAR_TO_TIMESTAMP").Bind(testEnv, []Arg{TypeArg(value.Varchar(9)), TypeArg(value.Varchar(20))})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	for g := range 4 {
		go func() {
			for i := range 500 {
				p := []string{"a%", "%b", "_b"}[(i+g)%3]
				v, err := like.Eval(args(vc("ab"), vc(p)))
				if err != nil || !v.Bool() {
					done <- fmt.Errorf("%q LIKE %q = %v, %v", "ab", p, v, err)
					return
				}
				f := []string{"yyyy-MM", "MM/yyyy"}[(i+g)%2]
				s := map[string]string{"yyyy-MM": "2018-05", "MM/yyyy": "05/2018"}[f]
				if v, err := parse.Eval(args(vc(f), vc(s))); err != nil || v.String() != "2018-05-01 00:00:00.000" {
					done <- fmt.Errorf("CHAR_TO_TIMESTAMP(%q, %q) = %v, %v", f, s, v, err)
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func TestCallMisuse(t *testing.T) {
	_, c, err := run(t, "ABS", i32(-1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Eval(nil); err == nil || !strings.Contains(err.Error(), "bound with 1 arguments and evaluated with 0") {
		t.Errorf("Eval with too few arguments: %v", err)
	}
	if _, err := c.EvalRow(nil, args(i32(1))); err == nil || !strings.Contains(err.Error(), "scalar") {
		t.Errorf("EvalRow of a scalar: %v", err)
	}
}
