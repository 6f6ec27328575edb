package funcs

import (
	"math"
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

// The examples of KDA's Numeric Functions reference. The result is compared
// by kind and printed text, so FLOOR(5.2) = 5 checks that a DECIMAL(2,1)
// floors to a DECIMAL(2,0), and LOG10(1) = 0.0 that it is a DOUBLE.
func TestNumericReference(t *testing.T) {
	dayMinute := value.Qualifier{Start: value.UnitDay, End: value.UnitMinute}
	tests := []struct {
		desc string
		fn   string
		args []value.Value
		want want
	}{
		{"ABS(2.0)", "ABS", args(num(t, "2.0")), want{v: num(t, "2.0")}},
		{"ABS(-1.0)", "ABS", args(num(t, "-1.0")), want{v: num(t, "1.0")}},
		{"ABS(0)", "ABS", args(i32(0)), want{v: i32(0)}},
		{"ABS(-3 * 3)", "ABS", args(i32(-9)), want{v: i32(9)}},
		{"ABS(INTERVAL '-3 4:20' DAY TO MINUTE)", "ABS", args(ivl(t, "-3 4:20", dayMinute)), want{v: ivl(t, "3 4:20", dayMinute)}},
		{"CEIL(2.0)", "CEIL", args(num(t, "2.0")), want{v: dec0(2)}},
		{"CEIL(-1.0)", "CEIL", args(num(t, "-1.0")), want{v: dec0(-1)}},
		{"CEIL(5.2)", "CEIL", args(num(t, "5.2")), want{v: dec0(6)}},
		{"CEILING(-3.3)", "CEILING", args(num(t, "-3.3")), want{v: dec0(-3)}},
		{"CEILING(-3 * 3.1)", "CEILING", args(num(t, "-9.3")), want{v: dec0(-9)}},
		{"FLOOR(2.0)", "FLOOR", args(num(t, "2.0")), want{v: dec0(2)}},
		{"FLOOR(-1.0)", "FLOOR", args(num(t, "-1.0")), want{v: dec0(-1)}},
		{"FLOOR(5.2)", "FLOOR", args(num(t, "5.2")), want{v: dec0(5)}},
		{"FLOOR(-3.3)", "FLOOR", args(num(t, "-3.3")), want{v: dec0(-4)}},
		{"FLOOR(-3 * 3.1)", "FLOOR", args(num(t, "-9.3")), want{v: dec0(-10)}},
		{"EXP(0)", "EXP", args(i32(0)), want{v: dbl(1)}},
		{"EXP(-1)", "EXP", args(i32(-1)), want{v: dbl(0.36787944117144233)}},
		{"EXP(10)", "EXP", args(i32(10)), want{v: dbl(22026.465794806718)}},
		{"EXP(2.5)", "EXP", args(num(t, "2.5")), want{v: dbl(12.182493960703473)}},
		{"LN(1)", "LN", args(i32(1)), want{v: dbl(0)}},
		{"LN(10)", "LN", args(i32(10)), want{v: dbl(2.302585092994046)}},
		{"LN(2.5)", "LN", args(num(t, "2.5")), want{v: dbl(0.9162907318741551)}},
		{"LOG10(1)", "LOG10", args(i32(1)), want{v: dbl(0)}},
		{"LOG10(100)", "LOG10", args(i32(100)), want{v: dbl(2)}},
		{"log10(cast('23' as decimal))", "LOG10", args(num(t, "23")), want{v: dbl(1.3617278360175928)}},
		{"MOD(4,2)", "MOD", args(i32(4), i32(2)), want{v: i32(0)}},
		{"MOD(5,3)", "MOD", args(i32(5), i32(3)), want{v: i32(2)}},
		{"MOD(-4,3)", "MOD", args(i32(-4), i32(3)), want{v: i32(-1)}},
		{"MOD(5,12)", "MOD", args(i32(5), i32(12)), want{v: i32(5)}},
		{"POWER(3,2)", "POWER", args(i32(3), i32(2)), want{v: dbl(9)}},
		{"POWER(-2,3)", "POWER", args(i32(-2), i32(3)), want{v: dbl(-8)}},
		{"POWER(4,-2)", "POWER", args(i32(4), i32(-2)), want{v: dbl(0.0625)}},
		{"POWER(10.1,2.5)", "POWER", args(num(t, "10.1"), num(t, "2.5")), want{v: dbl(324.19285157140644)}},
		{"STEP(23 BY 5)", "STEP", args(i32(23), i32(5)), want{v: i32(20)}},
		{"STEP(30 BY 10)", "STEP", args(i32(30), i32(10)), want{v: i32(30)}},
		{"STEP(CAST('2004-09-30 13:48:23' AS TIMESTAMP) BY INTERVAL '10' SECOND)", "STEP",
			args(ts(t, "2004-09-30 13:48:23"), ivl(t, "10", value.Qualifier{Start: value.UnitSecond})), want{v: ts(t, "2004-09-30 13:48:20")}},
	}
	for _, tt := range tests {
		check(t, tt.desc, tt.fn, tt.args, tt.want)
	}
	// EXP(1): the reference prints 2.7182818284590455, Java's Math.exp (1
	// ulp above e, within Java's allowed error); Go's math.Exp gives the
	// correctly rounded 2.718281828459045.
	v, _, err := run(t, "EXP", i32(1))
	if err != nil || math.Abs(v.Float64()-2.7182818284590455) > 1e-15 {
		t.Errorf("EXP(1) = %v, %v", v, err)
	}
}

func TestNumericNullsAndErrors(t *testing.T) {
	tests := []struct {
		desc string
		fn   string
		args []value.Value
		want want
	}{
		{"ABS(NULL)", "ABS", args(null), want{v: null}},
		{"ABS(min int)", "ABS", args(i32(math.MinInt32)), want{errText: "out of the range"}},
		{"ABS(min bigint)", "ABS", args(i64(math.MinInt64)), want{errText: "out of the range"}},
		{"ABS(-0.0e0)", "ABS", args(dbl(math.Copysign(0, -1))), want{v: dbl(0)}},
		{"ABS(REAL)", "ABS", args(value.NewReal(-1.5)), want{v: value.NewReal(1.5)}},
		{"CEIL(NULL)", "CEIL", args(null), want{v: null}},
		{"CEIL(DOUBLE)", "CEIL", args(dbl(-0.5)), want{v: dbl(math.Copysign(0, -1))}},
		{"FLOOR(DOUBLE)", "FLOOR", args(dbl(-0.5)), want{v: dbl(-1)}},
		{"FLOOR(BIGINT)", "FLOOR", args(i64(7)), want{v: i64(7)}},
		{"CEIL(9.5)", "CEIL", args(num(t, "9.5")), want{v: dec0(10)}},
		{"EXP(NULL)", "EXP", args(null), want{v: null}},
		{"EXP(1000)", "EXP", args(i32(1000)), want{errText: "out of the range"}},
		{"LN(0)", "LN", args(i32(0)), want{errText: "invalid argument for logarithm"}},
		{"LN(-1)", "LN", args(dbl(-1)), want{errText: "invalid argument for logarithm"}},
		{"LOG10(0)", "LOG10", args(num(t, "0.0")), want{errText: "invalid argument for logarithm"}},
		{"POWER(0,-1)", "POWER", args(i32(0), i32(-1)), want{errText: "invalid argument for power"}},
		{"POWER(-8,1/3)", "POWER", args(i32(-8), dbl(1.0/3)), want{errText: "invalid argument for power"}},
		{"POWER(10,400)", "POWER", args(i32(10), i32(400)), want{errText: "out of the range"}},
		{"POWER(NULL,2)", "POWER", args(null, i32(2)), want{v: null}},
		{"MOD(1,0)", "MOD", args(i32(1), i32(0)), want{errText: "division by zero"}},
		{"MOD(min,-1)", "MOD", args(i64(math.MinInt64), i64(-1)), want{v: i64(0)}},
		{"MOD(BIGINT,SMALLINT)", "MOD", args(i64(-7), value.NewSmallInt(4)), want{v: i64(-3)}},
		{"MOD(DECIMAL(2,0),3)", "MOD", args(dec0(10), i32(3)), want{v: dec0(1)}},
		{"MOD(NULL,3)", "MOD", args(null, i32(3)), want{v: null}},
		{"STEP(-23 BY 5)", "STEP", args(i32(-23), i32(5)), want{v: i32(-25)}},
		{"STEP(x BY 0)", "STEP", args(i32(3), i32(0)), want{errText: "not positive"}},
		{"STEP(NULL BY 5)", "STEP", args(null, i32(5)), want{v: null}},
	}
	for _, tt := range tests {
		check(t, tt.desc, tt.fn, tt.args, tt.want)
	}
	for _, tt := range []struct {
		fn   string
		args []Arg
		want string
	}{
		{"ABS", []Arg{TypeArg(value.Varchar(3))}, "must be a number or an interval, not VARCHAR(3)"},
		{"MOD", []Arg{TypeArg(value.Simple(value.KindDouble)), TypeArg(value.Simple(value.KindInteger))}, "argument 1 must be an integer, not DOUBLE"},
		{"MOD", []Arg{TypeArg(value.Decimal(5, 2)), TypeArg(value.Simple(value.KindInteger))}, "argument 1 must be an integer, not DECIMAL(5,2)"},
		{"POWER", []Arg{TypeArg(value.Simple(value.KindInteger)), TypeArg(value.Simple(value.KindDate))}, "argument 2 must be a number"},
		{"STEP", []Arg{TypeArg(value.Simple(value.KindTimestamp)), TypeArg(value.Simple(value.KindInteger))}, "argument 2 must be an interval"},
		{"STEP", []Arg{TypeArg(value.Simple(value.KindTime)), TypeArg(value.Interval(value.Qualifier{Start: value.UnitMonth}))}, "day-time interval"},
		{"STEP", []Arg{TypeArg(value.Simple(value.KindInteger)), ConstArg(i32(-5))}, "must be positive"},
		{"STEP", []Arg{TypeArg(value.Varchar(3)), ConstArg(i32(5))}, "must be an integer, DATE, TIME or TIMESTAMP"},
	} {
		if err := bindErr(t, tt.fn, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.fn, err, tt.want)
		}
	}
}

func TestNumericResultTypes(t *testing.T) {
	for _, tt := range []struct {
		fn   string
		args []value.Type
		want string
	}{
		{"ABS", []value.Type{value.Decimal(5, 2)}, "DECIMAL(5,2)"},
		{"FLOOR", []value.Type{value.Decimal(5, 2)}, "DECIMAL(4,0)"},
		{"CEIL", []value.Type{value.Decimal(18, 2)}, "DECIMAL(17,0)"},
		{"CEIL", []value.Type{value.Simple(value.KindReal)}, "REAL"},
		{"EXP", []value.Type{value.Simple(value.KindInteger)}, "DOUBLE"},
		{"MOD", []value.Type{value.Simple(value.KindSmallInt), value.Simple(value.KindBigInt)}, "BIGINT"},
		{"MOD", []value.Type{value.Decimal(10, 0), value.Simple(value.KindInteger)}, "DECIMAL(10,0)"},
		{"POWER", []value.Type{value.Simple(value.KindInteger), value.Simple(value.KindInteger)}, "DOUBLE"},
		{"STEP", []value.Type{value.Simple(value.KindTimestamp), value.Interval(value.Qualifier{Start: value.UnitMinute})}, "TIMESTAMP"},
	} {
		f := get(t, tt.fn)
		got, err := f.ResultType(tt.args)
		if err != nil || got.String() != tt.want {
			t.Errorf("%s%v: %v, %v; want %s", tt.fn, tt.args, got, err, tt.want)
		}
	}
}

func TestStepDatetime(t *testing.T) {
	at := ts(t, "2004-09-30 13:48:23.456")
	q := func(u value.Unit) value.Qualifier { return value.Qualifier{Start: u} }
	for _, tt := range []struct {
		width value.Value
		want  string
	}{
		{ivl(t, "10", q(value.UnitSecond)), "2004-09-30 13:48:20.000"},
		{ivl(t, "1", q(value.UnitMinute)), "2004-09-30 13:48:00.000"},
		{ivl(t, "15", q(value.UnitMinute)), "2004-09-30 13:45:00.000"},
		{ivl(t, "2", q(value.UnitHour)), "2004-09-30 12:00:00.000"},
		{ivl(t, "1", q(value.UnitDay)), "2004-09-30 00:00:00.000"},
		{ivl(t, "1", q(value.UnitMonth)), "2004-09-01 00:00:00.000"},
		{ivl(t, "5", q(value.UnitMonth)), "2004-08-01 00:00:00.000"},
		{ivl(t, "1", q(value.UnitYear)), "2004-01-01 00:00:00.000"},
	} {
		got, err := Step(at, tt.width)
		if err != nil || got.String() != tt.want {
			t.Errorf("STEP(%v BY %v) = %v, %v; want %s", at, tt.width, got, err, tt.want)
		}
	}
	if got, _ := Step(ts(t, "1969-12-31 23:59:59"), ivl(t, "1", q(value.UnitMinute))); got.String() != "1969-12-31 23:59:00.000" {
		t.Errorf("STEP before the epoch = %v", got)
	}
	if got, _ := Step(dt(t, "2004-10-02"), ivl(t, "7", q(value.UnitDay))); got.String() != "2004-09-30" {
		t.Errorf("STEP of a DATE = %v", got)
	}
	if got, _ := Step(tm(t, "13:48:23"), ivl(t, "30", q(value.UnitMinute))); got.String() != "13:30:00.000" {
		t.Errorf("STEP of a TIME = %v", got)
	}
}
