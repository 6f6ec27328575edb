package awsjson

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// Appenders for hand-written encoders of hot responses (GetRecords,
// PutRecords). They write what Encode writes for the same values: strings
// escaped as encoding/json does with HTML escaping off, blobs as standard
// base64, timestamps as epoch seconds with up to three decimals.

// AppendString appends s as a JSON string.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
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
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigit[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

const hexDigit = "0123456789abcdef"

// AppendBlob appends b as a base64 JSON string.
func AppendBlob(dst, b []byte) []byte {
	dst = append(dst, '"')
	dst = Base64.AppendEncode(dst, b)
	return append(dst, '"')
}

// AppendTimestamp appends t as epoch seconds with up to three decimals.
func AppendTimestamp(dst []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if ms < 0 {
		dst = append(dst, '-')
		ms = -ms
	}
	sec, frac := ms/1000, ms%1000
	dst = strconv.AppendInt(dst, sec, 10)
	if frac != 0 {
		dst = append(dst, '.', byte('0'+frac/100))
		if frac%100 != 0 {
			dst = append(dst, byte('0'+frac/10%10))
			if frac%10 != 0 {
				dst = append(dst, byte('0'+frac%10))
			}
		}
	}
	return dst
}

// Appender is implemented by responses that write their own JSON.
type Appender interface {
	AppendJSON(dst []byte) []byte
}
