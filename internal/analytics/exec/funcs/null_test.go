package funcs

import (
	"strings"
	"testing"

	"sluice/internal/analytics/value"
)

func TestNullFunctionsReference(t *testing.T) {
	tests := []struct {
		desc string
		fn   string
		args []value.Value
		want want
	}{
		{"COALESCE('chair')", "COALESCE", args(ch("chair")), want{v: ch("chair")}},
		{"COALESCE('chair', null, 'sofa')", "COALESCE", args(ch("chair"), null, ch("sofa")), want{v: ch("chair")}},
		// The result is CHAR(5), the wider literal's type, so 'sofa' is
		// blank-padded as SQL's CHAR is (the reference prints sofa).
		{"COALESCE(null, null, 'sofa')", "COALESCE", args(null, null, ch("sofa")), want{v: ch("sofa")}},
		{"COALESCE(null, 2, 5)", "COALESCE", args(null, i32(2), i32(5)), want{v: i32(2)}},
		{"NULLIF(4,2)", "NULLIF", args(i32(4), i32(2)), want{v: i32(4)}},
		{"NULLIF(4,4)", "NULLIF", args(i32(4), i32(4)), want{v: null}},
		{"NULLIF('amy','fred')", "NULLIF", args(ch("amy"), ch("fred")), want{v: ch("amy")}},
		{"NULLIF('amy', cast(null as varchar(3)))", "NULLIF", args(ch("amy"), null), want{v: ch("amy")}},
		{"NULLIF(cast(null as varchar(3)),'fred')", "NULLIF", args(null, ch("fred")), want{v: null}},
	}
	for _, tt := range tests {
		check(t, tt.desc, tt.fn, tt.args, tt.want)
	}
	// COALESCE(null, null, 'sofa') with the literals' declared types.
	c, err := get(t, "COALESCE").Bind(testEnv, []Arg{TypeArg(value.Type{}), TypeArg(value.Type{}), TypeArg(value.Char(5)), TypeArg(value.Char(4))})
	if err != nil {
		t.Fatal(err)
	}
	v, err := c.Eval(args(null, null, null, ch("sofa")))
	if err != nil || v.Str() != "sofa " || c.Type.String() != "CHAR(5)" {
		t.Errorf("COALESCE(.., CHAR(4) 'sofa') = %q %v, %v", v.Str(), c.Type, err)
	}
}

func TestCoalesceTypes(t *testing.T) {
	for _, tt := range []struct {
		args []value.Type
		want string
	}{
		{[]value.Type{value.Char(3), value.Varchar(8)}, "VARCHAR(8)"},
		{[]value.Type{value.Simple(value.KindInteger), value.Simple(value.KindDouble)}, "DOUBLE"},
		{[]value.Type{value.Simple(value.KindSmallInt), value.Simple(value.KindBigInt)}, "BIGINT"},
		{[]value.Type{value.Decimal(5, 2), value.Simple(value.KindInteger)}, "DECIMAL(12,2)"},
		{[]value.Type{value.Decimal(5, 2), value.Decimal(4, 3)}, "DECIMAL(6,3)"},
		{[]value.Type{value.Simple(value.KindDate), value.Simple(value.KindTimestamp)}, "TIMESTAMP"},
		{[]value.Type{{}, value.Simple(value.KindBoolean)}, "BOOLEAN"},
		{[]value.Type{{}, {}}, "NULL"},
	} {
		got, err := get(t, "COALESCE").ResultType(tt.args)
		if err != nil || got.String() != tt.want {
			t.Errorf("COALESCE%v: %v, %v; want %s", tt.args, got, err, tt.want)
		}
	}
	_, err := get(t, "COALESCE").ResultType([]value.Type{value.Simple(value.KindInteger), value.Varchar(3)})
	if err == nil || !strings.Contains(err.Error(), "INTEGER, VARCHAR(3)") {
		t.Errorf("COALESCE of a number and a string: %v", err)
	}
	if err := bindErr(t, "NULLIF", TypeArg(value.Simple(value.KindInteger)), TypeArg(value.Varchar(3))); err == nil {
		t.Error("NULLIF(INTEGER, VARCHAR) binds")
	}
	check(t, "COALESCE converts", "COALESCE", args(null, i32(2), dbl(0.5)), want{v: dbl(2)})
	check(t, "MONOTONIC", "MONOTONIC", args(i64(7)), want{v: i64(7)})
}
