package funcs

// The log-parsing functions return a ROW: REGEX_LOG_PARSE,
// FAST_REGEX_LOG_PARSER, FIXED_COLUMN_LOG_PARSE, VARIABLE_COLUMN_LOG_PARSE,
// W3C_LOG_PARSE and SYS_LOG_PARSE. Their fields (COLUMN1 … COLUMNn, or the
// names a column description gives) depend on a constant argument, so they
// are known once the call is bound: Call.Row. A query reads a field as
// t.r.COLUMN1 or expands them all; the executor calls EvalRow once per input
// row and picks the fields it needs. A line the parser cannot match gives a
// NULL row (every field NULL); a field that does not convert to its column's
// type is an error, which drops the row to error_stream.

import (
	"fmt"
	"strconv"
	"strings"

	"sluice/internal/analytics/value"
)

func logParseFuncs() []*Func {
	return []*Func{
		{Name: "REGEX_LOG_PARSE", MinArgs: 2, MaxArgs: 3, Deterministic: true, bind: bindRegexLogParse},
		{Name: "FAST_REGEX_LOG_PARSER", MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindFastRegexLogParse},
		{Name: "FAST_REGEX_LOG_PARSE", MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindFastRegexLogParse},
		{Name: "FIXED_COLUMN_LOG_PARSE", MinArgs: 2, MaxArgs: 2, Deterministic: true, UsesEnv: true, bind: bindFixedColumnLogParse},
		{Name: "VARIABLE_COLUMN_LOG_PARSE", MinArgs: 3, MaxArgs: 5, Deterministic: true, UsesEnv: true, bind: bindVariableColumnLogParse},
		{Name: "W3C_LOG_PARSE", MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindW3CLogParse},
		{Name: "SYS_LOG_PARSE", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindSysLogParse},
	}
}

// logColumnType is the type of a log parser's generated columns, as KDA
// documents for REGEX_LOG_PARSE and FAST_REGEX_LOG_PARSER.
var logColumnType = value.Varchar(1024)

// numbered is COLUMN1 … COLUMNn of type t.
func numbered(n int, t value.Type) []Field {
	fs := make([]Field, n)
	for i := range fs {
		fs[i] = Field{Name: "COLUMN" + strconv.Itoa(i+1), Type: t}
	}
	return fs
}

// rowCall builds a row-valued Call: parse appends len(fields) values for a
// non-NULL input, or reports no match (a NULL row).
func rowCall(fields []Field, parse func(dst []value.Value, a []value.Value) ([]value.Value, bool, error)) *Call {
	n := len(fields)
	return &Call{Row: fields, evalRow: func(dst, a []value.Value) ([]value.Value, error) {
		if !a[0].IsNull() {
			start := len(dst)
			out, ok, err := parse(dst, a)
			if err != nil {
				return dst[:start], err
			}
			if ok {
				return out, nil
			}
			dst = out[:start]
		}
		for range n {
			dst = append(dst, value.Value{})
		}
		return dst, nil
	}}
}

// column is a column of a log parser's column description.
type column struct {
	Field
	notNull bool
	format  *DateFormat // for DATE, TIME, TIMESTAMP
	start   int         // FIXED_COLUMN_LOG_PARSE: the first character, from 0
	length  int         // its length; -1 for the rest of the line
}

// convert turns a parsed field's text into the column's type: strings are
// cut to the column's length, datetimes read with the column's pattern (or
// as SQL literals), other types as CAST reads them. An empty field of a
// non-string type is NULL.
func (c *column) convert(fn, text string, century int64) (value.Value, error) {
	k := c.Type.Kind
	var v value.Value
	var err error
	switch {
	case k.IsString():
		v, err = value.Cast(value.NewVarchar(text), c.Type)
	case strings.TrimSpace(text) == "":
	case c.format != nil:
		var ms int64
		if ms, err = c.format.Parse(text, century); err == nil {
			v = datetimeOf(k, ms)
		}
	default:
		v, err = value.Cast(value.NewVarchar(text), c.Type)
	}
	if err != nil {
		if e, ok := err.(*Error); ok {
			e.Func = fn
		}
		return value.Value{}, err
	}
	if v.IsNull() && c.notNull {
		return value.Value{}, errorf(CondNullNotAllowed, fn, "column %s is NOT NULL but the field %s is empty", c.Name, quote(text))
	}
	return v, nil
}

// parseColumns reads a column description string:
//
//	<column> [, <column>]...
//	<column> := <name> [TYPE] <data type> [NOT NULL] ['<date pattern>'] [START <n> [FOR <m>]]
//
// A bare name folds to upper case, a "quoted" one keeps its case; a type
// may be omitted only when optionalType (REGEX_LOG_PARSE), and is then
// VARCHAR(1024). START/FOR are FIXED_COLUMN_LOG_PARSE's (positioned).
func parseColumns(spec string, optionalType, positioned bool) ([]column, error) {
	toks, err := tokenizeSpec(spec)
	if err != nil {
		return nil, err
	}
	var cols []column
	p := specParser{toks: toks}
	for {
		c, err := p.column(optionalType, positioned)
		if err != nil {
			return nil, err
		}
		for _, prev := range cols {
			if prev.Name == c.Name {
				return nil, specError("the column %s is named twice", c.Name)
			}
		}
		cols = append(cols, c)
		if p.done() {
			return cols, nil
		}
		if !p.sym(",") {
			return nil, specError("expected , or the end after column %s, found %s", c.Name, p.peek().text)
		}
	}
}

type specErr string

func (e specErr) Error() string { return string(e) }

func specError(format string, a ...any) error { return specErr(fmt.Sprintf(format, a...)) }

type specToken struct {
	kind byte // 'w' word, 'q' quoted identifier, 's' string, 'n' number, 'p' punctuation
	text string
}

func tokenizeSpec(s string) ([]specToken, error) {
	var toks []specToken
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, specError("unclosed %c", c)
				}
				if s[j] == c {
					if j+1 < len(s) && s[j+1] == c {
						b.WriteByte(c)
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			kind := byte('q')
			if c == '\'' {
				kind = 's'
			}
			toks = append(toks, specToken{kind, b.String()})
			i = j + 1
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, specToken{'n', s[i:j]})
			i = j
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= 0x80:
			j := i
			for j < len(s) && (s[j] == '_' || s[j] == '$' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= '0' && s[j] <= '9' || s[j] >= 0x80) {
				j++
			}
			toks = append(toks, specToken{'w', s[i:j]})
			i = j
		case c == ',' || c == '(' || c == ')':
			toks = append(toks, specToken{'p', s[i : i+1]})
			i++
		default:
			return nil, specError("unexpected %q", c)
		}
	}
	return toks, nil
}

type specParser struct {
	toks []specToken
	i    int
}

func (p *specParser) done() bool { return p.i >= len(p.toks) }

func (p *specParser) peek() specToken {
	if p.done() {
		return specToken{text: "the end"}
	}
	return p.toks[p.i]
}

func (p *specParser) sym(s string) bool {
	if !p.done() && p.toks[p.i].kind == 'p' && p.toks[p.i].text == s {
		p.i++
		return true
	}
	return false
}

func (p *specParser) word(w string) bool {
	if !p.done() && p.toks[p.i].kind == 'w' && strings.EqualFold(p.toks[p.i].text, w) {
		p.i++
		return true
	}
	return false
}

func (p *specParser) number() (int, bool) {
	if p.done() || p.toks[p.i].kind != 'n' {
		return 0, false
	}
	n, err := strconv.Atoi(p.toks[p.i].text)
	if err != nil || n > value.MaxStringLength*16 {
		return 0, false
	}
	p.i++
	return n, true
}

func (p *specParser) column(optionalType, positioned bool) (column, error) {
	var c column
	c.length = -1
	switch t := p.peek(); t.kind {
	case 'w':
		c.Name = strings.ToUpper(t.text)
	case 'q':
		if t.text == "" {
			return c, specError("an empty column name")
		}
		c.Name = t.text
	default:
		return c, specError("expected a column name, found %s", t.text)
	}
	p.i++
	p.word("TYPE")
	// The type runs to a keyword, a pattern string, or a comma outside
	// parentheses.
	var typ []string
	depth := 0
	for !p.done() {
		t := p.toks[p.i]
		if depth == 0 && (t.kind == 's' || t.kind == 'p' && t.text == "," ||
			t.kind == 'w' && (strings.EqualFold(t.text, "NOT") || strings.EqualFold(t.text, "START"))) {
			break
		}
		switch t.text {
		case "(":
			depth++
		case ")":
			depth--
		}
		typ = append(typ, t.text)
		p.i++
	}
	if len(typ) == 0 {
		if !optionalType {
			return c, specError("column %s has no type", c.Name)
		}
		c.Type = logColumnType
	} else {
		t, err := value.ParseType(strings.Join(typ, " "))
		if err != nil {
			return c, specError("column %s: %v", c.Name, err)
		}
		if !t.IsColumnType() {
			return c, specError("column %s cannot be of type %s", c.Name, t)
		}
		c.Type = t
	}
	if p.word("NOT") {
		if !p.word("NULL") {
			return c, specError("column %s: NOT must be followed by NULL", c.Name)
		}
		c.notNull = true
	}
	if !p.done() && p.toks[p.i].kind == 's' {
		if !c.Type.Kind.IsDatetime() {
			return c, specError("column %s: only DATE, TIME and TIMESTAMP columns take a date pattern", c.Name)
		}
		f, err := CompileDateFormat(p.toks[p.i].text)
		if err != nil {
			return c, specError("column %s: %v", c.Name, err)
		}
		c.format = f
		p.i++
	}
	if positioned {
		if !p.word("START") {
			return c, specError("column %s needs START <position>", c.Name)
		}
		var ok bool
		if c.start, ok = p.number(); !ok {
			return c, specError("column %s: START needs a number", c.Name)
		}
		if p.word("FOR") {
			if c.length, ok = p.number(); !ok {
				return c, specError("column %s: FOR needs a number", c.Name)
			}
		}
	}
	return c, nil
}

func fieldsOfColumns(cols []column) []Field {
	fs := make([]Field, len(cols))
	for i, c := range cols {
		fs[i] = c.Field
	}
	return fs
}
