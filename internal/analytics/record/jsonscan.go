package record

import (
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// A hand-written JSON scanner over a string. The input parser validates a
// document once (validateJSON), then walks only the members its mappings
// name, skipping the rest with skipValue, which may then assume validity.
// Values become substrings of the document: no copies unless a string has
// escapes to decode.

// maxJSONDepth bounds nesting, so a hostile record cannot exhaust the stack.
const maxJSONDepth = 512

// jsonError is a syntax error at a byte offset.
type jsonError struct {
	off int
	msg string
}

func (e *jsonError) Error() string { return e.msg + " at offset " + strconv.Itoa(e.off) }

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(s string, i int) int {
	for i < len(s) && isJSONSpace(s[i]) {
		i++
	}
	return i
}

// validateJSON checks the JSON value starting at i and returns its end.
func validateJSON(s string, i, depth int) (int, *jsonError) {
	if depth > maxJSONDepth {
		return i, &jsonError{i, "nested more than " + strconv.Itoa(maxJSONDepth) + " levels deep"}
	}
	if i >= len(s) {
		return i, &jsonError{i, "unexpected end of data"}
	}
	switch c := s[i]; {
	case c == '{':
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == '}' {
			return i + 1, nil
		}
		for {
			if i >= len(s) || s[i] != '"' {
				return i, &jsonError{i, "expected a member name"}
			}
			var err *jsonError
			if i, err = validateString(s, i); err != nil {
				return i, err
			}
			i = skipSpace(s, i)
			if i >= len(s) || s[i] != ':' {
				return i, &jsonError{i, "expected :"}
			}
			if i, err = validateJSON(s, skipSpace(s, i+1), depth+1); err != nil {
				return i, err
			}
			i = skipSpace(s, i)
			if i < len(s) && s[i] == ',' {
				i = skipSpace(s, i+1)
				continue
			}
			if i < len(s) && s[i] == '}' {
				return i + 1, nil
			}
			return i, &jsonError{i, "expected , or }"}
		}
	case c == '[':
		i = skipSpace(s, i+1)
		if i < len(s) && s[i] == ']' {
			return i + 1, nil
		}
		for {
			var err *jsonError
			if i, err = validateJSON(s, i, depth+1); err != nil {
				return i, err
			}
			i = skipSpace(s, i)
			if i < len(s) && s[i] == ',' {
				i = skipSpace(s, i+1)
				continue
			}
			if i < len(s) && s[i] == ']' {
				return i + 1, nil
			}
			return i, &jsonError{i, "expected , or ]"}
		}
	case c == '"':
		return validateString(s, i)
	case c == '-' || c >= '0' && c <= '9':
		return validateNumber(s, i)
	case strings.HasPrefix(s[i:], "true"):
		return i + 4, nil
	case strings.HasPrefix(s[i:], "false"):
		return i + 5, nil
	case strings.HasPrefix(s[i:], "null"):
		return i + 4, nil
	}
	return i, &jsonError{i, "unexpected " + strconv.QuoteRune(rune(s[i]))}
}

// validateString checks the string at s[i] == '"': escapes, no control
// characters, valid UTF-8.
func validateString(s string, i int) (int, *jsonError) {
	i++
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\':
			if i+1 >= len(s) {
				return i, &jsonError{i, "unterminated escape"}
			}
			switch s[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(s) || !isHex4(s[i+2:i+6]) {
					return i, &jsonError{i, `invalid \u escape`}
				}
				i += 6
			default:
				return i, &jsonError{i, "invalid escape"}
			}
		case c < 0x20:
			return i, &jsonError{i, "control character in a string"}
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				return i, &jsonError{i, "invalid UTF-8"}
			}
			i += n
		}
	}
	return i, &jsonError{i, "unterminated string"}
}

func isHex4(s string) bool {
	for i := 0; i < 4; i++ {
		if _, ok := hexNibble(s[i]); !ok {
			return false
		}
	}
	return true
}

func hexNibble(c byte) (rune, bool) {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0'), true
	case c >= 'a' && c <= 'f':
		return rune(c - 'a' + 10), true
	case c >= 'A' && c <= 'F':
		return rune(c - 'A' + 10), true
	}
	return 0, false
}

func validateNumber(s string, i int) (int, *jsonError) {
	start := i
	if s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return i, &jsonError{start, "invalid number"}
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return i, &jsonError{start, "invalid number"}
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return i, &jsonError{start, "invalid number"}
		}
	}
	return i, nil
}

// skipValue returns the end of the (valid) value at i.
func skipValue(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch s[i] {
	case '"':
		return skipString(s, i)
	case '{', '[':
		depth := 0
		for i < len(s) {
			switch s[i] {
			case '"':
				i = skipString(s, i)
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return i
	}
	for i < len(s) {
		switch s[i] {
		case ',', '}', ']', ' ', '\t', '\n', '\r':
			return i
		}
		i++
	}
	return i
}

// skipString returns the end of the (valid) string at i.
func skipString(s string, i int) int {
	i++
	for i < len(s) {
		switch s[i] {
		case '"':
			return i + 1
		case '\\':
			i += 2
			continue
		}
		i++
	}
	return i
}

// stringContent is the decoded text of the (valid) JSON string s[i:end]:
// a substring when it has no escapes.
func stringContent(s string, i, end int) string {
	body := s[i+1 : end-1]
	if strings.IndexByte(body, '\\') < 0 {
		return body
	}
	var b strings.Builder
	b.Grow(len(body))
	for j := 0; j < len(body); j++ {
		c := body[j]
		if c != '\\' || j+1 >= len(body) {
			b.WriteByte(c)
			continue
		}
		j++
		switch body[j] {
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if j+5 > len(body) {
				b.WriteRune(utf8.RuneError)
				continue
			}
			r := hex4(body[j+1 : j+5])
			j += 4
			if utf16.IsSurrogate(r) {
				if j+7 <= len(body) && body[j+1] == '\\' && body[j+2] == 'u' {
					if r2 := hex4(body[j+3 : j+7]); utf16.DecodeRune(r, r2) != utf8.RuneError {
						r = utf16.DecodeRune(r, r2)
						j += 6
					} else {
						r = utf8.RuneError
					}
				} else {
					r = utf8.RuneError
				}
			}
			b.WriteRune(r)
		default: // " \ /
			b.WriteByte(body[j])
		}
	}
	return b.String()
}

func hex4(s string) rune {
	var r rune
	for i := 0; i < 4 && i < len(s); i++ {
		n, _ := hexNibble(s[i])
		r = r<<4 | n
	}
	return r
}

// compactJSON is the (valid) JSON text s without the whitespace between
// tokens: what a VARCHAR column mapped to an object or array holds, as AWS
// shows ([{"orderId":"23284",...}]).
func compactJSON(s string) string {
	hasSpace := false
	for i := 0; i < len(s); i++ {
		if isJSONSpace(s[i]) {
			hasSpace = true
			break
		}
	}
	if !hasSpace {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			end := skipString(s, i)
			b = append(b, s[i:end]...)
			i = end
		case isJSONSpace(c):
			i++
		default:
			b = append(b, c)
			i++
		}
	}
	return string(b)
}
