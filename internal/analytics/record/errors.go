package record

import (
	"fmt"
	"strconv"
)

// RowError is an input record, or a row of one, that did not become a row
// of the in-application stream. It carries what error_stream needs: the
// runtime adds ERROR_TIME, DATA_ROWTIME and the hex encoding of Data.
//
// AWS's guide names the conditions (a record that does not conform to the
// schema, a coercion error) but not the ERROR_NAME strings; Sluice's are the
// constants below, each within error_stream's VARCHAR(32).
type RowError struct {
	Name    string // ERROR_NAME: one of the Error* constants
	Message string // MESSAGE: what failed, with the column and value
	Data    []byte // DATA_ROW before hex encoding: the record, or its CSV row
	Column  int    // the column that failed (0-based), or -1
}

func (e *RowError) Error() string { return e.Name + ": " + e.Message }

// ErrorLevel is ERROR_LEVEL for every input error.
const ErrorLevel = "ERROR"

// ERROR_NAME values for input records.
const (
	// ErrorParse: the record is not valid JSON, not UTF-8, or a CSV quote
	// is never closed.
	ErrorParse = "RECORD_PARSE_ERROR"
	// ErrorCoercion: a value does not convert to its column's SQL type
	// (the guide's "coercion error").
	ErrorCoercion = "COERCION_ERROR"
	// ErrorSchemaMismatch: the record has nothing at the RecordRowPath.
	ErrorSchemaMismatch = "SCHEMA_MISMATCH"
	// ErrorRowTooLarge: a row is over the 512 KB AWS allows.
	ErrorRowTooLarge = "ROW_TOO_LARGE"
)

// maxErrorData bounds DATA_ROW: error_stream's DATA_ROW is VARCHAR(49152)
// of hex, so 24576 bytes of data.
const maxErrorData = 49152 / 2

func rowError(name string, data string, col int, format string, args ...any) *RowError {
	if len(data) > maxErrorData {
		data = data[:maxErrorData]
	}
	return &RowError{Name: name, Message: fmt.Sprintf(format, args...), Data: []byte(data), Column: col}
}

// shortValue quotes a value for a message, cut to a readable length.
func shortValue(s string) string {
	const limit = 64
	if len(s) > limit {
		cut := limit
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strconv.Quote(s)
}
