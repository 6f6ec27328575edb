package exec

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"sluice/internal/analytics/exec/funcs"
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// errAt is a code validation error at p, worded as the validator words its
// own ("At line 3, column 14: ..."), so the API answers it as a
// CodeValidationException like any other.
func errAt(p sql.Pos, format string, args ...any) *sql.Error {
	msg := fmt.Sprintf(format, args...)
	return &sql.Error{Line: p.Line, Column: p.Column, Offset: p.Offset, Msg: "At " + p.String() + ": " + msg}
}

// The ERROR_NAME values the executor writes to error_stream. Names are
// upper case with underscores, as the record package names input errors
// (RECORD_PARSE_ERROR, COERCION_ERROR), and fit error_stream's VARCHAR(32).
const (
	errNameOutOfOrder = "OUT_OF_ORDER_ROW"
	errNameNotNull    = "NULL_VALUE_NOT_ALLOWED"
	errNameEval       = "EVALUATION_ERROR"
	errNameTableFunc  = "TABLE_FUNCTION_ERROR"
)

// errorLevel is ERROR_LEVEL: every row the executor writes is an error
// that dropped a row (or a window's result); nothing is only a warning.
const errorLevel = "ERROR"

// Limits of error_stream's columns, from its schema.
const (
	maxErrorMessage = 4096
	maxDataRow      = 49152
	maxErrorName    = 32
	maxPumpName     = 128
)

// ErrorRecord is an error the runtime reports for error_stream, such as an
// input record that does not parse: Program.ReportError puts it among the
// other error rows, in time order.
type ErrorRecord struct {
	// Time is DATA_ROWTIME: the record's ROWTIME (its arrival).
	Time int64
	// Name is ERROR_NAME, e.g. RECORD_PARSE_ERROR or COERCION_ERROR.
	Name string
	// Message is MESSAGE.
	Message string
	// Data is the record's bytes; DATA_ROW is their hexadecimal.
	Data []byte
	// Stream is the source in-application stream the record was for; it is
	// written as PUMP_NAME, as no pump was involved yet.
	Stream string
}

// describeError gives a run-time error's ERROR_NAME and MESSAGE. Errors of
// conversions and arithmetic (package value) and of functions carry a SQL
// condition; the name is the condition's, and the message says its
// SQLSTATE.
func describeError(err error) (name, msg string) {
	var ve *value.Error
	if errors.As(err, &ve) {
		return conditionName(ve.Code.String()), "SQLSTATE " + ve.Code.SQLState() + ": " + err.Error()
	}
	var fe *funcs.Error
	if errors.As(err, &fe) {
		return conditionName(fe.Cond.String()), "SQLSTATE " + fe.Cond.SQLState() + ": " + err.Error()
	}
	if c, ok := err.(sqlCondition); ok {
		return conditionName(c.ConditionName()), "SQLSTATE " + c.SQLState() + ": " + err.Error()
	}
	return errNameEval, err.Error()
}

// sqlCondition is an error that names its SQL condition (a function's
// failure, or the executor's own).
type sqlCondition interface {
	error
	ConditionName() string
	SQLState() string
}

// condError is a run-time condition raised by the executor itself.
type condError struct {
	name, state, msg string
}

func (e *condError) Error() string         { return e.msg }
func (e *condError) ConditionName() string { return e.name }
func (e *condError) SQLState() string      { return e.state }

// conditionName turns a condition's SQL name ("division by zero") into an
// ERROR_NAME (DIVISION_BY_ZERO).
func conditionName(s string) string {
	s = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), " ", "_"))
	if len(s) > maxErrorName {
		s = s[:maxErrorName]
	}
	return s
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// dataRow renders a row for DATA_ROW: a JSON object of its columns (values
// as the JSON output writes them), hex-encoded as the guide describes, cut
// to the column's 49152 characters.
func dataRow(names []string, vals []value.Value) string {
	var b []byte
	b = append(b, '{')
	n := len(vals)
	if len(names) < n {
		n = len(names)
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, names[i])
		b = append(b, ':')
		b = appendJSONValue(b, vals[i])
		if len(b)*2 > maxDataRow {
			break
		}
	}
	b = append(b, '}')
	return truncate(hex.EncodeToString(b), maxDataRow)
}

// appendJSONValue appends v as a JSON value: numbers and booleans bare,
// everything else as a string of its text.
func appendJSONValue(b []byte, v value.Value) []byte {
	switch k := v.Kind(); {
	case k == value.KindNull:
		return append(b, "null"...)
	case k == value.KindBoolean:
		return strconv.AppendBool(b, v.Bool())
	case k.IsNumeric():
		return v.AppendText(b)
	default:
		return appendJSONString(b, v.String())
	}
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hexDigits = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}
