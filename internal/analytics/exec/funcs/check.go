package funcs

import (
	"fmt"

	"sluice/internal/analytics/value"
)

// checker checks one call's arguments at plan time and words the errors the
// way a CodeValidationException should read: which function, which argument,
// what it must be and what it is. The NULL literal (KindNull) passes every
// type check: the call then returns NULL.
type checker struct {
	fn   string
	args []Arg
}

func (c checker) fail(i int, format string, a ...any) error {
	return &ArgError{Func: c.fn, Arg: i + 1, Msg: fmt.Sprintf(format, a...)}
}

func (c checker) kind(i int) value.Kind { return c.args[i].Type.Kind }

func (c checker) is(i int, what string, ok func(value.Kind) bool) error {
	k := c.kind(i)
	if k == value.KindNull || ok(k) {
		return nil
	}
	return c.fail(i, "must be %s, not %s", what, c.args[i].Type)
}

// str requires CHAR or VARCHAR: KDA converts no other type to a string
// without a CAST.
func (c checker) str(i int) error {
	return c.is(i, "a character string (CHAR or VARCHAR)", value.Kind.IsString)
}

// integer requires an exact number without a fraction: an integer type or
// DECIMAL(p,0), as positions, lengths and MOD's operands are.
func (c checker) integer(i int) error {
	t := c.args[i].Type
	if t.Kind == value.KindDecimal && t.Scale == 0 {
		return nil
	}
	return c.is(i, "an integer", value.Kind.IsInteger)
}

func (c checker) numeric(i int) error {
	return c.is(i, "a number", value.Kind.IsNumeric)
}

// constant requires a constant argument and returns it.
func (c checker) constant(i int, what string) (value.Value, error) {
	if !c.args[i].Const {
		return value.Value{}, c.fail(i, "must be a constant %s", what)
	}
	return c.args[i].Value, nil
}

// constString requires a constant string argument (not NULL).
func (c checker) constString(i int, what string) (string, error) {
	if err := c.str(i); err != nil {
		return "", err
	}
	v, err := c.constant(i, what)
	if err != nil {
		return "", err
	}
	if v.IsNull() {
		return "", c.fail(i, "must be a constant %s, not NULL", what)
	}
	return v.Str(), nil
}

// constInt requires a constant integer argument (not NULL).
func (c checker) constInt(i int, what string) (int64, error) {
	if err := c.integer(i); err != nil {
		return 0, err
	}
	v, err := c.constant(i, what)
	if err != nil {
		return 0, err
	}
	n, ok := intOf(v)
	if !ok {
		return 0, c.fail(i, "must be a constant %s", what)
	}
	return n, nil
}

// strLen is the most characters a string type holds; the NULL literal's
// type counts as one.
func strLen(t value.Type) int {
	if t.Kind == value.KindNull || t.Length <= 0 {
		return 1
	}
	return int(t.Length)
}

// varchar is VARCHAR(n) with n clamped to AWS's limits.
func varchar(n int) value.Type {
	return value.Varchar(min(max(n, 1), value.MaxStringLength))
}

// intOf is an integer value, or a DECIMAL's whole value when it has no
// fraction; ok is false for NULL and other kinds.
func intOf(v value.Value) (int64, bool) {
	switch k := v.Kind(); {
	case k.IsInteger():
		return v.Int64(), true
	case k == value.KindDecimal:
		u, s := v.Int64(), v.Scale()
		for ; s > 0; s-- {
			if u%10 != 0 {
				return 0, false
			}
			u /= 10
		}
		return u, true
	}
	return 0, false
}

// anyNull reports a NULL among args: most functions return NULL then.
func anyNull(args []value.Value) bool {
	for i := range args {
		if args[i].IsNull() {
			return true
		}
	}
	return false
}

// integerDigits is the decimal digits an integer kind holds.
func integerDigits(k value.Kind) int {
	switch k {
	case value.KindTinyInt:
		return 3
	case value.KindSmallInt:
		return 5
	case value.KindInteger:
		return 10
	}
	return 19
}

// commonType is the type several values unify to (COALESCE's result): one
// family, each parameter as wide as the widest. ok is false when the types
// mix families (a number and a string), which SQL does not unify without a
// CAST. All-NULL-literal arguments give the NULL type.
func commonType(ts []value.Type) (value.Type, bool) {
	var r value.Type
	for _, t := range ts {
		if t.Kind == value.KindNull {
			continue
		}
		if r.Kind == value.KindNull {
			r = t
			continue
		}
		var ok bool
		if r, ok = unify(r, t); !ok {
			return value.Type{}, false
		}
	}
	return r, true
}

func unify(a, b value.Type) (value.Type, bool) {
	ka, kb := a.Kind, b.Kind
	switch {
	case ka.IsString() && kb.IsString():
		n := max(a.Length, b.Length)
		if ka == value.KindChar && kb == value.KindChar {
			return value.Char(int(n)), true
		}
		return value.Varchar(int(n)), true
	case ka.IsBinary() && kb.IsBinary():
		n := max(a.Length, b.Length)
		if ka == value.KindBinary && kb == value.KindBinary {
			return value.Binary(int(n)), true
		}
		return value.Varbinary(int(n)), true
	case ka.IsNumeric() && kb.IsNumeric():
		return unifyNumbers(a, b), true
	case ka == kb && ka.IsInterval():
		qa, qb := a.Interval, b.Interval
		q := value.Qualifier{Start: min(qa.Start, qb.Start), End: max(qa.Last(), qb.Last())}
		if q.End == q.Start {
			q.End = value.UnitNone
		}
		q.Precision = max(qa.Precision, qb.Precision)
		return value.Interval(q.Canonical()), true
	case ka == kb:
		return a, true
	case (ka == value.KindDate && kb == value.KindTimestamp) || (ka == value.KindTimestamp && kb == value.KindDate):
		return value.Simple(value.KindTimestamp), true
	}
	return value.Type{}, false
}

func unifyNumbers(a, b value.Type) value.Type {
	ka, kb := a.Kind, b.Kind
	switch {
	case ka == value.KindDouble || kb == value.KindDouble:
		return value.Simple(value.KindDouble)
	case ka == value.KindReal || kb == value.KindReal:
		return value.Simple(value.KindReal)
	case ka.IsInteger() && kb.IsInteger():
		return value.Simple(max(ka, kb))
	}
	pa, sa := decimalShape(a)
	pb, sb := decimalShape(b)
	s := max(sa, sb)
	p := min(max(pa-sa, pb-sb)+s, value.MaxDecimalPrecision)
	return value.Decimal(p, min(s, p))
}

func decimalShape(t value.Type) (p, s int) {
	if t.Kind == value.KindDecimal {
		return int(t.Precision), int(t.Scale)
	}
	return min(integerDigits(t.Kind), value.MaxDecimalPrecision), 0
}
