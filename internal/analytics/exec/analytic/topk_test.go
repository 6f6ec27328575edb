package analytic

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"sluice/internal/analytics/exec"
	"sluice/internal/analytics/value"
)

func fmtRows(rows []exec.Row) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(fmt.Sprint(r.Time))
		for _, v := range r.Values {
			b.WriteString(" " + v.String())
		}
		b.WriteString("|")
	}
	return b.String()
}

func TestTopKExact(t *testing.T) {
	in := []exec.Column{col("TICKER", tVarchar), col("PRICE", tDouble)}
	r := bindT(t, topK{}, in, value.NewChar("TICKER"), value.NewInteger(2), value.NewInteger(10))
	if got := fmt.Sprint(r.cols); got != "[{TICKER VARCHAR(16)} {MOST_FREQUENT_VALUES BIGINT}]" {
		t.Errorf("columns %s", got)
	}
	if _, ok := r.inst.Next(); ok {
		t.Error("a deadline before any row")
	}
	r.row(1000, vs("B"), vd(1))
	r.row(2000, vs("A"), vd(1))
	r.row(3000, vs("C"), vd(1))
	r.row(4000, vs("B"), vd(1))
	r.row(5000, value.Null(), vd(1))
	r.row(6000, vs("A"), vd(1))
	if at, ok := r.inst.Next(); !ok || at != 10000 {
		t.Errorf("Next %d %v, want the window's end 10000", at, ok)
	}
	if h, ok := r.inst.Held(); !ok || h != 1000 {
		t.Errorf("Held %d %v, want the window's first row 1000", h, ok)
	}
	if got := r.take(); len(got) != 0 {
		t.Errorf("rows before the window ends: %s", fmtRows(got))
	}
	// A and B tie at 2: in the order of their values; C is third.
	r.row(10000, vs("C"), vd(1))
	if got, want := fmtRows(r.take()), "10000 A 2|10000 B 2|"; got != want {
		t.Errorf("first window %s, want %s", got, want)
	}
	// A quiet stream: the window closes when time passes its end; the
	// empty windows after it emit nothing.
	r.advance(19999)
	if got := r.take(); len(got) != 0 {
		t.Errorf("rows before the end: %s", fmtRows(got))
	}
	r.advance(45000)
	if got, want := fmtRows(r.take()), "20000 C 1|"; got != want {
		t.Errorf("second window %s, want %s", got, want)
	}
	if _, ok := r.inst.Held(); ok {
		t.Error("Held with no window open")
	}
	// A window of only NULLs emits nothing.
	r.row(50000, value.Null(), vd(1))
	r.advance(60000)
	if got := r.take(); len(got) != 0 {
		t.Errorf("rows of a window of NULLs: %s", fmtRows(got))
	}
}

// TestTopKExactManyKeys checks against exact counts, with as many distinct
// values as the sketch has counters.
func TestTopKExactManyKeys(t *testing.T) {
	in := []exec.Column{col("K", tBigInt)}
	r := bindT(t, topK{}, in, value.NewChar("K"), value.NewInteger(50), value.NewInteger(60))
	rng := rand.New(rand.NewPCG(1, 2))
	exact := map[int64]int64{}
	for i := range 200000 {
		k := int64(rng.IntN(exactItems))
		if i%3 == 0 {
			k = int64(rng.IntN(100)) // a head of frequent values
		}
		exact[k]++
		r.row(int64(i/10), vi(k))
	}
	r.advance(60000)
	got := r.take()
	want := exactTop(exact, 50)
	if len(got) != 50 {
		t.Fatalf("%d rows", len(got))
	}
	for i, row := range got {
		if row.Values[0].Int64() != want[i][0] || row.Values[1].Int64() != want[i][1] {
			t.Fatalf("row %d: %s, want %v", i, fmtRows(got[i:i+1]), want[i])
		}
	}
}

// exactTop is the top k of exact counts: count descending, then key.
func exactTop(counts map[int64]int64, k int) [][2]int64 {
	var all [][2]int64
	for key, n := range counts {
		all = append(all, [2]int64{key, n})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i][1] != all[j][1] {
			return all[i][1] > all[j][1]
		}
		return all[i][0] < all[j][0]
	})
	return all[:min(k, len(all))]
}

// TestTopKApproximate: a Zipf stream of 200,000 distinct values in one
// window, 20 times the counters. Every count reported is at least the
// value's true count and at most n/counters above it, and the values whose
// count exceeds that bound are all reported.
func TestTopKApproximate(t *testing.T) {
	const n = 1_000_000
	in := []exec.Column{col("K", tBigInt)}
	r := bindT(t, topK{}, in, value.NewChar("K"), value.NewInteger(20), value.NewInteger(3600))
	rng := rand.New(rand.NewPCG(3, 4))
	zipf := rand.NewZipf(rng, 1.1, 1, 200000)
	exact := map[int64]int64{}
	for i := range n {
		k := int64(zipf.Uint64())
		exact[k]++
		r.row(int64(i)/1000, vi(k))
	}
	r.advance(3600 * 1000)
	got := r.take()
	bound := int64(n / exactItems)
	want := exactTop(exact, 20)
	if len(got) != 20 {
		t.Fatalf("%d rows", len(got))
	}
	reported := map[int64]bool{}
	for _, row := range got {
		k, c := row.Values[0].Int64(), row.Values[1].Int64()
		reported[k] = true
		if c < exact[k] || c > exact[k]+bound {
			t.Errorf("value %d: count %d, true %d, bound +%d", k, c, exact[k], bound)
		}
	}
	for _, w := range want {
		if w[1] > 2*bound && !reported[w[0]] {
			t.Errorf("value %d (count %d) is not reported", w[0], w[1])
		}
	}
	// With these counts the top 20 are far apart: the answer is exact.
	for i, w := range want {
		if got[i].Values[0].Int64() != w[0] {
			t.Errorf("rank %d: %d, want %d", i+1, got[i].Values[0].Int64(), w[0])
		}
	}
}

func TestTumblingBindErrors(t *testing.T) {
	in := []exec.Column{col("TICKER", tVarchar), col("ticker2", tVarchar)}
	s := func(x string) value.Value { return value.NewChar(x) }
	i := func(x int64) value.Value { return value.NewBigInt(x) }
	for _, c := range []struct {
		fn   exec.TableFunc
		args []value.Value
		arg  int
		msg  string
	}{
		{topK{}, []value.Value{s("NOPE"), i(5), i(60)}, 2, "columnName 'NOPE' names no column of the cursor (TICKER, ticker2)"},
		{topK{}, []value.Value{i(5), i(5), i(60)}, 2, "columnName is 5; it must be the name of a column"},
		{topK{}, []value.Value{s("TICKER"), i(0), i(60)}, 3, "K is 0; it must be an integer from 1 to 100,000"},
		{topK{}, []value.Value{s("TICKER"), i(100001), i(60)}, 3, "K is 100001; it must be an integer from 1 to 100,000"},
		{topK{}, []value.Value{s("TICKER"), value.NewDouble(2.5), i(60)}, 3, "K is 2.5;"},
		{topK{}, []value.Value{s("TICKER"), value.Null(), i(60)}, 3, "K cannot be NULL"},
		{topK{}, []value.Value{s("TICKER"), s("5"), i(60)}, 3, "K is '5'"},
		{topK{}, []value.Value{s("TICKER"), i(5), i(3601)}, 4, "windowSize is 3601; it must be an integer from 1 to 3,600"},
		{topK{}, []value.Value{s("TICKER"), i(5), i(0)}, 4, "windowSize is 0"},
		{topK{}, []value.Value{s("TICKER"), i(5)}, 0, "needs its windowSize argument: TOP_K_ITEMS_TUMBLING(CURSOR(SELECT STREAM ...), 'columnName', K, windowSize)"},
		{topK{}, []value.Value{s("TICKER"), i(5), i(60), i(1)}, 5, "takes at most 3 arguments after its CURSOR"},
		{countDistinct{}, []value.Value{s("X"), i(60)}, 2, "columnName 'X' names no column"},
		{countDistinct{}, []value.Value{s("TICKER"), i(-1)}, 3, "windowSize is -1"},
		{countDistinct{}, []value.Value{s("TICKER")}, 0, "needs its windowSize argument"},
	} {
		_, _, err := c.fn.Bind(in, c.args)
		var ae *exec.ArgError
		if !errors.As(err, &ae) || ae.Arg != c.arg || !strings.Contains(ae.Msg, c.msg) {
			t.Errorf("%T%v: got %v (%#v), want argument %d: %s", c.fn, c.args, err, ae, c.arg, c.msg)
		}
	}
	// A name that matches one column ignoring case is that column; one
	// that matches two is none.
	in = []exec.Column{col("TICKER", tVarchar)}
	if _, cols, err := (topK{}).Bind(in, []value.Value{s("ticker"), i(1), i(1)}); err != nil || cols[0].Name != "TICKER" {
		t.Errorf("'ticker': %v %v", cols, err)
	}
	in = []exec.Column{col("A", tVarchar), col("a", tVarchar)}
	if _, _, err := (topK{}).Bind(in, []value.Value{s("a"), i(1), i(1)}); err != nil {
		t.Errorf("exact 'a': %v", err)
	}
	if _, _, err := (topK{}).Bind(in, []value.Value{s("A "), i(1), i(1)}); err == nil {
		t.Error("'A ' found a column")
	}
}

// TestTumblingBeforeEpoch: windows of times before 1970 are aligned too.
func TestTumblingBeforeEpoch(t *testing.T) {
	w := tumbling{width: 10000}
	w.begin(-1)
	if w.start != -10000 || w.end() != 0 {
		t.Errorf("window of -1: %d..%d", w.start, w.end())
	}
	w.begin(-10000)
	if w.start != -10000 {
		t.Errorf("window of -10000: %d", w.start)
	}
}
