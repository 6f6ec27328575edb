package record

import (
	"encoding/base64"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

// Formatter writes rows of an in-application stream as output records, in
// a DestinationSchema's RecordFormatType:
//
//   - JSON: one object per row, the columns in order under their names as
//     the stream declares them ({"TICKER_SYMBOL":"QXZ","PRICE":84.51}), no
//     newline after it. Numbers are JSON numbers (DOUBLE and REAL in Java's
//     text, 1.0E7 included, which JSON allows), BOOLEAN true/false, NULL
//     null, datetimes and intervals strings in KDA's text ("2026-12-03
//     17:01:02.123"), BINARY base64 strings (AWS's table of types).
//   - CSV: the values in column order separated by commas, ended by "\n";
//     NULL is an empty field; a field with a comma, a quote or a line break
//     is quoted with "" for a quote; BOOLEAN is true/false.
//
// A Formatter has no state between rows and is safe for concurrent use.
type Formatter struct {
	cols   []Column
	csv    bool
	prefix []string // JSON: `{"NAME":` then `,"NAME":` …
}

// NewFormatter makes a formatter for rows of cols in format JSON or CSV
// (case-insensitive).
func NewFormatter(format string, cols []Column) (*Formatter, error) {
	f := &Formatter{cols: cols}
	switch strings.ToUpper(format) {
	case FormatJSON:
		f.prefix = make([]string, len(cols))
		for i, c := range cols {
			sep := ","
			if i == 0 {
				sep = "{"
			}
			f.prefix[i] = sep + string(appendJSONString(nil, c.Name)) + ":"
		}
	case FormatCSV:
		f.csv = true
	default:
		return nil, fmt.Errorf("record format %q is neither JSON nor CSV", format)
	}
	return f, nil
}

// Columns are the columns the formatter writes.
func (f *Formatter) Columns() []Column { return f.cols }

// AppendRecord appends the record of one row (len(Columns()) values).
func (f *Formatter) AppendRecord(dst []byte, row []value.Value) []byte {
	if f.csv {
		for i := range f.cols {
			if i > 0 {
				dst = append(dst, ',')
			}
			if i < len(row) {
				dst = appendCSVField(dst, row[i])
			}
		}
		return append(dst, '\n')
	}
	if len(f.cols) == 0 {
		return append(dst, "{}"...)
	}
	for i := range f.cols {
		dst = append(dst, f.prefix[i]...)
		if i >= len(row) {
			dst = append(dst, "null"...)
			continue
		}
		dst = appendJSONValue(dst, row[i])
	}
	return append(dst, '}')
}

// appendJSONValue writes one value as JSON.
func appendJSONValue(dst []byte, v value.Value) []byte {
	switch k := v.Kind(); {
	case k == value.KindNull:
		return append(dst, "null"...)
	case k == value.KindBoolean:
		if v.Bool() {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case k.IsApproximate():
		if f := v.Float64(); math.IsNaN(f) || math.IsInf(f, 0) {
			return append(dst, "null"...) // JSON has no NaN or Infinity
		}
		return v.AppendText(dst)
	case k.IsNumeric():
		return v.AppendText(dst)
	case k.IsString():
		return appendJSONString(dst, v.Str())
	case k.IsBinary():
		dst = append(dst, '"')
		dst = base64.StdEncoding.AppendEncode(dst, []byte(v.Str()))
		return append(dst, '"')
	}
	// Datetimes and intervals: their text, which needs no escaping.
	dst = append(dst, '"')
	dst = v.AppendText(dst)
	return append(dst, '"')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string, escaping quotes, backslashes
// and control characters; invalid UTF-8 becomes U+FFFD.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, s[start:i]...)
				dst = append(dst, "\ufffd"...)
				i++
				start = i
				continue
			}
			i += n
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		i++
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendCSVField writes one value as a CSV field.
func appendCSVField(dst []byte, v value.Value) []byte {
	switch k := v.Kind(); {
	case k == value.KindNull:
		return dst
	case k == value.KindBoolean:
		if v.Bool() {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case k.IsString():
		s := v.Str()
		if !strings.ContainsAny(s, ",\"\r\n") {
			return append(dst, s...)
		}
		dst = append(dst, '"')
		for i := 0; i < len(s); i++ {
			if s[i] == '"' {
				dst = append(dst, '"')
			}
			dst = append(dst, s[i])
		}
		return append(dst, '"')
	}
	return v.AppendText(dst)
}
