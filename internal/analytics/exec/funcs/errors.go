package funcs

import (
	"errors"
	"fmt"
	"strconv"

	"sluice/internal/analytics/value"
)

// ArgError is a call that does not check at plan time: the wrong number of
// arguments, an argument of the wrong type, a constant pattern that does not
// compile. The API reports it as a CodeValidationException; Arg says which
// argument (1-based; 0 for the call as a whole).
type ArgError struct {
	Func string
	Arg  int
	Msg  string
}

func (e *ArgError) Error() string {
	if e.Arg > 0 {
		return e.Func + ": argument " + strconv.Itoa(e.Arg) + " " + e.Msg
	}
	return e.Func + " " + e.Msg
}

// Condition is a SQL condition a function raises at run time that the value
// package has no code for. Each has its SQLSTATE (SQL:2008), which names the
// error_stream row.
type Condition uint8

// The conditions.
const (
	CondInvalidRegex          Condition = iota + 1 // 2201B: a pattern that does not compile
	CondInvalidEscapeChar                          // 22019: an ESCAPE that is not one character
	CondInvalidEscapeSequence                      // 22025: an escape character followed by a character it cannot escape
	CondInvalidDatetimeFormat                      // 22007: a string that does not fit its date pattern, or a bad pattern
	CondInvalidLogArgument                         // 2201E: LN or LOG10 of zero or a negative number
	CondInvalidPowerArgument                       // 2201F: 0 to a negative power, a negative number to a fractional one
	CondSubstringError                             // 22011: a negative SUBSTRING or OVERLAY length
	CondTrimError                                  // 22027: a TRIM character that is not exactly one character
	CondNullNotAllowed                             // 22004: NULL in a log-parse column declared NOT NULL
	CondInvalidParameter                           // 22023: an argument out of its domain (REGEX_REPLACE's position, ...)
)

var conditionNames = [...]string{
	CondInvalidRegex:          "invalid regular expression",
	CondInvalidEscapeChar:     "invalid escape character",
	CondInvalidEscapeSequence: "invalid escape sequence",
	CondInvalidDatetimeFormat: "invalid datetime format",
	CondInvalidLogArgument:    "invalid argument for logarithm",
	CondInvalidPowerArgument:  "invalid argument for power function",
	CondSubstringError:        "substring error",
	CondTrimError:             "trim error",
	CondNullNotAllowed:        "null value not allowed",
	CondInvalidParameter:      "invalid parameter value",
}

var conditionStates = [...]string{
	CondInvalidRegex:          "2201B",
	CondInvalidEscapeChar:     "22019",
	CondInvalidEscapeSequence: "22025",
	CondInvalidDatetimeFormat: "22007",
	CondInvalidLogArgument:    "2201E",
	CondInvalidPowerArgument:  "2201F",
	CondSubstringError:        "22011",
	CondTrimError:             "22027",
	CondNullNotAllowed:        "22004",
	CondInvalidParameter:      "22023",
}

// String is the condition's SQL name.
func (c Condition) String() string {
	if int(c) < len(conditionNames) && conditionNames[c] != "" {
		return conditionNames[c]
	}
	return "condition " + strconv.Itoa(int(c))
}

// SQLState is the condition's SQLSTATE.
func (c Condition) SQLState() string {
	if int(c) < len(conditionStates) && conditionStates[c] != "" {
		return conditionStates[c]
	}
	return "HY000"
}

// Error is a function's failure on one row's values. Together with the
// *value.Error that conversions and arithmetic return, it is what Eval
// fails with; nothing panics on input.
type Error struct {
	Cond    Condition
	Func    string
	Message string
}

func (e *Error) Error() string {
	return e.Func + ": " + e.Cond.String() + ": " + e.Message
}

// Is matches errors of the same condition, so errors.Is(err,
// &Error{Cond: CondInvalidRegex}) holds whatever the message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Cond == e.Cond
}

func errorf(c Condition, fn, format string, args ...any) *Error {
	return &Error{Cond: c, Func: fn, Message: fmt.Sprintf(format, args...)}
}

// Describe gives the name and SQLSTATE of a run-time error from Eval or
// EvalRow, for its error_stream row: ERROR_NAME is the condition's name.
// ok is false for an error of neither kind.
func Describe(err error) (name, sqlState string, ok bool) {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Cond.String(), fe.Cond.SQLState(), true
	}
	var ve *value.Error
	if errors.As(err, &ve) {
		return ve.Code.String(), ve.Code.SQLState(), true
	}
	return "", "", false
}

// errMsg is an error's message without its function's name, for an
// ArgError that names the function already.
func errMsg(err error) string {
	if e, ok := err.(*Error); ok {
		return e.Message
	}
	return err.Error()
}

// quote shortens a value for a message, so a 512 KB string that fails to
// parse does not make a 512 KB message.
func quote(s string) string {
	const limit = 64
	if len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "..."
	}
	return "'" + s + "'"
}
