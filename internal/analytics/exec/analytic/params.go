package analytic

import (
	"fmt"
	"math"
	"strings"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// paramKind is what a function's argument must be.
type paramKind uint8

const (
	paramInt    paramKind = iota + 1 // an integral number within [min, max]
	paramNumber                      // a finite number above min (exclusive)
	paramBool                        // TRUE or FALSE
	paramColumn                      // a column name in single quotes
)

// param describes one argument after the cursor, as AWS's reference gives
// it: its name, kind, range and, for an optional one, its default (NULL or
// an omitted argument means the default).
type param struct {
	name     string
	kind     paramKind
	min, max float64
	optional bool
	def      value.Value
}

// signature is a function's arguments after its CURSOR.
type signature struct {
	name   string
	usage  string // the call as the reference writes it, for messages
	params []param
}

// bound is a call's arguments, checked, with defaults filled in: integers
// as BIGINT, numbers as DOUBLE, booleans, column names as VARCHAR.
type bound []value.Value

func (b bound) int(i int) int64     { return b[i].Int64() }
func (b bound) num(i int) float64   { return b[i].Float64() }
func (b bound) flag(i int) bool     { return b[i].Bool() }
func (b bound) column(i int) string { return b[i].Str() }

// bind checks a call's arguments after its cursor against the signature.
// known[i] false (known may be nil: all known) marks an argument that is
// not a constant the caller could evaluate: it is counted but not checked,
// and its value is NULL, which the checks between arguments skip.
// Positions in an *exec.ArgError count the cursor as argument 1.
func (s *signature) bind(args []value.Value, known []bool) (bound, error) {
	if len(args) > len(s.params) {
		return nil, &exec.ArgError{Arg: len(s.params) + 2,
			Msg: fmt.Sprintf("takes at most %d arguments after its CURSOR: %s", len(s.params), s.usage)}
	}
	out := make(bound, len(s.params))
	for i, p := range s.params {
		if i >= len(args) {
			if !p.optional {
				return nil, &exec.ArgError{Msg: fmt.Sprintf("needs its %s argument: %s", p.name, s.usage)}
			}
			out[i] = p.def
			continue
		}
		if known != nil && !known[i] {
			out[i] = value.Null()
			continue
		}
		v, msg := p.check(args[i])
		if msg != "" {
			return nil, &exec.ArgError{Arg: i + 2, Msg: msg}
		}
		out[i] = v
	}
	return out, nil
}

// check converts one argument, or says what is wrong with it.
func (p *param) check(v value.Value) (value.Value, string) {
	if v.IsNull() {
		if p.optional {
			return p.def, ""
		}
		return value.Value{}, fmt.Sprintf("%s cannot be NULL; %s", p.name, p.want())
	}
	k := v.Kind()
	switch p.kind {
	case paramInt:
		f := v.Float64()
		if !k.IsNumeric() || f != math.Trunc(f) || f < p.min || f > p.max {
			return value.Value{}, fmt.Sprintf("%s is %s; %s", p.name, shown(v), p.want())
		}
		return value.NewBigInt(int64(f)), ""
	case paramNumber:
		f := v.Float64()
		if !k.IsNumeric() || math.IsNaN(f) || math.IsInf(f, 0) || f <= p.min {
			return value.Value{}, fmt.Sprintf("%s is %s; %s", p.name, shown(v), p.want())
		}
		return value.NewDouble(f), ""
	case paramBool:
		if k != value.KindBoolean {
			return value.Value{}, fmt.Sprintf("%s is %s; %s", p.name, shown(v), p.want())
		}
		return v, ""
	case paramColumn:
		if !k.IsString() {
			return value.Value{}, fmt.Sprintf("%s is %s; %s", p.name, shown(v), p.want())
		}
		return value.NewVarchar(v.Str()), ""
	}
	return value.Value{}, p.name + " is not an argument this function takes"
}

// want says what the parameter takes.
func (p *param) want() string {
	var s string
	switch p.kind {
	case paramInt:
		s = fmt.Sprintf("it must be an integer from %s to %s", groupDigits(p.min), groupDigits(p.max))
	case paramNumber:
		s = fmt.Sprintf("it must be a number greater than %s", groupDigits(p.min))
	case paramBool:
		s = "it must be TRUE or FALSE"
	case paramColumn:
		s = "it must be the name of a column of the cursor, in single quotes, as 'TICKER_SYMBOL'"
	}
	if p.optional {
		s += fmt.Sprintf(" (NULL for the default, %s)", p.def)
	}
	return s
}

// shown prints an argument in a message: strings quoted.
func shown(v value.Value) string {
	if v.Kind().IsString() {
		return "'" + v.Str() + "'"
	}
	return v.String()
}

// groupDigits prints a whole bound with thousands separators, as the
// reference writes them (100,000; 2,147,483,647).
func groupDigits(f float64) string {
	if f != math.Trunc(f) || math.Abs(f) >= 1e18 {
		return fmt.Sprint(f)
	}
	s := fmt.Sprint(int64(math.Abs(f)))
	var b strings.Builder
	if f < 0 {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// findColumn resolves a column name argument against the cursor's
// columns: the exact name, or else the one column whose name matches
// ignoring case (so 'ticker_symbol' finds TICKER_SYMBOL).
func findColumn(cols []exec.Column, name string) (int, bool) {
	for i, c := range cols {
		if c.Name == name {
			return i, true
		}
	}
	found := -1
	for i, c := range cols {
		if strings.EqualFold(c.Name, name) {
			if found >= 0 {
				return -1, false
			}
			found = i
		}
	}
	return found, found >= 0
}

// columnNames lists the cursor's columns for a message.
func columnNames(cols []exec.Column) string {
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = c.Name
	}
	return strings.Join(names, ", ")
}

// numericKinds are the column types the machine learning functions read,
// as the reference lists them: DOUBLE, INTEGER, FLOAT (DOUBLE here),
// TINYINT, SMALLINT, REAL and BIGINT. DECIMAL is not among them.
func numericKind(k value.Kind) bool {
	return k.IsInteger() || k.IsApproximate()
}

// numericColumns returns the positions of the cursor's numeric columns.
func numericColumns(cols []exec.Column) []int {
	var out []int
	for i, c := range cols {
		if numericKind(c.Type.Kind) {
			out = append(out, i)
		}
	}
	return out
}

// maxNumericColumns is the most numeric columns the machine learning
// functions take ("your input stream can have up to 30 numeric columns").
const maxNumericColumns = 30

// numericInput checks the cursor of HOTSPOTS or RANDOM_CUT_FOREST and
// returns its numeric columns.
func numericInput(cols []exec.Column) ([]int, error) {
	num := numericColumns(cols)
	if len(num) == 0 {
		msg := "needs a numeric column in its CURSOR (DOUBLE, REAL, INTEGER, BIGINT, SMALLINT or TINYINT); it has " + columnNames(cols)
		for _, c := range cols {
			if c.Type.Kind == value.KindDecimal {
				msg += " (DECIMAL is not supported: CAST it to DOUBLE)"
				break
			}
		}
		return nil, &exec.ArgError{Arg: 1, Msg: msg}
	}
	if len(num) > maxNumericColumns {
		return nil, &exec.ArgError{Arg: 1, Msg: fmt.Sprintf("takes at most %d numeric columns; its CURSOR has %d", maxNumericColumns, len(num))}
	}
	return num, nil
}

// readPoint reads a row's numeric columns into dst; false when one is NULL
// or not finite, so the row is no point in space.
func readPoint(dst []float64, vals []value.Value, cols []int) bool {
	for i, c := range cols {
		if c >= len(vals) {
			return false
		}
		v := vals[c]
		if v.IsNull() || !v.Kind().IsNumeric() {
			return false
		}
		f := v.Float64()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return false
		}
		dst[i] = f
	}
	return true
}

// passThrough returns the cursor's columns followed by extra ones: the
// output of HOTSPOTS and RANDOM_CUT_FOREST.
func passThrough(in []exec.Column, extra ...exec.Column) []exec.Column {
	out := make([]exec.Column, 0, len(in)+len(extra))
	out = append(out, in...)
	return append(out, extra...)
}
