package record

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// A Path is a parsed JSONPath of the subset AWS documents for input
// mappings (about-json-path.md):
//
//	$                      the row itself
//	$.name                 a member (letters, digits, _, and any non-ASCII)
//	$["any name"] $['x']   a member whose name needs quoting (\" \' \\ escapes)
//	$[2]                   an element of an array
//	$[0:] $[3:]            all elements of an array (from the index on)
//
// Steps chain: $.orders[0:].orderId. A path that ends in [n:] is the array
// itself, as one JSON text; [n:] followed by more steps flattens the array:
// one row per element. Only one step may flatten ("only one level of
// dereferencing is supported in an array expression").
type Path struct {
	Steps []Step
	text  string
}

// StepKind is what a path step selects.
type StepKind uint8

// The step kinds.
const (
	StepMember   StepKind = iota + 1 // .name or ["name"]
	StepIndex                        // [n]
	StepElements                     // [n:]
)

// Step is one step of a path.
type Step struct {
	Kind  StepKind
	Name  string // StepMember
	Index int    // StepIndex; the first element for StepElements
}

// String is the path as it was written.
func (p Path) String() string { return p.text }

// flattenAt is the index of the step that flattens (a StepElements step
// followed by more steps), or -1.
func (p Path) flattenAt() int {
	for i, s := range p.Steps {
		if s.Kind == StepElements && i < len(p.Steps)-1 {
			return i
		}
	}
	return -1
}

// maxPathIndex bounds array indexes in a path (an index past any array a
// 512 KB row can hold).
const maxPathIndex = 1 << 20

// ParsePath reads a JSONPath of the documented subset. Errors say where the
// path stops making sense.
func ParsePath(s string) (Path, error) {
	p := Path{text: s}
	t := strings.TrimSpace(s)
	if t == "" || t[0] != '$' {
		return p, pathError(s, "a JSONPath starts with $")
	}
	i := 1
	elements := 0
	for i < len(t) {
		switch t[i] {
		case '.':
			i++
			start := i
			for i < len(t) && isNameByte(t[i]) {
				i++
			}
			if i == start {
				if i < len(t) && t[i] == '.' {
					return p, pathError(s, "recursive descent (..) is not supported")
				}
				return p, pathError(s, "expected a member name after . at offset "+strconv.Itoa(start))
			}
			p.Steps = append(p.Steps, Step{Kind: StepMember, Name: t[start:i]})
		case '[':
			i++
			for i < len(t) && t[i] == ' ' {
				i++
			}
			if i >= len(t) {
				return p, pathError(s, "unterminated [")
			}
			switch c := t[i]; {
			case c == '"' || c == '\'':
				name, n, ok := readQuoted(t[i:])
				if !ok {
					return p, pathError(s, "unterminated quoted member name")
				}
				i += n
				p.Steps = append(p.Steps, Step{Kind: StepMember, Name: name})
			case c >= '0' && c <= '9':
				start := i
				for i < len(t) && t[i] >= '0' && t[i] <= '9' {
					i++
				}
				n, err := strconv.Atoi(t[start:i])
				if err != nil || n > maxPathIndex {
					return p, pathError(s, "array index too large")
				}
				if i < len(t) && t[i] == ':' {
					i++
					p.Steps = append(p.Steps, Step{Kind: StepElements, Index: n})
					elements++
				} else {
					p.Steps = append(p.Steps, Step{Kind: StepIndex, Index: n})
				}
			case c == '*':
				i++
				p.Steps = append(p.Steps, Step{Kind: StepElements})
				elements++
			default:
				return p, pathError(s, "expected a quoted name, an index or n: inside [ ]")
			}
			for i < len(t) && t[i] == ' ' {
				i++
			}
			if i >= len(t) || t[i] != ']' {
				return p, pathError(s, "expected ] at offset "+strconv.Itoa(i))
			}
			i++
		default:
			return p, pathError(s, "unexpected "+strconv.QuoteRune(rune(t[i]))+" at offset "+strconv.Itoa(i))
		}
	}
	if elements > 1 {
		return p, pathError(s, "only one array can be flattened in a path ([0:] appears more than once)")
	}
	return p, nil
}

// isNameByte is a byte of an unquoted member name: ASCII letters, digits,
// _ and $, and any byte of a non-ASCII character.
func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '$' || c == '-' || c >= utf8.RuneSelf
}

// readQuoted reads a quoted name at the start of s and returns it with the
// number of bytes read.
func readQuoted(s string) (string, int, bool) {
	q := s[0]
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case q:
			return b.String(), i + 1, true
		case '\\':
			if i+1 >= len(s) {
				return "", 0, false
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(c)
		}
	}
	return "", 0, false
}

func pathError(path, msg string) error {
	return &SchemaError{Message: "JSONPath " + strconv.Quote(path) + ": " + msg}
}

// MemberPath is the path of a member name relative to parent, quoted when
// the name is not a plain identifier: MemberPath("$", "PRICE") is $.PRICE,
// MemberPath("$", "user@domain") is $["user@domain"].
func MemberPath(parent, name string) string {
	plain := name != ""
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			plain = false
			break
		}
	}
	if plain {
		return parent + "." + name
	}
	var b strings.Builder
	b.WriteString(parent)
	b.WriteString(`["`)
	for i := 0; i < len(name); i++ {
		if name[i] == '"' || name[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(name[i])
	}
	b.WriteString(`"]`)
	return b.String()
}
