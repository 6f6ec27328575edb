package funcs

// FIXED_COLUMN_LOG_PARSE and VARIABLE_COLUMN_LOG_PARSE: fields cut at
// character positions, or split at a delimiter.

import (
	"strings"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

// bindFixedColumnLogParse binds FIXED_COLUMN_LOG_PARSE(line, columns): the
// constant column description gives each column's type and its place,
// START n (from 0, in characters) [FOR m] (to the end of the line without
// FOR). A column that starts past the end of the line is NULL.
func bindFixedColumnLogParse(env *Env, args []Arg) (*Call, error) {
	const fn = "FIXED_COLUMN_LOG_PARSE"
	c := checker{fn: fn, args: args}
	if err := c.str(0); err != nil {
		return nil, err
	}
	spec, err := c.constString(1, "column description")
	if err != nil {
		return nil, err
	}
	cols, err := parseColumns(spec, false, true)
	if err != nil {
		return nil, c.fail(1, "is not a valid column description: %v", err)
	}
	century := CenturyStart(env.QueryStart)
	return rowCall(fieldsOfColumns(cols), func(dst, a []value.Value) ([]value.Value, bool, error) {
		s := a[0].Str()
		for i := range cols {
			col := &cols[i]
			end := -1
			if col.length >= 0 {
				end = col.start + col.length
			}
			lo, hi := charSpanOpen(s, col.start, end)
			if lo < 0 {
				if col.notNull {
					return dst, false, errorf(CondNullNotAllowed, fn, "column %s is NOT NULL but the line ends before position %d", col.Name, col.start)
				}
				dst = append(dst, value.Value{})
				continue
			}
			v, err := col.convert(fn, s[lo:hi], century)
			if err != nil {
				return dst, false, err
			}
			dst = append(dst, v)
		}
		return dst, true, nil
	}), nil
}

// charSpanOpen is the byte span of characters [from, to) of s, to < 0
// meaning the end; lo is -1 when from is past the end.
func charSpanOpen(s string, from, to int) (int, int) {
	if n := charCount(s); from >= n {
		return -1, -1
	} else if to < 0 || to > n {
		to = n
	}
	return charSpan(s, from, to)
}

// bindVariableColumnLogParse binds VARIABLE_COLUMN_LOG_PARSE(line, columns,
// delimiter [, escape [, quotes]]). columns is a constant: a number of
// VARCHAR(1024) columns COLUMN1 …, or a column description. The delimiter
// may be several characters; the escape character makes the next character
// literal (a delimiter included); quotes is one character that opens and
// closes a quoted field, or two (the opening and the closing one), inside
// which delimiters are literal. Fields past the last column are ignored,
// missing ones are NULL.
func bindVariableColumnLogParse(env *Env, args []Arg) (*Call, error) {
	const fn = "VARIABLE_COLUMN_LOG_PARSE"
	c := checker{fn: fn, args: args}
	if err := c.str(0); err != nil {
		return nil, err
	}
	var cols []column
	switch {
	case args[1].Type.Kind.IsString():
		spec, err := c.constString(1, "column description")
		if err != nil {
			return nil, err
		}
		if cols, err = parseColumns(spec, false, false); err != nil {
			return nil, c.fail(1, "is not a valid column description: %v", err)
		}
	default:
		n, err := c.constInt(1, "number of columns or column description")
		if err != nil {
			return nil, err
		}
		if n < 1 || n > 1000 {
			return nil, c.fail(1, "must be 1 to 1000 columns, not %d", n)
		}
		for _, f := range numbered(int(n), logColumnType) {
			cols = append(cols, column{Field: f})
		}
	}
	for i := 2; i < len(args); i++ {
		if err := c.str(i); err != nil {
			return nil, err
		}
	}
	if args[2].Const && !args[2].Value.IsNull() && args[2].Value.Str() == "" {
		return nil, c.fail(2, "must not be empty")
	}
	century := CenturyStart(env.QueryStart)
	return rowCall(fieldsOfColumns(cols), func(dst, a []value.Value) ([]value.Value, bool, error) {
		sp := splitter{delim: a[2].Str()}
		if len(a) > 3 && !a[3].IsNull() && a[3].Str() != "" {
			r, size := utf8.DecodeRuneInString(a[3].Str())
			if size != len(a[3].Str()) {
				return dst, false, errorf(CondInvalidEscapeChar, fn, "the escape %s must be one character", quote(a[3].Str()))
			}
			sp.escape, sp.hasEscape = r, true
		}
		if len(a) > 4 && !a[4].IsNull() && a[4].Str() != "" {
			q := []rune(a[4].Str())
			if len(q) > 2 {
				return dst, false, errorf(CondInvalidParameter, fn, "the quotes %s must be one or two characters", quote(a[4].Str()))
			}
			sp.open, sp.close, sp.hasQuote = q[0], q[len(q)-1], true
		}
		if sp.delim == "" {
			return dst, false, errorf(CondInvalidParameter, fn, "the delimiter is empty")
		}
		var buf [16]string
		fields := sp.split(buf[:0], a[0].Str(), len(cols))
		for i := range cols {
			if i >= len(fields) {
				if cols[i].notNull {
					return dst, false, errorf(CondNullNotAllowed, fn, "column %s is NOT NULL but the line has %d fields", cols[i].Name, len(fields))
				}
				dst = append(dst, value.Value{})
				continue
			}
			v, err := cols[i].convert(fn, fields[i], century)
			if err != nil {
				return dst, false, err
			}
			dst = append(dst, v)
		}
		return dst, true, nil
	}), nil
}

// splitter splits a line at a delimiter, honouring an escape character and
// quotes.
type splitter struct {
	delim       string
	escape      rune
	hasEscape   bool
	open, close rune
	hasQuote    bool
}

// split appends up to limit fields of s to dst.
func (sp splitter) split(dst []string, s string, limit int) []string {
	plain := !sp.hasEscape && !sp.hasQuote
	if plain {
		for len(dst) < limit {
			i := strings.Index(s, sp.delim)
			if i < 0 {
				return append(dst, s)
			}
			dst = append(dst, s[:i])
			s = s[i+len(sp.delim):]
		}
		return dst
	}
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s) && len(dst) < limit; {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case sp.hasEscape && r == sp.escape && i+size < len(s):
			next, n := utf8.DecodeRuneInString(s[i+size:])
			b.WriteRune(next)
			i += size + n
			continue
		case quoted && r == sp.close:
			quoted = false
		case !quoted && sp.hasQuote && r == sp.open:
			quoted = true
		case !quoted && strings.HasPrefix(s[i:], sp.delim):
			dst = append(dst, b.String())
			b.Reset()
			i += len(sp.delim)
			continue
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	if len(dst) < limit {
		dst = append(dst, b.String())
	}
	return dst
}
