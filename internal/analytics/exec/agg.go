package exec

import (
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// aggKind is an aggregate function.
type aggKind uint8

const (
	aggCount aggKind = iota + 1
	aggCountStar
	aggSum
	aggAvg
	aggMin
	aggMax
	aggFirst
	aggLast
	aggVarPop
	aggVarSamp
	aggStddevPop
	aggStddevSamp
	aggExpAvg
)

var aggKinds = map[string]aggKind{
	"COUNT": aggCount, "SUM": aggSum, "AVG": aggAvg, "MIN": aggMin, "MAX": aggMax,
	"FIRST_VALUE": aggFirst, "LAST_VALUE": aggLast,
	"VAR_POP": aggVarPop, "VAR_SAMP": aggVarSamp, "VARIANCE": aggVarSamp,
	"STDDEV_POP": aggStddevPop, "STDDEV_SAMP": aggStddevSamp, "STDDEV": aggStddevSamp,
	"EXP_AVG": aggExpAvg,
}

// aggSpec is one aggregate call of a query: what it computes, over which
// argument (compiled in the query's input scope), and its result type.
type aggSpec struct {
	kind        aggKind
	name        string
	distinct    bool
	ignoreNulls bool
	arg         *cexpr // nil for COUNT(*)
	typ         value.Type
	halfLife    int64 // EXP_AVG's interval, in milliseconds
}

// accumulator folds the arguments of a group's or a window's rows. remove
// takes back a row added earlier, oldest first (sliding windows); the
// tumbling and stagger windows never call it.
type accumulator interface {
	add(v value.Value) error
	remove(v value.Value)
	result() (value.Value, error)
}

// aggSpecOf builds the spec of an aggregate call, checking its argument.
func (pl *planner) aggSpecOf(f *sql.FuncCall, env *exprEnv) (*aggSpec, error) {
	name := f.Name.Last()
	kind, ok := aggKinds[name]
	if !ok {
		return nil, errAt(f.Pos, "No match found for aggregate function %s", name)
	}
	s := &aggSpec{kind: kind, name: name, distinct: f.Distinct, ignoreNulls: f.Nulls == sql.IgnoreNulls}
	if f.Star {
		if kind != aggCount || len(f.Args) > 0 {
			return nil, errAt(f.Pos, "Only COUNT takes * as its argument: %s(*)", name)
		}
		s.kind, s.typ = aggCountStar, value.Simple(value.KindBigInt)
		return s, nil
	}
	want := 1
	if kind == aggExpAvg {
		want = 2
	}
	if len(f.Args) != want {
		return nil, errAt(f.Pos, "Invalid number of arguments to function %s. Was expecting %d arguments", name, want)
	}
	// The argument is computed on the input rows, outside any grouping.
	arg, err := pl.expr(f.Args[0], &exprEnv{sc: env.sc, what: "an aggregate's argument"})
	if err != nil {
		return nil, err
	}
	s.arg = arg
	at := arg.typ
	numeric := func() error {
		if !at.Kind.IsNumeric() && at.Kind != value.KindNull {
			return errAt(f.Args[0].Position(), "Cannot apply %s to arguments of type %s: it takes a number", name, at)
		}
		return nil
	}
	switch kind {
	case aggCount:
		s.typ = value.Simple(value.KindBigInt)
	case aggSum, aggAvg:
		if err := numeric(); err != nil {
			return nil, err
		}
		s.typ = sumType(at, kind == aggSum)
	case aggMin, aggMax:
		if at.Kind == value.KindBoolean || at.Kind.IsBinary() {
			return nil, errAt(f.Args[0].Position(), "Cannot apply %s to arguments of type %s", name, at)
		}
		s.typ = at
	case aggFirst, aggLast:
		s.typ = at
	case aggVarPop, aggVarSamp, aggStddevPop, aggStddevSamp:
		if err := numeric(); err != nil {
			return nil, err
		}
		s.typ = statType(at)
	case aggExpAvg:
		if err := numeric(); err != nil {
			return nil, err
		}
		s.typ = statType(at)
		hl, err := pl.expr(f.Args[1], &exprEnv{what: "EXP_AVG's interval"})
		if err != nil {
			return nil, err
		}
		if !hl.isConst || hl.typ.Kind != value.KindIntervalDayTime || hl.val.Int64() <= 0 {
			return nil, errAt(f.Args[1].Position(), "EXP_AVG takes a positive day-time interval constant as its half-life, as INTERVAL '10' SECOND")
		}
		s.halfLife = hl.val.Int64()
	}
	if s.typ.Kind == value.KindNull {
		s.typ = value.Simple(value.KindInteger)
	}
	return s, nil
}

// sumType is the type of SUM and AVG of a type: the argument's own, as in
// SQLstream (AVG of an INTEGER is an INTEGER, its fraction cut off); a
// DECIMAL sum keeps its scale with all 18 digits.
func sumType(t value.Type, sum bool) value.Type {
	if t.Kind == value.KindDecimal && sum {
		return value.Decimal(value.MaxDecimalPrecision, int(t.Scale))
	}
	if t.Kind == value.KindNull {
		return value.Simple(value.KindInteger)
	}
	return t
}

// statType is the type of a variance or deviation: REAL stays REAL, every
// other number gives a DOUBLE (a deviation of integers is seldom an
// integer).
func statType(t value.Type) value.Type {
	if t.Kind == value.KindReal {
		return t
	}
	return value.Simple(value.KindDouble)
}

// newAccumulator makes an accumulator for s. sliding asks for one that can
// take rows back.
func newAccumulator(s *aggSpec, sliding bool) accumulator {
	var a accumulator
	switch s.kind {
	case aggCountStar, aggCount:
		a = &countAcc{}
	case aggSum:
		a = newSumAcc(s.typ, false)
	case aggAvg:
		a = newSumAcc(s.typ, true)
	case aggMin, aggMax:
		if sliding {
			a = &slidingExtremeAcc{max: s.kind == aggMax}
		} else {
			a = &extremeAcc{max: s.kind == aggMax}
		}
	case aggFirst, aggLast:
		a = &firstLastAcc{last: s.kind == aggLast, ignoreNulls: s.ignoreNulls}
	case aggVarPop, aggVarSamp, aggStddevPop, aggStddevSamp:
		a = &varianceAcc{kind: s.kind, typ: s.typ}
	default:
		a = &countAcc{}
	}
	// MIN and MAX are the same over distinct values.
	if s.distinct && s.kind != aggMin && s.kind != aggMax {
		a = &distinctAcc{inner: a}
	}
	return a
}
