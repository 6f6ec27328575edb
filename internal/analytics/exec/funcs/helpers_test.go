package funcs

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sluice/internal/analytics/value"
)

// Values for tests, typed as KDA types the literals: '...' is CHAR(n), 2.5
// is DECIMAL, 2.5E0 is DOUBLE.

func ch(s string) value.Value   { return value.NewChar(s) }
func vc(s string) value.Value   { return value.NewVarchar(s) }
func i32(n int32) value.Value   { return value.NewInteger(n) }
func i64(n int64) value.Value   { return value.NewBigInt(n) }
func dbl(f float64) value.Value { return value.NewDouble(f) }

// dec0 is the DECIMAL(p,0) n.
func dec0(n int64) value.Value {
	v, _ := value.NewDecimal(n, 0)
	return v
}

func num(t testing.TB, s string) value.Value {
	t.Helper()
	v, err := value.ParseNumber(s)
	if err != nil {
		t.Fatalf("ParseNumber(%q): %v", s, err)
	}
	return v
}

func ts(t testing.TB, s string) value.Value {
	t.Helper()
	v, err := value.ParseTimestamp(s)
	if err != nil {
		t.Fatalf("ParseTimestamp(%q): %v", s, err)
	}
	return v
}

func dt(t testing.TB, s string) value.Value {
	t.Helper()
	v, err := value.ParseDate(s)
	if err != nil {
		t.Fatalf("ParseDate(%q): %v", s, err)
	}
	return v
}

func tm(t testing.TB, s string) value.Value {
	t.Helper()
	v, err := value.ParseTime(s)
	if err != nil {
		t.Fatalf("ParseTime(%q): %v", s, err)
	}
	return v
}

func ivl(t testing.TB, s string, q value.Qualifier) value.Value {
	t.Helper()
	v, err := value.ParseInterval(s, q)
	if err != nil {
		t.Fatalf("ParseInterval(%q): %v", s, err)
	}
	return v
}

var null = value.Null()

// testEnv is a fixed environment: the query started 2026-03-01 12:00 UTC
// and the row time is 2016-09-23 04:29:26.234 (the EXTRACT example's).
var testEnv = &Env{
	QueryStart: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
	Now:        func() time.Time { return time.Date(2016, 9, 23, 4, 29, 26, 234e6, time.UTC) },
}

// get finds a function by name, among the named and the special ones.
func get(t testing.TB, name string) *Func {
	t.Helper()
	if f, ok := Lookup(name); ok {
		return f
	}
	if f, ok := Special(name); ok {
		return f
	}
	t.Fatalf("no function %s", name)
	return nil
}

// run binds name with every argument constant and evaluates it, then binds
// it again with no argument constant and checks that the run-time path
// (patterns compiled per row) agrees.
func run(t testing.TB, name string, args ...value.Value) (value.Value, *Call, error) {
	t.Helper()
	f := get(t, name)
	consts := make([]Arg, len(args))
	vars := make([]Arg, len(args))
	for i, a := range args {
		consts[i] = ConstArg(a)
		vars[i] = TypeArg(value.TypeOf(a))
	}
	c, err := f.Bind(testEnv, consts)
	if err != nil {
		return value.Value{}, nil, err
	}
	v, err := c.Eval(args)
	if c2, err2 := f.Bind(testEnv, vars); err2 == nil {
		v2, e2 := c2.Eval(args)
		if (err == nil) != (e2 == nil) || (err == nil && !same(v, v2)) {
			t.Errorf("%s%v: constant arguments give %v, %v; column arguments %v, %v", name, args, v, err, v2, e2)
		}
	}
	return v, c, err
}

// same compares values exactly: kind and text.
func same(a, b value.Value) bool {
	return a.Kind() == b.Kind() && a.String() == b.String()
}

// want is one expected result: a value (compared by kind and text), or an
// error whose text contains errText.
type want struct {
	v       value.Value
	errText string
}

func check(t *testing.T, desc, name string, args []value.Value, w want) {
	t.Helper()
	got, _, err := run(t, name, args...)
	switch {
	case w.errText != "":
		if err == nil || !strings.Contains(err.Error(), w.errText) {
			t.Errorf("%s: got %v, %v; want an error with %q", desc, got, err, w.errText)
		}
	case err != nil:
		t.Errorf("%s: %v", desc, err)
	case !same(got, w.v):
		t.Errorf("%s = %s %v; want %s %v", desc, got.Kind(), got, w.v.Kind(), w.v)
	}
}

// bindErr binds with constant arguments and returns the plan-time error.
func bindErr(t *testing.T, name string, args ...Arg) error {
	t.Helper()
	_, err := get(t, name).Bind(testEnv, args)
	var ae *ArgError
	if err != nil && !errors.As(err, &ae) {
		t.Errorf("%s: the bind error %v is a %T, not an *ArgError", name, err, err)
	}
	return err
}

func args(vs ...value.Value) []value.Value { return vs }
