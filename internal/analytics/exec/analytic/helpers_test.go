package analytic

import (
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// run is a bound call under test, with the rows it emitted (copied).
type run struct {
	t    testing.TB
	inst exec.TableFuncInstance
	cols []exec.Column
	out  []exec.Row
}

func bindT(t testing.TB, fn exec.TableFunc, in []exec.Column, args ...value.Value) *run {
	t.Helper()
	inst, cols, err := fn.Bind(in, args)
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	return &run{t: t, inst: inst, cols: cols}
}

func (r *run) emit(row exec.Row) {
	r.out = append(r.out, exec.Row{Time: row.Time, Values: append([]value.Value(nil), row.Values...)})
}

// row feeds a row, firing the instance's deadline first as the executor
// does.
func (r *run) row(t int64, vals ...value.Value) {
	r.t.Helper()
	r.advance(t)
	if err := r.inst.Row(exec.Row{Time: t, Values: vals}, r.emit); err != nil {
		r.t.Fatalf("Row: %v", err)
	}
}

// advance fires every deadline up to now.
func (r *run) advance(now int64) {
	r.t.Helper()
	for {
		at, ok := r.inst.Next()
		if !ok || at > now {
			return
		}
		if err := r.inst.Advance(at, r.emit); err != nil {
			r.t.Fatalf("Advance: %v", err)
		}
		if next, ok := r.inst.Next(); ok && next <= at {
			r.t.Fatalf("Next still %d after Advance(%d)", next, at)
		}
	}
}

// take returns the rows emitted since the last take.
func (r *run) take() []exec.Row {
	out := r.out
	r.out = nil
	return out
}

func col(name string, t value.Type) exec.Column { return exec.Column{Name: name, Type: t} }

var (
	tVarchar = value.Varchar(16)
	tDouble  = value.Simple(value.KindDouble)
	tInt     = value.Simple(value.KindInteger)
	tBigInt  = value.Simple(value.KindBigInt)
)

func vs(s string) value.Value  { return value.NewVarchar(s) }
func vi(i int64) value.Value   { return value.NewBigInt(i) }
func vd(f float64) value.Value { return value.NewDouble(f) }

// lit is a numeric literal's value, as the planner gives it to Bind.
func lit(t testing.TB, text string) value.Value {
	t.Helper()
	v, err := value.NumericLiteral(text)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
