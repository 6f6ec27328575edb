package analytic

import (
	"fmt"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

var countDistinctSignature = signature{
	name:  "COUNT_DISTINCT_ITEMS_TUMBLING",
	usage: "COUNT_DISTINCT_ITEMS_TUMBLING(CURSOR(SELECT STREAM ...), 'columnName', windowSize)",
	params: []param{
		{name: "columnName", kind: paramColumn},
		windowSeconds,
	},
}

// countDistinct is COUNT_DISTINCT_ITEMS_TUMBLING(cursor, 'columnName',
// windowSize): when each tumbling window ends, one row with the number of
// distinct values of the column in it, NUMBER_OF_DISTINCT_ITEMS BIGINT.
type countDistinct struct{}

func (countDistinct) Bind(in []exec.Column, args []value.Value) (exec.TableFuncInstance, []exec.Column, error) {
	b, err := countDistinctSignature.bind(args, nil)
	if err != nil {
		return nil, nil, err
	}
	col, ok := findColumn(in, b.column(0))
	if !ok {
		return nil, nil, &exec.ArgError{Arg: 2, Msg: fmt.Sprintf("columnName '%s' names no column of the cursor (%s)", b.column(0), columnNames(in))}
	}
	r := &countDistinctRun{tumblingColumn: tumblingColumn{col: col, win: tumbling{width: b.int(1) * 1000}}}
	return r, []exec.Column{{Name: "NUMBER_OF_DISTINCT_ITEMS", Type: value.Simple(value.KindBigInt)}}, nil
}

type countDistinctRun struct {
	tumblingColumn
	items distinctCounter
	out   [1]value.Value
}

func (r *countDistinctRun) Row(row exec.Row, emit func(exec.Row)) error {
	v, err := r.enter(r, row, emit)
	if err != nil || v.IsNull() {
		return err // as COUNT(DISTINCT x), NULL is not counted
	}
	r.items.add(r.key)
	return nil
}

func (r *countDistinctRun) Advance(now int64, emit func(exec.Row)) error {
	r.advance(r, now, emit)
	return nil
}

func (r *countDistinctRun) flush(emit func(exec.Row)) {
	r.out[0] = value.NewBigInt(r.items.count())
	emit(exec.Row{Time: r.win.end(), Values: r.out[:]})
	r.items.reset()
	r.win.open = false
}

// distinctCounter counts distinct keys: exactly, in a set, up to
// exactItems of them; past that in a HyperLogLog sketch, into which the
// set's keys move.
type distinctCounter struct {
	exact map[string]struct{}
	hll   *hll
}

func (d *distinctCounter) add(key []byte) {
	if d.hll != nil {
		d.hll.add(hash64(key))
		return
	}
	if d.exact == nil {
		d.exact = map[string]struct{}{}
	}
	if _, ok := d.exact[string(key)]; ok {
		return
	}
	if len(d.exact) < exactItems {
		d.exact[string(key)] = struct{}{}
		return
	}
	d.hll = &hll{}
	for k := range d.exact {
		d.hll.add(hash64([]byte(k)))
	}
	d.hll.add(hash64(key))
	d.exact = nil
}

// count is the number of distinct keys: exact up to exactItems; past that
// the sketch's estimate, never below exactItems+1 (that many were seen).
func (d *distinctCounter) count() int64 {
	if d.hll == nil {
		return int64(len(d.exact))
	}
	return max(int64(d.hll.estimate()+0.5), exactItems+1)
}

func (d *distinctCounter) reset() {
	clear(d.exact)
	d.hll = nil
}
