package funcs

// String and search functions: CHAR_LENGTH, CHARACTER_LENGTH, UPPER, LOWER,
// INITCAP, POSITION, SUBSTRING, OVERLAY, and the special forms TRIM and ||.
// Positions and lengths count characters (Unicode code points), not bytes:
// KDA assumes USING CHARACTERS.

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"sluice/internal/analytics/value"
)

func stringFuncs() []*Func {
	charLength := func(name string) *Func {
		return &Func{Name: name, MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindCharLength(name)}
	}
	return []*Func{
		charLength("CHAR_LENGTH"),
		charLength("CHARACTER_LENGTH"),
		{Name: "UPPER", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindCaseMap("UPPER", strings.ToUpper)},
		{Name: "LOWER", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindCaseMap("LOWER", strings.ToLower)},
		{Name: "INITCAP", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindCaseMap("INITCAP", initcap)},
		{Name: "POSITION", MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindPosition},
		{Name: "SUBSTRING", MinArgs: 2, MaxArgs: 3, Deterministic: true, bind: bindSubstring},
		{Name: "OVERLAY", MinArgs: 3, MaxArgs: 4, Deterministic: true, bind: bindOverlay},
		{Name: "TRIM", MinArgs: 3, MaxArgs: 3, Syntax: SyntaxSpecial, Deterministic: true, bind: bindTrim},
		{Name: "||", MinArgs: 2, MaxArgs: 2, Syntax: SyntaxSpecial, Deterministic: true, bind: bindConcat},
	}
}

// charCount is the number of characters of s; an invalid UTF-8 byte counts
// as one, as the value package counts them.
func charCount(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return utf8.RuneCountInString(s)
		}
	}
	return len(s)
}

// charSpan is the byte offsets of characters [from, to) of s, counted from
// 0 and clamped to s. It walks only as far as it needs, so a SUBSTRING near
// the start of a long string does not scan the rest.
func charSpan(s string, from, to int) (int, int) {
	if from < 0 {
		from = 0
	}
	if to <= from {
		return 0, 0
	}
	b, n := 0, 0
	start := -1
	for b < len(s) {
		if n == from {
			start = b
		}
		if n == to {
			return start, b
		}
		if s[b] < utf8.RuneSelf {
			b++
		} else {
			_, size := utf8.DecodeRuneInString(s[b:])
			b += size
		}
		n++
	}
	if start < 0 {
		return len(s), len(s)
	}
	return start, len(s)
}

func bindCharLength(name string) func(*Env, []Arg) (*Call, error) {
	return func(_ *Env, args []Arg) (*Call, error) {
		c := checker{fn: name, args: args}
		if err := c.str(0); err != nil {
			return nil, err
		}
		return scalar(value.Simple(value.KindInteger), func(a []value.Value) (value.Value, error) {
			if a[0].IsNull() {
				return value.Value{}, nil
			}
			return value.NewInteger(int32(charCount(a[0].Str()))), nil
		}), nil
	}
}

// bindCaseMap binds UPPER, LOWER and INITCAP: the result has the argument's
// type (a CHAR stays blank-padded) and the same number of characters, as
// the simple Unicode case mappings keep it. (Java's full mappings turn ß
// into SS; Sluice keeps ß.)
func bindCaseMap(name string, m func(string) string) func(*Env, []Arg) (*Call, error) {
	return func(_ *Env, args []Arg) (*Call, error) {
		c := checker{fn: name, args: args}
		if err := c.str(0); err != nil {
			return nil, err
		}
		t := args[0].Type
		if t.Kind == value.KindNull {
			t = value.Varchar(1)
		}
		return scalar(t, func(a []value.Value) (value.Value, error) {
			v := a[0]
			switch v.Kind() {
			case value.KindNull:
				return v, nil
			case value.KindChar:
				return value.NewChar(m(v.Str())), nil
			}
			return value.NewVarchar(m(v.Str())), nil
		}), nil
	}
}

// initcap upper-cases the first character of each word and lower-cases the
// rest; words are separated by white space, as KDA's "space-delimited word".
func initcap(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	start := true
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			start = true
		case start:
			r = unicode.ToUpper(r)
			start = false
		default:
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
	}
	return b.String()
}

func bindPosition(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "POSITION", args: args}
	if err := c.str(0); err != nil {
		return nil, err
	}
	if err := c.str(1); err != nil {
		return nil, err
	}
	return scalar(value.Simple(value.KindInteger), evalPosition), nil
}

// evalPosition is the character position of the first occurrence of
// args[0] in args[1], 1 for an empty search string, 0 when absent.
func evalPosition(a []value.Value) (value.Value, error) {
	if a[0].IsNull() || a[1].IsNull() {
		return value.Value{}, nil
	}
	i := strings.Index(a[1].Str(), a[0].Str())
	if i < 0 {
		return value.NewInteger(0), nil
	}
	return value.NewInteger(int32(charCount(a[1].Str()[:i]) + 1)), nil
}

// bindSubstring binds the three forms the parser folds into SUBSTRING:
//
//	SUBSTRING(s FROM start [FOR length]) and SUBSTRING(s, start [, length])
//	SUBSTRING(s FROM regex)           a Java regular expression: the first match, or NULL
//	SUBSTRING(s FROM pattern FOR esc) SQL:1999's spelling of SUBSTRING(s SIMILAR pattern ESCAPE esc)
//
// telling them apart by the second argument's type.
func bindSubstring(env *Env, args []Arg) (*Call, error) {
	c := checker{fn: "SUBSTRING", args: args}
	if err := c.str(0); err != nil {
		return nil, err
	}
	if args[1].Type.Kind.IsString() {
		if len(args) == 3 {
			return bindSimilarSubstring(env, args)
		}
		return bindRegexSubstring(args)
	}
	for i := 1; i < len(args); i++ {
		if err := c.integer(i); err != nil {
			return nil, err
		}
	}
	t := varchar(strLen(args[0].Type))
	if len(args) == 2 {
		return scalar(t, func(a []value.Value) (value.Value, error) {
			if a[0].IsNull() || a[1].IsNull() {
				return value.Value{}, nil
			}
			start, _ := intOf(a[1])
			return value.NewVarchar(substring(a[0].Str(), start, math.MaxInt64)), nil
		}), nil
	}
	return scalar(t, func(a []value.Value) (value.Value, error) {
		if anyNull(a) {
			return value.Value{}, nil
		}
		start, _ := intOf(a[1])
		n, _ := intOf(a[2])
		if n < 0 {
			return value.Value{}, errorf(CondSubstringError, "SUBSTRING", "the length %d is negative", n)
		}
		end := math.MaxInt64
		if start < math.MaxInt64-n {
			end = int(start + n)
		}
		return value.NewVarchar(substring(a[0].Str(), start, int64(end))), nil
	}), nil
}

// substring is characters [start, end) of s, counting from 1, as SQL
// defines it: a start before 1 shortens the result (SUBSTRING('123456789'
// FROM -1 FOR 4) is '12'), a start past the end gives ”. It shares s's
// bytes.
func substring(s string, start, end int64) string {
	from := max(start, 1) - 1
	to := end - 1
	if to <= from || from >= int64(len(s)) {
		return ""
	}
	to = min(to, int64(len(s)))
	i, j := charSpan(s, int(from), int(to))
	return s[i:j]
}

// bindOverlay binds OVERLAY(s PLACING r FROM start [FOR length]):
// SUBSTRING(s FROM 1 FOR start-1) || r || SUBSTRING(s FROM start+length),
// length defaulting to r's length. A start before 1 puts r before s
// (OVERLAY('12345' PLACING 'foo' FROM 0) is 'foo345'), as KDA documents.
func bindOverlay(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "OVERLAY", args: args}
	for i := range args {
		var err error
		if i < 2 {
			err = c.str(i)
		} else {
			err = c.integer(i)
		}
		if err != nil {
			return nil, err
		}
	}
	t := varchar(strLen(args[0].Type) + strLen(args[1].Type))
	return scalar(t, func(a []value.Value) (value.Value, error) {
		if anyNull(a) {
			return value.Value{}, nil
		}
		s, r := a[0].Str(), a[1].Str()
		start, _ := intOf(a[2])
		n := int64(charCount(r))
		if len(a) == 4 {
			n, _ = intOf(a[3])
			if n < 0 {
				return value.Value{}, errorf(CondSubstringError, "OVERLAY", "the length %d is negative", n)
			}
		}
		head := substring(s, 1, start)
		rest := int64(math.MaxInt64)
		if start < math.MaxInt64-n {
			rest = start + n
		}
		tail := substring(s, rest, math.MaxInt64)
		return value.NewVarchar(head + r + tail), nil
	}), nil
}

// TrimSide is which end of a string TRIM trims.
type TrimSide uint8

// The sides.
const (
	TrimBoth TrimSide = iota
	TrimLeading
	TrimTrailing
)

// bindTrim binds the special TRIM: TRIM(side, chars, source) where side is
// a constant 'BOTH', 'LEADING' or 'TRAILING' and chars the trim character
// (the executor passes ' ' when the SQL names none). KDA allows exactly one
// trim character: an empty or longer string is an error.
func bindTrim(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "TRIM", args: args}
	sideText, err := c.constString(0, "side (BOTH, LEADING or TRAILING)")
	if err != nil {
		return nil, err
	}
	var side TrimSide
	switch strings.ToUpper(sideText) {
	case "", "BOTH":
		side = TrimBoth
	case "LEADING":
		side = TrimLeading
	case "TRAILING":
		side = TrimTrailing
	default:
		return nil, c.fail(0, "must be BOTH, LEADING or TRAILING, not %s", quote(sideText))
	}
	if err := c.str(1); err != nil {
		return nil, err
	}
	if err := c.str(2); err != nil {
		return nil, err
	}
	if args[1].Const && !args[1].Value.IsNull() && charCount(args[1].Value.Str()) != 1 {
		return nil, c.fail(1, "must be exactly one character, not %s", quote(args[1].Value.Str()))
	}
	return scalar(varchar(strLen(args[2].Type)), func(a []value.Value) (value.Value, error) {
		if a[1].IsNull() || a[2].IsNull() {
			return value.Value{}, nil
		}
		v, err := Trim(side, a[1].Str(), a[2].Str())
		if err != nil {
			return value.Value{}, err
		}
		return value.NewVarchar(v), nil
	}), nil
}

// Trim removes repetitions of the one character chars from the side(s) of
// s; it shares s's bytes.
func Trim(side TrimSide, chars, s string) (string, error) {
	if charCount(chars) != 1 {
		return "", errorf(CondTrimError, "TRIM", "the trim character must be exactly one character, not %s", quote(chars))
	}
	if side != TrimTrailing {
		for strings.HasPrefix(s, chars) {
			s = s[len(chars):]
		}
	}
	if side != TrimLeading {
		for strings.HasSuffix(s, chars) {
			s = s[:len(s)-len(chars)]
		}
	}
	return s, nil
}

// bindConcat binds a || b on strings or on binary strings: CHAR(n) || CHAR(m)
// is CHAR(n+m), other mixes VARCHAR(n+m) (VARBINARY for bytes), at most AWS's
// 65534; a longer result is a string truncation error.
func bindConcat(_ *Env, args []Arg) (*Call, error) {
	c := checker{fn: "||", args: args}
	ka, kb := args[0].Type.Kind, args[1].Type.Kind
	binary := ka.IsBinary() || kb.IsBinary()
	if binary {
		for i := range args {
			if err := c.is(i, "a binary string (BINARY or VARBINARY) like the other operand", value.Kind.IsBinary); err != nil {
				return nil, err
			}
		}
	} else {
		for i := range args {
			if err := c.str(i); err != nil {
				return nil, err
			}
		}
	}
	n := strLen(args[0].Type) + strLen(args[1].Type)
	fixed := (ka == value.KindChar || ka == value.KindBinary) && (kb == value.KindChar || kb == value.KindBinary)
	var t value.Type
	switch {
	case binary && fixed:
		t = value.Binary(min(n, value.MaxStringLength))
	case binary:
		t = value.Varbinary(min(n, value.MaxStringLength))
	case fixed:
		t = value.Char(min(n, value.MaxStringLength))
	default:
		t = varchar(n)
	}
	kind := t.Kind
	return scalar(t, func(a []value.Value) (value.Value, error) {
		if a[0].IsNull() || a[1].IsNull() {
			return value.Value{}, nil
		}
		s := a[0].Str() + a[1].Str()
		if (kind.IsBinary() && len(s) > value.MaxStringLength) || (!kind.IsBinary() && len(s) > value.MaxStringLength && charCount(s) > value.MaxStringLength) {
			return value.Value{}, &value.Error{Code: value.CodeStringTruncation, Message: "the concatenation is longer than 65534"}
		}
		switch kind {
		case value.KindChar:
			return value.NewChar(s), nil
		case value.KindBinary:
			return value.NewBinary([]byte(s)), nil
		case value.KindVarbinary:
			return value.NewVarbinary([]byte(s)), nil
		}
		return value.NewVarchar(s), nil
	}), nil
}
