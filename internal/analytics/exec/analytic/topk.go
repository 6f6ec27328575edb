package analytic

import (
	"fmt"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

// topKSignature is TOP_K_ITEMS_TUMBLING's: "K must be greater than or
// equal to one and cannot exceed 100,000"; the window is 1 to 3600 s.
var topKSignature = signature{
	name:  "TOP_K_ITEMS_TUMBLING",
	usage: "TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM ...), 'columnName', K, windowSize)",
	params: []param{
		{name: "columnName", kind: paramColumn},
		{name: "K", kind: paramInt, min: 1, max: 100000},
		windowSeconds,
	},
}

// exactItems is how many distinct values per window the tumbling
// functions count exactly: AWS's COUNT_DISTINCT_ITEMS_TUMBLING is exact
// "when there are less than or equal to 10,000 items in the window", and
// TOP_K_ITEMS_TUMBLING keeps at least as many counters.
const exactItems = 10000

// topKCounters is how many counters a TOP_K call keeps: 10,000, or 2K when
// K is larger, so the K items asked for always fit with room to spare.
func topKCounters(k int64) int {
	return int(max(exactItems, 2*k))
}

// topK is TOP_K_ITEMS_TUMBLING(cursor, 'columnName', K, windowSize): when
// each tumbling window ends, up to K rows of (the column's value, its
// count as MOST_FREQUENT_VALUES BIGINT), most frequent first.
type topK struct{}

func (topK) Bind(in []exec.Column, args []value.Value) (exec.TableFuncInstance, []exec.Column, error) {
	b, err := topKSignature.bind(args, nil)
	if err != nil {
		return nil, nil, err
	}
	col, ok := findColumn(in, b.column(0))
	if !ok {
		return nil, nil, &exec.ArgError{Arg: 2, Msg: fmt.Sprintf("columnName '%s' names no column of the cursor (%s)", b.column(0), columnNames(in))}
	}
	k := b.int(1)
	r := &topKRun{
		tumblingColumn: tumblingColumn{col: col, win: tumbling{width: b.int(2) * 1000}},
		k:              int(k),
		counts:         newSpaceSaving(topKCounters(k)),
	}
	out := []exec.Column{
		{Name: in[col].Name, Type: in[col].Type},
		{Name: "MOST_FREQUENT_VALUES", Type: value.Simple(value.KindBigInt)},
	}
	return r, out, nil
}

type topKRun struct {
	tumblingColumn
	k      int
	counts *spaceSaving
	out    [2]value.Value
}

func (r *topKRun) Row(row exec.Row, emit func(exec.Row)) error {
	v, err := r.enter(r, row, emit)
	if err != nil || v.IsNull() {
		return err // NULL is no value: it is not counted
	}
	r.counts.add(r.key, v)
	return nil
}

func (r *topKRun) Advance(now int64, emit func(exec.Row)) error {
	r.advance(r, now, emit)
	return nil
}

// flush emits the open window's top K and closes it.
func (r *topKRun) flush(emit func(exec.Row)) {
	end := r.win.end()
	for _, c := range r.counts.top(r.k) {
		r.out = [2]value.Value{c.item, value.NewBigInt(c.count)}
		emit(exec.Row{Time: end, Values: r.out[:]})
	}
	r.counts.reset()
	r.win.open = false
}
