package awsjson

import (
	"bytes"
	"unicode/utf8"
)

// Scanner reads a strict, common subset of JSON for the hot operations'
// fast decoders (PutRecord, PutRecords). It never decides an error: when it
// meets anything outside its subset (an escape sequence, a number format it
// does not take, invalid UTF-8, a malformed document) it reports !ok and the
// caller falls back to the generic decoder, which gives AWS's exact error.
type Scanner struct {
	b   []byte
	pos int
	ok  bool
}

// NewScanner returns a Scanner over b.
func NewScanner(b []byte) *Scanner { return &Scanner{b: b, ok: true} }

// OK reports whether everything so far was inside the subset.
func (s *Scanner) OK() bool { return s.ok }

// Fail marks the document as outside the subset.
func (s *Scanner) Fail() { s.ok = false }

func (s *Scanner) ws() {
	for s.pos < len(s.b) {
		switch s.b[s.pos] {
		case ' ', '\t', '\n', '\r':
			s.pos++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, or 0 at the end.
func (s *Scanner) peek() byte {
	s.ws()
	if s.pos >= len(s.b) {
		return 0
	}
	return s.b[s.pos]
}

func (s *Scanner) expect(c byte) bool {
	if !s.ok || s.peek() != c {
		s.ok = false
		return false
	}
	s.pos++
	return true
}

// Object iterates over an object's members: each calls member(key), which
// must consume the value. Keys are returned without copying; they are only
// valid during the call.
func (s *Scanner) Object(member func(key []byte)) {
	if !s.expect('{') {
		return
	}
	if s.peek() == '}' {
		s.pos++
		return
	}
	for s.ok {
		key := s.RawString()
		if !s.expect(':') {
			return
		}
		member(key)
		if !s.ok {
			return
		}
		switch s.peek() {
		case ',':
			s.pos++
		case '}':
			s.pos++
			return
		default:
			s.ok = false
		}
	}
}

// Array iterates over an array's elements: each calls elem(), which must
// consume the value.
func (s *Scanner) Array(elem func()) {
	if !s.expect('[') {
		return
	}
	if s.peek() == ']' {
		s.pos++
		return
	}
	for s.ok {
		elem()
		if !s.ok {
			return
		}
		switch s.peek() {
		case ',':
			s.pos++
		case ']':
			s.pos++
			return
		default:
			s.ok = false
		}
	}
}

// RawString reads a string without escape sequences and returns its bytes
// (not copied). Control characters, escapes and invalid UTF-8 fail.
func (s *Scanner) RawString() []byte {
	if !s.expect('"') {
		return nil
	}
	start := s.pos
	ascii := true
	for s.pos < len(s.b) {
		c := s.b[s.pos]
		switch {
		case c == '"':
			out := s.b[start:s.pos]
			s.pos++
			if !ascii && !utf8.Valid(out) {
				s.ok = false
			}
			return out
		case c == '\\' || c < 0x20:
			s.ok = false
			return nil
		case c >= 0x80:
			ascii = false
		}
		s.pos++
	}
	s.ok = false
	return nil
}

// UncheckedString reads a string without escape sequences and returns its
// bytes (not copied), checking only for the closing quote and escapes; the
// caller validates every byte itself (base64 decoding rejects control
// characters and non-ASCII). It runs at memchr speed over long blobs.
func (s *Scanner) UncheckedString() []byte {
	if !s.expect('"') {
		return nil
	}
	rest := s.b[s.pos:]
	end := bytes.IndexByte(rest, '"')
	if end < 0 || bytes.IndexByte(rest[:end], '\\') >= 0 {
		s.ok = false
		return nil
	}
	s.pos += end + 1
	return rest[:end]
}

// Bool reads true or false.
func (s *Scanner) Bool() bool {
	s.ws()
	switch {
	case s.ok && hasPrefix(s.b[s.pos:], "true"):
		s.pos += 4
		return true
	case s.ok && hasPrefix(s.b[s.pos:], "false"):
		s.pos += 5
		return false
	}
	s.ok = false
	return false
}

// End checks that only white space is left.
func (s *Scanner) End() bool {
	if s.peek() != 0 || s.pos != len(s.b) {
		s.ok = false
	}
	return s.ok
}

func hasPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && string(b[:len(p)]) == p
}
