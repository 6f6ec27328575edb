package exec

import (
	"errors"
	"sort"
	"strings"
	"testing"

	"sluice/internal/analytics/sql"
	"sluice/internal/analytics/value"
)

// countItems is a table function for the tests, in the manner of
// COUNT_DISTINCT_ITEMS_TUMBLING: COUNT_ITEMS(CURSOR(...), 'COLUMN', seconds)
// emits, when each tumbling window ends, a row per value of the column
// with its count.
type countItems struct{}

func (countItems) Bind(in []Column, args []value.Value) (TableFuncInstance, []Column, error) {
	if len(args) != 2 {
		return nil, nil, &ArgError{Arg: 1, Msg: "takes a column name and a window size"}
	}
	col := -1
	for i, c := range in {
		if c.Name == args[0].Str() {
			col = i
		}
	}
	if col < 0 {
		return nil, nil, &ArgError{Arg: 2, Msg: "names no column of the cursor: " + args[0].String()}
	}
	if !args[1].Kind().IsInteger() || args[1].Int64() <= 0 {
		return nil, nil, &ArgError{Arg: 3, Msg: "must be a positive number of seconds"}
	}
	return &countItemsRun{col: col, width: args[1].Int64() * 1000, counts: map[string]int64{}},
		[]Column{{Name: "ITEM", Type: in[col].Type}, {Name: "N", Type: value.Simple(value.KindBigInt)}}, nil
}

type countItemsRun struct {
	col          int
	width        int64
	open         bool
	start, first int64
	counts       map[string]int64
	items        map[string]value.Value
}

func (r *countItemsRun) Row(row Row, emit func(Row)) error {
	start := row.Time / r.width * r.width
	if !r.open {
		r.open, r.start, r.first = true, start, row.Time
		r.items = map[string]value.Value{}
	}
	v := row.Values[r.col]
	r.counts[v.String()]++
	r.items[v.String()] = v
	return nil
}

func (r *countItemsRun) Advance(now int64, emit func(Row)) error {
	if !r.open || now < r.start+r.width {
		return nil
	}
	keys := make([]string, 0, len(r.counts))
	for k := range r.counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		emit(Row{Time: r.start + r.width, Values: []value.Value{r.items[k], value.NewBigInt(r.counts[k])}})
	}
	clear(r.counts)
	r.open = false
	return nil
}

func (r *countItemsRun) Next() (int64, bool) { return r.start + r.width, r.open }

func (r *countItemsRun) Held() (int64, bool) { return r.first, r.open }

func tfEnv() Env {
	env := testEnv()
	env.TableFuncs = map[string]TableFunc{"COUNT_ITEMS": countItems{}}
	return env
}

func TestTableFunction(t *testing.T) {
	p := compileT(t, `CREATE OR REPLACE STREAM O (item VARCHAR(4), n BIGINT);
CREATE PUMP P AS INSERT INTO O
  SELECT STREAM * FROM TABLE(COUNT_ITEMS(CURSOR(SELECT STREAM * FROM SOURCE_SQL_STREAM_001), 'TICKER', 10));`, tfEnv())
	rec := record(t, p, "O")
	push(t, p, src(1000, "B", 1, 1, 0), src(2000, "A", 1, 1, 0), src(3000, "B", 1, 1, 0))
	if w := p.LowWatermark(); w != 1000 {
		t.Errorf("watermark %d, want the window's first row, 1000", w)
	}
	push(t, p, src(11000, "C", 1, 1, 0))
	if err := p.Advance(25000); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rec.rows["O"] {
		got = append(got, fmtTime(r.Time)[17:23]+" "+r.Values[0].String()+" "+r.Values[1].String())
	}
	want := "10.000 A 1|10.000 B 2|20.000 C 1"
	if strings.Join(got, "|") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}

func TestTableFunctionArgError(t *testing.T) {
	code := `CREATE OR REPLACE STREAM O (item VARCHAR(4), n BIGINT);
CREATE PUMP P AS INSERT INTO O
  SELECT STREAM * FROM TABLE(COUNT_ITEMS(CURSOR(SELECT STREAM * FROM SOURCE_SQL_STREAM_001), 'NOPE', 10));`
	app, err := sql.Parse(code)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Compile(app, tfEnv())
	var se *sql.Error
	if !errors.As(err, &se) || se.Line != 3 || se.Column != strings.Index(strings.Split(code, "\n")[2], "'NOPE'")+1 ||
		!strings.Contains(se.Msg, "COUNT_ITEMS: names no column of the cursor") {
		t.Fatalf("got %v", err)
	}
}
