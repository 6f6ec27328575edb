package funcs

// Null functions: COALESCE and NULLIF; and MONOTONIC, the identity KDA's
// streaming SQL uses to tell the planner an expression never decreases.

import (
	"sluice/internal/analytics/value"
)

func nullFuncs() []*Func {
	return []*Func{
		{Name: "COALESCE", MinArgs: 1, MaxArgs: -1, Deterministic: true, bind: bindCoalesce},
		{Name: "NULLIF", MinArgs: 2, MaxArgs: 2, Deterministic: true, bind: bindNullIf},
		{Name: "MONOTONIC", MinArgs: 1, MaxArgs: 1, Deterministic: true, bind: bindMonotonic},
	}
}

// bindCoalesce binds COALESCE(v1, v2, ...): the first argument that is not
// NULL, converted to the type the arguments unify to (a CHAR(3) and a
// VARCHAR(8) give VARCHAR(8); an INTEGER and a DOUBLE, DOUBLE); arguments of
// different families (a number and a string) are an error.
func bindCoalesce(_ *Env, args []Arg) (*Call, error) {
	ts := make([]value.Type, len(args))
	for i, a := range args {
		ts[i] = a.Type
	}
	t, ok := commonType(ts)
	if !ok {
		return nil, &ArgError{Func: "COALESCE", Msg: "takes arguments of one type family (numbers, strings, datetimes...), not " + typeList(ts)}
	}
	if t.Kind == value.KindNull {
		return scalar(t, func([]value.Value) (value.Value, error) { return value.Value{}, nil }), nil
	}
	// Arguments already of the result type need no conversion.
	same := make([]bool, len(args))
	for i, a := range args {
		same[i] = a.Type == t
	}
	return scalar(t, func(a []value.Value) (value.Value, error) {
		for i := range a {
			if a[i].IsNull() {
				continue
			}
			if same[i] {
				return a[i], nil
			}
			return value.Cast(a[i], t)
		}
		return value.Value{}, nil
	}), nil
}

func typeList(ts []value.Type) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += t.String()
	}
	return s
}

// bindNullIf binds NULLIF(a, b): NULL when a equals b, otherwise a; a's
// type. The two must be comparable.
func bindNullIf(_ *Env, args []Arg) (*Call, error) {
	if !value.Comparable(args[0].Type, args[1].Type) {
		return nil, &ArgError{Func: "NULLIF", Arg: 2, Msg: "must be comparable with argument 1: " + args[1].Type.String() + " and " + args[0].Type.String() + " are not"}
	}
	return scalar(args[0].Type, func(a []value.Value) (value.Value, error) {
		if eq, known := value.Equal(a[0], a[1]); known && eq {
			return value.Value{}, nil
		}
		return a[0], nil
	}), nil
}

// bindMonotonic binds MONOTONIC(x): x itself. KDA uses it to declare an
// expression monotonic (so a GROUP BY on it can close windows); that is the
// planner's business, the value does not change.
func bindMonotonic(_ *Env, args []Arg) (*Call, error) {
	return scalar(args[0].Type, func(a []value.Value) (value.Value, error) { return a[0], nil }), nil
}
