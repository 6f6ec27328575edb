package value

import "fmt"

// Code is the SQL condition an [Error] reports.
type Code uint8

// The conditions, each with its SQLSTATE (SQL:2008, as SQLstream reports
// them). The executor names error_stream rows after them.
const (
	CodeInvalidType           Code = iota + 1 // a type name ParseType does not know, or out of AWS's limits
	CodeCastNotSupported                      // 42846: CAST between kinds SQL does not convert
	CodeInvalidCharacterValue                 // 22018: a string that is not a value of the target type
	CodeNumericOverflow                       // 22003: out of the target type's range or precision
	CodeStringTruncation                      // 22001: a non-string value too long for CHAR(n)/VARCHAR(n)
	CodeDivisionByZero                        // 22012
	CodeDatetimeOverflow                      // 22008: a datetime out of range, or an invalid field
	CodeIntervalOverflow                      // 22015: an interval field beyond its precision
	CodeInvalidArgument                       // 22023: an operation given kinds it does not take
)

var codeNames = map[Code]string{
	CodeInvalidType:           "invalid type",
	CodeCastNotSupported:      "cannot cast",
	CodeInvalidCharacterValue: "invalid character value for cast",
	CodeNumericOverflow:       "numeric value out of range",
	CodeStringTruncation:      "string data, right truncation",
	CodeDivisionByZero:        "division by zero",
	CodeDatetimeOverflow:      "datetime field overflow",
	CodeIntervalOverflow:      "interval field overflow",
	CodeInvalidArgument:       "invalid argument",
}

var sqlStates = map[Code]string{
	CodeInvalidType:           "42000",
	CodeCastNotSupported:      "42846",
	CodeInvalidCharacterValue: "22018",
	CodeNumericOverflow:       "22003",
	CodeStringTruncation:      "22001",
	CodeDivisionByZero:        "22012",
	CodeDatetimeOverflow:      "22008",
	CodeIntervalOverflow:      "22015",
	CodeInvalidArgument:       "22023",
}

// String is the condition's SQL name, e.g. "division by zero".
func (c Code) String() string {
	if s, ok := codeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("code %d", uint8(c))
}

// SQLState is the condition's five-character SQLSTATE.
func (c Code) SQLState() string {
	if s, ok := sqlStates[c]; ok {
		return s
	}
	return "HY000"
}

// Error is a failed conversion, comparison or arithmetic. errors.Is matches
// it against the sentinels below by code.
type Error struct {
	Code    Code
	Message string // what failed, e.g. "'abc' is not a valid INTEGER"
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code.String()
	}
	return e.Code.String() + ": " + e.Message
}

// Is matches errors of the same code, so errors.Is(err, ErrDivisionByZero)
// holds for every division by zero whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// Sentinels for errors.Is.
var (
	ErrInvalidType           = &Error{Code: CodeInvalidType}
	ErrCastNotSupported      = &Error{Code: CodeCastNotSupported}
	ErrInvalidCharacterValue = &Error{Code: CodeInvalidCharacterValue}
	ErrNumericOverflow       = &Error{Code: CodeNumericOverflow}
	ErrStringTruncation      = &Error{Code: CodeStringTruncation}
	ErrDivisionByZero        = &Error{Code: CodeDivisionByZero}
	ErrDatetimeOverflow      = &Error{Code: CodeDatetimeOverflow}
	ErrIntervalOverflow      = &Error{Code: CodeIntervalOverflow}
	ErrInvalidArgument       = &Error{Code: CodeInvalidArgument}
)

func errorf(c Code, format string, args ...any) *Error {
	return &Error{Code: c, Message: fmt.Sprintf(format, args...)}
}

// quoteForMessage shortens a long input for an error message, so a 512 KB
// string that fails to convert does not make a 512 KB message.
func quoteForMessage(s string) string {
	const limit = 64
	if len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 { // do not split a UTF-8 sequence
			cut--
		}
		s = s[:cut] + "..."
	}
	return "'" + s + "'"
}
