package funcs

import (
	"strings"
	"testing"
	"time"

	"sluice/internal/analytics/value"
)

func TestDatetimeReference(t *testing.T) {
	dayToSecond := value.Qualifier{Start: value.UnitDay, End: value.UnitSecond}
	iv := ivl(t, "2 3:4:5.678", dayToSecond)
	row := ts(t, "2016-09-23 04:29:26.234") // CURRENT_ROW_TIMESTAMP in the examples
	at := ts(t, "2004-09-30 13:48:23")
	dec := func(unscaled int64, scale int) value.Value {
		v, _ := value.NewDecimal(unscaled, scale)
		return v
	}
	tests := []struct {
		desc string
		fn   string
		args []value.Value
		want want
	}{
		// EXTRACT
		{"EXTRACT(DAY FROM INTERVAL '2 3:4:5.678' DAY TO SECOND)", "EXTRACT", args(ch("DAY"), iv), want{v: i64(2)}},
		{"EXTRACT(HOUR FROM INTERVAL '2 3:4:5.678' DAY TO SECOND)", "EXTRACT", args(ch("HOUR"), iv), want{v: i64(3)}},
		{"EXTRACT(MINUTE FROM INTERVAL '2 3:4:5.678' DAY TO SECOND)", "EXTRACT", args(ch("MINUTE"), iv), want{v: i64(4)}},
		{"EXTRACT(SECOND FROM INTERVAL '2 3:4:5.678' DAY TO SECOND)", "EXTRACT", args(ch("SECOND"), iv), want{v: dec(5678, 3)}},
		{"EXTRACT(MINUTE FROM CURRENT_ROW_TIMESTAMP)", "EXTRACT", args(ch("MINUTE"), row), want{v: i64(29)}},
		{"EXTRACT(HOUR FROM CURRENT_ROW_TIMESTAMP)", "EXTRACT", args(ch("HOUR"), row), want{v: i64(4)}},
		// FLOOR and CEIL TO a unit
		{"FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO HOUR)", "FLOOR TO", args(at, ch("HOUR")), want{v: ts(t, "2004-09-30 13:00:00")}},
		{"FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO MINUTE)", "FLOOR TO", args(at, ch("MINUTE")), want{v: ts(t, "2004-09-30 13:48:00")}},
		{"FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO DAY)", "FLOOR TO", args(at, ch("DAY")), want{v: ts(t, "2004-09-30 00:00:00.0")}},
		{"FLOOR(TIMESTAMP '2004-09-30 13:48:23' TO YEAR)", "FLOOR TO", args(at, ch("YEAR")), want{v: ts(t, "2004-01-01 00:00:00.0")}},
		{"CEILING(TIMESTAMP '2004-09-30 13:48:23' TO HOUR)", "CEIL TO", args(at, ch("HOUR")), want{v: ts(t, "2004-09-30 14:00:00")}},
		{"CEILING(TIMESTAMP '2004-09-30 13:48:23' TO MINUTE)", "CEIL TO", args(at, ch("MINUTE")), want{v: ts(t, "2004-09-30 13:49:00")}},
		{"CEILING(TIMESTAMP '2004-09-30 13:48:23' TO DAY)", "CEIL TO", args(at, ch("DAY")), want{v: ts(t, "2004-10-01 00:00:00.0")}},
		{"CEILING(TIMESTAMP '2004-09-30 13:48:23' TO YEAR)", "CEIL TO", args(at, ch("YEAR")), want{v: ts(t, "2005-01-01 00:00:00.0")}},
	}
	for _, tt := range tests {
		check(t, tt.desc, tt.fn, tt.args, tt.want)
	}
}

func TestDatetimeMore(t *testing.T) {
	q := func(s, e value.Unit) value.Qualifier { return value.Qualifier{Start: s, End: e} }
	tests := []struct {
		desc string
		fn   string
		args []value.Value
		want want
	}{
		{"EXTRACT(YEAR FROM ts)", "EXTRACT", args(ch("YEAR"), ts(t, "2018-05-09 12:50:41.337")), want{v: i64(2018)}},
		{"EXTRACT(MONTH FROM date)", "EXTRACT", args(ch("MONTH"), dt(t, "2018-05-09")), want{v: i64(5)}},
		{"EXTRACT(DAY FROM date)", "EXTRACT", args(ch("day"), dt(t, "2018-05-09")), want{v: i64(9)}},
		{"EXTRACT(SECOND FROM ts)", "EXTRACT", args(ch("SECOND"), ts(t, "2018-05-09 12:50:41.337")), want{v: mustDec(41337, 3)}},
		{"EXTRACT(SECOND FROM time)", "EXTRACT", args(ch("SECOND"), tm(t, "12:50:41")), want{v: mustDec(41000, 3)}},
		{"EXTRACT(YEAR FROM before 1970)", "EXTRACT", args(ch("YEAR"), ts(t, "1969-12-31 23:59:59")), want{v: i64(1969)}},
		{"EXTRACT(HOUR FROM INTERVAL '50' HOUR(2))", "EXTRACT", args(ch("HOUR"), ivl(t, "50", q(value.UnitHour, 0))), want{v: i64(50)}},
		{"EXTRACT(MINUTE FROM INTERVAL '-3 4:20' DAY TO MINUTE)", "EXTRACT", args(ch("MINUTE"), ivl(t, "-3 4:20", q(value.UnitDay, value.UnitMinute))), want{v: i64(-20)}},
		{"EXTRACT(YEAR FROM INTERVAL '3-4' YEAR TO MONTH)", "EXTRACT", args(ch("YEAR"), ivl(t, "3-4", q(value.UnitYear, value.UnitMonth))), want{v: i64(3)}},
		{"EXTRACT(MONTH FROM INTERVAL '3-4' YEAR TO MONTH)", "EXTRACT", args(ch("MONTH"), ivl(t, "3-4", q(value.UnitYear, value.UnitMonth))), want{v: i64(4)}},
		{"EXTRACT(MONTH FROM INTERVAL '14' MONTH)", "EXTRACT", args(ch("MONTH"), ivl(t, "14", q(value.UnitMonth, 0))), want{v: i64(14)}},
		{"EXTRACT(SECOND FROM INTERVAL '90.5' SECOND)", "EXTRACT", args(ch("SECOND"), ivl(t, "90.5", value.Qualifier{Start: value.UnitSecond, Precision: 3})), want{v: mustDec(90500, 3)}},
		{"EXTRACT(... FROM NULL)", "EXTRACT", args(ch("YEAR"), null), want{v: null}},
		{"FLOOR(date TO MONTH)", "FLOOR TO", args(dt(t, "2018-05-09"), ch("MONTH")), want{v: dt(t, "2018-05-01")}},
		{"CEIL(date TO MONTH)", "CEIL TO", args(dt(t, "2018-12-09"), ch("MONTH")), want{v: dt(t, "2019-01-01")}},
		{"CEIL(first of month TO MONTH)", "CEIL TO", args(ts(t, "2018-05-01 00:00:00"), ch("MONTH")), want{v: ts(t, "2018-05-01 00:00:00")}},
		{"FLOOR(before 1970 TO HOUR)", "FLOOR TO", args(ts(t, "1969-12-31 23:59:59.999"), ch("HOUR")), want{v: ts(t, "1969-12-31 23:00:00")}},
		{"FLOOR(time TO MINUTE)", "FLOOR TO", args(tm(t, "13:48:23.5"), ch("MINUTE")), want{v: tm(t, "13:48:00")}},
		{"CEIL(time TO DAY)", "CEIL TO", args(tm(t, "13:48:23"), ch("DAY")), want{errText: "past midnight"}},
		{"FLOOR(NULL TO DAY)", "FLOOR TO", args(null, ch("DAY")), want{v: null}},
		{"TSDIFF", "TSDIFF", args(ts(t, "2018-01-01 00:00:00"), ts(t, "2018-01-01 00:00:01.500")), want{v: i64(1500)}},
		{"TSDIFF backwards", "TSDIFF", args(ts(t, "2018-01-01 00:00:01.500"), ts(t, "2018-01-01 00:00:00")), want{v: i64(-1500)}},
		{"TSDIFF of milliseconds", "TSDIFF", args(i64(1000), i64(250)), want{v: i64(-750)}},
		{"TSDIFF(NULL, ts)", "TSDIFF", args(null, ts(t, "2018-01-01 00:00:00")), want{v: null}},
		{"UNIX_TIMESTAMP", "UNIX_TIMESTAMP", args(ts(t, "2018-05-09 12:50:41.337")), want{v: i64(1525870241337)}},
		{"UNIX_TIMESTAMP(NULL)", "UNIX_TIMESTAMP", args(null), want{v: null}},
		{"TO_TIMESTAMP", "TO_TIMESTAMP", args(i64(1525870241337)), want{v: ts(t, "2018-05-09 12:50:41.337")}},
		{"TO_TIMESTAMP(negative)", "TO_TIMESTAMP", args(i64(-1)), want{v: ts(t, "1969-12-31 23:59:59.999")}},
		{"TO_TIMESTAMP(NULL)", "TO_TIMESTAMP", args(null), want{v: null}},
	}
	for _, tt := range tests {
		check(t, tt.desc, tt.fn, tt.args, tt.want)
	}
	for _, tt := range []struct {
		fn   string
		args []Arg
		want string
	}{
		{"EXTRACT", []Arg{ConstArg(ch("WEEK")), TypeArg(value.Simple(value.KindTimestamp))}, "must be YEAR, MONTH, DAY, HOUR, MINUTE or SECOND"},
		{"EXTRACT", []Arg{TypeArg(value.Varchar(5)), TypeArg(value.Simple(value.KindTimestamp))}, "must be a constant unit"},
		{"EXTRACT", []Arg{ConstArg(ch("HOUR")), TypeArg(value.Simple(value.KindDate))}, "has no HOUR field"},
		{"EXTRACT", []Arg{ConstArg(ch("YEAR")), TypeArg(value.Simple(value.KindTime))}, "has no YEAR field"},
		{"EXTRACT", []Arg{ConstArg(ch("MONTH")), TypeArg(value.Interval(value.Qualifier{Start: value.UnitDay}))}, "has no MONTH field"},
		{"EXTRACT", []Arg{ConstArg(ch("YEAR")), TypeArg(value.Simple(value.KindInteger))}, "must be a DATE, TIME, TIMESTAMP or interval"},
		{"FLOOR TO", []Arg{TypeArg(value.Simple(value.KindTime)), ConstArg(ch("YEAR"))}, "cannot be YEAR for a TIME"},
		{"FLOOR TO", []Arg{TypeArg(value.Simple(value.KindInteger)), ConstArg(ch("DAY"))}, "must be a DATE, TIME or TIMESTAMP"},
		{"TSDIFF", []Arg{TypeArg(value.Simple(value.KindDate)), TypeArg(value.Simple(value.KindTimestamp))}, "must be a TIMESTAMP or an integer"},
		{"UNIX_TIMESTAMP", []Arg{TypeArg(value.Varchar(20))}, "must be a TIMESTAMP"},
		{"TO_TIMESTAMP", []Arg{TypeArg(value.Simple(value.KindDouble))}, "must be an integer"},
		{"CURRENT_DATE", []Arg{TypeArg(value.Simple(value.KindDouble))}, "takes 0 arguments, not 1"},
	} {
		if err := bindErr(t, tt.fn, tt.args...); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.fn, err, tt.want)
		}
	}
}

func mustDec(unscaled int64, scale int) value.Value {
	v, _ := value.NewDecimal(unscaled, scale)
	return v
}

func TestCurrentTime(t *testing.T) {
	// The query started 2026-03-01 12:00:00 UTC (testEnv).
	for _, tt := range []struct {
		fn   string
		want string
		kind value.Kind
	}{
		{"CURRENT_DATE", "2026-03-01", value.KindDate},
		{"CURRENT_TIME", "12:00:00.000", value.KindTime},
		{"CURRENT_TIMESTAMP", "2026-03-01 12:00:00.000", value.KindTimestamp},
		{"LOCALTIME", "12:00:00.000", value.KindTime},
		{"LOCALTIMESTAMP", "2026-03-01 12:00:00.000", value.KindTimestamp},
		{"CURRENT_ROW_TIMESTAMP", "2016-09-23 04:29:26.234", value.KindTimestamp},
	} {
		f, ok := Lookup(tt.fn)
		if !ok || f.Syntax != SyntaxNiladic || !f.UsesEnv {
			t.Errorf("%s: %v %+v", tt.fn, ok, f)
			continue
		}
		c, err := f.Bind(testEnv, nil)
		if err != nil {
			t.Fatal(err)
		}
		v, err := c.Eval(nil)
		if err != nil || v.String() != tt.want || c.Type.Kind != tt.kind {
			t.Errorf("%s = %v %v, %v; want %s", tt.fn, c.Type, v, err, tt.want)
		}
		if _, err := f.Bind(nil, nil); err == nil {
			t.Errorf("%s binds without an Env", tt.fn)
		}
	}
	// CURRENT_ROW_TIMESTAMP follows the executor's clock row by row.
	clock := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	c, _ := get(t, "CURRENT_ROW_TIMESTAMP").Bind(&Env{QueryStart: clock, Now: func() time.Time { return clock }}, nil)
	a, _ := c.Eval(nil)
	clock = clock.Add(1500 * time.Millisecond)
	b, _ := c.Eval(nil)
	if a.String() != "2020-01-01 00:00:00.000" || b.String() != "2020-01-01 00:00:01.500" {
		t.Errorf("CURRENT_ROW_TIMESTAMP: %v then %v", a, b)
	}
	if get(t, "CURRENT_ROW_TIMESTAMP").Deterministic || !get(t, "CURRENT_TIMESTAMP").Deterministic {
		t.Error("CURRENT_ROW_TIMESTAMP must be the only non-deterministic current-time function")
	}
	// Without Now, it is the query's start.
	c, _ = get(t, "CURRENT_ROW_TIMESTAMP").Bind(&Env{QueryStart: clock}, nil)
	if v, _ := c.Eval(nil); v.String() != "2020-01-01 00:00:01.500" {
		t.Errorf("CURRENT_ROW_TIMESTAMP without Now = %v", v)
	}
}

func TestDatetimeDiff(t *testing.T) {
	q := func(s, e value.Unit) value.Qualifier { return value.Qualifier{Start: s, End: e} }
	for _, tt := range []struct {
		a, b value.Value
		q    value.Qualifier
		want value.Value
		err  string
	}{
		// The reference: (time '12:03:34' - time '11:57:23') minute to second is +6:11.
		{tm(t, "12:03:34"), tm(t, "11:57:23"), q(value.UnitMinute, value.UnitSecond), ivl(t, "6:11", q(value.UnitMinute, value.UnitSecond)), ""},
		{ts(t, "2018-01-02 10:30:00"), ts(t, "2018-01-01 08:00:00"), q(value.UnitHour, 0), ivl(t, "26", q(value.UnitHour, 0)), ""},
		{ts(t, "2018-01-01 08:00:00"), ts(t, "2018-01-02 10:30:00"), q(value.UnitDay, value.UnitHour), ivl(t, "-1 02", q(value.UnitDay, value.UnitHour)), ""},
		{dt(t, "2018-03-15"), dt(t, "2017-01-20"), q(value.UnitYear, value.UnitMonth), ivl(t, "1-1", q(value.UnitYear, value.UnitMonth)), ""},
		{dt(t, "2017-01-20"), dt(t, "2018-03-15"), q(value.UnitMonth, 0), ivl(t, "-13", q(value.UnitMonth, 0)), ""},
		{ts(t, "2018-01-05 00:00:00"), ts(t, "2017-01-01 00:00:00"), q(value.UnitDay, 0), value.Value{}, "interval field overflow"},
		{null, ts(t, "2017-01-01 00:00:00"), q(value.UnitDay, 0), null, ""},
	} {
		got, err := DatetimeDiff(tt.a, tt.b, tt.q)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("(%v - %v) %v: %v, %v; want %s", tt.a, tt.b, tt.q, got, err, tt.err)
			}
		case err != nil || !same(got, tt.want) || got.Int64() != tt.want.Int64():
			t.Errorf("(%v - %v) %v = %v, %v; want %v", tt.a, tt.b, tt.q, got, err, tt.want)
		}
	}
}
