package sql

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// stringValue reads a character literal at the current token and joins
// the literals that follow it ('ab' 'cd' is 'abcd'). U&'...' literals are
// decoded, with the escape character of a following UESCAPE 'c'.
func (p *parser) stringValue() *StringLit {
	start := p.tok().pos
	var b strings.Builder
	for {
		t := p.tok()
		switch t.kind {
		case tokString:
			p.advance()
			b.WriteString(t.value)
			continue
		case tokUnicodeString:
			p.advance()
			esc := '\\'
			if p.acceptWord("UESCAPE") {
				p.note(expString)
				e := p.tok()
				if e.kind != tokString {
					p.fail()
				}
				p.advance()
				r, n := utf8.DecodeRuneInString(e.value)
				if n == 0 || n != len(e.value) || !validUnicodeEscape(r) {
					p.failAt(e.pos, "UESCAPE takes one character that is not a hexadecimal digit, a plus sign, a quote or white space")
				}
				esc = r
			}
			s, ok := decodeUnicodeEscapes(t.value, esc)
			if !ok {
				p.failAt(t.pos, "Unicode literal string %s has an invalid escape sequence", t.text)
			}
			b.WriteString(s)
			continue
		}
		return &StringLit{Pos: start, Value: b.String()}
	}
}

func validUnicodeEscape(r rune) bool {
	return r != '+' && r != '\'' && r != '"' && !unicode.IsSpace(r) && !(r < utf8.RuneSelf && isHex(byte(r)))
}

// decodeUnicodeEscapes resolves the escapes of a U&” literal: esc
// followed by four hex digits, esc + followed by six, or esc doubled.
func decodeUnicodeEscapes(s string, esc rune) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		if r != esc {
			b.WriteString(s[i : i+w])
			i += w
			continue
		}
		i += w
		digits := 4
		if strings.HasPrefix(s[i:], string(esc)) {
			b.WriteRune(esc)
			i += w
			continue
		}
		if strings.HasPrefix(s[i:], "+") {
			digits = 6
			i++
		}
		if i+digits > len(s) {
			return "", false
		}
		code, err := strconv.ParseUint(s[i:i+digits], 16, 32)
		if err != nil || code > utf8.MaxRune || !utf8.ValidRune(rune(code)) {
			return "", false
		}
		b.WriteRune(rune(code))
		i += digits
	}
	return b.String(), true
}

// intervalLit reads INTERVAL [+ | -] 'value' qualifier.
func (p *parser) intervalLit() Expr {
	e := &IntervalLit{Pos: p.expectWord("INTERVAL").pos}
	if p.acceptSym("-") {
		e.Negative = true
	} else {
		p.acceptSym("+")
	}
	e.Value = p.stringLit().Value
	e.Qualifier = p.intervalQualifier()
	return e
}

// intervalQualifier reads unit [(p [, s])] [TO unit [(s)]], and checks that
// it is one of the standard's: YEAR TO MONTH, or a day-time range from a
// larger unit to a smaller one.
func (p *parser) intervalQualifier() IntervalQualifier {
	start := p.tok().pos
	q := IntervalQualifier{Start: p.timeUnit()}
	q.Precision = p.precisions(2)
	if !p.acceptWord("TO") {
		return q
	}
	q.End = p.timeUnit()
	if q.End == Second {
		q.EndPrecision = p.precisions(1)
	}
	if !validQualifier(q) {
		p.failAt(start, "Interval qualifier %s is not valid: it goes from a larger unit to a smaller one, as YEAR TO MONTH or DAY TO SECOND", q)
	}
	return q
}

func validQualifier(q IntervalQualifier) bool {
	if q.End == "" {
		return true
	}
	if q.Start == Year {
		return q.End == Month
	}
	s, e := unitRank(q.Start), unitRank(q.End)
	return s >= unitRank(Day) && e > s
}

// precisions reads an optional (n) or (n, m), at most max numbers.
func (p *parser) precisions(max int) []int {
	if !p.acceptSym("(") {
		return nil
	}
	ns := []int{p.smallInt()}
	for len(ns) < max && p.acceptSym(",") {
		ns = append(ns, p.smallInt())
	}
	p.expectSym(")")
	return ns
}

// typeName reads a data type: a name of the reference's list (two words
// for CHARACTER VARYING, CHAR VARYING, BINARY VARYING and DOUBLE
// PRECISION), its parameters, or an interval qualifier.
func (p *parser) typeName() TypeName {
	p.note(expDataType)
	t := p.tok()
	if t.kind != tokWord || !typeNames[t.value] {
		p.fail()
	}
	p.advance()
	tn := TypeName{Pos: t.pos, Name: t.value}
	switch {
	case (t.value == "CHARACTER" || t.value == "CHAR" || t.value == "BINARY") && p.acceptWord("VARYING"):
		tn.Name += " VARYING"
	case t.value == "DOUBLE" && p.acceptWord("PRECISION"):
		tn.Name += " PRECISION"
	case t.value == "INTERVAL":
		q := p.intervalQualifier()
		tn.Interval = &q
		return tn
	}
	tn.Params = p.precisions(2)
	return tn
}
