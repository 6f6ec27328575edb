package record

import (
	"errors"
	"strings"

	"sluice/internal/analytics/value"
)

// The input mapping's conversions (sch-mapping.md, "Mapping JSON Data Types
// to SQL Data Types"). They are looser than CAST in places (a number or a
// string becomes a BOOLEAN) and stricter in others (123.4 does not become an
// INTEGER). CSV fields follow the rules for JSON strings.

// errCoercion marks a value that does not convert; the message says why.
type errCoercion struct{ msg string }

func (e *errCoercion) Error() string { return e.msg }

func coercionf(t value.Type, what string) error {
	return &errCoercion{msg: what + " cannot be converted to " + t.String()}
}

// fromString converts the text of a JSON string or a CSV field.
func fromString(s string, t value.Type) (value.Value, error) {
	switch {
	case t.Kind.IsString():
		// Longer text is cut to the column's length, silently.
		return value.Cast(value.NewVarchar(s), t)
	case t.Kind == value.KindBoolean:
		// "true" in any case is TRUE; anything else is FALSE.
		return value.NewBoolean(strings.EqualFold(strings.TrimSpace(s), "true")), nil
	case t.Kind.IsBinary():
		v, err := value.ParseBinaryLiteral(s)
		if err != nil {
			return value.Value{}, coercionf(t, "the string "+shortValue(s))
		}
		return value.Cast(v, t)
	}
	v, err := value.CastExact(value.NewVarchar(s), t)
	if err != nil {
		return value.Value{}, describe(err, t, "the string "+shortValue(s))
	}
	return v, nil
}

// fromNumber converts the text of a JSON number.
func fromNumber(text string, t value.Type) (value.Value, error) {
	switch {
	case t.Kind.IsNumeric():
		v, err := value.CastExact(value.NewVarchar(text), t)
		if err != nil {
			return value.Value{}, describe(err, t, "the number "+text)
		}
		return v, nil
	case t.Kind.IsString():
		return value.Cast(value.NewVarchar(text), t)
	case t.Kind == value.KindBoolean:
		return value.NewBoolean(!isZeroNumber(text)), nil
	}
	return value.Value{}, coercionf(t, "the number "+text)
}

// isZeroNumber reports a JSON number equal to zero (0, -0, 0.0, 0e10).
func isZeroNumber(text string) bool {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == 'e' || c == 'E':
			return true
		case c >= '1' && c <= '9':
			return false
		}
	}
	return true
}

// fromBool converts a JSON true or false.
func fromBool(b bool, t value.Type) (value.Value, error) {
	switch {
	case t.Kind == value.KindBoolean:
		return value.NewBoolean(b), nil
	case t.Kind.IsNumeric():
		n := "0"
		if b {
			n = "1"
		}
		return value.Cast(value.NewVarchar(n), t)
	case t.Kind.IsString():
		s := "false"
		if b {
			s = "true"
		}
		return value.Cast(value.NewVarchar(s), t)
	case t.Kind.IsBinary():
		// The lowest bit set, the others clear: one byte for VARBINARY, the
		// last of n for BINARY(n).
		n := 1
		if t.Kind == value.KindBinary {
			n = int(t.Length)
		}
		buf := make([]byte, n)
		if b {
			buf[n-1] = 1
		}
		return value.Cast(value.NewVarbinary(buf), t)
	}
	if b {
		return value.Value{}, coercionf(t, "true")
	}
	return value.Value{}, coercionf(t, "false")
}

// fromJSONText converts an object or an array: its text, for character
// columns only.
func fromJSONText(text string, t value.Type) (value.Value, error) {
	if t.Kind.IsString() {
		return value.Cast(value.NewVarchar(compactJSON(text)), t)
	}
	kind := "an object"
	if strings.HasPrefix(text, "[") {
		kind = "an array"
	}
	return value.Value{}, coercionf(t, kind)
}

// describe words a value error for error_stream.
func describe(err error, t value.Type, what string) error {
	switch {
	case errors.Is(err, value.ErrNumericOverflow):
		return &errCoercion{msg: what + " is out of the range or precision of " + t.String()}
	case errors.Is(err, value.ErrCastNotSupported):
		return coercionf(t, what)
	}
	return &errCoercion{msg: what + " is not a valid " + t.String()}
}
