package value

import (
	"strconv"
	"strings"
)

// ParseType reads a SQL type as written in CREATE STREAM, CAST or an
// InputSchema's SqlType: case-insensitive, any spacing, with the synonyms
// AWS accepts (INT, DEC, NUMERIC, CHARACTER, CHAR VARYING, DOUBLE PRECISION)
// and FLOAT as DOUBLE. It checks AWS's limits: a length 1–65534, a DECIMAL
// precision 1–18 and scale 0–precision, an interval qualifier SQL allows.
// Errors are [ErrInvalidType].
func ParseType(s string) (Type, error) {
	p := typeParser{src: s}
	p.next()
	t, err := p.parse()
	if err != nil {
		return Type{}, err
	}
	if p.tok != tokEOF {
		return Type{}, p.errorf("unexpected %q after the type", p.text)
	}
	return t, nil
}

type tokenKind uint8

const (
	tokEOF tokenKind = iota
	tokWord
	tokNumber
	tokPunct
	tokBad
)

type typeParser struct {
	src  string
	pos  int
	tok  tokenKind
	text string
}

func (p *typeParser) next() {
	for p.pos < len(p.src) && isSpace(p.src[p.pos]) {
		p.pos++
	}
	if p.pos >= len(p.src) {
		p.tok, p.text = tokEOF, ""
		return
	}
	start := p.pos
	c := p.src[p.pos]
	switch {
	case isLetter(c):
		for p.pos < len(p.src) && (isLetter(p.src[p.pos]) || isDigit(p.src[p.pos]) || p.src[p.pos] == '_') {
			p.pos++
		}
		p.tok = tokWord
	case isDigit(c):
		for p.pos < len(p.src) && isDigit(p.src[p.pos]) {
			p.pos++
		}
		p.tok = tokNumber
	case c == '(' || c == ')' || c == ',':
		p.pos++
		p.tok = tokPunct
	default:
		p.pos++
		p.tok = tokBad
	}
	p.text = p.src[start:p.pos]
}

func (p *typeParser) errorf(format string, args ...any) *Error {
	e := errorf(CodeInvalidType, format, args...)
	e.Message = quoteForMessage(p.src) + ": " + e.Message
	return e
}

// word consumes the keyword kw if it is next.
func (p *typeParser) word(kw string) bool {
	if p.tok == tokWord && equalFold(p.text, kw) {
		p.next()
		return true
	}
	return false
}

func (p *typeParser) punct(c string) bool {
	if p.tok == tokPunct && p.text == c {
		p.next()
		return true
	}
	return false
}

// number reads an unsigned integer parameter, up to max.
func (p *typeParser) number(what string, lo, hi int) (int, error) {
	if p.tok != tokNumber {
		return 0, p.errorf("expected the %s, found %q", what, p.text)
	}
	n, err := strconv.Atoi(p.text)
	if err != nil || n < lo || n > hi {
		return 0, p.errorf("the %s must be from %d to %d", what, lo, hi)
	}
	p.next()
	return n, nil
}

// optLength reads an optional "(n)"; def when absent, or an error when def
// is 0 (the type requires it).
func (p *typeParser) optLength(name string, def int) (int, error) {
	if !p.punct("(") {
		if def == 0 {
			return 0, p.errorf("%s needs a length, e.g. %s(16)", name, name)
		}
		return def, nil
	}
	n, err := p.number("length of "+name, 1, MaxStringLength)
	if err != nil {
		return 0, err
	}
	if !p.punct(")") {
		return 0, p.errorf("expected ) after the length of %s", name)
	}
	return n, nil
}

func (p *typeParser) parse() (Type, error) {
	if p.tok != tokWord {
		if p.tok == tokEOF {
			return Type{}, p.errorf("empty type")
		}
		return Type{}, p.errorf("expected a type name, found %q", p.text)
	}
	name := strings.ToUpper(p.text)
	p.next()
	switch name {
	case "BOOLEAN":
		return Simple(KindBoolean), nil
	case "TINYINT":
		return Simple(KindTinyInt), nil
	case "SMALLINT":
		return Simple(KindSmallInt), nil
	case "INTEGER", "INT":
		return Simple(KindInteger), nil
	case "BIGINT":
		return Simple(KindBigInt), nil
	case "REAL":
		return Simple(KindReal), nil
	case "FLOAT":
		// FLOAT is DOUBLE in SQLstream, as in Calcite; FLOAT(p) is not
		// offered.
		return Simple(KindDouble), nil
	case "DOUBLE":
		p.word("PRECISION")
		return Simple(KindDouble), nil
	case "DATE":
		return Simple(KindDate), nil
	case "TIME", "TIMESTAMP":
		// TIME(p)/TIMESTAMP(p) with p <= 3 are accepted: KDA keeps
		// milliseconds whatever the precision says.
		if p.punct("(") {
			if _, err := p.number("precision of "+name, 0, MaxFracPrecision); err != nil {
				return Type{}, err
			}
			if !p.punct(")") {
				return Type{}, p.errorf("expected ) after the precision of %s", name)
			}
		}
		if name == "TIME" {
			return Simple(KindTime), nil
		}
		return Simple(KindTimestamp), nil
	case "DECIMAL", "DEC", "NUMERIC":
		return p.decimal()
	case "CHAR", "CHARACTER":
		if p.word("VARYING") {
			n, err := p.optLength("VARCHAR", MaxStringLength)
			return Varchar(n), err
		}
		n, err := p.optLength("CHAR", 1)
		return Char(n), err
	case "VARCHAR":
		n, err := p.optLength("VARCHAR", MaxStringLength)
		return Varchar(n), err
	case "BINARY":
		if p.word("VARYING") {
			n, err := p.optLength("VARBINARY", MaxStringLength)
			return Varbinary(n), err
		}
		n, err := p.optLength("BINARY", 1)
		return Binary(n), err
	case "VARBINARY":
		n, err := p.optLength("VARBINARY", MaxStringLength)
		return Varbinary(n), err
	case "INTERVAL":
		q, err := p.qualifier()
		if err != nil {
			return Type{}, err
		}
		return Interval(q), nil
	}
	return Type{}, &Error{Code: CodeInvalidType, Message: quoteForMessage(p.src) + ": unknown type " + name}
}

func (p *typeParser) decimal() (Type, error) {
	prec, scale := DefaultDecimalPrec, 0
	if p.punct("(") {
		var err error
		if prec, err = p.number("precision of DECIMAL", 1, MaxDecimalPrecision); err != nil {
			return Type{}, err
		}
		if p.punct(",") {
			if scale, err = p.number("scale of DECIMAL", 0, prec); err != nil {
				return Type{}, err
			}
		}
		if !p.punct(")") {
			return Type{}, p.errorf("expected ) after the precision of DECIMAL")
		}
	}
	return Decimal(prec, scale), nil
}

// qualifier reads "<start>[(p)] [TO <end>[(f)]]" or "SECOND[(p[, f])]".
func (p *typeParser) qualifier() (Qualifier, error) {
	var q Qualifier
	start, ok := ParseUnit(p.text)
	if p.tok != tokWord || !ok {
		return q, p.errorf("expected YEAR, MONTH, DAY, HOUR, MINUTE or SECOND after INTERVAL, found %q", p.text)
	}
	p.next()
	q.Start = start
	if p.punct("(") {
		n, err := p.number("precision of "+start.String(), 1, MaxIntervalPrec)
		if err != nil {
			return q, err
		}
		q.Precision = uint8(n)
		if start == UnitSecond && p.punct(",") {
			f, err := p.number("fractional precision of SECOND", 0, MaxFracPrecision)
			if err != nil {
				return q, err
			}
			// SECOND(p, 0) keeps milliseconds like the default: KDA's
			// intervals are millisecond-precise whatever the qualifier says.
			q.FracPrecision = uint8(f)
		}
		if !p.punct(")") {
			return q, p.errorf("expected ) after the precision of %s", start)
		}
	}
	if p.word("TO") {
		end, ok := ParseUnit(p.text)
		if p.tok != tokWord || !ok {
			return q, p.errorf("expected a unit after TO, found %q", p.text)
		}
		p.next()
		q.End = end
		if end == UnitSecond && p.punct("(") {
			f, err := p.number("fractional precision of SECOND", 0, MaxFracPrecision)
			if err != nil {
				return q, err
			}
			q.FracPrecision = uint8(f)
			if !p.punct(")") {
				return q, p.errorf("expected ) after the precision of SECOND")
			}
		}
	}
	if !q.Valid() {
		return q, p.errorf("INTERVAL %s is not a valid interval qualifier", q)
	}
	return q.Canonical(), nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

// equalFold compares ASCII case-insensitively (keywords are ASCII).
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x|0x20 != y|0x20 || !isLetter(x) && x != y {
			return false
		}
	}
	return true
}
