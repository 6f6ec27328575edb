package funcs

// REGEX_LOG_PARSE: a Java regular expression matched against the whole
// line (Matcher.matches), one column per capturing group.

import (
	"regexp"

	"sluice/internal/analytics/value"
)

// bindRegexLogParse binds REGEX_LOG_PARSE(line, pattern [, columns]): the
// pattern and the columns must be constants, since they make the row's
// fields: COLUMN1 … COLUMNn VARCHAR(1024) for the n groups, or the names
// and types the column description gives the first groups.
func bindRegexLogParse(env *Env, args []Arg) (*Call, error) {
	const fn = "REGEX_LOG_PARSE"
	c := checker{fn: fn, args: args}
	if err := c.str(0); err != nil {
		return nil, err
	}
	pattern, err := c.constString(1, "regular expression")
	if err != nil {
		return nil, err
	}
	re, err := compileJavaIn(fn, pattern, `\A(?:`, `)\z`)
	if err != nil {
		return nil, c.fail(1, "is not a regular expression Sluice can run: %s", errMsg(err))
	}
	groups := re.NumSubexp()
	if groups == 0 {
		return nil, c.fail(1, "has no groups, so the row would have no columns")
	}
	var cols []column
	if len(args) == 3 {
		spec, err := c.constString(2, "column description")
		if err != nil {
			return nil, err
		}
		if cols, err = parseColumns(spec, true, false); err != nil {
			return nil, c.fail(2, "is not a valid column description: %v", err)
		}
		if len(cols) > groups {
			return nil, c.fail(2, "describes %d columns but the pattern has %d groups", len(cols), groups)
		}
	} else {
		for _, f := range numbered(groups, logColumnType) {
			cols = append(cols, column{Field: f})
		}
	}
	century := int64(0)
	if env != nil {
		century = CenturyStart(env.QueryStart)
	}
	return regexRowCall(fn, re, cols, century), nil
}

// regexRowCall is a row-valued call whose columns are re's first groups.
func regexRowCall(fn string, re *regexp.Regexp, cols []column, century int64) *Call {
	return rowCall(fieldsOfColumns(cols), func(dst, a []value.Value) ([]value.Value, bool, error) {
		s := a[0].Str()
		m := re.FindStringSubmatchIndex(s)
		if m == nil {
			return dst, false, nil
		}
		for i := range cols {
			lo, hi := m[2*i+2], m[2*i+3]
			if lo < 0 {
				dst = append(dst, value.Value{})
				continue
			}
			v, err := cols[i].convert(fn, s[lo:hi], century)
			if err != nil {
				return dst, false, err
			}
			dst = append(dst, v)
		}
		return dst, true, nil
	})
}
