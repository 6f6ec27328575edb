package funcs

// Date and time functions: the current-time functions, EXTRACT, FLOOR and
// CEIL of a datetime TO a unit, TSDIFF, UNIX_TIMESTAMP, TO_TIMESTAMP, and
// DatetimeDiff for (a - b) <interval qualifier>. All in UTC, as KDA is.

import (
	"math"
	"strings"

	"sluice/internal/analytics/value"
)

func datetimeFuncs() []*Func {
	now := func(name string, k value.Kind) *Func {
		return &Func{Name: name, Syntax: SyntaxNiladic, Deterministic: true, UsesEnv: true, bind: bindQueryTime(k)}
	}
	return []*Func{
		now("CURRENT_DATE", value.KindDate),
		now("CURRENT_TIME", value.KindTime),
		now("CURRENT_TIMESTAMP", value.KindTimestamp),
		now("LOCALTIME", value.KindTime),
		now("LOCALTIMESTAMP", value.KindTimestamp),
		{Name: "CURRENT_ROW_TIMESTAMP", Syntax: SyntaxNiladic, UsesEnv: true, bind: bindRowTimestamp},
		{Name: "EXTRACT", MinArgs: 2, MaxArgs: 2, Syntax: SyntaxSpecial, Deterministic: true, bind: bindExtract},
		{Name: "FLOOR TO", MinArgs: 2, MaxArgs: 2, Syntax: SyntaxSpecial, Deterministic: true, bind: bindTruncate(false)},
		{Name: "CEIL TO", MinArgs: 2, MaxArgs: 2, Syntax: SyntaxSpecial, Deterministic: true, bind: bindTruncate(true)},
		{Name: "TSDIFF", MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindTSDiff},
		{Name: "UNIX_TIMESTAMP", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindUnixTimestamp},
		{Name: "TO_TIMESTAMP", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindToTimestamp},
	}
}

// bindQueryTime binds CURRENT_DATE, CURRENT_TIME, CURRENT_TIMESTAMP,
// LOCALTIME and LOCALTIMESTAMP: the query's start, the same for every row.
// KDA runs in UTC, so the LOCAL forms equal the CURRENT ones.
func bindQueryTime(k value.Kind) func(*Env, []Arg) (*Call, error) {
	return func(env *Env, _ []Arg) (*Call, error) {
		v := datetimeOf(k, env.QueryStart.UnixMilli())
		return scalar(value.Simple(k), func([]value.Value) (value.Value, error) { return v, nil }), nil
	}
}

// bindRowTimestamp binds CURRENT_ROW_TIMESTAMP: Env.Now for each row.
func bindRowTimestamp(env *Env, _ []Arg) (*Call, error) {
	now := env.Now
	start := value.NewTimestamp(env.QueryStart.UnixMilli())
	return scalar(value.Simple(value.KindTimestamp), func([]value.Value) (value.Value, error) {
		if now == nil {
			return start, nil
		}
		return value.NewTimestamp(now().UnixMilli()), nil
	}), nil
}

// unitArg reads a constant unit argument ('YEAR' … 'SECOND').
func unitArg(c checker, i int) (value.Unit, error) {
	s, err := c.constString(i, "unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)")
	if err != nil {
		return 0, err
	}
	u, ok := value.ParseUnit(strings.TrimSpace(s))
	if !ok {
		return 0, c.fail(i, "must be YEAR, MONTH, DAY, HOUR, MINUTE or SECOND, not %s", quote(s))
	}
	return u, nil
}

// bindExtract binds the special EXTRACT(unit, x) for EXTRACT(unit FROM x):
// a field of a DATE, TIME, TIMESTAMP or interval as a BIGINT, except SECOND,
// which is DECIMAL(5,3) with the milliseconds. An interval's leading field
// is not reduced (EXTRACT(HOUR FROM INTERVAL '50' HOUR) is 50) and its
// fields carry its sign.
func bindExtract(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "EXTRACT", args: args}
	u, err := unitArg(c, 0)
	if err != nil {
		return nil, err
	}
	k := args[1].Type.Kind
	if err := c.is(1, "a DATE, TIME, TIMESTAMP or interval", func(k value.Kind) bool { return k.IsDatetime() || k.IsInterval() }); err != nil {
		return nil, err
	}
	switch {
	case k == value.KindTime && u <= value.UnitDay,
		k == value.KindDate && u > value.UnitDay,
		k == value.KindIntervalYearMonth && !u.IsYearMonth(),
		k == value.KindIntervalDayTime && u.IsYearMonth():
		return nil, c.fail(1, "of type %s has no %s field", args[1].Type, u)
	}
	t := value.Simple(value.KindBigInt)
	if u == value.UnitSecond {
		t = value.Decimal(5, 3)
	}
	return scalar(t, func(a []value.Value) (value.Value, error) { return Extract(u, a[1]) }), nil
}

// Extract is EXTRACT(u FROM v) (see bindExtract); NULL in gives NULL.
func Extract(u value.Unit, v value.Value) (value.Value, error) {
	switch k := v.Kind(); {
	case k == value.KindNull:
		return v, nil
	case k.IsDatetime():
		ms := datetimeMillis(v)
		days := value.FloorDiv(ms, msPerDay)
		tod := ms - days*msPerDay
		y, m, d := value.CivilFromDays(days)
		switch u {
		case value.UnitYear:
			return value.NewBigInt(y), nil
		case value.UnitMonth:
			return value.NewBigInt(m), nil
		case value.UnitDay:
			return value.NewBigInt(d), nil
		case value.UnitHour:
			return value.NewBigInt(tod / msPerHour), nil
		case value.UnitMinute:
			return value.NewBigInt(tod / msPerMinute % 60), nil
		case value.UnitSecond:
			return value.NewDecimal(tod%msPerMinute, 3)
		}
	case k.IsInterval():
		n := v.Int64()
		sign := int64(1)
		if n < 0 {
			sign = -1
		}
		abs := n * sign
		lead := v.Qualifier().Start
		if k == value.KindIntervalYearMonth {
			if u == value.UnitYear {
				return value.NewBigInt(sign * (abs / 12)), nil
			}
			if lead == value.UnitMonth {
				return value.NewBigInt(n), nil
			}
			return value.NewBigInt(sign * (abs % 12)), nil
		}
		size, modulus := unitMillis(u)
		if u == value.UnitSecond {
			if lead != value.UnitSecond {
				abs %= msPerMinute
			}
			return value.NewDecimal(sign*abs, 3)
		}
		field := abs / size
		if u > lead {
			field %= modulus
		}
		return value.NewBigInt(sign * field), nil
	}
	return value.Value{}, &value.Error{Code: value.CodeInvalidArgument, Message: "EXTRACT " + u.String() + " FROM " + v.Kind().String()}
}

// unitMillis is a day-time unit's length and how many of it make the next
// larger unit.
func unitMillis(u value.Unit) (size, modulus int64) {
	switch u {
	case value.UnitDay:
		return msPerDay, math.MaxInt64
	case value.UnitHour:
		return msPerHour, 24
	case value.UnitMinute:
		return msPerMinute, 60
	}
	return msPerSecond, 60
}

// bindTruncate binds the special FLOOR TO(x, unit) and CEIL TO(x, unit)
// for FLOOR(x TO unit) and CEIL(x TO unit): x rounded down (up) to a whole
// unit, in x's type. KDA's tumbling windows group by FLOOR(ROWTIME TO
// MINUTE).
func bindTruncate(ceil bool) func(*Env, []Arg) (*Call, error) {
	return func(_ *Env, args []Arg) (*Call, error) {
		name := "FLOOR"
		if ceil {
			name = "CEIL"
		}
		c := checker{fn: name, args: args}
		if err := c.is(0, "a DATE, TIME or TIMESTAMP", value.Kind.IsDatetime); err != nil {
			return nil, err
		}
		u, err := unitArg(c, 1)
		if err != nil {
			return nil, err
		}
		if args[0].Type.Kind == value.KindTime && u.IsYearMonth() {
			return nil, c.fail(1, "cannot be %s for a TIME", u)
		}
		t := args[0].Type
		if t.Kind == value.KindNull {
			t = value.Simple(value.KindTimestamp)
		}
		return scalar(t, func(a []value.Value) (value.Value, error) { return Truncate(a[0], u, ceil) }), nil
	}
}

// Truncate is FLOOR(v TO u), or CEIL(v TO u) when ceil.
func Truncate(v value.Value, u value.Unit, ceil bool) (value.Value, error) {
	k := v.Kind()
	if !k.IsDatetime() {
		return value.Value{}, nil
	}
	ms := datetimeMillis(v)
	r := value.FloorUnit(ms, u)
	if ceil && r != ms {
		r = value.NextUnit(r, u)
	}
	if k == value.KindTime && (r < 0 || r >= msPerDay) {
		return value.Value{}, &value.Error{Code: value.CodeDatetimeOverflow, Message: "CEIL of TIME " + v.String() + " TO DAY is past midnight"}
	}
	return datetimeOf(k, r), nil
}

// millisArg checks an argument that is a TIMESTAMP or milliseconds since
// the epoch (an integer).
func millisArg(c checker, i int) error {
	return c.is(i, "a TIMESTAMP or an integer of milliseconds", func(k value.Kind) bool {
		return k == value.KindTimestamp || k.IsInteger()
	})
}

// bindTSDiff binds TSDIFF(startTime, endTime): the milliseconds from
// startTime to endTime (endTime - startTime), NULL when either is NULL. KDA
// calls the arguments timestamps and describes them as milliseconds since
// the epoch; both are accepted.
func bindTSDiff(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "TSDIFF", args: args}
	for i := range args {
		if err := millisArg(c, i); err != nil {
			return nil, err
		}
	}
	return scalar(value.Simple(value.KindBigInt), func(a []value.Value) (value.Value, error) {
		if a[0].IsNull() || a[1].IsNull() {
			return value.Value{}, nil
		}
		return value.Sub(value.NewBigInt(a[1].Int64()), value.NewBigInt(a[0].Int64()))
	}), nil
}

// bindUnixTimestamp binds UNIX_TIMESTAMP(ts): milliseconds since
// 1970-01-01 00:00:00 UTC as a BIGINT.
func bindUnixTimestamp(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "UNIX_TIMESTAMP", args: args}
	if err := c.is(0, "a TIMESTAMP", func(k value.Kind) bool { return k == value.KindTimestamp }); err != nil {
		return nil, err
	}
	return scalar(value.Simple(value.KindBigInt), func(a []value.Value) (value.Value, error) {
		if a[0].IsNull() {
			return a[0], nil
		}
		return value.NewBigInt(a[0].Int64()), nil
	}), nil
}

// bindToTimestamp binds TO_TIMESTAMP(unixEpoch): milliseconds since
// 1970-01-01 00:00:00 UTC as a TIMESTAMP.
func bindToTimestamp(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "TO_TIMESTAMP", args: args}
	if err := c.integer(0); err != nil {
		return nil, err
	}
	return scalar(value.Simple(value.KindTimestamp), func(a []value.Value) (value.Value, error) {
		if a[0].IsNull() {
			return a[0], nil
		}
		ms, _ := intOf(a[0])
		return value.NewTimestamp(ms), nil
	}), nil
}

// DatetimeDiff is (a - b) q: the interval from datetime b to datetime a in
// the units of qualifier q, as in (TIME '12:03:34' - TIME '11:57:23') MINUTE
// TO SECOND, which is +6:11. A day-time result is truncated toward zero to
// q's last field; a year-month one counts whole months (a month is not
// complete until its day and time of day come round). The leading field may
// have as many digits as q's precision, or it is an interval field
// overflow. NULL in gives NULL.
func DatetimeDiff(a, b value.Value, q value.Qualifier) (value.Value, error) {
	if a.IsNull() || b.IsNull() {
		return value.Value{}, nil
	}
	if !a.Kind().IsDatetime() || !b.Kind().IsDatetime() || !q.Valid() {
		return value.Value{}, &value.Error{Code: value.CodeInvalidArgument, Message: "(" + a.Kind().String() + " - " + b.Kind().String() + ") " + q.String()}
	}
	ma, mb := datetimeMillis(a), datetimeMillis(b)
	var n, lead int64
	if q.Start.IsYearMonth() {
		da, db := value.FloorDiv(ma, msPerDay), value.FloorDiv(mb, msPerDay)
		ya, mA, dA := value.CivilFromDays(da)
		yb, mB, dB := value.CivilFromDays(db)
		n = (ya*12 + mA) - (yb*12 + mB)
		restA := (dA-1)*msPerDay + (ma - da*msPerDay)
		restB := (dB-1)*msPerDay + (mb - db*msPerDay)
		switch {
		case n > 0 && restA < restB:
			n--
		case n < 0 && restA > restB:
			n++
		}
		if q.Last() == value.UnitYear {
			n = n / 12 * 12
		}
		lead = n
		if q.Start == value.UnitYear {
			lead = n / 12
		}
		if err := leadingFits(lead, q); err != nil {
			return value.Value{}, err
		}
		return value.NewIntervalYearMonth(n, q), nil
	}
	n = ma - mb
	size, _ := unitMillis(q.Last())
	if q.Last() != value.UnitSecond {
		n = n / size * size
	}
	lsize, _ := unitMillis(q.Start)
	lead = n / lsize
	if err := leadingFits(lead, q); err != nil {
		return value.Value{}, err
	}
	return value.NewIntervalDayTime(n, q), nil
}

func leadingFits(lead int64, q value.Qualifier) error {
	if lead < 0 {
		lead = -lead
	}
	digits := 1
	for x := lead; x >= 10; x /= 10 {
		digits++
	}
	if digits > q.LeadingPrecision() {
		return &value.Error{Code: value.CodeIntervalOverflow, Message: "the leading field has more digits than INTERVAL " + q.String() + " allows"}
	}
	return nil
}
