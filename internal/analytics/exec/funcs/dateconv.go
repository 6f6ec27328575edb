package funcs

// Datetime conversion functions: CHAR_TO_DATE, CHAR_TO_TIME,
// CHAR_TO_TIMESTAMP(format, string) and DATE_TO_CHAR, TIME_TO_CHAR,
// TIMESTAMP_TO_CHAR(format, datetime), with SimpleDateFormat patterns (see
// dateformat.go). A constant format compiles once at plan time.

import (
	"sluice/internal/analytics/value"
)

func dateConvFuncs() []*Func {
	toChar := func(name string, k value.Kind) *Func {
		return &Func{Name: name, MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindToChar(name, k)}
	}
	charTo := func(name string, k value.Kind) *Func {
		return &Func{Name: name, MinArgs: 2, MaxArgs: 2, Deterministic: true, UsesEnv: true, bind: bindCharTo(name, k)}
	}
	return []*Func{
		charTo("CHAR_TO_DATE", value.KindDate),
		charTo("CHAR_TO_TIME", value.KindTime),
		charTo("CHAR_TO_TIMESTAMP", value.KindTimestamp),
		toChar("DATE_TO_CHAR", value.KindDate),
		toChar("TIME_TO_CHAR", value.KindTime),
		toChar("TIMESTAMP_TO_CHAR", value.KindTimestamp),
	}
}

// formatOf compiles the format argument when it is a constant; nil when it
// is not (or is NULL).
func formatOf(c checker) (*DateFormat, error) {
	if err := c.str(0); err != nil {
		return nil, err
	}
	a := c.args[0]
	if !a.Const || a.Value.IsNull() {
		return nil, nil
	}
	f, err := CompileDateFormat(a.Value.Str())
	if err != nil {
		return nil, c.fail(0, "is not a valid date pattern: %s", errMsg(err))
	}
	return f, nil
}

// bindCharTo binds CHAR_TO_DATE, CHAR_TO_TIME and CHAR_TO_TIMESTAMP(format,
// s): s read with the pattern; a string that does not fit is an invalid
// datetime format error (KDA selects no row). CHAR_TO_DATE keeps the date,
// CHAR_TO_TIME the time of day of what the pattern reads.
func bindCharTo(name string, k value.Kind) func(*Env, []Arg) (*Call, error) {
	return func(env *Env, args []Arg) (*Call, error) {
		c := checker{fn: name, args: args}
		f, err := formatOf(c)
		if err != nil {
			return nil, err
		}
		if err := c.str(1); err != nil {
			return nil, err
		}
		century := CenturyStart(env.QueryStart)
		var cache lastCompiled[*DateFormat]
		return scalar(value.Simple(k), func(a []value.Value) (value.Value, error) {
			if a[0].IsNull() || a[1].IsNull() {
				return value.Value{}, nil
			}
			df := f
			if df == nil {
				var err error
				if df, err = cache.get(patternKey{pattern: a[0].Str()}, compileFormatKey); err != nil {
					return value.Value{}, err
				}
			}
			ms, err := df.Parse(a[1].Str(), century)
			if err != nil {
				if e, ok := err.(*Error); ok {
					e.Func = name
				}
				return value.Value{}, err
			}
			return datetimeOf(k, ms), nil
		}), nil
	}
}

func compileFormatKey(k patternKey) (*DateFormat, error) { return CompileDateFormat(k.pattern) }

// bindToChar binds DATE_TO_CHAR, TIME_TO_CHAR and TIMESTAMP_TO_CHAR(format,
// x): x printed with the pattern (a DATE is its midnight, a TIME is on
// 1970-01-01). KDA documents that a NULL datetime prints as the string
// 'null'; a NULL format gives NULL. The result is a VARCHAR as long as the
// pattern can print (65534 when the format is not a constant).
func bindToChar(name string, k value.Kind) func(*Env, []Arg) (*Call, error) {
	return func(_ *Env, args []Arg) (*Call, error) {
		c := checker{fn: name, args: args}
		f, err := formatOf(c)
		if err != nil {
			return nil, err
		}
		if err := c.is(1, "a "+k.String(), func(x value.Kind) bool { return x == k }); err != nil {
			return nil, err
		}
		t := value.Varchar(value.MaxStringLength)
		if f != nil {
			t = varchar(max(f.MaxLen(), 4)) // 4: the text 'null'
		}
		var cache lastCompiled[*DateFormat]
		return scalar(t, func(a []value.Value) (value.Value, error) {
			if a[0].IsNull() {
				return value.Value{}, nil
			}
			if a[1].IsNull() {
				return value.NewVarchar("null"), nil
			}
			df := f
			if df == nil {
				var err error
				if df, err = cache.get(patternKey{pattern: a[0].Str()}, compileFormatKey); err != nil {
					return value.Value{}, err
				}
			}
			var buf [64]byte
			return value.NewVarchar(string(df.AppendFormat(buf[:0], datetimeMillis(a[1])))), nil
		}), nil
	}
}
