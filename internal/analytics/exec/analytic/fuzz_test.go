package analytic

import (
	"errors"
	"math"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// fuzzBytes reads a fuzz input a byte at a time (zeros when it runs out).
type fuzzBytes struct {
	b []byte
}

func (f *fuzzBytes) next() byte {
	if len(f.b) == 0 {
		return 0
	}
	c := f.b[0]
	f.b = f.b[1:]
	return c
}

func (f *fuzzBytes) int(n int) int { return int(f.next()) % n }

var fuzzKinds = []value.Type{
	value.Simple(value.KindDouble), value.Simple(value.KindInteger), value.Simple(value.KindBigInt),
	value.Simple(value.KindReal), value.Simple(value.KindTinyInt), value.Varchar(8), value.Char(2),
	value.Decimal(5, 2), value.Simple(value.KindBoolean), value.Simple(value.KindTimestamp),
}

// fuzzValue makes a value of a type (or NULL, or one of another kind).
func fuzzValue(f *fuzzBytes, t value.Type) value.Value {
	switch f.int(16) {
	case 0:
		return value.Null()
	case 1:
		t = fuzzKinds[f.int(len(fuzzKinds))]
	}
	x := int64(int8(f.next()))
	switch t.Kind {
	case value.KindDouble, value.KindReal:
		switch f.int(8) {
		case 0:
			return value.NewDouble(math.MaxFloat64)
		case 1:
			return value.NewDouble(-math.SmallestNonzeroFloat64)
		case 2:
			return value.NewDouble(math.Inf(1))
		case 3:
			return value.NewDouble(math.NaN())
		}
		return value.NewDouble(float64(x) / 4)
	case value.KindInteger, value.KindBigInt, value.KindTinyInt:
		if f.int(8) == 0 {
			return value.NewBigInt(math.MinInt64)
		}
		return value.NewBigInt(x * int64(f.next()))
	case value.KindDecimal:
		d, _ := value.NewDecimal(x*int64(f.next()), 2)
		return d
	case value.KindBoolean:
		return value.NewBoolean(x&1 == 1)
	case value.KindTimestamp:
		return value.NewTimestamp(x * 1000)
	}
	return value.NewVarchar(string(rune('A' + f.int(4))))
}

// FuzzBind binds random calls of every function (cursor columns of any
// types, arguments of any kinds and values, too many or too few) and runs
// those that bind over random rows and time. Properties: nothing panics;
// Bind either fails with an *exec.ArgError or declares column types rows
// can have; every row out has as many values as declared columns and a time
// between the previous row's and the call's time; Next moves on after
// Advance; Held is never later than the time of the call.
func FuzzBind(f *testing.F) {
	f.Add([]byte{0, 1, 5, 0, 3, 0, 5, 1, 60, 9, 9, 9, 9})
	f.Add([]byte{2, 2, 0, 0, 2, 1, 100, 1, 2, 1, 17})
	f.Add([]byte{3, 2, 0, 1, 0})
	f.Add([]byte{4, 2, 0, 1, 5, 1, 10, 1, 10, 1, 11, 1, 2, 8, 1})
	f.Add([]byte{1, 1, 5, 0, 2, 0, 5, 1, 1})
	f.Fuzz(runFuzzBind)
}

func runFuzzBind(t *testing.T, data []byte) {
	{
		fb := &fuzzBytes{b: data}
		names := []string{NameTopK, NameCountDistinct, NameHotspots, NameRandomCutForest, NameRandomCutForestExp}
		fn := Funcs(uint64(len(data)))[names[fb.int(len(names))]]
		in := make([]exec.Column, 1+fb.int(4))
		for i := range in {
			in[i] = exec.Column{Name: string(rune('A' + i)), Type: fuzzKinds[fb.int(len(fuzzKinds))]}
		}
		args := make([]value.Value, fb.int(7))
		for i := range args {
			switch fb.int(4) {
			case 0:
				args[i] = value.NewChar(in[fb.int(len(in))].Name)
			case 1:
				// Small integers, to bind often and run cheaply.
				args[i] = value.NewInteger(int32(fb.next()%12) * int32(1+fb.int(3)))
			default:
				args[i] = fuzzValue(fb, fuzzKinds[fb.int(len(fuzzKinds))])
			}
		}
		inst, cols, err := fn.Bind(in, args)
		if err != nil {
			var ae *exec.ArgError
			if !errors.As(err, &ae) || ae.Msg == "" {
				t.Fatalf("Bind: %v is not an *exec.ArgError", err)
			}
			return
		}
		for _, c := range cols {
			if !c.Type.IsColumnType() {
				t.Fatalf("output column %s of type %s", c.Name, c.Type)
			}
		}
		var last, limit int64
		emit := func(r exec.Row) {
			if len(r.Values) != len(cols) {
				t.Fatalf("a row of %d values for %d columns", len(r.Values), len(cols))
			}
			if r.Time < last || r.Time > limit {
				t.Fatalf("a row at %d, outside %d..%d", r.Time, last, limit)
			}
			last = r.Time
		}
		now := int64(fb.next()) * 1000
		for range 40 + fb.int(40) {
			now += int64(fb.next()) * int64(1+fb.int(4)*1000)
			for {
				at, ok := inst.Next()
				if !ok || at > now {
					break
				}
				limit = at
				if err := inst.Advance(at, emit); err != nil {
					t.Fatalf("Advance: %v", err)
				}
				if next, ok := inst.Next(); ok && next <= at {
					t.Fatalf("Next still %d after Advance(%d)", next, at)
				}
			}
			limit = now
			row := make([]value.Value, len(in))
			for i, c := range in {
				row[i] = fuzzValue(fb, c.Type)
			}
			if err := inst.Row(exec.Row{Time: now, Values: row}, emit); err != nil {
				t.Fatalf("Row: %v", err)
			}
			if h, ok := inst.Held(); ok && h > now {
				t.Fatalf("Held %d after a row at %d", h, now)
			}
		}
	}
}

// FuzzCheck runs Check over code that parses. Properties: it does not
// panic, and an error it returns is an *sql.Error with a position.
func FuzzCheck(f *testing.F) {
	for _, call := range []string{
		`RANDOM_CUT_FOREST(CURSOR(SELECT STREAM * FROM S), 100, 256, 100000, 1)`,
		`RANDOM_CUT_FOREST_WITH_EXPLANATION(CURSOR(SELECT STREAM * FROM S), -1, NULL, 1E2, +3, TRUE)`,
		`HOTSPOTS(CURSOR(SELECT STREAM x, y FROM S), 1000, 0.2, 17)`,
		`TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM S), 'TICKER', 5, 60)`,
		`COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM * FROM S), 'TICKER', - -60)`,
		`COUNT_DISTINCT_ITEMS_TUMBLING()`,
	} {
		f.Add(checkPrefix + call + ");")
	}
	f.Fuzz(func(t *testing.T, code string) {
		app, err := sql.Parse(code)
		if err != nil {
			return
		}
		err = Check(app)
		if err == nil {
			return
		}
		var se *sql.Error
		if !errors.As(err, &se) || se.Line < 1 || se.Column < 1 {
			t.Fatalf("%v is not a positioned *sql.Error", err)
		}
	})
}
